/* dwindex: for each compilation unit of a module, its functions and inlined
 * calls with their address ranges, built by one walk over the unit's DIEs the
 * first time an address falls in it; afterwards an address costs a binary
 * search and a short scan, not a walk (dwarf_getscopes walks the unit every
 * time, which in C++ units with thousands of DIEs costs milliseconds). */
#ifndef ALLOCPROF_DWINDEX_H
#define ALLOCPROF_DWINDEX_H

#include <elfutils/libdw.h>

struct dwindex;

struct dwindex *dwindex_new(void);
void dwindex_free(struct dwindex *x);

/* The subprogram and inlined-subroutine DIEs holding pc (an address in the
 * DWARF's own terms, i.e. without the load bias) in the unit cudie, innermost
 * first and the subprogram last, into out[0..cap). Returns how many; 0 when
 * none holds pc; -ENOMEM. */
int dwindex_scopes(struct dwindex *x, Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die *out, int cap);

#endif

/* unwind_validate: libunwind checks that an address is readable before it
 * loads from it by writing a byte of it into a pipe it keeps open for the
 * life of the process. This module takes that pipe away, so that the shim
 * holds no file descriptor the program could close, reuse or dup2 over. */
#ifndef ALLOCPROF_UNWIND_VALIDATE_H
#define ALLOCPROF_UNWIND_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

/* Rebinds libunwind's calls of pipe2, read, close and syscall(SYS_write) to
 * stand-ins that validate without a descriptor. Call before libunwind's
 * first use; returns how many of its call slots were rebound. */
int unwind_validate_install(void);

/* True if the 8 bytes around addr can be read, asked of the kernel with no
 * file descriptor (a signal-mask call that fails on the copy-in). */
bool unwind_validate_readable(uint64_t addr);

#endif

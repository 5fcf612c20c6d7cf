/* inject: calls bound before the shim arrived in a running process are
 * redirected by rewriting the malloc family's GOT slots (JUMP_SLOT,
 * GLOB_DAT and absolute pointers) in every loaded module, and put back on
 * detach. Used by attach.c only: a preloaded shim is bound by the loader. */
#ifndef ALLOCPROF_INJECT_H
#define ALLOCPROF_INJECT_H

#include <link.h>
#include <stdbool.h>
#include <stdint.h>

/* Points the slots of every module but the shim, the C library and the
 * dynamic loader at the shim, and does the same to modules the program
 * dlopens later. The number of slots rewritten, or -EEXIST when one already
 * points into another copy of the shim, -ENOTSUP on an architecture whose
 * relocations are not known here. */
int inject_patch_all(void);
/* Puts back every slot still pointing at the shim. */
void inject_restore_all(void);
/* The same in a fork child, where the lock may belong to a thread that
 * was not copied. */
void inject_restore_in_child(void);
/* Whether one of the module's PT_LOAD segments holds addr. */
bool inject_module_holds(const struct dl_phdr_info *info, uintptr_t addr);

#endif

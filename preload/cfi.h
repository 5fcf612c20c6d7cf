/* cfi: how to find a frame's caller at a given pc on x86_64, read from the
 * .eh_frame of the module holding the pc (found with glibc's lock-free
 * _dl_find_object) and reduced to the few rules ordinary code uses. */
#ifndef ALLOCPROF_CFI_H
#define ALLOCPROF_CFI_H

#include <stdint.h>

enum cfi_kind {
	CFI_UNKNOWN, /* no FDE, or rules the walker does not follow: ask libunwind */
	CFI_END,     /* the return address is undefined: the outermost frame */
	CFI_RSP,     /* CFA = rsp + cfa_off */
	CFI_RBP,     /* CFA = rbp + cfa_off */
};

/* The return address is always at CFA - 8 and the caller's rsp is the CFA;
 * the caller's rbp is this frame's (rbp_off 0) or was saved at CFA + rbp_off. */
struct cfi_rule {
	uint8_t kind;
	int16_t rbp_off;
	int32_t cfa_off;
};

/* The rule at pc: the pc of the frame being executed, or a return address
 * less one (the call it returns from). No locks, no allocation. */
struct cfi_rule cfi_rule_at(uint64_t pc);

/* The same from a module's .eh_frame_hdr (PT_GNU_EH_FRAME), or from one FDE
 * (pointing at its length field; its CIE is found through it). */
struct cfi_rule cfi_rule_from_hdr(const uint8_t *eh_frame_hdr, uint64_t pc);
struct cfi_rule cfi_rule_from_fde(const uint8_t *fde, uint64_t pc);

#endif

/* The CFI interpreter (preload/cfi.c) on hand-written CIE and FDE bytes,
 * and on the .eh_frame of this program found through _dl_find_object. */
#include "../../preload/cfi.h"
#include "../tap.h"

#include <stdint.h>
#include <string.h>

/* A CIE then an FDE for [0x1000, 0x1100), built with their length fields. */
struct frame_bytes {
	uint8_t b[256];
	size_t n, fde;
};

static void put(struct frame_bytes *f, const uint8_t *bytes, size_t n)
{
	memcpy(f->b + f->n, bytes, n);
	f->n += n;
}

static void put32(struct frame_bytes *f, uint32_t v)
{
	put(f, (const uint8_t *)&v, 4);
}

/* aug: the CIE's augmentation string; augdata its data (after "z") */
static void build(struct frame_bytes *f, const char *aug, const uint8_t *augdata, size_t naug,
		  const uint8_t *insns, size_t ninsns)
{
	memset(f, 0, sizeof(*f));
	static const uint8_t cie_insns[] = {0x0c, 0x07, 0x08, /* def_cfa rsp+8 */
					    0x90, 0x01};      /* rip at cfa-8 */
	put32(f, 0); /* length, patched */
	put32(f, 0); /* CIE id */
	put(f, (const uint8_t *)"\1", 1);
	put(f, (const uint8_t *)aug, strlen(aug) + 1);
	put(f, (const uint8_t[]){0x01, 0x78, 0x10}, 3); /* code 1, data -8, ra 16 */
	uint8_t len = (uint8_t)naug;
	put(f, &len, 1);
	put(f, augdata, naug);
	put(f, cie_insns, sizeof(cie_insns));
	while (f->n % 4)
		put(f, (const uint8_t *)"\0", 1);
	uint32_t cie_len = (uint32_t)f->n - 4;
	memcpy(f->b, &cie_len, 4);
	f->fde = f->n;
	put32(f, 0);
	put32(f, (uint32_t)(f->n - 0)); /* back to the CIE at offset 0 */
	put32(f, 0x1000);
	put32(f, 0x100);
	put(f, (const uint8_t *)"\0", 1); /* no augmentation data */
	put(f, insns, ninsns);
	while (f->n % 4)
		put(f, (const uint8_t *)"\0", 1);
	uint32_t fde_len = (uint32_t)(f->n - f->fde - 4);
	memcpy(f->b + f->fde, &fde_len, 4);
}

static const char *show(struct cfi_rule r)
{
	static char s[64];
	static const char *kinds[] = {"unknown", "end", "rsp", "rbp"};
	if (r.kind == CFI_RSP || r.kind == CFI_RBP)
		snprintf(s, sizeof(s), "%s+%d rbp@%d", kinds[r.kind], r.cfa_off, r.rbp_off);
	else
		snprintf(s, sizeof(s), "%s", kinds[r.kind]);
	return s;
}

static const uint8_t prologue[] = {
	0x41,             /* 0x1001, after push %rbp */
	0x0e, 0x10,       /* def_cfa_offset 16 */
	0x86, 0x02,       /* rbp at cfa-16 */
	0x43,             /* 0x1004, after mov %rsp,%rbp */
	0x0d, 0x06,       /* def_cfa_register rbp */
	0x02, 0x40,       /* advance_loc1: 0x1044 */
	0x0a,             /* remember_state */
	0x0c, 0x07, 0x08, /* def_cfa rsp+8 (after leave) */
	0xc6,             /* restore rbp */
	0x41,             /* 0x1045, after ret */
	0x0b,             /* restore_state: the body's rules again */
	0x41,             /* 0x1046 */
	0x0f, 0x02, 0x76, 0x00, /* def_cfa_expression: not followed */
	0x41,             /* 0x1047 */
	0x0c, 0x07, 0x10, /* def_cfa rsp+16 */
	0x07, 0x10,       /* rip undefined: the outermost frame */
	0x41,             /* 0x1048 */
	0x08, 0x10,       /* rip same_value: not a return address */
};

__attribute__((noinline)) static int plain_function(int x)
{
	return x * 3 + 1;
}

extern char _start[];

int main(void)
{
	struct frame_bytes f;
	build(&f, "zR", (const uint8_t[]){0x03}, 1, prologue, sizeof(prologue));
	const uint8_t *fde = f.b + f.fde;
	static const struct {
		uint64_t pc;
		const char *want;
	} rows[] = {
		{0x0fff, "unknown"},      {0x1000, "rsp+8 rbp@0"},   {0x1001, "rsp+16 rbp@-16"},
		{0x1003, "rsp+16 rbp@-16"}, {0x1004, "rbp+16 rbp@-16"}, {0x1043, "rbp+16 rbp@-16"},
		{0x1044, "rsp+8 rbp@0"},  {0x1045, "rbp+16 rbp@-16"}, {0x1046, "unknown"},
		{0x1047, "end"},          {0x1048, "unknown"},       {0x1100, "unknown"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "rule at 0x%llx", (unsigned long long)rows[i].pc);
		TAP_EQ_STR(show(cfi_rule_from_fde(fde, rows[i].pc)), rows[i].want, what);
	}

	/* a personality and an LSDA before the FDE encoding: skipped in order */
	const uint8_t plr[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* P: absptr */
			       0x1b,  /* L */
			       0x03}; /* R */
	build(&f, "zPLR", plr, sizeof(plr), prologue, sizeof(prologue));
	TAP_EQ_STR(show(cfi_rule_from_fde(f.b + f.fde, 0x1004)), "rbp+16 rbp@-16", "zPLR: rule at 0x1004");
	/* a signal frame's CIE: libunwind's to follow */
	build(&f, "zRS", (const uint8_t[]){0x03}, 1, prologue, sizeof(prologue));
	TAP_EQ_STR(show(cfi_rule_from_fde(f.b + f.fde, 0x1004)), "unknown", "zRS: a signal frame");
	/* an unknown augmentation letter */
	build(&f, "zRX", (const uint8_t[]){0x03}, 1, prologue, sizeof(prologue));
	TAP_EQ_STR(show(cfi_rule_from_fde(f.b + f.fde, 0x1004)), "unknown", "zRX: not understood");
	/* rbp kept in another register */
	const uint8_t in_reg[] = {0x41, 0x09, 0x06, 0x03};
	build(&f, "zR", (const uint8_t[]){0x03}, 1, in_reg, sizeof(in_reg));
	TAP_EQ_STR(show(cfi_rule_from_fde(f.b + f.fde, 0x1000)), "rsp+8 rbp@0", "register rule: before it");
	TAP_EQ_STR(show(cfi_rule_from_fde(f.b + f.fde, 0x1001)), "unknown", "register rule: rbp in rbx");
	/* a truncated FDE: its instructions cut in the middle of an operand */
	const uint8_t cut[] = {0x0c, 0x07};
	build(&f, "zR", (const uint8_t[]){0x03}, 1, cut, sizeof(cut));
	uint32_t len;
	memcpy(&len, f.b + f.fde, 4);
	len = 4 + 4 + 4 + 1 + 2; /* up to the operand */
	memcpy(f.b + f.fde, &len, 4);
	TAP_EQ_STR(show(cfi_rule_from_fde(f.b + f.fde, 0x1000)), "unknown", "truncated instructions");

	/* this program's own .eh_frame, through _dl_find_object */
	TAP_OK(plain_function(2) == 7, "plain_function runs");
	TAP_EQ_STR(show(cfi_rule_at((uint64_t)(uintptr_t)plain_function)), "rsp+8 rbp@0",
		   "a function's first instruction: CFA = rsp + 8");
	TAP_EQ_STR(show(cfi_rule_at((uint64_t)(uintptr_t)_start + 1)), "end", "_start: the outermost frame");
	static int data_word;
	TAP_EQ_STR(show(cfi_rule_at((uint64_t)(uintptr_t)&data_word)), "unknown", "data: no FDE");
	TAP_EQ_STR(show(cfi_rule_at(16)), "unknown", "an unmapped address: no module");
	return tap_done();
}

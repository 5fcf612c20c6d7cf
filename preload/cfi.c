/* cfi: the subset of DWARF call frame information that compilers emit for
 * ordinary code: the CFA is rsp or rbp plus an offset, the return address
 * sits at CFA - 8, and rbp is kept or saved at a fixed place under the CFA.
 * Everything else (CFA expressions, signal frames, registers kept in other
 * registers, encodings the binary search table of .eh_frame_hdr does not
 * use) says "unknown" and leaves the frame to libunwind. Only bytes the
 * loader mapped are read: the table and FDEs that _dl_find_object's module
 * points at. libunwind's own DWARF parser allocates and takes locks, which
 * is why this one exists. */
#include "cfi.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>

enum {
	DW_EH_PE_omit = 0xff,
	DW_EH_PE_absptr = 0x00,
	DW_EH_PE_uleb128 = 0x01,
	DW_EH_PE_udata2 = 0x02,
	DW_EH_PE_udata4 = 0x03,
	DW_EH_PE_udata8 = 0x04,
	DW_EH_PE_sleb128 = 0x09,
	DW_EH_PE_sdata2 = 0x0a,
	DW_EH_PE_sdata4 = 0x0b,
	DW_EH_PE_sdata8 = 0x0c,
	DW_EH_PE_pcrel = 0x10,
	DW_EH_PE_datarel = 0x30,
	DW_EH_PE_indirect = 0x80,
};

enum { REG_RBP = 6, REG_RSP = 7, REG_RA = 16 };

/* A cursor over bytes [p, end): reads past the end set ok to false. */
struct bytes {
	const uint8_t *p, *end;
	bool ok;
};

static uint64_t read_fixed(struct bytes *b, unsigned n)
{
	if (!b->ok || (size_t)(b->end - b->p) < n) {
		b->ok = false;
		return 0;
	}
	uint64_t v = 0;
	memcpy(&v, b->p, n); /* little-endian */
	b->p += n;
	return v;
}

static uint64_t read_uleb(struct bytes *b)
{
	uint64_t v = 0;
	unsigned shift = 0;
	while (b->ok && b->p < b->end) {
		uint8_t c = *b->p++;
		if (shift < 64)
			v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80))
			return v;
	}
	b->ok = false;
	return 0;
}

static int64_t read_sleb(struct bytes *b)
{
	uint64_t v = 0;
	unsigned shift = 0;
	while (b->ok && b->p < b->end) {
		uint8_t c = *b->p++;
		if (shift < 64)
			v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80)) {
			if (shift < 64 && (c & 0x40))
				v |= ~(uint64_t)0 << shift;
			return (int64_t)v;
		}
	}
	b->ok = false;
	return 0;
}

/* A pointer in encoding enc; datarel is relative to data_base. Indirect
 * pointers are not followed (only a personality routine's are). */
static uint64_t read_encoded(struct bytes *b, uint8_t enc, uint64_t data_base)
{
	uint64_t field = (uint64_t)(uintptr_t)b->p, v;
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8: v = read_fixed(b, 8); break;
	case DW_EH_PE_udata4: v = read_fixed(b, 4); break;
	case DW_EH_PE_sdata4: v = (uint64_t)(int64_t)(int32_t)read_fixed(b, 4); break;
	case DW_EH_PE_udata2: v = read_fixed(b, 2); break;
	case DW_EH_PE_sdata2: v = (uint64_t)(int64_t)(int16_t)read_fixed(b, 2); break;
	case DW_EH_PE_uleb128: v = read_uleb(b); break;
	case DW_EH_PE_sleb128: v = (uint64_t)read_sleb(b); break;
	default: b->ok = false; return 0;
	}
	switch (enc & 0x70) {
	case 0: break;
	case DW_EH_PE_pcrel: v += field; break;
	case DW_EH_PE_datarel: v += data_base; break;
	default: b->ok = false; /* textrel, funcrel, aligned: not on x86_64 */
	}
	return v;
}

/* The rules that matter, as the CFA instructions leave them. */
enum how { SAME, OFFSET, UNDEFINED, OTHER };

struct row {
	uint32_t cfa_reg;
	bool cfa_expr;
	int64_t cfa_off;
	uint8_t rbp_how, ra_how;
	int64_t rbp_off, ra_off;
};

struct cie {
	uint64_t code_align;
	int64_t data_align;
	uint8_t fde_enc;
	bool has_z, signal;
	struct bytes insns;
};

static struct cfi_rule unknown(void)
{
	return (struct cfi_rule){CFI_UNKNOWN, 0, 0};
}

static bool parse_cie(const uint8_t *at, struct cie *c)
{
	struct bytes b = {at, at + 8, true};
	uint64_t len = read_fixed(&b, 4);
	if (!b.ok || len == 0 || len >= 0xfffffff0u)
		return false; /* 64-bit DWARF: GCC never writes it in .eh_frame */
	b.end = at + 4 + len;
	if (read_fixed(&b, 4) != 0)
		return false; /* not a CIE */
	uint8_t version = (uint8_t)read_fixed(&b, 1);
	if (version != 1 && version != 3)
		return false;
	const char *aug = (const char *)b.p;
	size_t alen = strnlen(aug, (size_t)(b.end - b.p));
	b.p += alen + 1;
	if (b.p > b.end)
		return false;
	c->code_align = read_uleb(&b);
	c->data_align = read_sleb(&b);
	uint64_t ra = version == 1 ? read_fixed(&b, 1) : read_uleb(&b);
	if (!b.ok || ra != REG_RA)
		return false;
	c->fde_enc = DW_EH_PE_absptr;
	c->has_z = alen && aug[0] == 'z';
	c->signal = false;
	if (alen && !c->has_z)
		return false;
	if (c->has_z) {
		uint64_t dlen = read_uleb(&b);
		if (!b.ok || dlen > (uint64_t)(b.end - b.p))
			return false;
		struct bytes d = {b.p, b.p + dlen, true};
		b.p += dlen;
		for (size_t i = 1; i < alen; i++) {
			switch (aug[i]) {
			case 'L': read_fixed(&d, 1); break;
			case 'R': c->fde_enc = (uint8_t)read_fixed(&d, 1); break;
			case 'S': c->signal = true; break;
			case 'P': {
				uint8_t enc = (uint8_t)read_fixed(&d, 1);
				read_encoded(&d, enc & ~DW_EH_PE_indirect, 0);
				break;
			}
			default: return false;
			}
		}
		if (!d.ok)
			return false;
	}
	c->insns = b;
	return b.ok;
}

enum { STATE_STACK = 8 };

/* Runs instructions while the location stays at or below pc; false on one
 * it cannot follow. */
static bool run(struct bytes *b, const struct cie *c, uint64_t loc, uint64_t pc, struct row *r,
		const struct row *initial)
{
	struct row stack[STATE_STACK];
	unsigned depth = 0;
	while (b->ok && b->p < b->end) {
		uint8_t op = *b->p++;
		uint64_t reg, delta = 0;
		int64_t off;
		switch (op & 0xc0) {
		case 0x40: /* advance_loc */
			delta = (op & 0x3f) * c->code_align;
			goto advance;
		case 0x80: /* offset */
			reg = op & 0x3f;
			off = (int64_t)read_uleb(b) * c->data_align;
			goto set_offset;
		case 0xc0: /* restore */
			reg = op & 0x3f;
			goto restore;
		}
		switch (op) {
		case 0x00: /* nop */
			continue;
		case 0x01: /* set_loc */
			loc = read_encoded(b, c->fde_enc, 0);
			if (loc > pc)
				return b->ok;
			continue;
		case 0x02: delta = read_fixed(b, 1) * c->code_align; goto advance;
		case 0x03: delta = read_fixed(b, 2) * c->code_align; goto advance;
		case 0x04: delta = read_fixed(b, 4) * c->code_align; goto advance;
		case 0x05: /* offset_extended */
			reg = read_uleb(b);
			off = (int64_t)read_uleb(b) * c->data_align;
			goto set_offset;
		case 0x11: /* offset_extended_sf */
			reg = read_uleb(b);
			off = read_sleb(b) * c->data_align;
			goto set_offset;
		case 0x2f: /* GNU_negative_offset_extended */
			reg = read_uleb(b);
			off = -(int64_t)read_uleb(b) * c->data_align;
			goto set_offset;
		case 0x06: /* restore_extended */
			reg = read_uleb(b);
			goto restore;
		case 0x07: /* undefined */
			reg = read_uleb(b);
			if (reg == REG_RBP)
				r->rbp_how = UNDEFINED;
			if (reg == REG_RA)
				r->ra_how = UNDEFINED;
			continue;
		case 0x08: /* same_value */
			reg = read_uleb(b);
			if (reg == REG_RBP)
				r->rbp_how = SAME;
			if (reg == REG_RA)
				r->ra_how = OTHER;
			continue;
		case 0x09: /* register */
			reg = read_uleb(b);
			read_uleb(b);
			goto other;
		case 0x14: /* val_offset */
			reg = read_uleb(b);
			read_uleb(b);
			goto other;
		case 0x15: /* val_offset_sf */
			reg = read_uleb(b);
			read_sleb(b);
			goto other;
		case 0x10: case 0x16: { /* expression, val_expression */
			reg = read_uleb(b);
			uint64_t n = read_uleb(b);
			if (n > (uint64_t)(b->end - b->p))
				return false;
			b->p += n;
			goto other;
		}
		case 0x0a: /* remember_state */
			if (depth == STATE_STACK)
				return false;
			stack[depth++] = *r;
			continue;
		case 0x0b: /* restore_state: the CFA too, as GCC's epilogues expect */
			if (!depth)
				return false;
			*r = stack[--depth];
			continue;
		case 0x0c: /* def_cfa */
			r->cfa_reg = (uint32_t)read_uleb(b);
			r->cfa_off = (int64_t)read_uleb(b);
			r->cfa_expr = false;
			continue;
		case 0x12: /* def_cfa_sf */
			r->cfa_reg = (uint32_t)read_uleb(b);
			r->cfa_off = read_sleb(b) * c->data_align;
			r->cfa_expr = false;
			continue;
		case 0x0d: /* def_cfa_register */
			r->cfa_reg = (uint32_t)read_uleb(b);
			r->cfa_expr = false;
			continue;
		case 0x0e: /* def_cfa_offset */
			r->cfa_off = (int64_t)read_uleb(b);
			continue;
		case 0x13: /* def_cfa_offset_sf */
			r->cfa_off = read_sleb(b) * c->data_align;
			continue;
		case 0x0f: { /* def_cfa_expression */
			uint64_t n = read_uleb(b);
			if (n > (uint64_t)(b->end - b->p))
				return false;
			b->p += n;
			r->cfa_expr = true;
			continue;
		}
		case 0x2e: /* GNU_args_size */
			read_uleb(b);
			continue;
		default:
			return false;
		}
	advance:
		if (loc + delta > pc)
			return b->ok;
		loc += delta;
		continue;
	set_offset:
		if (reg == REG_RBP) {
			r->rbp_how = OFFSET;
			r->rbp_off = off;
		}
		if (reg == REG_RA) {
			r->ra_how = OFFSET;
			r->ra_off = off;
		}
		continue;
	restore:
		if (!initial)
			return false; /* in the CIE itself */
		if (reg == REG_RBP) {
			r->rbp_how = initial->rbp_how;
			r->rbp_off = initial->rbp_off;
		}
		if (reg == REG_RA) {
			r->ra_how = initial->ra_how;
			r->ra_off = initial->ra_off;
		}
		continue;
	other:
		if (reg == REG_RBP)
			r->rbp_how = OTHER;
		if (reg == REG_RA)
			r->ra_how = OTHER;
		continue;
	}
	return b->ok;
}

struct cfi_rule cfi_rule_from_fde(const uint8_t *fde, uint64_t pc)
{
	struct bytes b = {fde, fde + 8, true};
	uint64_t len = read_fixed(&b, 4);
	if (!b.ok || len == 0 || len >= 0xfffffff0u)
		return unknown();
	b.end = fde + 4 + len;
	const uint8_t *id_field = b.p;
	uint64_t cie_off = read_fixed(&b, 4);
	if (!b.ok || cie_off == 0)
		return unknown(); /* a CIE, not an FDE */
	struct cie c;
	if (!parse_cie(id_field - cie_off, &c) || c.signal)
		return unknown();
	uint64_t begin = read_encoded(&b, c.fde_enc, 0);
	uint64_t range = read_encoded(&b, c.fde_enc & 0x0f, 0);
	if (!b.ok || pc < begin || pc - begin >= range)
		return unknown();
	if (c.has_z) {
		uint64_t n = read_uleb(&b);
		if (!b.ok || n > (uint64_t)(b.end - b.p))
			return unknown();
		b.p += n;
	}
	struct row r = {REG_RSP, false, 8, SAME, UNDEFINED, 0, 0};
	struct bytes ci = c.insns;
	if (!run(&ci, &c, 0, UINT64_MAX, &r, NULL))
		return unknown();
	struct row initial = r;
	if (!run(&b, &c, begin, pc, &r, &initial))
		return unknown();
	if (r.ra_how == UNDEFINED)
		return (struct cfi_rule){CFI_END, 0, 0};
	if (r.ra_how != OFFSET || r.ra_off != -8 || r.cfa_expr)
		return unknown();
	if (r.cfa_reg != REG_RSP && r.cfa_reg != REG_RBP)
		return unknown();
	if (r.cfa_off < 8 || r.cfa_off > INT32_MAX)
		return unknown();
	struct cfi_rule rule = {r.cfa_reg == REG_RSP ? CFI_RSP : CFI_RBP, 0, (int32_t)r.cfa_off};
	if (r.rbp_how == OFFSET) {
		/* under the return address; the walker checks it is in the frame */
		if (r.rbp_off > -16 || r.rbp_off < INT16_MIN)
			return unknown();
		rule.rbp_off = (int16_t)r.rbp_off;
	} else if (r.rbp_how != SAME) {
		return unknown();
	}
	return rule;
}

struct cfi_rule cfi_rule_from_hdr(const uint8_t *hdr, uint64_t pc)
{
	uint64_t base = (uint64_t)(uintptr_t)hdr;
	if (hdr[0] != 1 || hdr[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4) || hdr[2] == DW_EH_PE_omit)
		return unknown();
	struct bytes b = {hdr + 4, hdr + 4 + 16, true};
	read_encoded(&b, hdr[1], base);
	uint64_t count = read_encoded(&b, hdr[2], base);
	if (!b.ok || !count)
		return unknown();
	const int32_t *table = (const int32_t *)(uintptr_t)b.p; /* 4-byte aligned by layout */
	/* the last entry whose start is at or below pc */
	uint64_t lo = 0, hi = count;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (base + (uint64_t)(int64_t)table[2 * mid] <= pc)
			lo = mid;
		else
			hi = mid;
	}
	if (base + (uint64_t)(int64_t)table[2 * lo] > pc)
		return unknown();
	return cfi_rule_from_fde((const uint8_t *)(uintptr_t)(base + (uint64_t)(int64_t)table[2 * lo + 1]), pc);
}

struct cfi_rule cfi_rule_at(uint64_t pc)
{
	struct dl_find_object o;
	if (_dl_find_object((void *)(uintptr_t)pc, &o) != 0 || !o.dlfo_eh_frame)
		return unknown();
	return cfi_rule_from_hdr(o.dlfo_eh_frame, pc);
}

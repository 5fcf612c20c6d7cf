/* stackwalk: each step reads the return address at CFA - 8 and perhaps the
 * saved rbp, after checking that the CFA rose above the previous frame's
 * and stays under the top of the thread's stack, and that both reads fall
 * in the frame between them: a wrong rule can give a wrong stack, never a
 * read outside the stack the thread runs on. A thread running elsewhere (a
 * signal's alternate stack, a coroutine's) gives up at once; a signal frame
 * gives up at the handler's caller (its CFI is a signal frame's).
 *
 * A pc's rule costs a binary search and a CFI program the first time; the
 * table keeps it in 8 bytes (the pc and 17 bits of rule), two ways a set,
 * so that the return addresses of a large program stay in L2: libunwind's
 * own cache of 40-odd bytes an entry is where cc1 spends most of its
 * unwinding. Rules that do not fit the 17 bits are computed each time. */
#include "stackwalk.h"

#include "cfi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The walk reads other frames' memory, which AddressSanitizer may have
 * poisoned (redzones of frames that have since returned): not a bug here. */
#define READS_FOREIGN_FRAMES __attribute__((no_sanitize_address))

static _Atomic uint32_t code_gen;


void stackwalk_code_unmapped(void)
{
	atomic_fetch_add_explicit(&code_gen, 1, memory_order_relaxed);
}

/* ---- the thread's stack ------------------------------------------------ */

static uint64_t parse_hex(const char **s, const char *end)
{
	uint64_t v = 0;
	for (; *s < end; (*s)++) {
		char c = **s;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
		if (d == 16)
			break;
		v = v << 4 | d;
	}
	return v;
}

/* One line of /proc/self/maps (maybe cut short): true if it holds addr. */
static bool line_holds(const char *s, const char *end, uint64_t addr, struct stackwalk *w)
{
	uint64_t start = parse_hex(&s, end);
	if (s == end || *s != '-')
		return false;
	s++;
	uint64_t stop = parse_hex(&s, end);
	if (addr < start || addr >= stop)
		return false;
	w->lo = start;
	w->hi = stop;
	w->grows = memmem(s, (size_t)(end - s), "[stack]", 7) != NULL;
	return true;
}

/* The mapping holding addr, read with a stack buffer: the walk runs inside
 * malloc, and this runs once per thread. */
static void find_stack(struct stackwalk *w, uint64_t addr)
{
	w->lo = w->hi = 0;
	w->grows = false;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[1024];
	size_t have = 0;
	bool cut = false; /* the current line's head was looked at already */
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		const char *line = buf, *end = buf + have, *nl;
		while ((nl = memchr(line, '\n', (size_t)(end - line)))) {
			if (!cut && line_holds(line, nl, addr, w))
				goto done;
			cut = false;
			line = nl + 1;
		}
		size_t rest = (size_t)(end - line);
		if (rest == sizeof(buf)) { /* a line longer than the buffer: its head is enough */
			if (!cut && line_holds(line, end, addr, w))
				goto done;
			cut = true;
			rest = 0;
		}
		memmove(buf, line, rest);
		have = rest;
	}
done:
	close(fd);
}

void stackwalk_reset(struct stackwalk *w)
{
	int saved = errno;
	find_stack(w, (uint64_t)(uintptr_t)__builtin_frame_address(0));
	memset(w->rules, 0, sizeof(w->rules));
	w->gen = atomic_load_explicit(&code_gen, memory_order_relaxed);
	w->last_n = 0;
	errno = saved;
}

/* The main thread's stack grew under the lowest point seen: the pages down
 * to sp must all be mapped (the kernel keeps a gap under a stack). */
static bool grow_down(struct stackwalk *w, uint64_t sp)
{
	enum { CHUNK = 256, PAGE = 4096, MAX_GROWTH = 64 << 20 };
	uint64_t low = sp & ~(uint64_t)(PAGE - 1);
	if (!w->grows || sp >= w->lo || w->lo - low > MAX_GROWTH)
		return false;
	int saved = errno;
	unsigned char vec[CHUNK];
	bool ok = true;
	for (uint64_t a = low; ok && a < w->lo; a += (uint64_t)CHUNK * PAGE) {
		uint64_t len = w->lo - a < (uint64_t)CHUNK * PAGE ? w->lo - a : (uint64_t)CHUNK * PAGE;
		ok = mincore((void *)(uintptr_t)a, len, vec) == 0;
	}
	errno = saved;
	if (ok)
		w->lo = low;
	return ok;
}

/* ---- rules --------------------------------------------------------------- */

enum { RULE_BITS = 17, KEY_LIMIT_BITS = 64 - RULE_BITS };

static bool pack(struct cfi_rule r, uint64_t *packed)
{
	if (r.kind != CFI_RSP && r.kind != CFI_RBP) {
		*packed = r.kind;
		return true;
	}
	if (r.cfa_off & 7 || r.cfa_off > 4095 * 8 || r.rbp_off & 7 || r.rbp_off < -7 * 8)
		return false;
	*packed = r.kind | (uint64_t)(r.cfa_off / 8) << 2 | (uint64_t)(-r.rbp_off / 8) << 14;
	return true;
}

static inline struct cfi_rule unpack(uint64_t p)
{
	return (struct cfi_rule){(uint8_t)(p & 3), (int16_t)-(int)((p >> 14 & 7) * 8),
				 (int32_t)((p >> 2 & 4095) * 8)};
}

static inline struct cfi_rule rule_for(struct stackwalk *w, uint64_t key)
{
	uint64_t *set = &w->rules[2 * ((key * 0x9e3779b97f4a7c15ULL) >> 51 & (STACKWALK_RULE_SETS - 1))];
	if (set[0] >> RULE_BITS == key)
		return unpack(set[0]);
	if (set[1] >> RULE_BITS == key)
		return unpack(set[1]);
	struct cfi_rule r = cfi_rule_at(key);
	uint64_t p;
	if (key >> KEY_LIMIT_BITS == 0 && pack(r, &p)) {
		set[1] = set[0];
		set[0] = key << RULE_BITS | p;
	}
	return r;
}

_Static_assert(STACKWALK_RULE_SETS == 1 << 13, "rule_for's shift takes 13 bits");

/* ---- the walk ------------------------------------------------------------ */

void stackwalk_counts(const struct stackwalk *w, uint64_t *stepped, uint64_t *reused)
{
	*stepped = w->stepped;
	*reused = w->reused;
}

/* Frame j of the last chain is the frame the walk reached (same slot, same
 * return address): if every slot further out still holds what it held, the
 * rest of the chain is the same frames (a frame's place follows from where
 * its return address sits and what it is), read back with one load each,
 * not unwound. Appends them to cur from index n; returns the new count, or
 * 0 if the last chain stopped short of want, or if a slot changed (*changed:
 * the first such frame, so that no later match looks below it again). */
static READS_FOREIGN_FRAMES int reuse_suffix(struct stackwalk *w, unsigned j, uint64_t *cur,
					     uint64_t *cur_bp, uint64_t *frames, int n, int want,
					     bool *limited, unsigned *changed)
{
	const uint64_t *ps = w->chain[w->last], *ps_bp = w->chain_bp[w->last];
	unsigned ln = w->last_n;
	int total = n + (int)(ln - j);
	if (w->last_limited && total < want)
		return 0; /* the stack went on past what the chain knew */
	if (total > want)
		total = want;
	unsigned end = j + (unsigned)(total - n);
	for (unsigned k = j + 1; k < ln; k++) {
		if (*(const uint64_t *)(uintptr_t)ps[2 * k + 1] != ps[2 * k]) {
			*changed = k;
			return 0;
		}
	}
	for (unsigned k = j; k < end; k++, n++) {
		frames[n] = ps[2 * k];
		cur[2 * n] = ps[2 * k];
		cur[2 * n + 1] = ps[2 * k + 1];
		cur_bp[n] = ps_bp[k];
	}
	*limited = w->last_limited || end < ln;
	return n;
}

/* True if the steps to frames [from, to] of a chain all found their CFA on
 * rsp: frame positions that follow from the return addresses alone. */
static bool rsp_steps(const uint64_t *bp_at, unsigned from, unsigned to)
{
	for (unsigned k = from; k <= to; k++)
		if (bp_at[k] & 1)
			return false;
	return true;
}

__attribute__((noinline)) READS_FOREIGN_FRAMES int stackwalk(struct stackwalk *w, uint64_t above, uint64_t *frames,
					uint64_t *pc_slot, int want, bool *limited)
{
	uint64_t pc, sp, bp;
	/* where this frame is, as its CFI describes it at the label */
	__asm__ volatile("lea 0f(%%rip), %0\n0:\n\tmov %%rsp, %1\n\tmov %%rbp, %2"
			 : "=&r"(pc), "=&r"(sp), "=&r"(bp));
	*limited = false;
	uint32_t gen = atomic_load_explicit(&code_gen, memory_order_relaxed);
	if (w->gen != gen) {
		memset(w->rules, 0, sizeof(w->rules));
		w->gen = gen;
		w->last_n = 0;
	}
	if ((sp < w->lo || sp >= w->hi) && !(sp < w->hi && grow_down(w, sp)))
		return -1;
	if (want > STACKWALK_FRAMES_MAX)
		want = STACKWALK_FRAMES_MAX;
	uint64_t hi = w->hi, key = pc;
	uint64_t *cur = w->chain[w->last ^ 1], *cur_bp = w->chain_bp[w->last ^ 1];
	const uint64_t *last = w->chain[w->last], *last_bp = w->chain_bp[w->last];
	unsigned j = 0, ln = w->last_n, reused = 0, floor = 0;
	int n = 0;
	for (;;) {
		struct cfi_rule r = rule_for(w, key);
		if (r.kind == CFI_END)
			break;
		if (r.kind == CFI_UNKNOWN)
			return -1;
		uint64_t cfa = (r.kind == CFI_RSP ? sp : bp) + (uint64_t)(int64_t)r.cfa_off;
		if (cfa <= sp || cfa - sp < 8 || cfa > hi)
			return -1;
		/* where rbp was read, bit 0 set if the CFA came from rbp */
		uint64_t slot = cfa - 8, bp_at = r.kind == CFI_RBP;
		uint64_t ra = *(const uint64_t *)(uintptr_t)slot;
		if (r.rbp_off) {
			uint64_t at = cfa + (uint64_t)(int64_t)r.rbp_off;
			if (at < sp)
				return -1;
			bp = *(const uint64_t *)(uintptr_t)at;
			bp_at |= at;
		}
		sp = cfa;
		if (!ra)
			break;
		if (slot > above) {
			/* the last chain's slots rise as ours do */
			while (j < ln && last[2 * j + 1] < slot)
				j++;
			unsigned changed = ln;
			if (j < ln && j >= floor && last[2 * j + 1] == slot && last[2 * j] == ra) {
				int m = reuse_suffix(w, j, cur, cur_bp, frames, n, want, limited, &changed);
				if (m) {
					reused += (unsigned)(m - n);
					n = m;
					break;
				}
				floor = changed + 1;
			}
			frames[n] = ra;
			cur[2 * n] = ra;
			cur[2 * n + 1] = slot;
			cur_bp[n] = bp_at;
			if (++n == want) {
				*limited = true;
				break;
			}
			if (changed < ln && rsp_steps(last_bp, j + 1, changed)) {
				/* the frames up to `changed` hold the return addresses
				 * they held, so their rules are the ones the last walk
				 * used, and these (on rsp) put every next return address
				 * where it was: the one at `changed` is read, not stepped
				 * to, and so are the saved rbp values */
				for (unsigned k = j + 1; k <= changed; k++) {
					slot = last[2 * k + 1];
					ra = k < changed ? last[2 * k] : *(const uint64_t *)(uintptr_t)slot;
					if (last_bp[k] & ~(uint64_t)1)
						bp = *(const uint64_t *)(uintptr_t)(last_bp[k] & ~(uint64_t)1);
					if (!ra)
						goto done;
					frames[n] = ra;
					cur[2 * n] = ra;
					cur[2 * n + 1] = slot;
					cur_bp[n] = last_bp[k];
					reused++;
					if (++n == want) {
						*limited = true;
						goto done;
					}
				}
				sp = slot + 8;
				j = changed;
			}
		}
		key = ra - 1;
	}
done:
	w->stepped += (uint64_t)(n - (int)reused);
	if (pc_slot)
		memcpy(pc_slot, cur, (size_t)n * 2 * sizeof(*cur));
	w->reused += reused;
	w->last ^= 1;
	w->last_n = (unsigned)n;
	w->last_limited = *limited;
	return n;
}

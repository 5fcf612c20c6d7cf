/* unwind: libunwind's unw_backtrace with per-thread caching; the shim's own
 * text range comes from its ELF program headers, found via __ehdr_start
 * (no dladdr, no loader lock). */
#include "unwind.h"

#include <elf.h>
#include <link.h>
#include <string.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

static uint64_t own_start, own_end;

void unwind_init(void)
{
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
	uint64_t first_vaddr = UINT64_MAX;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < first_vaddr)
			first_vaddr = ph[i].p_vaddr & ~(uint64_t)4095;
	uint64_t base = (uint64_t)(uintptr_t)eh - first_vaddr;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X)) {
			own_start = base + ph[i].p_vaddr;
			own_end = own_start + ph[i].p_memsz;
		}
	}
}

bool unwind_is_own(uint64_t pc)
{
	return pc - own_start < own_end - own_start;
}

unsigned unwind_stack(uint64_t *frames, unsigned max, bool *truncated)
{
	int want = (int)(max + UNWIND_SKIP_MAX + 1);
	int n = unw_backtrace((void **)frames, want);
	if (n <= 0) {
		*truncated = false;
		return 0;
	}
	/* frames[0] may be inside libunwind itself: drop everything up to and
	 * including the shim's own run of frames */
	int skip = 0;
	while (skip < n && skip < UNWIND_SKIP_MAX && !unwind_is_own(frames[skip]))
		skip++;
	if (skip == n || skip == UNWIND_SKIP_MAX)
		skip = 0; /* no shim frame on top (cannot happen): keep everything */
	while (skip < n && unwind_is_own(frames[skip]))
		skip++;
	unsigned kept = (unsigned)(n - skip);
	/* the buffer held max + UNWIND_SKIP_MAX + 1: if it is full, the stack went on */
	*truncated = kept > max || n == want;
	if (kept > max)
		kept = max;
	if (skip && kept)
		memmove(frames, frames + skip, kept * sizeof(*frames));
	return kept;
}

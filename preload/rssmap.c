/* rssmap: /proc/self/smaps is read once per dump, a buffer at a time, each
 * mapping put in one of four places by what the kernel says of it:
 * - files: a path or an inode (code, data, shared memory), and the vdso;
 * - thread stacks: [stack], and an anonymous read-write mapping right
 *   above a small inaccessible one (glibc's guard page below a thread's
 *   stack);
 * - the allocator's regions: [heap] (brk) and glibc's per-thread heaps,
 *   reserved without swap accounting (VmFlags nr) at 64 MiB boundaries;
 * - anonymous, the rest.
 * The allocator's figures then split its regions into live heap, overhead
 * and free, and take out of "anonymous" what the allocator mapped there
 * (glibc's big blocks, jemalloc's and tcmalloc's arenas). allocprof's own
 * mappings are anonymous ones marked "dd" (ownmaps.h) that hold a range
 * the shim noted. */
#include "rssmap.h"

#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "allocstat.h"
#include "log.h"
#include "ownmaps.h"
#include "statm.h"

enum { LIVE, OVERHEAD, FREE, ANON, STACKS, FILES, OWN };
_Static_assert(OWN + 1 == PPROF_RSS_NROWS, "a row per key of PPROF_RSS_ROWS");

/* glibc's HEAP_MAX_SIZE on 64-bit: every non-main arena heap starts at a
 * multiple of it */
#define GLIBC_HEAP_ALIGN ((uint64_t)64 << 20)
/* below it, an anonymous warning is noise (a few big static buffers) */
#define UNSEEN_MIN ((uint64_t)16 << 20)

struct vma {
	uint64_t start, end, inode, rss;
	char perms[5];
	char path[16]; /* the first bytes: enough to tell "[heap]" from a file */
	bool noreserve, dontdump;
};

struct tally {
	uint64_t files, stacks, heap, anon, own;
	struct vma prev; /* the mapping below, for the guard page of a stack */
	struct vma cur;
	bool have_cur;
};

static bool anonymous(const struct vma *v)
{
	return v->inode == 0 && (v->path[0] == 0 || !strncmp(v->path, "[heap]", 6) ||
				 !strncmp(v->path, "[stack", 6) || !strncmp(v->path, "[anon", 5));
}

static void classify(struct tally *t, const struct vma *v)
{
	if (!anonymous(v))
		t->files += v->rss; /* files, and [vdso] and its kind */
	else if (v->dontdump && (ownmaps_untracked() || ownmaps_overlaps(v->start, v->end)))
		t->own += v->rss;
	else if (!strncmp(v->path, "[heap]", 6))
		t->heap += v->rss;
	else if (!strncmp(v->path, "[stack", 6))
		t->stacks += v->rss;
	else if (v->perms[0] == 'r' && v->perms[1] == 'w' && v->noreserve && v->start % GLIBC_HEAP_ALIGN == 0)
		t->heap += v->rss;
	else if (v->perms[0] == 'r' && v->perms[1] == 'w' && t->prev.end == v->start && anonymous(&t->prev) &&
		 !strcmp(t->prev.perms, "---p") && !t->prev.noreserve && t->prev.end - t->prev.start <= (1u << 20))
		t->stacks += v->rss;
	else
		t->anon += v->rss;
}

static uint64_t hex(const char **s)
{
	uint64_t v = 0;
	for (;; (*s)++) {
		char c = **s;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v * 16 + (uint64_t)d;
	}
}

static uint64_t dec(const char **s)
{
	uint64_t v = 0;
	while (**s == ' ')
		(*s)++;
	for (; **s >= '0' && **s <= '9'; (*s)++)
		v = v * 10 + (uint64_t)(**s - '0');
	return v;
}

static void skip_field(const char **s)
{
	while (**s == ' ')
		(*s)++;
	while (**s && **s != ' ')
		(*s)++;
}

/* "start-end perms offset dev inode   path" */
static void header(struct tally *t, const char *s)
{
	if (t->have_cur) {
		classify(t, &t->cur);
		t->prev = t->cur;
	}
	struct vma *v = &t->cur;
	memset(v, 0, sizeof(*v));
	t->have_cur = true;
	v->start = hex(&s);
	if (*s == '-')
		s++;
	v->end = hex(&s);
	while (*s == ' ')
		s++;
	for (int i = 0; i < 4 && *s && *s != ' '; i++)
		v->perms[i] = *s++;
	skip_field(&s); /* offset */
	skip_field(&s); /* device */
	v->inode = dec(&s);
	while (*s == ' ')
		s++;
	size_t n = strnlen(s, sizeof(v->path) - 1);
	memcpy(v->path, s, n);
}

static void line(struct tally *t, const char *s)
{
	if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')) {
		header(t, s);
	} else if (!t->have_cur) {
		return;
	} else if (!strncmp(s, "Rss:", 4)) {
		s += 4;
		t->cur.rss = dec(&s) << 10; /* kB */
	} else if (!strncmp(s, "VmFlags:", 8)) {
		for (s += 8; *s; s++) {
			bool word_end = s[3] == ' ' || s[3] == 0;
			if (s[0] == ' ' && s[1] == 'n' && s[2] == 'r' && word_end)
				t->cur.noreserve = true;
			if (s[0] == ' ' && s[1] == 'd' && s[2] == 'd' && word_end)
				t->cur.dontdump = true;
		}
	}
}

/* The whole of smaps through one static buffer, a line at a time. Static,
 * not on the stack: the dump may run on the program's thread, whose stack
 * is not ours to size; the collector lock makes it single-user. */
static bool read_smaps(struct tally *t)
{
	static char buf[1 << 16];
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t have = 0;
	bool ok = true;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0) {
			ok = false;
			break;
		}
		have += (size_t)n;
		buf[have] = 0;
		char *s = buf, *nl;
		while ((nl = memchr(s, '\n', have - (size_t)(s - buf)))) {
			*nl = 0;
			line(t, s);
			s = nl + 1;
		}
		size_t rest = have - (size_t)(s - buf);
		if (n == 0 || rest == sizeof(buf) - 1) { /* the end, or a line longer than the buffer */
			if (rest)
				line(t, s);
			break;
		}
		memmove(buf, s, rest);
		have = rest;
	}
	close(fd);
	if (t->have_cur)
		classify(t, &t->cur);
	return ok;
}

static uint64_t take(uint64_t *from, uint64_t want)
{
	uint64_t n = want < *from ? want : *from;
	*from -= n;
	return n;
}

bool rssmap_take(struct rssmap *m, double live_bytes, bool live_exact)
{
	struct tally t;
	memset(&t, 0, sizeof(t));
	memset(m, 0, sizeof(*m));
	if (!read_smaps(&t))
		return false;
	m->statm = statm_rss_bytes();
	m->total = t.files + t.stacks + t.heap + t.anon + t.own;
	m->row[OWN] = t.own;
	/* with the table full, any "dd" mapping counts as the shim's */
	m->estimate[OWN] = ownmaps_untracked() > 0;

	struct allocstat a;
	bool known = allocstat_read(&a);
	/* what the allocator mapped among the anonymous mappings: glibc's big
	 * blocks, counted as if all their pages were touched; jemalloc's and
	 * tcmalloc's resident pages by their own count, less those of [heap]
	 * (tcmalloc grows by sbrk first) */
	uint64_t in_anon = !known ? 0
			   : a.kind == ALLOCSTAT_GLIBC ? a.mmapped
			   : a.resident > t.heap ? a.resident - t.heap : 0;
	uint64_t allocator = t.heap + take(&t.anon, in_anon);
	bool allocator_rough = !known || in_anon > 0;

	uint64_t live = live_bytes > 0 ? (uint64_t)llround(live_bytes) : 0;
	m->seen_heap = live;
	bool spilled = false, clamped = false;
	m->estimate[LIVE] = !live_exact;
	if (live > allocator && known) {
		/* the allocator's regions are all counted: the rest of the blocks
		 * were never touched (or the estimate is high), and are not resident */
		live = allocator;
		clamped = m->estimate[LIVE] = true;
	} else if (live > allocator) {
		/* an allocator whose arenas are not told apart: the heap beyond
		 * [heap] sits in anonymous memory */
		spilled = true;
		take(&t.anon, live - allocator);
	}
	m->row[LIVE] = live;
	uint64_t used = known && a.inuse < allocator ? a.inuse : allocator;
	m->row[OVERHEAD] = known && used > live ? used - live : 0;
	m->estimate[OVERHEAD] = !known || !live_exact || in_anon > 0 || clamped;
	m->row[FREE] = allocator > live + m->row[OVERHEAD] ? allocator - live - m->row[OVERHEAD] : 0;
	m->estimate[FREE] = allocator_rough || (!live_exact && live > used) || clamped;
	m->row[ANON] = t.anon;
	m->estimate[ANON] = allocator_rough || spilled || m->estimate[OWN];
	m->row[STACKS] = t.stacks;
	m->row[FILES] = t.files;

	if (m->row[ANON] >= UNSEEN_MIN && m->row[ANON] > m->seen_heap)
		m->unseen = m->row[ANON];
	return true;
}

void rssmap_comment(struct profile *p, const struct rssmap *m)
{
	static const char *const keys[PPROF_RSS_NROWS] = PPROF_RSS_ROWS;
	char line[320];
	log_format(line, sizeof(line), PPROF_COMMENT_RSS_TOTAL "%llu bytes (the sum of /proc/self/smaps Rss; statm: %llu)",
		   (unsigned long long)m->total, (unsigned long long)m->statm);
	profile_add_comment(p, line);
	for (int i = 0; i < PPROF_RSS_NROWS; i++) {
		log_format(line, sizeof(line), PPROF_COMMENT_RSS_ROW "%s %llu bytes %s", keys[i],
			   (unsigned long long)m->row[i], m->estimate[i] ? PPROF_RSS_ESTIMATE : PPROF_RSS_EXACT);
		profile_add_comment(p, line);
	}
	if (m->unseen) {
		log_format(line, sizeof(line),
			   PPROF_COMMENT_UNSEEN "%llu bytes resident in anonymous memory mapped outside malloc, "
			   "more than the %llu bytes of heap allocprof sees: a custom mmap arena, or an allocator "
			   "linked in statically?",
			   (unsigned long long)m->unseen, (unsigned long long)m->seen_heap);
		profile_add_comment(p, line);
	}
}

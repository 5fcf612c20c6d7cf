/* dump: drain, build the profile model (one location per unique return
 * address, one mapping per executable mapping used), symbolize, encode,
 * publish. Runs under the collector lock and allocates only from the arena.
 * The exit dump also writes the in-use profile at the peak (.peak.pb.gz),
 * made from the same symbolized tables with other values; the collector
 * rewrites that file, unsymbolized, while the program runs (peakwatch.h):
 * that write copies its samples under the lock and encodes them after. */
#include "dump.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/hmap.h"
#include "../src/libcode.h"
#include "../src/mem.h"
#include "../src/pbuf.h"
#include "../src/pprof_names.h"
#include "../src/pprof_write.h"
#include "../src/profile.h"
#include "aggregate.h"
#include "allocstat.h"
#include "arena.h"
#include "capture.h"
#include "collector.h"
#include "config.h"
#include "evclock.h"
#include "exact.h"
#include "frametree.h"
#include "labels.h"
#include "livetab.h"
#include "log.h"
#include "maptab.h"
#include "outfile.h"
#include "ring.h"
#include "rssmap.h"
#include "shim.h"
#include "stackfate.h"
#include "stacktab.h"
#include "symbolize_hook.h"
#include "timeline.h"

#ifndef ALLOCPROF_VERSION
#define ALLOCPROF_VERSION "dev"
#endif

static unsigned dump_seq;
/* The allocator's figure, read as a dump begins: what the dump itself
 * allocates (reading /proc, symbolizing) is not the program's. */
static bool allocator_known;
static uint64_t allocator_inuse;
static const char *allocator_lib;
/* Where the RSS is, read as the dump begins, with the heap just drained */
static bool rss_known;
static struct rssmap rss;
extern uint64_t shim_start_wall_ns, shim_start_mono_ns;

static const char *const reason_names[] = {"exit", "interval", "signal", "api"};

/* The command line, NULs turned into spaces, for the profile's comments. */
static void read_cmdline(char *buf, size_t cap)
{
	buf[0] = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return;
	while (n > 0 && buf[n - 1] == 0)
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 0)
			buf[i] = ' ';
	buf[n] = 0;
}

static uint32_t mapping_of(struct profile *p, struct known_map *k)
{
	if (k->profile_index != PF_NONE)
		return k->profile_index;
	struct pf_mapping m;
	memset(&m, 0, sizeof(m));
	m.start = k->start;
	m.limit = k->end;
	m.offset = k->offset;
	m.filename = profile_cstr(p, k->path);
	m.build_id = profile_cstr(p, k->build_id);
	k->profile_index = profile_add_mapping(p, &m);
	return k->profile_index;
}

#define comment(p, ...)                                        \
	do {                                                   \
		char line_[256];                               \
		log_format(line_, sizeof(line_), __VA_ARGS__); \
		profile_add_comment(p, line_);                 \
	} while (0)

static void add_comments(struct profile *p, const struct capture_stats *cs, uint64_t lost,
			 const char *reason)
{
	char line[4200];
	char cmd[4000];
	read_cmdline(cmd, sizeof(cmd));
	log_format(line, sizeof(line), "allocprof %s", ALLOCPROF_VERSION);
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "command: %s", cmd);
	profile_add_comment(p, line);
	comment(p, "pid: %d", (int)getpid());
	comment(p, "rate: %llu", (unsigned long long)config.rate);
	log_format(line, sizeof(line), "reason: %s", reason);
	profile_add_comment(p, line);
	comment(p, "samples: %llu allocations, %llu frees", (unsigned long long)cs->samples,
		(unsigned long long)cs->frees);
	comment(p, "dropped: %llu", (unsigned long long)lost);
	if (allocator_known)
		comment(p, "allocator in use: %llu bytes (mallinfo2 of %s, chunk headers included)",
			(unsigned long long)allocator_inuse, allocator_lib);
	if (cs->inline_drains)
		comment(p, "full rings drained by their own thread: %llu", (unsigned long long)cs->inline_drains);
	if (exact_mode()) {
		comment(p, "collector woken by a filling ring: %llu", (unsigned long long)collector_wakes());
		comment(p, "stacks read from the unwind cache: %llu, unwound: %llu (%llu remembered)",
			(unsigned long long)cs->unwind_hits, (unsigned long long)cs->unwind_misses,
			(unsigned long long)cs->unwind_walks);
	}
	if (cs->truncated) {
		log_format(line, sizeof(line), "truncated stacks: %llu (deeper than ALLOCPROF_DEPTH=%u)",
			   (unsigned long long)cs->truncated, config.depth);
		profile_add_comment(p, line);
	}
	/* the shim's own footprint, so a long run can show it stays bounded */
	comment(p, "shim memory: %llu KiB mapped, %llu rings",
		(unsigned long long)((arena_mapped_bytes() + livetab_mapped_bytes()) >> 10),
		(unsigned long long)ring_count());
	comment(p, "unique stacks: %llu, live sampled blocks: %llu", (unsigned long long)stacktab_count(),
		(unsigned long long)(exact_mode() ? exact_live_blocks() : livetab_count()));
	uint64_t sets, unlabelled;
	labels_counts(&sets, &unlabelled);
	comment(p, "label sets: %llu, samples without labels: %llu", (unsigned long long)sets,
		(unsigned long long)unlabelled);
	/* what the stacks cost: it grows with distinct call paths (frame
	 * nodes), not with stacks times their depth */
	comment(p, "stack table: %llu KiB for %llu frame nodes", (unsigned long long)(stacktab_memory() >> 10),
		(unsigned long long)frametree_count());
	if (rss_known)
		rssmap_comment(p, &rss);
}

enum { NTYPES = 6, MAX_LABELS = LIFE_BUCKETS + 18 + LABELS_PER_SAMPLE, MAX_FRAMES = CONFIG_DEPTH_MAX + 1 };
/* The label keys and units the samples name again and again */
enum name {
	N_SIZE_MIN,
	N_SIZE_MAX,
	N_LIFE, /* LIFE_BUCKETS of them */
	N_FREED = N_LIFE + LIFE_BUCKETS,
	N_FREED_SAME_THREAD,
	N_FREED_SAME_FUNCTION,
	N_LIVE_MAX,
	N_LIVE_MAX_SAMPLED,
	N_LIVE_MAX_THREAD,
	N_REALLOC_MOVED,
	N_REALLOC_CHAINS,
	N_REALLOC_CHAIN_MOVES,
	N_REALLOC_CHAIN_BYTES,
	N_FREED_AT,
	N_BYTES,
	N_COUNT,
	NAMES
};

/* The samples of a dump, one per stack, made while the profile is encoded
 * (pprof_write.h): a sample holds its stack's location ids, so a table of
 * many deep stacks never has them all in memory at once. A sample costs
 * what sets it apart from the one before: stacks come in the order they
 * were first seen, siblings together, and so do their label sets. */
struct sample_stream {
	struct profile *p;
	struct hmap loc_by_pc; /* every frame and free site of the stacks */
	bool peak;             /* the in-use profile at the peak: two values, labels of the set only */
	bool peak_only;        /* no full profile: only the stacks in use at the peak */
	bool add_locations;    /* the samples make their locations (peak_only: build leaves them) */
	size_t next;           /* the stack to look at next */
	uint32_t locs[MAX_FRAMES], nodes[MAX_FRAMES]; /* leaf first */
	/* the path of the last stack, whole: the next one takes the part they
	 * share from here instead of walking the frame tree and looking up
	 * each of its frames */
	uint32_t prev_locs[MAX_FRAMES], prev_nodes[MAX_FRAMES], prev_n;
	struct stack_fate fate; /* of the stack being made a sample */
	int64_t values[NTYPES];
	struct pf_label labels[MAX_LABELS];
	/* the labels of the last label set, the last free site's location and
	 * the last "freed at" string */
	uint32_t set, set_nlabels;
	uint64_t free_pc;
	uint32_t free_loc;
	struct pf_label set_labels[LABELS_PER_SAMPLE];
	uint32_t freed_at_loc, freed_at;
	/* label keys and units by name, interned on first use (0: not yet) */
	uint32_t name_ids[NAMES];
};

static uint32_t location_of(struct profile *p, struct hmap *loc_by_pc, uint64_t pc)
{
	uint64_t idx = hmap_get(loc_by_pc, pc);
	if (idx != HMAP_EMPTY)
		return (uint32_t)idx;
	struct known_map *k = maptab_find(pc);
	idx = profile_add_location(p, k ? mapping_of(p, k) : PF_NONE, pc, NULL, 0);
	if (idx == PF_NONE || hmap_insert(loc_by_pc, pc, idx) < 0)
		return PF_NONE;
	return (uint32_t)idx;
}

/* llround, without a call for the whole numbers exact mode counts in */
static inline __attribute__((always_inline)) int64_t round_figure(double x)
{
	if (x > -4e18 && x < 4e18) {
		int64_t i = (int64_t)x;
		if ((double)i == x)
			return i;
	}
	return llround(x);
}

/* A stack that makes a sample of the full profile. */
static bool has_sample(const struct stack_rec *s)
{
	return (s->flags & STACK_HAS_FRAMES) &&
	       (round_figure(s->alloc_objects) || round_figure(s->alloc_bytes) ||
		round_figure(stacktab_inuse_objects(s)) || round_figure(s->inuse_bytes));
}

static void full_values(const struct stack_rec *s, const struct stack_fate *f, int64_t *v)
{
	v[0] = round_figure(s->alloc_objects);
	v[1] = round_figure(s->alloc_bytes);
	v[2] = round_figure(stacktab_inuse_objects(s));
	v[3] = round_figure(s->inuse_bytes);
	v[4] = round_figure(f->short_objects);
	v[5] = round_figure(f->short_bytes);
}

/* The location ids of s's frames into st->locs, leaf first; the sample ends
 * at the first frame without a location (out of memory while they were
 * made). The walk up the frame tree stops at the first node of the last
 * stack's path: the rest of the path is that one's. */
static uint32_t locations_of(struct sample_stream *st, const struct stack_rec *s, bool add)
{
	uint32_t k = 0, j = 0, node = s->node;
	bool met = false;
	while (node != FRAMETREE_ROOT && k < MAX_FRAMES) {
		/* ids fall toward the root, on both paths: a merge finds the
		 * node they meet at (missing it would only cost the walk) */
		while (j < st->prev_n && st->prev_nodes[j] > node)
			j++;
		if ((met = j < st->prev_n && st->prev_nodes[j] == node))
			break;
		uint64_t ret, idx;
		uint32_t parent = frametree_parent(node, &ret);
		/* a return address points after the call: step back into it */
		if (add)
			idx = location_of(st->p, &st->loc_by_pc, ret - 1);
		else if ((idx = hmap_get(&st->loc_by_pc, ret - 1)) == HMAP_EMPTY)
			idx = PF_NONE;
		if (idx == PF_NONE) {
			st->prev_n = 0;
			return k;
		}
		st->locs[k] = (uint32_t)idx;
		st->nodes[k++] = node;
		node = parent;
	}
	uint32_t shared = met ? st->prev_n - j : 0;
	bool whole = node == FRAMETREE_ROOT || (met && k + shared <= MAX_FRAMES);
	if (k + shared > MAX_FRAMES)
		shared = MAX_FRAMES - k;
	memcpy(st->locs + k, st->prev_locs + j, shared * sizeof(*st->locs));
	memcpy(st->nodes + k, st->prev_nodes + j, shared * sizeof(*st->nodes));
	k += shared;
	st->prev_n = whole ? k : 0;
	memcpy(st->prev_locs, st->locs, st->prev_n * sizeof(*st->locs));
	memcpy(st->prev_nodes, st->nodes, st->prev_n * sizeof(*st->nodes));
	return k;
}

/* The location of a free site: the last one asked for again, mostly. */
static uint32_t free_location(struct sample_stream *st, uint64_t pc)
{
	if (!pc)
		return PF_NONE;
	if (pc != st->free_pc) {
		uint64_t idx = hmap_get(&st->loc_by_pc, pc - 1);
		st->free_pc = pc;
		st->free_loc = idx == HMAP_EMPTY ? PF_NONE : (uint32_t)idx;
	}
	return st->free_loc;
}

/* Builds the profile from the tables, all but the samples: the locations of
 * every frame and free site of the stacks that make one, to be symbolized. */
static void build(struct profile *p, const struct capture_stats *cs, const char *reason,
		  struct sample_stream *st)
{
	profile_add_sample_type(p, PPROF_TYPE_ALLOC_OBJECTS, PPROF_UNIT_COUNT);
	profile_add_sample_type(p, PPROF_TYPE_ALLOC_SPACE, PPROF_UNIT_BYTES);
	profile_add_sample_type(p, PPROF_TYPE_INUSE_OBJECTS, PPROF_UNIT_COUNT);
	profile_add_sample_type(p, PPROF_TYPE_INUSE_SPACE, PPROF_UNIT_BYTES);
	/* blocks freed within ALLOCPROF_SHORT_NS of their allocation */
	profile_add_sample_type(p, PPROF_TYPE_SHORT_OBJECTS, PPROF_UNIT_COUNT);
	profile_add_sample_type(p, PPROF_TYPE_SHORT_SPACE, PPROF_UNIT_BYTES);
	p->period_type.type = profile_cstr(p, PPROF_PERIOD_TYPE);
	p->period_type.unit = profile_cstr(p, PPROF_UNIT_BYTES);
	p->period = (int64_t)config.rate;
	p->default_sample_type = profile_cstr(p, PPROF_TYPE_ALLOC_SPACE);
	p->time_nanos = (int64_t)shim_start_wall_ns;
	p->duration_nanos = (int64_t)(evclock_mono_ns() - shim_start_mono_ns);

	maptab_refresh();
	/* the executable first: pprof treats the first mapping as the main binary */
	for (size_t i = 0; i < maptab_count(); i++)
		maptab_at(i)->profile_index = PF_NONE;
	for (size_t i = 0; i < maptab_count(); i++)
		if (maptab_at(i)->is_main)
			mapping_of(p, maptab_at(i));

	st->p = p;
	st->prev_n = 0;
	uint64_t placeholders = 0;
	for (size_t i = 0; i < stacktab_count(); i++) {
		const struct stack_rec *s = stacktab_at(i);
		if (!(s->flags & STACK_HAS_FRAMES)) {
			placeholders++; /* a free whose allocation never arrived */
			continue;
		}
		/* the peak profile's samples make their locations as they are
		 * copied, in this order: one walk of the stacks under the lock */
		if (st->peak_only || !has_sample(s))
			continue;
		locations_of(st, s, true);
		/* where the blocks were freed: locations that no sample refers to,
		 * there only to be symbolized */
		uint64_t free_pcs[FREE_SITES];
		stackfate_free_pcs(s, free_pcs);
		for (unsigned k = 0; k < FREE_SITES; k++)
			if (free_pcs[k])
				location_of(p, &st->loc_by_pc, free_pcs[k] - 1);
	}
	timeline_export(p, shim_start_mono_ns);
	uint64_t lost = cs->drops + placeholders;
	add_comments(p, cs, lost, reason);
	if (lost)
		log_line("%llu sampled events were lost; the profile says so in its comments",
			 (unsigned long long)lost);
}

static const char *const life_keys[LIFE_BUCKETS] = PPROF_LABELS_LIFETIME;

/* The innermost function of a location, or PF_NONE when unsymbolized. */
/* Of a symbolized location's inlined frames, the innermost that is the
 * program's own (a C++ container's new or delete is inlined from a header
 * into the function that uses it), else the function the code is in
 * (std::vector::_M_realloc_insert, Rust's drop_in_place::<Vec<String>> say
 * more than the deallocate inlined into them); NULL when unsymbolized. */
static const struct pf_line *own_line(const struct profile *p, uint32_t loc)
{
	if (loc == PF_NONE || !p->locations[loc].nlines)
		return NULL;
	const struct pf_location *l = &p->locations[loc];
	for (uint32_t k = 0; k < l->nlines; k++) {
		const struct pf_line *ln = &p->lines[l->line_start + k];
		const struct pf_function *fn = &p->functions[ln->function];
		if (!libcode_file(profile_str(p, fn->filename)) && !libcode_name(profile_str(p, fn->name)))
			return ln;
	}
	return &p->lines[l->line_start + l->nlines - 1];
}

/* The name of own_line's function, as an index into the strings. */
static uint32_t own_function(const struct profile *p, uint32_t loc)
{
	const struct pf_line *ln = own_line(p, loc);
	return ln ? p->functions[ln->function].name : PF_NONE;
}

static const char *name_string(enum name k)
{
	static const char *const fixed[NAMES] = {
		[N_SIZE_MIN] = PPROF_LABEL_SIZE_MIN,
		[N_SIZE_MAX] = PPROF_LABEL_SIZE_MAX,
		[N_FREED] = PPROF_LABEL_FREED,
		[N_FREED_SAME_THREAD] = PPROF_LABEL_FREED_SAME_THREAD,
		[N_FREED_SAME_FUNCTION] = PPROF_LABEL_FREED_SAME_FUNCTION,
		[N_LIVE_MAX] = PPROF_LABEL_LIVE_MAX,
		[N_LIVE_MAX_SAMPLED] = PPROF_LABEL_LIVE_MAX_SAMPLED,
		[N_LIVE_MAX_THREAD] = PPROF_LABEL_LIVE_MAX_THREAD,
		[N_REALLOC_MOVED] = PPROF_LABEL_REALLOC_MOVED,
		[N_REALLOC_CHAINS] = PPROF_LABEL_REALLOC_CHAINS,
		[N_REALLOC_CHAIN_MOVES] = PPROF_LABEL_REALLOC_CHAIN_MOVES,
		[N_REALLOC_CHAIN_BYTES] = PPROF_LABEL_REALLOC_CHAIN_BYTES,
		[N_FREED_AT] = PPROF_LABEL_FREED_AT,
		[N_BYTES] = PPROF_UNIT_BYTES,
		[N_COUNT] = PPROF_UNIT_COUNT,
	};
	return k >= N_LIFE && k < N_LIFE + LIFE_BUCKETS ? life_keys[k - N_LIFE] : fixed[k];
}

/* The id of a label key or unit, interned the first time it is used, so
 * the string table keeps the order it would have without this; a sample
 * asks for some twenty of them: no hashing. */
static uint32_t name_id(struct sample_stream *st, enum name k)
{
	if (!st->name_ids[k])
		st->name_ids[k] = profile_cstr(st->p, name_string(k));
	return st->name_ids[k];
}

static inline __attribute__((always_inline)) void add_label(struct sample_stream *st, size_t *n, enum name key, double v,
							 enum name unit)
{
	int64_t x = round_figure(v);
	if (x <= 0)
		return;
	struct pf_label *l = &st->labels[*n];
	l->key = name_id(st, key);
	l->str = 0;
	l->num = x;
	l->num_unit = name_id(st, unit);
	(*n)++;
}

/* "function file:line" of own_line, interned (once for a run of samples
 * freed at the same place). */
static uint32_t freed_at(struct sample_stream *st, uint32_t loc)
{
	if (st->freed_at && st->freed_at_loc == loc)
		return st->freed_at;
	struct profile *p = st->p;
	const struct pf_line *ln = own_line(p, loc);
	const struct pf_function *fn = &p->functions[ln->function];
	char where[512];
	log_format(where, sizeof(where), "%s %s:%lld", profile_str(p, fn->name), profile_str(p, fn->filename),
		   (long long)ln->line);
	st->freed_at_loc = loc;
	return st->freed_at = profile_cstr(p, where);
}

/* What happened to a sample's blocks after allocation, as numeric labels
 * any pprof reader accepts (go tool pprof -tags shows them). Made after
 * symbolization, which decides "freed by the function that allocated". */
static size_t fate_labels(struct sample_stream *st, const struct stack_rec *rec, uint32_t nlocs)
{
	struct profile *p = st->p;
	struct pf_label *l = st->labels;
	const struct stack_fate *f = &st->fate;
	size_t n = 0;
	/* sizes of the sampled blocks: one size means a fixed-size object */
	add_label(st, &n, N_SIZE_MIN, (double)stacktab_size_min(rec), N_BYTES);
	add_label(st, &n, N_SIZE_MAX, (double)stacktab_size_max(rec), N_BYTES);
	for (unsigned b = 0; b < LIFE_BUCKETS; b++)
		add_label(st, &n, N_LIFE + b, f->life[b], N_COUNT);
	add_label(st, &n, N_FREED, f->freed, N_COUNT);
	add_label(st, &n, N_FREED_SAME_THREAD, f->freed_same_thread, N_COUNT);
	/* the most blocks of this stack live at once: the estimate and
	 * the sampled blocks (the same at rate 1) */
	add_label(st, &n, N_LIVE_MAX, stacktab_live_max(rec), N_COUNT);
	add_label(st, &n, N_LIVE_MAX_SAMPLED, (double)rec->live_sampled_max, N_COUNT);
	if (!(rec->flags & STACK_THREADS_UNCOUNTED))
		add_label(st, &n, N_LIVE_MAX_THREAD, (double)rec->live_thread_max, N_COUNT);
	uint32_t alloc_fn = nlocs ? own_function(p, st->locs[0]) : PF_NONE;
	double same_fn = 0, top = 0;
	uint32_t top_loc = PF_NONE;
	for (unsigned k = 0; k < FREE_SITES; k++) {
		uint32_t loc = free_location(st, f->free_pc[k]);
		uint32_t fn = own_function(p, loc);
		if (fn != PF_NONE && fn == alloc_fn)
			same_fn += f->free_pc_weight[k];
		if (loc != PF_NONE && f->free_pc_weight[k] > top) {
			top = f->free_pc_weight[k];
			top_loc = loc;
		}
	}
	if (alloc_fn != PF_NONE)
		add_label(st, &n, N_FREED_SAME_FUNCTION, same_fn, N_COUNT);
	const struct stack_realloc *r = stacktab_realloc_of(rec);
	if (r) {
		add_label(st, &n, N_REALLOC_MOVED, r->moved, N_COUNT);
		add_label(st, &n, N_REALLOC_CHAINS, r->chains_ended + r->chains_live, N_COUNT);
		add_label(st, &n, N_REALLOC_CHAIN_MOVES, r->chain_moves_ended + r->chain_moves_live,
			  N_COUNT);
		add_label(st, &n, N_REALLOC_CHAIN_BYTES, r->chain_bytes_ended + r->chain_bytes_live,
			  N_BYTES);
	}
	if (top_loc != PF_NONE && p->locations[top_loc].nlines) {
		/* the most frequent place they were freed */
		l[n].key = name_id(st, N_FREED_AT);
		l[n].str = freed_at(st, top_loc);
		l[n].num = 0;
		l[n].num_unit = 0;
		n++;
	}
	return n;
}

/* The labels of set appended at l: exported once for a run of samples of
 * the same set. */
static size_t set_labels(struct sample_stream *st, uint32_t set, struct pf_label *l)
{
	if (set != st->set || !st->set_nlabels) {
		st->set = set;
		st->set_nlabels = (uint32_t)labels_export(st->p, set, st->set_labels);
	}
	memcpy(l, st->set_labels, st->set_nlabels * sizeof(*l));
	return st->set_nlabels;
}

/* pprof_sample_source's next: the next stack that makes a sample. */
static bool next_sample(void *ctx, struct pprof_sample *out)
{
	struct sample_stream *st = ctx;
	while (st->next < stacktab_count()) {
		const struct stack_rec *s = stacktab_at(st->next++);
		if (!has_sample(s))
			continue;
		if (st->peak) {
			double objects, bytes;
			stacktab_peak_of(s, &objects, &bytes);
			st->values[0] = round_figure(objects);
			st->values[1] = round_figure(bytes);
			if (!st->values[0] && !st->values[1])
				continue;
		} else {
			stackfate_read(s, &st->fate);
			full_values(s, &st->fate, st->values);
		}
		out->nlocs = locations_of(st, s, st->add_locations);
		out->locs = st->locs;
		out->values = st->values;
		out->labels = st->labels;
		out->nlabels = st->peak ? 0 : fate_labels(st, s, (uint32_t)out->nlocs);
		out->nlabels += set_labels(st, labels_of_stack(stacktab_index(s)), st->labels + out->nlabels);
		return true;
	}
	return false;
}

/* Turns the full profile into the in-use profile at the peak, in place:
 * same tables, two sample types, the values of the last peak snapshot (the
 * fate of blocks is not a peak figure). */
static void make_peak(struct profile *p, struct sample_stream *st)
{
	struct aggregate_totals t;
	aggregate_get_totals(&t);
	p->sample_types[0] = p->sample_types[2];
	p->sample_types[1] = p->sample_types[3];
	p->ntypes = 2;
	p->default_sample_type = profile_cstr(p, PPROF_TYPE_INUSE_SPACE);
	st->peak = true;
	st->next = 0;
	comment(p, "peak in use: %llu bytes, %llu ms after start", (unsigned long long)llround(t.snapshot_inuse_bytes),
		(unsigned long long)(t.snapshot_ns > shim_start_mono_ns ? (t.snapshot_ns - shim_start_mono_ns) / 1000000 : 0));
}

/* One record per profile written, and one for a process that wrote none,
 * so `allocprof run` can say which processes sampled nothing:
 * "KIND PID\0PROGRAM\0PATH\0", KIND one of profile, peak, empty (nothing
 * sampled, PATH empty) or failed (PATH could not be written). NUL ends each
 * field: a path may hold any other byte, a newline too. The file must be a
 * regular one: opening a FIFO for writing would wait for a reader forever. */
static void manifest_append(const char *kind, const char *path)
{
	extern char *program_invocation_short_name;
	struct stat st;
	if (!config.manifest[0] || stat(config.manifest, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	int fd = open(config.manifest, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		char rec[CONFIG_PATH_MAX + 600];
		const char *name = program_invocation_short_name ? program_invocation_short_name : "";
		size_t n = (size_t)log_format(rec, 64, "%s %d", kind, (int)getpid()) + 1;
		size_t nl = strnlen(name, 255), pl = strlen(path);
		if (n + nl + 1 + pl + 1 <= sizeof(rec)) {
			memcpy(rec + n, name, nl);
			rec[n + nl] = 0;
			n += nl + 1;
			memcpy(rec + n, path, pl + 1);
			n += pl + 1;
			/* one write: records of processes never interleave */
			ssize_t w = write(fd, rec, n);
			(void)w;
		}
	}
	close(fd);
}

/* The peak profile has one name for the life of the process, found the
 * first time it is written (a taken name gets a suffix then); every later
 * write, from a peak step, the RSS threshold or the exit, replaces that
 * file in place. */
static char peak_path[CONFIG_PATH_MAX + 32];
static unsigned peak_writes;
/* One writer of the peak file at a time, in the order of their snapshots: a
 * running write holds this from before its drain until its file is
 * written, after it has let go of the collector lock; every other dump takes
 * it before that lock too. */
static pthread_mutex_t peak_file = PTHREAD_MUTEX_INITIALIZER;

void dump_fork_child(void)
{
	peak_path[0] = 0; /* the parent's file is the parent's */
	peak_writes = 0;
	pthread_mutex_init(&peak_file, NULL); /* the collector that held it did not fork */
}

/* Encodes the profile and writes it to target, or over replace when that
 * is set. The verbose line gets note after the name (none when NULL). */
static int publish(struct profile *p, const struct pprof_sample_source *more, const char *target,
		   const char *kind, const char *replace, char *final, const char *note)
{
	struct pbuf gz;
	pbuf_init(&gz);
	int rc = pprof_encode_gzip_with(p, more, &gz);
	if (rc == 0 && replace)
		rc = outfile_replace(strcpy(final, replace), gz.data, gz.len);
	else if (rc == 0)
		rc = outfile_write(target, gz.data, gz.len, final, CONFIG_PATH_MAX + 32);
	pbuf_release(&gz);
	if (rc < 0) {
		log_line("cannot write the profile to %s: %s", replace ? replace : target, strerrordesc_np(-rc));
		manifest_append("failed", replace ? replace : target);
		return rc;
	}
	if (kind)
		manifest_append(kind, final);
	if (config.verbose && note)
		log_line("wrote %s%s", final, note);
	return 0;
}

/* The samples of the stream from its first stack. */
static struct pprof_sample_source stream_source(struct sample_stream *st)
{
	st->next = 0;
	st->prev_n = 0;
	return (struct pprof_sample_source){next_sample, st};
}

/* p, built from the tables, becomes the in-use profile at the peak: its
 * samples are st's from now on. target gets the name of the file when none
 * is taken yet. */
static int prepare_peak(struct profile *p, struct sample_stream *st, const char *trigger, char *target)
{
	if (!peak_path[0] && outfile_expand_peak(config.out, target, CONFIG_PATH_MAX) < 0) {
		log_line("cannot write the peak profile: the output name is too long");
		return -ENAMETOOLONG;
	}
	peak_writes++;
	make_peak(p, st);
	comment(p, "peak profile writes: %u, this one on %s", peak_writes, trigger);
	return 0;
}

/* Writes the peak file. announce: a record in the manifest (the exit, and
 * the first write, which names the file). */
static int publish_peak(struct profile *p, const struct pprof_sample_source *samples, const char *target,
			bool announce, const char *note)
{
	char final[CONFIG_PATH_MAX + 32];
	bool first = !peak_path[0];
	int rc = publish(p, samples, target, announce || first ? "peak" : NULL, first ? NULL : peak_path, final, note);
	if (rc == 0 && first)
		strcpy(peak_path, final);
	return rc;
}


/* The samples of a running peak write, copied from the tables under the
 * collector lock (into the arena) so that encoding, gzip and the write
 * run without it. */
struct peak_row {
	int64_t values[2];
	size_t loc_at, nlocs, label_at, nlabels;
};
struct peak_copy {
	struct peak_row *rows;
	size_t nrows, cap_rows;
	uint32_t *locs;
	size_t nlocs, cap_locs;
	struct pf_label *labels;
	size_t nlabels, cap_labels;
	size_t next;
};

static int copy_samples(struct sample_stream *st, struct peak_copy *c)
{
	struct pprof_sample s;
	st->next = 0;
	st->prev_n = 0;
	while (next_sample(st, &s)) {
		if (MEM_GROW(c->rows, c->cap_rows, c->nrows + 1) < 0 ||
		    MEM_GROW(c->locs, c->cap_locs, c->nlocs + s.nlocs) < 0 ||
		    MEM_GROW(c->labels, c->cap_labels, c->nlabels + s.nlabels) < 0)
			return -ENOMEM;
		struct peak_row *r = &c->rows[c->nrows++];
		r->values[0] = s.values[0];
		r->values[1] = s.values[1];
		r->loc_at = c->nlocs;
		r->nlocs = s.nlocs;
		r->label_at = c->nlabels;
		r->nlabels = s.nlabels;
		if (s.nlocs)
			memcpy(c->locs + c->nlocs, s.locs, s.nlocs * sizeof(*s.locs));
		if (s.nlabels)
			memcpy(c->labels + c->nlabels, s.labels, s.nlabels * sizeof(*s.labels));
		c->nlocs += s.nlocs;
		c->nlabels += s.nlabels;
	}
	return 0;
}

static bool next_copied(void *ctx, struct pprof_sample *out)
{
	struct peak_copy *c = ctx;
	if (c->next >= c->nrows)
		return false;
	const struct peak_row *r = &c->rows[c->next++];
	out->locs = c->locs + r->loc_at;
	out->nlocs = r->nlocs;
	out->values = r->values;
	out->labels = c->labels + r->label_at;
	out->nlabels = r->nlabels;
	return true;
}

static void release_copy(struct peak_copy *c)
{
	mem_free(c->rows, c->cap_rows * sizeof(*c->rows));
	mem_free(c->locs, c->cap_locs * sizeof(*c->locs));
	mem_free(c->labels, c->cap_labels * sizeof(*c->labels));
}

static int write_locked(const char *target, const char *reason, bool with_peak, bool symbolize)
{
	struct capture_stats cs;
	capture_get_stats(&cs);
	aggregate_snapshot_if_peak();
	struct sample_stream *st = mem_alloc(sizeof(*st));
	if (!st) {
		log_line("cannot write the profile to %s: out of memory", target);
		return -ENOMEM;
	}
	memset(st, 0, sizeof(*st));
	hmap_init(&st->loc_by_pc);
	struct profile p;
	profile_init(&p);
	build(&p, &cs, reason, st);
	bool short_of_memory = symbolize && symbolize_hook(&p) < 0;
	char final[CONFIG_PATH_MAX + 32];
	struct pprof_sample_source samples = stream_source(st);
	int rc = publish(&p, &samples, target, "profile", NULL, final, "");
	if (rc == 0 && short_of_memory)
		log_line("memory is short: the profile was written without symbols; allocprof symbolize %s adds them",
			 target);
	char peak_target[CONFIG_PATH_MAX];
	if (rc == 0 && with_peak && prepare_peak(&p, st, "exit", peak_target) == 0) {
		samples = stream_source(st);
		publish_peak(&p, &samples, peak_target, true, "");
	}
	profile_release(&p);
	hmap_release(&st->loc_by_pc);
	mem_free(st, sizeof(*st));
	return rc;
}

static int write_exit_like(const char *path, enum dump_reason why, const char *reason)
{
	char target[CONFIG_PATH_MAX];
	pthread_mutex_lock(&peak_file);
	collector_lock();
	allocator_known = allocstat_inuse(&allocator_inuse, &allocator_lib);
	collector_drain_all_locked();
	if (why == DUMP_EXIT) {
		struct capture_stats cs;
		capture_get_stats(&cs);
		if (cs.samples == 0) {
			collector_unlock();
			pthread_mutex_unlock(&peak_file);
			manifest_append("empty", "");
			if (config.verbose)
				log_line("no allocation was sampled; no profile written");
			return 0;
		}
	}
	struct aggregate_totals heap;
	aggregate_get_totals(&heap);
	rss_known = rssmap_take(&rss, heap.inuse_bytes, config.rate <= 1);
	unsigned seq = dump_seq++;
	int rc = path ? (strlen(path) < sizeof(target) ? (strcpy(target, path), 0) : -ENAMETOOLONG)
		      : outfile_expand(config.out, seq, target, sizeof(target));
	if (rc < 0) {
		log_line("cannot write the profile: the output name is too long");
		manifest_append("failed", config.out);
	}
	else
		rc = write_locked(target, reason, why == DUMP_EXIT, config.symbolize);
	collector_unlock();
	pthread_mutex_unlock(&peak_file);
	return rc;
}

int dump_write_peak(const char *trigger, uint64_t *inuse, uint64_t at_least)
{
	uint64_t start = evclock_mono_ns();
	pthread_mutex_lock(&peak_file);
	collector_lock();
	uint64_t locked = evclock_mono_ns();
	allocator_known = allocstat_inuse(&allocator_inuse, &allocator_lib);
	collector_drain_all_locked();
	struct capture_stats cs;
	capture_get_stats(&cs);
	aggregate_snapshot_if_peak();
	struct aggregate_totals t;
	aggregate_get_totals(&t);
	if (t.snapshot_inuse_bytes < (double)at_least) {
		/* what the step saw was in use before the drain, and frees
		 * drained since took it back below the step: no new peak */
		collector_unlock();
		pthread_mutex_unlock(&peak_file);
		return 0;
	}
	*inuse = (uint64_t)llround(t.snapshot_inuse_bytes);
	struct sample_stream *st = cs.samples ? mem_alloc(sizeof(*st)) : NULL;
	int rc = cs.samples ? -ENOMEM : 0;
	struct profile p;
	profile_init(&p);
	struct peak_copy copy;
	memset(&copy, 0, sizeof(copy));
	char target[CONFIG_PATH_MAX];
	if (st) {
		memset(st, 0, sizeof(*st));
		hmap_init(&st->loc_by_pc);
		st->peak_only = true;
		char reason[48];
		log_format(reason, sizeof(reason), "peak (%s)", trigger);
		build(&p, &cs, reason, st);
		rc = prepare_peak(&p, st, trigger, target);
		st->add_locations = true;
		if (rc == 0)
			rc = copy_samples(st, &copy);
		hmap_release(&st->loc_by_pc);
		mem_free(st, sizeof(*st));
	}
	collector_unlock();
	uint64_t held = evclock_mono_ns() - locked;
	/* no symbols: libdw at every step would hold the lock for long;
	 * the exit rewrites the file with them, and allocprof run or
	 * allocprof symbolize name a file left by a killed process */
	if (rc == 0 && cs.samples) {
		struct pprof_sample_source samples = {next_copied, &copy};
		rc = publish_peak(&p, &samples, target, false, NULL);
	} else if (rc == -ENOMEM) {
		log_line("cannot write the peak profile: out of memory");
	}
	pthread_mutex_unlock(&peak_file);
	release_copy(&copy);
	profile_release(&p);
	/* what it cost the program: its threads wait for the lock to drain a
	 * full ring (or, at rate 1, for the collector to empty theirs); the
	 * encoding, gzip and the write after it cost them nothing */
	if (rc == 0 && cs.samples && config.verbose)
		log_line("wrote %s (peak, on %s: %llu bytes in use; %llu us under the collector lock, %llu us in all)",
			 peak_path, trigger, (unsigned long long)*inuse, (unsigned long long)(held / 1000),
			 (unsigned long long)((evclock_mono_ns() - start) / 1000));
	return rc;
}

int dump_write(const char *path, enum dump_reason why)
{
	return write_exit_like(path, why, reason_names[why]);
}

int dump_write_ending(int sig)
{
	char reason[32];
	log_format(reason, sizeof(reason), "signal %d (%s)", sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	return write_exit_like(NULL, DUMP_EXIT, reason);
}

static int peak_file_trylock_for(uint64_t ns)
{
	uint64_t end = evclock_mono_ns() + ns;
	while (pthread_mutex_trylock(&peak_file) != 0) {
		if (evclock_mono_ns() > end)
			return -1;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

void dump_write_crash(int sig, bool fatal)
{
	char target[CONFIG_PATH_MAX], reason[32];
	const char *name = sigabbrev_np(sig) ? sigabbrev_np(sig) : "?";
	/* a running peak write holds the peak file while it encodes, outside
	 * the collector lock: the crash waits for it (src/ is not to run in
	 * two threads once the bump allocator is in), unless it is that write
	 * that crashed; the profile goes without the peak then */
	bool with_peak = peak_file_trylock_for(shim_tls.is_collector ? 0 : 2000000000ULL) == 0;
	if (collector_trylock_for(2000000000ULL) < 0) {
		log_line("%s signal SIG%s: the profile is busy elsewhere; nothing written", fatal ? "fatal" : "ending", name);
		if (with_peak)
			pthread_mutex_unlock(&peak_file);
		return;
	}
	/* whatever the interrupted thread held, the arena's lock included, stays
	 * untouched: from here on src/ allocates from a fresh mapping */
	arena_install_crash_bump();
	allocator_known = false; /* mallinfo2 takes the allocator's locks */
	rss_known = false;
	collector_drain_all_locked();
	struct capture_stats cs;
	capture_get_stats(&cs);
	if (cs.samples && outfile_expand(config.out, dump_seq++, target, sizeof(target)) == 0) {
		log_format(reason, sizeof(reason), "%s signal %d (%s)", fatal ? "fatal" : "ending", sig, name);
		if (write_locked(target, reason, with_peak, false) == 0)
			log_line("%s by SIG%s: profile written without symbols: allocprof symbolize %s",
				 fatal ? "crashed" : "ended", name, target);
	}
	if (with_peak)
		pthread_mutex_unlock(&peak_file);
	collector_unlock();
}

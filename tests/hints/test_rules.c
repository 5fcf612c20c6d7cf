/* test_rules: the rules of allocprof hints at their thresholds (90% "most",
 * 10 objects, 2 reallocs per chain, 4 KiB on the stack, 1 ms short-lived),
 * what each claims to remove, and the ranking and cuts of a hint set. TAP. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hintset.h"
#include "rules.h"
#include "sites.h"
#include "../tap.h"

/* A site of n objects of size bytes each, all freed within 1us by the
 * same thread (and nothing else known). */
static struct site base(const char *name, double n, double size)
{
	struct site s;
	memset(&s, 0, sizeof(s));
	s.name = name;
	s.objects = n;
	s.bytes = n * size;
	s.size_min = s.size_max = size;
	s.freed = s.same_thread = s.life[0] = n;
	return s;
}

static const char *kind(const struct site *s, int64_t rate, struct hint *h)
{
	return rules_apply(s, rate, h) ? rules_kind_name(h->kind) : "none";
}

static void expect(const struct site *s, int64_t rate, const char *want, const char *what)
{
	struct hint h;
	const char *got = kind(s, rate, &h);
	char msg[200];
	snprintf(msg, sizeof(msg), "%s: %s (got %s)", what, want, got);
	TAP_OK(!strcmp(got, want), "%s", msg);
}

static void scratch(void)
{
	struct hint h;
	struct site s = base("f", 100, 48);
	s.same_function = 90;
	expect(&s, 1, "scratch", "90% freed by the allocating function");
	TAP_OK(rules_apply(&s, 1, &h) && h.objects == 90 && h.bytes == 90 * 48 && h.depth == 0,
	       "scratch removes the 90 objects and their bytes");
	s.same_function = 89;
	expect(&s, 1, "pool", "89% by the allocating function: a pool instead");
	s = base("f", 9, 48);
	s.same_function = 9;
	expect(&s, 1, "none", "9 objects are too few");
	s = base("f", 10, 48);
	s.same_function = 10;
	expect(&s, 1, "scratch", "10 objects are enough");
	/* freed by a caller on the stack */
	s = base("f", 100, 40);
	s.freed_at = "g x.c:1";
	s.freed_in_caller = 90;
	s.caller_depth = 2;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_SCRATCH && h.depth == 2 && h.objects == 100,
	       "freed in a caller two frames up: scratch there");
	s.freed_in_caller = 89;
	expect(&s, 1, "pool", "89% of the frees in the caller: a pool instead");
	s.freed_in_caller = 100;
	s.same_thread = 80;
	expect(&s, 1, "shared-pool", "a caller, but 20% freed by other threads: no scratch");
}

static void pools(void)
{
	struct hint h;
	struct site s = base("f", 100, 64);
	s.same_thread = 90;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_POOL && h.objects == 90 && h.bytes == 90 * 64,
	       "fixed size, 90%% by the same thread: pool of 90");
	s.same_thread = 89;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_SHARED_POOL && h.objects == 100,
	       "89%% by the same thread: shared pool of every freed one");
	s.freed = s.life[0] = 89;
	s.same_thread = 89;
	expect(&s, 1, "none", "89% freed: neither");
	s = base("f", 100, 64);
	s.size_max = 65;
	s.life[0] = 0;
	s.life[4] = 100; /* 10 ms */
	expect(&s, 1, "size-class", "small sizes vary and long-lived: no pool, no arena, size classes");
	s.size_max = 1025;
	expect(&s, 1, "none", "sizes up to 1025B and long-lived: none");
	s.size_max = 65;
	s.life[4] = 10;
	s.life[3] = 90; /* 1 ms */
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_ARENA && h.objects == 90,
	       "sizes vary, 90%% within 1ms by the same thread: arena of 90");
	s.same_thread = 85;
	expect(&s, 1, "none", "85% by the same thread: no arena");
	s = base("f", 100, 64);
	s.size_min = 0;
	s.size_max = 0;
	expect(&s, 1, "arena", "no size labels: not a fixed size");
}

/* Scratch reuses one buffer: never when blocks of the site live at once. */
static void concurrency(void)
{
	struct hint h;
	struct site s = base("f", 100, 48);
	s.same_function = 100;
	s.live_known = true;
	s.live_max = s.live_max_sampled = 1;
	expect(&s, 1, "scratch", "one live at a time at rate 1: scratch");
	s.live_max = s.live_max_sampled = 2;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_POOL && h.many_live,
	   "two live at once at rate 1: a pool, not scratch");
	s.live_max = 40000; /* estimate of one sampled block's weight */
	s.live_max_sampled = 1;
	expect(&s, 524288, "scratch", "sampled: never two sampled blocks live at once: scratch");
	s.live_max_sampled = 2;
	expect(&s, 524288, "pool", "sampled: two sampled blocks live at once: a pool");
	s.live_max = 4; /* four threads, one each */
	s.live_max_sampled = 4;
	s.live_max_thread = 1;
	s.live_stacks = s.live_thread_stacks = 1;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_SCRATCH && h.per_thread,
	   "four live at once, one per thread: scratch, one per thread");
	s.live_max_thread = 2;
	expect(&s, 1, "pool", "two live at once in one thread: a pool");
	s.live_max_thread = 1;
	s.live_stacks = 2; /* a stack without the per-thread figure: over all threads */
	expect(&s, 1, "pool", "per-thread figure missing on a stack: the global one decides");
	s = base("f", 100, 48);
	s.same_function = 100;
	s.recursive = 11;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_POOL && h.recursive,
	   "11%% of its stacks recursive: a pool, not scratch");
	s.recursive = 10;
	expect(&s, 1, "scratch", "10% recursive: still scratch");
	s.recursive = 0;
	s.live_mean_floor = 2.5;
	expect(&s, 1, "pool", "lifetimes imply 2.5 live on average: a pool");
	s.size_max = 300;
	s.life[0] = 0;
	s.life[5] = 100; /* 100 ms */
	expect(&s, 1, "size-class", "varied small sizes, many live, long-lived: size classes");
	s.life[5] = 0;
	s.life[0] = 100;
	expect(&s, 1, "arena", "varied sizes, many live, short-lived: arena");
}

static void reserve(void)
{
	struct hint h;
	struct site s = base("grow", 60, 0);
	s.bytes = 655200;
	s.size_min = 32;
	s.size_max = 65536;
	s.freed = s.same_thread = s.life[0] = 5;
	s.moved = 55;
	s.chains = 5;
	s.chain_moves = 60;
	s.chain_bytes = 327680;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_RESERVE && h.per_chain == 12 && h.objects == 60 &&
		   h.bytes == 655200 - 327680 && h.final_size == 65536 && !h.linear,
	       "lifetimes' grow_step at rate 1: 12 per chain, 60 reallocs, the moved bytes");
	s.chain_moves = 0; /* sampled: depths seen only between sampled blocks */
	TAP_OK(rules_apply(&s, 524288, &h) && h.per_chain == 12 && h.objects == 60,
	       "sampled: reallocs are the moved blocks plus the chains' ends");
	s.chain_moves = 1000;
	TAP_OK(rules_apply(&s, 1, &h) && h.objects == 60, "never more reallocs than the site's objects");
	s = base("append", 40, 0);
	s.chains = 20;
	s.chain_moves = 40;
	s.moved = 20;
	s.bytes = 40 * 512;
	s.chain_bytes = 20 * 1024;
	s.freed = s.same_thread = s.life[0] = 20;
	TAP_OK(rules_apply(&s, 1, &h) && h.kind == HINT_RESERVE && h.per_chain == 2, "2 reallocs per chain: reserve");
	s.chain_moves = 39;
	expect(&s, 1, "none", "1.95 per chain: no reserve, and half moved: no pool");
	s = base("steps", 320, 0);
	s.size_min = 512;
	s.chains = 20;
	s.chain_moves = 300;
	s.chain_bytes = 20 * 8192;
	s.bytes = 20 * 69632.0;
	TAP_OK(rules_apply(&s, 1, &h) && h.linear, "15 reallocs to go 512B -> 8kB: in steps");
	s.chain_moves = 80;
	TAP_OK(rules_apply(&s, 1, &h) && !h.linear, "4 reallocs to go 512B -> 8kB: doubling");
}

static void lifetimes(void)
{
	struct hint h;
	struct site s = base("f", 1000, 48);
	s.same_function = 1000;
	s.life[0] = 898;
	s.life[1] = 1;
	s.life[2] = 101;
	rules_apply(&s, 1, &h);
	TAP_OK(h.life_bucket == 2 && h.life_share == 1, "quoted: the first bound holding 90%% of the frees (100us)");
	s.life[0] = 900;
	s.life[2] = 99;
	rules_apply(&s, 1, &h);
	TAP_OK(h.life_bucket == 0 && fabs(h.life_share - 0.9) < 1e-12, "quoted: 90%% within 1us");
}

static void ranking(void)
{
	struct sites ss;
	memset(&ss, 0, sizeof(ss));
	struct site v[5];
	v[0] = base("small_many", 10000, 8);    /* 80000 B */
	v[1] = base("big_few", 100, 4096);      /* 409600 B */
	v[2] = base("tie_b", 100, 800);         /* 80000 B */
	v[3] = base("tie_a", 100, 800);         /* 80000 B */
	v[4] = base("tiny", 10, 8);             /* 80 B */
	ss.v = v;
	ss.n = 5;
	for (int i = 0; i < 5; i++) {
		ss.objects += v[i].objects;
		ss.bytes += v[i].bytes;
	}
	struct hintset hs;
	hintset_build(&hs, &ss, false, 0.005, 0);
	TAP_OK(hs.all == 5 && hs.n == 4 && hs.below_share == 1, "by bytes: tiny is below 0.5%%");
	TAP_OK(!strcmp(hs.v[0].site->name, "big_few") && !strcmp(hs.v[1].site->name, "small_many") &&
		   !strcmp(hs.v[2].site->name, "tie_a") && !strcmp(hs.v[3].site->name, "tie_b"),
	       "by bytes, then objects, then name");
	TAP_OK(hs.bytes == 409600 + 3 * 80000 && hs.rest_bytes == 80, "totals of the shown and the rest");
	hintset_release(&hs);
	hintset_build(&hs, &ss, true, 0, 2);
	TAP_OK(hs.n == 2 && hs.below_share == 0 && !strcmp(hs.v[0].site->name, "small_many") &&
		   !strcmp(hs.v[1].site->name, "big_few"),
	       "by objects, -n 2");
	hintset_release(&hs);
}

int main(void)
{
	scratch();
	concurrency();
	pools();
	reserve();
	lifetimes();
	ranking();
	return tap_done();
}

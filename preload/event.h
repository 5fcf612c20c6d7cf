/* event: the fixed layout of what a program thread hands the collector
 * through its ring. Frames follow the header; a record is a multiple of 8.
 * Every record opens with len and kind (the ring reads only those). */
#ifndef ALLOCPROF_EVENT_H
#define ALLOCPROF_EVENT_H

#include <stdint.h>

enum event_kind {
	EVENT_PAD = 1,   /* filler up to the end of the ring */
	EVENT_ALLOC = 2, /* a sampled allocation */
	EVENT_FREE = 3,  /* a sampled block was freed (or realloc'ed away) */
	EVENT_FREE_SHORT = 4, /* exact mode's free: a struct event_free */
	EVENT_ALLOC_SHORT = 5, /* exact mode's allocation of a stack sent before: a struct event_alloc */
};

enum event_flags {
	EVENT_TRUNCATED = 1, /* the stack was deeper than ALLOCPROF_DEPTH */
	EVENT_REALLOC = 2,   /* ALLOC made by realloc / FREE caused by realloc */
};

/* In exact mode a free carries only addr, free_time, free_tid, free_pc and
 * flags: what the block was is the collector's to look up. It goes as a
 * struct event_free below, or as a full EVENT_FREE when it also carries an
 * RSS reading. */
struct event {
	uint32_t len;        /* bytes of this record, frames included */
	uint16_t kind;
	uint16_t flags;
	uint32_t nframes;    /* ALLOC: frames that follow; 0 = stack sent earlier in this ring */
	uint32_t tid;        /* thread that allocated */
	uint64_t addr;       /* the block (exact mode: the collector tracks it by this) */
	uint64_t size;       /* bytes the program asked for */
	uint64_t stack_hash; /* names the stack; the collector interns by it */
	uint64_t alloc_time; /* event clock (evclock_now) after the real malloc */
	uint64_t free_time;  /* FREE: capture clock before the real free */
	union {
		uint32_t free_tid;  /* FREE: thread that freed */
		uint32_t label_set; /* ALLOC: the thread's label set (labels.h) */
	};
	uint32_t realloc_depth; /* how many reallocs moved this block so far */
	uint64_t free_pc;    /* FREE: return address of free's caller, or 0 */
	uint64_t rss;        /* the process's RSS in bytes when this event was made, or 0 */
	uint64_t frames[];   /* return addresses, leaf first */
};

_Static_assert(sizeof(struct event) == 80, "event header layout is fixed");

/* EVENT_FREE_SHORT: exact mode's free in 32 bytes instead of 80 (less of
 * the ring to write and read per block). The freeing thread is the ring's
 * owner (ring_owner_tid): a ring holds one thread's events at a time. */
struct event_free {
	uint32_t len;       /* sizeof(struct event_free) */
	uint16_t kind;      /* EVENT_FREE_SHORT */
	uint16_t flags;
	uint64_t addr;      /* the block */
	uint64_t free_time; /* capture clock before the real free */
	uint64_t free_pc;   /* return address of free's caller, or 0 */
};

_Static_assert(sizeof(struct event_free) == 32, "short free layout is fixed");

/* EVENT_ALLOC_SHORT: exact mode's allocation in 48 bytes instead of 80,
 * when its ring carried the stack's frames before and it carries no RSS
 * reading (most of them). Its fields are struct event's first 48 bytes but
 * for label_set, which takes nframes' place (always 0 here): the collector
 * reads it as a struct event up to alloc_time. */
struct event_alloc {
	uint32_t len;        /* sizeof(struct event_alloc) */
	uint16_t kind;       /* EVENT_ALLOC_SHORT */
	uint16_t flags;
	uint32_t label_set;  /* the thread's label set (labels.h) */
	uint32_t tid;        /* thread that allocated */
	uint64_t addr;
	uint64_t size;
	uint64_t stack_hash;
	uint64_t alloc_time;
};

_Static_assert(sizeof(struct event_alloc) == 48, "short allocation layout is fixed");
_Static_assert(__builtin_offsetof(struct event_alloc, tid) == __builtin_offsetof(struct event, tid) &&
		       __builtin_offsetof(struct event_alloc, addr) == __builtin_offsetof(struct event, addr) &&
		       __builtin_offsetof(struct event_alloc, size) == __builtin_offsetof(struct event, size) &&
		       __builtin_offsetof(struct event_alloc, stack_hash) ==
			       __builtin_offsetof(struct event, stack_hash) &&
		       __builtin_offsetof(struct event_alloc, alloc_time) ==
			       __builtin_offsetof(struct event, alloc_time),
	       "a short allocation reads as a struct event up to alloc_time");

#endif

/* maptab: every executable mapping the process has had, with its build ID,
 * kept after the mapping goes away (dlclose) so old frames still resolve.
 * Collector-owned: call with the collector lock held. */
#ifndef ALLOCPROF_MAPTAB_H
#define ALLOCPROF_MAPTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct known_map {
	uint64_t start, end, offset;
	const char *path;      /* as /proc/self/maps names it */
	char build_id[2 * 64 + 1]; /* hex, "" if none */
	bool alive;            /* present at the last refresh */
	bool is_main;          /* the program's executable */
	uint32_t profile_index;/* scratch for the dump */
};

/* Re-reads /proc/self/maps, adding new executable mappings. 0 or -errno. */
int maptab_refresh(void);
/* The mapping holding pc (live ones first), or NULL. */
struct known_map *maptab_find(uint64_t pc);
size_t maptab_count(void);
struct known_map *maptab_at(size_t i);

#endif

/* maptab: a small array (tens of entries) searched linearly; refreshed at
 * each dump and before each dlclose. */
#include "maptab.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../src/buildid.h"
#include "../src/mem.h"
#include "../src/procmaps.h"

static struct known_map *maps;
static size_t nmaps, cap_maps;
static char exe_path[4096];

static char *copy_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = mem_alloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

int maptab_refresh(void)
{
	if (!exe_path[0]) {
		ssize_t n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
		exe_path[n > 0 ? n : 0] = 0;
	}
	struct procmaps pm;
	int rc = procmaps_read(0, &pm);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < nmaps; i++)
		maps[i].alive = false;
	for (size_t i = 0; i < pm.n; i++) {
		const struct procmap_entry *e = &pm.e[i];
		if (!e->executable || !e->path[0])
			continue;
		/* a file deleted since it was mapped: the kernel appends this */
		char path[4096];
		size_t n = strlen(e->path);
		if (n >= sizeof(path))
			continue;
		memcpy(path, e->path, n + 1);
		if (n > 10 && !strcmp(path + n - 10, " (deleted)"))
			path[n - 10] = 0;
		struct known_map *k = NULL;
		for (size_t j = 0; j < nmaps; j++) {
			if (maps[j].start == e->start && maps[j].end == e->end &&
			    maps[j].offset == e->offset && !strcmp(maps[j].path, path)) {
				k = &maps[j];
				break;
			}
		}
		if (!k) {
			if (MEM_GROW(maps, cap_maps, nmaps + 1) < 0)
				break;
			k = &maps[nmaps];
			memset(k, 0, sizeof(*k));
			k->path = copy_str(path);
			if (!k->path)
				break;
			k->start = e->start;
			k->end = e->end;
			k->offset = e->offset;
			k->is_main = !strcmp(path, exe_path) || !strcmp(e->path, exe_path);
			if (path[0] == '/') {
				/* the mapped file itself when we may open it (a binary
				 * rebuilt since it was loaded has another ID on disk) */
				char live[64];
				uint8_t id[BUILDID_MAX];
				snprintf(live, sizeof(live), "/proc/self/map_files/%llx-%llx",
					 (unsigned long long)e->start, (unsigned long long)e->end);
				int idn = buildid_read_path(live, id, sizeof(id));
				if (idn <= 0)
					idn = buildid_read_path(path, id, sizeof(id));
				if (idn > 0)
					buildid_hex(id, (size_t)idn, k->build_id);
			}
			nmaps++;
		}
		k->alive = true;
	}
	procmaps_release(&pm);
	return 0;
}

struct known_map *maptab_find(uint64_t pc)
{
	struct known_map *dead = NULL;
	for (size_t i = 0; i < nmaps; i++) {
		if (pc >= maps[i].start && pc < maps[i].end) {
			if (maps[i].alive)
				return &maps[i];
			if (!dead)
				dead = &maps[i];
		}
	}
	return dead;
}

size_t maptab_count(void)
{
	return nmaps;
}

struct known_map *maptab_at(size_t i)
{
	return &maps[i];
}

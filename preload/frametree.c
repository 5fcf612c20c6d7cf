/* frametree: nodes in two parallel arrays (return address, parent) and an
 * open-addressing table of node ids hashed by (parent, address) that holds
 * no keys of its own, only a byte of each node's hash beside its id: a probe
 * reads the node only when that byte matches. 12 bytes per node and 6 to 14
 * of table, against 8 per frame per stack for a flat pool. */
#include "frametree.h"
#include "collector.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"

static COLLECTOR_OWNED uint64_t *ips;     /* ips[0], parents[0]: the root */
static COLLECTOR_OWNED uint32_t *parents;
static COLLECTOR_OWNED size_t nnodes = 1, cap_ips, cap_parents;
static COLLECTOR_OWNED uint32_t *slots;   /* node ids; 0 (the root, never a child) is empty */
/* the top byte of the hash of slots[i]'s node: the nodes are scattered over
 * megabytes, and a new node's probe used to read one for every full slot it
 * passed */
static COLLECTOR_OWNED uint8_t *tags;
static COLLECTOR_OWNED size_t cap_slots;

static uint64_t node_hash(uint32_t parent, uint64_t ip)
{
	return hash_mix64(ip ^ (uint64_t)parent << 40 ^ parent);
}

static int grow_table(void)
{
	size_t ncap = cap_slots ? cap_slots * 2 : 1024;
	uint32_t *n = mem_calloc(ncap, sizeof(*n));
	uint8_t *t = mem_calloc(ncap, sizeof(*t));
	if (!n || !t) {
		if (n)
			mem_free(n, ncap * sizeof(*n));
		if (t)
			mem_free(t, ncap * sizeof(*t));
		return -1;
	}
	for (uint32_t id = 1; id < nnodes; id++) {
		uint64_t h = node_hash(parents[id], ips[id]);
		size_t i = h & (ncap - 1);
		while (n[i])
			i = (i + 1) & (ncap - 1);
		n[i] = id;
		t[i] = (uint8_t)(h >> 56);
	}
	mem_free(slots, cap_slots * sizeof(*slots));
	mem_free(tags, cap_slots * sizeof(*tags));
	slots = n;
	tags = t;
	cap_slots = ncap;
	return 0;
}

static uint32_t child(uint32_t parent, uint64_t ip)
{
	if (!cap_slots && grow_table() < 0)
		return FRAMETREE_NONE;
	uint64_t h = node_hash(parent, ip);
	uint8_t tag = (uint8_t)(h >> 56);
	size_t i = h & (cap_slots - 1);
	for (; slots[i]; i = (i + 1) & (cap_slots - 1))
		if (tags[i] == tag && ips[slots[i]] == ip && parents[slots[i]] == parent)
			return slots[i];
	if (nnodes >= FRAMETREE_NONE - 1 || MEM_GROW(ips, cap_ips, nnodes + 1) < 0 ||
	    MEM_GROW(parents, cap_parents, nnodes + 1) < 0)
		return FRAMETREE_NONE;
	uint32_t id = (uint32_t)nnodes++;
	ips[id] = ip;
	parents[id] = parent;
	slots[i] = id;
	tags[i] = tag;
	/* at 3/4 load: probes stay within a cache line or two */
	if (nnodes * 4 > cap_slots * 3 && grow_table() < 0) {
		nnodes--;
		slots[i] = 0;
		return FRAMETREE_NONE;
	}
	return id;
}

/* The path of the last stack interned, outermost first: the next one
 * shares most of it (siblings in the program's call tree come together),
 * and that part costs a compare per frame instead of a table probe. */
enum { PATH_MAX_FRAMES = 1025 };
static COLLECTOR_OWNED uint64_t path_ips[PATH_MAX_FRAMES];
static COLLECTOR_OWNED uint32_t path_nodes[PATH_MAX_FRAMES];
static COLLECTOR_OWNED uint32_t path_len;

uint32_t frametree_intern(const uint64_t *frames, uint32_t n)
{
	uint32_t node = FRAMETREE_ROOT, d = 0;
	for (; d < n && d < path_len && path_ips[d] == frames[n - 1 - d]; d++)
		node = path_nodes[d];
	path_len = d;
	for (; d < n && node != FRAMETREE_NONE; d++) {
		node = child(node, frames[n - 1 - d]);
		if (d < PATH_MAX_FRAMES && node != FRAMETREE_NONE) {
			path_ips[d] = frames[n - 1 - d];
			path_nodes[d] = node;
			path_len = d + 1;
		}
	}
	return node;
}

uint32_t frametree_frames(uint32_t node, uint64_t *out, uint32_t max)
{
	uint32_t n = 0;
	for (; node != FRAMETREE_ROOT && n < max; node = parents[node])
		out[n++] = ips[node];
	return n;
}

size_t frametree_count(void)
{
	return nnodes - 1;
}

size_t frametree_memory(void)
{
	return cap_ips * sizeof(*ips) + cap_parents * sizeof(*parents) +
	       cap_slots * (sizeof(*slots) + sizeof(*tags));
}

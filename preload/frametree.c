/* frametree: each node one 64-bit key, its parent's id and the id of its
 * return address (addresses are few: each is stored once, in a table of
 * its own); an open-addressing table of node ids hashed by key holds no
 * keys of its own, only a byte of each node's hash beside its id, and reads
 * a node only when that byte matches. 8 bytes per node and 6 to 14 of
 * table, against 8 per frame per stack for a flat pool. */
#include "frametree.h"
#include "collector.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"

/* keys[0]: the root. A node's key is parent << 32 | address id. */
static COLLECTOR_OWNED uint64_t *keys;
static COLLECTOR_OWNED size_t nnodes = 1, cap_keys;
static COLLECTOR_OWNED uint32_t *slots;   /* node ids; 0 (the root, never a child) is empty */
/* the top byte of the hash of slots[i]'s node: the nodes are scattered over
 * megabytes, and a new node's probe used to read one for every full slot it
 * passed */
static COLLECTOR_OWNED uint8_t *tags;
static COLLECTOR_OWNED size_t cap_slots;

/* The distinct return addresses by id, and their index: address id + 1,
 * 0 empty. */
static COLLECTOR_OWNED uint64_t *addrs;
static COLLECTOR_OWNED size_t naddrs, cap_addrs;
static COLLECTOR_OWNED uint32_t *addr_slots;
static COLLECTOR_OWNED size_t cap_addr_slots;

static uint32_t key_parent(uint64_t key)
{
	return (uint32_t)(key >> 32);
}

static uint64_t node_key(uint32_t parent, uint32_t addr)
{
	return (uint64_t)parent << 32 | addr;
}

/* A multiply, inline: the addresses of one program differ in their low
 * bits, which the product carries up into the bits taken. */
static size_t addr_slot(uint64_t ip, size_t cap)
{
	return (size_t)((ip * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static int grow_addr_index(void)
{
	size_t ncap = cap_addr_slots ? cap_addr_slots * 2 : 1024;
	uint32_t *n = mem_calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	for (size_t a = 0; a < naddrs; a++) {
		size_t i = addr_slot(addrs[a], ncap);
		while (n[i])
			i = (i + 1) & (ncap - 1);
		n[i] = (uint32_t)a + 1;
	}
	mem_free(addr_slots, cap_addr_slots * sizeof(*addr_slots));
	addr_slots = n;
	cap_addr_slots = ncap;
	return 0;
}

/* The id of return address ip, added if new; FRAMETREE_NONE when out of
 * memory. */
static uint32_t addr_id(uint64_t ip)
{
	if ((naddrs + 1) * 4 > cap_addr_slots * 3 && grow_addr_index() < 0)
		return FRAMETREE_NONE;
	size_t i = addr_slot(ip, cap_addr_slots);
	for (uint32_t a; (a = addr_slots[i]); i = (i + 1) & (cap_addr_slots - 1))
		if (addrs[a - 1] == ip)
			return a - 1;
	if (naddrs >= FRAMETREE_NONE - 1 || MEM_GROW(addrs, cap_addrs, naddrs + 1) < 0)
		return FRAMETREE_NONE;
	addrs[naddrs] = ip;
	addr_slots[i] = (uint32_t)++naddrs;
	return (uint32_t)naddrs - 1;
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
		uint64_t h = hash_mix64(keys[id]);
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
	uint32_t addr = addr_id(ip);
	if (addr == FRAMETREE_NONE)
		return FRAMETREE_NONE;
	uint64_t key = node_key(parent, addr);
	uint64_t h = hash_mix64(key);
	uint8_t tag = (uint8_t)(h >> 56);
	size_t i = h & (cap_slots - 1);
	for (; slots[i]; i = (i + 1) & (cap_slots - 1))
		if (tags[i] == tag && keys[slots[i]] == key)
			return slots[i];
	if (nnodes >= FRAMETREE_NONE - 1 || MEM_GROW(keys, cap_keys, nnodes + 1) < 0)
		return FRAMETREE_NONE;
	uint32_t id = (uint32_t)nnodes++;
	keys[id] = key;
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
	for (; node != FRAMETREE_ROOT && n < max; node = key_parent(keys[node]))
		out[n++] = addrs[(uint32_t)keys[node]];
	return n;
}

uint32_t frametree_parent(uint32_t node, uint64_t *ip)
{
	*ip = addrs[(uint32_t)keys[node]];
	return key_parent(keys[node]);
}

size_t frametree_count(void)
{
	return nnodes - 1;
}

size_t frametree_memory(void)
{
	return cap_keys * sizeof(*keys) + cap_slots * (sizeof(*slots) + sizeof(*tags)) +
	       cap_addrs * sizeof(*addrs) + cap_addr_slots * sizeof(*addr_slots);
}

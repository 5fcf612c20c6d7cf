/* frametree: the collector's stacks as a prefix tree of frames, rooted at
 * the outermost caller. A stack is the id of its innermost node, each node
 * a (parent, return address) pair stored once, so memory grows with the
 * distinct call paths, not with stacks times depth. Collector lock held. */
#ifndef ALLOCPROF_FRAMETREE_H
#define ALLOCPROF_FRAMETREE_H

#include <stddef.h>
#include <stdint.h>

/* The root: the empty stack. Node ids are never FRAMETREE_NONE. */
enum { FRAMETREE_ROOT = 0 };
#define FRAMETREE_NONE UINT32_MAX

/* The node of frames[0..n) (leaf first), added with any prefixes that are
 * new. FRAMETREE_NONE when out of memory. */
uint32_t frametree_intern(const uint64_t *frames, uint32_t n);
/* The frames of node, leaf first, into out[0..max); returns how many. */
uint32_t frametree_frames(uint32_t node, uint64_t *out, uint32_t max);
/* The parent of node (not the root), and node's return address in *ip:
 * one step of frametree_frames, for a reader that stops part way up. A
 * node's id is above its parent's. */
uint32_t frametree_parent(uint32_t node, uint64_t *ip);
/* Nodes besides the root. */
size_t frametree_count(void);
size_t frametree_memory(void);

#endif

#!/bin/sh
# What happens to blocks after allocation, per site, at rate 1: lifetimes by
# decade, frees by the same thread and function, realloc chains; and the
# short_lived_* sample types.
. "$(dirname "$0")/lib.sh"

d="$WORK/life"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/lifetimes")
prof=$(profile_of "$d")
# names: from the shim itself, or from go tool pprof (which keeps labels)
SHIM_SYMBOLIZES=0
if "$PFQ" --mappings "$prof" | head -1 | grep -q ' F'; then
	SHIM_SYMBOLIZES=1
	"$PFQ" --labels "$prof" > "$d/l.txt"
else
	go tool pprof -proto "$prof" > "$d/sym.pb.gz" 2>/dev/null
	"$PFQ" --labels "$d/sym.pb.gz" > "$d/l.txt"
fi

# label KEY SITE: the label's value summed over samples whose leaf is SITE
label() {
	awk -F'\t' -v key="$1" -v fn="$2" '{ split($2, fr, ";"); split(fr[1], a, "@"); sub(/\(.*$/, "", a[1]);
		if (a[1] != fn) next; n = split($3, ls, ",");
		for (i = 1; i <= n; i++) { split(ls[i], kv, "="); if (kv[1] == key) s += kv[2] } }
		END { print s + 0 }' "$d/l.txt"
}

check "immediate_site: freed" "$(label freed immediate_site)" "1000"
check "immediate_site: by the same thread" "$(label freed_same_thread immediate_site)" "1000"
# "the same function" is decided when the shim symbolizes at dump time
if [ $SHIM_SYMBOLIZES = 1 ]; then
	check "immediate_site: by the same function" "$(label freed_same_function immediate_site)" "1000"
	check "handed_site: not by the function that allocated" "$(label freed_same_function handed_site)" "0"
	if grep -q 'freed_at="free_handed' "$d/l.txt"; then ok "handed_site: freed_at names the freeing function"; else not_ok "freed_at label"; fi
fi
# How long a life lasts is the scheduler's to decide (a busy machine can
# stretch any of them), so no bucket is asked to hold a share: each freed
# block is counted in exactly one bucket, and the short-lived figures are
# the blocks of the buckets up to the threshold (1 ms, lifetime_le_1ms)
buckets() { # SITE: the nine lifetime buckets, 1 us first
	for b in le_1us le_10us le_100us le_1ms le_10ms le_100ms le_1s le_10s gt_10s; do
		label "lifetime_$b" "$1"
	done | tr '\n' ' ' | sed 's/ $//'
}
life=$(buckets immediate_site)
check "immediate_site: every life in one bucket ($life)" "$(echo "$life" | awk '{ print $1 + $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }')" "1000"
short=$(echo "$life" | awk '{ print $1 + $2 + $3 + $4 }')
check "immediate_site: objects, bytes; short-lived objects, bytes" "$(leaf immediate_site < "$d/l.txt" | cut -d' ' -f1,2) $(awk -F'\t' '$2 ~ /^immediate_site@/ { split($1, v, " "); o += v[5]; b += v[6] } END { print o " " b }' "$d/l.txt")" "1000 48000 $short $((short * 48))"
check "kept_site: never freed" "$(label freed kept_site)" "0"
check "immediate_site: one size" "$(label size_min immediate_site) $(label size_max immediate_site)" "48 48"
check "grow_step: sizes from 32 B to 64 KiB" "$(label size_min grow_step) $(label size_max grow_step)" "32 65536"
check "handed_site: freed by another thread" "$(label freed handed_site) $(label freed_same_thread handed_site)" "100 0"
# that thread's first calls were frees: its own blocks are still its own
check "after_handed_site: freed by the thread that made them" \
	"$(label freed after_handed_site) $(label freed_same_thread after_handed_site)" "50 50"
# usleep(20000) guarantees at least 20 ms; a busy machine may make it far
# longer, so only the lower bound is asserted
check "slow_site: 5 lives longer than 10 ms" "$(($(label lifetime_le_100ms slow_site) + $(label lifetime_le_1s slow_site) + $(label lifetime_le_10s slow_site) + $(label lifetime_gt_10s slow_site)))" "5"
check "slow_site: not short-lived (threshold 1 ms)" "$(awk -F'\t' '$2 ~ /^slow_site@/ { split($1, v, " "); o += v[5] } END { print o + 0 }' "$d/l.txt")" "0"
check "grow_step: 5 chains" "$(label realloc_chains grow_step)" "5"
check "grow_step: 12 moves each" "$(label realloc_chain_moves grow_step)" "60"
check "grow_step: to 64 KiB each" "$(label realloc_chain_bytes grow_step)" "327680"
check "grow_step: blocks moved on by a later realloc" "$(label realloc_moved grow_step)" "55"
check "grow_start: its block moved by realloc" "$(label realloc_moved grow_start)" "5"

# ALLOCPROF_SHORT_NS moves the threshold: at 60 s the slow blocks (20 ms,
# or whatever a busy machine makes of it) count
d="$WORK/short"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SHORT_NS=60000000000 "$PROGS/lifetimes")
samples "$(profile_of "$d")" > "$d/s.txt"
check "ALLOCPROF_SHORT_NS=60s: slow_site short-lived" "$(awk -F'\t' '$2 ~ /^slow_site@/ { split($1, v, " "); o += v[5] } END { print o + 0 }' "$d/s.txt")" "5"
check "ALLOCPROF_SHORT_NS=60s: immediate_site short-lived" "$(awk -F'\t' '$2 ~ /^immediate_site@/ { split($1, v, " "); o += v[5] } END { print o + 0 }' "$d/s.txt")" "1000"

# go tool pprof takes the new sample types and labels
go tool pprof -sample_index=short_lived_objects -top "$prof" > "$d/top.txt" 2>&1
if grep -q "Type: short_lived_objects" "$d/top.txt"; then ok "go tool pprof -sample_index=short_lived_objects"; else not_ok "pprof: $(head -3 "$d/top.txt")"; fi
go tool pprof -tags "$prof" > "$d/tags.txt" 2>&1
if grep -q "freed_same_thread" "$d/tags.txt"; then ok "go tool pprof -tags lists the lifetime labels"; else not_ok "pprof -tags: $(head -3 "$d/tags.txt")"; fi

# the timeline travels with the profile
"$PFQ" --timeline "$prof" > "$d/tl.txt"
n=$(grep -c '^inuse ' "$d/tl.txt")
max=$(awk '$1 == "inuse" && $3 > m { m = $3 } END { print m + 0 }' "$d/tl.txt")
if [ "$n" -ge 5 ] && [ "$max" -ge 65536 ]; then ok "timeline: $n in-use points, max $max bytes"; else not_ok "timeline: $n points, max $max"; fi
if grep -q '^rss ' "$d/tl.txt"; then ok "timeline: RSS points"; else not_ok "timeline: no RSS"; fi

# a fork child frees blocks its parent's thread made: another thread (the
# child's thread has its own tid, its frees their own ring)
d="$WORK/fork"
mkdir "$d"
child=$(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/lifetimes" fork)
for who in parent child; do
	if [ $who = child ]; then f=$(ls "$d"/*."$child".pb.gz); else f=$(ls "$d"/*.pb.gz | grep -v "\.$child\.pb\.gz\$" | grep -v peak); fi
	if "$PFQ" --mappings "$f" | head -1 | grep -q ' F'; then "$PFQ" --labels "$f"; else
		go tool pprof -proto "$f" > "$d/$who.sym.pb.gz" 2>/dev/null; "$PFQ" --labels "$d/$who.sym.pb.gz"; fi > "$d/l.$who.txt"
done
cp "$d/l.child.txt" "$d/l.txt"
check "fork child: forked_site freed, none by the allocating thread" \
	"$(label freed forked_site) $(label freed_same_thread forked_site)" "50 0"
cp "$d/l.parent.txt" "$d/l.txt"
check "fork parent: forked_site freed by the allocating thread" \
	"$(label freed forked_site) $(label freed_same_thread forked_site)" "50 50"

finish

#!/bin/sh
# The collector's per-event state must not share a cache line with what
# every allocation of the program reads: one such line (the address table's
# count beside the unwind cache's entry size) cost exact mode a third of its
# time on a malloc/free churn, each allocation waiting for the line the
# other core had just written. COLLECTOR_OWNED (preload/collector.h) puts
# that state in a section of its own; this reads the shim's symbol table.
. "$(dirname "$0")/lib.sh"

readelf -SW "$SHIM" | sed -n 's/^ *\[ *\([0-9]*\)\] allocprof_collector .*/\1/p' > "$WORK/ndx"
check "the shim has an allocprof_collector section" "$(wc -l < "$WORK/ndx")" "1"
NDX=$(cat "$WORK/ndx")
# name address size section, of the shim's data objects (a link-time
# optimised build names a file's statics NAME.lto_priv.N)
readelf -sW "$SHIM" | awk '$4 == "OBJECT" && $7 ~ /^[0-9]+$/ { sub(/\.lto_priv\.[0-9]+$/, "", $8); print $8, $2, $3, $7 }' |
	sort -u > "$WORK/objects"

# written by the collector on every event (unambiguous names only)
for name in totals snapshot_above open_bucket npending stacktab_last threadlive_last nnodes path_len last_pc last_site \
	fullest_seen evclock_ns_per_tick_ inuse_series; do
	ndx=$(awk -v n="$name" '$1 == n { print $4 }' "$WORK/objects" | sort -u)
	check "$name (the collector's, every event) is in allocprof_collector" "$ndx" "$NDX"
done

# read by the program's threads on every sampled allocation: no line of
# theirs holds a byte of the collector's section
awk -v ndx="$NDX" '
	function hex(s,   i, c, v) { v = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
		return v }
	{ a = hex($2); z = a + ($3 > 0 ? $3 : 1) - 1
	  if ($4 == ndx) { for (l = int(a / 64); l <= int(z / 64); l++) coll[l] = $1 }
	  else { name[NR] = $1; first[NR] = int(a / 64); last[NR] = int(z / 64) } }
	END { for (i in name) for (l = first[i]; l <= last[i]; l++) if (l in coll) print name[i], coll[l] }
' "$WORK/objects" > "$WORK/shared"
for name in entry_bytes own_start own_end real_malloc real_free config evclock_tsc collector_started \
	lookup_fast alloc_max \
	rss_every labels_name_every; do
	found=$(awk -v n="$name" '$1 == n' "$WORK/objects" | wc -l)
	[ "$found" -ge 1 ] || { not_ok "$name is not in the shim's symbol table"; continue; }
	check "$name (read on every allocation) shares no line with the collector's state" \
		"$(awk -v n="$name" '$1 == n { print $2 }' "$WORK/shared" | tr '\n' ' ')" ""
done

# The drain loads the address table's slots of the events a dozen places
# ahead (exact.h): a function that only prefetches looks to gcc like one
# that does nothing, and once it was out of line every call to it went,
# and exact mode's collector stalled on each lookup of a big table.
prefetches=$(objdump -d --no-show-raw-insn "$SHIM" |
	awk '/^[0-9a-f]+ <drain_rings>:/ { f = 1; next } /^[0-9a-f]+ <.*>:/ { f = 0 } f && /prefetch/' | wc -l)
if [ "$prefetches" -ge 2 ]; then
	ok "the drain prefetches address table slots ($prefetches prefetch instructions)"
else
	not_ok "the drain has $prefetches prefetch instructions (2 call sites expected)"
fi
finish

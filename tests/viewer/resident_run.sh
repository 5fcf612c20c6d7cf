#!/bin/sh
# allocprof run and summary on programs whose memory is known: one with
# its own 64 MiB mmap arena gets the warning of unseen allocations, one
# whose memory malloc serves does not, and its summary's table of resident
# memory holds the 100 MiB live, 50 MiB free, 30 MiB mapped it was built with.
. "$(dirname "$0")/lib.sh"
RES="$PROGS/resident"

"$ALLOCPROF" run --rate 64k --seed 7 -o "$WORK/arena.%p.pb.gz" "$RES" arena > /dev/null 2> "$WORK/arena.err"
check "arena: one warning line in run's summary" \
	"$(grep -c '^ *warning: unseen allocations: 6[4-6]\.[0-9]*MB of the RSS is anonymous memory mapped outside malloc' "$WORK/arena.err")" "1"
(cd "$WORK" && "$ALLOCPROF" summary arena.*[0-9].pb.gz) > "$WORK/arena.txt"
check "arena: summary warns too" "$(grep -c '^Warning: unseen allocations: 6[4-6]\.[0-9]*MB' "$WORK/arena.txt")" "1"
(cd "$WORK" && "$ALLOCPROF" summary arena.*.peak.pb.gz) > "$WORK/arena_peak.txt"
check "arena: and so does the peak profile's" "$(grep -c '^Warning: unseen allocations' "$WORK/arena_peak.txt")" "1"

"$ALLOCPROF" run --rate 1 -o "$WORK/heap.%p.pb.gz" "$RES" heap > /dev/null 2> "$WORK/heap.err"
check "heap: no warning" "$(grep -c 'warning: unseen' "$WORK/heap.err" || true)" "0"
(cd "$WORK" && "$ALLOCPROF" summary heap.*[0-9].pb.gz) > "$WORK/heap.txt"
row() { # LABEL: the value of the row, in MB as summary prints it, without the unit
	sed -n "s/^ *\([0-9.]*\)MB .*  $1\$/\1/p" "$WORK/heap.txt"
}
between() { # DESCRIPTION VALUE LOW HIGH
	if [ -n "$2" ] && awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
		ok "$1: $2MB"
	else
		not_ok "$1: '$2' not within $3..$4 MB"
	fi
}
between "live heap" "$(row 'live heap (blocks in use)')" 99 101
between "held free" "$(row 'allocator: held free')" 48 52
between "mapped outside malloc" "$(row 'anonymous, mapped outside malloc')" 30 34
check "at rate 1 the live heap is exact" "$(grep -c '  exact     live heap' "$WORK/heap.txt")" "1"
check "the rows make 100% of the RSS" "$(grep -c '^ *[0-9.]*MB    100%            RSS' "$WORK/heap.txt")" "1"
# the peak profile's in-use figures are of the peak, the breakdown of the end
(cd "$WORK" && "$ALLOCPROF" summary heap.*.peak.pb.gz) > "$WORK/peak.txt"
check "no table in the peak profile's summary" "$(grep -c 'Resident memory' "$WORK/peak.txt" || true)" "0"
finish

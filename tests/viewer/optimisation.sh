#!/bin/sh
# The classic optimisation end to end: a server loop that allocates a
# request object per call (request_before) and one that reuses it
# (request_after), run under the shim at rate 1, directly and through
# allocprof run. allocprof diff shows the removed site with the exact
# negative count and nothing for the sites that did not change.
. "$(dirname "$0")/lib.sh"
N=10000

# row FILE NAME: the flat column of the row named NAME in a top/diff table
row() { awk -v n="$2" '$NF == n && $1 ~ /^-?[0-9]/ { print $1; exit }' "$1"; }

check_pair() { # check_pair HOW BEFORE AFTER
	how=$1 b=$(symbolized "$2") a=$(symbolized "$3")
	"$ALLOCPROF" top -sample_index=alloc_objects -nodefraction=0 "$b" > "$WORK/top_b"
	check "$how: before, new_request objects" "$(row "$WORK/top_b" new_request)" "$N"
	check "$how: before, read_body objects" "$(row "$WORK/top_b" read_body)" "$N"
	"$ALLOCPROF" top -sample_index=alloc_objects -nodefraction=0 "$a" > "$WORK/top_a"
	check "$how: after, new_request objects" "$(row "$WORK/top_a" new_request)" 1
	"$ALLOCPROF" diff -sample_index=alloc_objects "$b" "$a" > "$WORK/diff"
	check "$how: diff, new_request" "$(row "$WORK/diff" new_request)" "-$((N - 1))"
	check "$how: diff, read_body is absent" "$(grep -c ' read_body$' "$WORK/diff")" 0
	check "$how: diff, handle is absent" "$(grep -c ' handle$' "$WORK/diff")" 0
	check "$how: diff totals, alloc_objects delta" \
		"$(awk '$1 == "alloc_objects" { print $4 }' "$WORK/diff")" "-$((N - 1))"
	"$ALLOCPROF" diff -sample_index=alloc_space --by line "$b" "$a" > "$WORK/diff_lines"
	check "$how: diff by line, the removed line" \
		"$(awk 'NF > 2 && $(NF-1) == "new_request" { print $NF; exit }' "$WORK/diff_lines" | sed 's/.*://')" 22
	"$ALLOCPROF" diff -o "$WORK/d.pb.gz" "$b" "$a" > /dev/null
	"$ALLOCPROF" traces -sample_index=alloc_space "$WORK/d.pb.gz" > "$WORK/traces"
	# 9999 requests of 256 bytes: 2559744 bytes, 2.44MB in pprof's units
	check "$how: diff profile, the bytes of the removed requests" \
		"$(awk '$2 == "new_request" { print $1 }' "$WORK/traces" | sort | tr '\n' ' ')" "-2.44MB 256B "
}

mkdir "$WORK/direct"
(cd "$WORK/direct" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT=before.pb.gz \
	"$BUILD/tests/viewer/request_before" $N > /dev/null)
(cd "$WORK/direct" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT=after.pb.gz \
	"$BUILD/tests/viewer/request_after" $N > /dev/null)
check_pair "LD_PRELOAD" "$WORK/direct/before.pb.gz" "$WORK/direct/after.pb.gz"

mkdir "$WORK/run"
"$ALLOCPROF" run --rate 1 --output "$WORK/run/before.pb.gz" "$BUILD/tests/viewer/request_before" $N \
	> /dev/null 2> "$WORK/run/before.err"
"$ALLOCPROF" run --rate 1 --output "$WORK/run/after.pb.gz" "$BUILD/tests/viewer/request_after" $N \
	> /dev/null 2> "$WORK/run/after.err"
grep -q "^allocprof: wrote $WORK/run/before.pb.gz (pid [0-9]*)" "$WORK/run/before.err" &&
	ok "allocprof run names the profile" || not_ok "allocprof run names the profile: $(cat "$WORK/run/before.err")"
check_pair "allocprof run" "$WORK/run/before.pb.gz" "$WORK/run/after.pb.gz"

finish

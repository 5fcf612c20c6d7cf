#!/bin/sh
# Profiles written now by the shim (the test programs at rate 1, and a
# sampled run at the default rate with a fixed seed) read by allocprof and
# by go tool pprof: the same output. At rate 1 the counts are exact.
. "$(dirname "$0")/lib.sh"

if ! have_go; then
	echo "1..0 # SKIP go is not installed"
	exit 0
fi

profile() { # profile NAME [VAR=VALUE...] PROGRAM ARGS...
	name=$1
	shift
	mkdir "$WORK/$name"
	(cd "$WORK/$name" && env LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/$name/p.pb.gz" "$@" > /dev/null)
	symbolized "$WORK/$name/p.pb.gz"
}

compare() { # compare DESCRIPTION PROFILE -CMD ARGS...
	what=$1 prof=$2
	shift 2
	cmd=${1#-}
	shift
	"$ALLOCPROF" "$cmd" "$@" "$prof" > "$WORK/a.txt" 2> /dev/null || true
	gopprof "-$cmd" "$@" "$prof" > "$WORK/b.txt" 2> /dev/null || true
	same "$what" "$WORK/a.txt" "$WORK/b.txt"
}

ks=$(profile ks ALLOCPROF_RATE=1 "$PROGS/known_sites")
cxx=$(profile cxx ALLOCPROF_RATE=1 "$PROGS/known_sites_cxx")
thr=$(profile threads ALLOCPROF_RATE=1 "$PROGS/threads" 4 2000)
smp=$(profile sampled ALLOCPROF_SEED=3 "$PROGS/big_workload" 64)

for p in "known_sites:$ks" "known_sites_cxx:$cxx" "threads:$thr" "big_workload:$smp"; do
	name=${p%%:*} f=${p#*:}
	for t in alloc_objects alloc_space inuse_objects inuse_space; do
		compare "$name top -sample_index=$t" "$f" -top -sample_index=$t
	done
	compare "$name top -lines" "$f" -top -lines
	compare "$name top -cum -nodecount=10" "$f" -top -cum -nodecount=10
	compare "$name peek ." "$f" -peek .
	compare "$name traces" "$f" -traces
done

# exact counts at rate 1, as the program makes them
row() { awk -v n="$2" '$NF == n && $1 ~ /^[0-9]/ { print $1; exit }' "$1"; }
"$ALLOCPROF" top -sample_index=alloc_objects -nodefraction=0 "$ks" > "$WORK/ks.txt"
check "site_small objects" "$(row "$WORK/ks.txt" site_small)" 1000
check "site_calloc objects" "$(row "$WORK/ks.txt" site_calloc)" 20
check "site_leak objects" "$(row "$WORK/ks.txt" site_leak)" 4
"$ALLOCPROF" top -sample_index=inuse_objects "$ks" > "$WORK/ks_inuse.txt"
check "in use: site_leak" "$(row "$WORK/ks_inuse.txt" site_leak)" 4
"$ALLOCPROF" top -sample_index=alloc_objects --by line -nodefraction=0 "$ks" > "$WORK/ks_lines.txt"
check "known_sites.c:9 objects" \
	"$(awk '$NF ~ /known_sites\.c:9$/ { print $1 }' "$WORK/ks_lines.txt")" 1000
"$ALLOCPROF" top -sample_index=alloc_objects -nodefraction=0 "$thr" > "$WORK/thr.txt"
check "threads: thread_site objects" "$(row "$WORK/thr.txt" thread_site)" 8000
"$ALLOCPROF" list -sample_index=alloc_objects site_small --source-path "$SRC/tests/programs" "$ks" > "$WORK/list.txt"
grep -q '^ *1000 *1000 *9:	return malloc(16);$' "$WORK/list.txt" && ok "list site_small: line 9, 1000" ||
	not_ok "list site_small: $(cat "$WORK/list.txt")"

finish

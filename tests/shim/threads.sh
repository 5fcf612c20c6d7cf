#!/bin/sh
# Threads at rate 1: allocations in many threads, blocks freed by another
# thread, blocks outliving their thread. Every count exact, nothing dropped.
. "$(dirname "$0")/lib.sh"

run_threads() { # NTHREADS PER_THREAD
	d="$WORK/t$1"
	mkdir "$d"
	(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/threads" "$1" "$2" > out.txt)
	prof=$(profile_of "$d")
	samples "$prof" > "$d/s.txt"
	n=$(($1 * $2))
	check "$1 threads: thread_site" "$(leaf thread_site < "$d/s.txt")" "$n $((n * 48)) 0 0"
	check "$1 threads: handoff_site (freed by main)" "$(leaf handoff_site < "$d/s.txt")" "$n $((n * 64)) 0 0"
	check "$1 threads: kept_site (outlives its thread)" "$(leaf kept_site < "$d/s.txt")" "$1 $(($1 * 80)) $1 $(($1 * 80))"
	check "$1 threads: no drops" "$("$PFQ" --comments "$prof" | grep '^dropped:')" "dropped: 0"
}

run_threads 4 2000
run_threads 32 3000
# thousands of short-lived threads: rings of dead threads are reused
run_threads 2000 10
# 32 threads for 2 s at full speed, each freeing what the others allocated:
# at rate 1 what is in use at exit is exactly what the slots still hold
d="$WORK/churn"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$PROGS/churn" 32 2 > out.txt)
held=$(cut -d' ' -f2 "$d/out.txt")
prof=$(profile_of "$d")
samples "$prof" > "$d/s.txt"
inuse=$(awk -F'\t' '$2 ~ /churn_(small|medium|big)@/ { split($1, v, " "); s += v[3] } END { print s + 0 }' "$d/s.txt")
check "churn: in use at exit equals the blocks still held" "$inuse" "$held"
check "churn: no drops" "$("$PFQ" --comments "$prof" | grep '^dropped:')" "dropped: 0"
allocs=$(awk -F'\t' '$2 ~ /churn_(small|medium|big)@/ { split($1, v, " "); s += v[1] } END { print s + 0 }' "$d/s.txt")
echo "# churn: $allocs allocations recorded by 32 threads in 2 s"
# one thread at full speed for 1 s: the collector keeps pace by polling; a
# producer wakes it only when its ring is really 3/4 full (a stale view of
# the ring's tail once woke it ~20000 times here, a system call each)
d="$WORK/pace"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$PROGS/churn" 1 1 > out.txt)
wakes=$("$PFQ" --comments "$(profile_of "$d")" | sed -n 's/^collector woken by a filling ring: //p')
if [ -n "$wakes" ] && [ "$wakes" -le 100 ]; then
	ok "one busy thread: the collector was woken $wakes times (<= 100)"
else
	not_ok "one busy thread: the collector was woken '$wakes' times (> 100)"
fi
finish

#!/bin/sh
# The profile is written however the program ends: returning from main while
# another thread allocates, and exit() from a second thread.
. "$(dirname "$0")/lib.sh"

for mode in return thread-exit; do
	d="$WORK/$mode"
	mkdir "$d"
	status=0
	(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/exit_paths" "$mode") || status=$?
	want=0
	[ "$mode" = thread-exit ] && want=3
	check "$mode: exit status passes through" "$status" "$want"
	prof=$(profile_of "$d")
	samples "$prof" > "$d/s.txt"
	check "$mode: main_site" "$(leaf main_site < "$d/s.txt")" "10 10000 10 10000"
	busy=$(leaf busy_site < "$d/s.txt" | cut -d' ' -f1)
	if [ "$busy" -gt 0 ]; then ok "$mode: the busy thread's allocations are there ($busy)"; else not_ok "$mode: busy_site missing"; fi
done
finish

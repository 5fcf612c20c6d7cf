#!/bin/sh
# The exact counts of allocprof.h (allocprof_counters), at the default rate,
# at rate 1 and in ALLOCPROF_STAT mode: known calls, bytes and frees per
# phase, a thread that only frees, a thread that ended, operator new counted
# once, and allocs/op of docs/allocs-per-op.md's benchmark.
. "$(dirname "$0")/lib.sh"

d="$WORK/counters"
mkdir "$d"
for mode in default rate1 stat; do
	case $mode in
	default) set -- ;;
	rate1) set -- ALLOCPROF_RATE=1 ;;
	stat) set -- ALLOCPROF_STAT=1 ;;
	esac
	out=$(cd "$d" && env LD_PRELOAD="$SHIM" "$@" "$PROGS/counted" 2>/dev/null)
	check "$mode: malloc, calloc, realloc, free" "$(echo "$out" | grep '^main')" "main 1003 41124 1003 0"
	check "$mode: a thread that only frees" "$(echo "$out" | grep '^freer-thread')" "freer-thread 0 0 1000 -1000"
	# (pthread_create allocates a new thread's TLS vector the first time)
	check "$mode: its frees in the process's count" "$(echo "$out" | grep '^freer-process' | cut -d' ' -f4)" "1000"
	check "$mode: a thread that ended" "$(echo "$out" | grep '^after')" "after-thread 1000 64000 0 1000"
	check "$mode: read while threads run and end" "$(echo "$out" | grep '^concurrent')" \
		"concurrent 0 20000020000 20000020000 20000020000 20000020000 1 1"
	check "$mode: operator new and delete[] once each" \
		"$(cd "$d" && env LD_PRELOAD="$SHIM" "$@" "$PROGS/counted_cxx" 2>/dev/null)" "new 100 1600 100 0"
	check "$mode: 2 allocs/op, 24+256 B/op" \
		"$(cd "$d" && env LD_PRELOAD="$SHIM" "$@" "$PROGS/request_bench" 1000 2>/dev/null | cut -f4,5)" "280 B/op	2 allocs/op"
	check "$mode: pooled, 0 allocs/op" \
		"$(cd "$d" && env LD_PRELOAD="$SHIM" "$@" "$PROGS/request_bench" --pooled 1000 2>/dev/null | cut -f4,5)" "0 B/op	0 allocs/op"
done
check "without the shim the symbol is NULL" "$("$PROGS/counted")" "no-shim"
case "$("$PROGS/request_bench" 10)" in
*"run under allocprof"*) ok "the benchmark says how to get allocs/op" ;;
*) not_ok "the benchmark without the shim" ;;
esac

# ALLOCPROF_STAT: no profile, one line with the process's figures
rm -f "$d"/*
err=$(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_STAT=1 "$PROGS/request_bench" 1000 2>&1 >/dev/null)
check "stat mode writes no profile" "$(ls "$d" | wc -l)" "0"
# 2 allocations per op + the pool-less warm-up of nothing + stdout's buffer
case "$err" in
*"allocs=2001 bytes=284096 frees=2000 inuse_objects=1 inuse_bytes=4104 peak_bytes=4104"*) ok "stat mode line: $err" ;;
*) not_ok "stat mode line: $err" ;;
esac
finish

#!/bin/sh
# Exact mode's own memory on many distinct deep stacks: peak RSS of
# tests/programs/deep_stacks (2^17 distinct 40-frame stacks by default)
# plain and under the shim at ALLOCPROF_RATE=1, without and with symbols,
# and what the shim adds over the plain run. Median of ROUNDS runs each.
# usage: scripts/bench_stacks.sh [SHIM_SO [ROUNDS [PROGRAM ARGS...]]]
set -eu
cd "$(dirname "$0")/.."
SHIM=${1:-$PWD/build/preload/liballocprof.so}
ROUNDS=${2:-3}
[ $# -gt 2 ] && shift 2 || set --
[ $# -gt 0 ] || set -- "$PWD/build/tests/programs/deep_stacks"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

peak_kib() { # [VAR=VALUE...] PROGRAM ARGS: the run's peak RSS in KiB
	/usr/bin/time -f %M -o "$out/rss" env "$@" > /dev/null
	cat "$out/rss"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for r in $(seq 1 "$ROUNDS"); do
	peak_kib "$@" >> "$out/plain"
	peak_kib LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_OUT="$out/p.pb.gz" "$@" >> "$out/nosym"
	peak_kib LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=1 ALLOCPROF_OUT="$out/p.pb.gz" "$@" >> "$out/sym"
done
plain=$(median < "$out/plain") nosym=$(median < "$out/nosym") sym=$(median < "$out/sym")
echo "| run | peak RSS MiB | over plain MiB |"
echo "|---|---|---|"
awk -v p="$plain" -v n="$nosym" -v s="$sym" 'BEGIN {
	printf "| plain | %.1f | |\n", p / 1024
	printf "| exact, ALLOCPROF_SYMBOLIZE=0 | %.1f | %.1f |\n", n / 1024, (n - p) / 1024
	printf "| exact, symbolized | %.1f | %.1f |\n", s / 1024, (s - p) / 1024
}'

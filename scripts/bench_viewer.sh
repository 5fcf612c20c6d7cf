#!/bin/sh
# How fast allocprof reads a large profile: `allocprof top` against
# `go tool pprof -top` on a generated profile of N samples (150000 by
# default) over deep stacks of 3000 functions, some inlined. Prints the best
# of ROUNDS runs of each, checks both print the same table, and the ratio.
#
# usage: scripts/bench_viewer.sh [N]      BUILD=build-dir (default build), ROUNDS=3
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
N=${1:-150000}
if [ ! -x "$BUILD/viewer/allocprof" ] || [ ! -x "$BUILD/tests/viewer/mkprof" ]; then
	echo "bench_viewer: build first (meson setup $BUILD && meson compile -C $BUILD)" >&2
	exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PROFILE="$WORK/big.pb.gz"
"$BUILD/tests/viewer/mkprof" big "$N" "$PROFILE"
echo "profile: $N samples, $(wc -c < "$PROFILE") bytes gzipped, $(gzip -dc "$PROFILE" | wc -c) bytes raw"

now() { date +%s.%N; }
# best CMD...: the shortest of ROUNDS wall-clock times, in seconds
best() {
	b=""
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		t0=$(now)
		"$@" > "$WORK/out" 2> /dev/null
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; if (b == "" || t < b) b = t; printf "%.3f", b }')
		i=$((i + 1))
	done
	echo "$b"
}

ta=$(best "$BUILD/viewer/allocprof" top "$PROFILE")
cp "$WORK/out" "$WORK/allocprof.txt"
printf 'allocprof top:       %8.3f s\n' "$ta"
if ! command -v go > /dev/null 2>&1; then
	echo "go tool pprof: not installed, no comparison"
	exit 0
fi
# -symbolize=none: the profile names its functions; looking for binaries
# would only slow pprof down
tb=$(HOME="$WORK" PPROF_TMPDIR="$WORK" best go tool pprof -top -symbolize=none "$PROFILE")
printf 'go tool pprof -top:  %8.3f s\n' "$tb"
if cmp -s "$WORK/out" "$WORK/allocprof.txt"; then
	echo "the two tables are identical ($(wc -l < "$WORK/out") lines)"
else
	echo "the two tables differ:"
	diff "$WORK/out" "$WORK/allocprof.txt" | head -20
	exit 1
fi
awk -v a="$ta" -v b="$tb" 'BEGIN { printf "allocprof top is %.1fx faster\n", b / a }'

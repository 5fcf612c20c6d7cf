#!/bin/sh
# Runs a fuzz target for a bounded time (FUZZ_SECONDS, 25 by default) on the
# committed corpus, as one TAP test. New inputs go to a corpus in the build
# directory, never into the source tree; fold the interesting ones into
# tests/fuzz/corpus with `TARGET -merge=1 tests/fuzz/corpus DIR`, and commit
# a crasher there with its fix.
# usage: fuzz.sh FUZZER CORPUS WORKDIR, or fuzz.sh none (no libFuzzer: skip)
set -u
if [ "$1" = none ]; then
	echo "1..0 # SKIP clang with libFuzzer (-fsanitize=fuzzer) is not installed"
	exit 0
fi
fuzzer=$1 corpus=$2 work=$3
name=$(basename "$fuzzer")
mkdir -p "$work"
# crash-* and leak-* files land in the working directory
cd "$work" || exit 1
status=0
# an input slower than a minute hangs: a tighter limit failed when other
# work on the machine (load 139, a test's 2000 threads) starved one that runs
# in 0.08 s
"$fuzzer" -max_total_time="${FUZZ_SECONDS:-25}" -timeout=60 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 -artifact_prefix="$work/" "$work" "$corpus" 2> log.txt || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' log.txt)
if [ "$status" = 0 ]; then
	echo "ok 1 - $name: ${runs:-?} inputs, no crash, hang, leak or undefined behaviour"
else
	echo "not ok 1 - $name: exit status $status after ${runs:-?} inputs"
	grep -E 'ERROR|runtime error|SUMMARY|Test unit written|#[0-9]+ ' log.txt | head -40 | sed 's/^/# /'
fi
echo "1..1"
[ "$status" = 0 ]

#!/bin/sh
# Runs the reader's fuzz target for a bounded time (FUZZ_SECONDS, 60 by
# default) on the committed corpus. New inputs go to a corpus in the build
# directory, never into the source tree; fold the interesting ones into
# tests/fuzz/corpus with `fuzz_reader -merge=1 tests/fuzz/corpus DIR`.
# usage: fuzz.sh FUZZER CORPUS WORKDIR
set -eu
fuzzer=$1 corpus=$2 work=$3
mkdir -p "$work"
exec "$fuzzer" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 "$work" "$corpus"

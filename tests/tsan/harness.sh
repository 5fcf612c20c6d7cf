#!/bin/sh
# Runs the concurrency harness: 16 threads x 6 waves with dumps in between.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$1" 16 6 "$dir"
n=$(ls "$dir" | wc -l)
echo "$n dumps written while the threads ran"
[ "$n" -gt 0 ]

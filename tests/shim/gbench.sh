#!/bin/sh
# allocprof_benchmark.h in a Google Benchmark program (libbenchmark-dev):
# the B/op and allocs/op counters exact under the shim, absent without it,
# and the memory manager's allocs_per_iter in the JSON output.
. "$(dirname "$0")/lib.sh"

G="$PROGS/gbench"
if [ ! -x "$G" ]; then
	skip "libbenchmark-dev is not installed: gbench was not built"
	finish
	exit 0
fi
LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/x.pb.gz" "$G" --benchmark_min_time=0.01 > "$WORK/out" 2>&1
check "a malloc per request and its body: 16+256 B/op, 2 allocs/op" \
	"$(awk '$1 == "BM_Request" { for (i = 2; i <= NF; i++) if ($i ~ /\/op=/) printf "%s ", $i }' "$WORK/out")" "B/op=272 allocs/op=2 "
check "the request reused: 0 B/op, 0 allocs/op" \
	"$(awk '$1 == "BM_RequestReused" { for (i = 2; i <= NF; i++) if ($i ~ /\/op=/) printf "%s ", $i }' "$WORK/out")" "B/op=0 allocs/op=0 "
"$G" --benchmark_min_time=0.01 > "$WORK/plain" 2>&1
if grep -q '/op=' "$WORK/plain"; then not_ok "without the shim: counters shown"; else ok "without the shim: no counters"; fi
# the memory run covers the whole benchmark function (and the library's
# own work around it), so at least the loop's 2 per iteration
LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/x.pb.gz" "$G" --benchmark_min_time=0.01 --benchmark_filter='^BM_Request$' \
	--benchmark_format=json > "$WORK/json" 2>/dev/null
per_iter=$(sed -n 's/.*"allocs_per_iter": *\([0-9.e+-]*\).*/\1/p' "$WORK/json")
if awk -v v="$per_iter" 'BEGIN { exit !(v >= 2 && v < 3) }'; then ok "memory manager: allocs_per_iter $per_iter"; else not_ok "memory manager: allocs_per_iter '$per_iter'"; fi
bytes=$(sed -n 's/.*"total_allocated_bytes": *\([0-9]*\).*/\1/p' "$WORK/json")
if [ -n "$bytes" ] && [ "$bytes" -ge 272 ]; then ok "memory manager: total_allocated_bytes $bytes"; else not_ok "memory manager: total_allocated_bytes '$bytes'"; fi
finish

#!/bin/sh
# Runs malloc_bench plain, under the bare interposer and under allocprof at
# the default rate, alternating, and prints a Markdown table of medians.
# usage: malloc_bench.sh BENCH BARE_SO SHIM_SO [ROUNDS]
set -eu
BENCH=$1 BARE=$2 SHIM=$3 ROUNDS=${4:-9}
M=${MILLIONS:-4}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

run() { # LABEL PRELOAD ARGS...
	label=$1 preload=$2
	shift 2
	if [ -n "$preload" ]; then
		LD_PRELOAD=$preload ALLOCPROF_OUT=/dev/null/x "$BENCH" "$@" 2>/dev/null | sed "s/^/$label /" >> "$tmp"
	else
		"$BENCH" "$@" | sed "s/^/$label /" >> "$tmp"
	fi
}

for r in $(seq 1 "$ROUNDS"); do
	for size in 16 256 4096 65536; do
		for preload in plain bare allocprof; do
			case $preload in plain) so= ;; bare) so=$BARE ;; allocprof) so=$SHIM ;; esac
			run $preload "$so" pair 1 $size $M
		done
	done
	# threads share two cores with everything else on the machine: short
	# runs measure the scheduler, so these run five times longer
	for threads in 2 8; do
		for preload in plain bare allocprof; do
			case $preload in plain) so= ;; bare) so=$BARE ;; allocprof) so=$SHIM ;; esac
			run $preload "$so" pair $threads 64 "$(awk -v m="$M" 'BEGIN { print m * 5 }')"
		done
	done
	for preload in plain bare allocprof; do
		case $preload in plain) so= ;; bare) so=$BARE ;; allocprof) so=$SHIM ;; esac
		run $preload "$so" free 64 $M
	done
done

echo "| op | threads | size | plain ns/op | bare ns/op | allocprof ns/op | allocprof − plain | allocprof throughput vs bare |"
echo "|---|---|---|---|---|---|---|---|"
awk '
	{ key = $2 " " $3 " " $4; v[$1, key, ++n[$1, key]] = $5; t[$1, key, n[$1, key]] = $6; keys[key] = 1 }
	function median(arr, who, key, cnt,    i, j, a, tmp) {
		for (i = 1; i <= cnt; i++) a[i] = arr[who, key, i]
		for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (a[j] < a[i]) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
		return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
	}
	END {
		for (key in keys) {
			split(key, k, " ")
			c = n["plain", key]
			p = median(v, "plain", key, c); b = median(v, "bare", key, c); a = median(v, "allocprof", key, c)
			tb = median(t, "bare", key, c); ta = median(t, "allocprof", key, c)
			printf "| %s | %s | %s | %.2f | %.2f | %.2f | %+.2f | %.1f%% |\n", k[1], k[2], k[3], p, b, a, a - p, 100 * ta / tb
		}
	}' "$tmp" | sort -t'|' -k2,2 -k3,3n -k4,4n

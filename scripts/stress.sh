#!/bin/bash
# Runs the cases where a preloaded profiler can break its host, many times,
# and prints a pass/fail table: forks from threaded programs, thread storms,
# exits from every path, crashes, signal and periodic dumps, real programs;
# the collector and ring code under ThreadSanitizer; and a long run whose
# own memory must stay flat.
#
# usage: scripts/stress.sh [--runs N] [--long SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=20
LONG=60
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift 2 ;;
	--long) LONG=$2; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--long SECONDS]" >&2; exit 2 ;;
	esac
done

scripts/setup.sh > /dev/null
[ -f build/build.ninja ] || meson setup build > /dev/null
meson compile -C build > /dev/null || exit 1
[ -f build-tsan/build.ninja ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false > /dev/null
meson compile -C build-tsan tests/tsan/tsan_harness > /dev/null || exit 1

B=$PWD/build
SHIM=$B/preload/liballocprof.so
P=$B/tests/programs
PFQ=$B/tests/shim/pfq
WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-stress.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TABLE=$WORK/table

# case NAME COMMAND...: runs the command RUNS times in fresh directories
stress_case() {
	local name=$1
	shift
	local pass=0 fail=0 t0 t1
	t0=$(date +%s.%N)
	for i in $(seq 1 "$RUNS"); do
		local d=$WORK/$name.$i
		mkdir -p "$d"
		if (cd "$d" && timeout 300 bash -c "$*") > "$d/log" 2>&1; then
			pass=$((pass + 1))
			rm -rf "$d"
		else
			fail=$((fail + 1))
			echo "--- $name run $i failed:" >&2
			tail -5 "$d/log" >&2
		fi
	done
	t1=$(date +%s.%N)
	echo "$name $RUNS $pass $fail $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >> "$TABLE"
}

fork_storm() { LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$P/forker" 200 8 | grep -q "hung 0 bad 0"; }
churn_exact() {
	LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$P/churn" 32 2 > out
	held=$(cut -d' ' -f2 out)
	inuse=$("$PFQ" allocprof.churn.*[0-9].pb.gz | awk -F'\t' '{ split($1, v, " "); s += v[3] } END { print s }')
	# plus a few blocks of libc's own (stdout's buffer, thread bookkeeping)
	[ "$inuse" -ge "$held" ] && [ "$inuse" -le $((held + 64)) ]
}
churn_default() { LD_PRELOAD=$SHIM "$P/churn" 32 2 > /dev/null && ls allocprof.churn.*.pb.gz > /dev/null; }
short_threads() { LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$P/threads" 3000 5 > /dev/null; }
exit_return() { LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$P/exit_paths" return && ls allocprof.*.pb.gz > /dev/null; }
exit_thread() { LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$P/exit_paths" thread-exit; [ $? = 3 ] && ls allocprof.*.pb.gz > /dev/null; }
crash_segv() { LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_ON_CRASH=1 "$P/lifecycle" segv; [ $? = 139 ] && ls allocprof.*.pb.gz > /dev/null; }
crash_abort() { LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_ON_CRASH=1 "$P/lifecycle" abort; [ $? = 134 ] && ls allocprof.*.pb.gz > /dev/null; }
interval_kill() {
	LD_PRELOAD=$SHIM ALLOCPROF_INTERVAL=0.1 "$P/lifecycle" run 5 &
	local pid=$!
	sleep 1
	kill -KILL $pid
	wait $pid
	[ "$(ls | grep -c 'pb.gz$')" -ge 5 ]
}
# SIGTERM from outside lands anywhere, inside malloc too: the profile is
# written the crash way and the program still dies of SIGTERM
term_churn() {
	LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 "$P/churn" 4 5 > /dev/null 2> err &
	local pid=$!
	sleep 0.5
	kill -TERM $pid
	wait $pid
	[ $? = 143 ] && "$PFQ" allocprof.churn.*[0-9].pb.gz > /dev/null
}
tsan_harness() { TSAN_OPTIONS=halt_on_error=1 "$TSAN" 16 4 . 2>&1 | grep -q '^consistent$'; }
sqlite_exact() { echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 50000) SELECT count(*), sum(length(hex(randomblob(30)))) FROM c;" |
	LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 sqlite3 :memory: | grep -q '^50000|'; }

export SHIM P PFQ WORK LONG TSAN=$PWD/build-tsan/tests/tsan/tsan_harness
export -f fork_storm churn_exact churn_default short_threads exit_return exit_thread crash_segv \
	crash_abort interval_kill sqlite_exact tsan_harness term_churn

stress_case fork-storm fork_storm
stress_case churn-32-threads-exact churn_exact
stress_case churn-32-threads-default churn_default
stress_case short-lived-threads short_threads
stress_case exit-return-while-threads-run exit_return
stress_case exit-from-a-thread exit_thread
stress_case crash-segv crash_segv
stress_case crash-abort crash_abort
stress_case interval-then-sigkill interval_kill
stress_case sigterm-while-threads-allocate term_churn
stress_case sqlite3-exact sqlite_exact
stress_case tsan-rings-collector tsan_harness

# a long run: the shim's own memory must stay flat once the unique stacks
# are known (interval snapshots carry it in their comments)
RUNS=1
long_run() {
	LD_PRELOAD=$SHIM ALLOCPROF_INTERVAL=$((LONG / 10 > 0 ? LONG / 10 : 1)) "$P/churn" 8 "$LONG" > /dev/null
	local first last
	first=$(ls allocprof.churn.*.1.pb.gz)
	last=$(ls allocprof.churn.*.pb.gz | grep -v peak | sort -t. -k4 -n | tail -1)
	local m1 m2
	m1=$("$PFQ" --comments "$first" | sed -n 's/^shim memory: \([0-9]*\) KiB.*/\1/p')
	m2=$("$PFQ" --comments "$last" | sed -n 's/^shim memory: \([0-9]*\) KiB.*/\1/p')
	echo "shim memory after the first interval: $m1 KiB; at the end ($LONG s): $m2 KiB" >&2
	echo "$m1 $m2" > "$WORK/long.mem"
	[ "$m2" -le $((m1 + 1024)) ]
}
export -f long_run
stress_case "long-run-${LONG}s-8-threads" long_run

echo
echo "| case | runs | pass | fail | seconds |"
echo "|---|---|---|---|---|"
awk '{ printf "| %s | %d | %d | %d | %s |\n", $1, $2, $3, $4, $5 }' "$TABLE"
[ -f "$WORK/long.mem" ] && echo && echo "Shim memory in the long run (KiB, first snapshot → last): $(sed 's/ / → /' "$WORK/long.mem")"
! awk '$4 > 0 { bad = 1 } END { exit !bad }' "$TABLE"

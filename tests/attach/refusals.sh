#!/bin/bash
# What allocprof attach refuses, in one line and status 1: no such process,
# a static binary, a process under the profiler already, a stopped process,
# gdb missing, another user's process.
. "$(dirname "$0")/lib.sh"
SHIM="$BUILD/preload/liballocprof.so"

refusal() { # DESCRIPTION EXPECTED_LINE COMMAND...
	local what=$1 want=$2 status=0
	shift 2
	"$@" > "$WORK/out" 2> "$WORK/err" || status=$?
	check "$what: status" "$status" 1
	check "$what: one line" "$(cat "$WORK/err")" "$want"
}

# a pid that is no process: past pid_max
refusal "no such process" "allocprof attach: no process 1073741823" "$ALLOCPROF" attach 1073741823

if [ -x "$BUILD/tests/attach/static_sleeper" ]; then
	mkfifo "$WORK/s.in"
	"$BUILD/tests/attach/static_sleeper" < "$WORK/s.in" &
	spid=$!
	exec 3> "$WORK/s.in"
	# the background job is the shell until it has exec'd the program: an
	# attach before that asked gdb about refusals.sh (seen once in CI)
	wait_for "/proc/$spid/comm" static_sleeper
	refusal "static binary" \
		"allocprof attach: process $spid (static_sleeper) is statically linked: it has no dynamic loader to load the profiler with" \
		"$ALLOCPROF" attach "$spid"
	exec 3>&-
	wait "$spid"
else
	skip "static binary: no static C library to build one"
fi

mkdir "$WORK/pre"
mkfifo "$WORK/pre/in"
(cd "$WORK/pre" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/attachee" 0 < in > out 2> err) &
ppid=$!
exec 3> "$WORK/pre/in"
wait_for "$WORK/pre/out" '^ready$'
# the shell's child is the subshell; the program is its child
apid=$(pgrep -P "$ppid" -x attachee || echo "$ppid")
refusal "already under the profiler" \
	"allocprof attach: process $apid (attachee) already runs under the profiler (liballocprof.so preloaded): its profile comes at its exit, or with allocprof_dump" \
	"$ALLOCPROF" attach "$apid"
echo quit >&3
exec 3>&-
wait "$ppid"

mkfifo "$WORK/g.in"
"$PROGS/attachee" 0 < "$WORK/g.in" > "$WORK/g.out" &
gpid=$!
exec 3> "$WORK/g.in"
wait_for "$WORK/g.out" '^ready$'
kill -STOP "$gpid"
refusal "a stopped process" \
	"allocprof attach: process $gpid (attachee) is stopped (by a signal, or ^Z): the profiler is loaded by calls into it, which need it running; continue it first (kill -CONT $gpid)" \
	"$ALLOCPROF" attach "$gpid"
kill -CONT "$gpid"
refusal "gdb missing" \
	"allocprof attach: gdb is not in PATH: attach needs it to load the profiler into the process (apt install gdb)" \
	env PATH=/nonexistent "$ALLOCPROF" attach "$gpid"
# another user's process, for a user who is not root
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	refusal "another user's process" \
		"allocprof attach: process $gpid (attachee) belongs to uid 0: only its user or root may trace it" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ALLOCPROF" attach "$gpid"
else
	skip "another user's process: needs root and setpriv to act as another user"
fi
echo quit >&3
exec 3>&-
wait "$gpid"
check "refused: the process was left alone" "$(cat "$WORK/g.out")" "ready
bye"

status=0
"$ALLOCPROF" attach > /dev/null 2>&1 || status=$?
check "no PID: a usage error" "$status" 2
finish

# Shared helpers of the attach tests. Sourced; expects BUILD and SRC.
. "$(dirname "$0")/../tap.sh"
tap_setup attach
ALLOCPROF="$BUILD/viewer/allocprof"
PFQ="$BUILD/tests/shim/pfq"
PROGS="$BUILD/tests/programs"
ATTACHEE_SRC="$SRC/tests/programs/attachee.c"

# the line of attachee.c marked /* NAME */
site_line() { grep -n "/\* $1 \*/" "$ATTACHEE_SRC" | cut -d: -f1; }

# wait_for FILE TEXT: until a line of FILE holds TEXT; bounded so that a
# hang fails the test instead of the suite (not a timing assertion: the
# bound is never reached when things work)
wait_for() {
	local i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		if [ $i -ge 1200 ]; then
			echo "# gave up waiting for '$2' in $1:" >&2
			sed 's/^/#   /' "$1" >&2 || true
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

# start_attachee DIR NTHREADS [PROGRAM]: attachee (or PROGRAM, in the build's
# tests/programs unless a full path) runs in the background with its
# commands on a FIFO held open on descriptor 3 and its output in DIR;
# sets APID
start_attachee() {
	mkdir -p "$1"
	mkfifo "$1/in"
	local prog="$PROGS/${3:-attachee}"
	case ${3:-} in /*) prog=$3 ;; esac
	"$prog" "$2" < "$1/in" > "$1/out" 2> "$1/err" &
	APID=$!
	exec 3> "$1/in"
	wait_for "$1/out" '^ready$'
}

# say DIR COMMAND ANSWER: sends a command, waits for its answer
say() {
	echo "$2" >&3
	wait_for "$1/out" "^$3\$"
}

# attach_bg DIR FILE [OPTIONS]: allocprof attach in the background until
# stop_attach; waits until it recorded; sets ATTACH_PID
attach_bg() {
	local d=$1 f=$2
	shift 2
	# emptied here, not by the background redirection: that one may come
	# after wait_for has read the last attach's "attached" line
	: > "$d/attach.err"
	"$ALLOCPROF" attach "$@" -o "$f" "$APID" 2>> "$d/attach.err" &
	ATTACH_PID=$!
	wait_for "$d/attach.err" 'attached to process\|allocprof attach:'
}

# stop_attach: SIGTERM, as a service manager would send; its status
stop_attach() {
	kill -TERM "$ATTACH_PID"
	wait_bounded "$ATTACH_PID" 120
}

# quit_attachee DIR: the program ends on its own; its status
quit_attachee() {
	echo quit >&3
	exec 3>&-
	wait_bounded "$APID" 60
}

# ptrace_possible: a plain process can be attached to here
ptrace_possible() {
	[ -r /proc/sys/kernel/yama/ptrace_scope ] || return 0
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope)
	[ "$scope" = 0 ] || { [ "$(id -u)" = 0 ] && [ "$scope" != 3 ]; }
}

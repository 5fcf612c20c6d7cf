# tap: the TAP helpers every shell test sources (through its folder's
# lib.sh): numbered results, one line each, and the plan at the end.
FAILS=0
NTEST=0

# TAP wants one line per result: anything after the first line becomes a
# "#" comment line
tap_line() { printf '%s\n' "$*" | sed '1!s/^/# /'; }
ok() { NTEST=$((NTEST + 1)); tap_line "ok $NTEST - $*"; }
not_ok() { NTEST=$((NTEST + 1)); FAILS=$((FAILS + 1)); tap_line "not ok $NTEST - $*"; }
skip() { NTEST=$((NTEST + 1)); echo "ok $NTEST - # SKIP $*"; }
check() { # check DESCRIPTION GOT EXPECTED
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else not_ok "$1: got '$2', expected '$3'"; fi
}
finish() { echo "1..$NTEST"; [ "$FAILS" = 0 ]; }

# tap_setup NAME: how every suite starts: a strict shell, a fixed locale
# and time zone, none of the caller's ALLOCPROF_* settings (each test sets
# its own), and a scratch directory $WORK removed at exit
tap_setup() {
	set -eu
	export TZ=UTC LC_ALL=C
	for v in $(env | sed -n 's/^\(ALLOCPROF_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-$1.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
}

# same DESCRIPTION FILE_GOT FILE_EXPECTED: passes when the files are equal,
# else fails and shows the difference
same() {
	if diff -u "$3" "$2" > "$WORK/diff.out" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' "$WORK/diff.out" | head -40
	fi
}

# golden DESCRIPTION FILE_GOT NAME: passes when FILE_GOT equals the golden
# file $GOLDEN/NAME.txt. With UPDATE_GOLDEN=1 in the environment it writes
# FILE_GOT there instead: the one way to refresh golden files, after a change
# of output made on purpose (see tests/README.md).
golden() {
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$2" "$GOLDEN/$3.txt"
		ok "$3 updated"
	else
		same "$1" "$2" "$GOLDEN/$3.txt"
	fi
}

# golden_cases DIR: for each line "NAME|allocprof arguments" of stdin (blank
# lines and # comments skipped), runs $ALLOCPROF with those arguments in DIR
# ($SRC expands) and compares its stdout and stderr, then its exit status,
# with the golden file NAME
golden_cases() {
	local dir=$1 name args status
	while IFS='|' read -r name args; do
		case "$name" in ''|'#'*) continue ;; esac
		eval "set -- $args"
		status=0
		(cd "$dir" && "$ALLOCPROF" "$@") > "$WORK/$name.txt" 2>&1 || status=$?
		echo "exit status $status" >> "$WORK/$name.txt"
		golden "$name: allocprof $args" "$WORK/$name.txt" "$name"
	done
}

# wait_bounded PID SECONDS: wait for a background child, but not forever:
# a process that hangs under the shim fails its test with where each of its
# threads sleeps in the kernel, instead of timing the whole suite out.
# Returns the child's status, or 124 after killing it.
wait_bounded() {
	local pid=$1 limit=$(($2 * 10)) i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt $limit ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# pid $pid still running after $2 s; its threads (name wchan):" >&2
		for t in /proc/"$pid"/task/*; do
			echo "#   $(cat "$t/comm" 2>/dev/null) $(cat "$t/wchan" 2>/dev/null)" >&2
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

# profile_of DIR: the one exit profile written into DIR (besides its .peak.pb.gz)
profile_of() {
	set -- $(ls "$1"/*.pb.gz 2>/dev/null | grep -v '\.peak\.pb\.gz$' || true)
	if [ $# != 1 ]; then echo "expected one profile, found $#" >&2; return 1; fi
	echo "$1"
}

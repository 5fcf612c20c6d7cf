# Shared helpers of the pictures' shell tests (TAP). Sourced; expects BUILD
# (the meson build dir) and SRC (the source dir) in the environment.
. "$(dirname "$0")/../tap.sh"
tap_setup pictures
ALLOCPROF="$BUILD/viewer/allocprof"
DATA="$SRC/tests/data"
SHIM="$BUILD/preload/liballocprof.so"
PROGS="$BUILD/tests/programs"
MKPROF="$BUILD/tests/viewer/mkprof"
MKNAMES="$BUILD/tests/pictures/mknames"
MKTHIN="$BUILD/tests/pictures/mkthin"

have() { command -v "$1" > /dev/null 2>&1; }

# frames SVG NAME: the value (data-v) of every flame frame named NAME
frames() {
	grep -F "<title>$2&#10;" "$1" | sed -n 's/^<g class="f[^"]*"[^>]* data-v="\(-\{0,1\}[0-9]*\)".*/\1/p'
}
# frame_sum SVG NAME: their sum (a function can be a frame on several paths)
frame_sum() { frames "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
# frame_attr SVG NAME ATTR: an attribute of the first frame named NAME
frame_line() { grep -F "<title>$2&#10;" "$1" | head -1; }

# wellformed DESCRIPTION FILE: xmllint accepts FILE as XML
wellformed() {
	if ! have xmllint; then
		skip "$1: xmllint is not installed"
	elif xmllint --noout "$2" > "$WORK/xmllint.out" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' "$WORK/xmllint.out" | head -20
	fi
}

# has DESCRIPTION FILE FIXED-STRING / lacks ...: FILE contains (or not) the string
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1: '$3' not in $(basename "$2")"; fi
}
lacks() {
	if grep -qF -- "$3" "$2"; then not_ok "$1: '$3' in $(basename "$2")"; else ok "$1"; fi
}

# run_rc DESCRIPTION EXPECTED_STATUS CMD...: runs CMD, output in $WORK/out,
# $WORK/err, and checks its exit status
run_rc() {
	what=$1 want=$2
	shift 2
	set +e
	"$@" > "$WORK/out" 2> "$WORK/err"
	got=$?
	set -e
	if [ "$got" = "$want" ]; then
		ok "$what (exit $want)"
	else
		not_ok "$what: exit $got, expected $want"
		sed 's/^/# /' "$WORK/err" | head -10
	fi
}

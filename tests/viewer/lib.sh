# Shared helpers of the viewer's shell tests (TAP). Sourced; expects BUILD
# (the meson build dir) and SRC (the source dir) in the environment.
set -eu
export TZ=UTC LC_ALL=C
# the profiler's settings come from each test, not from whoever runs it
for v in $(env | sed -n 's/^\(ALLOCPROF_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
ALLOCPROF="$BUILD/viewer/allocprof"
MKPROF="$BUILD/tests/viewer/mkprof"
DATA="$SRC/tests/data"
GOLDEN="$SRC/tests/viewer/golden"
SHIM="$BUILD/preload/liballocprof.so"
PROGS="$BUILD/tests/programs"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-viewer.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/../tap.sh"

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

# go tool pprof, reading only the file (no symbolization, no network)
have_go() { command -v go > /dev/null 2>&1; }
gopprof() {
	HOME="$WORK" PPROF_TMPDIR="$WORK" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" \
		go tool pprof -symbolize=none "$@"
}

# symbolized FILE: FILE if it names functions, else a copy symbolized by go
# tool pprof from the local binaries (for shims that do not symbolize)
symbolized() {
	if "$ALLOCPROF" top --nodefraction=0 "$1" 2>/dev/null | grep -q '%  [^[<]'; then
		echo "$1"
	else
		HOME="$WORK" PPROF_TMPDIR="$WORK" go tool pprof -proto "$1" > "$1.sym.pb.gz" 2>/dev/null
		echo "$1.sym.pb.gz"
	fi
}

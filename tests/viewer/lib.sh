# Shared helpers of the viewer's shell tests (TAP). Sourced; expects BUILD
# (the meson build dir) and SRC (the source dir) in the environment.
. "$(dirname "$0")/../tap.sh"
tap_setup viewer
ALLOCPROF="$BUILD/viewer/allocprof"
MKPROF="$BUILD/tests/viewer/mkprof"
DATA="$SRC/tests/data"
GOLDEN="$SRC/tests/viewer/golden"
SHIM="$BUILD/preload/liballocprof.so"
PROGS="$BUILD/tests/programs"

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

#!/bin/sh
# Regenerates the profiles committed in tests/hints/data, by hand, when the
# profile format changes (then refresh the golden outputs with
# `UPDATE_GOLDEN=1 meson test -C BUILD_DIR --suite viewer --suite hints`, see
# tests/README.md). usage: tests/hints/gen_data.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DATA="$SRC/tests/hints/data"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for v in $(env | sed -n 's/^\(ALLOCPROF_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
under_shim() { # under_shim OUT [ENV=...] PROG ARGS...
	out=$1
	shift
	(cd "$WORK" && env LD_PRELOAD="$BUILD/preload/liballocprof.so" ALLOCPROF_OUT="$WORK/p.pb.gz" "$@" > /dev/null)
	mv "$WORK/p.pb.gz" "$DATA/$out"
	[ ! -e "$WORK/p.peak.pb.gz" ] || mv "$WORK/p.peak.pb.gz" "$DATA/${out%.pb.gz}.peak.pb.gz"
	rm -f "$WORK"/*.pb.gz
}
mkdir -p "$DATA"
under_shim hintsites.pb.gz ALLOCPROF_RATE=1 "$BUILD/tests/hints/hintsites"
under_shim hintsites_sampled.pb.gz ALLOCPROF_SEED=1 "$BUILD/tests/hints/hintsites" 100
rm -f "$DATA/hintsites_sampled.peak.pb.gz"
under_shim hintsites_nosyms.pb.gz ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$BUILD/tests/hints/hintsites"
rm -f "$DATA/hintsites_nosyms.peak.pb.gz"
under_shim request_before.pb.gz ALLOCPROF_RATE=1 "$BUILD/tests/viewer/request_before" 1000
rm -f "$DATA/request_before.peak.pb.gz"
ls -l "$DATA"

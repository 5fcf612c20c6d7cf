#!/bin/sh
# Regenerates the profiles committed in tests/data, by hand, when the
# profile format changes (then refresh the golden outputs with
# `UPDATE_GOLDEN=1 meson test -C BUILD_DIR --suite viewer --suite hints`, see
# tests/README.md). usage: tests/viewer/gen_data.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DATA="$SRC/tests/data"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
under_shim() { # under_shim OUT [ENV=...] PROG ARGS...
	out=$1
	shift
	(cd "$WORK" && env LD_PRELOAD="$BUILD/preload/liballocprof.so" ALLOCPROF_OUT="$WORK/p.pb.gz" "$@" > /dev/null)
	mv "$WORK/p.pb.gz" "$DATA/$out"
	rm -f "$WORK"/*.pb.gz
}
under_shim known_sites.pb.gz ALLOCPROF_RATE=1 "$BUILD/tests/programs/known_sites"
under_shim nosyms.pb.gz ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$BUILD/tests/programs/known_sites"
under_shim known_sites_cxx.pb.gz ALLOCPROF_RATE=1 "$BUILD/tests/programs/known_sites_cxx"
under_shim request_before.pb.gz ALLOCPROF_RATE=1 "$BUILD/tests/viewer/request_before" 1000
under_shim request_after.pb.gz ALLOCPROF_RATE=1 "$BUILD/tests/viewer/request_after" 1000
under_shim sampled.pb.gz ALLOCPROF_SEED=7 "$BUILD/tests/programs/big_workload" 32
"$BUILD/tests/viewer/mkprof" tricky "$DATA/tricky.pb.gz"
# Go's runtime: a heap profile of every allocation and a CPU profile
(cd "$SRC/tests/viewer/goprof" && GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" GOFLAGS= \
	go run main.go "$DATA/go_heap.pb.gz" "$DATA/go_cpu.pb.gz")
ls -l "$DATA"

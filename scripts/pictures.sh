#!/bin/sh
# Regenerates the example pictures of docs/pictures-reference.md (viewer/pictures/examples/)
# from a real program: sqlite3 building, indexing and querying a 200k-row
# table (the workload of scripts/demo.sh), profiled at ALLOCPROF_RATE=1 so
# every figure is exact. Needs sqlite3, graphviz and chromium (setup.sh
# installs them). usage: scripts/pictures.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build}
OUT="$ROOT/viewer/pictures/examples"
export TZ=UTC LC_ALL=C

scripts/setup.sh
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" > /dev/null
meson compile -C "$BUILD" > /dev/null
ALLOCPROF="$ROOT/$BUILD/viewer/allocprof"
SHIM="$ROOT/$BUILD/preload/liballocprof.so"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-pictures.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/scripts/demo.sql" "$WORK/demo.sql"

cd "$WORK"
LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT=sqlite3.pb.gz sqlite3 :memory: < demo.sql > /dev/null
mkdir -p "$OUT"
"$ALLOCPROF" flame -o "$OUT/flame.svg" sqlite3.pb.gz
"$ALLOCPROF" graph -o "$OUT/graph.svg" sqlite3.pb.gz
"$ALLOCPROF" timeline -o "$OUT/timeline.svg" sqlite3.pb.gz
"$ALLOCPROF" report -o report.html sqlite3.pb.gz

# the report as a browser shows it
mkdir chrome
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--user-data-dir="$WORK/chrome" --virtual-time-budget=5000 --hide-scrollbars \
	--screenshot="$OUT/report.png" --window-size=1200,1000 "file://$WORK/report.html" 2> /dev/null
for f in "$OUT"/*; do
	size=$(wc -c < "$f")
	echo "pictures: $(basename "$f"): $size bytes"
	if [ "$size" -gt 200000 ]; then
		echo "pictures: $(basename "$f") is bigger than 200 kB" >&2
		exit 1
	fi
done

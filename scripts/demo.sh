#!/bin/sh
# The main job on a fresh Debian machine: install, build, profile a real
# program (sqlite3 building and querying a 200k-row table) and show where it
# allocates; then the tuning loop on a small server loop built with debug
# info: top, list, the fix, and diff proving what it removed.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build > /dev/null
meson compile -C build > /dev/null
AP=$ROOT/build/viewer/allocprof

WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-demo.XXXXXX")
cp "$ROOT/scripts/demo.sql" "$WORK/demo.sql"

if [ -t 1 ]; then
	step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
	step() { printf '\n$ %s\n' "$*"; }
fi

cd "$WORK"
step "allocprof run -o sqlite3.pb.gz -- sqlite3 :memory: < demo.sql"
"$AP" run -o "$WORK/sqlite3.pb.gz" -- sqlite3 :memory: < demo.sql
step "allocprof top --by site -n 12 sqlite3.pb.gz"
"$AP" top --by site -n 12 sqlite3.pb.gz
step "allocprof summary sqlite3.pb.gz"
"$AP" summary sqlite3.pb.gz

# The tuning loop, on a request-handling loop with source and debug info.
cp "$ROOT/tests/viewer/request.c" .
step "allocprof run --rate 1 -o before.pb.gz -- ./request_before 10000"
"$AP" run --rate 1 -o "$WORK/before.pb.gz" -- "$ROOT/build/tests/viewer/request_before" 10000 > /dev/null
step "allocprof top --by line -alloc_objects before.pb.gz"
"$AP" top --by line -alloc_objects before.pb.gz
step "allocprof list new_request before.pb.gz"
"$AP" list --source-path "$ROOT/tests/viewer" new_request before.pb.gz
step "allocprof hints -n 2 before.pb.gz"
"$AP" hints -n 2 before.pb.gz
step "allocprof run --rate 1 -o after.pb.gz -- ./request_after 10000     # one request object, reused"
"$AP" run --rate 1 -o "$WORK/after.pb.gz" -- "$ROOT/build/tests/viewer/request_after" 10000 > /dev/null
step "allocprof diff -alloc_objects before.pb.gz after.pb.gz"
"$AP" diff -alloc_objects before.pb.gz after.pb.gz

echo
echo "The profiles are in $WORK; go tool pprof reads them too: go tool pprof -http=: $WORK/sqlite3.pb.gz"

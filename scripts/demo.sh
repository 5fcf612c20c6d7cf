#!/bin/sh
# The main job on a fresh Debian machine: install, build, profile a real
# program (sqlite3 building and querying a 200k-row table) and show where it
# allocates.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build > /dev/null
meson compile -C build > /dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-demo.XXXXXX")
cat > "$WORK/demo.sql" <<'SQL'
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT, amount REAL, note TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000)
INSERT INTO orders SELECT x, 'customer-' || (x % 5000), x * 0.37, hex(randomblob(16)) FROM c;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_amount ON orders(amount);
SELECT customer, count(*), round(sum(amount), 2) FROM orders GROUP BY customer ORDER BY 3 DESC LIMIT 5;
SQL

echo "== sqlite3 :memory: < demo.sql, under allocprof"
(cd "$WORK" && LD_PRELOAD="$ROOT/build/preload/liballocprof.so" ALLOCPROF_OUT="$WORK/sqlite3.pb.gz" \
	sqlite3 :memory: < "$WORK/demo.sql")
PROFILE="$WORK/sqlite3.pb.gz"
echo
echo "== profile: $PROFILE"
if build/viewer/allocprof top -n 15 "$PROFILE" 2> /dev/null; then
	echo
	build/viewer/allocprof list -n 1 'sqlite3' "$PROFILE" 2> /dev/null || true
else
	go tool pprof -top -nodecount=15 "$PROFILE" 2> /dev/null
fi
echo
echo "Open it yourself: go tool pprof -http=: $PROFILE"

#!/bin/sh
# Real programs from Debian under the shim: sqlite3 running a script, and
# redis-server (linked with jemalloc) serving redis-benchmark; known_sites on
# top of jemalloc and tcmalloc. The programs behave as without the shim, the
# profiles are sound, and the allocator underneath serves the blocks.
. "$(dirname "$0")/lib.sh"

total() { # FILE: "objects bytes inuse_objects inuse_bytes" over all samples
	"$PFQ" "$1" | awk -F'\t' '{ split($1, v, " "); for (i = 1; i <= 4; i++) s[i] += v[i] }
		END { printf "%d %d %d %d\n", s[1], s[2], s[3], s[4] }'
}

SQL="$WORK/script.sql"
cat > "$SQL" <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, payload BLOB);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000)
INSERT INTO t SELECT x, 'name-' || x, x % 97, randomblob(64) FROM c;
CREATE INDEX t_name ON t(name);
CREATE INDEX t_grp ON t(grp);
SELECT grp, count(*), length(group_concat(name)) FROM t GROUP BY grp ORDER BY grp LIMIT 3;
SQL

if command -v sqlite3 > /dev/null; then
	sqlite3 :memory: < "$SQL" > "$WORK/plain.txt"
	for rate in 1 default; do
		d="$WORK/sqlite-$rate"
		mkdir "$d"
		if [ $rate = 1 ]; then r=1; else r=524288; fi
		(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=$r ALLOCPROF_SEED=7 sqlite3 :memory: < "$SQL" > out.txt)
		check "sqlite3 ($rate): same output as without the shim" "$(cmp -s "$d/out.txt" "$WORK/plain.txt" && echo same)" "same"
		prof=$(profile_of "$d")
		echo "$(total "$prof")" > "$d/total"
		check "sqlite3 ($rate): no drops" "$("$PFQ" --comments "$prof" | grep '^dropped:')" "dropped: 0"
		if go tool pprof -top "$prof" > "$d/top.txt" 2>&1; then ok "sqlite3 ($rate): go tool pprof reads it"; else not_ok "sqlite3 ($rate): go tool pprof failed"; fi
	done
	exact=$(cut -d' ' -f2 "$WORK/sqlite-1/total")
	est=$(cut -d' ' -f2 "$WORK/sqlite-default/total")
	if awk -v e="$est" -v t="$exact" 'BEGIN { exit !(t > 10000000 && e > 0.9 * t && e < 1.1 * t) }'; then
		ok "sqlite3: sampled estimate $est within 10% of exact $exact bytes"
	else
		not_ok "sqlite3: sampled estimate $est vs exact $exact bytes"
	fi
else
	ok "# SKIP sqlite3 not installed"
fi

if command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null; then
	d="$WORK/redis"
	mkdir "$d"
	# a unix socket: a TCP port may be taken (by another run, or by a
	# client's ephemeral port), and redis-benchmark retries a refused
	# connection forever
	sock="$d/redis.sock"
	# jemalloc prints its statistics to stderr at exit
	(cd "$d" && LD_PRELOAD="$SHIM" MALLOC_CONF=stats_print:true exec redis-server --port 0 \
		--unixsocket "$sock" --save "" --appendonly no --io-threads 2 --daemonize no \
		--logfile "$d/redis.log" 2> "$d/jemalloc.txt") &
	pid=$!
	up=0
	for i in $(seq 1 100); do
		redis-cli -s "$sock" ping > /dev/null 2>&1 && { up=1; break; }
		sleep 0.1
	done
	check "redis-server answers under the shim" "$up" "1"
	[ $up = 1 ] && timeout 120 redis-benchmark -s "$sock" -n 20000 -c 8 -P 8 -t set,get,lpush,lpop -q > "$d/bench.txt" 2>&1
	check "redis-benchmark completed" "$(grep -c 'requests per second' "$d/bench.txt" 2>/dev/null)" "4"
	redis-cli -s "$sock" shutdown nosave > /dev/null 2>&1 || true
	status=0
	wait_bounded $pid 60 || status=$?
	check "redis-server exits cleanly" "$status" "0"
	prof=$(profile_of "$d")
	objects=$(total "$prof" | cut -d' ' -f1)
	if [ "$objects" -gt 0 ]; then ok "redis-server profile has allocations ($objects estimated objects)"; else not_ok "redis profile empty"; fi
	# each of the benchmark's 80000 commands allocates at least its argument
	# objects: jemalloc served them only if the shim forwarded to it
	requests=$(awk '$1 == "total:" { print $7; exit }' "$d/jemalloc.txt")
	if [ "${requests:-0}" -ge 80000 ]; then
		ok "redis-server runs on jemalloc under the shim: $requests requests served by jemalloc"
	else
		not_ok "jemalloc served '${requests:-none}' requests, expected 80000 or more"
	fi
else
	ok "# SKIP redis not installed"
fi

# known_sites itself calls pvalloc, which jemalloc does not provide (the
# program crashes on jemalloc without the shim too): the C++ one only
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -e $JEMALLOC ]; then
	d="$WORK/jemalloc"
	mkdir "$d"
	(cd "$d" && LD_PRELOAD="$SHIM $JEMALLOC" ALLOCPROF_RATE=1 MALLOC_CONF=stats_print:true \
		"$PROGS/known_sites_cxx" 2> "$d/jemalloc.txt")
	samples "$(profile_of "$d")" > "$d/s.txt"
	check "jemalloc: new_node" "$(leaf new_node < "$d/s.txt")" "101 2424 1 24"
	check "jemalloc: grow_vector (cum)" "$(cum grow_vector < "$d/s.txt")" "11 16376 0 0"
	# the 112 blocks above and the program's others came from jemalloc
	requests=$(awk '$1 == "total:" { print $7; exit }' "$d/jemalloc.txt")
	if [ "${requests:-0}" -ge 112 ]; then
		ok "jemalloc: $requests requests served by jemalloc"
	else
		not_ok "jemalloc served '${requests:-none}' requests, expected 112 or more"
	fi
else
	ok "# SKIP jemalloc not installed"
fi

TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4
if [ -e $TCMALLOC ]; then
	d="$WORK/tcmalloc"
	mkdir "$d"
	(cd "$d" && LD_PRELOAD="$SHIM $TCMALLOC" ALLOCPROF_RATE=1 "$PROGS/known_sites_cxx")
	samples "$(profile_of "$d")" > "$d/s.txt"
	check "tcmalloc: new_node" "$(leaf new_node < "$d/s.txt")" "101 2424 1 24"
	check "tcmalloc: grow_vector (cum)" "$(cum grow_vector < "$d/s.txt")" "11 16376 0 0"
	d="$WORK/tcmalloc-c"
	mkdir "$d"
	(cd "$d" && LD_PRELOAD="$SHIM $TCMALLOC" ALLOCPROF_RATE=1 "$PROGS/known_sites")
	samples "$(profile_of "$d")" > "$d/s.txt"
	check "tcmalloc: site_small" "$(leaf site_small < "$d/s.txt")" "1000 16000 0 0"
	check "tcmalloc: site_leak" "$(leaf site_leak < "$d/s.txt")" "4 3108 4 3108"
else
	ok "# SKIP tcmalloc not installed"
fi
finish

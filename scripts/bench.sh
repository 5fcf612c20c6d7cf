#!/bin/bash
# Speed, memory and accuracy of allocprof on real programs, against the
# tools people use today. Every workload runs plain and under each tool in
# alternating rounds; the table shows the median wall-time ratio to the plain
# run of the same round, peak RSS and output size. Exits non-zero only if a
# run failed, never because something was slow.
#
# usage: scripts/bench.sh [--quick] [--rounds N] [--only sqlite|perl|python|gcc|cc1|redis|churn|stacks]
#                         [--tools "plain bare default exact heaptrack jemalloc gperftools"]
#                         [--accuracy]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROUNDS=5
ONLY="sqlite perl python gcc cc1 redis churn stacks"
TOOLS="bare default exact heaptrack jemalloc gperftools"
ACCURACY=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) ROUNDS=1; TOOLS="bare default exact heaptrack jemalloc"; shift ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	--tools) TOOLS=$2; shift 2 ;;
	--accuracy) ACCURACY=1; shift ;;
	*) echo "usage: $0 [--quick] [--rounds N] [--only WORKLOADS] [--tools TOOLS] [--accuracy]" >&2; exit 2 ;;
	esac
done
# plain always runs: it is what every ratio divides by
TOOLS=$(echo " $TOOLS " | sed 's/ plain / /g; s/^ *//; s/ *$//')

scripts/setup.sh --bench
[ -f build/build.ninja ] || meson setup build > /dev/null
meson compile -C build > /dev/null

SHIM=$ROOT/build/preload/liballocprof.so
BARE=$ROOT/build/tests/bench/libbare-interposer.so
PFQ=$ROOT/build/tests/shim/pfq
LIBDIR=/usr/lib/x86_64-linux-gnu
JEMALLOC=$LIBDIR/libjemalloc.so.2
TCMALLOC=$LIBDIR/libtcmalloc.so.4
WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=0
RESULTS=$WORK/results.txt
: > "$RESULTS"

# ---- workloads: each is a function that runs the program in the cwd -------

cat > "$WORK/sqlite.sql" <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000)
INSERT INTO t SELECT x, 'value-' || (x * 7919 % 100003), x % 1000, x * 0.5 FROM c;
COMMIT;
CREATE INDEX t_a ON t(a);
CREATE INDEX t_b ON t(b);
SELECT b, count(*), sum(c) FROM t GROUP BY b ORDER BY 2 DESC LIMIT 3;
SQL
cat > "$WORK/perl.pl" <<'PERL'
my %h;
for my $i (1 .. 500000) { $h{"key$i"} = [$i, $i * 2, "v$i"]; }
my @k = sort keys %h;
print scalar(@k), "\n";
PERL
cat > "$WORK/python.py" <<'PY'
import json
d = [{"id": i, "tags": [str(j) for j in range(10)], "m": {"a": i, "b": [i, i + 1], "s": "x" * (i % 50)}}
     for i in range(150000)]
s = json.dumps(d)
e = json.loads(s)
print(len(s), len(e))
PY
awk 'BEGIN {
	for (i = 0; i < 1000; i++) {
		printf "struct s%d { int a[%d]; double d; };\n", i, i % 7 + 1
		printf "int f%d(struct s%d *p, int n) { int t = 0; for (int i = 0; i < n; i++) { t += p->a[i %% %d] * %d; if (t > %d) t -= n; } return t + (int)p->d; }\n", i, i, i % 7 + 1, i, i * 13
	}
}' > "$WORK/gcc_unit.c"

# TOOL (an array: the tool's command prefix, empty for plain) runs the
# program itself, not the shell around it: heaptrack follows only the first
# process it starts, so prefixing the wrapper script profiled bash alone
run_sqlite() { "${TOOL[@]}" /usr/bin/sqlite3 :memory: < "$WORK/sqlite.sql" > /dev/null; }
run_perl() { "${TOOL[@]}" /usr/bin/perl "$WORK/perl.pl" > /dev/null; }
run_python() { "${TOOL[@]}" /usr/bin/python3 "$WORK/python.py" > /dev/null; }
run_gcc() { "${TOOL[@]}" /usr/bin/gcc -O2 -c "$WORK/gcc_unit.c" -o "$WORK/gcc_unit.o"; }
# the compiler proper, started directly: heaptrack follows only the process
# it starts (the gcc driver above), so this row compares like with like
run_cc1() { "${TOOL[@]}" "$(gcc -print-prog-name=cc1)" -quiet -O2 "$WORK/gcc_unit.c" -o "$WORK/cc1_unit.s"; }
# exact mode's two hard cases: small blocks at tens of millions of
# malloc+free pairs a second on shallow stacks (cfrac-like: 10 M pairs of
# 32 bytes, 16 live), and a recursion with 2^17 distinct 40-frame stacks
# (espresso-like: deep_stacks, 786 k blocks)
run_churn() { "${TOOL[@]}" "$ROOT/build/tests/bench/malloc_bench" pair 1 32 10 > /dev/null; }
run_stacks() { "${TOOL[@]}" "$ROOT/build/tests/programs/deep_stacks" > /dev/null; }
# below the kernel's ephemeral ports (32768 and up), where clients' sockets live
REDIS_PORT=$((20000 + $$ % 12000))
run_redis() {
	# the server runs under the tool; the time is that of a bounded benchmark
	"$@" redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no \
		--io-threads 2 --daemonize no --logfile "$PWD/redis.log" &
	local pid=$!
	local up=0
	for _ in $(seq 1 200); do redis-cli -p $REDIS_PORT ping > /dev/null 2>&1 && { up=1; break; }; sleep 0.05; done
	if [ $up = 0 ]; then
		# redis-benchmark would retry a refused connection forever
		echo "redis-server did not answer on port $REDIS_PORT" >&2
		kill $pid 2> /dev/null
		wait $pid
		return 1
	fi
	local t0 t1 status=0
	t0=$(date +%s.%N)
	timeout 600 redis-benchmark -p $REDIS_PORT -n 200000 -c 20 -P 16 -t set,get,incr,lpush,rpop,sadd,hset -q > /dev/null || status=$?
	t1=$(date +%s.%N)
	redis-cli -p $REDIS_PORT shutdown nosave > /dev/null 2>&1 || true
	wait $pid || true
	echo "$t0 $t1" > "$PWD/redis.window"
	return $status
}

# ---- tools: each prefixes the command with its environment -----------------

tool_prefix() { # TOOL OUTDIR: prints the command prefix that runs a program under TOOL
	local tool=$1 out=$2
	case $tool in
	plain) echo "env" ;;
	bare) echo "env LD_PRELOAD=$BARE" ;;
	default) echo "env LD_PRELOAD=$SHIM ALLOCPROF_OUT=$out/allocprof.%e.%p.pb.gz" ;;
	exact) echo "env LD_PRELOAD=$SHIM ALLOCPROF_RATE=1 ALLOCPROF_OUT=$out/allocprof.%e.%p.pb.gz" ;;
	heaptrack) echo "heaptrack -o $out/heaptrack" ;;
	jemalloc) echo "env LD_PRELOAD=$JEMALLOC MALLOC_CONF=prof:true,lg_prof_sample:19,prof_final:true,prof_prefix:$out/jeprof" ;;
	gperftools) echo "env LD_PRELOAD=$TCMALLOC HEAPPROFILE=$out/gperf HEAP_PROFILE_INUSE_INTERVAL=0" ;;
	esac
}

measure() { # WORKLOAD TOOL ROUND: appends "workload tool round seconds rss_kb output_bytes"
	local w=$1 tool=$2 round=$3
	local dir=$WORK/$w.$tool.$round
	mkdir -p "$dir"
	local t0 t1 secs rss status=0
	if [ "$w" = redis ]; then
		(cd "$dir" && /usr/bin/time -f %M -o "$dir/rss" bash -c "$(declare -f run_redis); REDIS_PORT=$REDIS_PORT; run_redis $(tool_prefix "$tool" "$dir")") > "$dir/log" 2>&1 || status=$?
		secs=$(awk '{ printf "%.4f", $2 - $1 }' "$dir/redis.window" 2> /dev/null || echo 0)
	else
		t0=$(date +%s.%N)
		# shellcheck disable=SC2046 # the prefix is words on purpose
		(cd "$dir" && /usr/bin/time -f %M -o "$dir/rss" "run_$w" $(tool_prefix "$tool" "$dir")) > "$dir/log" 2>&1 || status=$?
		t1=$(date +%s.%N)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
	fi
	if [ $status != 0 ]; then
		echo "bench: $w under $tool failed (status $status); see below" >&2
		tail -5 "$dir/log" >&2
		FAILED=1
	fi
	rss=$(tail -1 "$dir/rss" 2> /dev/null || echo 0)
	local outbytes
	outbytes=$(find "$dir" -type f \( -name 'allocprof.*.pb.gz' ! -name '*.peak.pb.gz' -o -name 'heaptrack*' -o -name 'jeprof*' -o -name 'gperf*' \) -printf '%s\n' | sort -n | tail -1)
	echo "$w $tool $round $secs ${rss:-0} ${outbytes:-0}" >> "$RESULTS"
	# keep only what the accuracy report needs
	[ "$round" = 1 ] || rm -rf "$dir"
}

# /usr/bin/time cannot run shell functions: export them into a tiny script
# whose arguments are the tool's prefix
for w in sqlite perl python gcc cc1 churn stacks; do
	cat > "$WORK/run_$w" <<EOS
#!/bin/bash
WORK=$WORK
ROOT=$ROOT
TOOL=("\$@")
$(declare -f "run_$w")
run_$w
EOS
	chmod +x "$WORK/run_$w"
done
PATH=$WORK:$PATH

for round in $(seq 1 "$ROUNDS"); do
	for w in $ONLY; do
		for tool in plain $TOOLS; do
			measure "$w" "$tool" "$round"
		done
	done
done

echo
echo "## Wall time ratio to the plain run (median of $ROUNDS alternating rounds; lower is better)"
echo
awk -v tools="$TOOLS" '
	{ t[$1, $2, $3] = $4; r[$1, $2, $3] = $5; o[$1, $2, $3] = $6; ws[$1] = 1; if ($3 > n) n = $3 }
	function med(a, c,    i, j, x) { for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
		return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
	END {
		nt = split(tools, T, " ")
		printf "| workload | plain |"; for (k = 1; k <= nt; k++) printf " %s |", T[k]; printf "\n|---|---|"
		for (k = 1; k <= nt; k++) printf "---|"; printf "\n"
		for (w in ws) {
			for (i = 1; i <= n; i++) p[i] = t[w, "plain", i]
			printf "| %s | %.2f s |", w, med(p, n)
			for (k = 1; k <= nt; k++) {
				c = 0; for (i = 1; i <= n; i++) if ((w, T[k], i) in t && t[w, "plain", i] > 0) q[++c] = t[w, T[k], i] / t[w, "plain", i]
				if (c) printf " %.2f× |", med(q, c); else printf " – |"
				delete q
			}
			printf "\n"
		}
		printf "\n## Peak RSS (median, MiB) and largest output file (round 1)\n\n"
		printf "| workload | plain |"; for (k = 1; k <= nt; k++) printf " %s |", T[k]; printf "\n|---|---|"
		for (k = 1; k <= nt; k++) printf "---|"; printf "\n"
		for (w in ws) {
			for (i = 1; i <= n; i++) p[i] = r[w, "plain", i]
			printf "| %s | %.1f |", w, med(p, n) / 1024
			for (k = 1; k <= nt; k++) {
				c = 0; for (i = 1; i <= n; i++) if ((w, T[k], i) in r) q[++c] = r[w, T[k], i]
				size = (o[w, T[k], 1] > 1048576) ? sprintf("%.1f MB", o[w, T[k], 1] / 1048576) : sprintf("%.0f KB", o[w, T[k], 1] / 1024)
				if (c) printf(" %.1f (%s) |", med(q, c) / 1024, size); else printf(" – |")
				delete q
			}
			printf "\n"
		}
	}' "$RESULTS"

# exact mode's added cost per malloc+free pair on the churn: the program
# thread's ns a pair as malloc_bench times its own loop, and the CPU of both
# threads; the goal is 45 ns and 60 ns, of which two clock reads take
# what the last line says
if [[ " $ONLY " == *" churn "* && " $TOOLS " == *" exact "* ]]; then
	echo
	echo "## Exact mode's added cost per malloc+free pair (churn, median of $ROUNDS alternating runs)"
	echo
	MB=$ROOT/build/tests/bench/malloc_bench
	for round in $(seq 1 "$ROUNDS"); do
		for tool in plain exact; do
			dir=$WORK/pair.$tool.$round
			mkdir -p "$dir"
			# shellcheck disable=SC2046 # the prefix is words on purpose
			(cd "$dir" && /usr/bin/time -f "%U %S" -o "$dir/cpu" $(tool_prefix "$tool" "$dir") "$MB" pair 1 32 10 > "$dir/out")
			echo "$tool $(cut -d' ' -f4 "$dir/out") $(awk '{ print $1 + $2 }' "$dir/cpu")" >> "$WORK/pairs"
		done
	done
	for round in $(seq 1 "$ROUNDS"); do
		echo "floor $("$MB" floor 32 10 | cut -d' ' -f4) 0" >> "$WORK/pairs"
	done
	awk -v clock="$("$MB" clock | cut -d' ' -f4)" '
		function med(a, c,    i, j, x) { for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
			return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
		$1 == "plain" { pw[++np] = $2; pc[np] = $3 } $1 == "exact" { ew[++ne] = $2; ec[ne] = $3 }
		$1 == "floor" { fw[++nf] = $2 }
		END {
			printf "| | plain | exact | added | goal |\n|---|---|---|---|---|\n"
			w0 = med(pw, np); w1 = med(ew, ne); c0 = med(pc, np) * 1e9 / 1e7; c1 = med(ec, ne) * 1e9 / 1e7
			printf "| wall, program thread (ns a pair) | %.1f | %.1f | %.1f | 45 |\n", w0, w1, w1 - w0
			printf "| CPU, all threads (ns a pair) | %.1f | %.1f | %.1f | 60 |\n", c0, c1, c1 - c0
			printf "\nOne clock read: %.1f ns (exact mode reads two a pair). The floor: the same loop\n", clock
			printf "writing only two clock reads, a 3-frame chain check and two records to a ring,\n"
			printf "no collector, no interposition (malloc_bench floor): %.1f ns added a pair.\n", med(fw, nf) - w0
		}' "$WORK/pairs"
fi

if [ $ACCURACY = 1 ]; then
	echo
	echo "## Accuracy at the default rate against exact mode"
	echo
	echo "Total alloc_space, and each of the top-10 leaf sites holding at least 2% of the"
	echo "bytes: its error, and in brackets the sampling error it may have (two standard"
	echo "deviations, 2·√(R/B) for B bytes at rate R: a site of 20 MB may be off by 32%)."
	echo
	echo "| workload | exact bytes | seed | estimate | error | sites ≥ 2% within ±10% | within 2σ | their errors (2σ) |"
	echo "|---|---|---|---|---|---|---|---|"
	for w in $ONLY; do
		[ "$w" = redis ] && continue # not deterministic: the benchmark's timing shapes it
		dir=$WORK/acc.$w
		mkdir -p "$dir/exact"
		# shellcheck disable=SC2046
		(cd "$dir/exact" && "run_$w" $(tool_prefix exact "$dir/exact") > /dev/null 2>&1) || true
		# the process that allocated most (cc1 for gcc)
		exact=$(for f in "$dir"/exact/allocprof.*.pb.gz; do case $f in *.peak.pb.gz) continue ;; esac
			printf '%s ' "$f"; "$PFQ" "$f" | awk -F'\t' '{ split($1, v, " "); s += v[2] } END { print s + 0 }'; done | sort -k2 -n | tail -1)
		ef=${exact% *}; eb=${exact##* }
		prog=$(basename "$ef" | cut -d. -f2)
		# sites: leaf frames, named from the file (binary+offset) where no
		# symbol names them, so they compare across runs (ASLR)
		"$PFQ" --rel "$ef" | awk -F'\t' -v total="$eb" '{ split($1, v, " "); split($2, f, ";"); s[f[1]] += v[2] }
			END { for (k in s) if (s[k] >= 0.02 * total) print s[k] "\t" k }' | sort -rn | head -10 > "$dir/exact.top"
		for seed in 1 2 3; do
			mkdir -p "$dir/s$seed"
			# shellcheck disable=SC2046
			(cd "$dir/s$seed" && ALLOCPROF_SEED=$seed "run_$w" $(tool_prefix default "$dir/s$seed") > /dev/null 2>&1) || true
			sf=$(ls "$dir/s$seed"/allocprof.$prog.*.pb.gz 2> /dev/null | grep -v peak | head -1)
			[ -n "$sf" ] || continue
			sb=$("$PFQ" "$sf" | awk -F'\t' '{ split($1, v, " "); s += v[2] } END { print s + 0 }')
			within=$("$PFQ" --rel "$sf" | awk -F'\t' 'NR == FNR { top[$2] = $1; order[++n] = $2; next } { split($1, v, " "); split($2, f, ";"); if (f[1] in top) s[f[1]] += v[2] }
				END { ok = 0; in2 = 0; errs = ""
					for (i = 1; i <= n; i++) {
						k = order[i]; e = 100 * (s[k] - top[k]) / top[k]; sd2 = 200 * sqrt(524288 / top[k])
						if (e > -10 && e < 10) ok++
						if (e >= -sd2 && e <= sd2) in2++
						errs = errs sprintf("%s%+.1f%% (%.0f%%)", i > 1 ? " " : "", e, sd2)
					}
					printf "%d of %d | %d of %d | %s", ok, n, in2, n, errs }' "$dir/exact.top" -)
			awk -v w="$w ($prog)" -v e="$eb" -v s="$sb" -v seed=$seed -v within="$within" \
				'BEGIN { printf "| %s | %.1f MB | %d | %.1f MB | %+.2f%% | %s |\n", w, e / 1048576, seed, s / 1048576, 100 * (s - e) / e, within }'
		done
	done
fi
exit $FAILED

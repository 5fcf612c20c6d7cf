#!/bin/bash
# What symbolization costs per unique address. Builds a large generated
# program (many translation units of -O2 -g code with inlined allocation
# helpers), profiles it with ALLOCPROF_SYMBOLIZE=0, then times
# `allocprof symbolize` on that profile (cold: one process, so the figure
# includes opening the binaries and indexing their DWARF) and the shim's own
# exit dump with symbolization on against off. When /usr/bin/python3.11 is
# there it does the same for a Python workload (with python3.11-dbg's debug
# info if installed, else names from .dynsym only). --cxx adds a generated
# C++ program whose units include <map>, <string>, <vector> and <iostream>
# (large units: thousands of DIEs each; slow to compile).
#
# usage: scripts/bench_symbolize.sh [--units N] [--sites N] [--rounds N] [--cxx]
#        BUILD=build-dir (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
UNITS=60
SITES=100
ROUNDS=3
CXX=0
while [ $# -gt 0 ]; do
	case $1 in
	--units) UNITS=$2; shift 2 ;;
	--sites) SITES=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--cxx) CXX=1; shift ;;
	*) echo "usage: $0 [--units N] [--sites N] [--rounds N] [--cxx]" >&2; exit 2 ;;
	esac
done
BUILD=${BUILD:-build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" > /dev/null
meson compile -C "$BUILD" > /dev/null
SHIM=$ROOT/$BUILD/preload/liballocprof.so
ALLOCPROF=$ROOT/$BUILD/viewer/allocprof
WORK=$(mktemp -d "${TMPDIR:-/tmp}/allocprof-symbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
# best_of N CMD...: the fastest wall time of N runs, in seconds
best_of() {
	n=$1; shift
	best=""
	for _ in $(seq "$n"); do
		t0=$(now); "$@" > /dev/null 2>&1; t1=$(now)
		best=$(echo "$t0 $t1 $best" | awk '{ d = $2 - $1; if ($3 == "" || d < $3) print d; else print $3 }')
	done
	echo "$best"
}
locations() { # the "N of M locations" line of allocprof symbolize
	"$ALLOCPROF" symbolize "$1" -o "$WORK/count.pb.gz" 2>&1 | sed -n 's/.* of \([0-9]*\) locations.*/\1/p'
}

# ---- the generated program ----
echo "generating $UNITS units x $SITES sites..."
mkdir "$WORK/gen"
for u in $(seq 1 "$UNITS"); do
	awk -v u="$u" -v n="$SITES" 'BEGIN {
		print "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>"
		print "struct rec_" u " { int id; double w; char name[24]; struct rec_" u " *next; };"
		for (i = 1; i <= n; i++) {
			printf "static inline char *helper_%d_%d(size_t k) { char *p = malloc(k + %d); if (p) memset(p, %d, k); return p; }\n", u, i, i % 13, i % 200
			printf "__attribute__((noinline)) char *site_%d_%d(size_t k) { struct rec_%d r = { %d, k * 0.5, \"\", 0 };\n", u, i, u, i
			printf "\tsnprintf(r.name, sizeof(r.name), \"%%d\", r.id); char *p = helper_%d_%d(k + (size_t)r.w); if (p) p[0] = r.name[0]; return p; }\n", u, i
		}
		printf "void run_%d(void) {\n", u
		for (i = 1; i <= n; i++) printf "\tfree(site_%d_%d(%d));\n", u, i, 16 + i
		print "}"
	}' > "$WORK/gen/unit$u.c"
done
{
	for u in $(seq 1 "$UNITS"); do echo "void run_$u(void);"; done
	echo "#include <stdlib.h>"
	echo "int main(int argc, char **argv) { int n = argc > 1 ? atoi(argv[1]) : $UNITS;"
	for u in $(seq 1 "$UNITS"); do echo "	if (n >= $u) run_$u();"; done
	echo "	return 0; }"
} > "$WORK/gen/main.c"
echo "compiling ($(nproc) jobs)..."
ls "$WORK"/gen/*.c | xargs -P "$(nproc)" -I{} sh -c 'gcc -O2 -g -fno-builtin-malloc -c "$1" -o "${1%.c}.o"' _ {}
gcc -o "$WORK/big" "$WORK"/gen/*.o
size=$(stat -c %s "$WORK/big")
dsize=$(size -A "$WORK/big" | awk '$1 ~ /^\.debug_/ { s += $2 } END { print s + 0 }')

# bench NAME CMD...: profiles CMD; prints its unique addresses, the time
# of `allocprof symbolize` on the profile and what symbolizing adds to the
# shim's exit dump (the same run with ALLOCPROF_SYMBOLIZE=1 and =0)
bench() {
	name=$1; shift
	mkdir -p "$WORK/$name.raw" "$WORK/$name.on" "$WORK/$name.off"
	(cd "$WORK/$name.raw" && LD_PRELOAD="$SHIM" ALLOCPROF_SYMBOLIZE=0 "$@" > /dev/null)
	raw=$(ls "$WORK/$name.raw"/*.pb.gz | grep -v peak | head -1)
	nloc=$(locations "$raw")
	t_off=$(best_of "$ROUNDS" "$ALLOCPROF" symbolize -q "$raw" -o "$WORK/$name.sym.pb.gz")
	t_on=$(cd "$WORK/$name.on" && best_of "$ROUNDS" env LD_PRELOAD="$SHIM" ALLOCPROF_SYMBOLIZE=1 "$@")
	t_plain=$(cd "$WORK/$name.off" && best_of "$ROUNDS" env LD_PRELOAD="$SHIM" ALLOCPROF_SYMBOLIZE=0 "$@")
	awk -v n="$name" -v loc="$nloc" -v a="$t_off" -v on="$t_on" -v off="$t_plain" 'BEGIN {
		printf "%-16s %9d %12.0f %14.0f\n", n, loc, a * 1000, (on - off) * 1000 }'
	echo "$nloc $t_off $t_on $t_plain" > "$WORK/$name.result"
}

echo
echo "generated binary: $((size / 1024)) KiB with $((dsize / 1024)) KiB of DWARF, $((UNITS * SITES)) sites; best of $ROUNDS"
printf "%-16s %9s %12s %14s\n" workload addresses "offline ms" "shim extra ms"
bench generated-1 env ALLOCPROF_RATE=1 "$WORK/big" 1
bench generated env ALLOCPROF_RATE=1 "$WORK/big"
# the cost of one more address: the difference between the two runs
read -r n1 a1 on1 off1 < "$WORK/generated-1.result"
read -r n2 a2 on2 off2 < "$WORK/generated.result"
awk -v n1="$n1" -v n2="$n2" -v a1="$a1" -v a2="$a2" -v on1="$on1" -v off1="$off1" -v on2="$on2" \
	-v off2="$off2" 'BEGIN { s1 = on1 - off1; s2 = on2 - off2;
	printf "per unique address: %.1f us offline, %.1f us in the shim (fixed cost %.0f ms)\n",
		(a2 - a1) * 1e6 / (n2 - n1), (s2 - s1) * 1e6 / (n2 - n1), (a1 - (a2 - a1) * n1 / (n2 - n1)) * 1000 }'

if [ -x /usr/bin/python3.11 ]; then
	pyid=$(eu-readelf -n /usr/bin/python3.11 2>/dev/null | awk '/Build ID:/ { print $3 }')
	dbg="names from .dynsym only"
	[ -f "/usr/lib/debug/.build-id/${pyid:0:2}/${pyid:2}.debug" ] && dbg="with python3.11-dbg's DWARF"
	echo "python3.11 ($dbg):"
	bench python env ALLOCPROF_RATE=4096 /usr/bin/python3.11 -c '
import json, re
d = [{"k%d" % i: [i] * (i % 50), "s": "x" * (i % 300)} for i in range(20000)]
s = json.dumps(d); json.loads(s); re.findall(r"k(\d+)", s)
'
fi

if [ "$CXX" = 1 ]; then
	echo "generating and compiling 20 C++ units x 50 functions..."
	mkdir "$WORK/cxx"
	for u in $(seq 1 20); do
		awk -v u="$u" -v n=50 'BEGIN {
			print "#include <iostream>\n#include <map>\n#include <memory>\n#include <string>\n#include <vector>"
			for (i = 1; i <= n; i++)
				printf "__attribute__((noinline)) size_t f_%d_%d(int k) { std::map<std::string, std::vector<long>> m; for (int j = 0; j < k; j++) m[std::to_string(j)].push_back(j); auto p = std::make_unique<std::string>(\"abcdefghijklmnopqrstuvwxyz%d\"); return m.size() + p->size(); }\n", u, i, i
			printf "size_t run_%d() { size_t s = 0;\n", u
			for (i = 1; i <= n; i++) printf "\ts += f_%d_%d(%d);\n", u, i, 3 + i % 5
			print "\treturn s; }"
		}' > "$WORK/cxx/u$u.cc"
	done
	{
		echo "#include <cstddef>"
		for u in $(seq 1 20); do echo "size_t run_$u();"; done
		echo "int main() { size_t s = 0;"
		for u in $(seq 1 20); do echo "	s += run_$u();"; done
		echo "	return (int)(s & 1); }"
	} > "$WORK/cxx/main.cc"
	ls "$WORK"/cxx/*.cc | xargs -P "$(nproc)" -I{} sh -c 'g++ -O2 -g -c "$1" -o "${1%.cc}.o"' _ {}
	g++ -o "$WORK/bigxx" "$WORK"/cxx/*.o
	echo "C++ binary: $(($(stat -c %s "$WORK/bigxx") / 1024)) KiB:"
	bench cxx env ALLOCPROF_RATE=1 "$WORK/bigxx"
fi

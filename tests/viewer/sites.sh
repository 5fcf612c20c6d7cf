#!/bin/sh
# A site is the user's line (viewer/site.h): on C++ programs summary, hints,
# top --by site and diff --by site name the program's line with the library
# call beside it, while top --by line stays go tool pprof's; on sqlite3 (a
# stripped library with .dynsym names) no site is an unnamed library frame
# nor the C runtime's start; a stripped library's own thread is the library's.
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/cxx"
(cd "$WORK/cxx" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/cxx/p.pb.gz" "$PROGS/known_sites_cxx")
prof="$WORK/cxx/p.pb.gz"

# row FILE PATTERN: the flat value of the row whose name matches PATTERN
row() { awk -v re="$2" '$1 ~ /^-?[0-9]/ && $0 ~ re { print $1; exit }' "$1"; }

"$ALLOCPROF" top --by site -alloc_objects -nodefraction=0 "$prof" > "$WORK/site.txt"
check "top --by site: make_unique at its line, 50 objects" \
	"$(row "$WORK/site.txt" 'f_make_unique\(int\) .*known_sites_cxx.cc:39 \(via std::make_unique\)$')" 50
check "top --by site: push_back at its line, 8 objects" \
	"$(row "$WORK/site.txt" 'f_push_back\(int\) .*known_sites_cxx.cc:46 \(via std::vector::push_back\)$')" 8
check "top --by site: grow_vector, 11 objects" \
	"$(row "$WORK/site.txt" 'grow_vector\(int\) .*known_sites_cxx.cc:16 \(via std::vector::push_back\)$')" 11
check "top --by site: new_node has no via" "$(row "$WORK/site.txt" 'new_node\(\) .*known_sites_cxx.cc:9$')" 101
check "top --by site: no row in a C++ header" "$(grep -c '/usr/include/c++/[^ ]* *$' "$WORK/site.txt")" 0
"$ALLOCPROF" top --by line -alloc_objects -nodefraction=0 "$prof" > "$WORK/line.txt"
check "top --by line stays pprof's: vector<long>'s allocator line allocates 11" \
	"$(row "$WORK/line.txt" '__new_allocator<long>::allocate.*new_allocator.h:[0-9]+ \\(inline\\)$')" 11

"$ALLOCPROF" summary -n 20 "$prof" > "$WORK/summary.txt"
check "summary: no site in a C++ header" "$(grep -c '/usr/include' "$WORK/summary.txt")" 0
grep -q 'f_make_unique(int) .*known_sites_cxx.cc:39 (via std::make_unique)' "$WORK/summary.txt" &&
	ok "summary: make_unique's site" || not_ok "summary: $(grep make_unique "$WORK/summary.txt")"
"$ALLOCPROF" hints --min-share 0 "$prof" > "$WORK/hints.txt"
check "hints: no site in a C++ header" "$(grep -c '^[0-9]*\. [a-z-]*: [^ ]* /usr/include' "$WORK/hints.txt")" 0
grep -q '^[0-9]*\. [a-z-]*: f_make_unique(int) ' "$WORK/hints.txt" &&
	ok "hints: name the user's function" || not_ok "hints: $(grep '^[0-9]' "$WORK/hints.txt")"

# a unique_ptr's delete is inlined from unique_ptr.h into the function that
# lets it go: freed_at (the shim's label) names that function's line, where
# the pointer goes out of scope
if "$BUILD/tests/shim/pfq" --mappings "$prof" | head -1 | grep -q ' F'; then
	check "freed_at: the program's line a header's delete was inlined into" \
		"$("$BUILD/tests/shim/pfq" --labels "$prof" | grep -o 'freed_at="[^"]*"' | grep -c '="f_make_unique(int) [^ ]*known_sites_cxx.cc:41"')" 1
	# a vector's old buffer is freed inside _M_realloc_insert, a library
	# function: freed_at names it, not the deallocate inlined into it
	check "freed_at: no line of new_allocator.h" \
		"$("$BUILD/tests/shim/pfq" --labels "$prof" | grep -c 'freed_at="[^"]*new_allocator.h')" 0
else
	skip "the shim does not name frames itself here: freed_at is its label"
fi

# an operator beside the site is named short, like any call: std::operator+,
# not its return type, template arguments and parameters
if command -v g++ > /dev/null; then
	mkdir "$WORK/ops"
	cat > "$WORK/ops/ops.cc" <<'CXX'
#include <string>
__attribute__((noinline)) std::string concat(int i) {
	return std::to_string(i) + "-a-suffix-long-enough-to-leave-the-small-string";
}
int main() {
	for (int i = 0; i < 20; i++) {
		std::string s = concat(i);
		asm volatile("" : : "r"(s.data()));
	}
}
CXX
	g++ -O1 -g -fno-builtin -o "$WORK/ops/ops" "$WORK/ops/ops.cc"
	(cd "$WORK/ops" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/ops/p.pb.gz" ./ops)
	"$ALLOCPROF" top --by site -alloc_objects -nodefraction=0 "$WORK/ops/p.pb.gz" > "$WORK/ops/site.txt"
	check "top --by site: an operator beside the site, named short" \
		"$(row "$WORK/ops/site.txt" 'concat.* .*ops.cc:3 \(via std::operator\+\)$')" 20
else
	skip "no g++"
fi

# a stripped library whose own thread allocates (xz's liblzma): its frames
# have no name, and the thread's start in libc called them; the site is the
# library, not start_thread
if command -v gcc > /dev/null; then
	mkdir "$WORK/thr"
	cat > "$WORK/thr/worker.c" <<'C'
#include <pthread.h>
#include <stdlib.h>
__attribute__((noinline)) static void *work(void *arg) {
	for (int i = 0; i < 30; i++)
		free(malloc(100 + (size_t)i));
	return arg;
}
__attribute__((visibility("default"))) void worker_run(void) {
	pthread_t t;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, NULL);
}
C
	printf 'void worker_run(void);\nint main(void) { worker_run(); return 0; }\n' > "$WORK/thr/main.c"
	gcc -O1 -fno-builtin -fPIC -shared -fvisibility=hidden -o "$WORK/thr/libworker.so" "$WORK/thr/worker.c" -lpthread
	strip "$WORK/thr/libworker.so"
	gcc -O1 -o "$WORK/thr/main" "$WORK/thr/main.c" -L"$WORK/thr" -lworker
	(cd "$WORK/thr" && LD_LIBRARY_PATH="$WORK/thr" LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 \
		ALLOCPROF_OUT="$WORK/thr/p.pb.gz" ./main)
	"$ALLOCPROF" top --by site -alloc_objects -nodefraction=0 "$WORK/thr/p.pb.gz" > "$WORK/thr/site.txt"
	check "a stripped library's thread: the library is the site" \
		"$(row "$WORK/thr/site.txt" '%  \[libworker.so\]')" 30
	check "a stripped library's thread: start_thread is not" "$(row "$WORK/thr/site.txt" 'start_thread')" ""
else
	skip "no gcc"
fi

# OpenSSL's allocation functions are wrappers (libcrypto has .dynsym names
# only): their callers are the sites
if command -v openssl > /dev/null; then
	mkdir "$WORK/ossl"
	(cd "$WORK/ossl" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/ossl/p.pb.gz" \
		openssl rand -hex 16 > /dev/null)
	"$ALLOCPROF" top --by site -nodefraction=0 "$WORK/ossl/p.pb.gz" > "$WORK/ossl/site.txt"
	check "openssl: no site is CRYPTO_malloc, CRYPTO_zalloc, CRYPTO_memdup..." \
		"$(grep -c '%  CRYPTO_\(malloc\|zalloc\|realloc\|clear_realloc\|memdup\|strdup\|strndup\)\( \|$\)' "$WORK/ossl/site.txt")" 0
else
	skip "no openssl"
fi

# run's closing summary names the biggest site
mkdir "$WORK/run"
"$ALLOCPROF" run --rate 1 -o "$WORK/run/ks.pb.gz" "$PROGS/known_sites" > /dev/null 2> "$WORK/run/err.txt"
grep -q 'biggest site: site_realloc_grow known_sites.c:13, 146.48kB' "$WORK/run/err.txt" &&
	ok "run: the biggest site" || not_ok "run: $(cat "$WORK/run/err.txt")"

# diff --by site: rows are sites
"$ALLOCPROF" diff --by site -alloc_objects "$DATA/request_before.pb.gz" "$DATA/request_after.pb.gz" > "$WORK/diff.txt"
grep -q '^Rows: NEW - BASE per site' "$WORK/diff.txt" && ok "diff --by site: per site" || not_ok "diff: $(head -12 "$WORK/diff.txt")"
check "diff --by site: new_request, 999 fewer" "$(row "$WORK/diff.txt" 'new_request .*request.c:22')" -999
check "peek refuses --by site" "$("$ALLOCPROF" peek --by site . "$prof" > /dev/null 2>&1 || echo $?)" 2

# sqlite3: its library has only .dynsym names; the leaf frame has none
if command -v sqlite3 > /dev/null; then
	mkdir "$WORK/sq"
	printf '%s\n' 'create table t(a, b);' \
		'with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000)' \
		'insert into t select x, printf("%040d", x) from c;' 'select count(*) from t;' > "$WORK/sq/s.sql"
	(cd "$WORK/sq" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/sq/p.pb.gz" sqlite3 :memory: < s.sql > /dev/null)
	"$ALLOCPROF" summary "$WORK/sq/p.pb.gz" > "$WORK/sq/summary.txt"
	first=$(sed -n '/^Biggest sites/{n;n;p;q}' "$WORK/sq/summary.txt")
	case "$first" in
	*'%'*' '[0-9]*'  '[A-Za-z_]*) ok "sqlite3: the biggest site names a function: $first" ;;
	*) not_ok "sqlite3: the biggest site: $first" ;;
	esac
	check "sqlite3: no site is an unnamed frame" \
		"$(sed -n '/^Biggest sites/,$p' "$WORK/sq/summary.txt" | grep -c '^ .*%  *[0-9]*  \[')" 0
	"$ALLOCPROF" top --by site "$WORK/sq/p.pb.gz" > "$WORK/sq/top.txt"
	# the shell itself is stripped: its own calls of malloc are "[sqlite3]",
	# not the C runtime's __libc_start_call_main that called it
	check "sqlite3: top --by site has no unnamed row but the program's" \
		"$(grep '%  \[' "$WORK/sq/top.txt" | grep -vc '%  \[sqlite3\]')" 0
	check "sqlite3: no site is the C runtime's start" \
		"$(grep -c '%  \(__libc_start\|_start \|start_thread\)' "$WORK/sq/top.txt")" 0
	grep -q '(via sqlite3Malloc)' "$WORK/sq/top.txt" && ok "sqlite3: sqlite3Malloc is the library call beside the site" ||
		not_ok "sqlite3: $(tail -5 "$WORK/sq/top.txt")"
else
	skip "sqlite3 is not installed"
fi
finish

#!/bin/sh
# A program built with -fsanitize=address runs under the profiler as it runs
# without it: allocprof run lets its runtime come after the shim
# (ASAN_OPTIONS=verify_asan_link_order=0), the shim does not start inside the
# runtime's own setup (its first mallocs come before its interceptors know
# the real functions: getcwd or libunwind's setup crashed there), and the
# symbolizer's memory is given back after the exit profile, so LeakSanitizer
# finds nothing and the exit status is the program's.
. "$(dirname "$0")/lib.sh"
ALLOCPROF="$BUILD/viewer/allocprof"
d="$WORK/asan"
mkdir -p "$d"
cat > "$d/host.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
	void *keep[100];
	for (int i = 0; i < 100; i++)
		keep[i] = malloc(32); /* KEEP_SITE */
	for (int i = 0; i < 1000; i++)
		free(malloc(48)); /* TEMP_SITE */
	for (int i = 0; i < 100; i++)
		free(keep[i]);
	printf("done\n");
	return 0;
}
C
if ! cc -g -O0 -fno-builtin -fsanitize=address -o "$d/host" "$d/host.c" 2> "$d/cc.err"; then
	skip "cc cannot build with -fsanitize=address: $(head -c 200 "$d/cc.err")"
	finish
	exit
fi
line() { grep -n "/\* $1 \*/" "$d/host.c" | cut -d: -f1; }

status=0
(cd "$d" && "$ALLOCPROF" run --rate 1 -o "$d/p.pb.gz" -- ./host > "$d/out" 2> "$d/err") || status=$?
check "allocprof run: the program exits 0" "$status" 0
check "allocprof run: its output" "$(cat "$d/out")" "done"
check "allocprof run: no sanitizer report" "$(grep -c 'AddressSanitizer\|LeakSanitizer' "$d/err")" 0
samples "$d/p.pb.gz" > "$d/s.txt"
check "allocprof run: keep_site, exact" "$(leafline "host.c:$(line KEEP_SITE)" < "$d/s.txt")" "100 3200 0 0"
check "allocprof run: temp_site, exact" "$(leafline "host.c:$(line TEMP_SITE)" < "$d/s.txt")" "1000 48000 0 0"

# the default rate, preloaded by hand as the README shows
status=0
(cd "$d" && ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$d/q.pb.gz" ./host \
	> "$d/out2" 2> "$d/err2") || status=$?
check "preloaded: the program exits 0" "$status" 0
check "preloaded: no sanitizer report" "$(grep -c 'AddressSanitizer\|LeakSanitizer' "$d/err2")" 0
finish

#!/bin/bash
# allocprof attach on a program started without the profiler: it runs on
# unharmed, its output and status its own; exact counts at rate 1 for what
# it did between attach and detach, nothing of what came before; a second
# attach after the first; one while another records is refused; threads
# allocating all through the attach; a library dlopen'ed while attached;
# C++ new and delete; the process ending while attached.
. "$(dirname "$0")/lib.sh"
if ! command -v gdb > /dev/null; then
	skip "gdb is not installed (scripts/setup.sh installs it)"
	finish
	exit
fi
if ! ptrace_possible; then
	skip "this machine forbids ptrace (kernel.yama.ptrace_scope=$(cat /proc/sys/kernel/yama/ptrace_scope), uid $(id -u))"
	finish
	exit
fi
ALLOC=$(site_line ALLOC_SITE)
PRE=$(site_line PRE_SITE)

# samples P: pfq's lines; leafline FILE:LINE: "objects bytes inuse_objects
# inuse_bytes" of the samples whose leaf is there
samples() { "$PFQ" "$1"; }
leafline() {
	awk -F'\t' -v fl="$1" '{ split($2, fr, ";"); split(fr[1], a, "@");
		if (a[2] == fl) { split($1, v, " "); for (i = 1; i <= 4; i++) s[i] += v[i] } }
		END { printf "%d %d %d %d\n", s[1], s[2], s[3], s[4] }'
}
# the samples with a negative figure (a free counted without its allocation)
negatives() { awk -F'\t' '{ split($1, v, " "); for (i = 1; i <= 4; i++) if (v[i] < 0) n++ } END { print n + 0 }'; }

# 1. --duration 2, nothing sent meanwhile: the process runs on
d="$WORK/plain"
start_attachee "$d" 0
fds() { ls -l /proc/$APID/fd | awk 'NR > 1 { print $9, $10, $11 }'; }
fds > "$d/fds.before"
status=0
# pprof's spellings and options after the PID, as every command takes them
# (the later attaches use the GNU ones)
"$ALLOCPROF" attach "$APID" -duration=2 -o="$d/p.pb.gz" 2> "$d/attach.err" || status=$?
fds > "$d/fds.after"
same "its descriptors are what they were" "$d/fds.after" "$d/fds.before"
check "attach --duration 2: status" "$status" 0
check "attach --duration 2: says it detached" \
	"$(grep -c "detached from process $APID (attachee); it runs on" "$d/attach.err")" 1
check "attach --duration 2: a profile" "$(test -s "$d/p.pb.gz" && echo yes)" yes
check "the profiler is inert after detach: no thread of its own" \
	"$(cat /proc/$APID/task/*/comm | grep -c '^allocprof$' || true)" 0
say "$d" "alloc 5" "done 5"
status=0
quit_attachee "$d" || status=$?
check "attached and detached: the program exits 0" "$status" 0
printf 'ready\ndone 5\nbye\n' > "$WORK/expected"
same "its stdout is its own" "$d/out" "$WORK/expected"
check "its stderr is empty" "$(cat "$d/err")" ""

# 2. exact counts at rate 1 between attach and detach
d="$WORK/exact"
start_attachee "$d" 0
attach_bg "$d" "$d/first.pb.gz" --rate 1
say "$d" "alloc 1000" "done 1000"
say "$d" "freepre" "freed"
# a child forked while attached records nothing and writes no profile
say "$d" "fork 30" "forked 30"
status=0
stop_attach || status=$?
check "attach (SIGTERM): status" "$status" 0
check "a fork child wrote no profile" "$(ls "$d"/*.pb.gz)" "$d/first.pb.gz"
say "$d" "alloc 77" "done 77"
samples "$d/first.pb.gz" > "$d/first.txt"
check "rate 1: alloc_site, all made in the window (10 kept)" \
	"$(leafline "attachee.c:$ALLOC" < "$d/first.txt")" "1000 48000 10 480"
check "blocks allocated before attach are not seen" "$(leafline "attachee.c:$PRE" < "$d/first.txt")" "0 0 0 0"
check "their frees are ignored: no negative figure" "$(negatives < "$d/first.txt")" 0

# 3. a second attach to the same process records only its own window
attach_bg "$d" "$d/second.pb.gz" --rate 1
check "second attach: it starts" "$(grep -c 'attached to process' "$d/attach.err")" 1
# 4. one while another records is refused
status=0
"$ALLOCPROF" attach --duration 1 -o "$d/third.pb.gz" "$APID" 2> "$d/third.err" || status=$?
check "attach while another records: status" "$status" 1
check "attach while another records: why" \
	"$(sed "s/(process [0-9]*)/(process N)/" "$d/third.err")" \
	"allocprof attach: process $APID (attachee) is already being profiled by allocprof attach (process N)"
say "$d" "alloc 500" "done 500"
status=0
stop_attach || status=$?
check "second attach: status" "$status" 0
samples "$d/second.pb.gz" > "$d/second.txt"
check "second attach: alloc_site counts its own window only" \
	"$(leafline "attachee.c:$ALLOC" < "$d/second.txt")" "500 24000 10 480"
check "second attach: no negative figure" "$(negatives < "$d/second.txt")" 0
status=0
quit_attachee "$d" || status=$?
check "attached twice: the program exits 0" "$status" 0
printf 'ready\ndone 1000\nfreed\nforked 30\ndone 77\ndone 500\nbye\n' > "$WORK/expected"
same "attached twice: its stdout is its own" "$d/out" "$WORK/expected"

# 4b. blocks from before the attach freed and their addresses handed straight
# back: the frees are of blocks never seen, the new blocks are live
d="$WORK/replace"
start_attachee "$d" 0
attach_bg "$d" "$d/p.pb.gz" --rate 1
say "$d" "replacepre" "replaced"
stop_attach
samples "$d/p.pb.gz" > "$d/s.txt"
check "an address reused after an unseen free: the new blocks are in use" \
	"$(leafline "attachee.c:$(site_line REPLACE_SITE)" < "$d/s.txt")" "500 32000 500 32000"
quit_attachee "$d"

# 5. four threads allocating and freeing all through attach and detach
d="$WORK/threads"
start_attachee "$d" 4
attach_bg "$d" "$d/p.pb.gz" --rate 1
say "$d" "alloc 1000" "done 1000"
# the workers allocate inside the window: 1000 more of theirs, whatever the scheduler does
say "$d" "rounds 1000" "rounds 1000"
status=0
stop_attach || status=$?
check "threads: attach status" "$status" 0
samples "$d/p.pb.gz" > "$d/s.txt"
check "threads: alloc_site exact beside them" "$(leafline "attachee.c:$ALLOC" < "$d/s.txt")" "1000 48000 10 480"
check "threads: no negative figure" "$(negatives < "$d/s.txt")" 0
worker=$(leafline "attachee.c:$(site_line WORKER_SITE)" < "$d/s.txt")
set -- $worker
# each thread holds 64 slots at most: what is in use is at most 4 x 64
echo "# worker_site: objects bytes, in use objects bytes: $worker"
check "threads: worker_site sampled, in use within what the threads hold" \
	"$([ "$1" -gt 0 ] && [ "$3" -ge 0 ] && [ "$3" -le 256 ] && echo yes)" yes
status=0
quit_attachee "$d" || status=$?
check "threads: the program exits 0" "$status" 0
check "threads: joined" "$(tail -1 "$d/out")" "bye (threads joined)"

# 6. a library dlopen'ed after attach is redirected too; C++ new and delete
d="$WORK/later"
start_attachee "$d" 0
attach_bg "$d" "$d/p.pb.gz" --rate 1
say "$d" "plugin $BUILD/tests/symbolize/libdl_plugin.so 200" "plugin 200"
stop_attach
samples "$d/p.pb.gz" > "$d/s.txt"
check "a library dlopen'ed while attached: plugin_alloc" "$(leafline dl_plugin.c:7 < "$d/s.txt")" "200 20000 0 0"
quit_attachee "$d"
d="$WORK/cxx"
start_attachee "$d" 0 attachee_cxx
attach_bg "$d" "$d/p.pb.gz" --rate 1
say "$d" "new 400" "done 400"
stop_attach
samples "$d/p.pb.gz" > "$d/s.txt"
NEW=$(grep -n "// NEW_SITE" "$SRC/tests/programs/attachee_cxx.cc" | cut -d: -f1)
check "C++: operator new and delete at new_site" "$(leafline "attachee_cxx.cc:$NEW" < "$d/s.txt")" "400 16000 10 400"
status=0
quit_attachee "$d" || status=$?
check "C++: the program exits 0" "$status" 0

# 7. an allocprof attach killed outright leaves the process recording: the
# next attach finds the slots taken and is refused; the process runs on
d="$WORK/killed"
start_attachee "$d" 0
attach_bg "$d" "$d/p.pb.gz" --rate 1
kill -KILL "$ATTACH_PID"
wait "$ATTACH_PID" 2>/dev/null || true
# what the killed command would have removed: its copy's directory
left=$(grep -o '/tmp/allocprof-attach\.[A-Za-z0-9]*' /proc/$APID/maps | sort -u)
status=0
"$ALLOCPROF" attach --duration 1 -o "$d/q.pb.gz" "$APID" 2> "$d/again.err" || status=$?
check "after a killed attach: status" "$status" 1
check "after a killed attach: why" "$(cat "$d/again.err")" \
	"allocprof attach: the profiler in process $APID (attachee) did not start: another attach records in it (one whose allocprof attach was killed records until the process ends)"
say "$d" "alloc 100" "done 100"
status=0
quit_attachee "$d" || status=$?
check "after a killed attach: the program exits 0" "$status" 0
samples "$d/p.pb.gz" > "$d/s.txt"
check "after a killed attach: the profile of its exit" "$(leafline "attachee.c:$ALLOC" < "$d/s.txt")" "100 4800 10 480"
rm -rf $left

# 8. the process ends while attached: the profile of its exit
d="$WORK/ends"
start_attachee "$d" 0
attach_bg "$d" "$d/p.pb.gz" --rate 1
say "$d" "alloc 300" "done 300"
status=0
quit_attachee "$d" || status=$?
check "ends while attached: the program exits 0" "$status" 0
status=0
wait_bounded "$ATTACH_PID" 120 || status=$?
check "ends while attached: attach status" "$status" 0
check "ends while attached: says so" "$(grep -c 'the process ended while attached' "$d/attach.err")" 1
samples "$d/p.pb.gz" > "$d/s.txt"
check "ends while attached: alloc_site" "$(leafline "attachee.c:$ALLOC" < "$d/s.txt")" "300 14400 10 480"

# 9. a program built with AddressSanitizer: after the detach, the memory the
# profiler's symbolizer took from the program's allocator is given back, and
# its libraries' thread-local blocks went with a thread of the profiler's, so
# LeakSanitizer finds nothing at exit and the status stays the program's
d="$WORK/asan"
mkdir -p "$d"
cat > "$d/host.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* taken in code, so that a program linked without -pie has malloc's PLT
 * entry as its address (section 10) */
void *(*malloc_address)(size_t);
int main(void)
{
	void *(*taken)(size_t) = malloc;
	__asm__ volatile("" : "+r"(taken));
	malloc_address = taken;
	char line[64];
	void *keep[100];
	for (int i = 0; i < 100; i++)
		keep[i] = malloc(32);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (fgets(line, sizeof(line), stdin) && strcmp(line, "quit\n")) {
		for (int i = 0; i < 1000; i++)
			free(malloc(48)); /* HOST_SITE */
		printf("done\n");
	}
	for (int i = 0; i < 100; i++)
		free(keep[i]);
	printf("bye\n");
	return 0;
}
C
if cc -g -O0 -fno-builtin -fsanitize=address -o "$d/host" "$d/host.c" 2> "$d/cc.err"; then
	start_attachee "$d" "" "$d/host"
	attach_bg "$d" "$d/p.pb.gz" --rate 1
	say "$d" "go" "done"
	stop_attach
	samples "$d/p.pb.gz" > "$d/s.txt"
	check "AddressSanitizer: the host's 1000 blocks" "$(leafline "host.c:$(grep -n HOST_SITE "$d/host.c" | cut -d: -f1)" < "$d/s.txt")" "1000 48000 0 0"
	status=0
	quit_attachee "$d" || status=$?
	check "AddressSanitizer: the program exits 0" "$status" 0
	# LeakSanitizer (gcc 12) crashed at exit ("Tracer caught signal 11")
	# when libdw's thread-local block was the program thread's
	check "AddressSanitizer: no leak reported, no crash" "$(grep -c 'LeakSanitizer\|Tracer caught' "$d/err")" 0
else
	skip "cc cannot build with -fsanitize=address: $(head -c 200 "$d/cc.err")"
fi

# 10. a program linked without -pie that takes malloc's address: the global
# lookup of malloc gives its PLT entry, whose GOT slot the attach redirects
# (node, Debian's, is such a program: it died of a stack overflow, the shim
# calling itself)
d="$WORK/nopie"
mkdir -p "$d"
if cc -g -O1 -fno-builtin -fno-pie -no-pie -o "$d/host" "$WORK/asan/host.c" 2> "$d/cc.err"; then
	check "non-PIE: malloc's address is its PLT entry" \
		"$(readelf -W --dyn-syms "$d/host" | awk '$8 ~ /^malloc@/ && $7 == "UND" && $2 !~ /^0+$/' | wc -l)" 1
	start_attachee "$d" "" "$d/host"
	attach_bg "$d" "$d/p.pb.gz" --rate 1
	say "$d" "go" "done"
	stop_attach
	samples "$d/p.pb.gz" > "$d/s.txt"
	check "non-PIE: the host's 1000 blocks" \
		"$(leafline "host.c:$(grep -n HOST_SITE "$WORK/asan/host.c" | cut -d: -f1)" < "$d/s.txt")" "1000 48000 0 0"
	status=0
	quit_attachee "$d" || status=$?
	check "non-PIE: the program exits 0" "$status" 0
else
	skip "cc cannot link without -pie: $(head -c 200 "$d/cc.err")"
fi
finish

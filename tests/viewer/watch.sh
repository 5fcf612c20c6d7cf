#!/bin/bash
# allocprof watch: the live view of a process under the shim. Text mode at
# rate 1 (exact counts at a known line (steady.c:28), rates from two snapshots), the
# refusals (no process, no shim), a process that exits while watched, and the
# full-screen view under tmux: the site appears, q and ^C end the view, the
# terminal comes back and the process runs on. No timing is asserted: every
# wait is for a condition, bounded only so a hang fails instead of stalling.
. "$(dirname "$0")/lib.sh"
STEADY="$PROGS/steady"
SITE="counted_site steady.c:28"
CHURN="churn_site steady.c:23"
PIDS=""
TMUX_SOCK="allocprof-watch-$$"
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds;
# 1 when it never did within the bound
wait_until() {
	local limit=$(($1 * 10)) i=0
	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -lt $limit ] || return 1
		sleep 0.1
	done
}
has() { grep -qF -- "$2" "$1" 2>/dev/null; }
running() { kill -0 "$1" 2>/dev/null && ! grep -q '^[^)]*) [ZX]' "/proc/$1/stat" 2>/dev/null; }
# where the request and the snapshot go (src/livefmt.h)
if [ -w /dev/shm ] && [ -x /dev/shm ]; then LIVE_DIR=/dev/shm; else LIVE_DIR=/tmp; fi
no_live_files() { ! ls "$LIVE_DIR/allocprof-live.$1".* > /dev/null 2>&1; }

# start_count NAME N SIZE [ENV...]: steady count N SIZE in the background,
# reading $WORK/NAME.in (held open on fd 3 here) and printing to
# $WORK/NAME.out; sets CPID once it said "ready"
start_count() {
	local name=$1 n=$2 size=$3
	shift 3
	mkfifo "$WORK/$name.in"
	env "$@" "$STEADY" count "$n" "$size" < "$WORK/$name.in" > "$WORK/$name.out" 2> "$WORK/$name.err" &
	CPID=$!
	PIDS="$PIDS $CPID"
	exec 3> "$WORK/$name.in"
	wait_until 60 has "$WORK/$name.out" ready
}
# stop_count: EOF on its input; its exit status
stop_count() {
	exec 3>&-
	wait_bounded "$CPID" 60
}

# the row of SITE in a text snapshot: allocs/s bytes/s inuse blocks allocs allocated
row_of() { grep -F -- "$2" "$1" | sed -n "${3:-1}p" | awk '{print $1, $2, $3, $4, $5, $6}'; }

# le32 N, le64 N: N in the host's (little-endian) byte order
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
le64() { le32 $(($1 & 0xffffffff)); le32 $((($1 >> 32) & 0xffffffff)); }
# stale_snapshot PID: the snapshot an earlier process of that pid left (seq
# 1000, another start), with no record
stale_snapshot() {
	{ printf 'APLIVE01'; printf "$(le32 112)$(le32 40)$(le32 "$1")$(le32 16)$(le64 1000)$(le64 0)$(le64 1)"
	  head -c 64 /dev/zero; } > "$LIVE_DIR/allocprof-live.$1.snap"
}

## text mode, exact counts
start_count exact 1000 64 ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/"
# a snapshot left by a process that had this pid before is not taken for
# an answer, and does not hide the answers of this one
stale_snapshot "$CPID"
status=0
"$ALLOCPROF" watch --count 2 --interval 0.2 --timeout 60 "$CPID" > "$WORK/exact.txt" 2> "$WORK/exact.err" || status=$?
check "watch --count 2 of a process at rate 1 exits" "$status" 0
check "two snapshots printed" "$(grep -c '^allocprof watch: pid' "$WORK/exact.txt")" 2
if has "$WORK/exact.txt" "rate 1: exact counts"; then ok "says the counts are exact"; else not_ok "says the counts are exact"; fi
# 1000 blocks of 64 bytes, all kept: 62.50kB; the first snapshot's rate is
# since the start, so only the second one's (0: nothing allocated since) is
# exact
first=$(row_of "$WORK/exact.txt" "$SITE" 1)
second=$(row_of "$WORK/exact.txt" "$SITE" 2)
check "first snapshot: in use, blocks, allocs, allocated at $SITE" "$(echo "$first" | cut -d' ' -f3-)" "62.50kB 1000 1000 62.50kB"
check "second snapshot: nothing allocated since the first" "$second" "0 0/s 62.50kB 1000 1000 62.50kB"
if running "$CPID"; then ok "the watched process runs on"; else not_ok "the watched process runs on"; fi
check "no request or snapshot file left" "$(no_live_files "$CPID" && echo none)" none
stop_count && st=0 || st=$?
check "the watched process exits normally" "$st" 0
[ -s "$WORK/exact.err" ] && sed 's/^/# /' "$WORK/exact.err"

## one collector thread, however many threads sample when the request
## comes (the default rate: none runs until watch asks)
LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/" "$STEADY" forever 8 2> /dev/null &
tpid=$!
PIDS="$PIDS $tpid"
wait_until 60 has "/proc/$tpid/maps" liballocprof.so
status=0
"$ALLOCPROF" watch --once --timeout 60 "$tpid" > "$WORK/threads.txt" 2>&1 || status=$?
check "watch --once of 8 threads allocating" "$status" 0
collectors() { grep -lx allocprof /proc/"$tpid"/task/*/comm 2>/dev/null | wc -l; }
check "collector threads in the watched process" "$(collectors)" 1
kill "$tpid"

## refusals
"$STEADY" count 1 8 < /dev/null > /dev/null &
plain=$!
wait "$plain" || true
status=0
"$ALLOCPROF" watch --once "$plain" > "$WORK/gone.txt" 2>&1 || status=$?
check "a pid that is no process: exit status" "$status" 1
check "a pid that is no process: the line" "$(cat "$WORK/gone.txt")" "allocprof watch: no process $plain"

start_count plain 1 8
status=0
"$ALLOCPROF" watch --once --timeout 60 "$CPID" > "$WORK/plain.txt" 2>&1 || status=$?
check "a process without the shim: exit status" "$status" 1
if has "$WORK/plain.txt" "does not run under the profiler"; then ok "a process without the shim: says so"
else not_ok "a process without the shim: $(cat "$WORK/plain.txt")"; fi
stop_count || true

## the process exits while watched
start_count mid 10 64 ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/"
# without fd 3: the process's input must reach EOF when this script closes it
"$ALLOCPROF" watch --count 100000 --interval 0.1 --timeout 60 "$CPID" > "$WORK/mid.txt" 2> "$WORK/mid.err" 3>&- &
wpid=$!
PIDS="$PIDS $wpid"
wait_until 60 has "$WORK/mid.txt" "$SITE" || true
stop_count || true
wait_bounded "$wpid" 60 && status=0 || status=$?
check "the process exits mid-view: watch's status" "$status" 0
check "the process exits mid-view: the last line" "$(tail -n 1 "$WORK/mid.txt")" "allocprof watch: process $CPID exited"

## full screen, under tmux
LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/" "$STEADY" forever 2> /dev/null &
fpid=$!
PIDS="$PIDS $fpid"
# what the host's descriptors and signal handlers look like, to compare
# after being watched (it starts at the default rate: no collector thread
# until watch asks)
# handlers of the classic signals: starting a thread makes glibc take its
# own real-time signals (32, 33) as any program's first pthread_create does
host_state() {
	ls "/proc/$1/fd" | sort | tr '\n' ' '
	awk '/^Sig(Cgt|Ign)/ { print $1, substr($2, 9) }' "/proc/$1/status" | tr '\n' ' '
}
wait_until 60 has "/proc/$fpid/maps" liballocprof.so
sleep 0.2 # lets the program reach its loop; the comparison below does not depend on it
host_before=$(host_state "$fpid")
tm() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
pane() { tm capture-pane -p -t "$SESSION" > "$WORK/pane.txt" 2> /dev/null; }
pane_has() { pane && has "$WORK/pane.txt" "$1"; }
pane_lacks() { pane && ! has "$WORK/pane.txt" "$1"; }
# one session for the whole test: the server ends with its last session, and
# one started again at once may find the old one still going away
tm new-session -d -s keep "sleep 600"
for key in q C-c; do
	SESSION="watch-$key"
	tm new-session -d -s "$SESSION" -x 132 -y 30 \
		"'$ALLOCPROF' watch $fpid; echo \"watch exited: \$?\"; sleep 600"
	if wait_until 60 pane_has "$CHURN"; then ok "[$key] the site shows: $CHURN"
	else not_ok "[$key] the site shows"; sed 's/^/# /' "$WORK/pane.txt"; fi
	# a refresh with a rate: the row's first column, allocs/s, above zero
	rated() { pane && awk -v s="$CHURN" 'index($0, s) && $1 + 0 > 0 { f = 1 } END { exit !f }' "$WORK/pane.txt"; }
	if wait_until 60 rated; then ok "[$key] allocations per second above zero"
	else not_ok "[$key] allocations per second above zero"; sed 's/^/# /' "$WORK/pane.txt"; fi
	if has "$WORK/pane.txt" "in use " && has "$WORK/pane.txt" ", peak " && has "$WORK/pane.txt" "q: quit"; then
		ok "[$key] in use, peak and the keys show"
	else not_ok "[$key] in use, peak and the keys show"; fi
	if [ "$key" = q ]; then
		tm send-keys -t "$SESSION" s
		if wait_until 60 pane_has "sorted by allocs/s"; then ok "[s] orders by allocs/s"
		else not_ok "[s] orders by allocs/s"; sed 's/^/# /' "$WORK/pane.txt"; fi
	fi
	tm send-keys -t "$SESSION" "$key"
	if wait_until 60 pane_has "watch exited: 0"; then ok "[$key] ends the view, status 0"
	else not_ok "[$key] ends the view"; sed 's/^/# /' "$WORK/pane.txt"; fi
	# the terminal is given back: the view's screen is gone
	if pane_lacks "q: quit" && pane_lacks "$CHURN"; then ok "[$key] the terminal is restored"
	else not_ok "[$key] the terminal is restored"; sed 's/^/# /' "$WORK/pane.txt"; fi
	if running "$fpid"; then ok "[$key] the watched process runs on"; else not_ok "[$key] the watched process runs on"; fi
	check "[$key] no request or snapshot file left" "$(no_live_files "$fpid" && echo none)" none
	tm kill-session -t "$SESSION"
done
# a terminal curses does not know: text snapshots until ^C
SESSION=dumb
tm new-session -d -s "$SESSION" -x 132 -y 30 "TERM=nonesuch '$ALLOCPROF' watch $fpid; echo \"watch exited: \$?\"; sleep 600"
if wait_until 60 pane_has "$CHURN" && has "$WORK/pane.txt" "cannot draw on this terminal (TERM=nonesuch)"; then
	ok "[TERM=nonesuch] says so and prints text"
else not_ok "[TERM=nonesuch] says so and prints text"; sed 's/^/# /' "$WORK/pane.txt"; fi
tm send-keys -t "$SESSION" C-c
if wait_until 60 pane_has "watch exited: 0"; then ok "[TERM=nonesuch] ^C ends it, status 0"
else not_ok "[TERM=nonesuch] ^C ends it"; sed 's/^/# /' "$WORK/pane.txt"; fi
tm kill-session -t "$SESSION"
check "the watched process's descriptors and signal handlers are as before" "$(host_state "$fpid")" "$host_before"
kill "$fpid"

# full screen, the process exits while watched: the view ends with a line
start_count screen 10 64 ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" ALLOCPROF_OUT="$WORK/"
SESSION=gone
# a tmux server started here must not hold the process's input open
tm new-session -d -s "$SESSION" -x 132 -y 30 "'$ALLOCPROF' watch $CPID; echo \"watch exited: \$?\"; sleep 600" 3>&-
if wait_until 60 pane_has "$SITE"; then ok "[gone] the site shows"; else not_ok "[gone] the site shows"; fi
stop_count || true
if wait_until 60 pane_has "watch exited: 0"; then ok "[gone] the view ends, status 0"
else not_ok "[gone] the view ends"; sed 's/^/# /' "$WORK/pane.txt"; fi
if has "$WORK/pane.txt" "allocprof watch: process $CPID exited" && ! has "$WORK/pane.txt" "q: quit"; then
	ok "[gone] the terminal is restored and says the process exited"
else not_ok "[gone] the terminal is restored and says the process exited"; sed 's/^/# /' "$WORK/pane.txt"; fi
finish

#!/bin/sh
# The host program behaves exactly as without the shim: its file
# descriptors stay its own (nothing of ours is open for it to close, reuse
# or dup2 over), errno stays its own, and its signals end it as they would.
. "$(dirname "$0")/lib.sh"

# ---- file descriptors ------------------------------------------------------
# host_fds takes every descriptor number for itself, then writes 2000
# numbered lines to its own files and echoes them through its own socket
# pair while allocating; a shim that keeps a descriptor of its own (or
# lets libunwind keep one) loses lines, reads the program's socket, or
# writes memory into its files.
seq 0 1999 | sed 's/^/a /' > "$WORK/want.a"
seq 0 1999 | sed 's/^/b /' > "$WORK/want.b"
for mode in closefrom dup2 closeall; do
	for rate in 1 524288; do
		d="$WORK/fds.$mode.$rate"
		mkdir "$d"
		rc=0
		(cd "$d" && ALLOCPROF_RATE=$rate ALLOCPROF_SEED=1 LD_PRELOAD="$SHIM" \
			timeout 60 "$PROGS/host_fds" $mode "$d" 2> "$d/stderr") || rc=$?
		check "host_fds $mode at rate $rate: exit status" "$rc" 0
		same "host_fds $mode at rate $rate: a.log byte for byte" "$d/a.log" "$WORK/want.a"
		same "host_fds $mode at rate $rate: b.log byte for byte" "$d/b.log" "$WORK/want.b"
		n=$(ls "$d"/allocprof.host_fds.*.pb.gz 2>/dev/null | grep -vc peak || true)
		check "host_fds $mode at rate $rate: profile written" "$n" 1
	done
done

# No descriptor of the shim outlives the call that opened it: a program
# that sampled allocations has exactly the descriptors it opened itself.
cat > "$WORK/fdlist.sh" <<'SH'
ls /proc/self/fd > /dev/null # the shell's own
for f in /proc/$$/fd/*; do readlink "$f"; done | sort
SH
# in $WORK: its profiles are written to the working directory
(cd "$WORK" && ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" sh "$WORK/fdlist.sh" < /dev/null > "$WORK/fds.out" 2>&1)
mv "$WORK/fds.out" "$WORK/fds.shim"
sh "$WORK/fdlist.sh" < /dev/null > "$WORK/fds.out" 2>&1
mv "$WORK/fds.out" "$WORK/fds.plain"
same "a shell under the shim at rate 1 has the same descriptors as without" "$WORK/fds.shim" "$WORK/fds.plain"

# ---- errno ---------------------------------------------------------------
for rate in 1 524288; do
	rc=0
	out=$(cd "$WORK" && ALLOCPROF_RATE=$rate ALLOCPROF_SEED=1 LD_PRELOAD="$SHIM" "$PROGS/host_errno" /usr/lib 2>&1) || rc=$?
	check "errno kept across malloc, realloc, calloc, free at rate $rate (exit status)" "$rc" 0
	check "errno kept at rate $rate: failed checks" "$(printf '%s\n' "$out" | tail -1)" "0 failed"
done
rm -f "$WORK"/allocprof.*

# ---- signals -----------------------------------------------------------------
# A signal the program leaves at its default action still ends it the same
# way (128+N to the shell), and the profile is written first.
reason_of() { "$BUILD/viewer/allocprof" summary "$1" 2>/dev/null | sed -n 's/^ *reason: //p'; }
sig_dir() { d="$WORK/sig.$1"; mkdir "$d"; echo "$d"; }

# started SIGNAL_MODE DIR: host_signals in the background, stdout in DIR/out,
# once it said "ready"; sets $pid
started() {
	(cd "$2" && exec env ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" "$1" > "$2/out" 2> "$2/err") &
	pid=$!
	i=0
	while ! grep -q ready "$2/out" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}

d=$(sig_dir pipe)
(rc=0; cd "$d" && ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" pipe 2> "$d/err" || rc=$?; echo $rc > "$d/status") |
	head -3 > "$d/head"
check "a pipeline cut short by head: the program still dies of SIGPIPE" "$(cat "$d/status")" 141
check "head read its three lines" "$(wc -l < "$d/head")" 3
p=$(profile_of "$d")
check "SIGPIPE: the profile says why it was written" "$(reason_of "$p")" "signal 13 (PIPE)"
check "SIGPIPE: exact counts at the known site, symbolized in the process" \
	"$("$PFQ" "$p" | leaf keep)" "1000 100000 1000 100000"
check "SIGPIPE: nothing said on stderr" "$(cat "$d/err")" ""

# a program that puts SIGPIPE back to the default at start (git does), also
# when it was started with SIGPIPE ignored
for start in default ignored; do
	d=$(sig_dir "reset.$start")
	(rc=0; [ $start = ignored ] && trap '' PIPE
	cd "$d" && ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" pipe-reset 2> "$d/err" || rc=$?
	echo $rc > "$d/status") | head -3 > /dev/null
	check "SIGPIPE put back to the default (started $start): dies of SIGPIPE" "$(cat "$d/status")" 141
	check "SIGPIPE put back to the default (started $start): profile written" "$(reason_of "$(profile_of "$d")")" "signal 13 (PIPE)"
done

# git log | head, as users run it
if command -v git > /dev/null; then
	d=$(sig_dir git)
	git init -q "$d/repo"
	for i in $(seq 1 30); do seq 1 200 | sed "s/^/$i /" > "$d/repo/f"; git -C "$d/repo" add f; git -C "$d/repo" -c user.name=t -c user.email=t@t commit -qm "c$i"; done
	(rc=0; cd "$d" && ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" git -C repo log -p 2> "$d/err" || rc=$?; echo $rc > "$d/status") | head -1 > /dev/null
	check "git log -p | head: git dies of SIGPIPE" "$(cat "$d/status")" 141
	check "git log -p | head: its profile is written" "$(reason_of "$(profile_of "$d")")" "signal 13 (PIPE)"
else
	skip "git log -p | head: git is not installed"
	skip "git log -p | head: git is not installed"
fi

for sig in TERM:15 HUP:1 INT:2; do
	num=${sig#*:}
	sig=${sig%:*}
	d=$(sig_dir $sig)
	mode=wait
	# a job may start with SIGINT or SIGHUP ignored (a shell's background
	# job, nohup), which the shim leaves alone: the program puts them back
	[ $sig != TERM ] && mode=wait-int
	started $mode "$d"
	kill -$sig $pid
	rc=0; wait_bounded $pid 60 || rc=$?
	want=$((128 + num))
	check "SIG$sig: the program dies of it" "$rc" "$want"
	p=$(profile_of "$d")
	check "SIG$sig: exact counts at the known site" "$(samples "$p" | leaf keep)" "1000 100000 1000 100000"
	if grep -q "ended by SIG$sig: profile written without symbols" "$d/err"; then ok "SIG$sig: one line says the profile needs symbols"; else not_ok "SIG$sig: stderr: $(cat "$d/err")"; fi
done

# allocprof run names the frames of a profile written without them (here:
# SIGTERM sent from outside, written the crash way)
d=$(sig_dir run)
(cd "$d" && exec "$BUILD/viewer/allocprof" run --rate 1 -- "$PROGS/host_signals" wait > "$d/out" 2> "$d/err") &
runpid=$!
i=0; while ! grep -q ready "$d/out" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$(pgrep -P $runpid)"
rc=0; wait_bounded $runpid 60 || rc=$?
p=$(profile_of "$d")
if "$PFQ" "$p" | grep -q 'keep@'; then ok "run: a profile written from SIGTERM has its frames named"; else not_ok "run: no names in $p"; fi
check "run: its counts" "$("$PFQ" "$p" | leaf keep)" "1000 100000 1000 100000"

d=$(sig_dir handler)
started handler "$d"
kill -TERM $pid
rc=0; wait_bounded $pid 60 || rc=$?
check "a program's own SIGTERM handler runs (its exit status)" "$rc" 7
check "its handler's output" "$(tail -1 "$d/out")" handled
check "its profile is the exit profile" "$(reason_of "$(profile_of "$d")")" exit

d=$(sig_dir off)
(cd "$d" && exec env ALLOCPROF_ON_TERM=0 ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" wait > "$d/out" 2> "$d/err") &
pid=$!
i=0; while ! grep -q ready "$d/out" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
rc=0; wait_bounded $pid 60 || rc=$?
check "ALLOCPROF_ON_TERM=0: SIGTERM kills" "$rc" 143
check "ALLOCPROF_ON_TERM=0: nothing written" "$(ls "$d" | grep -c pb.gz || true)" 0

d=$(sig_dir quick)
rc=0; (cd "$d" && ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" quick) || rc=$?
check "quick_exit: its status" "$rc" 3
check "quick_exit: the profile is written" "$(samples "$(profile_of "$d")" | leaf keep)" "1000 100000 1000 100000"

d=$(sig_dir overflow)
rc=0; (cd "$d" && ALLOCPROF_ON_CRASH=1 ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" overflow 2> "$d/err") || rc=$?
check "stack overflow with ALLOCPROF_ON_CRASH=1: dies of SIGSEGV" "$rc" 139
check "stack overflow: written from the alternate stack" "$(samples "$(profile_of "$d")" | leaf keep)" "1000 100000 1000 100000"

for sig in 11 SIGBUS 4 8 5 32 33; do
	d=$(sig_dir "dump$sig")
	rc=0; (cd "$d" && ALLOCPROF_SIGNAL=$sig ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" timeout 30 "$PROGS/host_signals" overflow 2> "$d/err") || rc=$?
	if [ $sig = 11 ]; then check "ALLOCPROF_SIGNAL=11 on a crashing program: it still dies of SIGSEGV" "$rc" 139; fi
	if grep -q "ignoring ALLOCPROF_SIGNAL=$sig" "$d/err"; then ok "ALLOCPROF_SIGNAL=$sig is refused with one line"; else not_ok "ALLOCPROF_SIGNAL=$sig: stderr: $(cat "$d/err")"; fi
done

# ---- memory short at exit ----------------------------------------------------
# libdw cannot fail softly (it exits with status 1 or crashes when memory
# runs out): with too little room the profile is written without symbols,
# and one line says so.
d="$WORK/short"
mkdir "$d"
rc=0; (ulimit -v 40000; cd "$d" && ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" "$PROGS/host_signals" quick 2> "$d/err") || rc=$?
check "ulimit -v 40000: the exit status is the program's" "$rc" 3
if grep -q "memory is short: the profile was written without symbols" "$d/err"; then ok "memory short: one line says the profile has no symbols"; else not_ok "memory short: stderr: $(cat "$d/err")"; fi
check "memory short: the counts are all there" "$(samples "$(profile_of "$d")" | leaf keep)" "1000 100000 1000 100000"

# A program that runs into its limit and carries on: its status stays 0,
# and whatever could not be written is said.
for rate in 1 524288; do
	d="$WORK/oom.$rate"
	mkdir "$d"
	rc=0; (ulimit -v 60000; cd "$d" && ALLOCPROF_SEED=1 ALLOCPROF_RATE=$rate LD_PRELOAD="$SHIM" "$PROGS/host_oom" 216 > /dev/null 2> "$d/err") || rc=$?
	check "host_oom at rate $rate under ulimit -v: exit status unchanged" "$rc" 0
	if ls "$d"/*.pb.gz > /dev/null 2>&1 && ! grep -q . "$d/err"; then
		ok "host_oom at rate $rate: profile written with symbols"
	elif grep -q "memory is short\|out of memory\|Cannot allocate memory" "$d/err"; then
		ok "host_oom at rate $rate: one line says what could not be done"
	else
		not_ok "host_oom at rate $rate: no profile and nothing said; stderr: $(cat "$d/err")"
	fi
done

finish

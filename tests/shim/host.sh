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
ALLOCPROF_RATE=1 LD_PRELOAD="$SHIM" sh "$WORK/fdlist.sh" < /dev/null > "$WORK/fds.out" 2>&1
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

finish

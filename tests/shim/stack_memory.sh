#!/bin/sh
# Exact mode's memory for stacks grows with distinct call paths, not with
# stacks times depth: deep_stacks makes 2^12 distinct stacks whose
# recursion sits under a chain of PLAIN single-site calls. Deepening that
# chain from 4 to 400 frames adds 396 frame nodes, shared by every stack,
# and the stack table stays within a bound of the stacks and nodes (a flat
# pool of frames would need 8 bytes per frame per stack: ~13 MiB here).
. "$(dirname "$0")/lib.sh"

run() { # NAME PLAIN: profile comments of `deep_stacks 12 PLAIN 2` in $WORK/NAME.txt
	mkdir "$WORK/$1"
	(cd "$WORK/$1" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_DEPTH=1024 \
		"$PROGS/deep_stacks" 12 "$2" 2 > out.txt)
	"$PFQ" --comments "$(profile_of "$WORK/$1")" > "$WORK/$1.txt"
}
run shallow 4
run deep 400

stacks() { sed -n 's/^unique stacks: \([0-9]*\),.*/\1/p' "$WORK/$1.txt"; }
nodes() { sed -n 's/^stack table: [0-9]* KiB for \([0-9]*\) frame nodes$/\1/p' "$WORK/$1.txt"; }
kib() { sed -n 's/^stack table: \([0-9]*\) KiB for.*/\1/p' "$WORK/$1.txt"; }

check "the program ran" "$(cat "$WORK/shallow/out.txt") $(cat "$WORK/deep/out.txt")" "24576 24576"
check "no stack was truncated" "$(cat "$WORK/shallow.txt" "$WORK/deep.txt" | grep -c '^truncated stacks')" "0"
check "as many stacks deep as shallow" "$(stacks deep)" "$(stacks shallow)"
if [ "$(stacks deep)" -ge 4096 ] && [ "$(stacks deep)" -le 4100 ]; then
	ok "2^12 stacks of the recursion, and a few of libc ($(stacks deep))"
else
	not_ok "unique stacks: '$(stacks deep)' (expected 4096 and a few)"
fi
check "396 more frames deep cost 396 frame nodes" "$(($(nodes deep) - $(nodes shallow)))" "396"
for run in shallow deep; do
	# records of ~350 bytes and table slots, with capacities rounded up to
	# powers of two; 64 bytes per frame node; 256 KiB to start with
	bound=$(( ($(stacks $run) * 1024 + $(nodes $run) * 64) / 1024 + 256 ))
	if [ "$(kib $run)" -le "$bound" ]; then
		ok "$run: the stack table takes $(kib $run) KiB, at most $bound"
	else
		not_ok "$run: the stack table takes '$(kib $run)' KiB, more than $bound"
	fi
done
finish

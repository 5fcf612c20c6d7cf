#!/bin/sh
# The exit dump takes the part of a stack it shares with the stack before
# from that one, walking the frame tree only up to where they meet
# (preload/dump.c): every sample must still hold its whole stack.
# `deep_stacks 6 3 1` at rate 1: 64 leaves, each allocating 3 blocks of
# 16, 32 and 48 bytes through a stack of its own, six levels of branch
# spelling the leaf's path in call sites (lines 33 and 34) under four of
# chain and main; then printf's buffer, whose stack meets theirs only
# below main.
. "$(dirname "$0")/lib.sh"

(cd "$WORK" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/deep_stacks" 6 3 1 > out.txt)
check "the program ran" "$(cat "$WORK/out.txt")" "192"
"$PFQ" "$(profile_of "$WORK")" > "$WORK/samples.txt"

grep 'leaf@' "$WORK/samples.txt" | cut -f2 > "$WORK/leaves.txt"
check "a sample per leaf" "$(wc -l < "$WORK/leaves.txt")" "64"
check "each of 3 blocks, 96 bytes" "$(grep 'leaf@' "$WORK/samples.txt" | cut -d' ' -f1,2 | sort -u)" "3 96"
check "64 distinct paths" "$(sort -u "$WORK/leaves.txt" | wc -l)" "64"
# what is below main: the same for every stack, printf's too
below=$(grep '__printf@' "$WORK/samples.txt" | cut -f2 | sed -n 's/.*;main@deep_stacks\.c:[0-9]*;//p')
if [ -n "$below" ]; then ok "printf's stack goes below main ($below)"; else not_ok "printf's stack ends at main"; fi
shape=$(sed 's/branch@deep_stacks\.c:3[34];/B;/g' "$WORK/leaves.txt" | sort -u)
check "every leaf's stack whole" "$shape" \
	"leaf@deep_stacks.c:20;branch@deep_stacks.c:31;B;B;B;B;B;B;chain@deep_stacks.c:42;chain@deep_stacks.c:44;chain@deep_stacks.c:44;chain@deep_stacks.c:44;main@deep_stacks.c:54;$below"
finish

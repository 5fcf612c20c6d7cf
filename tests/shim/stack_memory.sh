#!/bin/sh
# Exact mode's memory for stacks grows with distinct call paths, not with
# stacks times depth: deep_stacks makes 2^12 distinct stacks whose
# recursion sits under a chain of PLAIN single-site calls. Deepening that
# chain from 4 to 400 frames adds 396 frame nodes, shared by every stack,
# and the stack table stays within a bound of the stacks and nodes (a flat
# pool of frames would need 8 bytes per frame per stack: ~13 MiB here).
# Then the size that matters: 2^17 distinct 40-frame stacks cost at most
# 33 MiB of peak RSS over the plain run (29-30 MiB measured, from run to run
# within 0.4 MiB: a 64-byte record and a 32-byte fate record a stack; 41
# MiB with records of 96 and 88 bytes, 51 when each stack's record held
# its fate and peak, 272 bytes), and symbols add a bounded share to it.
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
	# a record of 64 bytes, a fate of 32 and an index slot of 8 a stack,
	# with capacities rounded up to powers of two: 256 bytes; 64 bytes per
	# frame node; 256 KiB to start with
	bound=$(( ($(stacks $run) * 256 + $(nodes $run) * 64) / 1024 + 256 ))
	if [ "$(kib $run)" -le "$bound" ]; then
		ok "$run: the stack table takes $(kib $run) KiB, at most $bound"
	else
		not_ok "$run: the stack table takes '$(kib $run)' KiB, more than $bound"
	fi
done
peak_kib() { # [VAR=VALUE...] PROGRAM: the run's peak RSS in KiB
	/usr/bin/time -f %M -o "$WORK/rss" env "$@" > /dev/null
	tail -1 "$WORK/rss"
}
plain=$(peak_kib "$PROGS/deep_stacks")
exact=$(peak_kib LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_OUT="$WORK/big.pb.gz" \
	"$PROGS/deep_stacks")
over=$(( (exact - plain) / 1024 ))
if [ "$over" -le 33 ]; then
	ok "2^17 stacks of 40 frames: $over MiB of peak RSS over the plain run, at most 33"
else
	not_ok "2^17 stacks of 40 frames: $over MiB of peak RSS over the plain run, more than 33"
fi
# What symbols add to that peak is libdw reading the debug files of the
# frames' mappings at the exit dump, whatever the number of stacks: with
# Debian 12's libc6-dbg, whose compressed sections libdw decompresses
# whole, 13.9 MiB (17.4 while the compressed bytes stayed resident too);
# about 1 MiB without debug files. 16 leaves room for a libc6-dbg update.
named=$(peak_kib LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=1 ALLOCPROF_OUT="$WORK/named.pb.gz" "$PROGS/deep_stacks")
sym=$(( (named - exact) / 1024 ))
if [ "$sym" -le 16 ]; then
	ok "symbols add $sym MiB to the peak, at most 16"
else
	not_ok "symbols add $sym MiB to the peak, more than 16"
fi
big=$("$PFQ" --comments "$WORK/big.pb.gz" | sed -n 's/^unique stacks: \([0-9]*\),.*/\1/p')
if [ "${big:-0}" -ge 131072 ]; then
	ok "the profile holds the 2^17 stacks ($big)"
else
	not_ok "unique stacks of the big run: '$big' (expected 2^17 and a few)"
fi
# Each stack's most blocks one thread held at once: the (stack, thread)
# pairs are more than 2^16 here, and once a table of that many slots lost
# the figure for half the stacks, which half depending on how the thread's
# id hashed.
"$PFQ" --labels "$WORK/big.pb.gz" > "$WORK/big.txt"
check "every stack has its live_max_thread" "$(grep -c 'live_max_thread=' "$WORK/big.txt")" "$(wc -l < "$WORK/big.txt")"
finish

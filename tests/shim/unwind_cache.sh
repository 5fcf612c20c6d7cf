#!/bin/sh
# Exact mode reads a call chain seen before back from the stack (unwind.c).
# Chains that differ only far from the leaf, at the same depth, through one
# call site of a function pointer, through alloca'd frames, recursion and a
# signal handler must come out exactly as libunwind walks them.
. "$(dirname "$0")/lib.sh"

run_chains() { # NAME CACHE [UNWINDER]: profile of `chains 3000` in $WORK/NAME, samples in $WORK/NAME.txt
	mkdir "$WORK/$1"
	(cd "$WORK/$1" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_UNWIND_CACHE=$2 ALLOCPROF_UNWIND=${3:-cfi} \
		"$PROGS/chains" 3000 > out.txt)
	# frames without a name (libc's, without its debug info) differ from run
	# to run by where the library was loaded
	samples "$(profile_of "$WORK/$1")" | awk -F'\t' '{ split($1, v, " "); gsub(/0x[0-9a-f]+/, "?", $2); print v[1], v[2] "\t" $2 }' |
		sort > "$WORK/$1.txt"
}
run_chains cached 1
run_chains walked 0

check "the program ran" "$(cat "$WORK/cached/out.txt")" "3000 3000 1500 1500 300"
# how many blocks came through each caller
through() { # FILE FUNCTION: objects of samples with FUNCTION anywhere in the stack
	awk -F'\t' -v fn="$2" '{ n = split($2, fr, ";"); for (k = 1; k <= n; k++) { split(fr[k], a, "@"); sub(/\(.*$/, "", a[1]); if (a[1] == fn) { split($1, v, " "); s += v[1]; break } } }
		END { print s + 0 }' "$1"
}
for f in via_a via_b via_c; do
	check "cached: $f" "$(through "$WORK/cached.txt" $f)" "1000"
done
check "cached: alloca_outer_1" "$(through "$WORK/cached.txt" alloca_outer_1)" "1500"
check "cached: alloca_outer_2" "$(through "$WORK/cached.txt" alloca_outer_2)" "1500"
check "cached: on_usr1" "$(through "$WORK/cached.txt" on_usr1)" "300"
# rec(i % 7): each depth 0..6 is as common as the others; a misread chain
# would move blocks between depths
depths=$(awk -F'\t' '$2 ~ /^rec_leaf@/ { n = gsub(/;rec@/, "", $2); split($1, v, " "); d[n] += v[1] } END { for (k = 1; k <= 7; k++) printf "%d ", d[k] }' "$WORK/cached.txt")
check "cached: blocks by recursion depth" "$depths" "429 429 429 429 428 428 428 "
check "cached and walked profiles agree stack for stack" \
	"$(diff "$WORK/cached.txt" "$WORK/walked.txt" > /dev/null && echo same || echo differ)" "same"
hits=$("$PFQ" --comments "$(profile_of "$WORK/cached")" | sed -n 's/^stacks read from the unwind cache: \([0-9]*\),.*/\1/p')
if [ -n "$hits" ] && [ "$hits" -gt 8000 ]; then
	ok "the cache answered $hits of ~9300 unwinds"
else
	not_ok "the cache answered '$hits' unwinds (expected most of ~9300)"
fi
check "ALLOCPROF_UNWIND_CACHE=0 walks every stack" \
	"$("$PFQ" --comments "$(profile_of "$WORK/walked")" | grep -c '^stacks read from the unwind cache: 0,')" "1"
# with libunwind (ALLOCPROF_UNWIND=libunwind), chains that never come back
# (every recursion depth once, 2000 deep at most): remembering one costs ~8x
# unwinding it plainly, so past the first 1024 a walk that remembers must be
# paid for by 64 hits (or 512 misses)
mkdir "$WORK/unique"
(cd "$WORK/unique" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_UNWIND=libunwind ALLOCPROF_SYMBOLIZE=0 "$PROGS/chains" 2000 2000 > out.txt)
set -- $("$PFQ" --comments "$(profile_of "$WORK/unique")" |
	sed -n 's/^stacks read from the unwind cache: \([0-9]*\), unwound: \([0-9]*\) (\([0-9]*\) remembered)/\1 \2 \3/p')
if [ $# = 3 ] && [ "$3" -le $((1024 + $1 / 64 + $2 / 512 + 1)) ] && [ "$2" -gt 2000 ]; then
	ok "unique chains: $3 remembered of $2 unwound ($1 hits)"
else
	not_ok "unique chains: remembered more than the budget: '$*' (hits, unwound, remembered)"
fi
# 1500 chains that never come back use up the free walks first; the chains
# that follow repeat and must still be learnt (one walk per 512 misses)
mkdir "$WORK/late"
(cd "$WORK/late" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_UNWIND=libunwind ALLOCPROF_SYMBOLIZE=0 "$PROGS/chains" 20000 7 1500 > out.txt)
set -- $("$PFQ" --comments "$(profile_of "$WORK/late")" |
	sed -n 's/^stacks read from the unwind cache: \([0-9]*\), unwound: \([0-9]*\) .*/\1 \2/p')
if [ $# = 2 ] && [ "$1" -gt 50000 ]; then
	ok "chains after 1500 unique ones: $1 read from the cache, $2 unwound"
else
	not_ok "chains after 1500 unique ones were not learnt: '$*' (hits, unwound)"
fi
# our own unwinder (the default) remembers every chain it unwinds while the
# cache is in use: a walk costs about what a lookup does
mkdir "$WORK/unique-cfi"
(cd "$WORK/unique-cfi" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$PROGS/chains" 2000 2000 > out.txt)
set -- $("$PFQ" --comments "$(profile_of "$WORK/unique-cfi")" |
	sed -n 's/^stacks read from the unwind cache: \([0-9]*\), unwound: \([0-9]*\) (\([0-9]*\) remembered)/\1 \2 \3/p')
if [ $# = 3 ] && [ "$2" -gt 2000 ] && [ "$3" -ge $(($2 * 9 / 10)) ]; then
	ok "unique chains, our unwinder: $3 remembered of $2 unwound ($1 hits)"
else
	not_ok "unique chains, our unwinder: '$*' (hits, unwound, remembered): most unwound chains remembered expected"
fi
# the profiles of both unwinders agree stack for stack
run_chains libunwind 1 libunwind
check "our unwinder's and libunwind's profiles agree stack for stack" \
	"$(diff "$WORK/cached.txt" "$WORK/libunwind.txt" > /dev/null && echo same || echo differ)" "same"
finish

#!/bin/sh
# Our own unwinder (preload/stackwalk.c, ALLOCPROF_UNWIND=cfi) against
# libunwind: with ALLOCPROF_UNWIND=check both unwind every stack of real
# programs (perl, python3, cc1, C++, Rust, deep recursion, threads) and no
# stack may differ; ours must do the work (stacks unwound by CFI, frames read
# back from the last chain), and leave to libunwind the stacks it cannot
# follow: signal handlers, alternate signal stacks, coroutines.
. "$(dirname "$0")/lib.sh"

# run NAME CMD...: stderr of CMD, exact mode, check mode, in $WORK/NAME.err; its
# line of counts as "checked differ unwound cfi stepped reused fallbacks" in
# $WORK/NAME.counts
run() {
	run_at 1 "$@"
}

# run_at RATE NAME CMD...: the same at another ALLOCPROF_RATE (seed fixed)
run_at() {
	rate=$1
	name=$2
	shift 2
	mkdir "$WORK/$name"
	(cd "$WORK/$name" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=$rate ALLOCPROF_SEED=1 ALLOCPROF_UNWIND=check ALLOCPROF_SYMBOLIZE=0 \
		"$@" > out.txt 2> "$WORK/$name.err")
	sed -n 's/^allocprof: unwind check: \([0-9]*\) stacks compared with libunwind.s, \([0-9]*\) differ; of \([0-9]*\) unwound, \([0-9]*\) by CFI (\([0-9]*\) frames stepped, \([0-9]*\) read back) and \([0-9]*\) left to libunwind$/\1 \2 \3 \4 \5 \6 \7/p' \
		"$WORK/$name.err" > "$WORK/$name.counts"
}

# agree NAME MIN_CHECKED [SHARE]: no stack differs, at least MIN_CHECKED
# compared, and of those the cache missed at least SHARE percent (90)
# unwound by CFI
agree() {
	share=${3:-90}
	set -- "$1" "$2" $(cat "$WORK/$1.counts")
	if [ $# != 9 ]; then
		not_ok "$1: no count line in its stderr: $(head -c 300 "$WORK/$1.err")"
		return
	fi
	check "$1: stacks that differ from libunwind's (of $3 compared)" "$4" "0"
	if [ "$3" -ge "$2" ] && [ "$6" -gt 0 ] && [ "$6" -ge $(($5 * share / 100)) ]; then
		ok "$1: $3 stacks compared, $6 of $5 unwound by CFI, $9 left to libunwind"
	else
		not_ok "$1: $3 stacks compared (at least $2 expected), $6 of $5 unwound by CFI, $9 left to libunwind"
	fi
}

counts() { cat "$WORK/$1.counts"; }

run perl /usr/bin/perl -e 'my %h; $h{"k$_"} = [$_, "v$_"] for 1 .. 20000; my @k = sort keys %h; print scalar(@k), "\n"'
check "perl ran" "$(cat "$WORK/perl/out.txt")" "20000"
agree perl 20000

run python /usr/bin/python3 -c 'import json; d = [{"i": i, "t": [str(j) for j in range(5)]} for i in range(5000)]; print(len(json.loads(json.dumps(d))))'
check "python3 ran" "$(cat "$WORK/python/out.txt")" "5000"
agree python 1000

cat > "$WORK/unit.c" <<'C'
struct s { int a[4]; double d; };
static int f(struct s *p, int n) { int t = 0; for (int i = 0; i < n; i++) t += p->a[i % 4] * i; return t + (int)p->d; }
int g(struct s *p) { return f(p, 10) + f(p, 20); }
C
CC1=$(gcc -print-prog-name=cc1)
run cc1 "$CC1" -quiet -O2 "$WORK/unit.c" -o "$WORK/unit.s"
check "cc1 compiled" "$(grep -c '^g:' "$WORK/unit.s")" "1"
agree cc1 5000

# sampled mode walks with the same rules, without the chain cache: every
# sample is unwound (a mean of 256 bytes between samples)
run_at 256 cc1_sampled "$CC1" -quiet -O2 "$WORK/unit.c" -o "$WORK/unit_sampled.s"
check "cc1 compiled (sampled)" "$(grep -c '^g:' "$WORK/unit_sampled.s")" "1"
agree cc1_sampled 1000 99

run cxx "$PROGS/known_sites_cxx"
agree cxx 100

RUSTC=$(command -v rustc || true)
[ -n "$RUSTC" ] || [ ! -x "$HOME/.cargo/bin/rustc" ] || RUSTC="$HOME/.cargo/bin/rustc"
if [ -n "$RUSTC" ] && "$RUSTC" -g -O "$SRC/tests/programs/known_sites_rust.rs" -o "$WORK/rust_prog" 2> "$WORK/rustc.err"; then
	run rust "$WORK/rust_prog"
	agree rust 100
else
	not_ok "rustc could not build known_sites_rust.rs: $(head -c 300 "$WORK/rustc.err" 2>/dev/null)"
fi

run threads "$PROGS/threads"
agree threads 1000

# 2^12 distinct 40-frame stacks, walked twice: a leaf's first allocation
# misses the cache, and its stack shares all but a few inner frames with the
# previous leaf's, which are read back instead of unwound
run deep "$PROGS/deep_stacks" 12 20 2
check "deep_stacks ran" "$(cat "$WORK/deep/out.txt")" "24576"
agree deep 24576
set -- $(counts deep)
if [ $# = 7 ] && [ "$6" -gt $((4096 * 30)) ] && [ "$6" -gt $(($5 * 3)) ]; then
	ok "deep_stacks: $6 frames read back from the last chain, $5 stepped"
else
	not_ok "deep_stacks: frames read back from the last chain: '$*' (checked differ unwound cfi stepped reused fallbacks)"
fi

# the SIGUSR1 handler's 300 stacks go through a signal frame: libunwind's
run chains "$PROGS/chains" 3000
check "chains ran" "$(cat "$WORK/chains/out.txt")" "3000 3000 1500 1500 300"
agree chains 9000 1
check "chains: stacks through the signal handler left to libunwind" "$(counts chains | cut -d' ' -f7)" "300"

# a handler on an alternate stack, a handler on the thread's stack, a
# coroutine on a heap block: each of their 3 x 50 allocations left to libunwind
run switch "$PROGS/stack_switch" 50
check "stack_switch ran" "$(cat "$WORK/switch/out.txt")" "altstack 50 handler 50 coroutine 50"
set -- $(counts switch)
check "stack_switch: stacks that differ from libunwind's" "${2:-none}" "0"
if [ $# = 7 ] && [ "$7" -ge 150 ] && [ "$4" -gt 0 ]; then
	ok "stack_switch: $7 stacks left to libunwind, $4 unwound by CFI"
else
	not_ok "stack_switch: '$*' (checked differ unwound cfi stepped reused fallbacks): 150 left to libunwind expected"
fi

# a library closed and another loaded at its address, the same code but for
# the size of one frame: the rules learnt from the first must not unwind the
# second, neither ours nor libunwind's (whose trace cache, what unw_backtrace
# reads, keeps them: after a dlclose its stacks come from unw_step), in exact
# mode and in sampled mode, which leaves every stack to libunwind
# (the loader reuses the hole unless a mapping of the collector's took it in
# between: a run where it did proves nothing, so up to three are made)
swap_check() {
	local name="$1"
	shift
	for try in 1 2 3; do
		rm -rf "$WORK/swap" && mkdir "$WORK/swap"
		(cd "$WORK/swap" && env LD_PRELOAD="$SHIM" ALLOCPROF_SYMBOLIZE=0 "$@" \
			"$PROGS/dl_swap" "$PROGS/libswap_a.so" "$PROGS/libswap_b.so" 100 > out.txt)
		[ "$(cat "$WORK/swap/out.txt")" = "same base" ] && break
	done
	if [ "$(cat "$WORK/swap/out.txt")" != "same base" ]; then
		skip "dl_swap ($name): the second library never came where the first was (3 runs)"
		return
	fi
	check "dl_swap ($name): each library's 100 blocks of 100 bytes, 7 frames deep" \
		"$("$PFQ" "$(profile_of "$WORK/swap")" | awk -F'\t' '{ split($1, v, " "); if (v[2] == 100 * v[1]) print v[1], split($2, f, ";") }' | sort | tr '\n' ' ')" \
		"100 7 100 7 "
}
swap_check "exact, cfi" ALLOCPROF_RATE=1
swap_check "exact, libunwind" ALLOCPROF_RATE=1 ALLOCPROF_UNWIND=libunwind
# a mean of 10 bytes between samples: a 100-byte block escapes once in e^10
swap_check "sampled" ALLOCPROF_RATE=10 ALLOCPROF_SEED=1

# a library's destructor allocates inside the shim's own dlclose: its block
# keeps every frame above that one (only the shim's frames on top of a stack
# are dropped, wherever the unwind starts)
for u in cfi libunwind; do
	rm -rf "$WORK/fini" && mkdir "$WORK/fini"
	(cd "$WORK/fini" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_UNWIND=$u \
		"$PROGS/dl_swap" "$PROGS/libswap_a.so" "$PROGS/libswap_b.so" 10 > out.txt)
	check "exact, $u: a destructor's block under the shim's dlclose starts at its own frame" \
		"$(samples "$(profile_of "$WORK/fini")" | awk -F'\t' '{ split($1, v, " "); if (v[2] == 333 * v[1]) {
			split($2, f, ";"); sub(/@.*$/, "", f[1]); print v[1], f[1] } }' | tr '\n' ' ')" \
		"1 plugin_fini_alloc 1 plugin_fini_alloc "
done

# the default mode says nothing; a bad value says it is ignored
mkdir "$WORK/quiet"
(cd "$WORK/quiet" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_UNWIND=bogus "$PROGS/chains" 30 > out.txt 2> err.txt)
check "ALLOCPROF_UNWIND=bogus: one line, cfi used" "$(cat "$WORK/quiet/err.txt")" \
	"allocprof: ignoring ALLOCPROF_UNWIND=bogus (not cfi, libunwind or check); using cfi"
finish

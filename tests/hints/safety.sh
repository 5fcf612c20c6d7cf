#!/bin/sh
# allocprof hints never advises one reused buffer where blocks of a site are
# live at once: tests/hints/safesites under the shim. At ALLOCPROF_RATE=1 the
# shim's live_max is exact; at a sampled rate (fixed seed) the sampled blocks
# live at once decide. Also: small sizes that vary get a size-class free list,
# and a hint built on few samples says so.
. "$(dirname "$0")/lib.sh"

prog="$HINTPROGS/safesites"

# --- espresso's tautology: a recursive function frees its block after the
# recursion returns; 9 levels, 9 blocks live at once
prof=$(profile recursive ALLOCPROF_RATE=1 "$prog" recursive)
t="$WORK/recursive.tsv"
"$ALLOCPROF" hints --tsv --min-share 0 "$prof" > "$t"
# 9 live at once: the pool's first 9
check "recursive: a pool, not scratch" "$(row tautology "$t")" "pool 143856 8991"
check "recursive: objects on stacks calling tautology again" "$(fig tautology recursive "$t")" 8000
check "recursive: 9 levels, one stack each, one live each" "$(fig tautology live_max "$t")" 9
"$ALLOCPROF" hints "$prof" > "$WORK/recursive.txt"
has "recursive: the evidence says it calls itself" "$WORK/recursive.txt" "its function calls itself"
if grep -q "reused across calls" "$WORK/recursive.txt"; then not_ok "recursive: advises one reused buffer"; else ok "recursive: no reused buffer"; fi

# --- larson: one line keeps 1000 blocks live; 95% are freed by the function
# that allocates their replacement (the old rule's "scratch")
prof=$(profile larson ALLOCPROF_RATE=1 "$prog" larson)
t="$WORK/larson.tsv"
"$ALLOCPROF" hints --tsv --min-share 0 "$prof" > "$t"
check "larson: freed by its own function" "$(fig replace_slot freed_same_function "$t")" 19000
check "larson: 1000 live at once" "$(fig replace_slot live_max "$t") $(fig replace_slot live_max_sampled "$t")" "1000 1000"
# 1000 live at once: the free lists' first 1000
check "larson: size classes, not scratch" "$(row replace_slot "$t" | cut -d' ' -f1,3)" "size-class 19000"
"$ALLOCPROF" hints "$prof" > "$WORK/larson.txt"
has "larson: the evidence says how many live" "$WORK/larson.txt" "up to 1000 live at once"
if grep -q "reused across calls" "$WORK/larson.txt"; then not_ok "larson: advises one reused buffer"; else ok "larson: no reused buffer"; fi

check "larson: 1000 live at once in one thread" "$(fig replace_slot live_max_thread "$t")" 1000

# --- four threads each reuse one block: one buffer per thread is safe
prof=$(profile threads ALLOCPROF_RATE=1 "$prog" threads)
t="$WORK/threads.tsv"
"$ALLOCPROF" hints --tsv --min-share 0 "$prof" > "$t"
check "threads: one live at a time in each thread" "$(fig scratch live_max_thread "$t")" 1
check "threads: scratch" "$(row scratch "$t")" "scratch 256000 4000"

# --- rotate(): free(current); current = malloc(64); one live at a time, but
# each block outlives the call that made it: a local variable would dangle
prof=$(profile rotate ALLOCPROF_RATE=1 "$prog" rotate)
"$ALLOCPROF" hints --min-share 0 "$prof" > "$WORK/rotate.txt"
check "rotate: a scratch hint, one buffer reused" \
	"$(grep -c '^1\. scratch: rotate ' "$WORK/rotate.txt") $(grep -c 'one 64B buffer allocated once and reused across calls' "$WORK/rotate.txt")" "1 1"
check "rotate: never a local variable" "$(grep -c '(on the stack)\|→ a local' "$WORK/rotate.txt")" 0
check "rotate: said why" "$(tr '\n' ' ' < "$WORK/rotate.txt" | grep -c 'freed by a later call')" 1

# --- the same through a caller: step() frees what make64() made for the call
# before, then calls it again: not a local variable of step
prof=$(profile rotate_caller ALLOCPROF_RATE=1 "$prog" rotate_caller)
"$ALLOCPROF" hints --min-share 0 "$prof" > "$WORK/rotate_caller.txt"
check "rotate_caller: allocate once in step, reused" \
	"$(tr '\n' ' ' < "$WORK/rotate_caller.txt" | sed 's/  */ /g' | grep -c 'allocate it once in step and reuse it across calls (each block is freed by a later call of step or iteration in it: not a local variable)')" 1
check "rotate_caller: never a local variable of step" "$(tr '\n' ' ' < "$WORK/rotate_caller.txt" | sed 's/  */ /g' | grep -c 'or make it a local variable')" 0

# --- rotate built without -g: no line says whether the block outlives the
# call, so no local variable either
if cc -O1 -fno-builtin -pthread -o "$WORK/safesites_nog" "$SRC/tests/hints/safesites.c" 2> "$WORK/cc.err"; then
	prof=$(profile rotate_nog ALLOCPROF_RATE=1 "$WORK/safesites_nog" rotate)
	"$ALLOCPROF" hints --min-share 0 "$prof" > "$WORK/rotate_nog.txt"
	check "rotate without -g: one buffer reused, no local variable, and why" \
		"$(tr '\n' ' ' < "$WORK/rotate_nog.txt" | sed 's/  */ /g' | grep -c 'one 64B buffer allocated once and reused across calls (without line numbers it cannot be told whether a block outlives its call: no local variable)')" 1
else
	skip "cc: $(head -c 200 "$WORK/cc.err")"
fi

# sampled (one sample per 16 kB: about 16 of the 1000 live blocks sampled)
prof=$(profile larson_sampled ALLOCPROF_RATE=16384 ALLOCPROF_SEED=1 "$prog" larson)
t="$WORK/larson_sampled.tsv"
"$ALLOCPROF" hints --tsv --min-share 0 "$prof" > "$t"
if [ "$(fig replace_slot live_max_sampled "$t")" -ge 2 ]; then
	ok "larson sampled: sampled blocks live at once: $(fig replace_slot live_max_sampled "$t")"
else
	not_ok "larson sampled: live_max_sampled $(fig replace_slot live_max_sampled "$t")"
fi
check "larson sampled: not scratch" "$(row replace_slot "$t" | cut -d' ' -f1)" "size-class"

# --- cfrac's palloc: 2500 numbers of 10..266 B freed by pfree, none within 1 ms
prof=$(profile palloc ALLOCPROF_RATE=1 "$prog" palloc)
t="$WORK/palloc.tsv"
"$ALLOCPROF" hints --tsv --min-share 0 "$prof" > "$t"
# 500 live at once, 5 rounds: the last 4 reuse the first's blocks
check "palloc: size classes" "$(row palloc "$t" | cut -d' ' -f1,3)" "size-class 2000"
check "palloc: sizes" "$(fig palloc size_min "$t") $(fig palloc size_max "$t")" "10 266"
"$ALLOCPROF" hints "$prof" > "$WORK/palloc.txt"
has "palloc: a free list per size class" "$WORK/palloc.txt" "a free list per size class"

# --- few samples: a count from fewer than 20 samples carries its spread
prof=$(profile palloc_sampled ALLOCPROF_RATE=65536 ALLOCPROF_SEED=2 "$prog" palloc)
"$ALLOCPROF" hints --min-share 0 "$prof" > "$WORK/palloc_sampled.txt"
"$ALLOCPROF" hints --tsv --min-share 0 "$prof" > "$WORK/palloc_sampled.tsv"
n=$(fig palloc samples "$WORK/palloc_sampled.tsv")
if awk -v n="$n" 'BEGIN { exit !(n > 0 && n < 19.5) }'; then
	has "palloc sampled: $n samples, the spread is printed" "$WORK/palloc_sampled.txt" "sample"
	if grep -q "±" "$WORK/palloc_sampled.txt"; then ok "palloc sampled: ± printed"; else not_ok "palloc sampled: no ±"; fi
else
	skip "palloc sampled: $n samples, not few"
fi
"$ALLOCPROF" summary "$prof" > "$WORK/palloc_summary.txt"
if grep -q "palloc.*objects ±" "$WORK/palloc_summary.txt"; then ok "summary: the palloc count carries its ±"; else not_ok "summary: $(grep palloc "$WORK/palloc_summary.txt")"; fi

( cd "$WORK" && "$ALLOCPROF" report -o "$WORK/palloc_report.html" "$prof" 2> /dev/null )
if grep -A1 '"sites":\[$' "$WORK/palloc_report.html" | grep -q '^\["palloc [^"]*",[0-9]*,"[0-9]* ±[0-9]*%"\]'; then
	ok "report: the palloc count carries its ±"
else
	not_ok "report: $(grep -A1 '"sites":\[$' "$WORK/palloc_report.html" | head -4)"
fi

# --- no hint names a raw address or a missing line as :0 (the header above
# "Hints:" has the build ID)
for f in "$WORK"/*.txt; do
	if sed -n '/^Hints:/,$p' "$f" | grep -Eq '(^|[^x])[0-9a-f]{16}|:0([^0-9.]|$)'; then not_ok "$(basename "$f"): an address or :0"; else ok "$(basename "$f"): no address, no :0"; fi
done
finish

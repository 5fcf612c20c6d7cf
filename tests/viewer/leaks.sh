#!/bin/sh
# allocprof leaks: over ALLOCPROF_INTERVAL snapshots of a program with a
# leaking site (1000 bytes a tick, never freed), a cache (32 blocks of 4 KiB,
# the oldest evicted) and scratch blocks freed at once, at rate 1: the leak
# is listed at its line, the cache apart, the scratch nowhere; the order is
# the profiles' time, not their names.
. "$(dirname "$0")/lib.sh"
GROWTH="$PROGS/growth"
SRCFILE="$SRC/tests/programs/growth.c"
line_of() { grep -n "^__attribute__.*\*$1(void)" "$SRCFILE" | cut -d: -f1; }

d="$WORK/run"; mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_INTERVAL=0.1 "$GROWTH" leaks)
n=$(ls "$d" | grep -vc peak)
[ "$n" -ge 4 ] && ok "$n snapshots" || not_ok "only $n snapshots"

"$ALLOCPROF" leaks "$d" > "$WORK/out" 2> "$WORK/err"
check "a directory: status 0, nothing on stderr" "$? $(cat "$WORK/err")" "0 "
leaks=$(sed -n '/^ *rate /,/^$/p' "$WORK/out" | sed '1d; /^$/d')
caches=$(sed -n '/^grew, then held steady/,$p' "$WORK/out" | sed '1,2d')
check "the leak, alone, at its line, with the 200 blocks of the last snapshot" \
	"$(printf '%s\n' "$leaks" | awk '{ print $3, $4, $5 }')" "195.31kB leak_site $SRCFILE:$(line_of leak_site)"
check "the cache apart, full at 32 blocks of 4 KiB" "$(printf '%s\n' "$caches" | awk '{ print $2, $3, $4 }')" \
	"128kB cache_site $SRCFILE:$(line_of cache_site)"
check "the scratch blocks nowhere" "$(grep -c scratch_site "$WORK/out")" 0
rate=$(printf '%s\n' "$leaks" | awk '{ print $1 }')
case "$rate" in
*B/s) ok "a rate in bytes per second: $rate" ;;
*) not_ok "rate: $rate" ;;
esac
check "the header counts the snapshots" "$(head -1 "$WORK/out" | cut -d' ' -f1,2)" "$n snapshots"

# the same series as files, as a quoted pattern, and renamed so that the
# names sort against time: the same report
snaps=$(ls "$d"/*.pb.gz | grep -v '\.peak\.pb\.gz$')
# shellcheck disable=SC2086
"$ALLOCPROF" leaks $snaps > "$WORK/files"
same "files: as the directory" "$WORK/out" "$WORK/files"
"$ALLOCPROF" leaks "$d/allocprof.growth.*.pb.gz" > "$WORK/glob"
same "a quoted pattern (the peak profile left out): as the directory" "$WORK/out" "$WORK/glob"
mkdir "$WORK/renamed"
i=0
for f in $(printf '%s\n' $snaps | sed 's/.*\.\([0-9]*\)\.pb\.gz$/\1 &/' | sort -n | cut -d' ' -f2); do
	cp "$f" "$WORK/renamed/$(printf 'z%03d' $((999 - i))).pb.gz"
	i=$((i + 1))
done
"$ALLOCPROF" leaks "$WORK/renamed" > "$WORK/renamed.out"
same "names sorting against time: as the directory" "$WORK/out" "$WORK/renamed.out"

# a directory and a pattern over the same files: each file counts once
# shellcheck disable=SC2086
"$ALLOCPROF" leaks "$d" "$d/allocprof.growth.*.pb.gz" $snaps > "$WORK/twice"
same "the same files named three ways: as the directory" "$WORK/out" "$WORK/twice"
ln -s "$d" "$WORK/link"
"$ALLOCPROF" leaks "$d" "$WORK/link" > "$WORK/linked"
same "the directory and a link to it: as the directory" "$WORK/out" "$WORK/linked"

# what it refuses
d2="$WORK/run2"; mkdir "$d2"
(cd "$d2" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_INTERVAL=0.1 "$GROWTH" leaks)
first=$(printf '%s\n' $snaps | LC_ALL=C sort | head -1)
other=$(ls "$d2"/*.pb.gz | grep -v '\.peak\.pb\.gz$' | LC_ALL=C sort | head -1)
pid_of() { basename "$1" | cut -d. -f3; }
status=0
"$ALLOCPROF" leaks "$d" "$d2" > /dev/null 2> "$WORK/err" || status=$?
check "two processes' snapshots: status 1, one line naming two" "$status $(cat "$WORK/err")" \
	"1 allocprof leaks: $first is pid $(pid_of "$first")'s, $other pid $(pid_of "$other")'s: a series is one process's snapshots"
status=0
# shellcheck disable=SC2046
"$ALLOCPROF" leaks $(printf '%s\n' $snaps | head -3) > /dev/null 2> "$WORK/err" || status=$?
check "three snapshots: status 1, one line" "$status $(cat "$WORK/err")" \
	"1 allocprof leaks: 3 profiles: a series needs at least 4 (ALLOCPROF_INTERVAL writes one per interval)"
status=0
"$ALLOCPROF" leaks "$DATA/go_cpu.pb.gz" "$d" > /dev/null 2> "$WORK/err" || status=$?
check "a CPU profile: status 1, one line" "$status $(cat "$WORK/err")" \
	"1 allocprof leaks: $DATA/go_cpu.pb.gz: no inuse_space: not a heap profile"
status=0
"$ALLOCPROF" leaks "$WORK/nothing-*.pb.gz" > /dev/null 2> "$WORK/err" || status=$?
check "a pattern matching nothing: status 1" "$status $(cat "$WORK/err")" \
	"1 allocprof leaks: $WORK/nothing-*.pb.gz: No such file or directory"
status=0
"$ALLOCPROF" leaks --by line "$d" > /dev/null 2> "$WORK/err" || status=$?
check "another command's option: status 2" "$status" 2

finish

#!/bin/sh
# The RSS breakdown of a dump: `resident heap` keeps 100 MiB of 1000-byte
# blocks live, leaves 50 MiB of holes among them that glibc keeps, and maps
# 30 MiB itself; the rows must say so and add up to the kernel's RSS.
# `resident arena` puts 64 MiB in an mmap arena of its own: the profile
# must warn that most of the RSS is memory allocprof does not see.
# `resident threads` parks 8 threads on 1 MiB of stack each.
. "$(dirname "$0")/lib.sh"

run() { # NAME RATE MODE [LIBRARY]: the comments of `resident MODE` in $WORK/NAME.txt
	mkdir "$WORK/$1"
	(cd "$WORK/$1" && LD_PRELOAD="$SHIM${4:+ $4}" ALLOCPROF_RATE="$2" ALLOCPROF_SEED=7 ALLOCPROF_SYMBOLIZE=0 \
		"$PROGS/resident" "$3" > out.txt)
	"$PFQ" --comments "$(profile_of "$WORK/$1")" > "$WORK/$1.txt"
}
row() { sed -n "s/^rss row: $2 \([0-9]*\) bytes .*/\1/p" "$WORK/$1.txt"; }
kind() { sed -n "s/^rss row: $2 [0-9]* bytes \(.*\)/\1/p" "$WORK/$1.txt"; }
total() { sed -n 's/^rss total: \([0-9]*\) bytes.*/\1/p' "$WORK/$1.txt"; }
statm() { sed -n 's/^rss total: .*statm: \([0-9]*\))$/\1/p' "$WORK/$1.txt"; }
MIB=1048576

# within DESCRIPTION VALUE LOW HIGH (MiB; VALUE in bytes)
within() {
	if [ -n "$2" ] && [ "$2" -ge $(($3 * MIB)) ] && [ "$2" -le $(($4 * MIB)) ]; then
		ok "$1: $(($2 / 1024)) KiB, within $3..$4 MiB"
	else
		not_ok "$1: '$2' bytes, not within $3..$4 MiB"
	fi
}

# rows_add_up NAME: the rows sum to the smaps total, and that is the kernel's RSS within 3%
rows_add_up() {
	sum=0
	for r in live_heap allocator_overhead allocator_free anon_outside_malloc thread_stacks files allocprof; do
		sum=$((sum + $(row "$1" $r)))
	done
	check "$1: the rows add up to the total" "$sum" "$(total "$1")"
	t=$(total "$1") s=$(statm "$1")
	if [ "$t" -gt 0 ] && [ $((t > s ? t - s : s - t)) -le $((s * 3 / 100)) ]; then
		ok "$1: the total is the kernel's RSS within 3% ($t, statm $s)"
	else
		not_ok "$1: total '$t' bytes, statm '$s'"
	fi
}

run exact 1 heap
check "the program ran" "$(cat "$WORK/exact/out.txt")" "104857 blocks kept, 52428 freed, 30 MiB mapped"
# 104857 blocks of 1000 bytes: 100 MiB
within "live heap at rate 1" "$(row exact live_heap)" 99 101
check "at rate 1 the live heap is exact" "$(kind exact live_heap)" "exact"
# chunks of 1008 bytes for 1000: 0.8 MiB of headers
within "the allocator's headers and rounding" "$(row exact allocator_overhead)" 0 2
# 52428 holes of 1008 bytes
within "held free by the allocator" "$(row exact allocator_free)" 48 52
check "glibc's free bytes are exact" "$(kind exact allocator_free)" "exact"
# 30 MiB, and the program's 1.2 MiB of pointers to its blocks
within "mapped outside malloc" "$(row exact anon_outside_malloc)" 30 34
within "allocprof's own pages (rings, tables of exact mode)" "$(row exact allocprof)" 1 64
within "thread stacks (the main thread's)" "$(row exact thread_stacks)" 0 1
within "files: code and data" "$(row exact files)" 1 32
rows_add_up exact
check "no warning of unseen allocations" "$(grep -c '^unseen allocations' "$WORK/exact.txt" || true)" "0"

# a dump by signal carries the breakdown too
mkdir "$WORK/signal"
(cd "$WORK/signal" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SIGNAL=USR1 ALLOCPROF_SYMBOLIZE=0 \
	"$PROGS/resident" heap raise > out.txt)
for f in "$WORK"/signal/*.pb.gz; do
	"$PFQ" --comments "$f" | grep -q '^reason: signal' && "$PFQ" --comments "$f" > "$WORK/signal.txt"
done
check "the signal's dump was written" "$(grep -c '^reason: signal' "$WORK/signal.txt" 2>/dev/null || true)" "1"
within "at the signal: live heap" "$(row signal live_heap)" 99 101
within "at the signal: held free" "$(row signal allocator_free)" 48 52
rows_add_up signal

# sampled: the live heap is an estimate, and the allocator's rows together
# are its regions whatever the estimate
run sampled 524288 heap
check "sampled, the live heap is an estimate" "$(kind sampled live_heap)" "estimate"
within "live heap, sampled (seed 7)" "$(row sampled live_heap)" 80 120
within "the allocator's rows together" \
	"$(($(row sampled live_heap) + $(row sampled allocator_overhead) + $(row sampled allocator_free)))" 148 154
within "mapped outside malloc, sampled" "$(row sampled anon_outside_malloc)" 30 34
rows_add_up sampled

run arena 65536 arena
check "the arena program ran" "$(cat "$WORK/arena/out.txt")" "64 MiB from the arena, 1 MiB from malloc"
within "the arena, outside malloc" "$(row arena anon_outside_malloc)" 64 66
rows_add_up arena
unseen=$(sed -n 's/^unseen allocations: \([0-9]*\) bytes resident in anonymous memory mapped outside malloc, more than the \([0-9]*\) bytes of heap allocprof sees.*/\1 \2/p' "$WORK/arena.txt")
within "the warning names the unseen bytes" "${unseen% *}" 64 66
within "and the heap allocprof sees" "${unseen#* }" 0 2

# threads parked at exit: their stacks are a row of their own
run threads 1 threads
check "the threads program ran" "$(cat "$WORK/threads/out.txt")" "8 threads with 1 MiB of stack each"
within "thread stacks: 8 times 1 MiB, and the main thread's" "$(row threads thread_stacks)" 8 10
within "thread stacks: not taken for anonymous memory" "$(row threads anon_outside_malloc)" 0 2
rows_add_up threads

# on jemalloc and tcmalloc the allocator's figures come from mallctl and
# MallocExtension: the live heap is still exact, the 30 MiB still outside
# (less what jemalloc's stats.resident, a maximum, counts too many: ~4 MiB)
for lib in libjemalloc.so.2 libtcmalloc_minimal.so.4; do
	path=$(ls /usr/lib/*/$lib 2>/dev/null | head -1)
	if [ -z "$path" ]; then
		skip "$lib missing"
		continue
	fi
	name=${lib%%.*}
	run "$name" 1 heap "$path"
	within "$name: live heap" "$(row "$name" live_heap)" 99 101
	within "$name: the allocator's rows together" \
		"$(($(row "$name" live_heap) + $(row "$name" allocator_overhead) + $(row "$name" allocator_free)))" 150 200
	within "$name: mapped outside malloc" "$(row "$name" anon_outside_malloc)" 24 34
	rows_add_up "$name"
done
finish

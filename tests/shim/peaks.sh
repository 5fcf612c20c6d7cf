#!/bin/sh
# The peak profile written while the program runs (ALLOCPROF_PEAK_STEP,
# ALLOCPROF_PEAK_RSS): a program SIGKILLed at its peak leaves it, exact at
# rate 1; a heap growing in small steps rewrites it at most once per step,
# in place; the RSS threshold writes it once.
. "$(dirname "$0")/lib.sh"
GROWTH="$PROGS/growth"
ALLOCPROF="$BUILD/viewer/allocprof"

# run_watched DIR PROGRAM...: runs it in DIR (stderr into DIR/fifo, read
# here line by line into DIR/err), calling on_line with each line; a
# program that waits is killed by on_line (or its own alarm, after 120 s)
run_watched() {
	local d=$1
	shift
	mkfifo "$d/fifo"
	(cd "$d" && exec "$@" 2> fifo) &
	pid=$!
	: > "$d/err"
	while IFS= read -r line; do
		printf '%s\n' "$line" >> "$d/err"
		on_line "$line" || true
	done < "$d/fifo"
	status=0
	wait $pid 2>/dev/null || status=$?
}

# SIGKILL at the peak: the program's peak is 20 MiB of its own (and a few
# KiB of the C library's); the first write that holds at least that much
# was made after its last allocation (each of the last ones is a whole step)
own_peak=$((64 * 65536 + 8 * 2097152))
on_line() {
	n=$(printf '%s\n' "$1" | sed -n 's/^allocprof: wrote .*(peak, on step: \([0-9]*\) bytes in use; [0-9]* us under the collector lock, [0-9]* us in all)$/\1/p')
	[ -n "$n" ] && [ "$n" -ge $own_peak ] && kill -KILL $pid
}
d="$WORK/kill"; mkdir "$d"
run_watched "$d" env LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_VERBOSE=1 ALLOCPROF_PEAK_STEP=1M "$GROWTH" kill
check "SIGKILL at the peak: killed by it" "$status" 137
peak=$(ls "$d"/*.peak.pb.gz)
check "SIGKILL at the peak: one peak file, named after the profile" "$(basename "$peak" | sed 's/[0-9][0-9]*/N/')" \
	"allocprof.growth.N.peak.pb.gz"
check "SIGKILL at the peak: nothing else left, no temporary file" "$(ls -A "$d" | grep -v '^fifo$\|^err$' | wc -l)" 1
check "SIGKILL at the peak: the file says why it was written" \
	"$("$PFQ" --comments "$peak" | grep '^reason:\|^peak profile writes:' | sed 's/writes: [0-9]*,/writes: N,/')" \
	"reason: peak (step)
peak profile writes: N, this one on step"
"$ALLOCPROF" symbolize -q "$peak" -o "$d/sym.pb.gz"
"$PFQ" "$d/sym.pb.gz" > "$d/peak.txt"
check "SIGKILL at the peak: small_site's 64 blocks of 64 KiB" "$(leaf small_site < "$d/peak.txt" | cut -d' ' -f1,2)" "64 4194304"
check "SIGKILL at the peak: big_site's 8 blocks of 2 MiB" "$(leaf big_site < "$d/peak.txt" | cut -d' ' -f1,2)" "8 16777216"
check "SIGKILL at the peak: temp_site's freed block is not there" "$(leaf temp_site < "$d/peak.txt" | cut -d' ' -f1)" "0"
total=$("$PFQ" --comments "$peak" | sed -n 's/^peak in use: \([0-9]*\) bytes.*/\1/p')
check "SIGKILL at the peak: the peak in use is the samples' sum" \
	"$(awk -F'\t' '{ split($1, v, " "); s += v[2] } END { print s }' < "$d/peak.txt")" "$total"

# under allocprof run: the killed process is named with its peak profile,
# which run symbolizes
on_line() {
	n=$(printf '%s\n' "$1" | sed -n 's/^allocprof: wrote .*\.\([0-9]*\)\.peak\.pb\.gz (peak, on step: \([0-9]*\) bytes in use.*/\1 \2/p')
	[ -n "$n" ] && [ "${n#* }" -ge $own_peak ] && kill -KILL "${n% *}"
}
d="$WORK/run"; mkdir "$d"
run_watched "$d" "$ALLOCPROF" run --rate 1 env ALLOCPROF_VERBOSE=1 ALLOCPROF_PEAK_STEP=1M "$GROWTH" kill
peak=$(ls "$d"/*.peak.pb.gz)
check "allocprof run, the program killed: named with its peak profile" \
	"$(grep -c "^allocprof: pid [0-9]* (growth) wrote no profile at its end; its peak profile: $peak\$" "$d/err")" 1
check "allocprof run, the program killed: the peak profile symbolized" \
	"$("$PFQ" "$peak" | leaf big_site | cut -d' ' -f1,2)" "8 16777216"

# many small steps: 16 MiB in 4 KiB pieces with a 1 MiB step rewrites the
# file at most 16 times, each time in place; the exit writes it once more,
# symbolized, and counts them all
on_line() { :; }
d="$WORK/steps"; mkdir "$d"
run_watched "$d" env LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_VERBOSE=1 ALLOCPROF_PEAK_STEP=1m "$GROWTH" steps
# (the program pauses 1 ms every 128 KiB, so the collector looks often:
# with a 4 KiB step it writes some 50 times here, with 1 MiB about 15; only
# the bound is asserted, and the SIGKILL case above asserts that one comes)
n=$(grep -c '(peak, on step: ' "$d/err" || true)
[ "$n" -le 16 ] && ok "1 MiB steps to 16 MiB: $n writes (at most 16)" ||
	not_ok "1 MiB steps to 16 MiB: $n writes: $(cat "$d/err")"
peak=$(ls "$d"/*.peak.pb.gz)
check "steps: the exit rewrote the same file" "$(grep -c "^allocprof: wrote $peak" "$d/err")" $((n + 1))
check "steps: the exit's peak file counts every write" "$("$PFQ" --comments "$peak" | grep '^peak profile writes:')" \
	"peak profile writes: $((n + 1)), this one on exit"
check "steps: one peak file, no temporary file" "$(ls -A "$d" | grep -c 'peak\|allocprof-')" 1
"$PFQ" "$peak" > "$d/peak.txt"
check "steps: at exit, the peak symbolized: 4096 blocks of 4 KiB" "$(leaf step_site < "$d/peak.txt" | cut -d' ' -f1,2)" \
	"4096 16777216"
# a share: each write at least 10% (and 1 MiB) above the last; exactly 10%
# is allowed, so compared in integers (last * 1.1 rounds above it)
d="$WORK/share"; mkdir "$d"
run_watched "$d" env LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_VERBOSE=1 ALLOCPROF_PEAK_STEP=10% "$GROWTH" steps
check "10% steps: each write a step above the last" \
	"$(sed -n 's/.*(peak, on step: \([0-9]*\) bytes in use.*/\1/p' "$d/err" |
		awk 'BEGIN { last = 0; bad = 0 } { if ($1 < last + 1048576 || $1 * 10 < last * 11) { bad++; b = b " " last "->" $1 } last = $1 }
			END { print bad b }')" 0
# without the variables, nothing is written while the program runs
d="$WORK/off"; mkdir "$d"
run_watched "$d" env LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_VERBOSE=1 "$GROWTH" steps
check "no ALLOCPROF_PEAK_STEP: the peak file at exit only" "$(grep -c 'peak' "$d/err")" 1

# the RSS threshold: 64 MiB written to, a threshold of 32 MiB: one write,
# however long the program stays above it (three interval dumps later,
# each one a round of the collector after the RSS was read again)
rss_seen=0 after=0
on_line() {
	case "$1" in
	*"reached ALLOCPROF_PEAK_RSS"*) rss_seen=1 ;;
	"allocprof: wrote "*.[0-9]*.pb.gz) [ $rss_seen = 1 ] && after=$((after + 1)) && [ $after = 3 ] && kill -TERM $pid ;;
	esac
}
d="$WORK/rss"; mkdir "$d"
run_watched "$d" env LD_PRELOAD="$SHIM" ALLOCPROF_VERBOSE=1 ALLOCPROF_PEAK_RSS=32m ALLOCPROF_INTERVAL=0.05 "$GROWTH" rss
check "RSS threshold: one write" "$(grep -c '(peak, on rss: ' "$d/err")" 1
rss=$(sed -n 's/^allocprof: RSS \([0-9]*\) bytes reached ALLOCPROF_PEAK_RSS (33554432 bytes)$/\1/p' "$d/err")
[ -n "$rss" ] && [ "$rss" -ge 33554432 ] && ok "RSS threshold: crossed at $rss bytes" ||
	not_ok "RSS threshold: $(cat "$d/err")"
check "RSS threshold: with ALLOCPROF_INTERVAL, %n of the name becomes peak" \
	"$(ls "$d" | grep peak | sed 's/[0-9][0-9]*/N/')" "allocprof.growth.N.peak.pb.gz"
check "RSS threshold: the exit (SIGTERM) rewrote it, counting both" \
	"$("$PFQ" --comments "$d"/*.peak.pb.gz | grep '^peak profile writes:')" "peak profile writes: 2, this one on exit"

# a share of RSS: of the cgroup's memory limit, else of physical memory
d="$WORK/share-rss"; mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_VERBOSE=1 ALLOCPROF_PEAK_RSS=50% "$GROWTH" steps 2> err)
line=$(grep 'the peak profile is written when RSS reaches' "$d/err")
whole=$(printf '%s\n' "$line" | sed -n 's/.* of \(.*\), \([0-9]*\) bytes)$/\2/p')
limit=$(printf '%s\n' "$line" | sed -n 's/.*RSS reaches \([0-9]*\) bytes (50% of .*/\1/p')
check "ALLOCPROF_PEAK_RSS=50%: half the whole" "$limit" "$((whole / 2))"
case "$line" in
*"of physical memory"*)
	check "ALLOCPROF_PEAK_RSS=50% without a cgroup limit: physical memory" "$whole" \
		"$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo) * 1024))" ;;
*) ok "ALLOCPROF_PEAK_RSS=50%: $line" ;;
esac

# a bad value: one line, the default
d="$WORK/bad"; mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_PEAK_STEP=150% ALLOCPROF_PEAK_RSS=lots "$GROWTH" steps 2> err)
check "bad values: one line each" "$(cat "$d/err")" "allocprof: ignoring ALLOCPROF_PEAK_STEP=150% (not a valid value); using 0
allocprof: ignoring ALLOCPROF_PEAK_RSS=lots (not a valid value); using 0"

finish

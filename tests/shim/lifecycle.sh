#!/bin/sh
# Every way a profile gets written: the public API, the peak, periodic
# snapshots, a dump signal, crashes with ALLOCPROF_ON_CRASH=1, _exit; and the
# output rules: a missing directory, an existing file, a bad variable.
. "$(dirname "$0")/lib.sh"
LIFE="$PROGS/lifecycle"

sym() { go tool pprof -proto "$1" > "$1.sym" 2>/dev/null && "$PFQ" "$1.sym"; }

# allocprof_dump() from the program, and the same program without the shim
d="$WORK/api"; mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$LIFE" api > out.txt)
check "allocprof_dump returns 0 under the shim" "$(cat "$d/out.txt")" "dump linked 0"
sym "$d/api.pb.gz" > "$d/api.txt"
check "the API dump has what came before it" "$(leaf api_site_before < "$d/api.txt")" "5 555 5 555"
check "and nothing after it" "$(leaf api_site_after < "$d/api.txt" | cut -d' ' -f1)" "0"
check "without the shim the weak symbol is absent" "$(cd "$d" && "$LIFE" api)" "dump absent -1"

# the peak: 10 MiB at peak_site, freed, then 4 MiB kept at after_site
d="$WORK/peak"; mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$LIFE" peak)
main=$(profile_of "$d")
peak=$(ls "$d"/*.peak.pb.gz)
sym "$peak" > "$d/peak.txt"
check "peak profile types" "$("$PFQ" --types "$peak" | head -2 | tr '\n' ' ')" "inuse_objects/count inuse_space/bytes "
check "at the peak, peak_site held 10 MiB" "$(leaf peak_site < "$d/peak.txt" | cut -d' ' -f1,2)" "10 10485760"
check "at the peak, after_site held nothing" "$(leaf after_site < "$d/peak.txt" | cut -d' ' -f1)" "0"
sym "$main" > "$d/main.txt"
check "at exit, after_site holds 4 MiB" "$(leaf after_site < "$d/main.txt")" "4 4194304 4 4194304"

# crashes: written from the signal handler, then the program dies as it would
for mode in segv abort; do
	d="$WORK/$mode"; mkdir "$d"
	status=0
	(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_ON_CRASH=1 "$LIFE" $mode 2> err.txt) || status=$?
	want=139; [ $mode = abort ] && want=134
	check "$mode: dies by its signal" "$status" "$want"
	prof=$(profile_of "$d")
	sym "$prof" > "$d/s.txt"
	check "$mode: crash profile has the leaked blocks" "$(leaf crash_site < "$d/s.txt")" "3 12963 3 12963"
	grep -q "^reason: fatal signal" "$d/s.txt.sym" 2>/dev/null || true
	check "$mode: the comments say why" "$("$PFQ" --comments "$prof" | grep -c '^reason: fatal signal')" "1"
	d="$WORK/$mode-off"; mkdir "$d"
	(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$LIFE" $mode 2> /dev/null) || true
	check "$mode without ALLOCPROF_ON_CRASH: no profile" "$(ls "$d" | grep -c pb.gz)" "0"
done

# periodic snapshots, and SIGKILL loses at most one interval
d="$WORK/interval"; mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_INTERVAL=0.2 exec "$LIFE" run 5) &
pid=$!
sleep 1.5
kill -KILL $pid
wait $pid 2>/dev/null || true
n=$(ls "$d" | grep -c "^allocprof.lifecycle.$pid.[0-9]*.pb.gz$")
if [ "$n" -ge 5 ] && [ "$n" -le 8 ]; then ok "ALLOCPROF_INTERVAL=0.2 for 1.5 s then SIGKILL: $n numbered snapshots"; else not_ok "interval snapshots: $n"; fi
check "the snapshots say why" "$("$PFQ" --comments "$d/allocprof.lifecycle.$pid.0.pb.gz" | grep '^reason')" "reason: interval"

# a dump signal
d="$WORK/signal"; mkdir "$d"
mkfifo "$d/in"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SIGNAL=USR2 exec "$LIFE" wait < in) &
pid=$!
exec 3> "$d/in"
sleep 0.3
kill -USR2 $pid
sleep 0.3
echo more >&3
sleep 0.1
kill -USR2 $pid
sleep 0.3
exec 3>&-
wait_bounded $pid 60
n=$(ls "$d" | grep -v peak | grep -c pb.gz)
check "two USR2 dumps and the exit dump" "$n" "3"
first=$(ls "$d"/*.pb.gz | grep -v peak | head -1)
check "a signal dump says why" "$("$PFQ" --comments "$first" | grep '^reason')" "reason: signal"

# _exit writes the profile too (forker's odd children test it under fork)
d="$WORK/outdir"; mkdir "$d"
status=0
LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$d/missing/x.pb.gz" "$LIFE" peak 2> "$d/err.txt" || status=$?
check "missing directory: the program's status is kept" "$status" "0"
check "missing directory: one clear line" "$(grep -c 'allocprof: cannot write the profile to .*missing/x.pb.gz: No such file or directory' "$d/err.txt")" "1"
touch "$d/taken.pb.gz"
LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$d/taken.pb.gz" "$LIFE" peak
check "an existing file is kept" "$(wc -c < "$d/taken.pb.gz")" "0"
check "the profile gets a suffix" "$(ls "$d" | grep -c '^taken\.1\.pb\.gz$')" "1"

status=0
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=lots ALLOCPROF_DEPTH=0 "$LIFE" peak 2> bad.txt) || status=$?
check "bad variables: the program still runs" "$status" "0"
check "bad variables: one line each, naming it" "$(grep -c 'allocprof: ignoring ALLOCPROF_RATE=lots' "$d/bad.txt") $(grep -c 'allocprof: ignoring ALLOCPROF_DEPTH=0' "$d/bad.txt")" "1 1"
# links planted at every temporary name the shim used to pick
# (.allocprof-PID-N.tmp, the pid known in advance by exec) neither stop the
# profile nor get followed
d="$WORK/planted"; mkdir "$d"
echo precious > "$d/victim"
# shellcheck disable=SC2016
(cd "$d" && sh -c 'i=0; while [ $i -lt 100 ]; do ln -s victim ".allocprof-$$-$i.tmp"; i=$((i + 1)); done
	exec "$@"' sh env LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$LIFE" api > out.txt 2> err.txt)
check "planted temporary names: allocprof_dump returns 0" "$(cat "$d/out.txt")" "dump linked 0"
check "planted temporary names: the API profile is written" "$("$PFQ" --types "$d/api.pb.gz" | head -1)" \
	"alloc_objects/count"
check "planted temporary names: the victim is untouched" "$(cat "$d/victim")" precious
check "planted temporary names: no temporary file left" "$(find "$d" -name '.allocprof-*' -type f | wc -l)" 0

finish

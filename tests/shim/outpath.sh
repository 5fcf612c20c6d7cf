#!/bin/sh
# Where profiles go and how the manifest says so: ALLOCPROF_OUT resolved
# against the directory at start, a directory given as ALLOCPROF_OUT, a
# template too long for a path, a manifest that is a FIFO or holds a path
# with a newline, a process that sampled nothing, and the allocator's own
# figure beside the estimate.
. "$(dirname "$0")/lib.sh"
WANDERER="$PROGS/wanderer"
KS="$PROGS/known_sites"

# a relative template is resolved where the process started: the parent
# writes into its start directory although it exits elsewhere, and the
# child it execs after chdir starts (and writes) in the other directory
d="$WORK/start"
mkdir -p "$d/elsewhere"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_OUT=prof.%e.%p.pb.gz \
	"$WANDERER" elsewhere)
check "relative ALLOCPROF_OUT: the parent's profile where it started" \
	"$(ls "$d" | grep -c '^prof\.wanderer\.[0-9]*\.pb\.gz$')" 1
check "relative ALLOCPROF_OUT: the exec'd child's where it started" \
	"$(ls "$d/elsewhere" | grep -c '^prof\.wanderer\.[0-9]*\.pb\.gz$')" 1

# a directory: the default name inside it, not hidden ".pb.gz"-less files
for form in "$WORK/outdir/" "$WORK/outdir"; do
	rm -rf "$WORK/outdir"
	mkdir "$WORK/outdir"
	LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_OUT="$form" "$KS"
	check "ALLOCPROF_OUT=$form: the default names inside" \
		"$(cd "$WORK/outdir" && ls -A | sed 's/[0-9][0-9]*/N/' | tr '\n' ' ')" \
		"allocprof.known_sites.N.pb.gz allocprof.known_sites.N.peak.pb.gz "
done
rm -rf "$WORK/outdir"
mkdir "$WORK/outdir"
(cd "$WORK" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_INTERVAL=100 \
	ALLOCPROF_OUT=outdir/ "$KS")
check "ALLOCPROF_OUT=dir/ with ALLOCPROF_INTERVAL: the numbered default" \
	"$(cd "$WORK/outdir" && ls -A | sed 's/\.[0-9][0-9]*\./.N./' | tr '\n' ' ')" \
	"allocprof.known_sites.N.0.pb.gz allocprof.known_sites.N.peak.pb.gz "

# longer than a path may be: one line, the default name, no truncated file
long=$WORK/$(printf '%05000d' 0)/x.pb.gz
d="$WORK/long"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_OUT="$long" "$KS" 2> "$WORK/err")
check "ALLOCPROF_OUT over PATH_MAX: one line on stderr" "$(cat "$WORK/err")" \
	"allocprof: ignoring ALLOCPROF_OUT (${#long} bytes: the longest path is 4095); using allocprof.%e.%p.pb.gz"
check "ALLOCPROF_OUT over PATH_MAX: the default name" \
	"$(ls "$d" | grep -c '^allocprof\.known_sites\.[0-9]*\.pb\.gz$')" 1

# a FIFO as the manifest: opening it for writing would wait for a reader
mkfifo "$WORK/fifo"
d="$WORK/fifo.d"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_MANIFEST="$WORK/fifo" "$KS") &
status=0
wait_bounded $! 30 || status=$?
check "ALLOCPROF_MANIFEST naming a FIFO: the program exits" "$status" 0
check "ALLOCPROF_MANIFEST naming a FIFO: the profile is written" \
	"$(ls "$d" | grep -c '^allocprof\.known_sites\.[0-9]*\.pb\.gz$')" 1

# the manifest: one record per file, NUL-separated fields, so a newline in
# a path survives; a process that sampled nothing says so
nl='
'
d="$WORK/new${nl}line"
mkdir "$d"
: > "$WORK/manifest"
LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_MANIFEST="$WORK/manifest" \
	ALLOCPROF_OUT="$d/p.pb.gz" "$KS"
LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1g ALLOCPROF_SEED=1 ALLOCPROF_MANIFEST="$WORK/manifest" ls / > /dev/null
pid=$(tr '\0' '\n' < "$WORK/manifest" | sed -n 's/^profile //p')
check "manifest: records and fields" "$(tr '\0' '|' < "$WORK/manifest" | sed "s/^profile $pid|/profile P|/; s/|peak $pid|/|peak P|/; s/|empty [0-9][0-9]*|/|empty Q|/")" \
	"profile P|known_sites|$d/p.pb.gz|peak P|known_sites|$d/p.peak.pb.gz|empty Q|ls||"

# the allocator's own count of the bytes in use, beside the estimate: the
# 4 leaked blocks of 777 bytes are 4 chunks of 800 bytes in glibc, which
# also counts the freed blocks its per-thread cache keeps (about 14 KiB here)
d="$WORK/alloc"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$KS")
held=$("$PFQ" --comments "$(profile_of "$d")" | sed -n 's/^allocator in use: \([0-9]*\) bytes (mallinfo2 of libc\.so\.6.*/\1/p')
[ -n "$held" ] && [ "$held" -ge 3200 ] && [ "$held" -lt 32768 ] && ok "allocator in use: $held bytes (4 x 800 and glibc's cache)" ||
	not_ok "allocator in use: '$held' bytes, expected 3200..32767"
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -1)
if [ -n "$jemalloc" ]; then
	d="$WORK/jemalloc"
	mkdir "$d"
	status=0
	(cd "$d" && LD_PRELOAD="$SHIM $jemalloc" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ls / > /dev/null) || status=$?
	check "on jemalloc: runs" "$status" 0
	check "on jemalloc: no glibc figure for a heap glibc does not own" \
		"$("$PFQ" --comments "$(profile_of "$d")" | grep -c '^allocator in use')" 0
else
	skip "libjemalloc2 missing"
fi
finish

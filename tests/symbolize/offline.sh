#!/bin/sh
# ALLOCPROF_SYMBOLIZE=0, then allocprof symbolize: the same frames as the
# shim's, the same as go tool pprof finds itself; standard input and output;
# a binary of another build refused.
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/bin"
cp "$PROGS/known_sites" "$WORK/bin/known_sites"
mkdir "$WORK/raw"
(cd "$WORK/raw" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$WORK/bin/known_sites")
raw=$(profile_in "$WORK/raw")
check "unsymbolized" "$("$SYMQ" --mappings "$raw" | head -1 | cut -d' ' -f3)" "----"
check "no names" "$("$SYMQ" "$raw" | grep -c '@' || true)" "0"

"$ALLOCPROF" symbolize "$raw" -o "$WORK/out.pb.gz" 2> "$WORK/err.txt"
check "exit status" "$?" "0"
contains "summary" "$(cat "$WORK/err.txt")" 'symbolized'
"$SYMQ" "$WORK/out.pb.gz" > "$WORK/out.txt"
check "site_small at known_sites.c:9" "$(sum_leaf '^site_small@known_sites.c:9$' < "$WORK/out.txt")" "1000 16000"
check "flags" "$("$SYMQ" --mappings "$WORK/out.pb.gz" | head -1 | cut -d' ' -f3)" "FLNI"

run_shim "$WORK/live" "$WORK/bin/known_sites"
# two runs: a frame without a name differs by its address (ASLR), not more
unnamed() { sed 's/0x[0-9a-f]*/0x?/g'; }
check "same frames as the shim's" "$("$SYMQ" "$(profile_in "$WORK/live")" | unnamed)" "$(unnamed < "$WORK/out.txt")"

"$ALLOCPROF" symbolize -q - --output - < "$raw" > "$WORK/piped.pb.gz"
check "stdin to stdout" "$("$SYMQ" "$WORK/piped.pb.gz")" "$(cat "$WORK/out.txt")"
"$ALLOCPROF" symbolize -q --output="$WORK/again.pb.gz" "$WORK/out.pb.gz"
check "a symbolized profile is kept as it is" "$("$SYMQ" "$WORK/again.pb.gz")" "$(cat "$WORK/out.txt")"

if have_go; then
	check "pprof -top -lines reads our frames" "$(pprof_top "$WORK/out.pb.gz")" "$(symq_top "$WORK/out.pb.gz")"
	# pprof's own symbolization of the raw profile, where it can (the program)
	check "pprof's own symbolization agrees" "$(pprof_top "$WORK/out.pb.gz" | grep known_sites.c)" \
		"$(pprof_top "$raw" | grep known_sites.c)"
	lst() { go tool pprof -sample_index=alloc_space -unit=B -list '^site_' "$1" 2>/dev/null | grep -E '^ +[0-9.]+B'; }
	check "pprof -list agrees" "$(lst "$WORK/out.pb.gz")" "$(lst "$raw")"
else
	skip "go tool pprof is not installed"
fi

# another build at the recorded path
cp "$SYMDIR/exported_sites" "$WORK/bin/known_sites"
status=0
"$ALLOCPROF" symbolize "$raw" -o "$WORK/bad.pb.gz" 2> "$WORK/err.txt" || status=$?
check "mismatch: exit status" "$status" "1"
contains "mismatch: says why" "$(cat "$WORK/err.txt")" 'known_sites: build ID [0-9a-f]+, but the profile.s mapping has [0-9a-f]+'
contains "mismatch: refuses" "$(cat "$WORK/err.txt")" 'refusing'
check "mismatch: nothing written" "$(ls "$WORK"/bad.pb.gz* 2>/dev/null || true)" ""
"$ALLOCPROF" symbolize -q --skip-mismatch "$raw" -o "$WORK/skip.pb.gz" 2>/dev/null
check "--skip-mismatch: main mapping left alone" "$("$SYMQ" --mappings "$WORK/skip.pb.gz" | head -1 | cut -d' ' -f3)" "----"
check "--skip-mismatch: libc still named" "$("$SYMQ" "$WORK/skip.pb.gz" | grep -c '__libc_start_main' || true)" \
	"$(grep -c '__libc_start_main' "$WORK/out.txt")"

# the binary gone, nothing by build ID: addresses stay, a note says so
rm "$WORK/bin/known_sites"
"$ALLOCPROF" symbolize "$raw" -o "$WORK/gone.pb.gz" 2> "$WORK/err.txt"
check "missing binary: exit status" "$?" "0"
contains "missing binary: noted" "$(cat "$WORK/err.txt")" 'known_sites: not found'

status=0
"$ALLOCPROF" symbolize "$raw" 2>/dev/null || status=$?
check "no output: usage error" "$status" "2"

finish

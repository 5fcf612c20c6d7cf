#!/bin/sh
# A copy of known_sites runs under the shim and is deleted before anyone
# reads the profile: the profile alone must name the exact sites, for symq and
# for go tool pprof (-top -lines and -list).
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/bin"
cp "$PROGS/known_sites" "$WORK/bin/known_sites"
run_shim "$WORK/run" "$WORK/bin/known_sites"
rm "$WORK/bin/known_sites"
prof=$(profile_in "$WORK/run")
"$SYMQ" "$prof" > "$WORK/s.txt"

check "site_small at known_sites.c:9" "$(sum_leaf '^site_small@known_sites.c:9$' < "$WORK/s.txt")" "1000 16000"
check "site_calloc at known_sites.c:11" "$(sum_leaf '^site_calloc@known_sites.c:11$' < "$WORK/s.txt")" "20 20000"
check "site_leak at known_sites.c:25" "$(sum_leaf '^site_leak@known_sites.c:25$' < "$WORK/s.txt")" "4 3108"
check "strdup's caller at known_sites.c:26" \
	"$(grep -c '|site_strdup@known_sites.c:26|main@known_sites.c:' "$WORK/s.txt")" "2"
# the program's own frames all have names (libc's may not: a stripped libc
# without its debug package names only what it exports)
check "no unnamed frame in the program" \
	"$("$BUILD/tests/shim/pfq" --rel "$prof" | grep -c 'known_sites+0x' || true)" "0"
check "main mapping symbolized" "$("$SYMQ" --mappings "$prof" | head -1 | cut -d' ' -f1,3)" \
	"$WORK/bin/known_sites FLNI"
src=$(cd "$SRC/tests/programs" && pwd -P)/known_sites.c
check "source file is absolute" \
	"$("$SYMQ" --functions "$prof" | awk -F'\t' '$1 == "site_small" { print $3 }')" "$src"
check "function start line" \
	"$("$SYMQ" --functions "$prof" | awk -F'\t' '$1 == "site_small" { print $4 }')" "8"

if have_go; then
	top=$(pprof_top "$prof")
	check "pprof -top -lines reads our frames" "$top" "$(symq_top "$prof")"
	contains "pprof -top -lines: site_small known_sites.c:9" "$top" '^16000B site_small known_sites.c:9$'
	contains "pprof -top -lines: site_leak known_sites.c:25" "$top" '^3108B site_leak known_sites.c:25$'
	list=$(go tool pprof -sample_index=alloc_space -unit=B -list '^site_small$' "$prof" 2>&1)
	contains "pprof -list: line 9 has the bytes" "$list" '^ +16000B +16000B +9:.*malloc\(16\)'
	contains "pprof -list: read the source" "$list" "ROUTINE =+ site_small in .*known_sites.c"
	warn=$(go tool pprof -top "$prof" 2>&1 >/dev/null | grep -i 'symbolization failed' || true)
	check "pprof needs no binary" "$warn" ""
else
	skip "go tool pprof is not installed"
fi

finish

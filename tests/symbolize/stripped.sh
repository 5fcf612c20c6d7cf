#!/bin/sh
# Stripped binaries: names from .dynsym; lines again from a .gnu_debuglink
# file next to the binary (shim) or a .build-id tree (allocprof symbolize),
# even with the binary gone.
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/s" "$WORK/l" "$WORK/dbg"
cp "$SYMDIR/exported_sites" "$WORK/s/prog"
strip -s "$WORK/s/prog"
run_shim "$WORK/run" "$WORK/s/prog"
prof=$(profile_in "$WORK/run")
check "names from .dynsym" "$("$SYMQ" "$prof" | sum_leaf '^exported_alloc@:0$')" "25 800"
check "caller too" "$("$SYMQ" "$prof" | grep -c '	exported_alloc@:0|exported_loop@:0|main@:0')" "1"
check "only functions claimed" "$("$SYMQ" --mappings "$prof" | head -1 | cut -d' ' -f3)" "F---"

# .gnu_debuglink: the shim finds prog.debug next to prog
cp "$SYMDIR/exported_sites" "$WORK/l/prog"
objcopy --only-keep-debug "$WORK/l/prog" "$WORK/l/prog.debug"
strip -s "$WORK/l/prog"
objcopy --add-gnu-debuglink="$WORK/l/prog.debug" "$WORK/l/prog"
run_shim "$WORK/run-link" "$WORK/l/prog"
prof=$(profile_in "$WORK/run-link")
check "debuglink: lines again" "$("$SYMQ" "$prof" | sum_leaf '^exported_alloc@exported_sites.c:8$')" "25 800"
check "debuglink: all flags" "$("$SYMQ" --mappings "$prof" | head -1 | cut -d' ' -f3)" "FLNI"

# .build-id/xx/yyyy.debug under a debug directory, offline
run_shim "$WORK/run-id" env ALLOCPROF_SYMBOLIZE=0 "$WORK/s/prog"
raw=$(profile_in "$WORK/run-id")
id=$("$SYMQ" --mappings "$raw" | head -1 | cut -d' ' -f2)
mkdir -p "$WORK/dbg/.build-id/$(echo "$id" | cut -c1-2)"
objcopy --only-keep-debug "$SYMDIR/exported_sites" \
	"$WORK/dbg/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
"$ALLOCPROF" symbolize -q --debuginfo-path "$WORK/dbg" "$raw" -o "$WORK/id.pb.gz"
check "build-id tree: lines" "$("$SYMQ" "$WORK/id.pb.gz" | sum_leaf '^exported_alloc@exported_sites.c:8$')" "25 800"
rm "$WORK/s/prog"
"$ALLOCPROF" symbolize -q --debuginfo-path "$WORK/dbg" "$raw" -o "$WORK/gone.pb.gz"
check "build-id tree, binary gone: lines" \
	"$("$SYMQ" "$WORK/gone.pb.gz" | sum_leaf '^exported_alloc@exported_sites.c:8$')" "25 800"

finish

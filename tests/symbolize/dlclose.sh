#!/bin/sh
# A library loaded with dlopen, allocated through, and closed before exit:
# its frames still resolve, in the shim and offline. And one deleted while
# still loaded.
. "$(dirname "$0")/lib.sh"

cp "$SYMDIR/libdl_plugin.so" "$WORK/plugin.so"
run_shim "$WORK/run" "$SYMDIR/dl_host" "$WORK/plugin.so"
prof=$(profile_in "$WORK/run")
"$SYMQ" "$prof" > "$WORK/s.txt"
check "plugin_alloc at dl_plugin.c:7" "$(sum_leaf '^plugin_alloc@dl_plugin.c:7$' < "$WORK/s.txt")" "40 4000"
check "called from plugin_run" "$(grep -c '	plugin_alloc@dl_plugin.c:7|plugin_run@dl_plugin.c:13|main@dl_host.c:' "$WORK/s.txt")" "1"
check "closed library's mapping symbolized" \
	"$("$SYMQ" --mappings "$prof" | awk -v f="$WORK/plugin.so" '$1 == f { print $3 }')" "FLNI"

mkdir "$WORK/raw"
(cd "$WORK/raw" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$SYMDIR/dl_host" "$WORK/plugin.so")
raw=$(profile_in "$WORK/raw")
"$ALLOCPROF" symbolize -q "$raw" -o "$WORK/off.pb.gz"
check "offline: plugin_alloc at dl_plugin.c:7" \
	"$("$SYMQ" "$WORK/off.pb.gz" | sum_leaf '^plugin_alloc@dl_plugin.c:7$')" "40 4000"

# deleted while loaded: only the live mapping still holds the file, through
# /proc/self/map_files (which needs CAP_SYS_ADMIN); without it the frames
# keep their addresses, and nothing breaks
cp "$SYMDIR/libdl_plugin.so" "$WORK/gone.so"
run_shim "$WORK/run-gone" "$SYMDIR/dl_host" "$WORK/gone.so" unlink
prof=$(profile_in "$WORK/run-gone")
# the plugin's frame: named, or, with the file gone, the library and offset
check "deleted library: called from the program" \
	"$("$BUILD/tests/shim/pfq" --rel "$prof" | grep -Ec '	(plugin_alloc@dl_plugin.c:7|gone.so\+0x[0-9a-f]+);.*main@dl_host.c:' || true)" "1"
if "$SYMQ" --mappings "$prof" | grep -q "gone.so.* F"; then
	check "deleted library: named through map_files" \
		"$("$SYMQ" "$prof" | sum_leaf '^plugin_alloc@dl_plugin.c:7$')" "40 4000"
else
	check "deleted library: addresses only" \
		"$("$BUILD/tests/shim/pfq" --rel "$prof" | awk -F'\t' '$2 ~ /^gone.so\+0x/ { split($1, v, " "); o += v[1]; b += v[2] } END { print o + 0, b + 0 }')" "40 4000"
fi

finish

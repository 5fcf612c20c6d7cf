#!/bin/sh
# A profile whose frames lie in 24 different libraries, symbolized by the
# shim at exit: every library's frames named, and the program unharmed.
. "$(dirname "$0")/lib.sh"
PFQ="$BUILD/tests/shim/pfq"

libs=""
for i in $(seq 1 24); do
	cp "$SYMDIR/libdl_plugin.so" "$WORK/plugin$i.so"
	libs="$libs $WORK/plugin$i.so"
done
mkdir "$WORK/out"
status=0
# shellcheck disable=SC2086
(cd "$WORK/out" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$SYMDIR/many_host" $libs) || status=$?
check "the program exits normally" "$status" "0"
prof=$(ls "$WORK"/out/*.pb.gz | grep -v peak)
"$PFQ" "$prof" > "$WORK/s.txt"
check "every copy's allocations, named" "$(awk -F'\t' '$2 ~ /^plugin_alloc@dl_plugin.c:7;plugin_run@/ { split($1, v, " "); s += v[1] } END { print s + 0 }' "$WORK/s.txt")" "120"
check "24 plugin mappings, each symbolized" "$("$PFQ" --mappings "$prof" | grep -c 'plugin[0-9]*\.so .* FLN')" "24"
finish

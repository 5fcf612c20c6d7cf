#!/bin/sh
# A static inline helper inlined at -O2: its allocation shows as an inlined
# frame (innermost first) inside its caller's location, at both lines; go
# tool pprof reads the same frames it finds itself with addr2line -i.
. "$(dirname "$0")/lib.sh"

run_shim "$WORK/run" "$SYMDIR/inline_sites"
prof=$(profile_in "$WORK/run")
"$SYMQ" "$prof" > "$WORK/s.txt"
# 50 buffers of 2 * (64 + i) bytes
check "inlined helper inside its caller" \
	"$(sum_leaf '^make_buffer@inline_sites.c:9\+build_message@inline_sites.c:17$' < "$WORK/s.txt")" "50 8850"
check "then main" "$(grep -c '+build_message@inline_sites.c:17|main@inline_sites.c:' "$WORK/s.txt")" "1"
check "mapping has inline frames" "$("$SYMQ" --mappings "$prof" | head -1 | cut -d' ' -f3)" "FLNI"

if have_go; then
	top=$(pprof_top "$prof")
	contains "pprof -top -lines shows the inlined line" "$top" '^8850B make_buffer inline_sites.c:9 \(inline\)$'
	list=$(go tool pprof -sample_index=alloc_space -unit=B -list '^build_message$' "$prof" 2>&1)
	contains "pprof -list: the call of the helper" "$list" '^ +\. +8850B +17:'
	check "pprof -top -lines reads our frames" "$top" "$(symq_top "$prof")"
	traces=$(go tool pprof -traces -lines "$prof" 2>/dev/null)
	contains "pprof -traces: helper, then its caller" "$traces" \
		'make_buffer .*inline_sites.c:9 \(inline\)$'
	contains "pprof -traces: the caller at the call" "$traces" 'build_message .*inline_sites.c:17$'
else
	skip "go tool pprof is not installed"
fi

finish

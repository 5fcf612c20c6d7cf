#!/bin/sh
# Our encoding read by independent readers: protoc with pprof's own
# profile.proto, and go tool pprof.
set -eu
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
n=0; fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
expect() { if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in output"; sed 's/^/# /' "$1"; fi; }

"$TEST_PPROF" "$WORK/p.pb" "$WORK/p.pb.gz" > "$WORK/unit.log" || { cat "$WORK/unit.log"; exit 1; }

PROTO_DIR=$(dirname "$PPROF_PROTO")
if protoc --proto_path="$PROTO_DIR" --decode=perftools.profiles.Profile profile.proto \
	< "$WORK/p.pb" > "$WORK/decoded.txt" 2> "$WORK/protoc.err"; then
	ok "protoc decodes the encoding"
else
	bad "protoc failed: $(cat "$WORK/protoc.err")"
fi
expect "$WORK/decoded.txt" 'string_table: "grow(int)"' "protoc sees the string table"
expect "$WORK/decoded.txt" 'period: 524288' "protoc sees the period"
expect "$WORK/decoded.txt" 'memory_start: 4194304' "protoc sees the mapping"
expect "$WORK/decoded.txt" 'has_inline_frames: true' "protoc sees mapping flags"
# re-encode with protoc and compare byte for byte: our encoding is canonical
protoc --proto_path="$PROTO_DIR" --encode=perftools.profiles.Profile profile.proto \
	< "$WORK/decoded.txt" > "$WORK/reencoded.pb"
if cmp -s "$WORK/p.pb" "$WORK/reencoded.pb"; then
	ok "protoc re-encodes to the same bytes"
else
	bad "protoc re-encoding differs"
fi

export HOME="$WORK" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath"
if go tool pprof -raw "$WORK/p.pb.gz" > "$WORK/raw.txt" 2> "$WORK/go.err"; then
	ok "go tool pprof reads the gzip"
else
	bad "go tool pprof failed: $(cat "$WORK/go.err")"
fi
expect "$WORK/raw.txt" "PeriodType: space bytes" "pprof sees the period type"
expect "$WORK/raw.txt" "Comment: command: test one two" "pprof sees the comments"
expect "$WORK/raw.txt" "3        300          1        100: 1 2 3" "pprof sees the first sample"
expect "$WORK/raw.txt" "helper /src/inl.h:2" "pprof sees the inlined frame"
expect "$WORK/raw.txt" "grow(int) /src/prog.cc:5" "pprof sees the caller of the inlined frame"
expect "$WORK/raw.txt" "0x400000/0x401000/0x1000 /usr/bin/prog 0123456789abcdef" "pprof sees the mapping"
go tool pprof -top -sample_index=alloc_objects "$WORK/p.pb.gz" > "$WORK/top.txt" 2>&1
expect "$WORK/top.txt" "Type: alloc_objects" "pprof top by alloc_objects"
echo "1..$n"
[ "$fails" = 0 ]

#!/bin/sh
# Truncated, corrupt and hostile files through the allocprof CLI: each gets
# one line on stderr and exit status 1 (or 2 for a usage error), never a
# crash, a hang or a flood; valid but extreme profiles (a string or
# function repeated 300000 times, a 200000-frame stack, values at the int64
# limits) are reported quickly.
. "$(dirname "$0")/lib.sh"

TIMEOUT="timeout 60"

# expect_error DESCRIPTION FILE [COMMAND [ARGS]]: exit 1, stdout empty, one
# stderr line "allocprof: ..."
expect_error() {
	what=$1 file=$2
	shift 2
	[ $# -eq 0 ] && set -- top
	cmd=$1
	shift
	status=0
	$TIMEOUT "$ALLOCPROF" "$cmd" "$@" "$file" > "$WORK/out" 2> "$WORK/err" || status=$?
	lines=$(wc -l < "$WORK/err")
	if [ "$status" = 1 ] && [ ! -s "$WORK/out" ] && [ "$lines" = 1 ] && grep -q '^allocprof: ' "$WORK/err"; then
		ok "$what ($cmd): $(cat "$WORK/err")"
	else
		not_ok "$what ($cmd): status $status, $lines stderr lines, $(wc -c < "$WORK/out") bytes on stdout"
		head -3 "$WORK/err" | sed 's/^/# /'
	fi
}

# expect_fine DESCRIPTION FILE COMMAND [ARGS]: exit 0 within the time limit
expect_fine() {
	what=$1 file=$2
	shift 2
	cmd=$1
	shift
	status=0
	$TIMEOUT "$ALLOCPROF" "$cmd" "$@" "$file" > /dev/null 2> "$WORK/err" || status=$?
	check "$what ($cmd) exit status" "$status" 0
}

# no_crash DESCRIPTION FILE: exit 0 or 1, and one stderr line when 1
no_crash() {
	status=0
	$TIMEOUT "$ALLOCPROF" top "$2" > /dev/null 2> "$WORK/err" || status=$?
	lines=$(wc -l < "$WORK/err")
	if [ "$status" = 0 ] || { [ "$status" = 1 ] && [ "$lines" = 1 ]; }; then
		return 0
	fi
	not_ok "$1: status $status, $lines stderr lines"
	head -3 "$WORK/err" | sed 's/^/# /'
	return 1
}

for kind in missing_function missing_location zero_id duplicate_id string_range no_empty_string \
	value_count long_length wire_type long_varint type_after_sample; do
	"$MKPROF" hostile "$kind" "$WORK/$kind.pb"
	expect_error "$kind" "$WORK/$kind.pb"
done
for cmd in traces "peek ." "list ." summary; do
	# shellcheck disable=SC2086
	expect_error "missing_location" "$WORK/missing_location.pb" $cmd
done
status=0
"$ALLOCPROF" diff "$DATA/known_sites.pb.gz" "$WORK/long_length.pb" > /dev/null 2> "$WORK/err" || status=$?
check "diff with a corrupt NEW: status, stderr lines" "$status $(wc -l < "$WORK/err")" "1 1"

for kind in samestr samefunc deep labels extremes; do
	"$MKPROF" hostile "$kind" "$WORK/$kind.pb"
	for cmd in top traces "peek ." "list ." summary; do
		# shellcheck disable=SC2086
		expect_fine "$kind" "$WORK/$kind.pb" $cmd
	done
done

# files that are not profiles at all
: > "$WORK/empty"
expect_error "empty file" "$WORK/empty"
printf 'hello, world\n' > "$WORK/text"
expect_error "a text file" "$WORK/text"
expect_error "the allocprof binary" "$ALLOCPROF"
expect_error "a directory" "$WORK"
expect_error "a missing file" "$WORK/nothing-here.pb.gz"
gzip -c "$WORK/text" > "$WORK/text.gz"
expect_error "gzipped text" "$WORK/text.gz"
printf '\037\213' > "$WORK/magic"
expect_error "gzip magic only" "$WORK/magic"

# truncations of a gzipped profile and of its raw encoding
src="$DATA/tricky.pb.gz"
size=$(wc -c < "$src")
bad=0 n=1
while [ "$n" -lt "$size" ]; do
	head -c "$n" "$src" > "$WORK/cut.gz"
	status=0
	$TIMEOUT "$ALLOCPROF" top "$WORK/cut.gz" > /dev/null 2> "$WORK/err" || status=$?
	[ "$status" = 1 ] && [ "$(wc -l < "$WORK/err")" = 1 ] || bad=$((bad + 1))
	n=$((n + 17))
done
check "gzip truncated every 17 bytes: cases without one error line" "$bad" 0

gzip -dc "$src" > "$WORK/raw.pb"
size=$(wc -c < "$WORK/raw.pb")
bad=0 n=1
while [ "$n" -lt "$size" ]; do
	head -c "$n" "$WORK/raw.pb" > "$WORK/cut.pb"
	no_crash "raw truncated to $n bytes" "$WORK/cut.pb" || bad=$((bad + 1))
	n=$((n + 11))
done
check "raw encoding truncated every 11 bytes: crashes or floods" "$bad" 0

# single bytes overwritten all through the raw encoding
bad=0 n=0
for byte in '\377' '\000'; do
	n=0
	while [ "$n" -lt "$size" ]; do
		{ head -c "$n" "$WORK/raw.pb"; printf "$byte"; tail -c +"$((n + 2))" "$WORK/raw.pb"; } > "$WORK/flip.pb"
		no_crash "byte $n set to $byte" "$WORK/flip.pb" || bad=$((bad + 1))
		n=$((n + 17))
	done
done
check "raw encoding with one byte overwritten: crashes or floods" "$bad" 0

finish

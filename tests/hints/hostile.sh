#!/bin/sh
# allocprof hints on files no shim writes: the reader's hostile cases (one
# error line, exit 1) and valid but extreme ones (exit 0), and profiles whose
# fate labels are absurd (limits, negatives, contradictions, odd freed_at):
# a report that stays within its numbers, compared to golden/weird.txt, and
# 20000 sites in well under the time limit. Runs under ASan/UBSan too.
. "$(dirname "$0")/lib.sh"

MKPROF="$BUILD/tests/viewer/mkprof"
MKLABELS="$BUILD/tests/hints/mklabels"
TIMEOUT="timeout 60"

for kind in missing_function missing_location zero_id duplicate_id string_range no_empty_string \
	value_count long_length wire_type long_varint type_after_sample; do
	"$MKPROF" hostile "$kind" "$WORK/$kind.pb"
	status=0
	$TIMEOUT "$ALLOCPROF" hints "$WORK/$kind.pb" > "$WORK/out" 2> "$WORK/err" || status=$?
	check "$kind: status, stdout bytes, stderr lines" "$status $(wc -c < "$WORK/out") $(wc -l < "$WORK/err")" "1 0 1"
done
for kind in samestr samefunc deep labels extremes; do
	"$MKPROF" hostile "$kind" "$WORK/$kind.pb"
	status=0
	$TIMEOUT "$ALLOCPROF" hints "$WORK/$kind.pb" > "$WORK/out" 2> "$WORK/err" || status=$?
	# no fate labels in these: refused in one line
	check "$kind: status, stderr lines" "$status $(wc -l < "$WORK/err")" "1 1"
done

"$MKLABELS" weird "$WORK/weird.pb"
for args in "" "--tsv --min-share 0" "-alloc_objects --by function" "--noinlines --focus recurse"; do
	status=0
	# shellcheck disable=SC2086
	$TIMEOUT "$ALLOCPROF" hints $args "$WORK/weird.pb" > "$WORK/out" 2> "$WORK/err" || status=$?
	check "weird labels ($args): exit status" "$status" 0
done
(cd "$WORK" && "$ALLOCPROF" hints --tsv --min-share 0 weird.pb) > "$WORK/weird.txt" 2>&1
golden "weird labels: the figures as read" "$WORK/weird.txt" weird

"$MKLABELS" many 20000 "$WORK/many.pb"
status=0
$TIMEOUT "$ALLOCPROF" hints --tsv --min-share 0 -n 5 "$WORK/many.pb" > "$WORK/out" 2> "$WORK/err" || status=$?
check "20000 sites: exit status, hints found" "$status $(sed -n 's/.* hints=\([0-9]*\) .*not_shown=\([0-9]*\).*/\1+\2/p' "$WORK/out")" "0 5+19995"
finish

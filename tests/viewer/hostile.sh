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

# --- hostile files and paths ---

# a FIFO where a profile names a source file or a binary, or given as the
# profile: never opened blocking (each would wait forever for a writer)
mkfifo "$WORK/fifo"
"$MKPROF" source "$WORK/fifo" "$WORK/fifo_source.pb.gz"
"$MKPROF" binary "$WORK/fifo" "$WORK/fifo_binary.pb.gz"
status=0
timeout 30 "$ALLOCPROF" list main "$WORK/fifo_source.pb.gz" > "$WORK/out" 2> "$WORK/err" || status=$?
check "list, a FIFO as the source file: exit status (124: hung)" "$status" 0
check "list, a FIFO as the source file: said not found" \
	"$(grep -c "source file $WORK/fifo not found" "$WORK/out")" 1
status=0
timeout 30 "$ALLOCPROF" symbolize -o "$WORK/sym.pb.gz" "$WORK/fifo_binary.pb.gz" 2> "$WORK/err" || status=$?
check "symbolize, a FIFO as the binary: exit status (124: hung)" "$status" 0
check "symbolize, a FIFO as the binary: said not found" "$(grep -c "$WORK/fifo: not found" "$WORK/err")" 1
# and where its debug link points, next to it or in its .debug directory
dl="$WORK/debuglink"
mkdir -p "$dl/.debug"
objcopy --only-keep-debug "$MKPROF" "$dl/prog.debug"
strip -g -o "$dl/prog" "$MKPROF"
objcopy --add-gnu-debuglink="$dl/prog.debug" "$dl/prog"
rm "$dl/prog.debug"
"$MKPROF" binary "$dl/prog" "$dl/p.pb.gz"
for fifo in "$dl/prog.debug" "$dl/.debug/prog.debug"; do
	mkfifo "$fifo"
	status=0
	timeout 30 "$ALLOCPROF" symbolize -q -o "$dl/o.pb.gz" "$dl/p.pb.gz" 2> "$WORK/err" || status=$?
	check "symbolize, a FIFO as the debug file ${fifo#"$dl/"}: exit status (124: hung)" "$status" 0
	rm "$fifo"
done
TIMEOUT="timeout 30" expect_error "a FIFO as the profile" "$WORK/fifo"
check "a FIFO as the profile: the error" "$(cat "$WORK/err")" "allocprof: cannot open $WORK/fifo: not a regular file"

# a stripped binary has no symbols at all: its empty table is not sorted
# (qsort(NULL, 0) is undefined behaviour, which the UBSan build stops on)
strip -o "$WORK/stripped" "$MKPROF"
"$MKPROF" binary "$WORK/stripped" "$WORK/stripped.pb.gz"
status=0
"$ALLOCPROF" symbolize -q -o "$WORK/stripped_sym.pb.gz" "$WORK/stripped.pb.gz" 2> "$WORK/err" || status=$?
check "symbolize against a binary without symbols: exit status" "$status" 0

# a flat of INT64_MIN beside a positive one: sizes from magnitudes, never
# from a NaN cast to int
"$MKPROF" hostile min_flat "$WORK/min_flat.pb"
status=0
"$ALLOCPROF" graph --dot --nodefraction=0 -o "$WORK/min_flat.dot" "$WORK/min_flat.pb" 2> "$WORK/err" || status=$?
check "graph of a flat at INT64_MIN: exit status" "$status" 0
check "graph of a flat at INT64_MIN: font sizes" \
	"$(grep -o 'fontsize=[-0-9]*' "$WORK/min_flat.dot" | sort | tr '\n' ' ')" "fontsize=16 fontsize=24 fontsize=9 "

# writers never follow a link planted at the output or at the temporary
# name the writer used to pick (NAME.tmp.PID, the pid known in advance by
# exec), and leave only the output behind
plant() { # plant DIR: a fresh directory holding a victim file
	rm -rf "$1"
	mkdir "$1"
	echo precious > "$1/victim"
}
victim_kept() { # victim_kept DESCRIPTION DIR
	check "$1: the victim file is untouched" "$(cat "$2/victim")" precious
}
PROF="$DATA/known_sites.pb.gz"
d="$WORK/links"
for cmd in "diff -o" "symbolize -q -o" "flame -o"; do
	out=out.pb.gz
	[ "$cmd" = "flame -o" ] && out=out.svg
	plant "$d"
	ln -s "$d/victim" "$d/$out"
	args="$PROF"
	[ "$cmd" = "diff -o" ] && args="$PROF $PROF"
	status=0
	# shellcheck disable=SC2086
	"$ALLOCPROF" $cmd "$d/$out" $args > /dev/null 2> "$WORK/err" || status=$?
	check "$cmd onto a symlink: exit status" "$status" 0
	victim_kept "$cmd onto a symlink" "$d"
	check "$cmd onto a symlink: the output replaced the link" "$(find "$d/$out" -type f | wc -l)" 1
	check "$cmd onto a symlink: files left in the directory" "$(ls -A "$d" | tr '\n' ' ')" "$out victim "

	plant "$d"
	status=0
	# shellcheck disable=SC2016,SC2086
	sh -c 'ln -s "$1/victim" "$1/$2.tmp.$$" && shift 2 && exec "$@"' sh "$d" "$out" \
		"$ALLOCPROF" $cmd "$d/$out" $args > /dev/null 2> "$WORK/err" || status=$?
	check "$cmd with a link at NAME.tmp.PID: exit status" "$status" 0
	victim_kept "$cmd with a link at NAME.tmp.PID" "$d"
	check "$cmd with a link at NAME.tmp.PID: output written" "$(find "$d/$out" -type f -size +0 | wc -l)" 1
	status=0
	case $out in
	*.svg) grep -q '<svg' "$d/$out" || status=$? ;;
	*) "$ALLOCPROF" top "$d/$out" > /dev/null 2>&1 || status=$? ;;
	esac
	check "$cmd: $out reads back" "$status" 0
done

# an output that is a device (or a link to one) is refused, never replaced
d="$WORK/devout"
plant "$d"
ln -s /dev/null "$d/null.pb.gz"
status=0
"$ALLOCPROF" diff -o "$d/null.pb.gz" "$PROF" "$PROF" > /dev/null 2> "$WORK/err" || status=$?
check "diff -o onto a link to /dev/null: exit status" "$status" 1
check "diff -o onto a link to /dev/null: the error" "$(cat "$WORK/err")" \
	"allocprof: cannot write $d/null.pb.gz: not a regular file"
check "diff -o onto a link to /dev/null: the link is still there" "$(readlink "$d/null.pb.gz")" /dev/null
check "diff -o onto a link to /dev/null: files left in the directory" "$(ls -A "$d" | tr '\n' ' ')" "null.pb.gz victim "

# comments: a million refused, and what is printed from them bounded
"$MKPROF" hostile comments "$WORK/comments.pb"
expect_error "a million empty comments" "$WORK/comments.pb"
"$MKPROF" hostile comment_flood "$WORK/flood.pb"
for cmd in top summary; do
	status=0
	timeout 30 "$ALLOCPROF" $cmd "$WORK/flood.pb" > "$WORK/out" 2> /dev/null || status=$?
	check "$cmd, 4000 comments of which 2000 are newlines: exit status" "$status" 0
	check "$cmd, 4000 comments: the comment lines" \
		"$(grep -c '^ *c$' "$WORK/out") $(grep -c '^ *(1936 more comments)$' "$WORK/out")" "64 1"
	lines=$(wc -l < "$WORK/out")
	if [ "$lines" -lt 100 ]; then
		ok "$cmd, 4000 comments: $lines lines"
	else
		not_ok "$cmd, 4000 comments: $lines lines"
	fi
done

# a regular expression against a 10 MB name: bounded work, and the
# back-references that would make it exponential refused
"$MKPROF" hostile long_name "$WORK/long_name.pb"
status=0
timeout 60 "$ALLOCPROF" top --focus '(a|aa)*c' "$WORK/long_name.pb" > /dev/null 2> "$WORK/err" || status=$?
check "--focus '(a|aa)*c' on a 10 MB name: exit status (124: too slow)" "$status" 0
check "--focus '(a|aa)*c' on a 10 MB name: nothing matches" \
	"$(cat "$WORK/err")" "allocprof: no frame matches --focus '(a|aa)*c'"
status=0
timeout 60 "$ALLOCPROF" top --focus '^a{4000}' "$WORK/long_name.pb" > /dev/null 2> "$WORK/err" || status=$?
check "--focus '^a{4000}' on a 10 MB name: matches its start" "$status" 0
status=0
timeout 60 "$ALLOCPROF" top --focus '(a*)\1b' "$WORK/long_name.pb" > /dev/null 2> "$WORK/err" || status=$?
check "--focus with a back-reference: refused (status, stderr lines)" "$status $(wc -l < "$WORK/err")" "2 1"

# diff -o of two profiles that are each within the reader's bound and
# together beyond it: refused before writing, rather than written and then
# refused by every reader
"$MKPROF" hostile big_a "$WORK/big_a.pb.gz"
"$MKPROF" hostile big_b "$WORK/big_b.pb.gz"
mkdir "$WORK/bigdiff"
status=0
"$ALLOCPROF" diff -o "$WORK/bigdiff/d.pb.gz" "$WORK/big_a.pb.gz" "$WORK/big_b.pb.gz" > /dev/null 2> "$WORK/err" ||
	status=$?
check "diff -o beyond the reader's bound: exit status" "$status" 1
check "diff -o beyond the reader's bound: the error" "$(cut -c1-300 "$WORK/err")" \
	"allocprof: cannot write $WORK/bigdiff/d.pb.gz: the profile would exceed what allocprof reads (256 MiB uncompressed, 4096 comments)"
check "diff -o beyond the reader's bound: nothing written" "$(ls -A "$WORK/bigdiff" | wc -l)" 0
rm -f "$WORK/big_a.pb.gz" "$WORK/big_b.pb.gz"

finish

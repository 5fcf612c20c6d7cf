#!/bin/sh
# allocprof against go tool pprof, output for output: top (every sample
# type, granularity, sort, node count, fraction and filter), peek and
# traces on the committed profiles (ours, Go's heap and CPU profiles, the
# tricky one), and diff against -diff_base, also through diff -o.
. "$(dirname "$0")/lib.sh"

if ! have_go; then
	echo "1..0 # SKIP go is not installed"
	exit 0
fi

# compare DESCRIPTION PROFILE PPROF_ARGS...: allocprof CMD ARGS PROFILE
# against go tool pprof -CMD ARGS PROFILE (stdout only)
compare() {
	what=$1 prof=$2
	shift 2
	cmd=${1#-}
	shift
	"$ALLOCPROF" "$cmd" "$@" "$prof" > "$WORK/a.txt" 2> /dev/null || true
	gopprof "-$cmd" "$@" "$prof" > "$WORK/b.txt" 2> /dev/null || true
	if [ ! -s "$WORK/b.txt" ]; then
		not_ok "$what: go tool pprof printed nothing"
		return
	fi
	same "$what" "$WORK/a.txt" "$WORK/b.txt"
}

"$MKPROF" tricky "$WORK/tricky.pb.gz"
for f in "$DATA"/*.pb.gz "$WORK/tricky.pb.gz"; do
	name=$(basename "$f" .pb.gz)
	types=$(gopprof -raw "$f" 2> /dev/null |
		sed -n '/^Samples:/{n;p;q}' | sed 's/\[dflt\]//g; s|/[^ ]*||g')
	for t in $types; do
		compare "$name top -sample_index=$t" "$f" -top -sample_index="$t"
	done
	for args in "-lines" "-files" "-filefunctions" "-addresses" "-cum" "-nodecount=4" \
		"-noinlines" "-lines -noinlines -cum" "-nodefraction=0" "-nodefraction=0.2 -edgefraction=0.1" \
		"-focus=main" "-ignore=lib" "-sample_index=0 -lines -nodecount=7"; do
		# shellcheck disable=SC2086
		compare "$name top $args" "$f" -top $args
	done
	compare "$name peek ." "$f" -peek .
	compare "$name peek -lines -cum" "$f" -peek 'main|site|burn|new' -lines -cum
	compare "$name traces" "$f" -traces
	compare "$name traces -lines" "$f" -traces -lines
	compare "$name traces -focus" "$f" -traces -focus=main
done

# diff: the table of allocprof diff BASE NEW is pprof's -top -diff_base=BASE
# NEW, and so is pprof's -top of the profile diff -o writes
base="$DATA/request_before.pb.gz" new="$DATA/request_after.pb.gz"
for args in "" "-sample_index=alloc_objects" "-lines -sample_index=alloc_objects" "-cum" "-nodecount=2"; do
	# shellcheck disable=SC2086
	"$ALLOCPROF" diff $args -o "$WORK/d.pb.gz" "$base" "$new" | sed -n '/^Showing nodes/,$p' > "$WORK/a.txt"
	# shellcheck disable=SC2086
	gopprof -top $args -diff_base="$base" "$new" 2> /dev/null | sed -n '/^Showing nodes/,$p' > "$WORK/b.txt"
	same "diff $args = pprof -diff_base" "$WORK/a.txt" "$WORK/b.txt"
	# shellcheck disable=SC2086
	gopprof -top $args "$WORK/d.pb.gz" 2> /dev/null | sed -n '/^Showing nodes/,$p' > "$WORK/c.txt"
	same "diff -o $args, read by pprof" "$WORK/c.txt" "$WORK/b.txt"
done

# labels: --tags is -tags on every committed profile; numeric tag filters
# (values, ranges, units) and string ones on ours; two profiles merged
for f in "$DATA"/*.pb.gz "$WORK/tricky.pb.gz"; do
	"$ALLOCPROF" top --tags "$f" > "$WORK/a.txt" 2> /dev/null || true
	gopprof -tags "$f" > "$WORK/b.txt" 2> /dev/null || true
	same "$(basename "$f" .pb.gz) --tags = pprof -tags" "$WORK/a.txt" "$WORK/b.txt"
done
f="$DATA/known_sites.pb.gz"
for args in "-tagfocus=size_min=64b:" "-tagfocus=size_max=:1kb -sample_index=alloc_objects" \
	"-tagfocus=size_max=100b:10kb" "-tagignore=lifetime_le_1us=1:" "-tagfocus=live_max=1" \
	"-tagfocus=freed_at=main" "-tagignore=freed_at:site" "-tagfocus=size_min=1:2:3"; do
	# shellcheck disable=SC2086
	compare "known_sites top $args" "$f" -top $args
done
compare "known_sites traces -tagfocus" "$f" -traces -tagfocus=size_min=100b:
"$ALLOCPROF" top -lines "$DATA/request_before.pb.gz" "$DATA/request_after.pb.gz" > "$WORK/a.txt" 2> /dev/null
gopprof -top -lines "$DATA/request_before.pb.gz" "$DATA/request_after.pb.gz" > "$WORK/b.txt" 2> /dev/null
same "top of two profiles = pprof's merge" "$WORK/a.txt" "$WORK/b.txt"

finish

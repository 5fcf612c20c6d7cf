#!/bin/sh
# The command line: help and usage errors (status 2, one line), pprof's
# option spellings next to the GNU ones, options after operands, stdin.
. "$(dirname "$0")/lib.sh"
P="$DATA/known_sites.pb.gz"

# usage DESCRIPTION ARGS...: exit 2 and one stderr line naming allocprof
usage() {
	what=$1
	shift
	status=0
	"$ALLOCPROF" "$@" > "$WORK/out" 2> "$WORK/err" || status=$?
	if [ "$status" = 2 ] && [ "$(wc -l < "$WORK/err")" = 1 ] && grep -q '^allocprof' "$WORK/err"; then
		ok "$what: $(cat "$WORK/err")"
	else
		not_ok "$what: status $status, stderr: $(head -c 300 "$WORK/err")"
	fi
}

status=0
"$ALLOCPROF" > /dev/null 2> "$WORK/err" || status=$?
check "no command: status" "$status" 2
grep -q 'usage: allocprof COMMAND' "$WORK/err" && ok "no command: usage on stderr" || not_ok "no command: usage on stderr"
"$ALLOCPROF" --help > "$WORK/help" && ok "--help" || not_ok "--help"
for c in run top list peek traces diff summary symbolize help; do
	grep -q "^  $c " "$WORK/help" && ok "--help lists $c" || not_ok "--help lists $c"
	"$ALLOCPROF" help "$c" > "$WORK/h" 2>&1 && grep -q "usage: allocprof $c" "$WORK/h" &&
		ok "help $c" || not_ok "help $c"
done
"$ALLOCPROF" top --help | grep -q -- '--sample-index' && ok "top --help" || not_ok "top --help"
"$ALLOCPROF" --version | grep -q '^allocprof [0-9]' && ok "--version" || not_ok "--version"

# every variable docs/configuration.md documents is in allocprof help
vars=$(grep -o '^| `ALLOCPROF_[A-Z_]*`' "$SRC/docs/configuration.md" | tr -d '|` ' | sort -u)
for v in $vars ALLOCPROF_MANIFEST; do
	grep -q "^  $v " "$WORK/help" && ok "help documents $v" || not_ok "help documents $v"
done

usage "unknown command" bogus
usage "help of an unknown command" help bogus
for c in top list peek traces diff summary run; do
	usage "$c without operands" "$c"
done
usage "unknown option" top --bogus "$P"
usage "unknown short option" top -x "$P"
usage "missing option value" top "$P" --focus
usage "bad node count" top -n many "$P"
usage "bad fraction" top --nodefraction 2 "$P"
usage "bad --by" top --by module "$P"
usage "bad regular expression" list '(' "$P"
usage "bad focus expression" top --focus '[' "$P"
usage "unknown sample type" top --sample-index bogus "$P"
usage "sample index out of range" top -sample_index=9 "$P"
usage "option of another command" traces --cum "$P"
usage "two profiles to timeline" timeline "$P" "$P"
usage "list with a pattern only" list main
usage "bad tagfocus expression" top --tagfocus "thread=[" "$P"
usage "--tags is top's" traces --tags "$P"
usage "run --rate 0" run --rate 0 true
usage "run --rate 12x" run --rate 12x true
usage "run --seed x" run --seed x true

# run, stat and check parse with the option table of the other commands:
# the nearest option for a typo, another command's option refused (run.sh
# runs programs with pprof's spellings)
usage "stat --jsn" stat --jsn true
grep -q "did you mean '--json'" "$WORK/err" && ok "stat --jsn: did you mean --json" || not_ok "stat --jsn: did you mean --json"
usage "check --max-byts" check --max-byts 5% "$P" "$P"
grep -q "did you mean '--max-bytes'" "$WORK/err" && ok "check --max-byts: did you mean --max-bytes" ||
	not_ok "check --max-byts: did you mean --max-bytes"
usage "run --focus (an option of top)" run --focus x true

# attach too: its PID checked before any process is looked at, a rate the
# shim would not take refused (512b: b goes only after k, m or g), the
# nearest option for a typo, run's --seed not its own; the PID is
# one no process has, so that a check that let an option through ends
# at "no process", status 1
NOPID=1073741823
usage "attach without a PID" attach
usage "attach two PIDs" attach "$NOPID" "$NOPID"
usage "attach x" attach x
usage "attach --rate 512b" attach --rate 512b "$NOPID"
usage "attach -rate=0" attach -rate=0 "$NOPID"
usage "attach --duration 0" attach --duration 0 "$NOPID"
usage "attach -o ''" attach -o '' "$NOPID"
usage "attach --duratoin" attach --duratoin 3 "$NOPID"
grep -q "did you mean '--duration'" "$WORK/err" && ok "attach --duratoin: did you mean --duration" ||
	not_ok "attach --duratoin: did you mean --duration"
usage "attach --seed (an option of run)" attach --seed 1 "$NOPID"
"$ALLOCPROF" attach --help | grep -q 'usage: allocprof attach' && ok "attach --help" || not_ok "attach --help"

# both spellings, and options after the operand
"$ALLOCPROF" top --sample-index alloc_objects --by line -n 3 "$P" > "$WORK/gnu"
"$ALLOCPROF" top -sample_index=alloc_objects -lines -nodecount=3 "$P" > "$WORK/pprof"
"$ALLOCPROF" top "$P" -alloc_objects --lines --nodecount 3 > "$WORK/mixed"
same "pprof spellings = GNU spellings" "$WORK/pprof" "$WORK/gnu"
same "options after the profile" "$WORK/mixed" "$WORK/gnu"
"$ALLOCPROF" top -cum "$P" > "$WORK/a"
"$ALLOCPROF" top --cum "$P" > "$WORK/b"
same "-cum = --cum" "$WORK/a" "$WORK/b"
"$ALLOCPROF" diff -diff_base="$P" "$P" > "$WORK/a"
"$ALLOCPROF" diff "$P" "$P" > "$WORK/b"
same "diff -diff_base=BASE NEW = diff BASE NEW" "$WORK/a" "$WORK/b"
grep -q 'Showing nodes accounting for 0, 0% of' "$WORK/a" && ok "a profile minus itself is empty" ||
	not_ok "a profile minus itself is empty"

# stdin, and a focus that matches nothing
"$ALLOCPROF" top - < "$P" > "$WORK/stdin"
"$ALLOCPROF" top "$P" > "$WORK/file"
same "top - reads stdin" "$WORK/stdin" "$WORK/file"
status=0
"$ALLOCPROF" top --focus no_such_function "$P" > "$WORK/out" 2> "$WORK/err" || status=$?
check "focus matching nothing: status, warning" "$status $(grep -c 'no frame matches' "$WORK/err")" "0 1"

# diff -o writes a profile allocprof reads back
"$ALLOCPROF" diff -o "$WORK/d.pb.gz" "$DATA/request_before.pb.gz" "$DATA/request_after.pb.gz" > /dev/null
"$ALLOCPROF" top -sample_index=alloc_objects "$WORK/d.pb.gz" | grep -q ' -999 .* new_request$' &&
	ok "diff -o profile: new_request -999" || not_ok "diff -o profile: new_request -999"
status=0
"$ALLOCPROF" diff -o /nonexistent/dir/d.pb.gz "$P" "$P" > /dev/null 2> "$WORK/err" || status=$?
check "diff -o to an unwritable path: status, stderr lines" "$status $(wc -l < "$WORK/err")" "1 1"

# pprof options beginning with -h are not help: -hide hides frames as pprof
# does (site_small's bytes become main's own), -http is refused, other
# -hXXX are unknown; only -h, --help and help print the help
usage "-http (pprof's web interface)" top -http=:8080 "$P"
grep -q "allocprof report" "$WORK/err" && ok "-http points at allocprof report" || not_ok "-http points at allocprof report"
usage "-hxyz is not -h" top -hxyz "$P"
for c in run stat check; do
	usage "$c -hide is not -h" "$c" -hide x "$P"
done
"$ALLOCPROF" top -hide=site_small "$P" > "$WORK/hide" 2> "$WORK/err" && ok "top -hide: status 0" || not_ok "top -hide: status 0"
check "top -hide: no site_small row" "$(grep -c ' site_small$' "$WORK/hide")" 0
check "top -hide: main's flat is site_small's" "$(awk '$6 == "main" {print $1}' "$WORK/hide")" 15.62kB
grep -q '^   hide=site_small$' "$WORK/hide" && ok "top -hide: an active filter" || not_ok "top -hide: an active filter"
"$ALLOCPROF" top --hide site_small "$P" > "$WORK/hide2"
same "--hide RE = -hide=RE" "$WORK/hide2" "$WORK/hide"
usage "bad --hide expression" top --hide '(' "$P"

# -n is -n, not the start of -nodes; -n=N is pprof's spelling of it
usage "-nodes is not -n odes" top -nodes 3 "$P"
grep -q "did you mean '--nodecount'" "$WORK/err" && ok "-nodes: did you mean --nodecount" ||
	not_ok "-nodes: did you mean --nodecount"
"$ALLOCPROF" top -n 3 "$P" > "$WORK/a"
for spelling in -n=3 -nodecount=3 -n3 "--nodecount 3"; do
	# shellcheck disable=SC2086
	"$ALLOCPROF" top $spelling "$P" > "$WORK/b" 2>&1
	same "top $spelling = top -n 3" "$WORK/b" "$WORK/a"
done

# a mistyped command gets the nearest one; a text file is not "wire type 4"
usage "mistyped command" tpo "$P"
grep -q "did you mean 'top'" "$WORK/err" && ok "tpo: did you mean top" || not_ok "tpo: did you mean top"
printf 'Showing nodes accounting for 1MB\n      flat  flat%%\n' > "$WORK/listing.txt"
status=0
"$ALLOCPROF" top "$WORK/listing.txt" > /dev/null 2> "$WORK/err" || status=$?
check "a text file: status, message" "$status $(cat "$WORK/err")" \
	"1 allocprof: $WORK/listing.txt: not a pprof profile (neither gzip nor protobuf)"
gzip -dc "$P" > "$WORK/plain.pb"
"$ALLOCPROF" top "$WORK/plain.pb" > "$WORK/a"
"$ALLOCPROF" top "$P" > "$WORK/b"
same "an uncompressed profile reads as the gzipped one" "$WORK/a" "$WORK/b"

# a file that is no profile: every command that reads one says so in one
# line that names the file once, and exits 1 without writing anything
printf 'hello\nworld\n' > "$WORK/bad_text.txt"
: > "$WORK/bad_empty.pb.gz"
for f in bad_missing.pb.gz bad_text.txt bad_empty.pb.gz; do
	for cmd in top list peek traces diff summary hints flame graph timeline report symbolize check; do
		case $cmd in
		list | peek) set -- main "$WORK/$f" ;;
		diff | check) set -- "$P" "$WORK/$f" ;;
		symbolize) set -- -o "$WORK/bad_out.pb.gz" "$WORK/$f" ;;
		flame | graph | timeline | report) set -- -o "$WORK/bad_out.x" "$WORK/$f" ;;
		*) set -- "$WORK/$f" ;;
		esac
		status=0
		"$ALLOCPROF" "$cmd" "$@" > "$WORK/out" 2> "$WORK/err" || status=$?
		names=$(grep -o "$f" "$WORK/err" | wc -l | tr -d ' ')
		written=$(ls "$WORK"/bad_out.* 2> /dev/null | wc -l | tr -d ' ')
		want=1
		[ "$cmd" = check ] && want=2 # check's usage errors: 2, as for its other bad inputs
		check "$cmd $f: one line naming the file once, status $want, nothing written" \
			"$status $(wc -l < "$WORK/err" | tr -d ' ') $names $written" "$want 1 1 0"
	done
done

# diff refuses profiles of different kinds, as pprof does; top points at it
status=0
"$ALLOCPROF" diff "$DATA/go_cpu.pb.gz" "$P" > "$WORK/out" 2> "$WORK/err" || status=$?
check "diff cpu heap: status, one line, no table" "$status $(wc -l < "$WORK/err") $(wc -c < "$WORK/out")" "1 1 0"
grep -q 'different kinds of profile' "$WORK/err" && ok "diff cpu heap: says why" || not_ok "diff cpu heap: says why"
"$ALLOCPROF" diff "$DATA/go_heap.pb.gz" "$P" > /dev/null 2>&1 && ok "diff of two heap profiles still runs" ||
	not_ok "diff of two heap profiles still runs"
# types on one side only: the totals count the missing side as 0 (and say
# so, a line per type), the rows and pictures never show such a type
status=0
"$ALLOCPROF" diff "$DATA/go_heap.pb.gz" "$DATA/known_sites.pb.gz" > "$WORK/out" 2> "$WORK/err" || status=$?
check "diff, types on one side: runs, a line per one-sided type" "$status $(wc -l < "$WORK/err")" "0 2"
grep -q "go_heap.pb.gz has no sample type short_lived_space; its base counts as 0 in the totals" "$WORK/err" &&
	ok "diff, types on one side: says which" || not_ok "diff, types on one side: $(cat "$WORK/err")"
grep -q '^short_lived_space *- *76.12kB *76.12kB *-$' "$WORK/out" &&
	ok "diff, types on one side: the totals show the base as absent" || not_ok "diff totals: $(cat "$WORK/out")"
"$ALLOCPROF" diff "$DATA/known_sites.pb.gz" "$DATA/go_heap.pb.gz" > /dev/null 2> "$WORK/err" || true
grep -q "go_heap.pb.gz has no sample type short_lived_objects; left out" "$WORK/err" &&
	ok "diff, a type the new profile lacks: left out, and said" || not_ok "diff base-only type: $(cat "$WORK/err")"
status=0
"$ALLOCPROF" diff -sample_index=short_lived_space "$DATA/go_heap.pb.gz" "$DATA/known_sites.pb.gz" > "$WORK/out" \
	2> "$WORK/err" || status=$?
check "diff -sample_index of a one-sided type: refused, one line, no table" \
	"$status $(wc -l < "$WORK/err") $(wc -c < "$WORK/out")" "1 1 0"
grep -q "go_heap.pb.gz has no sample type short_lived_space, so it has no change to show" "$WORK/err" &&
	ok "diff -sample_index of a one-sided type: says why" || not_ok "diff one-sided: $(cat "$WORK/err")"
usage "top -diff_base" top -diff_base="$P" "$P"
grep -q "allocprof diff BASE NEW" "$WORK/err" && ok "top -diff_base points at diff" || not_ok "top -diff_base points at diff"

finish

#!/bin/sh
# The man pages the build writes with `allocprof help --man` and
# `--man-env`: they render with man -l without a warning, name every
# command, every option of `allocprof help CMD` and every ALLOCPROF_*
# variable of `allocprof help`.
. "$(dirname "$0")/lib.sh"
if ! command -v man > /dev/null 2>&1; then
	skip "man is not installed (apt-get install man-db)"
	finish
	exit
fi
render() { MANWIDTH=200 MAN_KEEP_FORMATTING=0 man -l "$1" 2> "$WORK/warn" | col -b; }
for page in dist/allocprof.1 dist/allocprof-env.7; do
	render "$BUILD/$page" > "$WORK/page"
	check "$page renders, warnings" "$(test -s "$WORK/page" && cat "$WORK/warn")" ""
	if command -v groff > /dev/null 2>&1; then
		check "$page: groff -ww warnings" "$(groff -man -ww -z "$BUILD/$page" 2>&1)" ""
	fi
done

render "$BUILD/dist/allocprof.1" > "$WORK/man1"
missing=""
for cmd in $("$ALLOCPROF" help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p'); do
	grep -q "^   $cmd\$" "$WORK/man1" || missing="$missing $cmd"
	for opt in $("$ALLOCPROF" help "$cmd" | sed -n 's/^ \{1,4\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//' |
		grep -o -- '--\?[a-zA-Z][a-zA-Z0-9_-]*' | sort -u); do
		grep -q -- "$opt" "$WORK/man1" || missing="$missing $cmd:$opt"
	done
done
check "allocprof(1): commands and options missing" "$missing" ""
ncmd=$(grep -c '^   [a-z]*$' "$WORK/man1")
check "allocprof(1): one section per command" "$ncmd" \
	"$("$ALLOCPROF" help | sed -n '/^commands:/,/^$/p' | grep -c '^  [a-z]')"

render "$BUILD/dist/allocprof-env.7" > "$WORK/man7"
missing=""
vars=$("$ALLOCPROF" help | sed -n 's/^  \(ALLOCPROF_[A-Z_]*\) .*/\1/p')
for v in $vars; do
	grep -q "^       $v (default: " "$WORK/man7" || missing="$missing $v"
done
check "allocprof-env(7): variables missing" "$missing" ""
check "allocprof-env(7): as many variables as src/envvars.h" "$(echo $vars | wc -w)" \
	"$(grep -c '^	X([A-Z_]*,' "$SRC/src/envvars.h")"
for section in ENVIRONMENT "PROFILE FORMAT"; do
	grep -q "^$section\$" "$WORK/man7" && ok "allocprof-env(7): section $section" ||
		not_ok "allocprof-env(7): section $section"
done
finish

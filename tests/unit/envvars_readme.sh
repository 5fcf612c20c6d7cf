#!/bin/sh
# The ALLOCPROF_* variables are declared once, in src/envvars.h: `allocprof
# help` prints that table, and the README's Configuration table must list
# exactly the same variables with the same defaults.
# usage: envvars_readme.sh ALLOCPROF README.md src/envvars.h
. "$(dirname "$0")/../tap.sh"
tap_setup envvars
ALLOCPROF=$1 README=$2 TABLE=$3

"$ALLOCPROF" help | sed -n 's/^  \(ALLOCPROF_[A-Z_]*\) *default \(.*\)$/\1 \2/p' | sort > "$WORK/help"
check "allocprof help prints every line of the table" "$(wc -l < "$WORK/help")" \
	"$(grep -c '^[[:space:]]*X([A-Z_]*,' "$TABLE")"
sed -n '/^## Configuration$/,/^## /p' "$README" |
	sed -n 's/^| `\(ALLOCPROF_[A-Z_]*\)` | \([^|]*\) |.*/\1 \2/p' | sed 's/`//g; s/ *$//' | sort > "$WORK/readme"
same "the README's Configuration table: the variables of src/envvars.h, with their defaults" \
	"$WORK/readme" "$WORK/help"
finish

#!/bin/sh
# The ALLOCPROF_* variables are declared once, in src/envvars.h: `allocprof
# help` prints that table, and the table of docs/configuration.md must list
# exactly the same variables with the same defaults.
# usage: envvars_doc.sh ALLOCPROF docs/configuration.md src/envvars.h
. "$(dirname "$0")/../tap.sh"
tap_setup envvars
ALLOCPROF=$1 DOC=$2 TABLE=$3

"$ALLOCPROF" help | sed -n 's/^  \(ALLOCPROF_[A-Z_]*\) *default \(.*\)$/\1 \2/p' | sort > "$WORK/help"
check "allocprof help prints every line of the table" "$(wc -l < "$WORK/help")" \
	"$(grep -c '^[[:space:]]*X([A-Z_]*,' "$TABLE")"
sed -n 's/^| `\(ALLOCPROF_[A-Z_]*\)` | \([^|]*\) |.*/\1 \2/p' "$DOC" | sed 's/`//g; s/ *$//' | sort > "$WORK/doc"
same "docs/configuration.md's table: the variables of src/envvars.h, with their defaults" \
	"$WORK/doc" "$WORK/help"
finish

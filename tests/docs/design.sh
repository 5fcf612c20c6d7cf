#!/bin/sh
# docs/design.md keeps up with the code: it names every ALLOCPROF_* variable
# the shim reads (the table in src/envvars.h, and any getenv in preload/),
# no variable the shim does not read, and every top-level folder of the
# source tree (build directories aside).
. "$(dirname "$0")/../tap.sh"
tap_setup docs
DESIGN="$SRC/docs/design.md"

read_by_shim=$({ sed -n 's/^[[:space:]]*X(\([A-Z0-9_]*\),.*/ALLOCPROF_\1/p' "$SRC/src/envvars.h"
	cat "$SRC"/preload/*.c | grep -o 'getenv("ALLOCPROF_[A-Z0-9_]*")' | sed 's/getenv("\(.*\)")/\1/'; } | sort -u)
[ -n "$read_by_shim" ] || not_ok "no ALLOCPROF_ variable found in src/envvars.h or preload/"
for v in $read_by_shim; do
	if grep -q "\`$v\`" "$DESIGN"; then ok "names $v"; else not_ok "docs/design.md does not name \`$v\`"; fi
done
extra=
for v in $(grep -o 'ALLOCPROF_[A-Z][A-Z0-9_]*' "$DESIGN" | sort -u); do
	case " $(echo $read_by_shim) " in
	*" $v "*) ;;
	*) extra="$extra $v" ;;
	esac
done
check "variables named that the shim does not read" "${extra:-none}" "none"

for d in "$SRC"/*/; do
	[ -e "$d/meson-info" ] && continue # a build directory
	name=$(basename "$d")
	if grep -q "\`$name/\`" "$DESIGN"; then ok "names $name/"; else not_ok "docs/design.md does not name the folder \`$name/\`"; fi
done
finish

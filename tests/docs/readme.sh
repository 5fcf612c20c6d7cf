#!/bin/sh
# README.md stays a front page and docs/ holds the reference: the README is
# short, names the two set-up scripts, and links every docs/*.md file; every
# relative link in docs/ names a file that exists and, after '#', one of its
# headings.
. "$(dirname "$0")/../tap.sh"
tap_setup readme
README="$SRC/README.md"

lines=$(wc -l < "$README")
[ "$lines" -le 150 ] && ok "README.md is short ($lines lines)" || not_ok "README.md has $lines lines (at most 150: the reference goes in docs/)"
for s in scripts/demo.sh scripts/test.sh; do
	if grep -q "^    $s " "$README" && [ -x "$SRC/$s" ]; then ok "README: set up with $s"; else not_ok "README: set up with $s"; fi
done
for f in "$SRC"/docs/*.md; do
	name=docs/$(basename "$f")
	grep -qF "]($name)" "$README" && ok "README links $name" || not_ok "README does not link $name (add it to Where to read more)"
done

# slug FILE: the anchors of FILE's headings, as GitHub makes them
slugs() {
	sed -n 's/^#\{1,6\} \(.*\)$/\1/p' "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}
bad=
for f in "$SRC"/docs/*.md; do
	for link in $(grep -o '\]([^)#: ][^): ]*)\|\](#[^)]*)' "$f" | sed 's/^](\(.*\))$/\1/'); do
		path=${link%%#*}
		anchor=
		case "$link" in *'#'*) anchor=${link#*#} ;; esac
		target="$SRC/docs/$path"
		[ -n "$path" ] || target=$f
		if [ ! -e "$target" ]; then
			bad="$bad $(basename "$f"):$link"
		elif [ -n "$anchor" ] && ! slugs "$target" | grep -qx "$anchor"; then
			bad="$bad $(basename "$f"):$link"
		fi
	done
done
check "docs/: links to a missing file or heading" "${bad:-none}" "none"
finish

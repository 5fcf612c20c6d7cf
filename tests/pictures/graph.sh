#!/bin/sh
# allocprof graph: its DOT against go tool pprof -dot for the same profile
# and options (every committed profile, granularities, node counts,
# fractions, filters), the SVG graphviz makes of it, and the DOT written
# instead when graphviz is missing.
. "$(dirname "$0")/lib.sh"

KS="$DATA/known_sites.pb.gz"
cd "$WORK"
"$MKPROF" tricky tricky.pb.gz

gopprof() {
	HOME="$WORK" PPROF_TMPDIR="$WORK" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" \
		go tool pprof -symbolize=none "$@"
}

# pprof orders edges of equal weight between equally named nodes as its
# hash maps happen to iterate, so the files are compared as sorted lines
# (every node and edge line is complete in itself)
if ! have go; then
	skip "graph = go tool pprof -dot: go is not installed"
else
	for f in "$DATA"/*.pb.gz tricky.pb.gz; do
		name=$(basename "$f" .pb.gz)
		for args in "" "-lines" "-files" "-nodecount=5" "-nodefraction=0" "-nodefraction=0.2 -edgefraction=0.1" \
			"-focus=main" "-ignore=lib" "-sample_index=0 -lines -nodecount=7" "-noinlines" "-nodecount=0"; do
			# shellcheck disable=SC2086
			"$ALLOCPROF" graph --dot -o a.dot $args "$f" 2> /dev/null || true
			# shellcheck disable=SC2086
			gopprof -dot $args "$f" > b.dot 2> /dev/null || true
			if [ ! -s b.dot ]; then
				not_ok "$name graph $args: go tool pprof printed nothing"
			elif [ "$(head -1 a.dot)" = "$(head -1 b.dot)" ] && sort a.dot > a.s && sort b.dot > b.s &&
				cmp -s a.s b.s; then
				ok "$name graph $args = pprof -dot"
			else
				not_ok "$name graph $args differs from pprof -dot"
				diff a.s b.s | head -10 | sed 's/^/# /'
			fi
		done
	done
fi

# the picture: graphviz's SVG
if ! have dot; then
	skip "graph svg: graphviz's dot is not installed"
else
	"$ALLOCPROF" graph -o g.svg "$KS" 2> err.txt
	wellformed "graph svg is well-formed" g.svg
	has "graph svg: a node per function" g.svg ">site_small</text>"
	has "graph svg: node values" g.svg ">15.62kB (6.67%)</text>"
	has "graph svg: the legend" g.svg "File: known_sites"
	has "graph svg: label boxes" g.svg "freed_at:main"
	has "graph: says what it wrote" err.txt "allocprof graph: wrote g.svg"
	# pan and zoom as pprof -svg has them: the picture fills the window,
	# the graph in a viewport group the inline script moves
	has "graph svg: fills the window" g.svg '<svg width="100%" height="100%" xmlns='
	lacks "graph svg: no fixed viewBox" g.svg 'viewBox='
	has "graph svg: the viewport" g.svg '<g id="viewport">'
	has "graph svg: the pan and zoom script" g.svg 'allocprofPan(document.documentElement);'
	check "graph svg: one script" "$(grep -c '<script' g.svg)" "1"
	check "graph svg: the viewport closes, then the script" "$(grep -A1 '^</g>$' g.svg | tail -2 | tr '\n' ' ')" \
		'</g> <script type="text/ecmascript"><![CDATA[ '
	check "graph svg: the script last" "$(tail -3 g.svg | tr '\n' ' ')" 'allocprofPan(document.documentElement); ]]></script> </svg> ' 
	if ! have node; then
		skip "graph svg: pan and zoom: node is not installed"
	else
		node "$SRC/tests/pictures/pantest.js" g.svg > pan.txt
		sed 's/^/# /' pan.txt
		pan() { sed -n "s/^$1=//p" pan.txt; }
		check "graph svg: the graph fits the window at first, centred" "$(pan fit_scale)" "1.0000 centred=true"
		wheel=$(pan under_pointer)
		check "graph svg: the wheel zooms about the pointer" "${wheel%->*}" "${wheel#*->}"
		check "graph svg: one wheel notch zooms by 1.25" \
			"$(awk -v a="$(pan fit | sed 's/matrix(\([^,]*\),.*/\1/')" -v b="$(pan wheel | sed 's/matrix(\([^,]*\),.*/\1/')" 'BEGIN { printf "%.3f", b / a }')" "1.250"
		check "graph svg: dragging pans by the drag" "$(pan drag)" "50.00,30.00"
		check "graph svg: key + zooms by 1.25" "$(pan plus)" "1.2500"
		check "graph svg: key 0 fits again" "$(pan zero)" "$(pan fit)"
		check "graph svg: key ArrowLeft pans 50 px" "$(pan left)" "50.00,0.00"
	fi
	"$ALLOCPROF" graph -o - "$KS" > g2.svg 2> /dev/null
	check "graph -o -: SVG on stdout" "$(grep -c '<svg' g2.svg)" "1"
	"$MKNAMES" names.pb.gz
	"$ALLOCPROF" graph -o names.svg names.pb.gz 2> /dev/null
	wellformed "graph of hostile names is well-formed" names.svg
	"$ALLOCPROF" graph -o names.dot names.pb.gz 2> /dev/null
	if dot -Tsvg names.dot > /dev/null 2> dot.err; then ok "DOT of hostile names parses"; else
		not_ok "DOT of hostile names"; sed 's/^/# /' dot.err | head -5; fi
fi

# DOT on request, and when dot is missing
"$ALLOCPROF" graph -o g.dot "$KS" 2> /dev/null
check "graph -o x.dot: DOT" "$(head -1 g.dot)" 'digraph "known_sites" {'
has "graph DOT: nodes sized by flat" g.dot 'N2 [label="site_realloc_grow\n146.48kB (62.49%)" id="node2" fontsize=24'
has "graph DOT: edges by cum" g.dot 'N1 -> N2 [label=" 146.48kB" weight=63 penwidth=4'
"$ALLOCPROF" graph --dot -o - -n 4 "$KS" > n4.dot 2> /dev/null
check "graph --dot -o -: DOT on stdout" "$(head -1 n4.dot)" 'digraph "known_sites" {'
nodes=$(grep -c '^N[0-9]* \[label=' n4.dot)
if [ "$nodes" -le 4 ]; then ok "graph -n 4: $nodes nodes"; else not_ok "graph -n 4: $nodes nodes"; fi
has "graph -n 4: says so" n4.dot "Showing top"
"$ALLOCPROF" graph --dot -o - --focus=site_small "$KS" > focus.dot 2> /dev/null
has "graph --focus: legend" focus.dot "Active filters:\l   focus=site_small\l"
lacks "graph --focus: other sites gone" focus.dot "site_calloc"

mkdir nodot && cd nodot
PATH=/nonexistent "$ALLOCPROF" graph "$KS" > out.txt 2> err.txt || true
check "without dot: DOT written instead" "$(ls | grep -v -e out.txt -e err.txt | tr '\n' ' ')" "known_sites.graph.dot "
has "without dot: says so" err.txt "graphviz's dot is not installed"
check "without dot: DOT inside" "$(head -1 known_sites.graph.dot)" 'digraph "known_sites" {'
PATH=/nonexistent "$ALLOCPROF" graph -o pic.svg "$KS" 2> /dev/null || true
check "without dot, -o x.svg: x.dot" "$(ls pic.* | tr '\n' ' ')" "pic.dot "

finish

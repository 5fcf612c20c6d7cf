#!/bin/sh
# allocprof flame, timeline and report on committed and generated profiles:
# well-formed SVG, the frames and totals the profiles hold, differential
# colours, escaping of hostile names, merging of tiny frames, output files,
# options and help.
. "$(dirname "$0")/lib.sh"

KS="$DATA/known_sites.pb.gz"
cd "$WORK"

# --- flame ---------------------------------------------------------------
"$ALLOCPROF" flame -o ks.svg "$KS" 2> err.txt
wellformed "flame svg is well-formed" ks.svg
check "flame: site_small bytes" "$(frame_sum ks.svg site_small)" "16000"
check "flame: site_calloc bytes" "$(frame_sum ks.svg site_calloc)" "20000"
has "flame: hover title with value and percent" ks.svg "<title>site_small&#10;15.62kB (6.67%)</title>"
has "flame: the root is the total" ks.svg "<title>all&#10;234.43kB (100%)</title>"
has "flame: subtitle with the total" ks.svg "total 234.43kB"
has "flame: search box" ks.svg '<input xmlns="http://www.w3.org/1999/xhtml" class="search"'
has "flame: inline script" ks.svg "function allocprofFlame(svg)"
lacks "flame: nothing external" ks.svg 'href="http'
has "flame: says what it wrote" err.txt "allocprof flame: wrote ks.svg"

"$ALLOCPROF" flame -alloc_objects -o ks_obj.svg "$KS" 2> /dev/null
check "flame -alloc_objects: site_small objects" "$(frame_sum ks_obj.svg site_small)" "1000"
"$ALLOCPROF" flame --sample-index=alloc_objects -o ks_obj2.svg "$KS" 2> /dev/null
check "flame --sample-index: the same" "$(frame_sum ks_obj2.svg site_small)" "1000"

"$ALLOCPROF" flame --by line -o ks_lines.svg "$KS" 2> /dev/null
line=$(grep -F '<title>site_small ' ks_lines.svg | head -1)
case "$line" in
*"<title>site_small $SRC/tests/programs/known_sites.c:9&#10;"* | *"<title>site_small /"*"known_sites.c:9&#10;"*)
	ok "flame --by line: frame named function and line" ;;
*) not_ok "flame --by line: no frame site_small FILE:9: $line" ;;
esac
has "flame --by line: label with the file's base name" ks_lines.svg 'data-l="site_small known_sites.c:9"'
"$ALLOCPROF" flame -lines -o ks_lines2.svg "$KS" 2> /dev/null
check "flame -lines (pprof's spelling) = --by line" "$(cmp -s ks_lines.svg ks_lines2.svg && echo same)" "same"

"$ALLOCPROF" flame --icicle -o ks_ice.svg "$KS" 2> /dev/null
wellformed "icicle svg is well-formed" ks_ice.svg
root_y() { frame_line "$1" all | sed 's/.*<rect x="[^"]*" y="\([0-9]*\)".*/\1/'; }
check "icicle: root at the top" "$(root_y ks_ice.svg)" "70"
if [ "$(root_y ks.svg)" -gt 70 ]; then ok "flame: root at the bottom"; else not_ok "flame: root y $(root_y ks.svg)"; fi
has "icicle: marked for the script" ks_ice.svg 'data-icicle="1"'

"$ALLOCPROF" flame --focus=site_small -o ks_focus.svg "$KS" 2> /dev/null
check "flame --focus: kept" "$(frame_sum ks_focus.svg site_small)" "16000"
check "flame --focus: others gone" "$(frame_sum ks_focus.svg site_calloc)" "0"
has "flame --focus: percent of the whole profile" ks_focus.svg "<title>site_small&#10;15.62kB (6.67%)</title>"

"$ALLOCPROF" flame -alloc_objects -o cxx.svg "$DATA/known_sites_cxx.pb.gz" 2> /dev/null
check "flame C++: new_node() objects" "$(frame_sum cxx.svg 'new_node()')" "101"

# --- differential flame graph --------------------------------------------
B="$DATA/request_before.pb.gz" N="$DATA/request_after.pb.gz"
"$ALLOCPROF" flame --diff "$B" -o shrink.svg "$N" 2> /dev/null
wellformed "diff flame is well-formed" shrink.svg
fill() { frame_line "$1" "$2" | sed 's/.*fill="\([^"]*\)".*/\1/'; }
case "$(fill shrink.svg main)" in
rgb\(*,*,255\)) ok "diff flame: main shrank: blue" ;;
*) not_ok "diff flame: main shrank, fill $(fill shrink.svg main)" ;;
esac
has "diff flame: base values" shrink.svg 'data-b="'
has "diff flame: legend" shrink.svg "since the base"
"$ALLOCPROF" flame --diff "$N" -o grow.svg "$B" 2> /dev/null
case "$(fill grow.svg main)" in
rgb\(255,*) ok "diff flame: main grew: red" ;;
*) not_ok "diff flame: main grew, fill $(fill grow.svg main)" ;;
esac
case "$(fill grow.svg new_request)" in
rgb\(255,*) ok "diff flame: new_request grew: red" ;;
*) not_ok "diff flame: new_request, fill $(fill grow.svg new_request)" ;;
esac
has "diff flame: change in the title" grow.svg "<title>new_request&#10;250kB (72.09%)&#10;base 256B, +249.75kB (+99900.0%)</title>"
"$ALLOCPROF" flame -diff_base="$N" -o grow2.svg "$B" 2> /dev/null
check "flame -diff_base (pprof's spelling) = --diff" "$(cmp -s grow.svg grow2.svg && echo same)" "same"
"$ALLOCPROF" diff -o d.pb.gz "$N" "$B" > /dev/null
"$ALLOCPROF" flame -o dprof.svg d.pb.gz 2> /dev/null
case "$(fill dprof.svg new_request)" in
rgb\(255,*) ok "flame of a diff profile (allocprof diff -o): differential" ;;
*) not_ok "flame of a diff profile: new_request fill $(fill dprof.svg new_request)" ;;
esac

# profiles of different kinds are refused as diff refuses them
run_rc "flame --diff of a CPU profile under a heap profile" 1 "$ALLOCPROF" flame --diff "$DATA/go_cpu.pb.gz" \
	-o cpu.svg "$DATA/go_heap.pb.gz"
check "flame --diff CPU/heap: one line, nothing written" \
	"$(wc -l < "$WORK/err" | tr -d ' ') $(ls cpu.svg 2> /dev/null || echo none)" "1 none"
has "flame --diff CPU/heap: says why" "$WORK/err" "are different kinds of profile"
run_rc "report of a heap profile with a CPU base" 1 "$ALLOCPROF" report -o cpu.html "$DATA/go_heap.pb.gz" \
	"$DATA/go_cpu.pb.gz"
check "report heap/CPU: one line, nothing written" \
	"$(wc -l < "$WORK/err" | tr -d ' ') $(ls cpu.html 2> /dev/null || echo none)" "1 none"
run_rc "flame --diff of a type the base lacks" 1 "$ALLOCPROF" flame --diff "$DATA/go_heap.pb.gz" \
	-sample_index=short_lived_space -o sl.svg "$KS"
has "flame --diff of a type the base lacks: says why" "$WORK/err" \
	"go_heap.pb.gz has no sample type short_lived_space, so it has no change to show"
run_rc "flame --diff of a type both have, other types one-sided" 0 "$ALLOCPROF" flame --diff "$DATA/go_heap.pb.gz" \
	-o as.svg "$KS"

# --- escaping --------------------------------------------------------------
"$MKPROF" tricky tricky.pb.gz
"$ALLOCPROF" flame -o tricky.svg tricky.pb.gz 2> /dev/null
wellformed "flame of C++ templates is well-formed" tricky.svg
has "flame: template name escaped" tricky.svg \
	"<title>std::vector&lt;int, std::allocator&lt;int&gt; &gt;::_M_realloc_insert&lt;int const&amp;&gt;&#10;"
has "flame: label shortened as pprof does" tricky.svg 'data-l="worker(int)"'
"$MKNAMES" names.pb.gz
for kind in flame timeline; do
	"$ALLOCPROF" "$kind" -o "names.$kind.svg" names.pb.gz 2> /dev/null
	wellformed "$kind of hostile names is well-formed" "names.$kind.svg"
	check "$kind of hostile names: one script element at most" \
		"$(grep -o '<script' "names.$kind.svg" | wc -l | tr -d ' ')" "$([ $kind = flame ] && echo 1 || echo 0)"
done
has "flame: markup in a name is text" names.flame.svg "<title>evil&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;&#10;"
has "flame: bytes that are not UTF-8 replaced" names.flame.svg "bad$(printf '\357\277\275\357\277\275') name $(printf '\357\277\275')"

# --- big profiles ----------------------------------------------------------
"$MKPROF" big 3000 big.pb.gz
"$ALLOCPROF" flame -o big.svg big.pb.gz 2> /dev/null
"$ALLOCPROF" flame --min-width 0 -o big0.svg big.pb.gz 2> /dev/null
has "flame: tiny frames merged, and said so" big.svg "frames narrower than 1px merged into grey frames"
has "flame: a merged frame" big.svg '<g class="f m"'
n1=$(grep -c '<g class="f' big.svg)
n0=$(grep -c '<g class="f' big0.svg)
if [ "$n0" -gt "$((n1 * 10))" ]; then ok "flame --min-width 0: every frame ($n0 against $n1)"; else not_ok "--min-width 0 drew $n0, default $n1"; fi
size=$(wc -c < big.svg) size0=$(wc -c < big0.svg)
if [ "$size" -lt 3000000 ] && [ "$((size * 5))" -lt "$size0" ]; then
	ok "flame of a big profile stays small ($size bytes, $size0 with every frame)"
else
	not_ok "big flame: $size bytes, $size0 with every frame"
fi
wellformed "big flame is well-formed" big.svg

# --- spread thin: 2000 sites of about 0.04% each ---------------------------
"$MKTHIN" thin.pb.gz
"$ALLOCPROF" flame -o thin.svg thin.pb.gz 2> /dev/null
"$ALLOCPROF" flame --min-width 0 -o thin0.svg thin.pb.gz 2> /dev/null
wellformed "thin flame is well-formed" thin.svg
size=$(wc -c < thin.svg) size0=$(wc -c < thin0.svg) drawn=$(grep -c '<g class="f' thin.svg)
echo "# thin flame: $size bytes, $drawn frames drawn; $size0 bytes with --min-width 0"
if [ "$size" -lt 1000000 ] && [ "$drawn" -lt 200 ]; then
	ok "thin flame stays small: the sites merged, their data embedded ($size bytes, $drawn frames)"
else
	not_ok "thin flame: $size bytes, $drawn frames"
fi
has "thin flame: the data" thin.svg '<metadata class="fdata">{"total":11290976,"unit":"bytes"'
has "thin flame: a grey frame names its biggest" thin.svg \
	"<title>[3100 frames narrower than 1px]&#10;236.61kB (2.15%)&#10;biggest: route_1840 5.47kB, route_1160 5.45kB, route_0480 5.44kB</title>"
if ! have node; then
	skip "thin flame: the script's search and zoom: node is not installed"
else
	fd() { node "$SRC/tests/pictures/flamedata.js" "$@"; }
	check "thin flame: the data adds up to the total" "$(fd thin.svg sum)" "11290976 11290976 124045"
	# top's figures: the share of the samples through each matching function
	focus=$("$ALLOCPROF" top -nodefraction=0 --focus=alloc_site thin.pb.gz |
		sed -n 's/^Showing nodes accounting for [^,]*, \([0-9.]*%\) of .*/\1/p')
	check "thin flame: search alloc_site = top --focus=alloc_site ($focus)" "$(fd thin.svg search alloc_site)" \
		"2000 9710240 $focus"
	row() {
		"$ALLOCPROF" top -nodefraction=0 -nodecount=100000 thin.pb.gz | awk -v n="$1" '$6 == n { print $5 }'
	}
	for f in alloc_site_0007 alloc_site_1999 handler_03 step_17 big_buffer; do
		check "thin flame: search ^$f\$ = top's cum% ($(row $f))" "$(fd thin.svg search "^$f\$" | cut -d' ' -f3)" \
			"$(row $f)"
	done
	check "thin flame --min-width 0: the same count (no pixel rounding)" "$(fd thin0.svg search alloc_site)" \
		"2000 9710240 $focus"
	# a stack counts once, however many of its frames match
	check "thin flame: search step_ counts each stack once" "$(fd thin.svg search step_ | cut -d' ' -f3)" "$(row step_00)"
	check "thin flame: the old pixel count would have found nothing" \
		"$(grep -c '<title>alloc_site_' thin.svg)" "0"
	check "thin flame: zooming into a grey frame draws what it holds" "$(fd thin.svg merged 0)" \
		"merged=40 members=50 callers=handler_00>dispatch>main>all first=[3100 frames narrower than 1px] sites=50 site_px=19.95 grey=1 frames=3101"
	check "flame: search of a small profile from the data" "$(fd ks.svg search site_small)" "1 16000 6.67%"
fi

# --- timeline --------------------------------------------------------------
"$ALLOCPROF" timeline -o ks_tl.svg "$KS" 2> /dev/null
wellformed "timeline svg is well-formed" ks_tl.svg
has "timeline: in-use line" ks_tl.svg '<polyline class="inuse"'
has "timeline: peak marked" ks_tl.svg 'class="label strong peaklabel"'
has "timeline: without a peak profile, says what it used" ks_tl.svg "no peak profile next to known_sites.pb.gz"
has "timeline: the site in use at the end" ks_tl.svg "biggest in use at the end: site_leak known_sites.c:25"
run_rc "timeline of a profile without one" 1 "$ALLOCPROF" timeline -o go.svg "$DATA/go_heap.pb.gz"
has "timeline: says there is none" "$WORK/err" "has no timeline"
check "timeline: nothing written" "$(ls go.svg 2> /dev/null || echo none)" "none"

# --- report ----------------------------------------------------------------
"$ALLOCPROF" report -o ks.html "$KS" 2> err.txt
has "report: says what it wrote" err.txt "allocprof report: wrote ks.html"
has "report: a page" ks.html "<!DOCTYPE html>"
has "report: summary" ks.html '<section id="summary">'
has "report: top table" ks.html '<table class="top">'
has "report: sample-type switch" ks.html '<select id="type">'
has "report: the rows" ks.html '["site_small",16000,16000,"15.62kB","15.62kB"]'
has "report: flame graph" ks.html '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="flame" id="flame-1"'
has "report: timeline" ks.html 'class="timeline" id="timeline-svg"'
lacks "report: no diff without a base" ks.html '<section id="diff">'
check "report: two script elements (data, code)" "$(grep -o '<script' ks.html | wc -l | tr -d ' ')" "2"
for bad in ' src=' 'href="http' '@import' 'url(' '<link'; do
	lacks "report: no external resource ($bad)" ks.html "$bad"
done
# every SVG in the page is well-formed on its own
awk '/^<svg /{ n++; f = sprintf("part%d.svg", n) } f { print > f } /^<\/svg>/{ f = "" }' ks.html
parts=$(ls part*.svg | wc -l | tr -d ' ')
bad=0
for p in part*.svg; do xmllint --noout "$p" 2> /dev/null || bad=$((bad + 1)); done
if ! have xmllint; then skip "report: inline SVGs well-formed: xmllint is not installed"
elif [ "$bad" = 0 ] && [ "$parts" -ge 2 ]; then ok "report: $parts inline SVGs well-formed"
else not_ok "report: $bad of $parts inline SVGs not well-formed"; fi

# a peak only where there is one: Go's heap profile has none, ours
# without a .peak.pb.gz beside it says what is in use at the end
"$ALLOCPROF" report -o go.html "$DATA/go_heap.pb.gz" 2> /dev/null
lacks "report of a Go heap profile: no Peak. box" go.html "<b>Peak.</b>"
lacks "report of a Go heap profile: no talk of a peak profile" go.html "no peak profile"
lacks "report of a Go heap profile: no in-use box either" go.html '<p class="peak">'
lacks "report without a peak profile: no Peak. box" ks.html "<b>Peak.</b>"
has "report without a peak profile: what is in use at the end" ks.html \
	'<p class="peak"><b>In use at the end.</b> Biggest site: <code>site_leak known_sites.c:25</code> (3.04kB).'

"$ALLOCPROF" report -o diff.html "$N" "$B" 2> /dev/null
has "report with BASE: changes" diff.html '<section id="diff">'
has "report with BASE: diff rows" diff.html '"diff":['
has "report with BASE: differential flame" diff.html 'class="flame" id="dflame-1"'
has "report with BASE: totals side by side" diff.html "<th>base</th><th>new</th><th>delta</th><th>delta%</th>"
"$ALLOCPROF" report --diff "$B" -o diff2.html "$N" 2> /dev/null
check "report --diff BASE = report PROFILE BASE" "$(cmp -s diff.html diff2.html && echo same)" "same"

"$ALLOCPROF" report -o names.html names.pb.gz 2> /dev/null
check "report of hostile names: two script elements" "$(grep -o '<script' names.html | wc -l | tr -d ' ')" "2"
lacks "report of hostile names: no raw script end" names.html "]]></script><!--"
has "report of hostile names: escaped in JSON" names.html 'evil\u003cscript\u003ealert(\"x\")\u003c/script\u003e\u0026amp;'

# --- output files ----------------------------------------------------------
mkdir outdir && cd outdir
"$ALLOCPROF" flame "$KS" 2> /dev/null
"$ALLOCPROF" timeline "$KS" 2> /dev/null
"$ALLOCPROF" report "$KS" 2> /dev/null
check "default names" "$(ls | tr '\n' ' ')" "known_sites.flame.svg known_sites.html known_sites.timeline.svg "
"$ALLOCPROF" flame "$KS" 2> /dev/null
check "rewritten in place, no temporary left" "$(ls | tr '\n' ' ')" "known_sites.flame.svg known_sites.html known_sites.timeline.svg "
cd ..
"$ALLOCPROF" flame -o - "$KS" > stdout.svg 2> err.txt
check "-o - writes to stdout" "$(head -c 5 stdout.svg)" "<?xml"
check "-o -: nothing said on stderr" "$(wc -c < err.txt | tr -d ' ')" "0"
run_rc "flame into a missing directory" 1 "$ALLOCPROF" flame -o nodir/x.svg "$KS"
has "flame into a missing directory: why" "$WORK/err" "cannot write nodir/x.svg"

# --- options and help ------------------------------------------------------
for cmd in flame graph timeline report; do
	run_rc "help $cmd" 0 "$ALLOCPROF" help "$cmd"
	has "help $cmd: usage" "$WORK/out" "usage: allocprof $cmd"
	run_rc "$cmd --help" 0 "$ALLOCPROF" "$cmd" --help
	run_rc "$cmd without a profile" 2 "$ALLOCPROF" "$cmd"
done
"$ALLOCPROF" help flame > help.txt
for opt in --output --icicle --diff --width --min-width --title --sample-index --by --noinlines --focus --ignore; do
	has "help flame documents $opt" help.txt "$opt"
done
"$ALLOCPROF" help graph > help.txt
for opt in --output --dot --nodecount --nodefraction --edgefraction --sample-index --by --focus --ignore; do
	has "help graph documents $opt" help.txt "$opt"
done
"$ALLOCPROF" help timeline > help.txt
for opt in --output --peak --width --title; do
	has "help timeline documents $opt" help.txt "$opt"
done
"$ALLOCPROF" help report > help.txt
for opt in --output --diff --peak --sample-index --by --noinlines --nodecount --nodefraction --edgefraction --focus --ignore --width --min-width --title; do
	has "help report documents $opt" help.txt "$opt"
done
run_rc "timeline --icicle" 2 "$ALLOCPROF" timeline --icicle "$KS"
has "timeline --icicle: does not apply" "$WORK/err" "does not apply to this command"
run_rc "flame --sample-index=nope" 2 "$ALLOCPROF" flame --sample-index=nope -o x.svg "$KS"
run_rc "flame --min-width=x" 2 "$ALLOCPROF" flame --min-width=x "$KS"
run_rc "report with three profiles merges them" 0 "$ALLOCPROF" report -o "$WORK/three.html" "$KS" "$KS" "$KS"

finish

#!/bin/sh
# The HTML report in a real browser (Debian's chromium, headless): a script
# injected into a copy of the page clicks a flame-graph frame and types into
# the search box, then the test reads the DOM after the click (the zoomed
# frame is full width) and keeps a screenshot. A page of hostile names must
# load with its tables filled.
. "$(dirname "$0")/lib.sh"

CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
	if have "$c"; then CHROMIUM=$c; break; fi
done
if [ -z "$CHROMIUM" ]; then
	echo "1..0 # SKIP chromium is not installed"
	exit 0
fi
ARTIFACTS="$BUILD/meson-logs"
mkdir -p "$ARTIFACTS"

# browse MODE URL [ARGS]: headless Chromium on a new empty profile, no
# network; MODE is --dump-dom or --screenshot=FILE
browse() {
	mode=$1 url=$2
	shift 2
	rm -rf "$WORK/chrome"
	mkdir "$WORK/chrome"
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-extensions --disable-sync \
		--user-data-dir="$WORK/chrome" --virtual-time-budget=5000 "$mode" "$@" "$url" 2> "$WORK/chrome.err"
}

cd "$WORK"
mkdir c
(cd c && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/known_sites" > /dev/null)
"$ALLOCPROF" report -o page.html "$(profile_of c)" 2> /dev/null
# the frames the search below should find: those the flame graph draws
"$ALLOCPROF" flame -o flame.svg "$(profile_of c)" 2> /dev/null
# what a search for site_ finds, counted by the script's own code from the
# data (a frame too narrow to draw counts too)
want=$(node "$SRC/tests/pictures/flamedata.js" flame.svg search site_ | cut -d' ' -f1)
want_pct=$(node "$SRC/tests/pictures/flamedata.js" flame.svg search site_ | cut -d' ' -f3)
# the test's script goes in just before </body>, after the page's own
sed -e '/^<\/body>$/{' -e "r $SRC/tests/pictures/clicktest.js" -e 'i <script>' -e 'a </script>' -e 'd' -e '}' \
	page.html > test.html
echo '</body></html>' >> test.html

browse --dump-dom "file://$WORK/test.html" > dom.html || true
sed -n '/<pre id="test-result">/,/<\/pre>/p' dom.html > result.txt
get() { sed -n "s/^$1=//p" result.txt | head -1; }
if [ ! -s result.txt ]; then
	not_ok "the page ran the test script"
	sed 's/^/# /' "$WORK/chrome.err" | tail -5
else
	ok "the page ran the test script"
fi
check "no script error" "$(get error)" ""
check "clicked frame zoomed" "$(get zoomed)" "site_calloc"
full=$(get full_width)
check "zoomed frame is full width" "$(get zoomed_width)" "$full"
check "zoomed frame starts at the left edge" "$(get zoomed_x)" "10.00"
before=$(get before_width)
if [ -n "$before" ] && awk -v b="$before" -v f="$full" 'BEGIN { exit !(b < f / 2) }'; then
	ok "the frame was narrow before ($before of $full)"
else
	not_ok "the frame was not narrow before: $before of $full"
fi
check "its caller stays below, full width, dimmed" "$(get caller_dimmed) $(get caller_width)" "true $full"
check "a sibling is hidden" "$(get sibling_hidden)" "true"
check "the label fits the new width" "$(get label)" "site_calloc"
check "search: frames matched" "$(get matched)" "$want"
check "search: frames highlighted" "$(get highlighted)" "$want"
case "$(get matched_text)" in
"$want frames matched, "*"kB, $want_pct of the total") ok "search: share of the graph shown: $(get matched_text)" ;;
*) not_ok "search: share shown: '$(get matched_text)'" ;;
esac
check "table sorted by name: every row in order" "$(get sorted_ok)" "yes"
check "table sorted by name: the smallest name first" "$(get sorted_first)" "$(get sorted_expected)"
check "sample type switched: first row" "$(get type_first_row)" "1000 site_small"
check "sample type switched: its flame graph shown" "$(get flame_shown)" "flame-0"

browse --screenshot="$WORK/shot.png" "file://$WORK/test.html" --window-size=1280,900 > /dev/null || true
if [ -s shot.png ] && [ "$(head -c 4 shot.png | od -An -c | tr -d ' ')" = '211PNG' ]; then
	cp shot.png "$ARTIFACTS/pictures-report.png"
	ok "screenshot kept: $ARTIFACTS/pictures-report.png"
	echo "# screenshot: $ARTIFACTS/pictures-report.png"
else
	not_ok "no screenshot"
fi

# the standalone flame graph: its own script zooms and searches too
# flame_click SVG CLICK SEARCH: the page with flameclick.js, what it saw
flame_click() {
	sed -e "s|^<svg |<svg data-test-click=\"$2\" data-test-search=\"$3\" |" -e '/^<\/svg>$/d' "$1" > click_test.svg
	{
		echo '<script type="text/ecmascript"><![CDATA['
		cat "$SRC/tests/pictures/flameclick.js"
		echo ']]></script></svg>'
	} >> click_test.svg
	browse --dump-dom "file://$WORK/click_test.svg" > click.dom || true
	sed -n 's/.*data-test="\([^"]*\)".*/\1/p' click.dom | head -1
}
got=$(flame_click flame.svg site_calloc site_small)
case "$got" in
"zoomed=site_calloc width=1180.00 callers="*" frames=1 "*" matched=1 "*) ok "flame svg: clicked frame zoomed to full width, search matched" ;;
*) not_ok "flame svg: zoom and search: $got" ;;
esac

# spread thin: the grey frame's content drawn when zoomed into, the search
# counted from the data
"$MKTHIN" thin.pb.gz
"$ALLOCPROF" flame -o thin.svg thin.pb.gz 2> /dev/null
got=$(flame_click thin.svg merged alloc_site)
echo "# $got"
for want in "zoomed=[3100_frames_narrower_than_1px]" "width=1180.00" "callers=4" "frames=3101" "sites=50" \
	"grey=1" "drawing_hidden=true" "matched=2000" "text=2000_frames_matched,_9.26MB,_86.00%_of_the_total" \
	"purple=51" "reset=yes,0"; do
	case " $got " in
	*" $want "*) ok "thin flame in a browser: $want" ;;
	*) not_ok "thin flame in a browser: no $want in: $got" ;;
	esac
done

# the call graph pans and zooms in a real browser too
if have dot; then
	"$ALLOCPROF" graph -o g.svg "$(profile_of c)" 2> /dev/null
	sed '/^<\/svg>$/d' g.svg > g_test.svg
	cat >> g_test.svg <<'JS'
<script type="text/ecmascript"><![CDATA[
(function () {
  var svg = document.documentElement, v = svg.getElementById("viewport"), out = [];
  out.push(v.getAttribute("transform"));
  svg.dispatchEvent(new WheelEvent("wheel", { deltaY: -100, clientX: 200, clientY: 100, bubbles: true, cancelable: true }));
  out.push(v.getAttribute("transform"));
  svg.setAttribute("data-test", out.join(" "));
})();
]]></script>
</svg>
JS
	browse --dump-dom "file://$WORK/g_test.svg" --window-size=1000,600 > g.dom || true
	got=$(sed -n 's/.*data-test="\([^"]*\)".*/\1/p' g.dom | head -1)
	s0=$(echo "$got" | sed -n 's/^matrix(\([^,]*\),.*/\1/p')
	s1=$(echo "$got" | sed -n 's/.* matrix(\([^,]*\),.*/\1/p')
	if [ -n "$s0" ] && [ -n "$s1" ] && awk -v a="$s0" -v b="$s1" 'BEGIN { exit !(b / a > 1.249 && b / a < 1.251) }'; then
		ok "graph svg in a browser: fitted, and the wheel zooms by 1.25 ($got)"
	else
		not_ok "graph svg in a browser: $got"
	fi
else
	skip "graph svg in a browser: graphviz's dot is not installed"
fi

# a diff flame graph's white labels keep their underscores: drawn inside
# the dark frame, not on its light bottom edge where they vanished
"$ALLOCPROF" flame --diff "$DATA/request_after.pb.gz" -o grow.svg "$DATA/request_before.pb.gz" 2> /dev/null
sed 's|>new_request</text>|>new request</text>|' grow.svg > grow_space.svg
for f in grow grow_space; do
	browse --screenshot="$WORK/$f.png" "file://$WORK/$f.svg" --window-size=1200,330 > /dev/null || true
done
set -- $(node "$SRC/tests/pictures/underline.js" grow.png grow_space.png)
if [ "$#" = 3 ] && [ "$3" -lt 150 ] && [ "$2" -gt 100 ]; then
	ok "diff flame: the underscore of new_request is drawn inside its red frame (row $1, green $2, below it $3)"
else
	not_ok "diff flame: the underscore of new_request: $*"
fi

# hostile names: the page still loads and fills its tables
"$MKNAMES" names.pb.gz
"$ALLOCPROF" report -o names.html names.pb.gz 2> /dev/null
browse --dump-dom "file://$WORK/names.html" > names.dom || true
rows=$(grep -o '<tr><td class="num">' names.dom | wc -l | tr -d ' ')
if [ "$rows" -ge 6 ]; then ok "hostile names: tables filled ($rows rows)"; else not_ok "hostile names: $rows rows"; fi
has "hostile names: markup shown as text" names.dom '<td>evil&lt;script&gt;alert("x")&lt;/script&gt;&amp;amp;</td>'
lacks "hostile names: no injected element" names.dom '<script>alert'

finish

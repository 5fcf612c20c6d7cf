#!/bin/sh
# The pictures of profiles written by the shim at ALLOCPROF_RATE=1, where
# every figure is exact: known sites in the flame graph (C and C++), the
# peak of tests/programs/lifecycle in the timeline, labelled with its site.
. "$(dirname "$0")/lib.sh"

cd "$WORK"
mkdir c cxx peak
(cd c && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/known_sites" > /dev/null)
(cd cxx && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/known_sites_cxx" > /dev/null)
(cd peak && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/lifecycle" peak > /dev/null)
C=$(profile_of c) CXX=$(profile_of cxx) PEAK=$(profile_of peak)

"$ALLOCPROF" flame -o c.svg "$C" 2> /dev/null
wellformed "known_sites flame is well-formed" c.svg
check "known_sites: site_small bytes" "$(frame_sum c.svg site_small)" "16000"
check "known_sites: site_realloc_grow bytes" "$(frame_sum c.svg site_realloc_grow)" "150000"
check "known_sites: site_leak bytes" "$(frame_sum c.svg site_leak)" "3108"
has "known_sites: site_small title" c.svg "<title>site_small&#10;15.62kB ("
"$ALLOCPROF" flame -alloc_objects -o c_obj.svg "$C" 2> /dev/null
check "known_sites: site_small objects" "$(frame_sum c_obj.svg site_small)" "1000"
"$ALLOCPROF" flame -inuse_space -o c_inuse.svg "$C" 2> /dev/null
check "known_sites: in use at exit, site_leak" "$(frame_sum c_inuse.svg site_leak)" "3108"
"$ALLOCPROF" flame --by line -o c_lines.svg "$C" 2> /dev/null
has "known_sites --by line: label" c_lines.svg 'data-l="site_small known_sites.c:9"'

"$ALLOCPROF" flame -alloc_objects -o cxx.svg "$CXX" 2> /dev/null
wellformed "known_sites_cxx flame is well-formed" cxx.svg
n=$(grep -F '<title>new_node' cxx.svg | sed -n 's/^<g class="f[^"]*"[^>]* data-v="\([0-9]*\)".*/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
check "known_sites_cxx: new_node objects" "$n" "101"
"$ALLOCPROF" flame -o cxx_b.svg "$CXX" 2> /dev/null
check "known_sites_cxx: grow_vector bytes" "$(grep -F '<title>grow_vector' cxx_b.svg | head -1 |
	sed -n 's/^<g class="f[^"]*"[^>]* data-v="\([0-9]*\)".*/\1/p')" "16376"

# the peak: 10 x 1 MiB at peak_site, all freed, then 4 x 1 MiB kept
"$ALLOCPROF" timeline -o tl.svg "$PEAK" 2> err.txt
wellformed "lifecycle timeline is well-formed" tl.svg
has "timeline: the peak" tl.svg ">peak 10MB at "
has "timeline: labelled with its top site" tl.svg ">top site: peak_site lifecycle.c:"
has "timeline: the site's share" tl.svg "(10MB, 100%)"
has "timeline: from the peak profile" tl.svg "peak and its top site from $(basename "$PEAK" .pb.gz).peak.pb.gz"
has "timeline: in use when written" tl.svg "when the profile was written 4MB"
has "timeline: says the site" err.txt "peak site peak_site lifecycle.c:"
mv "${PEAK%.pb.gz}.peak.pb.gz" "$WORK/elsewhere.pb.gz"
"$ALLOCPROF" timeline -o tl2.svg "$PEAK" 2> /dev/null
has "timeline without the peak profile: what was used" tl2.svg ">biggest in use at the end: after_site lifecycle.c:"
has "timeline without the peak profile: says so" tl2.svg "no peak profile next to"
"$ALLOCPROF" timeline --peak "$WORK/elsewhere.pb.gz" -o tl3.svg "$PEAK" 2> /dev/null
has "timeline --peak FILE" tl3.svg ">top site: peak_site lifecycle.c:"
"$ALLOCPROF" timeline -o self.svg "$WORK/elsewhere.pb.gz" 2> /dev/null
has "timeline of the peak profile itself" self.svg ">top site: peak_site lifecycle.c:"

if have dot; then
	"$ALLOCPROF" graph -o g.svg "$C" 2> /dev/null
	wellformed "known_sites graph svg is well-formed" g.svg
	has "graph: site_small node" g.svg ">site_small</text>"
else
	skip "graph svg: graphviz's dot is not installed"
fi

"$ALLOCPROF" report --peak "$WORK/elsewhere.pb.gz" -o r.html "$PEAK" 2> /dev/null
has "report: the peak and its site" r.html "The site that held the most then: <code>peak_site lifecycle.c:"
has "report with a peak profile: the Peak. box" r.html '<p class="peak"><b>Peak.</b> 10MB in use '
"$ALLOCPROF" report -o r2.html "$PEAK" 2> /dev/null
lacks "report without its peak profile: no Peak. box" r2.html "<b>Peak.</b>"
has "report without its peak profile: in use at the end" r2.html '<p class="peak"><b>In use at the end.</b> Biggest site: <code>after_site lifecycle.c:'

finish

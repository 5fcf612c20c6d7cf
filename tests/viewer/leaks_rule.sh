#!/bin/sh
# allocprof leaks' rule on made series (mkprof snapshot): a steady leak, a
# leak that starts late, a cache that fills then holds, one that churns
# around its size, one that grew and stopped before the middle; the files
# named against their time order. Exact rates: least squares over t=3..7,
# bytes/s (late: 0 500 1000 2000 4000 gives 9500/10 = 950); churn rises in
# 4 of its 10 pairs there and ends where it began: in neither list.
. "$(dirname "$0")/lib.sh"

d="$WORK/series"; mkdir "$d"
# t: 0 1 2 3 4 5 6 7 (s); names count down as time goes up
set -- \
	"0 steady=1000 late=0 fill=1000 churn=5000 stopped=0" \
	"1 steady=2000 late=0 fill=3000 churn=5200 stopped=2000" \
	"2 steady=3000 late=0 fill=4096 churn=4900 stopped=4000" \
	"3 steady=4000 late=0 fill=4096 churn=5100 stopped=4000" \
	"4 steady=5000 late=500 fill=4096 churn=4800 stopped=4000" \
	"5 steady=6000 late=1000 fill=4096 churn=5050 stopped=4000" \
	"6 steady=7000 late=2000 fill=4096 churn=4950 stopped=4000" \
	"7 steady=8000 late=4000 fill=4096 churn=5000 stopped=4000"
for snap in "$@"; do
	t=${snap%% *}
	# shellcheck disable=SC2086
	"$MKPROF" snapshot "$t" "$d/snap.$((9 - t)).pb.gz" ${snap#* }
done
"$ALLOCPROF" leaks "$d" > "$WORK/out"
cat > "$WORK/want" <<'END'
8 snapshots over 7.00s; sites whose in-use kept growing through the second half,
by growth rate:
        rate      first       last  site
     1000B/s      1000B     7.81kB  steady leaks.c:1
      950B/s          0     3.91kB  late leaks.c:11

grew, then held steady (caches, not leaks):
                  first       last  site
                      0     3.91kB  stopped leaks.c:41
                  1000B        4kB  fill leaks.c:21
END
same "leaks and caches of a made series" "$WORK/want" "$WORK/out"
"$ALLOCPROF" leaks -n 1 "$d" > "$WORK/out1"
check "-n 1: one row in each list" "$(grep -c 'leaks\.c' "$WORK/out1")" 2

# no leak at all
rm "$d"/*
for t in 0 1 2 3; do "$MKPROF" snapshot $t "$d/s$t.pb.gz" flat=100; done
check "a flat series: none" "$("$ALLOCPROF" leaks "$d" | sed -n 4p)" "        none"

finish

#!/bin/sh
# allocprof check on committed profiles and hand-written stat JSON and
# budget files, nothing run under the shim: this suite also runs under
# ASan/UBSan, where a leak on any path (a refused budget line) fails it.
. "$(dirname "$0")/lib.sh"
cd "$WORK"
BEFORE="$DATA/request_before.pb.gz" AFTER="$DATA/request_after.pb.gz"

status=0
"$ALLOCPROF" check "$BEFORE" "$AFTER" > out 2> err || status=$?
check "the reused request passes against the one per call" "$status $(wc -c < err)" "0 0"
check "its site, by its line" "$(awk '$NF == "request.c:22" { print $1, $2, $3 }' out)" "1000 1 -999"
status=0
"$ALLOCPROF" check "$AFTER" "$BEFORE" > out 2> err || status=$?
check "the reverse fails" "$status $(grep -c ': error: ' out) $(wc -c < err)" "1 2 0"

cat > a.json <<'JSON'
{"total": {"allocs": 10, "bytes": 1000, "frees": 10, "inuse_objects": 0, "inuse_bytes": 0, "peak_bytes": 500}}
JSON
cat > b.json <<'JSON'
{"total": {"allocs": 11, "bytes": 1000, "frees": 11, "inuse_objects": 0, "inuse_bytes": 0, "peak_bytes": 400}}
JSON
status=0
"$ALLOCPROF" check a.json b.json > out || status=$?
check "stat json: one more allocation fails" "$status $(grep ': error: ' out)" "1 b.json: error: allocs grew from 10 to 11 (+10.00%, allowed +0)"
status=0
"$ALLOCPROF" check --max-allocs 10% a.json b.json > out || status=$?
check "stat json: within --max-allocs 10%" "$status $(awk '$1 == "peak" { print $NF }' out)" "0 improved"
status=0
"$ALLOCPROF" check --max-increase 1 a.json b.json > out || status=$?
check "stat json: within --max-increase 1" "$status" 0
status=0
"$ALLOCPROF" check --max-increase 5x a.json b.json > out 2>&1 || status=$?
check "a tolerance that is not one is a usage error" "$status" 2

printf '# limits\nallocs 10   # calls\nbytes 2000\nsite allocs 5 f x.c:1\n' > budget.txt
status=0
"$ALLOCPROF" check --budget budget.txt b.json > out || status=$?
check "budget: FILE:LINE of the figure over it" "$status $(grep ': error: ' out)" \
	"1 budget.txt:2: error: allocs 11 is over the budget 10 (+10.00%, allowed +0)"
printf 'allocs 10\nsite allocs\npeak 1 2\nsite peak 3 f x.c:1\nbytes -1\n' > bad.txt
status=0
"$ALLOCPROF" check --budget bad.txt b.json > out 2> err || status=$?
check "budget: every bad line said, status 2" "$status $(cut -d: -f2 err | tr '\n' ' ')" "2 2 3 4 5 "
printf '{"total": {"allocs": 1}}\n' > short.json
status=0
"$ALLOCPROF" check a.json short.json > out 2> err || status=$?
check "a JSON without the figures is refused" "$status $(grep -c 'not the JSON of allocprof stat' err)" "2 1"
status=0
"$ALLOCPROF" check --write-budget w.txt --sites 1 "$BEFORE" 2> err || status=$?
check "budget written from a profile" "$status $(grep -v '^#' w.txt | tr '\n' ' ')" \
	"0 allocs 2001 bytes 355116 inuse 4096 site allocs 1000 new_request request.c:22 "
status=0
"$ALLOCPROF" check --budget w.txt "$AFTER" --json --junit j.xml > out || status=$?
check "json and junit of a pass" "$status $(grep -c '"pass": true' out) $(grep -c 'failures="0"' j.xml)" "0 1 1"
finish

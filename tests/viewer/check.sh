#!/bin/sh
# allocprof stat and allocprof check on docs/allocs-per-op.md's benchmark (2 allocations
# per request unpooled, none pooled): exact figures from stat, the pooled run
# passing against the unpooled baseline and the reverse failing, from stat
# JSON and from profiles at rate 1 and sampled ones; tolerances; budget
# files written, checked and refused; the CI outputs.
. "$(dirname "$0")/lib.sh"
RB="$PROGS/request_bench"
# the lines of the benchmark's two allocations
L_REQ=$(grep -n 'struct request \*r = malloc' "$SRC/examples/request_bench.c" | cut -d: -f1)
L_BODY=$(grep -n 'r->body = malloc' "$SRC/examples/request_bench.c" | cut -d: -f1)
cd "$WORK"

# stat: one row per process, the exact figures, the program's exit status
status=0
"$ALLOCPROF" stat -- "$RB" 1000 > out 2> table || status=$?
check "stat: exit status" "$status" 0
check "stat: allocs bytes frees peak inuse blocks" \
	"$(awk '$2 == "request_bench" { print $3, $4, $5, $6, $7, $8 }' table)" "2001 284096 2000 4104 4104 1"
status=0
"$ALLOCPROF" stat --json -o base.json -- sh -c "\"$RB\" 1000 && \"$RB\" --pooled 1000 && exit 3" > out 2>&1 || status=$?
check "stat: status of the command" "$status" 3
check "stat --json: a record per process of the benchmark" "$(grep -c '"program": "request_bench"' base.json)" 2
check "stat --json: exit status" "$(grep -c '"exit_status": 3,' base.json)" 1
# a program ended by SIGTERM still reports (the shim writes its counts from
# the handler, then the program dies by the signal)
status=0
"$ALLOCPROF" stat -- "$PROGS/counted" term > out 2> table || status=$?
check "stat: killed by SIGTERM, status 143" "$status" 143
check "stat: its counts up to then" "$(grep -c 'counts up to then' table) $(awk '$2 == "counted" { print $3, $4, $5, $8 }' table)" \
	"1 10 1000 0 10"
"$ALLOCPROF" stat --json -o base.json -- "$RB" 1000 > out
"$ALLOCPROF" stat --json -o pooled.json -- "$RB" --pooled 1000 > out
check "stat --json: total" "$(grep '"total"' base.json)" \
	'  "total": {"allocs": 2001, "bytes": 284096, "frees": 2000, "inuse_objects": 1, "inuse_bytes": 4104, "peak_bytes": 4104}'

# check on stat output: the pool passes against the unpooled baseline, the
# reverse fails on allocs and bytes, one error line each
status=0
"$ALLOCPROF" check base.json pooled.json > out || status=$?
check "check stat: pooled against unpooled passes" "$status" 0
check "check stat: improvements reported" "$(grep -c 'improved$' out)" 2
status=0
"$ALLOCPROF" check pooled.json base.json > out || status=$?
check "check stat: unpooled against pooled fails" "$status" 1
check "check stat: one error line per figure that grew" "$(grep ': error: ' out)" \
"base.json: error: allocs grew from 3 to 2001 (+66600.00%, allowed +0)
base.json: error: bytes grew from 4376 to 284096 B (+6392.14%, allowed +0)"
status=0
"$ALLOCPROF" check --max-increase 70000% pooled.json base.json > out || status=$?
check "check: --max-increase lets it through" "$status" 0
status=0
"$ALLOCPROF" check --max-increase 70000% --max-bytes 100 pooled.json base.json > out || status=$?
check "check: a per-figure option wins over --max-increase" "$status $(grep -c ': error: bytes' out)" "1 1"

# profiles at rate 1 are exact too; the sites that changed are the
# benchmark's own lines, not malloc's
"$ALLOCPROF" run -q --rate 1 -o base.pb.gz -- "$RB" 1000 > out
"$ALLOCPROF" run -q --rate 1 -o pooled.pb.gz -- "$RB" --pooled 1000 > out
status=0
"$ALLOCPROF" check base.pb.gz pooled.pb.gz > out || status=$?
check "check rate 1: pooled passes" "$status" 0
status=0
"$ALLOCPROF" check pooled.pb.gz base.pb.gz > out || status=$?
check "check rate 1: unpooled fails" "$status" 1
check "check rate 1: the two sites, by their lines" \
	"$(awk '/^Sites/ { on = 1; next } on && NF >= 5 && $1 ~ /^[0-9]+$/ { print $3, $5, $6 }' out)" \
	"+999 new_request request_bench.c:$L_BODY
+999 new_request request_bench.c:$L_REQ"
check "check rate 1: peak from the peak profile beside" "$(awk '$1 == "peak" { print $2, $3 }' out)" "4096 4096"

# sampled profiles: the same run with another seed is no regression; ten
# times the requests is
"$ALLOCPROF" run -q --seed 1 -o s1.pb.gz -- "$RB" 100000 > out
"$ALLOCPROF" run -q --seed 2 -o s2.pb.gz -- "$RB" 100000 > out
"$ALLOCPROF" run -q --seed 3 -o p3.pb.gz -- "$RB" 10000 > out
status=0
"$ALLOCPROF" check s1.pb.gz s2.pb.gz > out || status=$?
check "check sampled: another seed passes" "$status" 0
status=0
"$ALLOCPROF" check s2.pb.gz s1.pb.gz > out || status=$?
check "check sampled: and the other way" "$status" 0
status=0
"$ALLOCPROF" check p3.pb.gz s1.pb.gz > out || status=$?
check "check sampled: ten times the requests fails" "$status" 1

# budgets: written from the pooled run, the unpooled one is over it
"$ALLOCPROF" check --write-budget budget.txt pooled.json 2> out
check "budget written" "$(grep -v '^#' budget.txt)" "allocs 3
bytes 4376
peak 4104
inuse 4104"
status=0
"$ALLOCPROF" check --budget budget.txt pooled.json > out || status=$?
check "budget: the run it came from passes" "$status" 0
status=0
"$ALLOCPROF" check --budget budget.txt base.json > out || status=$?
check "budget: over it fails, FILE:LINE per figure" "$status $(grep -c '^budget.txt:[56]: error: ' out)" "1 2"
# a site limit, with the figures of the profile
"$ALLOCPROF" check --write-budget site.txt --sites 2 base.pb.gz 2> out
check "budget from a profile: site lines" "$(grep '^site' site.txt)" "site allocs 1000 new_request request_bench.c:$L_BODY
site allocs 1000 new_request request_bench.c:$L_REQ"
status=0
"$ALLOCPROF" check --budget site.txt base.pb.gz > out || status=$?
check "budget from a profile: its run passes" "$status" 0
sed "s/^site allocs 1000 new_request request_bench.c:$L_BODY/site allocs 999 new_request request_bench.c:$L_BODY/" site.txt > site2.txt
status=0
"$ALLOCPROF" check --budget site2.txt base.pb.gz > out || status=$?
check "budget: one site over its limit" "$status $(grep ': error: ' out | cut -d: -f1-3)" "1 site2.txt:9: error"
printf 'allocs 10\nbogus line here\n' > bad.txt
status=0
"$ALLOCPROF" check --budget bad.txt base.json > out 2> err || status=$?
check "budget: a bad line is an error, not a pass" "$status $(cut -d: -f1-3 err)" "2 bad.txt:2: error"

# CI outputs
status=0
"$ALLOCPROF" check --json --junit junit.xml pooled.json base.json > out || status=$?
check "json: status and verdict" "$status $(grep -c '"pass": false' out) $(grep -c '"status": "fail"' out)" "1 1 2"
check "junit: failures" "$(grep -c '<failure message=' junit.xml) $(grep -c 'failures="2"' junit.xml)" "2 1"
if command -v xmllint > /dev/null; then
	xmllint --noout junit.xml && ok "junit: well-formed XML" || not_ok "junit: xmllint"
fi
if command -v python3 > /dev/null; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' out && ok "json: parses" || not_ok "json: python"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' base.json && ok "stat json: parses" || not_ok "stat json"
fi
status=0
"$ALLOCPROF" check base.json > out 2>&1 || status=$?
check "check: one file without --budget is a usage error" "$status" 2
finish

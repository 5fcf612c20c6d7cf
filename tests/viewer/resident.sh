#!/bin/sh
# The RSS breakdown the shim writes into a profile's comments, as summary,
# top and report show it: a table whose rows add up to the RSS, the
# warning of unseen allocations, and nothing at all from rows that do not
# parse. Profiles from mkprof resident (no program run: suite viewer).
. "$(dirname "$0")/lib.sh"

"$MKPROF" resident good "$WORK/good.pb.gz"
"$MKPROF" resident bad "$WORK/bad.pb.gz"
"$MKPROF" resident huge "$WORK/huge.pb.gz"

golden_cases "$WORK" <<'CASES'
summary_resident|summary good.pb.gz
CASES

(cd "$WORK" && "$ALLOCPROF" top good.pb.gz) > "$WORK/top.txt" 2>&1
# as go tool pprof shows every comment, so does top
check "top shows the rows as comments" "$(grep -c '^rss ' "$WORK/top.txt")" "9"
check "top shows the warning among the comments" "$(grep -c '^unseen allocations: 41943040 bytes' "$WORK/top.txt")" "1"

# the rows as the table prints them add up to its RSS line
(cd "$WORK" && "$ALLOCPROF" summary good.pb.gz) > "$WORK/summary.txt"
check "summary leaves the rows to its table" "$(grep -c 'rss ' "$WORK/summary.txt" || true)" "0"
check "seven rows, each exact or an estimate" \
	"$(sed -n '/^Resident memory/,/RSS (/p' "$WORK/summary.txt" | grep -cE '  (exact|estimate)  ')" "7"

(cd "$WORK" && "$ALLOCPROF" summary bad.pb.gz) > "$WORK/bad.txt" 2>&1 && status=0 || status=$?
check "rows that do not parse: summary still succeeds" "$status" "0"
check "and shows no table" "$(grep -c 'Resident memory' "$WORK/bad.txt" || true)" "0"

# values at the int64 limit (the ASan/UBSan build runs this suite): the
# sum wraps without overflowing, the unreadable heap figure reads as 0
(cd "$WORK" && "$ALLOCPROF" summary huge.pb.gz) > "$WORK/huge.txt" 2>&1 && status=0 || status=$?
check "rows at the int64 limit: summary succeeds" "$status" "0"
check "and shows the table" "$(grep -c 'Resident memory' "$WORK/huge.txt")" "1"
(cd "$WORK" && "$ALLOCPROF" report -o huge.html huge.pb.gz) 2> /dev/null && status=0 || status=$?
check "rows at the int64 limit: report succeeds" "$status" "0"

(cd "$WORK" && "$ALLOCPROF" report -o good.html good.pb.gz) 2> /dev/null
check "report: a table of the rows" "$(grep -c '<table class="totals" id="resident">' "$WORK/good.html")" "1"
check "report: the allocator's free bytes, exact" \
	"$(grep -c '<tr><td>allocator: held free</td><td class="num">130MB</td><td class="num">65.00%</td><td>exact</td></tr>' "$WORK/good.html")" "1"
check "report: the warning" "$(grep -c '<b>Warning.</b> unseen allocations: 40MB' "$WORK/good.html")" "1"
check "report: the rows are not among the facts" "$(grep -c '<dt>rss' "$WORK/good.html" || true)" "0"

if have_go; then
	if gopprof -top "$WORK/good.pb.gz" > "$WORK/go.txt" 2>&1; then
		ok "go tool pprof reads the profile"
	else
		not_ok "go tool pprof refuses the profile: $(head -3 "$WORK/go.txt")"
	fi
else
	skip "go is not installed"
fi
finish

#!/bin/sh
# Labels and merging, against go tool pprof: named threads at rate 1 give
# exact counts per thread through --tagfocus (and numeric tid ranges), the
# label API's two request labels split one site, --tags prints what
# pprof -tags prints, and several profiles merge as go tool pprof a b does
# (also through allocprof merge -o).
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/a" "$WORK/b"
(cd "$WORK/a" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/a/p.pb.gz" "$PROGS/labelled" 3 1000 > out.txt)
(cd "$WORK/b" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/b/p.pb.gz" "$PROGS/labelled" 2 500 > out.txt)
a="$WORK/a/p.pb.gz" b="$WORK/b/p.pb.gz"
check "without the shim the label API does nothing" "$("$PROGS/labelled" 2 10)" "done"

# row FILE NAME: the flat value of the row naming NAME
row() { awk -v n="$2" '$1 ~ /^[0-9]/ && $NF == n { print $1; exit }' "$1"; }
# top ARGS... (the last one a profile): allocprof top's rows, and whether
# go tool pprof -top prints the same
top() {
	"$ALLOCPROF" top -alloc_objects -nodefraction=0 "$@" > "$WORK/t.txt" 2> /dev/null
	if have_go; then
		gopprof -top -alloc_objects -nodefraction=0 "$@" > "$WORK/g.txt" 2> /dev/null
		same "top $* is go tool pprof's" "$WORK/t.txt" "$WORK/g.txt"
	fi
}

for k in 0 1 2; do
	top -tagfocus=thread=worker-$k "$a"
	check "thread worker-$k: worker_site made exactly $(((k + 1) * 1000)) blocks" \
		"$(row "$WORK/t.txt" worker_site)" $(((k + 1) * 1000))
	check "thread worker-$k: nothing of main's" "$(row "$WORK/t.txt" request_site)" ""
done
top -tagignore=thread=worker "$a"
check "--tagignore thread=worker: request_site keeps its 4000" "$(row "$WORK/t.txt" request_site)" 4000
check "--tagignore thread=worker: no worker_site" "$(row "$WORK/t.txt" worker_site)" ""

top -tagfocus=request=GET "$a"
check "request=GET /users: 1000 at request_site" "$(row "$WORK/t.txt" request_site)" 1000
top "-tagfocus=request=POST /users" "$a"
check "request=POST /users: 2000 at request_site" "$(row "$WORK/t.txt" request_site)" 2000
top -tagignore=request=. "$a"
check "no request label: the other 1000 at request_site" "$(row "$WORK/t.txt" request_site)" 1000
top -tagfocus=request:GET "$a"
check "tagfocus without a key matches key:value" "$(row "$WORK/t.txt" request_site)" 1000

# tid: the numeric label, matched as a value and as a range
tid=$("$ALLOCPROF" top --tags -tagfocus=thread=worker-1 "$a" 2> /dev/null |
	awk '/^ *tid:/ { getline; print $NF; exit }')
case $tid in
'' | *[!0-9]*) not_ok "worker-1's tid from --tags: '$tid'" ;;
*) ok "worker-1's tid from --tags: $tid" ;;
esac
top -tagfocus=tid=$tid "$a"
check "tid=$tid: worker-1's 2000" "$(row "$WORK/t.txt" worker_site)" 2000
top -tagfocus=tid=$tid:$((tid + 1000000)) -tagignore=thread=main "$a"
lo=$(row "$WORK/t.txt" worker_site)
if [ "$lo" -ge 2000 ] && [ "$lo" -le 5000 ]; then
	ok "tid=$tid:...: worker-1 and maybe later threads ($lo)"
else
	not_ok "tid=$tid:...: worker_site $lo"
fi

# a rename is seen by the samples taken 10 ms or more after it
mkdir "$WORK/r"
(cd "$WORK/r" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_OUT="$WORK/r/p.pb.gz" "$PROGS/labelled" 1 1000 rename > out.txt)
top -tagfocus=thread=before "$WORK/r/p.pb.gz"
check "rename: 1000 blocks under the first name" "$(row "$WORK/t.txt" rename_site)" 1000
top -tagfocus=thread=after "$WORK/r/p.pb.gz"
check "rename: 2000 under the new one, 30 ms later" "$(row "$WORK/t.txt" rename_site)" 2000

# --tags is pprof's -tags, filters too
for args in "-sample_index=alloc_objects" "" "-tagfocus=thread=main -sample_index=alloc_objects"; do
	# shellcheck disable=SC2086
	"$ALLOCPROF" top --tags $args "$a" > "$WORK/t.txt" 2> /dev/null
	grep -q '^ *thread: Total' "$WORK/t.txt" && ok "--tags $args: a thread section" ||
		not_ok "--tags $args: $(head -3 "$WORK/t.txt")"
	if have_go; then
		# shellcheck disable=SC2086
		gopprof -tags $args "$a" > "$WORK/g.txt" 2> /dev/null
		same "--tags $args is go tool pprof -tags" "$WORK/t.txt" "$WORK/g.txt"
	fi
done
"$ALLOCPROF" top --tags -sample_index=alloc_objects "$a" > "$WORK/t.txt"
check "--tags: worker-2's share" "$(grep ': worker-2$' "$WORK/t.txt" | awk '{ print $1 }')" 3000.0
check "--tags: POST's share" "$(grep ': POST /users$' "$WORK/t.txt" | awk '{ print $1, $2 }')" "2000.0 (66.67%):"

# ALLOCPROF_THREAD_LABELS=0: no thread or tid, one record per stack; the
# program's own labels stay
mkdir "$WORK/c"
(cd "$WORK/c" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_THREAD_LABELS=0 ALLOCPROF_OUT="$WORK/c/p.pb.gz" \
	"$PROGS/labelled" 3 1000 > out.txt)
"$ALLOCPROF" top --tags -alloc_objects "$WORK/c/p.pb.gz" > "$WORK/t.txt"
check "THREAD_LABELS=0: no thread label" "$(grep -c '^ *thread:' "$WORK/t.txt" || true)" 0
check "THREAD_LABELS=0: no tid label" "$(grep -c '^ *tid:' "$WORK/t.txt" || true)" 0
check "THREAD_LABELS=0: request labels stay" "$(grep ': POST /users$' "$WORK/t.txt" | awk '{ print $1 }')" 2000.0
top -tagfocus=request=GET "$WORK/c/p.pb.gz"
check "THREAD_LABELS=0: request=GET /users: 1000" "$(row "$WORK/t.txt" request_site)" 1000
# worker_site: one stack, so one sample for the three threads
check "THREAD_LABELS=0: one worker_site sample" \
	"$("$ALLOCPROF" traces "$WORK/c/p.pb.gz" | grep -c '^ *[0-9].*worker_site$')" 1
check "with thread labels: three" "$("$ALLOCPROF" traces "$a" | grep -c '^ *[0-9].*worker_site$')" 3

# merging: a and b as one
top "$a" "$b"
check "merged: worker_site 1000*(1+2+3) + 500*(1+2)" "$(row "$WORK/t.txt" worker_site)" 7500
check "merged: request_site 4000 + 2000" "$(row "$WORK/t.txt" request_site)" 6000
top -tagfocus=thread=worker-1 "$a" "$b"
check "merged, worker-1 of both" "$(row "$WORK/t.txt" worker_site)" 3000
"$ALLOCPROF" merge -o "$WORK/m.pb.gz" "$a" "$b"
check "merge -o: written" "$(test -s "$WORK/m.pb.gz" && echo yes)" yes
"$ALLOCPROF" top -alloc_objects -nodefraction=0 "$WORK/m.pb.gz" > "$WORK/m.txt"
"$ALLOCPROF" top -alloc_objects -nodefraction=0 "$a" "$b" > "$WORK/t.txt"
same "merge -o then top = top of both" "$WORK/m.txt" "$WORK/t.txt"
if have_go; then
	gopprof -top -alloc_objects -nodefraction=0 "$WORK/m.pb.gz" > "$WORK/g.txt" 2> /dev/null
	gopprof -top -alloc_objects -nodefraction=0 "$a" "$b" > "$WORK/g2.txt" 2> /dev/null
	same "go tool pprof reads the merged file: the rows of both inputs" "$WORK/g.txt" "$WORK/g2.txt"
	for cmd in traces "peek worker|request" "top -lines" "top --tags"; do
		case $cmd in
		traces) gopprof -traces "$a" "$b" ;;
		peek*) gopprof -peek 'worker|request' "$a" "$b" ;;
		"top -lines") gopprof -top -lines "$a" "$b" ;;
		"top --tags") gopprof -tags "$a" "$b" ;;
		esac > "$WORK/g.txt" 2> /dev/null
		case $cmd in
		peek*) "$ALLOCPROF" peek 'worker|request' "$a" "$b" ;;
		# shellcheck disable=SC2086
		*) "$ALLOCPROF" $cmd "$a" "$b" ;;
		esac > "$WORK/t.txt" 2> /dev/null
		same "$cmd of two profiles is go tool pprof's" "$WORK/t.txt" "$WORK/g.txt"
	done
fi
for cmd in summary hints "flame -o $WORK/f.svg" "report -o $WORK/r.html" "list worker_site"; do
	st=0
	# shellcheck disable=SC2086
	"$ALLOCPROF" $cmd "$a" "$b" > "$WORK/c.txt" 2>&1 || st=$?
	check "$cmd takes two profiles" "$st" 0
done
"$ALLOCPROF" summary "$a" "$b" > "$WORK/c.txt"
grep -q 'alloc_objects' "$WORK/c.txt" && ok "summary of two: totals" || not_ok "summary: $(head -5 "$WORK/c.txt")"
# a profile of another kind does not merge
st=0
"$ALLOCPROF" top "$a" "$WORK/a/p.peak.pb.gz" > /dev/null 2> "$WORK/e.txt" || st=$?
check "the peak profile (two sample types) does not merge: status 1" "$st" 1
grep -q 'incompatible sample types' "$WORK/e.txt" && ok "and says why" || not_ok "said: $(cat "$WORK/e.txt")"
check "it names both files, and what the peak file is" "$(sed "s|$WORK/||g" "$WORK/e.txt")" \
	"allocprof: cannot merge a/p.pb.gz and a/p.peak.pb.gz: incompatible sample types (6 types, first alloc_objects, and 2, first inuse_objects)
allocprof: a/p.peak.pb.gz holds the blocks in use at the peak (a .peak.pb.gz): read it on its own"
# run names the merged view of a run of several processes, and it works
mkdir "$WORK/run"
"$ALLOCPROF" run --rate 1 -o "$WORK/run" sh -c "'$PROGS/labelled' 2 100; '$PROGS/labelled' 1 100" \
	> /dev/null 2> "$WORK/run/err.txt"
merged=$(sed -n 's/^allocprof: all of them: allocprof top //p' "$WORK/run/err.txt")
check "run: the merged view names 3 profiles" "$(echo "$merged" | wc -w)" 3
# shellcheck disable=SC2086
top $merged
check "run: the merged view's worker_site is both runs' 100*(1+2) + 100*1" "$(row "$WORK/t.txt" worker_site)" 400
check "merge without -o: usage" "$("$ALLOCPROF" merge "$a" "$b" > /dev/null 2>&1 || echo $?)" 2
finish

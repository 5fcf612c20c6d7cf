#!/bin/sh
# fork from a threaded program (hundreds of times, no deadlock, each child
# its own profile), exec chains (sh -c, make -> gcc -> cc1), and
# ALLOCPROF_CHILDREN=0 keeping the shim out of children.
. "$(dirname "$0")/lib.sh"

d="$WORK/fork"
mkdir "$d"
status=0
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$PROGS/forker" 300 4 > out.txt 2> parent.txt) || status=$?
check "300 forks while 4 threads allocate: none hung" "$(cat "$d/out.txt")" "forks 300 hung 0 bad 0"
check "forker exit status" "$status" "0"
parent=allocprof.forker.$(sed -n 's/^parent //p' "$d/parent.txt").pb.gz  # pids may wrap: ask
nchildren=$(ls "$d" | grep "\.pb\.gz$" | grep -v peak | grep -vc "^$parent\$")
check "every child wrote its own profile" "$nchildren" "300"
go tool pprof -proto "$d/$parent" > "$d/parent.sym" 2>/dev/null
"$PFQ" "$d/parent.sym" > "$d/parent.txt"
check "the parent's profile has no child allocations" "$(leaf child_site < "$d/parent.txt" | cut -d' ' -f1)" "0"
check "the parent's own site" "$(leaf parent_site < "$d/parent.txt")" "300 60000 0 0"
child=$(ls "$d" | grep "\.pb\.gz$" | grep -v peak | grep -v "^$parent\$" | head -1)
go tool pprof -proto "$d/$child" > "$d/child.sym" 2>/dev/null
"$PFQ" "$d/child.sym" > "$d/child.txt"
check "a child's profile has its own allocations" "$(leaf child_site < "$d/child.txt")" "10 1000 0 0"

# exec chains
d="$WORK/sh"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 sh -c 'ls / > /dev/null; ls / > /dev/null')
check "sh -c: the shell and each ls wrote a profile" "$(ls "$d" | grep -v peak | sed 's/\.[0-9]*\.pb\.gz$//' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" "allocprof.ls:2 allocprof.sh:1 "

if command -v make > /dev/null && command -v gcc > /dev/null; then
	for children in 1 0; do
		d="$WORK/make$children"
		mkdir "$d"
		printf 'int f%d(int x) { return x * %d; }\n' 1 2 3 4 5 6 7 8 9 > "$d/unit.c"
		printf 'all:\n\tgcc -O2 -c unit.c -o unit.o\n' > "$d/Makefile"
		(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 ALLOCPROF_CHILDREN=$children make -s > /dev/null)
		names=$(ls "$d" | grep '\.pb\.gz$' | grep -v peak | sed 's/^allocprof\.//; s/\.[0-9]*\.pb\.gz$//' | sort | tr '\n' ' ')
		if [ $children = 1 ]; then
			case "$names" in
			*cc1*gcc*make*) ok "make -> gcc -> cc1: each wrote its own profile ($names)" ;;
			*) not_ok "make -> gcc -> cc1: profiles of $names" ;;
			esac
		else
			check "ALLOCPROF_CHILDREN=0: only make itself" "$names" "make "
		fi
	done
else
	ok "# SKIP make or gcc missing"
fi
finish

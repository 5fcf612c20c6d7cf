#!/bin/sh
# allocprof run: the shim found next to allocprof (build tree, and an
# install staged with meson install --destdir, also after moving it), the
# program's exit status passed through (128+N for signal N), LD_PRELOAD
# prepended to, every profile of the run reported.
. "$(dirname "$0")/lib.sh"
KS="$PROGS/known_sites"

status=0
"$ALLOCPROF" run -q sh -c 'exit 3' || status=$?
check "exit status passed through" "$status" 3
status=0
"$ALLOCPROF" run -q sh -c 'kill -TERM $$' || status=$?
check "death by SIGTERM" "$status" 143
status=0
"$ALLOCPROF" run "$WORK/no-such-program" 2> "$WORK/err" || status=$?
check "missing program: status, stderr lines" "$status $(wc -l < "$WORK/err")" "127 1"
printf 'not a program\n' > "$WORK/plain"
status=0
"$ALLOCPROF" run "$WORK/plain" 2> "$WORK/err" || status=$?
check "not executable: status" "$status" 126

# programs LD_PRELOAD cannot see into are named up front, and still run
if [ -x "$BUILD/tests/viewer/static_prog" ]; then
	status=0
	"$ALLOCPROF" run "$BUILD/tests/viewer/static_prog" > "$WORK/out" 2> "$WORK/err" || status=$?
	check "static program: runs, status kept" "$status $(cat "$WORK/out")" "0 static ok"
	grep -q "static_prog is statically linked: LD_PRELOAD cannot reach" "$WORK/err" &&
		ok "static program: says why nothing is recorded" || not_ok "static program: $(cat "$WORK/err")"
fi
if command -v go > /dev/null; then
	mkdir -p "$WORK/gostatic"
	printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("go ok") }\n' > "$WORK/gostatic/main.go"
	printf 'module gostatic\n\ngo 1.19\n' > "$WORK/gostatic/go.mod"
	if (cd "$WORK/gostatic" && CGO_ENABLED=0 HOME="$WORK" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" \
		go build -o prog . 2> /dev/null); then
		"$ALLOCPROF" run "$WORK/gostatic/prog" > "$WORK/out" 2> "$WORK/err"
		grep -q "prog is a Go program: the Go runtime manages its heap and nothing can be recorded" "$WORK/err" &&
			ok "Go program: says why" || not_ok "Go program: $(cat "$WORK/err")"
	fi
fi

# the environment the program sees
LD_PRELOAD=libz.so.1 "$ALLOCPROF" run -q sh -c 'echo "$LD_PRELOAD"; echo "$ALLOCPROF_MANIFEST"; echo "$ALLOCPROF_RATE"' \
	> "$WORK/env"
preload=$(sed -n 1p "$WORK/env")
check "LD_PRELOAD: the shim first, the old value after" "${preload#*:}" "libz.so.1"
shim=${preload%%:*}
check "LD_PRELOAD: the shim is the build tree's" "$shim" "$(cd "$BUILD/preload" && pwd -P)/liballocprof.so"
manifest=$(sed -n 2p "$WORK/env")
[ -n "$manifest" ] && [ ! -e "$manifest" ] && ok "the manifest is set, and removed afterwards" ||
	not_ok "the manifest is set, and removed afterwards ($manifest)"
check "no --rate: ALLOCPROF_RATE left alone" "$(sed -n 3p "$WORK/env")" ""
"$ALLOCPROF" run -q --rate 64k --seed 9 sh -c 'echo "$ALLOCPROF_RATE $ALLOCPROF_SEED"' > "$WORK/env"
check "--rate and --seed" "$(cat "$WORK/env")" "64k 9"

# what it prints: each profile with its totals
(cd "$WORK" && "$ALLOCPROF" run --rate 1 --output "$WORK/ks.%p.pb.gz" "$KS" 2> "$WORK/err")
prof=$(ls "$WORK"/ks.*.pb.gz | grep -v peak | head -1)
grep -q "^allocprof: wrote $prof (pid [0-9]*)$" "$WORK/err" && ok "names the profile" ||
	not_ok "names the profile: $(cat "$WORK/err")"
objs=$("$ALLOCPROF" summary "$prof" | awk '$1 == "alloc_objects" { print $2 }')
grep -q "allocated .* in $objs objects" "$WORK/err" && ok "totals: $objs objects" ||
	not_ok "totals: $(cat "$WORK/err")"
grep -q "in use at exit 3.04kB in 4 objects; the allocator holds [0-9.]*kB" "$WORK/err" && ok "in use at exit: the 4 leaked blocks" ||
	not_ok "in use at exit: $(cat "$WORK/err")"
grep -q "^allocprof: next: allocprof top $prof" "$WORK/err" && ok "says what to do next" ||
	not_ok "says what to do next"

# a program that runs others: every process's profile is reported
"$ALLOCPROF" run --rate 1 --output "$WORK/multi.%p.pb.gz" sh -c "$KS; $KS" 2> "$WORK/err"
check "two children: their profiles reported" \
	"$(grep -c "^allocprof: wrote $WORK/multi\.[0-9]*\.pb\.gz" "$WORK/err")" \
	"$(ls "$WORK"/multi.*.pb.gz | grep -vc peak)"
[ "$(ls "$WORK"/multi.*.pb.gz | grep -vc peak)" -ge 2 ] && ok "two children: at least two profiles" ||
	not_ok "two children: at least two profiles"

# every profile in one directory fixed at start, whatever directory the
# processes run in: git -C repo gc runs a dozen programs inside repo
if command -v git > /dev/null; then
	d="$WORK/gitrun"
	mkdir -p "$d/repo"
	(cd "$d/repo" && git init -q && printf 'x\n' > f && git add f &&
		git -c user.name=t -c user.email=t@t commit -qm x)
	(cd "$d" && "$ALLOCPROF" run --rate 1 -- git -C repo gc -q 2> "$WORK/err")
	check "git -C repo gc: no profile inside the repository" "$(find "$d/repo" -name 'allocprof.*' | wc -l)" 0
	n=$(ls "$d" | grep -c '^allocprof\.git.*\.[0-9]*\.pb\.gz$' || true)
	[ "$n" -ge 2 ] && ok "git -C repo gc: $n profiles where run was started" ||
		not_ok "git -C repo gc: $n profiles where run was started: $(cat "$WORK/err")"
	check "git -C repo gc: each one reported" "$(grep -c "^allocprof: wrote $d/allocprof\." "$WORK/err")" "$n"
else
	skip "git missing"
fi

# a program that changes directory and execs another: both profiles where
# run started, and next: names the program run, not the first profile
# written (the child's, which ends first)
d="$WORK/wander"
mkdir -p "$d/sub"
(cd "$d" && "$ALLOCPROF" run --rate 1 "$PROGS/wanderer" sub 2> "$WORK/err")
check "wanderer: no profile in the directory it moved to" "$(ls "$d/sub" | wc -l)" 0
check "wanderer: both profiles where run started" "$(ls "$d" | grep -v peak | grep -c '^allocprof\.wanderer\.')" 2
direct=$(sed -n 's/^allocprof: wrote \(.*\) (pid [0-9]*): the program run$/\1/p' "$WORK/err")
check "wanderer: the program run is the one started with 'sub'" \
	"$("$ALLOCPROF" summary "$direct" | sed -n 's/^  command: .*wanderer //p')" "sub"
check "wanderer: next: points at the program run" "$(sed -n 's/^allocprof: next: allocprof top //p' "$WORK/err")" "$direct"
check "wanderer: two processes listed" "$(grep '^allocprof: 2 processes' "$WORK/err")" \
	"allocprof: 2 processes: 2 wrote profiles into $d, 0 sampled nothing"

# --output names a directory: the default names inside it; a relative one
# is where run started
mkdir "$WORK/wander/outdir"
(cd "$d" && "$ALLOCPROF" run --rate 1 --output outdir/ "$PROGS/wanderer" sub 2> /dev/null)
check "--output DIR/: default names inside" "$(ls "$d/outdir" | grep -v peak | sed 's/[0-9][0-9]*/N/' | tr '\n' ' ')" \
	"allocprof.wanderer.N.pb.gz allocprof.wanderer.N.pb.gz "

# make -j2 at the default rate: every process listed, those that sampled
# nothing too
if command -v make > /dev/null && command -v gcc > /dev/null; then
	d="$WORK/make"
	mkdir "$d"
	for i in 1 2 3 4; do printf 'int f%d(int x) { return x * %d; }\n' $i $i > "$d/u$i.c"; done
	printf 'all: u1.o u2.o u3.o u4.o\n%%.o: %%.c\n\tgcc -O2 -c $< -o $@\n' > "$d/Makefile"
	(cd "$d" && "$ALLOCPROF" run --seed 5 make -s -j2 > /dev/null 2> "$WORK/err")
	wrote=$(ls "$d" | grep '\.pb\.gz$' | grep -vc peak || true)
	line=$(grep '^allocprof: [0-9]* processes: ' "$WORK/err" || true)
	total=$(echo "$line" | sed 's/^allocprof: \([0-9]*\) processes.*/\1/')
	nothing=$(echo "$line" | sed -n 's/.*, \([0-9]*\) sampled nothing.*/\1/p')
	check "make -j2: the profiles written are the profiles listed" "$(echo "$line" | sed -n 's/.*: [0-9]* processes: \([0-9]*\) wrote profiles into .*/\1/p')" "$wrote"
	[ -n "$nothing" ] && [ "$nothing" -ge 1 ] && [ "$total" = $((wrote + nothing)) ] &&
		ok "make -j2: $total processes, $nothing sampled nothing" || not_ok "make -j2: $(cat "$WORK/err")"
	grep -q '^allocprof: next: allocprof top '"$d"'/allocprof\.make\.[0-9]*\.pb\.gz' "$WORK/err" &&
		ok "make -j2: next: is make's profile" || not_ok "make -j2: next: $(grep next: "$WORK/err")"
else
	skip "make or gcc missing"
fi

# a program that allocates too little to be sampled: said, with the way out
d="$WORK/ls"
mkdir "$d"
(cd "$d" && "$ALLOCPROF" run --seed 1 ls / > /dev/null 2> "$WORK/err")
check "ls at the default rate: why there is no profile" "$(cat "$WORK/err")" \
	"allocprof: no profile was written: ls allocated too little to be sampled at rate 524288 (the default), one sample per that many bytes on average; --rate 1 records every allocation"

# a profile that cannot be written: the shim's line, then run's
status=0
"$ALLOCPROF" run --rate 1 --output "$WORK/no-such-dir/x.pb.gz" "$KS" 2> "$WORK/err" || status=$?
check "unwritable output: status and lines" "$status $(sed 's/pid [0-9]* /pid N /' "$WORK/err" | tr '\n' '|')" \
	"0 allocprof: cannot write the profile to $WORK/no-such-dir/x.pb.gz: No such file or directory|allocprof: pid N (known_sites) could not write $WORK/no-such-dir/x.pb.gz|allocprof: no profile was written|"

# any byte but NUL in a path: the report quotes it as a shell would
nl='
'
d="$WORK/new${nl}line"
mkdir "$d"
"$ALLOCPROF" run --rate 1 --output "$d/" "$KS" 2> "$WORK/err"
check "a newline in the output directory: next: quotes it" "$(sed -n 's/^allocprof: next: allocprof top //p' "$WORK/err" | sed 's/known_sites\.[0-9]*\./known_sites.N./')" \
	"\$'$WORK/new\\nline/allocprof.known_sites.N.pb.gz'"
set -- "$d"/allocprof.known_sites.*[0-9].pb.gz
prof=$1
[ "$(grep -c '^allocprof: wrote ' "$WORK/err")" = 1 ] && [ -s "$prof" ] && ok "a newline in the output directory: one profile reported" ||
	not_ok "a newline in the output directory: $(cat "$WORK/err")"

# exact mode's peak in the units of the other figures
grep -q '^           peak in use: [0-9.]*[kM]*B, [0-9]* ms after start$' "$WORK/err" &&
	ok "exact mode: the peak in units" || not_ok "exact mode: the peak: $(grep peak "$WORK/err")"

# figures of a sampled run come with their error and samples
"$ALLOCPROF" run --seed 11 --output "$WORK/est.pb.gz" "$PROGS/big_workload" 16 > /dev/null 2> "$WORK/err"
grep -q '^           allocated [0-9.]*MB ±[0-9.]*MB in ~[0-9]* objects ([0-9]* samples)$' "$WORK/err" &&
	ok "default rate: allocated with its error and samples" || not_ok "default rate: $(cat "$WORK/err")"
grep -q '^           peak in use: [0-9.]*[kM]B ±[0-9.]*[kM]B ([0-9]* samples*), [0-9]* ms after start$' "$WORK/err" &&
	ok "default rate: the peak with its error" || not_ok "default rate: the peak: $(cat "$WORK/err")"
"$ALLOCPROF" report -o "$WORK/est.html" "$WORK/est.pb.gz" 2> /dev/null
grep -q '<p class="peak"><b>Peak.</b> [0-9.]*[kM]B ±[0-9.]*[kM]B ([0-9]* samples*) in use' "$WORK/est.html" &&
	ok "report: the peak with its error" || not_ok "report: the peak with its error"
grep -q '<td>alloc_space</td><td class="num">[0-9.]*MB <span class="hint">±[0-9.]*MB ([0-9]* samples)</span>' "$WORK/est.html" &&
	ok "report: totals with their error" || not_ok "report: totals with their error"
grep -q '<td class="num">0 <span class="hint">(no sample)</span> <span class="hint">(the allocator holds [0-9.]*kB)</span>' "$WORK/est.html" &&
	ok "report: the allocator's figure beside in use" || not_ok "report: the allocator's figure beside in use"

# the error said is the error made: over 20 seeds the exact total is
# within ± (two standard errors) about 19 times in 20, and the errors are
# not so wide that it always is by far (mean |estimate - exact| / (±/2)
# would be 0.8 for normal errors)
: > "$WORK/calib"
for seed in $(seq 1 20); do
	"$ALLOCPROF" run --seed $seed --output "$WORK/cal$seed.pb.gz" "$PROGS/big_workload" 16 > "$WORK/truth" 2> "$WORK/err"
	printf '%s %s\n' "$(awk '{ s += $3 } END { print s / 1048576 }' "$WORK/truth")" \
		"$(sed -n 's/^           allocated \([0-9.]*\)MB ±\([0-9.]*\)MB in .*/\1 \2/p' "$WORK/err")" >> "$WORK/calib"
done
within=$(awk 'NF == 3 && ($2 - $1) ^ 2 <= $3 ^ 2 { n++ } END { print n + 0 }' "$WORK/calib")
spread=$(awk 'NF == 3 { d = $2 - $1; if (d < 0) d = -d; s += d / ($3 / 2) } END { printf "%.2f", s / NR }' "$WORK/calib")
[ "$within" -ge 17 ] && ok "±: the exact total within it in $within of 20 runs" ||
	not_ok "±: the exact total within it in $within of 20 runs: $(cat "$WORK/calib")"
awk -v s="$spread" 'BEGIN { exit !(s > 0.4 && s < 1.4) }' && ok "±: mean error $spread of a standard error" ||
	not_ok "±: mean error $spread of a standard error: $(cat "$WORK/calib")"

# sampling with a seed is reproducible through run
for i in 1 2; do
	"$ALLOCPROF" run -q --seed 11 --output "$WORK/seed$i.pb.gz" "$PROGS/big_workload" 16 > /dev/null
	"$ALLOCPROF" top "$WORK/seed$i.pb.gz" | sed -n '/flat%/,$p' > "$WORK/seed$i.txt"
done
same "--seed: the same rows twice" "$WORK/seed2.txt" "$WORK/seed1.txt"

# installed: allocprof in bindir finds liballocprof.so in libdir/allocprof, wherever
# the tree is put
if meson install -C "$BUILD" --no-rebuild --quiet --destdir "$WORK/stage" > "$WORK/install.log" 2>&1; then
	ok "meson install --destdir"
	staged=$(find "$WORK/stage" -path '*/bin/allocprof' -type f | head -1)
	out=$("$staged" run -q sh -c 'echo "$LD_PRELOAD"')
	case "$out" in
	"$(cd "$WORK/stage" && pwd -P)"/*/allocprof/liballocprof.so) ok "staged allocprof preloads the staged shim" ;;
	*) not_ok "staged allocprof preloads the staged shim: $out" ;;
	esac
	mv "$WORK/stage" "$WORK/moved"
	staged=$(find "$WORK/moved" -path '*/bin/allocprof' -type f | head -1)
	"$staged" run --rate 1 --output "$WORK/inst.pb.gz" "$KS" 2> "$WORK/err"
	[ -s "$WORK/inst.pb.gz" ] && grep -q "^allocprof: wrote $WORK/inst.pb.gz" "$WORK/err" &&
		ok "moved install: run profiles" || not_ok "moved install: run profiles: $(cat "$WORK/err")"
	out=$("$staged" run -q sh -c 'echo "$LD_PRELOAD"')
	case "$out" in
	"$(cd "$WORK/moved" && pwd -P)"/*/allocprof/liballocprof.so) ok "moved install preloads its own shim" ;;
	*) not_ok "moved install preloads its own shim: $out" ;;
	esac
else
	not_ok "meson install --destdir"
	sed 's/^/# /' "$WORK/install.log" | tail -5
fi

# SIGTERM and SIGHUP sent to allocprof run reach the program, which ends by
# them; allocprof then reports as for any run
for sig in TERM HUP; do
	rm -f "$WORK/child.pid"
	"$ALLOCPROF" run -q sh -c 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 600' "$WORK/child.pid" &
	runner=$!
	i=0
	while [ ! -s "$WORK/child.pid" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	child=$(cat "$WORK/child.pid" 2>/dev/null)
	kill -$sig "$runner"
	status=0
	wait_bounded "$runner" 60 || status=$?
	alive=no
	[ -n "$child" ] && kill -0 "$child" 2>/dev/null && alive=yes
	[ "$alive" = yes ] && kill -KILL "$child"
	[ $sig = TERM ] && n=143 || n=129
	check "SIG$sig to allocprof run: the program ends by it, status" "$alive $status" "no $n"
done

# -q quiets the shim's "wrote" lines too (ALLOCPROF_VERBOSE=1 in the environment)
ALLOCPROF_VERBOSE=1 "$ALLOCPROF" run -q -o "$WORK/quiet.%p.pb.gz" "$KS" > /dev/null 2> "$WORK/err"
check "run -q: nothing on stderr" "$(cat "$WORK/err")" ""

# run and stat parse with cli.c's table: pprof's spellings, and options end
# at the program, whose own arguments are left alone
status=0
"$ALLOCPROF" stat -json -o="$WORK/stat.json" true 2> "$WORK/err" || status=$?
check "stat -json -o=FILE: status, stderr" "$status $(cat "$WORK/err")" "0 "
grep -q '"total"' "$WORK/stat.json" && ok "stat -json -o=FILE wrote the JSON" || not_ok "stat -json -o=FILE wrote the JSON"
status=0
"$ALLOCPROF" run -q sh -c 'echo "$*"; exit 3' sh --rate -h > "$WORK/out" 2>&1 || status=$?
check "run -q PROG ARGS: the program's -h and --rate are its own" "$status $(cat "$WORK/out")" "3 --rate -h"

finish

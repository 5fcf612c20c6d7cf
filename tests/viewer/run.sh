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
grep -q "in use at exit 3.04kB in 4 objects" "$WORK/err" && ok "in use at exit: the 4 leaked blocks" ||
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

# sampling with a seed is reproducible through run
for i in 1 2; do
	"$ALLOCPROF" run -q --seed 11 --output "$WORK/seed$i.pb.gz" "$PROGS/big_workload" 16 > /dev/null
	"$ALLOCPROF" top "$WORK/seed$i.pb.gz" | sed -n '/flat%/,$p' > "$WORK/seed$i.txt"
done
same "--seed: the same rows twice" "$WORK/seed2.txt" "$WORK/seed1.txt"

# installed: allocprof in bindir finds liballocprof.so in libdir, wherever
# the tree is put
if meson install -C "$BUILD" --no-rebuild --quiet --destdir "$WORK/stage" > "$WORK/install.log" 2>&1; then
	ok "meson install --destdir"
	staged=$(find "$WORK/stage" -path '*/bin/allocprof' -type f | head -1)
	out=$("$staged" run -q sh -c 'echo "$LD_PRELOAD"')
	case "$out" in
	"$(cd "$WORK/stage" && pwd -P)"/*/liballocprof.so) ok "staged allocprof preloads the staged shim" ;;
	*) not_ok "staged allocprof preloads the staged shim: $out" ;;
	esac
	mv "$WORK/stage" "$WORK/moved"
	staged=$(find "$WORK/moved" -path '*/bin/allocprof' -type f | head -1)
	"$staged" run --rate 1 --output "$WORK/inst.pb.gz" "$KS" 2> "$WORK/err"
	[ -s "$WORK/inst.pb.gz" ] && grep -q "^allocprof: wrote $WORK/inst.pb.gz" "$WORK/err" &&
		ok "moved install: run profiles" || not_ok "moved install: run profiles: $(cat "$WORK/err")"
	out=$("$staged" run -q sh -c 'echo "$LD_PRELOAD"')
	case "$out" in
	"$(cd "$WORK/moved" && pwd -P)"/*/liballocprof.so) ok "moved install preloads its own shim" ;;
	*) not_ok "moved install preloads its own shim: $out" ;;
	esac
else
	not_ok "meson install --destdir"
	sed 's/^/# /' "$WORK/install.log" | tail -5
fi

finish

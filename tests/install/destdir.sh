#!/bin/sh
# meson install --destdir: the files an installation puts down, and the
# staged allocprof profiling a program with the staged shim.
. "$(dirname "$0")/lib.sh"
if ! meson install -C "$BUILD" --no-rebuild --quiet --destdir "$WORK/root" > "$WORK/log" 2>&1; then
	not_ok "meson install --destdir: $(tail -5 "$WORK/log")"
	finish
	exit
fi
ok "meson install --destdir"
prefix=$(meson introspect --buildoptions "$BUILD" | python3 -c \
	'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["prefix"])')
libdir=$(meson introspect --buildoptions "$BUILD" | python3 -c \
	'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["libdir"])')
(cd "$WORK/root$prefix" && find . -type f | sed 's|^\./||' | sed "s|^$libdir/|LIBDIR/|" | sort) > "$WORK/files"
cat > "$WORK/expected" << 'LIST'
LIBDIR/allocprof/liballocprof.so
LIBDIR/pkgconfig/allocprof.pc
bin/allocprof
include/allocprof.h
include/allocprof_benchmark.h
share/bash-completion/completions/allocprof
share/doc/allocprof/CHANGELOG.md
share/doc/allocprof/LICENSE
share/doc/allocprof/README.md
share/man/man1/allocprof.1
share/man/man7/allocprof-env.7
LIST
# and the reference the README links to, whatever docs/ holds
for f in "$SRC"/docs/*.md; do echo "share/doc/allocprof/docs/$(basename "$f")"; done >> "$WORK/expected"
LC_ALL=C sort -o "$WORK/expected" "$WORK/expected"
same "installed files" "$WORK/files" "$WORK/expected"
check "allocprof.pc: shim" \
	"$(PKG_CONFIG_PATH="$WORK/root$prefix/$libdir/pkgconfig" pkg-config --variable=shim allocprof)" \
	"$prefix/$libdir/allocprof/liballocprof.so"
MANWIDTH=200 man -l "$WORK/root$prefix/share/man/man1/allocprof.1" 2>&1 | grep -q "^ *$prefix/$libdir/allocprof/liballocprof.so\$" &&
	ok "allocprof(1) names the installed shim" || not_ok "allocprof(1) names the installed shim"
profiles_with "$WORK/root$prefix/bin/allocprof" "$WORK/root" "staged install"
rm "$WORK/root$prefix/$libdir/allocprof/liballocprof.so"
status=0
"$WORK/root$prefix/bin/allocprof" run true 2> "$WORK/err" || status=$?
grep -q "cannot find liballocprof.so (looked at .*/allocprof/liballocprof.so" "$WORK/err" &&
	ok "without its shim: says where it looked" || not_ok "without its shim: $(cat "$WORK/err")"
finish

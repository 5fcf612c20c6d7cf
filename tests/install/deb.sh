#!/bin/sh
# debian/: dpkg-buildpackage -us -uc -b builds allocprof_*.deb from a copy
# of the source tree; unpacked with dpkg -x into a throw-away root, its
# allocprof profiles a program with its own shim. Slow (a full build).
. "$(dirname "$0")/lib.sh"
for tool in dpkg-buildpackage dh dpkg-deb; do
	if ! command -v "$tool" > /dev/null 2>&1; then
		skip "$tool is not installed (apt-get install debhelper dpkg-dev)"
		finish
		exit
	fi
done
# the files of the tree as git sees them (committed or not, ignored left
# out): a build directory inside the source would end up in the package
mkdir "$WORK/src"
git -C "$SRC" ls-files -co --exclude-standard -z | (cd "$SRC" && tar --null -T - -cf -) |
	tar -xf - -C "$WORK/src"
if (cd "$WORK/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) > "$WORK/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	not_ok "dpkg-buildpackage -us -uc -b: $(tail -15 "$WORK/build.log")"
	finish
	exit
fi
deb=$(ls "$WORK"/allocprof_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && ok "allocprof_*.deb built" || not_ok "allocprof_*.deb built: $(ls "$WORK")"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' | grep -v '/$' | sort > "$WORK/files"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
sed "s|MULTIARCH|$multiarch|" > "$WORK/expected" << 'LIST'
/usr/bin/allocprof
/usr/include/allocprof.h
/usr/include/allocprof_benchmark.h
/usr/lib/MULTIARCH/allocprof/liballocprof.so
/usr/lib/MULTIARCH/pkgconfig/allocprof.pc
/usr/share/bash-completion/completions/allocprof
/usr/share/doc/allocprof/README.md.gz
/usr/share/doc/allocprof/changelog.Debian.gz
/usr/share/doc/allocprof/changelog.gz
/usr/share/doc/allocprof/copyright
/usr/share/man/man1/allocprof.1.gz
/usr/share/man/man7/allocprof-env.7.gz
LIST
# the reference beside the README; dh_compress gzips what is over 4 KiB
for f in "$SRC"/docs/*.md; do
	gz=
	[ "$(wc -c < "$f")" -gt 4096 ] && gz=.gz
	echo "/usr/share/doc/allocprof/docs/$(basename "$f")$gz"
done >> "$WORK/expected"
LC_ALL=C sort -o "$WORK/expected" "$WORK/expected"
same "files of the package" "$WORK/files" "$WORK/expected"
dpkg -x "$deb" "$WORK/root"
profiles_with "$WORK/root/usr/bin/allocprof" "$WORK/root" "unpacked .deb"
MANWIDTH=80 man -l "$WORK/root/usr/share/man/man1/allocprof.1.gz" 2>&1 | grep -q '^ *allocprof - allocation profiler' &&
	ok "packaged allocprof(1) renders" || not_ok "packaged allocprof(1) renders"
# warnings count too; the maintainer's address is a placeholder until the
# project has a real one
if command -v lintian > /dev/null 2>&1; then
	lintian --fail-on error,warning --suppress-tags bogus-mail-host,bogus-mail-host-in-debian-changelog \
		"$deb" > "$WORK/lintian" 2>&1 && ok "lintian: no error, no warning" ||
		not_ok "lintian: $(grep -v 'running with root' "$WORK/lintian")"
else
	skip "lintian is not installed"
fi
finish

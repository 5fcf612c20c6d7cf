#!/bin/sh
# The same sites linked by bfd, gold, lld and mold, into a PIE, a non-PIE
# executable and a shared library: the same names, lines and counts from the
# shim at exit and from allocprof symbolize, with the binary or only its
# debug file (found by build ID). lld and mold start the code
# segment inside the read-only segment's last file page, at another
# vaddr - offset: a load bias taken from the wrong segment is a page off.
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
FLAGS="-O2 -g -fno-builtin -fno-optimize-sibling-calls"
SITES="$SRC/tests/symbolize/linker_sites.c"
MAIN="$SRC/tests/symbolize/linker_main.c"

# build DIR LINKER KIND: DIR/prog, with the sites in DIR/libsites.so for KIND so
build() {
	mkdir -p "$1"
	case $3 in
	pie) $CC $FLAGS -fuse-ld="$2" -fPIE -pie "$SITES" "$MAIN" -o "$1/prog" ;;
	nopie) $CC $FLAGS -fuse-ld="$2" -fno-PIE -no-pie "$SITES" "$MAIN" -o "$1/prog" ;;
	so) $CC $FLAGS -fuse-ld="$2" -fPIC -shared "$SITES" -o "$1/libsites.so" &&
		$CC $FLAGS "$MAIN" -o "$1/prog" -L"$1" -lsites -Wl,-rpath,"$1" ;;
	esac
}

# linked_by FILE: which linker wrote FILE, from what each leaves behind
linked_by() {
	if readelf -p .comment "$1" 2>/dev/null | grep -q 'Linker: .*LLD'; then echo lld
	elif readelf -p .comment "$1" 2>/dev/null | grep -q 'mold'; then echo mold
	elif readelf -W -S "$1" | grep -q '\.note\.gnu\.gold-version'; then echo gold
	else echo bfd; fi
}

# frames FILE: each sample with a leaf in linker_sites.c, as its values and
# its frames from our two files, outermost last
frames() {
	"$SYMQ" "$1" | awk -F'\t' '{ split($2, locs, "|"); if (locs[1] !~ /linker_sites\.c/) next;
		s = ""; for (i = 1; i in locs; i++) if (locs[i] ~ /linker_(sites|main)\.c/) s = s "|" locs[i];
		split($1, v, " "); print v[1], v[2] "\t" s }' | sort
}

ref=""
for linker in bfd gold lld mold; do
	for kind in pie nopie so; do
		dir="$WORK/$linker-$kind"
		if ! build "$dir" "$linker" "$kind" 2> "$WORK/cc.err"; then
			not_ok "$linker $kind: cannot link (scripts/setup.sh installs lld and mold):"
			sed 's/^/#   /' "$WORK/cc.err" | head -5
			continue
		fi
		obj="$dir/prog"
		[ "$kind" = so ] && obj="$dir/libsites.so"
		check "$linker $kind: linked by $linker" "$(linked_by "$obj")" "$linker"

		run_shim "$dir/live" "$dir/prog"
		live=$(profile_in "$dir/live")
		frames "$live" > "$dir/live.txt"
		check "$linker $kind: lk_small at linker_sites.c:7" \
			"$("$SYMQ" "$live" | sum_leaf '^lk_small@linker_sites.c:7$')" "37 888"
		check "$linker $kind: lk_calloc at linker_sites.c:8" \
			"$("$SYMQ" "$live" | sum_leaf '^lk_calloc@linker_sites.c:8$')" "11 1320"
		check "$linker $kind: lk_realloc at linker_sites.c:9" \
			"$("$SYMQ" "$live" | sum_leaf '^lk_realloc@linker_sites.c:9$')" "5 1000"

		mkdir -p "$dir/raw"
		(cd "$dir/raw" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$dir/prog")
		"$ALLOCPROF" symbolize -q "$(profile_in "$dir/raw")" -o "$dir/offline.pb.gz"
		frames "$dir/offline.pb.gz" > "$dir/offline.txt"
		same "$linker $kind: allocprof symbolize names the same frames" "$dir/offline.txt" "$dir/live.txt"

		# only the debug file left, found by build ID: it keeps the program
		# headers, but the code segment without its file range
		id=$(readelf -n "$obj" | awk '/Build ID:/ { print $3 }')
		mkdir -p "$dir/debug/.build-id/$(echo "$id" | cut -c1-2)"
		objcopy --only-keep-debug "$obj" "$dir/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
		mv "$obj" "$obj.gone"
		"$ALLOCPROF" symbolize -q --debuginfo-path "$dir/debug" "$(profile_in "$dir/raw")" -o "$dir/debugfile.pb.gz"
		mv "$obj.gone" "$obj"
		frames "$dir/debugfile.pb.gz" > "$dir/debugfile.txt"
		same "$linker $kind: from its debug file alone, the same frames" "$dir/debugfile.txt" "$dir/live.txt"

		if [ -z "$ref" ]; then
			ref="$dir/live.txt"
			check "reference has callers down to main" "$(grep -c 'main@linker_main.c:6' "$ref")" "3"
		else
			same "$linker $kind: the same frames as bfd's PIE" "$dir/live.txt" "$ref"
		fi
	done
done

finish

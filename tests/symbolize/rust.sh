#!/bin/sh
# Rust, built the default way (rustc -g -O, which links with rust-lld): its
# functions named by their Rust paths (crate::module::function, <T as
# Trait>::method, no hash) for legacy and v0 mangling, the allocation
# plumbing of alloc:: named as such, exact counts at known lines, the same
# from allocprof symbolize, read alike by allocprof top/list and pprof; and
# with line tables only, functions still named by their symbols' paths.
. "$(dirname "$0")/lib.sh"

RUSTC=$(command -v rustc || true)
[ -n "$RUSTC" ] || [ ! -x "$HOME/.cargo/bin/rustc" ] || RUSTC="$HOME/.cargo/bin/rustc"
if [ -z "$RUSTC" ]; then
	not_ok "no rustc in PATH nor in \$HOME/.cargo/bin (scripts/setup.sh installs Debian's)"
	finish
	exit
fi
SRCFILE="$SRC/tests/programs/known_sites_rust.rs"

lld_linked() { readelf -p .comment "$1" 2>/dev/null | grep -q 'Linker: .*LLD'; }

# sum_frame PATTERN < symq output: "objects bytes" summed over samples with
# a frame (inlined or not, anywhere in the stack) matching PATTERN
sum_frame() {
	awk -F'\t' -v pat="$1" '{ n = split($2, fr, /[|+]/);
		for (i = 1; i <= n; i++) if (fr[i] ~ pat) { split($1, v, " "); o += v[1]; b += v[2]; break } }
		END { printf "%d %d\n", o, b }'
}

C=known_sites_rust
for mangling in legacy v0; do
	dir="$WORK/$mangling"
	mkdir -p "$dir"
	flags="-g -O"
	[ "$mangling" = v0 ] && flags="$flags -C symbol-mangling-version=v0"
	"$RUSTC" $flags "$SRCFILE" -o "$dir/prog"
	# a rustc that links with cc (Debian's) is told to use lld: the layout
	# lld gives is what must be covered
	lld_linked "$dir/prog" || "$RUSTC" $flags -C link-arg=-fuse-ld=lld "$SRCFILE" -o "$dir/prog"
	lld_linked "$dir/prog" && ok "$mangling: linked by lld" || not_ok "$mangling: linked by lld"

	run_shim "$dir/live" "$dir/prog"
	prof=$(profile_in "$dir/live")
	"$SYMQ" "$prof" > "$dir/s.txt"
	"$SYMQ" --functions "$prof" | cut -f1,2 > "$dir/f.txt"

	check "$mangling: $C::r_strings at line 20" \
		"$(sum_frame "^$C::r_strings@$C.rs:20\$" < "$dir/s.txt")" "100 14950"
	check "$mangling: $C::r_boxes at line 25" \
		"$(sum_frame "^$C::r_boxes@$C.rs:25\$" < "$dir/s.txt")" "10 480"
	check "$mangling: a trait method, <Square as Grow>::grow at line 13" \
		"$(sum_frame "^<$C::shapes::Square as $C::shapes::Grow>::grow@$C.rs:13\$" < "$dir/s.txt")" "7 448"
	check "$mangling: $C::r_push at line 32 (Vec growth: a malloc, three reallocs)" \
		"$(sum_frame "^$C::r_push@$C.rs:32\$" < "$dir/s.txt")" "12 720"
	check "$mangling: the growth passes alloc::raw_vec's finish_grow" \
		"$(grep "$C::r_push@" "$dir/s.txt" |
			sum_frame '^<?alloc::raw_vec::(RawVecInner(<A>)?>?::)?finish_grow(::<[^@]*>)?@')" "12 720"
	check "$mangling: and <Global as Allocator>, named as Rust writes it" \
		"$(grep "$C::r_strings@" "$dir/s.txt" |
			sum_frame '^<alloc::alloc::Global as core::alloc::Allocator>::allocate@')" "100 14950"

	check "$mangling: Rust's main is not C's main" \
		"$(awk -F'\t' '$1 == "'$C'::main" || $1 == "main" { print $1 }' "$dir/f.txt" | sort | tr '\n' ' ')" \
		"$C::main main "
	case $mangling in
	legacy) sys="^_ZN16${C}4main17h[0-9a-f]{16}E\$" ;;
	v0) sys="^_RNvCs[0-9A-Za-z_]+_16${C}4main\$" ;;
	esac
	contains "$mangling: its system name is the mangled one" \
		"$(awk -F'\t' '$1 == "'$C'::main" { print $2 }' "$dir/f.txt")" "$sys"
	check "$mangling: no name keeps a hash" "$(grep -Ec '::h[0-9a-f]{16}(\s|$)' "$dir/f.txt" || true)" "0"
	check "$mangling: no name stays mangled" "$(cut -f1 "$dir/f.txt" | grep -Ec '^_(ZN|R[A-Z])' || true)" "0"
	contains "$mangling: allocprof top names the crate's functions" "$("$ALLOCPROF" top "$prof")" \
		" $C::r_strings\$"
	contains "$mangling: allocprof list finds r_strings and its line" \
		"$("$ALLOCPROF" list --alloc_objects r_strings "$prof")" \
		'^ +\. +100 +20: +String::with_capacity\(n\)$'

	mkdir -p "$dir/raw"
	(cd "$dir/raw" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 ALLOCPROF_SYMBOLIZE=0 "$dir/prog")
	"$ALLOCPROF" symbolize -q "$(profile_in "$dir/raw")" -o "$dir/offline.pb.gz"
	"$SYMQ" "$dir/offline.pb.gz" | grep "$C::" > "$dir/offline.txt" || true
	grep "$C::" "$dir/s.txt" > "$dir/live.txt" || true
	same "$mangling: allocprof symbolize names the crate's frames alike" "$dir/offline.txt" "$dir/live.txt"

	if have_go; then
		contains "$mangling: pprof -top reads our names" "$(go tool pprof -top "$prof" 2>/dev/null)" \
			"<$C::shapes::Square as $C::shapes::Grow>::grow\$"
	else
		skip "go tool pprof is not installed"
	fi
done

# The standard library's allocations for the program (a HashMap's growth in
# hashbrown, format!, to_string, collect): each site is the program's own
# function, with debug info and built as cargo's release profile builds
# (no debug info: names alone decide, <usize as core::fmt::Display>::fmt
# included)
STD_SITES="$SRC/tests/programs/rust_std_sites.rs"
for build in "debug:-g -O" "release:-O -C strip=debuginfo"; do
	name=${build%%:*}
	dir="$WORK/std_$name"
	mkdir -p "$dir"
	if ! "$RUSTC" ${build#*:} "$STD_SITES" -o "$dir/prog" 2> "$WORK/rustc.err"; then
		not_ok "std sites, $name: rustc: $(head -c 300 "$WORK/rustc.err")"
		continue
	fi
	run_shim "$dir/live" "$dir/prog" > "$dir/out"
	check "std sites, $name: the program's own output" "$(cat "$dir/out")" "5000 300 200"
	"$ALLOCPROF" top --by site --alloc_objects -nodefraction=0 "$(profile_in "$dir/live")" |
		sed -n '/flat.*cum/,$p' | tail -n +2 > "$dir/sites.txt"
	# fn_objects FUNCTION: objects of the rows of FUNCTION and its closures
	fn_objects() { awk -v f="$1" '$6 == f || $6 == f "::{{closure}}" { n += $1 } END { print n + 0 }' "$dir/sites.txt"; }
	check "std sites, $name: words, 200 strings and their vector" "$(fn_objects rust_std_sites::words)" 201
	check "std sites, $name: format_numbers, at least its 300 strings" \
		"$(test "$(fn_objects rust_std_sites::format_numbers)" -ge 300 && echo yes)" yes
	check "std sites, $name: the map's growth is fill_map's" \
		"$(test "$(fn_objects rust_std_sites::fill_map)" -gt 0 && echo yes)" yes
	check "std sites, $name: no site in the standard library but the runtime's start" \
		"$(awk '$6 != "std::rt::lang_start_internal" && $6 !~ /^rust_std_sites::/ { print }' "$dir/sites.txt")" ""
	# rustc's C-level main (no source line) only calls the runtime: what
	# the runtime allocates before the program's main is not main's
	check "std sites, $name: the runtime's allocations are its start's" \
		"$(awk '$6 == "std::rt::lang_start_internal" { print ($1 > 0) ? "yes" : "no"; exit }' "$dir/sites.txt")" yes
	check "std sites, $name: its via names the function, not its parameters" \
		"$(grep -c '(via [^)]*::)' "$dir/sites.txt")" 0
done

# Line tables only (how Rust's own std is shipped): subprograms have a bare
# DW_AT_name, and the function holding the address takes its symbol's path
dir="$WORK/lines"
mkdir -p "$dir"
if "$RUSTC" -O -C debuginfo=line-tables-only "$SRCFILE" -o "$dir/prog" 2> "$WORK/rustc.err"; then
	lld_linked "$dir/prog" ||
		"$RUSTC" -O -C debuginfo=line-tables-only -C link-arg=-fuse-ld=lld "$SRCFILE" -o "$dir/prog"
	run_shim "$dir/live" "$dir/prog"
	"$SYMQ" "$(profile_in "$dir/live")" > "$dir/s.txt"
	check "line tables only: $C::r_strings at line 20" \
		"$(sum_frame "^$C::r_strings@$C.rs:20\$" < "$dir/s.txt")" "100 14950"
	check "line tables only: called from $C::main" \
		"$(sum_frame "^$C::main@$C.rs:40\$" < "$dir/s.txt")" "100 14950"
else
	skip "this rustc has no -C debuginfo=line-tables-only (before 1.71)"
fi

finish

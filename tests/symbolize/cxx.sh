#!/bin/sh
# C++: demangled names (with parameter lists), mangled ones kept as system
# names, the new expression as the leaf, templates, classes and lambdas.
. "$(dirname "$0")/lib.sh"

run_shim "$WORK/run" "$SYMDIR/cxx_sites"
prof=$(profile_in "$WORK/run")
"$SYMQ" "$prof" > "$WORK/s.txt"
"$SYMQ" --functions "$prof" > "$WORK/f.txt"
check "member function, leaf at the new expression" \
	"$(sum_leaf '^shapes::Canvas::add_point\(double\)@cxx_sites.cc:13$' < "$WORK/s.txt")" "30 480"
check "function template" \
	"$(sum_leaf '^long\* shapes::make_array<long>\(unsigned long\)@cxx_sites.cc:18$' < "$WORK/s.txt")" "6 960"
check "lambda" \
	"$(sum_leaf '^main::\{lambda\(int\)#1\}::operator\(\)\(int\) const@cxx_sites.cc:31$' < "$WORK/s.txt")" "8 32"
check "system name is the mangled one" \
	"$(awk -F'\t' '$1 == "shapes::Canvas::add_point(double)" { print $2 }' "$WORK/f.txt")" \
	"_ZN6shapes6Canvas9add_pointEd"
check "C++ main keeps its plain name" "$(awk -F'\t' '$1 == "main" { print $2 }' "$WORK/f.txt")" "main"

run_shim "$WORK/known" "$PROGS/known_sites_cxx"
known=$(profile_in "$WORK/known")
"$SYMQ" "$known" > "$WORK/k.txt"
check "new_node() at known_sites_cxx.cc:9" \
	"$(sum_leaf '^new_node\(\)@known_sites_cxx.cc:9$' < "$WORK/k.txt")" "101 2424"
check "new[] of an over-aligned type" \
	"$(sum_leaf '^new_aligned_array\(\)@known_sites_cxx.cc:13$' < "$WORK/k.txt")" "2 768"
check "vector growth: inlined allocator frames down to grow_vector(int)" \
	"$(awk -F'\t' '$2 ~ /grow_vector\(int\)@known_sites_cxx.cc:16/ { split($1, v, " "); o += v[1]; b += v[2] }
		END { print o, b }' "$WORK/k.txt")" "11 16376"
check "grow_vector's system name" \
	"$("$SYMQ" --functions "$known" | awk -F'\t' '$1 == "grow_vector(int)" { print $2 }')" "_Z11grow_vectori"

if have_go; then
	top=$(go tool pprof -top "$prof" 2>/dev/null)
	contains "pprof shows our demangled name" "$top" 'shapes::Canvas::add_point\(double\)$'
	check "pprof -top -lines reads our frames" "$(pprof_top "$prof")" "$(symq_top "$prof")"
	check "pprof -top -lines reads our frames (known_sites_cxx)" "$(pprof_top "$known")" "$(symq_top "$known")"
else
	skip "go tool pprof is not installed"
fi

finish

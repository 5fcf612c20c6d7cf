#!/bin/sh
# Every malloc-family entry point at rate 1: exact objects and bytes per site,
# in-use figures equal to what the program leaked.
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/c"
(cd "$WORK/c" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/known_sites")
prof=$(profile_of "$WORK/c")
samples "$prof" > "$WORK/c.txt"

check "site_small"          "$(leaf site_small < "$WORK/c.txt")"          "1000 16000 0 0"
check "known_sites.c:9"     "$(leafline known_sites.c:9 < "$WORK/c.txt")" "1000 16000 0 0"
check "site_calloc"         "$(leaf site_calloc < "$WORK/c.txt")"         "20 20000 0 0"
check "site_realloc_new"    "$(leaf site_realloc_new < "$WORK/c.txt")"    "30 9000 0 0"
check "site_realloc_grow"   "$(leaf site_realloc_grow < "$WORK/c.txt")"   "30 150000 0 0"
check "site_realloc_free"   "$(leaf site_realloc_free < "$WORK/c.txt")"   "0 0 0 0"
check "site_reallocarray"   "$(leaf site_reallocarray < "$WORK/c.txt")"   "5 3500 0 0"
check "site_posix_memalign" "$(leaf site_posix_memalign < "$WORK/c.txt")" "3 12288 0 0"
check "site_aligned_alloc"  "$(leaf site_aligned_alloc < "$WORK/c.txt")"  "3 1536 0 0"
check "site_memalign"       "$(leaf site_memalign < "$WORK/c.txt")"       "3 600 0 0"
check "site_valloc"         "$(leaf site_valloc < "$WORK/c.txt")"         "3 9000 0 0"
check "site_pvalloc"        "$(leaf site_pvalloc < "$WORK/c.txt")"        "3 15000 0 0"
check "site_leak"           "$(leaf site_leak < "$WORK/c.txt")"           "4 3108 4 3108"
check "site_strdup (cum)"   "$(cum site_strdup < "$WORK/c.txt")"          "2 24 0 0"
check "main (cum) in use"   "$(cum main < "$WORK/c.txt" | cut -d' ' -f3,4)" "4 3108"
check "profile types" "$("$PFQ" --types "$prof" | tr '\n' ' ')" \
	"alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes short_lived_objects/count short_lived_space/bytes default alloc_space period 1 space/bytes "
check "no drops" "$("$PFQ" --comments "$prof" | grep '^dropped:')" "dropped: 0"

# C++: every operator new form, the leaf is the new expression
mkdir "$WORK/cxx"
(cd "$WORK/cxx" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$PROGS/known_sites_cxx")
samples "$(profile_of "$WORK/cxx")" > "$WORK/cxx.txt"
check "new_node"          "$(leaf new_node < "$WORK/cxx.txt")"          "101 2424 1 24"
check "new_array"         "$(leaf new_array < "$WORK/cxx.txt")"         "10 4000 0 0"
check "new_nothrow"       "$(leaf new_nothrow < "$WORK/cxx.txt")"       "7 168 0 0"
check "new_aligned"       "$(leaf new_aligned < "$WORK/cxx.txt")"       "5 640 0 0"
check "new_aligned_array" "$(leaf new_aligned_array < "$WORK/cxx.txt")" "2 768 0 0"
check "grow_vector (cum)" "$(cum grow_vector < "$WORK/cxx.txt")"     "11 16376 0 0"

finish

# Shared helpers of the hints tests (TAP). Sourced; expects BUILD (the meson
# build dir) and SRC (the source dir) in the environment.
. "$(dirname "$0")/../tap.sh"
tap_setup hints
ALLOCPROF="$BUILD/viewer/allocprof"
SHIM="$BUILD/preload/liballocprof.so"
PFQ="$BUILD/tests/shim/pfq"
PROGS="$BUILD/tests/programs"
HINTPROGS="$BUILD/tests/hints"
DATA="$SRC/tests/hints/data"
GOLDEN="$SRC/tests/hints/golden"

# In `allocprof hints --tsv` output (FILE), the hint whose site is the
# function FN (the site column up to its first space):
# row FN FILE: "kind removes_bytes removes_objects", or nothing
row() {
	awk -F'\t' -v fn="$1" '/^#/ || $1 == "rank" { next } { split($5, a, " "); if (a[1] == fn) print $2, $3, $4 }' "$2"
}
# fig FN KEY FILE: the figure KEY of that hint
fig() {
	awk -F'\t' -v fn="$1" -v key="$2" '/^#/ || $1 == "rank" { next } { split($5, a, " "); if (a[1] != fn) next
		n = split($6, f, ","); for (i = 1; i <= n; i++) { k = f[i]; sub(/=.*/, "", k); v = f[i]; sub(/^[^=]*=/, "", v); if (k == key) print v } }' "$3"
}
# hist FN FILE: the nine lifetime buckets of that hint, 1us first
hist() {
	for b in le_1us le_10us le_100us le_1ms le_10ms le_100ms le_1s le_10s gt_10s; do
		fig "$1" "lifetime_$b" "$2"
	done | tr '\n' ' ' | sed 's/ $//'
}
# has DESCRIPTION FILE STRING: FILE holds STRING
# has DESCRIPTION FILE TEXT: TEXT in FILE, read as one line (hints wraps its
# evidence at a width that moves with the length of the paths in it)
has() {
	if tr '\n' ' ' < "$2" | tr -s ' ' | grep -qF -- "$3"; then ok "$1"; else not_ok "$1: no '$3' in"; sed 's/^/# /' "$2" | head -60; fi
}
# within DESCRIPTION GOT EXPECTED TOLERANCE: |GOT/EXPECTED - 1| <= TOLERANCE
within() {
	if awk -v g="$2" -v e="$3" -v t="$4" 'BEGIN { r = g / e - 1; exit !(g != "" && r <= t && r >= -t) }'; then
		ok "$1: $2 within $4 of $3"
	else
		not_ok "$1: got '$2', expected $3 within $4"
	fi
}

# profile NAME [ENV=VALUE...] PROG [ARGS]: runs PROG under the shim in
# $WORK/NAME and prints the path of its exit profile
profile() {
	name=$1
	shift
	mkdir "$WORK/$name"
	(cd "$WORK/$name" && env LD_PRELOAD="$SHIM" "$@" > /dev/null)
	profile_of "$WORK/$name"
}

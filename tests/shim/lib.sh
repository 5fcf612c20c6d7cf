# Shared helpers of the shim's shell tests. Sourced; expects BUILD (the meson
# build dir) and SRC (the source dir) in the environment.
. "$(dirname "$0")/../tap.sh"
tap_setup test
SHIM="$BUILD/preload/liballocprof.so"
PFQ="$BUILD/tests/shim/pfq"
PROGS="$BUILD/tests/programs"

# symbolized FILE: the profile symbolized (by go tool pprof from the local
# binaries while the shim cannot name frames itself), in pfq's format
samples() {
	if "$PFQ" --mappings "$1" | head -1 | grep -q ' F'; then
		"$PFQ" "$1"
	else
		go tool pprof -proto "$1" > "$1.sym.pb.gz" 2>/dev/null
		"$PFQ" "$1.sym.pb.gz"
	fi
}

# Function names compare without their parameter list: "grow_vector(int)"
# and "grow_vector" are the same site (pprof's own demangler drops them).
# leaf FUNCTION < samples: "objects bytes inuse_objects inuse_bytes" summed over
# samples whose leaf frame is FUNCTION
leaf() {
	awk -F'\t' -v fn="$1" '{ split($2, fr, ";"); split(fr[1], a, "@"); sub(/\(.*$/, "", a[1]);
		if (a[1] == fn) { split($1, v, " "); for (i = 1; i <= 4; i++) s[i] += v[i] } }
		END { printf "%d %d %d %d\n", s[1], s[2], s[3], s[4] }'
}

# leafline FILE:LINE < samples: the same, keyed by the leaf's file:line
leafline() {
	awk -F'\t' -v fl="$1" '{ split($2, fr, ";"); split(fr[1], a, "@");
		if (a[2] == fl) { split($1, v, " "); for (i = 1; i <= 4; i++) s[i] += v[i] } }
		END { printf "%d %d %d %d\n", s[1], s[2], s[3], s[4] }'
}

# cum FUNCTION < samples: summed over samples with FUNCTION anywhere
cum() {
	awk -F'\t' -v fn="$1" '{ n = split($2, fr, ";"); hit = 0;
		for (k = 1; k <= n; k++) { split(fr[k], a, "@"); sub(/\(.*$/, "", a[1]); if (a[1] == fn) hit = 1 }
		if (hit) { split($1, v, " "); for (i = 1; i <= 4; i++) s[i] += v[i] } }
		END { printf "%d %d %d %d\n", s[1], s[2], s[3], s[4] }'
}

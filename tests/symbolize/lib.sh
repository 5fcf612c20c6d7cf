# Shared helpers of the symbolization tests. Sourced; expects BUILD, SRC and
# SYMDIR (this folder's build dir) in the environment.
. "$(dirname "$0")/../tap.sh"
tap_setup sym
SHIM="$BUILD/preload/liballocprof.so"
ALLOCPROF="$BUILD/viewer/allocprof"
SYMQ="$SYMDIR/symq"
PROGS="$BUILD/tests/programs"
contains() { # contains DESCRIPTION HAYSTACK NEEDLE (a grep -E pattern)
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else
		not_ok "$1: no '$3' in:"; printf '%s\n' "$2" | sed 's/^/#   /'; fi
}
have_go() { command -v go >/dev/null 2>&1; }

profile_in() { profile_of "$@"; }

# run_shim DIR PROG ARGS...: runs PROG at rate 1 under the shim in DIR
run_shim() {
	d=$1; shift
	mkdir -p "$d"
	(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_RATE=1 "$@")
}

# sum_leaf PATTERN < symq output: "objects bytes" summed over samples whose
# leaf location (innermost frame first) matches the grep -E PATTERN
sum_leaf() {
	awk -F'\t' -v pat="$1" '{ split($2, locs, "|"); if (locs[1] ~ pat) { split($1, v, " "); o += v[1]; b += v[2] } }
		END { printf "%d %d\n", o, b }'
}

# pprof_top FILE: go tool pprof's -top -lines rows with a flat value, as
# "BYTES NAME FILE:LINE[ (inline)]", parameter lists dropped, base file names
pprof_top() {
	go tool pprof -sample_index=alloc_space -unit=B -top -lines -nodefraction=0 -nodecount=100000 "$1" 2>/dev/null |
		awk '/^ *flat/ { on = 1; next }
		on && $1 != "0" && $NF !~ /^\[/ { last = NF; inl = "";
			if ($NF == "(inline)") { last = NF - 1; inl = " (inline)" }
			f = $last;
			if (f ~ /:[0-9]+$/) { sub(/.*\//, "", f); last-- } else f = "";
			name = ""; for (i = 6; i <= last; i++) name = name (name ? " " : "") $i;
			sub(/\(.*$/, "", name); print $1 " " name (f != "" ? " " f : "") inl }' | sort
}

# symq_top FILE: the same rows, computed by our own reader from the leaf
# frames (so pprof_top and symq_top agree when pprof reads our symbols);
# both leave out frames nobody could name
symq_top() {
	"$SYMQ" "$1" | awk -F'\t' '$2 !~ /^0x/ { split($1, v, " "); split($2, locs, "|"); n = split(locs[1], fr, "+");
		i = index(fr[1], "@"); name = substr(fr[1], 1, i - 1); file = substr(fr[1], i + 1);
		sub(/\(.*$/, "", name); if (file ~ /:0$/ || file == "") file = "";
		s[name (file != "" ? " " file : "") (n > 1 ? " (inline)" : "")] += v[2] }
		END { for (k in s) if (s[k]) print s[k] "B " k }' | sort
}

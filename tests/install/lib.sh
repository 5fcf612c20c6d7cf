# Shared helpers of the install tests (TAP). Sourced; expects BUILD (the
# meson build dir) and SRC (the source dir) in the environment.
. "$(dirname "$0")/../tap.sh"
tap_setup install
ALLOCPROF="$BUILD/viewer/allocprof"
PROGS="$BUILD/tests/programs"
DATA="$SRC/tests/data"

# profiles_with ALLOCPROF ROOT WHAT: runs known_sites under ALLOCPROF run at
# rate 1 and checks the profile names its sites, and that the shim
# preloaded is the one of ALLOCPROF's own tree (ROOT)
profiles_with() {
	local allocprof=$1 root=$2 what=$3 out
	out=$("$allocprof" run -q sh -c 'echo "$LD_PRELOAD"')
	case "$out" in
	"$(cd "$root" && pwd -P)"/*/allocprof/liballocprof.so) ok "$what: preloads its own shim" ;;
	*) not_ok "$what: preloads its own shim: $out" ;;
	esac
	rm -f "$WORK/prof.pb.gz"
	"$allocprof" run -q --rate 1 --output "$WORK/prof.pb.gz" "$PROGS/known_sites" > /dev/null 2>&1 || true
	# known_sites: 1000 calls of site_small (tests/programs/known_sites.c)
	got=$("$allocprof" top --alloc_objects --nodefraction=0 "$WORK/prof.pb.gz" 2>&1 |
		awk '$6 == "site_small" { print $1 }')
	check "$what: profiles known_sites, site_small's allocations" "$got" 1000
}

# tap: the TAP helpers every shell test sources (through its folder's
# lib.sh): numbered results, one line each, and the plan at the end.
FAILS=0
NTEST=0

# TAP wants one line per result: anything after the first line becomes a
# "#" comment line
tap_line() { printf '%s\n' "$*" | sed '1!s/^/# /'; }
ok() { NTEST=$((NTEST + 1)); tap_line "ok $NTEST - $*"; }
not_ok() { NTEST=$((NTEST + 1)); FAILS=$((FAILS + 1)); tap_line "not ok $NTEST - $*"; }
skip() { NTEST=$((NTEST + 1)); echo "ok $NTEST - # SKIP $*"; }
check() { # check DESCRIPTION GOT EXPECTED
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else not_ok "$1: got '$2', expected '$3'"; fi
}
finish() { echo "1..$NTEST"; [ "$FAILS" = 0 ]; }

# profile_of DIR: the one exit profile written into DIR (besides its .peak.pb.gz)
profile_of() {
	set -- $(ls "$1"/*.pb.gz 2>/dev/null | grep -v '\.peak\.pb\.gz$' || true)
	if [ $# != 1 ]; then echo "expected one profile, found $#" >&2; return 1; fi
	echo "$1"
}

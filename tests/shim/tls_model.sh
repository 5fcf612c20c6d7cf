#!/bin/sh
# The shim's thread-local variables are all initial-exec: no call to
# __tls_get_addr, no block the loader allocates on a thread's first use.
# Such a block, in a process allocprof attach loaded the shim into, sits in
# the program's heap; LeakSanitizer (gcc 12) misreads some of them and
# crashed at the exit of an attached program. It also keeps the hot path's
# thread state one instruction away.
. "$(dirname "$0")/lib.sh"

check "no general- or local-dynamic TLS relocation in the shim" \
	"$(readelf -rW "$SHIM" | grep -c 'R_[A-Z0-9_]*DTPMOD')" 0
check "the shim never calls __tls_get_addr" \
	"$(readelf -rW "$SHIM" | grep -c '__tls_get_addr')" 0
finish

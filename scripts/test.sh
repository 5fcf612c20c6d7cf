#!/bin/sh
# Installs what the tests need, builds allocprof into build/ and runs the
# whole test suite; then rebuilds the core library and the viewer with
# AddressSanitizer and UBSan and runs their tests again. This is what CI runs.
set -eu
cd "$(dirname "$0")/.."

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
meson test -C build --print-errorlogs --num-processes 2 "$@"

if [ $# -eq 0 ]; then
	# The shim itself cannot run under ASan (it is preloaded into programs
	# that are not), so only the suites of src/ and the viewer run here
	# (viewer-e2e preloads the shim: not here). It is built without ISA-L,
	# so that zlib's way of writing profiles is tested too.
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Disal=disabled
	meson compile -C build-asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2 --suite unit --suite viewer --suite hints --suite pictures
fi

#!/bin/sh
# Installs what the tests need, builds allocprof into build/ and runs the
# whole test suite. This is what CI runs.
set -eu
cd "$(dirname "$0")/.."

scripts/setup.sh
if [ ! -f build/build.ninja ]; then
	meson setup build
fi
meson compile -C build
meson test -C build --print-errorlogs --num-processes 2 "$@"

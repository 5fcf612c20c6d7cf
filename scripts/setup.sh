#!/bin/sh
# Installs the Debian packages allocprof needs to build and test. Idempotent:
# when everything is present it only checks, and returns in a second.
set -eu

BUILD_PKGS="gcc g++ meson ninja-build pkg-config libunwind-dev libdw-dev libelf-dev zlib1g-dev libisal-dev libiberty-dev libncurses-dev"
# independent readers of our files, real programs to profile, sanitizers, fuzzer,
# the package build and its checks (suite install), gdb (suite attach)
TEST_PKGS="time golang-go libbenchmark-dev protobuf-compiler golang-github-google-pprof-dev sqlite3 redis-server redis-tools
 libgoogle-perftools4 libjemalloc2 clang libclang-rt-14-dev binutils elfutils procps make
 graphviz libxml2-utils chromium fonts-dejavu-core nodejs lld mold
 debhelper lintian man-db gdb tmux openssl"
# the tools allocprof is measured against, and the programs it is measured on
BENCH_PKGS="heaptrack libjemalloc2 libgoogle-perftools4 perl python3 time"
# Rust programs are built by the tests with rustup's rustc when there is one
# (in PATH or ~/.cargo/bin), else with Debian's
if [ "${1:-}" != --build-only ] && ! command -v rustc >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/rustc" ]; then
	TEST_PKGS="$TEST_PKGS rustc"
fi
case "${1:-}" in
--build-only) PKGS="$BUILD_PKGS" ;;
--bench) PKGS="$BUILD_PKGS $TEST_PKGS $BENCH_PKGS" ;;
*) PKGS="$BUILD_PKGS $TEST_PKGS" ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "setup: all packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO="sudo"
fi
echo "setup: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "setup: done"

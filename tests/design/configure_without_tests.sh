#!/bin/sh
# The README's first command (build-and-run.sh) installs only scripts/deps.sh's
# build packages and configures with -DLXRUN_TESTS=OFF: that configure must ask
# for none of the programs only the tests need (go, rustc, tmux, curl, wget,
# script), which a fresh Debian 12 machine lacks (musl-gcc is the build's own).
# A configure in a scratch tree must succeed and its cache name none of them,
# while the build tree's own cache (LX_BUILD_DIR, tests configured) names go.
# usage: LX_BUILD_DIR=DIR configure_without_tests.sh SOURCE_DIR
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! cmake -S "$src" -B "$tmp" -DLXRUN_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/log" 2>&1; then
    cat "$tmp/log"
    echo "FAIL: configure with -DLXRUN_TESTS=OFF failed"
    exit 1
fi
asked=$(grep -E '^(GO_PROGRAM|RUSTC_PROGRAM|TMUX_PROGRAM|CURL_PROGRAM|WGET_PROGRAM|SCRIPT_PROGRAM)[:=]' "$tmp/CMakeCache.txt" || true)
if [ -n "$asked" ]; then
    echo "FAIL: a configure without tests looked for the tests' programs:"
    echo "$asked"
    exit 1
fi
# the same look finds go where the tests are configured (else it proves nothing)
if ! grep -qE '^GO_PROGRAM[:=]' "${LX_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
    echo "FAIL: the build tree's own cache names no GO_PROGRAM: the check would find nothing anywhere"
    exit 1
fi
echo "ok: configured without the tests' programs"

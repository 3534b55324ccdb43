#!/usr/bin/env bash
# Configures and builds lxrun and its tests into build/; with --no-tests lxrun alone
# (what needs only scripts/deps.sh's build packages).
set -euo pipefail
cd "$(dirname "$0")/.."
tests=ON
[ "${1:-}" = "--no-tests" ] && tests=OFF
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLXRUN_TESTS=$tests >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

#!/usr/bin/env bash
# Installs the Debian 12 packages lxrun's build, tests and benchmarks use, when missing;
# with --tests also the kernel tests/vm boots (scripts/vm-kernel.sh).
set -euo pipefail
build=(gcc cmake make musl-tools libcriterion-dev libelf-dev zlib1g-dev pkg-config)
tests=(coreutils grep sed mawk findutils tar gzip xz-utils bzip2 jq sqlite3 perl python3
       busybox-static openssl strace file python3-jsonschema procps util-linux binutils gdb tmux golang-go rustc zstd
       curl wget iproute2 openssh-client libpython3.11-testsuite
       autoconf automake m4 pkgconf bison flex libtirpc-dev)  # the last line: LTP (tests/ltp)
# tests/vm runs qemu; installed without its recommends (firmware for other machines).
tests_bare=(qemu-system-x86)
with_tests=0
[ "${1:-}" = "--tests" ] && with_tests=1

missing_of() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
missing=($(missing_of "${build[@]}"))
bare=()
if [ $with_tests = 1 ]; then
  missing+=($(missing_of "${tests[@]}"))
  bare=($(missing_of "${tests_bare[@]}"))
fi
if [ ${#missing[@]} -gt 0 ] || [ ${#bare[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -E"
  echo "installing: ${missing[*]} ${bare[*]}" >&2
  $sudo apt-get update -qq
  export DEBIAN_FRONTEND=noninteractive
  [ ${#missing[@]} -eq 0 ] || $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  [ ${#bare[@]} -eq 0 ] || $sudo apt-get install -y -qq --no-install-recommends "${bare[@]}" >/dev/null
fi
[ $with_tests = 0 ] || "$(dirname "$0")/vm-kernel.sh"

#!/usr/bin/env bash
# Installs the Debian 12 packages lxrun's build, tests and benchmarks use, when missing.
set -euo pipefail
build=(gcc cmake make musl-tools libcriterion-dev libelf-dev zlib1g-dev pkg-config)
tests=(coreutils grep sed mawk findutils tar gzip xz-utils bzip2 jq sqlite3 perl python3
       busybox-static openssl strace file python3-jsonschema procps util-linux binutils)
wanted=("${build[@]}")
[ "${1:-}" = "--tests" ] && wanted+=("${tests[@]}")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null

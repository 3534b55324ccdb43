#!/bin/sh
# deps.sh — install the Debian packages the distro tests run (natively and under lxrun).
# Installs only what is missing; needs root (or sudo) and apt-get.
set -eu
PACKAGES="coreutils grep sed mawk findutils tar gzip xz-utils bzip2 jq sqlite3 perl python3 busybox-static openssl"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  echo "distro test dependencies: all installed"
  exit 0
fi
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing

#!/usr/bin/env bash
# Puts a Debian 12 cloud kernel at DIR/vmlinuz (default: /var/tmp/lxrun-vm) for the
# tests/vm suite, which boots it under qemu on a CPU without FSGSBASE.  The kernel
# package is downloaded from Debian's mirror and unpacked, never installed.
set -euo pipefail
dir="${1:-/var/tmp/lxrun-vm}"
[ -s "$dir/vmlinuz" ] && exit 0
mkdir -p "$dir"
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
if [ -z "$pkg" ]; then
  apt-get update -qq
  pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null) || { apt-get update -qq; (cd "$tmp" && apt-get download -qq "$pkg"); }
dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
cp "$tmp"/boot/vmlinuz-* "$dir/vmlinuz.part"
echo "$pkg" > "$dir/package"
mv "$dir/vmlinuz.part" "$dir/vmlinuz"

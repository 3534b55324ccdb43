#!/usr/bin/env bash
# Installs what is missing, builds lxrun, and runs it on a real program:
#   ./build-and-run.sh /usr/bin/ls -l /usr
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/scripts/deps.sh"
"$here/scripts/build.sh" --no-tests
[ $# -gt 0 ] || set -- /usr/bin/ls -l /usr
exec "$here/build/lxrun" "$@"

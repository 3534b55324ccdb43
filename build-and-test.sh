#!/usr/bin/env bash
# Installs what is missing, builds lxrun and every test, runs them all with ctest,
# and ends with one line: "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/scripts/deps.sh" --tests || exit 1
"$here/scripts/build.sh" || exit 1
cd "$here/build"
log=$(mktemp)
ctest -j"$(nproc)" --output-on-failure "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
rm -f "$log"
if [ -z "$summary" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$summary")
echo "$((total - failed)) passed, $failed failed"
exit "$status"

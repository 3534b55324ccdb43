#!/bin/sh
# run-in-tmp.sh [--status N] COMMAND [ARGS...]
# Runs COMMAND in a fresh temporary directory (so tests can run in parallel and
# leave nothing behind) and passes when it exits with status N (default 0).
# The guest programs may compare against GUEST_TMPDIR (where they run) and
# GUEST_PARENT_PID (their parent: this shell, natively and under lxrun alike).
expect=0
if [ "$1" = "--status" ]; then expect=$2; shift 2; fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/lxrun-guest.XXXXXX") || exit 1
cd "$dir" || exit 1
GUEST_TMPDIR=$dir GUEST_PARENT_PID=$$ "$@"
status=$?
cd / && chmod -R u+rwx "$dir" 2>/dev/null
rm -rf "$dir"

if [ "$status" -ne "$expect" ]; then
    echo "run-in-tmp: '$*' exited with status $status, expected $expect" >&2
    exit 1
fi
exit 0

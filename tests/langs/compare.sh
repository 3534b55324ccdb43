#!/bin/sh
# compare.sh LXRUN PROGRAM [ARGS...]: PROGRAM natively, then under lxrun; the same
# stdout and exit status are required (nothing is normalised: these programs print
# only what they compute).
lxrun=$1; shift
native=$("$@" 2>&1); ns=$?
under=$("$lxrun" "$@" 2>&1); us=$?
if [ "$native" != "$under" ] || [ $ns != $us ]; then
    printf 'native (status %s):\n%s\nlxrun (status %s):\n%s\n' "$ns" "$native" "$us" "$under"
    exit 1
fi
[ -n "$native" ] || { echo "no output natively"; exit 1; }
printf '%s\n' "$native"

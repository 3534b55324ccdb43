#!/bin/sh
# python_regrtest.sh LXRUN MODULE: one module of CPython's own regression suite
# (Debian's libpython3.11-testsuite) under lxrun -- its tests check Linux's
# behaviour themselves (signals, polls, processes), so lxrun must pass it.  When
# it fails, the module runs natively too: failing there as well, the machine is
# the cause and the test is skipped (77), else lxrun failed it.
lxrun=$1 module=$2
py=/usr/bin/python3
"$py" -c "import test.$module" 2>/dev/null || { echo "test.$module missing: apt-get install libpython3.11-testsuite"; exit 1; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# -W: each failure's output in full; a fresh home and temp dir, as regrtest makes its own
"$lxrun" "$py" -m test -W "$module" > lxrun.txt 2>&1
status=$?
tail -n 5 lxrun.txt
[ $status = 0 ] && exit 0
"$py" -m test "$module" > native.txt 2>&1
if [ $? != 0 ]; then
    echo "$module fails natively too (skipped):"
    tail -n 5 native.txt
    exit 77
fi
echo "$module passes natively, fails under lxrun (status $status):"
cat lxrun.txt
exit 1

#!/usr/bin/env python3
"""The variables every fork writes on both sides (RX_FORK_HOT, redox/rx.h) lie on
one page of their own in lxrun's binary: section lx_fork_hot starts on a page
boundary (cmake/lxrun_fork_hot.lds) and is at most a page long; and the process
record lx_proc and the main thread's record start on a page, so that the fields a
fork or exec writes, which lead each, share one page.  Each page more is a
copy-on-write fault per fork on each side (sh's fork+exec loop).

usage: fork_hot_page.py BINARY... [--self-test]
--self-test runs the check on a binary without the section and fails unless the
check fails."""
import re
import subprocess
import sys

PAGE = 4096


def problems(binary):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\]\s+lx_fork_hot\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)
    if not m:
        return [f"{binary}: no lx_fork_hot section"]
    addr, size = int(m.group(1), 16), int(m.group(2), 16)
    bad = []
    if addr % PAGE:
        bad.append(f"{binary}: lx_fork_hot at {addr:#x}, not on a page boundary")
    if size > PAGE:
        bad.append(f"{binary}: lx_fork_hot is {size} bytes, more than a page")
    syms = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    for name in ("lx_proc", r"main_thread\.\d+"):
        m = re.search(rf"^([0-9a-f]+) \w {name}$", syms, re.M)
        if not m or int(m.group(1), 16) % PAGE:
            bad.append(f"{binary}: {name} is not on a page boundary ({m.group(1) if m else 'absent'})")
    return bad


def main():
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    bad = [p for b in args for p in problems(b)]
    if "--self-test" in sys.argv:
        if not bad:
            print("self-test: the check passed a binary it should fail")
            return 1
        print(f"self-test: found {bad[0]}")
        return 0
    for p in bad:
        print(p)
    print(f"fork_hot_page: {len(args)} binaries, {len(bad)} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

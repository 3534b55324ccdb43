#!/usr/bin/env python3
"""lxrun's small zero-initialised variables (under 32 bytes: scalars, pointers,
small structs) lie together, on at most two pages, after the arrays: each is in a
section of its own (-fdata-sections) and cmake/lxrun_fork_hot.lds sorts lx_bss by
alignment, the arrays (32-byte aligned and more) first.  Spread among 2 MiB of
arrays, as the link put them by file, a start wrote a dozen pages for a few
dozen scalars (each first write of a page is a fault).

usage: bss_small_together.py BINARY... [--self-test]
--self-test runs the check on a binary linked without the sorting (its .bss
then) and fails unless the check fails."""
import re
import subprocess
import sys

from binary_checkmain import main as checkmain

PAGE = 4096
SMALL = 32
MAX_PAGES = 2


def problems(binary):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\]\s+lx_bss\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out) or \
        re.search(r"\]\s+\.bss\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)  # unsorted: all of .bss
    if not m:
        return [f"{binary}: no lx_bss section"]
    lo_sec, size = int(m.group(1), 16), int(m.group(2), 16)
    small = []
    for line in subprocess.run(["nm", "-S", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "bB":
            addr, n = int(p[0], 16), int(p[1], 16)
            if lo_sec <= addr < lo_sec + size and n < SMALL:
                small.append((addr, n))
    if len(small) < 10:
        return [f"{binary}: only {len(small)} small variables in lx_bss"]
    lo, hi = min(a for a, _ in small), max(a + n for a, n in small)
    pages = (hi - 1) // PAGE - lo // PAGE + 1
    if pages > MAX_PAGES:
        return [f"{binary}: {len(small)} small variables over {pages} pages ({lo:#x}..{hi:#x})"]
    print(f"{binary}: {len(small)} small variables on {pages} page(s)")
    return []


def main():
    return checkmain(
        "bss_small_together", problems, [a for a in sys.argv[1:] if a != "--self-test"])


if __name__ == "__main__":
    sys.exit(main())

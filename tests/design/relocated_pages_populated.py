#!/usr/bin/env python3
"""Every page lxrun's start relocates is copied by one call before it is touched
(redox/host-linux-start.S): the binary's first system call is
madvise(MADV_POPULATE_WRITE) = 0 over its writable segment's file-backed pages,
covering each R_X86_64_RELATIVE target and stopping at _edata's page (the .bss
after it is not copied).  Without it, each of those pages was a fault of its own
at start (~10-15 us each on a paravirtualised VM: ten relocated pages read-mapped
first, then copied one by one).

usage: relocated_pages_populated.py BINARY... [--self-test]
--self-test runs the check on a program without that entry (coreutils' true) and
fails unless the check fails."""
import re
import subprocess
import sys

from binary_checkmain import main as checkmain

PAGE = 4096
FIRST = re.compile(r"^madvise\((0x[0-9a-f]+), (\d+), MADV_POPULATE_WRITE\)\s+= 0$")


def symbol(binary, name):
    out = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) \w {re.escape(name)}$", out, re.M)
    return int(m.group(1), 16) if m else None


def writable_start(binary):
    """The writable PT_LOAD's p_vaddr (its TLS image first)."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^\s*LOAD\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+RW", out, re.M)
    return int(m.group(1), 16) if m else None


def relocation_targets(binary):
    out = subprocess.run(["readelf", "-rW", binary], capture_output=True, text=True, check=True).stdout
    return [int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]{8,16})\s+[0-9a-f]+\s+R_X86_64_RELATIVE", out, re.M)]


def first_call(binary):
    r = subprocess.run(["strace", "-qq", "-e", "signal=none", binary, "--version"],
                       capture_output=True, text=True)
    lines = [l for l in r.stderr.splitlines() if l and not l.startswith("execve(")]
    return lines[0] if lines else ""


def problems(binary):
    call = first_call(binary)
    m = FIRST.match(call)
    if not m:
        return [f"{binary}: first call {call!r}, not madvise(MADV_POPULATE_WRITE) = 0"]
    at, length = int(m.group(1), 16), int(m.group(2))
    first, edata = writable_start(binary), symbol(binary, "_edata")
    targets = relocation_targets(binary)
    if first is None or edata is None or not targets:
        return [f"{binary}: no writable segment, _edata or relocations to check against"]
    base = at - (first & ~(PAGE - 1))
    bad = [f"{binary}: relocation target {t:#x} outside the populated range" for t in targets
           if not at <= base + t < at + length]
    if at + length > base + ((edata + PAGE - 1) & ~(PAGE - 1)):
        bad.append(f"{binary}: the populated range goes past _edata's page into .bss")
    return bad[:5]


def main():
    return checkmain("relocated_pages_populated", problems, [a for a in sys.argv[1:] if a != "--self-test"])


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The syscall table's full lines (lx_syscalls) hold no pointer, so lxrun's
static-pie start neither relocates nor writes them (syscalls/table.h): the
symbol lies in a section that is not writable and no relocation targets it.  A
pointer added to struct lx_syscall would quietly put ~1 100 relocations and five
written pages back into every start (~47 us on a paravirtualised VM).

usage: table_read_only.py [--symbol NAME] BINARY... [--self-test]
--self-test with --symbol lx_syscalls_hot (the dispatch's view, whose handlers
are pointers) fails unless the check fails."""
import re
import subprocess
import sys

from binary_checkmain import main as checkmain
from start_pages_populated import relocation_targets


def symbol_range(binary, name):
    out = subprocess.run(["nm", "-S", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) ([0-9a-f]+) \w {re.escape(name)}$", out, re.M)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def writable_sections(binary):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    found = []
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*W\S*)\s", out):
        found.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16)))
    return found


def problems_of(name):
    def problems(binary):
        r = symbol_range(binary, name)
        if not r:
            return [f"{binary}: no symbol {name}"]
        start, size = r
        bad = [f"{binary}: {name} lies in writable {s}" for s, at, n in writable_sections(binary)
               if at <= start < at + n]
        hits = [t for t in relocation_targets(binary) if start <= t < start + size]
        if hits:
            bad.append(f"{binary}: {len(hits)} relocations target {name} (the first at {hits[0]:#x})")
        return bad
    return problems


def main():
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    name = "lx_syscalls"
    if args[:1] == ["--symbol"]:
        name, args = args[1], args[2:]
    return checkmain("table_read_only", problems_of(name), args)


if __name__ == "__main__":
    sys.exit(main())

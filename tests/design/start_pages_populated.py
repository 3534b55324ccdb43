#!/usr/bin/env python3
"""The pages lxrun's start writes are mapped by its entry's three calls before
anything touches them (redox/host-linux-start.S), seen with strace:
  1. madvise(MADV_POPULATE_WRITE) = 0 over the writable segment's file-backed
     pages: every R_X86_64_RELATIVE target and the variables every start writes
     (lx_start_written: RX_START_WRITTEN, musl's zero-initialised ones), stopping
     at _edata's page (the .bss after it is not copied);
  2. madvise(MADV_POPULATE_WRITE) = 0 of at least STACK_MIN bytes of the stack;
  3. madvise(MADV_POPULATE_WRITE) = 0 of the two pages before __bss_start, where
     lx_bss ends with the small variables (design.bss_small_together).
Without them each page was a fault of its own at start (10-25 us each on a
paravirtualised VM: 41-44 faults in a static no-op's start, 23 with them and the
vDSO's and the process table's pages populated as mapped).  (The code is not
populated: MADV_POPULATE_READ of the executable segment saved its 3-8 read
faults and cost as much, on that VM as in the thirteenth session's.)

usage: start_pages_populated.py BINARY... [--self-test]
--self-test runs the check on a program without that entry (coreutils' true) and
fails unless the check fails."""
import re
import subprocess
import sys

from binary_checkmain import main as checkmain

PAGE = 4096
STACK_MIN = 4 * PAGE
CALL = re.compile(r"^madvise\((0x[0-9a-f]+), (\d+), (MADV_POPULATE_WRITE)\)\s+= 0$")


def symbol(binary, name):
    out = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) \w {re.escape(name)}$", out, re.M)
    return int(m.group(1), 16) if m else None


def segment(binary, flags):
    """The (p_vaddr, p_filesz) of the PT_LOAD whose flags are flags ("RW", "R E")."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^\s*LOAD\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+" +
                  re.escape(flags) + r"\s", out, re.M)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def section(binary, name):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"\]\s+{re.escape(name)}\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def relocation_targets(binary):
    out = subprocess.run(["readelf", "-rW", binary], capture_output=True, text=True, check=True).stdout
    return [int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]{8,16})\s+[0-9a-f]+\s+R_X86_64_RELATIVE", out, re.M)]


def first_calls(binary, n):
    r = subprocess.run(["strace", "-qq", "-e", "signal=none", binary, "--version"], capture_output=True, text=True)
    return [l for l in r.stderr.splitlines() if l and not l.startswith("execve(")][:n]


def problems(binary):
    calls = [CALL.match(c) for c in first_calls(binary, 3)]
    if len(calls) < 3 or not all(calls):
        return [f"{binary}: first calls {first_calls(binary, 3)!r}, not the three populates"]
    (w_at, w_len), (s_at, s_len), (b_at, b_len) = [(int(m.group(1), 16), int(m.group(2))) for m in calls]
    rw = segment(binary, "RW")
    edata, written = symbol(binary, "_edata"), section(binary, "lx_start_written")
    bss = symbol(binary, "__bss_start")
    targets = relocation_targets(binary)
    if not rw or edata is None or bss is None or not written or not targets:
        return [f"{binary}: no segments, _edata, lx_start_written or relocations to check against"]
    base = w_at - (rw[0] & ~(PAGE - 1))  # the load bias
    bad = [f"{binary}: relocation target {t:#x} outside the populated range" for t in targets
           if not w_at <= base + t < w_at + w_len]
    if not (w_at <= base + written[0] and base + written[0] + written[1] <= w_at + w_len):
        bad.append(f"{binary}: lx_start_written ({written[0]:#x}, {written[1]} bytes) not within the populated range")
    if w_at + w_len > base + ((edata + PAGE - 1) & ~(PAGE - 1)):
        bad.append(f"{binary}: the populated range goes past _edata's page into .bss")
    if b_at != base + (bss & ~(PAGE - 1)) - PAGE or b_len < 2 * PAGE:
        bad.append(f"{binary}: the populate ({b_at:#x}, {b_len}) is not the two pages before __bss_start")
    if s_len < STACK_MIN or s_at < 0x7f0000000000:
        bad.append(f"{binary}: the stack's populate ({s_at:#x}, {s_len}) is not {STACK_MIN} bytes or more of it")
    return bad[:5]


def main():
    return checkmain("start_pages_populated", problems, [a for a in sys.argv[1:] if a != "--self-test"])


if __name__ == "__main__":
    sys.exit(main())

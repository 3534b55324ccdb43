#!/usr/bin/env python3
"""The fast path's GUESTFS calls run on the guest's FS and with the guest's vector
registers live (the stub saves neither: trap/fast.c).  So every function reachable
from lx_trap_fast_guestfs and from the handlers of the table's GUESTFS lines must
use no vector or x87 register, no FS-relative access (lxrun's TLS or errno), and
no call the binary cannot follow -- except the two indirect calls whose targets
are known: lx_dispatch_guestfs's call through the table (to those handlers) and sys_write's
to an emulated file's ops (declined before: lx_trap_fast_guestfs sends an fd with
an lxrun object behind it to lxrun's FS).

usage: guestfs_vector_free.py SOURCE_DIR LXRUN [--self-test]
--self-test plants a vector instruction and an FS access in a copy of the listing
and fails unless both are found."""
import re
import subprocess
import sys

ROOT = "lx_trap_fast_guestfs"
INDIRECT_OK = {"lx_dispatch_guestfs", "sys_write"}
FORBIDDEN = re.compile(r"%[xyz]mm\d|%st\b|%st\(|%k[0-7]\b|%fs:|\bv?ldmxcsr\b|\bf[a-z]+\s")


def guestfs_handlers(src):
    names = []
    with open(f"{src}/syscalls/table.def") as f:
        for line in f:
            m = re.match(r"SC\(\s*\d+,\s*(\w+),.*?\),\s*(\w+),\s*\w+,\s*[\w|]+,\s*([\w|]+),", line)
            if m and "GUESTFS" in m.group(3).split("|"):
                names.append(m.group(2))
    return names


def functions(listing):
    """name -> list of instruction texts, from objdump -d --no-show-raw-insn."""
    funcs, cur = {}, None
    for line in listing.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            cur = funcs.setdefault(m.group(1), [])
            continue
        if cur is not None and re.match(r"^\s+[0-9a-f]+:\t", line):
            cur.append(line.split("\t", 1)[1].strip())
    return funcs


def problems(funcs, roots):
    seen, todo, bad = set(), list(roots), []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        body = funcs.get(name)
        if body is None:
            bad.append(f"{name}: not in the binary")
            continue
        for insn in body:
            if FORBIDDEN.search(insn):
                bad.append(f"{name}: {insn}")
            m = re.match(r"(?:call|jmp)\w*\s+[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>", insn)
            if m and not m.group(2) and m.group(1) != name:
                todo.append(m.group(1))
            elif m and m.group(2) and insn.startswith("call"):
                bad.append(f"{name}: call into the middle of {m.group(1)}")
            elif re.match(r"(call|jmp)\w*\s+\*", insn) and name not in INDIRECT_OK and not insn.startswith("jmp"):
                bad.append(f"{name}: indirect call {insn}")
    return seen, bad


def main():
    self_test = "--self-test" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    src, lxrun = args
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", lxrun], capture_output=True, text=True,
                             check=True).stdout
    funcs = functions(listing)
    roots = [ROOT] + guestfs_handlers(src)
    if self_test:
        funcs["sys_read"] = funcs["sys_read"] + ["movdqu %xmm0,(%rax)", "mov %fs:0x28,%rax"]
        _, bad = problems(funcs, roots)
        want = [b for b in bad if "xmm0" in b or "%fs:" in b]
        if len(want) < 2:
            print(f"FAIL: the planted vector and FS accesses were not both found: {bad}")
            return 1
        print("ok: planted vector and FS accesses found")
        return 0
    seen, bad = problems(funcs, roots)
    if len(roots) < 5 or ROOT not in seen:
        print(f"FAIL: roots not found: {roots}")
        return 1
    if bad:
        print("FAIL: the GUESTFS path touches what the stub does not save or switch:")
        print("\n".join(bad[:40]))
        return 1
    print(f"ok: {len(seen)} functions reachable from {len(roots)} roots, none uses a vector register or FS")
    return 0


if __name__ == "__main__":
    sys.exit(main())

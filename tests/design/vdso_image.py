#!/usr/bin/env python3
"""lxrun's vDSO image (ldso/vdso_image.c, built as lxrun-vdso.so) as lxrun maps it
and as glibc's and musl's loaders read it: one read+execute PT_LOAD at offset and
address 0 (it is copied in as it is), a read-only PT_DYNAMIC, no relocations, the
SysV and GNU hash tables (musl reads DT_HASH), soname linux-vdso.so.1, and exactly
the kernel's x86-64 exports, each versioned LINUX_2.6.  And vdso_data.h's system
call numbers (LX_VDSO_NRS) are table.def's for those names.

usage: vdso_image.py SOURCE_DIR IMAGE [--self-test]
--self-test runs the checks on a library that is no vDSO (libc.so.6) and fails
unless they fail."""
import re
import subprocess
import sys

EXPORTS = {f"{p}{n}" for n in ("clock_gettime", "gettimeofday", "time", "getcpu", "clock_getres")
           for p in ("", "__vdso_")}
NR_NAMES = ["clock_gettime", "gettimeofday", "time", "getcpu", "clock_getres"]  # enum lx_vdso_fn's order


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], capture_output=True, text=True, check=True).stdout


def problems(src, image):
    bad = []
    loads = re.findall(r"^\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+(.{3})", readelf("-l", image), re.M)
    if len(loads) != 1 or int(loads[0][0], 16) != 0 or int(loads[0][1], 16) != 0 or loads[0][2] != "R E":
        bad.append(f"PT_LOAD segments {loads}: want one, R E, at offset and address 0")
    dyn = re.findall(r"^\s+DYNAMIC\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(.{3})", readelf("-l", image), re.M)
    if dyn != ["R  "]:
        bad.append(f"PT_DYNAMIC flags {dyn}: want read-only")
    if "There are no relocations" not in readelf("-r", image):
        bad.append("relocations present")
    d = readelf("-d", image)
    for tag in ("(HASH)", "(GNU_HASH)", "(VERDEF)", "(VERSYM)"):
        if tag not in d:
            bad.append(f"no {tag} in the dynamic section")
    if "Library soname: [linux-vdso.so.1]" not in d:
        bad.append("soname is not linux-vdso.so.1")
    syms = {}
    for m in re.finditer(r"^\s+\d+: [0-9a-f]+\s+\d+\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)$", readelf("--dyn-syms", image), re.M):
        typ, bind, ndx, name = m.groups()
        if bind in ("GLOBAL", "WEAK") and ndx != "UND" and typ == "FUNC":
            syms[name] = True
    want = {f"{n}@@LINUX_2.6" for n in EXPORTS}
    if set(syms) != want:
        bad.append(f"exports {sorted(syms)}, want {sorted(want)}")
    with open(f"{src}/ldso/vdso_data.h") as f:
        m = re.search(r"#define LX_VDSO_NRS \{([^}]*)\}", f.read())
    nrs = [int(x) for x in m.group(1).split(",")] if m else []
    table = {}
    with open(f"{src}/syscalls/table.def") as f:
        for line in f:
            t = re.match(r"SC\(\s*(\d+),\s*(\w+),", line)
            if t:
                table[t.group(2)] = int(t.group(1))
    if nrs != [table[n] for n in NR_NAMES]:
        bad.append(f"LX_VDSO_NRS {nrs}, table.def says {[table[n] for n in NR_NAMES]}")
    return bad


def main():
    self_test = "--self-test" in sys.argv
    src, image = [a for a in sys.argv[1:] if a != "--self-test"]
    if self_test:
        bad = problems(src, "/usr/lib/x86_64-linux-gnu/libc.so.6")
        if len(bad) < 3:
            print(f"FAIL: libc.so.6 passed as a vDSO image: {bad}")
            return 1
        print(f"ok: libc.so.6 is no vDSO image ({len(bad)} problems found)")
        return 0
    bad = problems(src, image)
    if bad:
        print("FAIL: " + "\n".join(bad))
        return 1
    print(f"ok: {image}: one R E segment at 0, read-only dynamic, no relocations, {len(EXPORTS)} LINUX_2.6 exports")
    return 0


if __name__ == "__main__":
    sys.exit(main())

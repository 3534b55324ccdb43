#!/usr/bin/env python3
"""The fast path's GUESTFS calls run on the guest's FS (the stub does not switch it:
trap/fast.c), and those whose line has no VECTORS also with the guest's vector
registers live (the stub does not save them); the trap serves the same calls on
the guest's FS too (lx_trap_syscall_guestfs, trap/sud.c).  So every function
reachable from those two and from the handlers of the table's GUESTFS lines must use no
FS-relative access (lxrun's TLS or errno) and make no call the binary cannot
follow; and every function reachable from lx_trap_fast_guestfs and the handlers
without VECTORS must also use no vector or x87 register and no libc string
function (each is chosen at start-up among vector variants: an IFUNC).

The functions of section lx_guest_callable (rx_guest_time's, which lxrun's vDSO
calls in the guest's context) must use no FS either, and call nothing outside their
section but through their pointers to the host's vDSO: a signal that lands in that
section is delivered as in guest code (trap/sud.c).

Not followed: lx_fs_call, the way out that switches FS for what its caller hands
it.  Followed: an IFUNC's call through the PLT, to every variant its resolver can
pick.  Allowed indirect calls, whose targets are known: lx_dispatch_guestfs's,
lx_dispatch_quick's and quick_may_wait's through the table (to those handlers;
the quick ones to lines without VECTORS), sys_write's and the vectored calls'
(lx_vector_io, inlined in sys_writev) to an emulated file's ops (declined before:
lx_trap_fast_guestfs sends an fd with an lxrun object behind it to lxrun's FS) and guestfs_now_ns's to the guest-callable clock_gettime (with a
report, GUESTFS calls are timed on the guest's FS and vector state): so the
functions of lx_guest_callable must use no vector register either.

usage: guestfs_vector_free.py SOURCE_DIR LXRUN [--self-test]
--self-test plants a vector instruction, an FS access and (with glibc) an IFUNC call, and a
vector instruction in a VECTORS handler, and fails unless exactly the forbidden
ones are found."""
import re
import subprocess
import sys

ROOT = "lx_trap_fast_guestfs"
TRAP_ROOT = "lx_trap_syscall_guestfs"  # the trap's way to the same calls (its frame keeps the vectors)
INDIRECT_OK = {"lx_dispatch_guestfs", "lx_dispatch_quick", "quick_may_wait", "sys_write", "sys_writev", "lx_vector_io",
               "guestfs_now_ns"}
GUEST_CALLABLE = "lx_guest_callable"
NOT_FOLLOWED = {"lx_fs_call"}
# an x87 mnemonic only where the instruction starts (a target address such as
# "fcea" is hex, not an instruction)
VECTOR = re.compile(r"%[xyz]mm\d|%st\b|%st\(|%k[0-7]\b|\bv?ldmxcsr\b|^f[a-z]+\s")
FS = re.compile(r"%fs:")


def guestfs_handlers(src):
    """(handler, uses vectors) for each GUESTFS line."""
    out = []
    with open(f"{src}/syscalls/table.def") as f:
        for line in f:
            m = re.match(r"SC\(\s*\d+,\s*(\w+),.*?\),\s*(\w+),\s*\w+,\s*[\w|]+,\s*([\w|]+),", line)
            if m and "GUESTFS" in m.group(3).split("|"):
                out.append((m.group(2), "VECTORS" in m.group(3).split("|")))
    return out


class Binary:
    """Functions by address (static functions of different files may share a name)."""

    def __init__(self, listing, relocs):
        self.funcs, self.name_at, self.insn_at, self.by_name, self.section_of = {}, {}, {}, {}, {}
        cur, section = None, None
        for line in listing.splitlines():
            m = re.match(r"^Disassembly of section (\S+):$", line)
            if m:
                section = m.group(1)
                continue
            m = re.match(r"^([0-9a-f]+) <([^>]+)>:$", line)
            if m:
                cur = int(m.group(1), 16)
                self.funcs[cur] = []
                self.name_at[cur] = m.group(2)
                self.section_of[cur] = section
                self.by_name.setdefault(m.group(2), cur)
                continue
            m = re.match(r"^\s+([0-9a-f]+):\t(.*)$", line)
            if m:
                text = m.group(2).strip()
                self.insn_at[int(m.group(1), 16)] = text
                if cur is not None:
                    self.funcs[cur].append(text)
        # GOT slot -> resolver address, from the IFUNCs' IRELATIVE relocations
        self.irelative = {}
        for line in relocs.splitlines():
            f = line.split()
            if len(f) >= 4 and f[2] == "R_X86_64_IRELATIVE":
                self.irelative[int(f[0], 16)] = int(f[3], 16)

    def ifunc_variants(self, plt):
        """The functions an IFUNC's PLT entry at plt can reach, or None if it is not one."""
        m = re.match(r"jmp\s+\*0x[0-9a-f]+\(%rip\)\s+# ([0-9a-f]+)", self.insn_at.get(plt, ""))
        resolver = self.irelative.get(int(m.group(1), 16)) if m else None
        if resolver not in self.funcs:
            return None
        return sorted({int(v, 16) for insn in self.funcs[resolver]
                       for v in re.findall(r"lea\s.*# ([0-9a-f]+) <[^>+]+>$", insn)} & self.funcs.keys())

    def guest_callable(self):
        return [self.name_at[a] for a in self.funcs if self.section_of.get(a) == GUEST_CALLABLE]

    def leaves_section(self, names):
        """Direct calls and jumps from the functions named to functions elsewhere."""
        out = []
        for n in names:
            at = self.by_name[n]
            for insn in self.funcs[at]:
                m = re.match(r"(call|jmp)\w*\s+([0-9a-f]+) <([^>+]+)", insn)
                if m and int(m.group(2), 16) in self.funcs and self.section_of.get(int(m.group(2), 16)) != GUEST_CALLABLE:
                    out.append(f"{n}: leaves {GUEST_CALLABLE}: {insn}")
        return out

    def problems(self, roots, forbidden, ifuncs_ok, indirect_ok=frozenset()):
        todo = [self.by_name[r] for r in roots if r in self.by_name]
        seen, bad, parent = set(), [f"{r}: not in the binary" for r in roots if r not in self.by_name], {}
        stop = {self.by_name[n] for n in NOT_FOLLOWED if n in self.by_name}

        def found(at, what):
            chain, n = [], parent.get(at)
            while n is not None and len(chain) < 8:
                chain.append(self.name_at[n])
                n = parent.get(n)
            bad.append(f"{self.name_at[at]}: {what}   [from {' <- '.join(chain) or 'a root'}]")

        def reach(frm, to):
            if to not in seen and to not in parent:
                parent[to] = frm
            todo.append(to)

        while todo:
            at = todo.pop()
            if at in seen or at in stop:
                continue
            seen.add(at)
            name = self.name_at[at]
            for insn in self.funcs[at]:
                if forbidden.search(insn):
                    found(at, insn)
                m = re.match(r"(call|jmp)\w*\s+([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>", insn)
                target = int(m.group(2), 16) if m else None
                if m and target in self.funcs and target != at:
                    reach(at, target)
                elif m and m.group(4):
                    variants = self.ifunc_variants(target)
                    if variants is not None and ifuncs_ok:
                        for v in variants:
                            reach(at, v)
                    elif variants is not None:
                        found(at, f"libc IFUNC (vector variants): {insn}")
                    elif m.group(1) == "call":
                        found(at, f"call into the middle of {m.group(3)}")
                elif re.match(r"call\w*\s+\*", insn) and name not in INDIRECT_OK and name not in indirect_ok:
                    found(at, f"indirect call {insn}")
        return {self.name_at[a] for a in seen}, bad


def check(binary, handlers):
    every = [ROOT, TRAP_ROOT] + [h for h, _ in handlers]
    callable_ = binary.guest_callable()
    vector_free = [ROOT] + [h for h, vec in handlers if not vec]
    seen_fs, bad_fs = binary.problems(every + callable_, FS, True, frozenset(callable_))
    seen_vec, bad_vec = binary.problems(vector_free, VECTOR, False)
    # the section's own code (it calls nothing outside it: leaves_section)
    bad_vec += [f"{n}: {i}" for n in callable_ for i in binary.funcs[binary.by_name[n]] if VECTOR.search(i)]
    return seen_fs, seen_vec, bad_fs + bad_vec + binary.leaves_section(callable_)


def main():
    self_test = "--self-test" in sys.argv
    src, lxrun = [a for a in sys.argv[1:] if a != "--self-test"]
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", lxrun], capture_output=True, text=True,
                             check=True).stdout
    relocs = subprocess.run(["readelf", "-rW", lxrun], capture_output=True, text=True, check=True).stdout
    binary = Binary(listing, relocs)
    handlers = guestfs_handlers(src)
    if self_test:
        plt = next((a for a in binary.insn_at if binary.ifunc_variants(a)), None)
        vec = next((h for h, v in handlers if v), None)
        if vec is None:
            print("FAIL: no VECTORS handler to plant into")
            return 1
        # IFUNCs are glibc's: lxrun linked with musl has none, and nothing to plant
        binary.funcs[binary.by_name["sys_read"]] += [
            "movdqu %xmm0,(%rax)", "mov %fs:0x28,%rax"] + ([f"call   {plt:x} <_init+0x1>"] if plt else [])
        binary.funcs[binary.by_name[vec]] += ["movdqu %xmm1,(%rax)"]
        gc = binary.guest_callable()
        if not gc:
            print(f"FAIL: no function in {GUEST_CALLABLE} to plant into")
            return 1
        main_at = binary.by_name["main"]
        binary.funcs[binary.by_name[gc[0]]] += ["mov %fs:0x10,%rdx", f"call   {main_at:x} <main>", "movups %xmm2,(%rbx)"]
        _, _, bad = check(binary, handlers)
        want = [any("xmm0" in b for b in bad), any("%fs:" in b and "sys_read" in b for b in bad),
                plt is None or any("IFUNC" in b for b in bad), any("%fs:0x10" in b for b in bad),
                any(f"leaves {GUEST_CALLABLE}" in b for b in bad), any("xmm2" in b for b in bad)]
        if not all(want) or any("xmm1" in b for b in bad):
            print(f"FAIL: planted vector, FS, IFUNC, guest-callable FS, call, vector found: {want}; "
                  f"allowed one flagged: {bad}")
            return 1
        planted = "vector, FS and IFUNC uses" if plt else "vector and FS uses (no IFUNC in this binary to plant)"
        print(f"ok: planted {planted} found, and a guest-callable function's FS use, vector use and call out of its section; "
              "a VECTORS handler's vector use allowed")
        return 0
    seen_fs, seen_vec, bad = check(binary, handlers)
    if len(handlers) < 5 or ROOT not in seen_vec or len(binary.guest_callable()) < 3:
        print(f"FAIL: roots not found: {handlers}, {GUEST_CALLABLE}: {binary.guest_callable()}")
        return 1
    if bad:
        print("FAIL: the GUESTFS path touches what the stub does not save or switch:")
        print("\n".join(bad[:40]))
        return 1
    print(f"ok: {len(seen_fs)} functions reachable from {len(handlers) + 2} roots and {GUEST_CALLABLE} use no FS; "
          f"the {len(seen_vec)} reachable without VECTORS use no vector register")
    return 0


if __name__ == "__main__":
    sys.exit(main())

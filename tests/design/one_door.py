#!/usr/bin/python3
"""one_door.py — DESIGN invariants 1 and 8, checked on the source tree.

  1. One door to the OS: no raw Linux system call (syscall(), __NR_x, SYS_x)
     outside redox/host-linux.c and trap/.
  Layering: procfs/ includes nothing of vfs-map/ or syscalls/ (it is handed
     what it needs), process/ nothing of vfs-map/, syscalls/ or procfs/.
  8. Linux values stop at abi/: the code that handles guest values (syscalls/,
     vfs-map/, procfs/, ldso/, loader/, report/, guestmem/, process/, lxrun.c)
     includes no host libc header that defines guest-visible types or values;
     Linux's come from abi/, Redox's from redox/rx.h.  Allowed: the C library's
     own facilities (strings, stdio, integers, varargs, limits), <errno.h> (Redox's
     error numbers are Linux's: relibc src/header/errno), <elf.h> and libelf (the
     ELF file format, not the kernel's ABI), <zlib.h> (the gzip format).

    one_door.py ROOT          checks the tree at ROOT (exit 1 and one line per violation)
    one_door.py --self-test   plants one violation of each kind in a copy and
                              checks that both are found (so the check is not vacuous)

NOT_YET lists the files still known to break invariant 8, each with what is left;
a violation anywhere else fails, and so does an entry here that no longer breaks it
(the list may only shrink)."""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkmain  # noqa: E402

CHECKED = ['syscalls', 'vfs-map', 'procfs', 'ldso', 'loader', 'report', 'guestmem', 'process', 'lxrun.c']
RAW_SYSCALL = re.compile(r'\bsyscall\s*\(|\b__NR_|\bSYS_[a-z]')
COMMENT = re.compile(r'^\s*(//|\*|/\*)')
INCLUDE = re.compile(r'^\s*#\s*include\s*<([^>]+)>')
ALLOWED = {'string.h', 'stdio.h', 'stdint.h', 'stddef.h', 'stdlib.h', 'stdarg.h', 'stdbool.h', 'limits.h',
           'errno.h', 'elf.h', 'libelf.h', 'gelf.h', 'zlib.h'}
NOT_YET = {}

# Layering the design names: procfs is handed what it needs and never calls vfs-map
# back; process/ (the kernel objects) depends on neither.
NO_INCLUDE = {'procfs': ('vfs-map/', 'syscalls/'), 'process': ('vfs-map/', 'syscalls/', 'procfs/')}


def sources(root):
    for top in CHECKED:
        path = os.path.join(root, top)
        if os.path.isfile(path):
            yield top, path
        for d, _, files in os.walk(path):
            for f in files:
                if f.endswith(('.c', '.h')):
                    full = os.path.join(d, f)
                    yield os.path.relpath(full, root), full


def violations(root):
    out, seen = [], set()
    for rel, path in sources(root):
        with open(path, errors='replace') as f:
            for n, line in enumerate(f, 1):
                if COMMENT.match(line):
                    continue
                if RAW_SYSCALL.search(line):
                    out.append(f'{rel}:{n}: raw system call outside redox/ and trap/: {line.strip()}')
                top = rel.split('/')[0]
                for bad in NO_INCLUDE.get(top, ()):
                    if re.match(r'^\s*#\s*include\s*"(\.\./)?' + re.escape(bad), line):
                        out.append(f'{rel}:{n}: {top}/ must not include {bad} (the design\'s layering)')
                m = INCLUDE.match(line)
                if m and m.group(1) not in ALLOWED:
                    if rel in NOT_YET:
                        seen.add(rel)
                    else:
                        out.append(f'{rel}:{n}: host header <{m.group(1)}> outside abi/ and the backend')
    for rel in NOT_YET:
        if rel not in seen:
            out.append(f'{rel}: listed in NOT_YET but includes no host header any more: take it off the list')
    return out


def self_test(root):
    tmp = checkmain.copy_dirs(root, CHECKED)
    try:
        clean = violations(tmp)
        if clean:
            return [f'the copy is not clean to begin with: {clean[0]}']
        with open(os.path.join(tmp, 'syscalls', 'time.c'), 'a') as f:
            f.write('\n#include <sys/mman.h>\n')
        with open(os.path.join(tmp, 'procfs', 'open.c'), 'a') as f:
            f.write('\nstatic long planted(void) { return syscall(SYS_getpid); }\n')
        with open(os.path.join(tmp, 'procfs', 'task.c'), 'a') as f:
            f.write('\n#include "../vfs-map/vfs.h"\n')
        found = violations(tmp)
        missing = []
        if not any('syscalls/time.c' in v and '<sys/mman.h>' in v for v in found):
            missing.append('the planted <sys/mman.h> in syscalls/time.c was not found')
        if not any('procfs/open.c' in v and 'raw system call' in v for v in found):
            missing.append('the planted syscall() in procfs/open.c was not found')
        if not any('procfs/task.c' in v and 'layering' in v for v in found):
            missing.append('the planted include of vfs-map in procfs/task.c was not found')
        return missing
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    listed = f' (still listed: {", ".join(sorted(NOT_YET))})' if NOT_YET else ''
    checkmain.main(__doc__, violations, self_test,
                   lambda root: 'ok: no raw system call outside redox/ and trap/; no host ABI header outside abi/'
                   + listed)


if __name__ == '__main__':
    main()

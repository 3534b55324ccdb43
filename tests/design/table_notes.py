#!/usr/bin/python3
"""table_notes.py — every note in syscalls/table.def says something true.

  * A TRANSLATED, EMULATED or PARTIAL line has a handler that exists in syscalls/
    (an unsupported one is answered by nosys: unit.table checks that side).
  * A note naming a Redox operation ("Redox fstat", "Redox mmap/fmap", "redox_x_v1",
    "rx_x") is matched by the handler reaching rx_<operation> (any of the names
    between slashes) itself or through static helpers in syscalls/, vfs-map/ and
    procfs/; a note saying "files" ("Redox files") is about the Redox file model and
    is not an operation name.  So a note cannot claim an rx call the code does not
    make (sched_yield said "Redox sched_yield" and returned 0).

    table_notes.py ROOT               (exit 1 with one line per false note)
    table_notes.py --self-test ROOT   makes sched_yield's handler stop calling
                                      rx_sched_yield in a copy; the check must fail"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkmain  # noqa: E402

SC_RE = re.compile(r'^SC\(\s*(\d+),\s*(\w+),\s*A\d\([^)]*\),\s*(\w+),\s*(\w+),\s*([\w|]+),\s*([\w|]+),\s*"(.*)"\)\s*$')
NOT_OPS = {'files', 'updates', 'has', 'semantics', 'keeps', 'cannot'}
SEARCHED = ['syscalls', 'vfs-map', 'procfs', 'process', 'abi']


def functions(root):
    """name -> body text, for every function defined in the searched directories."""
    defs = {}
    head = re.compile(r'^(?:static[ \t]+)?(?:inline[ \t]+)?(?:_Noreturn[ \t]+)?[\w \t\*]+?\b(\w+)[ \t]*\(([^;{}()]*)\)\s*\{', re.M)
    for top in SEARCHED:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if not f.endswith(('.c', '.h')):
                    continue
                text = open(os.path.join(d, f), errors='replace').read()
                for m in head.finditer(text):
                    depth, i = 1, m.end()
                    while depth and i < len(text):
                        depth += {'{': 1, '}': -1}.get(text[i], 0)
                        i += 1
                    defs.setdefault(m.group(1), text[m.end():i])
    return defs


def reaches(defs, fn, depth=6):
    """Every identifier called from fn, through the functions defined here."""
    seen, todo, calls = set(), [(fn, 0)], set()
    while todo:
        name, d = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        # a function handed to lx_fs_call (the switch to lxrun's FS) is called by it
        for c in re.findall(r'\b(\w+)\s*\(', defs[name]) + re.findall(r'\blx_fs_call\s*\(\s*(\w+)', defs[name]):
            calls.add(c)
            if d < depth:
                todo.append((c, d + 1))
    return calls


def reached(op, calls):
    """op names an rx call the handler makes: rx_<op> itself or a variant of it
    (rx_renameat for "rename", rx_open_beneath for "open", rx_futex_wait for
    "futex"), underscores aside (redox_get_pid_v1 is rx_getpid)."""
    want = op.replace('_', '')
    return any(c.startswith('rx_') and c[3:].replace('_', '').startswith(want) for c in calls)


def claimed_ops(note):
    ops = []
    for m in re.finditer(r'\bRedox ([a-z_0-9/]+)', note):
        words = [w for w in m.group(1).split('/') if w and w not in NOT_OPS]
        if words:
            ops.append(words)
    for m in re.finditer(r'\b(rx_[a-z_0-9]+)', note):
        ops.append([m.group(1)[3:]])
    for m in re.finditer(r'\bredox_([a-z_]+?)_v\d\b', note):
        ops.append([m.group(1)])
    return ops


def check(root):
    defs = functions(root)
    problems, checked = [], 0
    for line in open(os.path.join(root, 'syscalls', 'table.def')):
        m = SC_RE.match(line)
        if not m:
            continue
        nr, name, fn, status, _cls, _flags, note = m.groups()
        if status in ('UNSUPPORTED', 'ABSENT', 'NOT_IN_LINUX'):
            continue
        if fn not in defs:
            problems.append(f'{name}: handler {fn} is not defined in {", ".join(SEARCHED)}')
            continue
        calls = reaches(defs, fn)
        for alternatives in claimed_ops(note):
            checked += 1
            if not any(reached(op, calls) for op in alternatives):
                problems.append(f'{name}: the note says Redox {"/".join(alternatives)}, but {fn} never reaches '
                                f'{" or ".join("rx_" + op for op in alternatives)}: "{note}"')
    return problems, checked


def self_test(root):
    import shutil
    tmp = checkmain.copy_dirs(root, SEARCHED)
    try:
        ids = os.path.join(tmp, 'syscalls', 'sched.c')
        text = open(ids).read()
        planted = text.replace('return rx_sched_yield();', 'return 0;')
        if planted == text:
            return ['could not plant: sys_sched_yield no longer reads "return rx_sched_yield();"']
        open(ids, 'w').write(planted)
        problems, _ = check(tmp)
        return [] if any(p.startswith('sched_yield:') for p in problems) else ['the planted false note was not found']
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    checkmain.main(__doc__, lambda root: check(root)[0], self_test,
                   lambda root: f'ok: {check(root)[1]} Redox operations named in notes, each reached by its handler')


if __name__ == '__main__':
    main()

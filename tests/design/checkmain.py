"""checkmain.py — the command line the design checks share:

    SCRIPT ROOT               check the tree at ROOT: one line per problem, exit 1
    SCRIPT --self-test ROOT   plant violations in a copy; fail unless they are found"""
import os
import shutil
import sys
import tempfile


def copy_dirs(root, dirs):
    """A temporary copy of root's dirs (and files) to plant violations in; the caller removes it."""
    tmp = tempfile.mkdtemp(prefix='lxrun-design-')
    for top in dirs:
        src = os.path.join(root, top)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(tmp, top))
        elif os.path.isfile(src):
            shutil.copy(src, os.path.join(tmp, top))
    return tmp


def main(doc, check, self_test, ok):
    """check(root) and self_test(root) return a list of problems; ok(root) the line
    printed when there are none."""
    if len(sys.argv) == 3 and sys.argv[1] == '--self-test':
        problems, line = self_test(sys.argv[2]), 'ok: every planted violation was found'
    elif len(sys.argv) == 2:
        problems = check(sys.argv[1])
        line = ok(sys.argv[1]) if not problems else ''
    else:
        sys.exit(doc)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(line)

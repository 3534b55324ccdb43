"""casekit.py — the small harness shared by the Python-driven ctest suites:
a case registry, failures that name the broken expectation, and running one case
in a fresh temporary directory."""
import re
import shutil
import sys
import tempfile

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run_case(suite, name, make_env):
    """Runs CASES[name](make_env(tmpdir)); prints ok/FAIL and exits 1 on failure."""
    if name not in CASES:
        sys.exit(f'unknown case {name}')
    tmp = tempfile.mkdtemp(prefix=f'lxrun-{suite}-{name}-')
    try:
        CASES[name](make_env(tmp))
    except Failure as f:
        print(f'FAIL {suite}.{name}: {f}')
        sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'ok {suite}.{name}')


SC_RE = re.compile(r'^SC\(\s*(\d+),\s*(\w+),\s*A\d\([^)]*\),\s*(\w+),\s*(\w+),\s*([\w|]+),')


def read_table(path):
    """{name: (number, status, set of trace classes)} from syscalls/table.def."""
    table = {}
    with open(path) as f:
        for line in f:
            m = SC_RE.match(line)
            if m:
                nr, name, _fn, status, classes = m.groups()
                table[name] = (int(nr), status.lower(), set() if classes == '0' else set(classes.split('|')))
    if len(table) < 300:
        raise Failure(f'only {len(table)} syscalls parsed from {path}')
    return table

"""casekit.py — the small harness shared by the Python-driven ctest suites:
a case registry, failures that name the broken expectation, and running one case
in a fresh temporary directory."""
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

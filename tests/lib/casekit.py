"""casekit.py — the small harness shared by the Python-driven ctest suites:
a case registry, failures that name the broken expectation, and running one case
in a fresh temporary directory."""
import re
import shutil
import subprocess
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


class Run:
    """One finished process: argv, rc, pid, out, err (decoded), err_lines."""

    def __init__(self, argv, cwd, env=None, timeout=20):
        try:
            p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise Failure(f'{argv} did not finish in {timeout} s')
        self.argv, self.rc, self.pid = argv, p.returncode, p.pid
        self.out = out.decode(errors='replace')
        self.err = err.decode(errors='replace')
        self.err_lines = self.err.splitlines()

    def __str__(self):
        err = self.err if len(self.err) < 6000 else self.err[:3000] + ' […] ' + self.err[-3000:]
        return f'argv {self.argv}\nexit {self.rc}\nstdout {self.out[:4000]!r}\nstderr {err!r}'


def suite_main(suite, doc, nargs, make_env):
    """`SCRIPT --list`, or `SCRIPT ARG… CASE` with nargs ARGs: make_env(args, tmp)."""
    if sys.argv[-1:] == ['--list']:
        print('\n'.join(CASES))
        return
    if len(sys.argv) != nargs + 2:
        sys.exit(doc)
    *args, name = sys.argv[1:]
    run_case(suite, name, lambda tmp: make_env(args, tmp))


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


SC_RE = re.compile(r'^SC\(\s*(\d+),\s*(\w+),\s*A\d\([^)]*\),\s*(\w+),\s*(\w+),\s*([\w|]+),\s*([\w|]+),')


def read_table(path):
    """{name: (number, status, set of trace classes)} from syscalls/table.def."""
    table = {}
    with open(path) as f:
        for line in f:
            m = SC_RE.match(line)
            if m:
                nr, name, _fn, status, classes, _flags = m.groups()
                status = status.lower().replace('_', '-')
                table[name] = (int(nr), status, set() if classes == '0' else set(classes.split('|')))
    if len(table) < 300:
        raise Failure(f'only {len(table)} syscalls parsed from {path}')
    return table


class Tally:
    """Checks that go on after one fails (the end-to-end suites: one run shows every
    difference): each printed as ok or FAIL with its detail, the failures kept."""

    def __init__(self):
        self.failures = []

    def expect(self, what, ok, detail=""):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures.append(what)
            if detail:
                print("     " + detail.replace("\n", "\n     "))

    def same(self, what, native, lxrun):
        self.expect(what, native == lxrun, f"native: {native!r:.600}\nlxrun:  {lxrun!r:.600}")

    def finish(self, name):
        print(f"{name}: {len(self.failures)} failed" if self.failures else f"{name}: all passed")
        sys.exit(1 if self.failures else 0)

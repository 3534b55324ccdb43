#!/usr/bin/python3
"""report_cases.py — lxrun --report=FILE.json and lxrun --check on real programs.

    report_cases.py LXRUN RGUEST SCHEMA TABLE_DEF CASE   runs one case (ctest: report.CASE)
    report_cases.py --list                               prints the case names

LXRUN is build/lxrun, RGUEST the musl-static guest built from rguest.c (its system
calls are known exactly), SCHEMA docs/report.schema.json (every report is validated
against it with python3-jsonschema), TABLE_DEF syscalls/table.def (each report row's
number and status must be the table's).  Programs for --check (PIE, non-PIE, a
missing library) are built with gcc in the case's temporary directory."""
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import case, check, Failure, read_table, Run, suite_main  # noqa: E402

LS = '/usr/bin/ls'
TRUE = '/usr/bin/true'
BUSYBOX = '/bin/busybox'
LDSO = '/lib64/ld-linux-x86-64.so.2'
GLIBC_DIRS = ('/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib')




# ---- runs ----

def strict_json(text):
    """json.loads, but NaN/Infinity and repeated keys are errors."""
    def no_dups(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError(f'repeated key in {keys}')
        return dict(pairs)

    def no_const(c):
        raise ValueError(f'{c} is not JSON')
    return json.loads(text, object_pairs_hook=no_dups, parse_constant=no_const)


class Env:
    def __init__(self, lxrun, rguest, schema, table, tmp):
        self.lxrun, self.rguest, self.tmp = lxrun, rguest, tmp
        self.schema_path, self.table_path = schema, table
        self._table = self._validator = None
        self.n = 0

    @property
    def table(self):
        if self._table is None:
            self._table = read_table(self.table_path)
        return self._table

    @property
    def validator(self):
        if self._validator is None:
            import jsonschema  # python3-jsonschema (scripts/deps.sh --tests)
            with open(self.schema_path) as f:
                schema = json.load(f)
            cls = jsonschema.validators.validator_for(schema)
            check(cls is jsonschema.Draft202012Validator, f'the schema is read as {cls.__name__}, not draft 2020-12')
            cls.check_schema(schema)
            self._validator = cls(schema)
        return self._validator

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data, mode=0o644):
        p = self.path(name)
        with open(p, 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.chmod(p, mode)
        return p

    def gcc(self, out, source, *flags):
        """gcc SOURCE (text) FLAGS -o out in the temporary directory; the output's path."""
        src = self.write(out + '.c', source)
        p = subprocess.run(['gcc', '-O1', '-o', self.path(out), src, *flags], cwd=self.tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        check(p.returncode == 0, f'gcc {out}.c {" ".join(flags)} failed:\n{p.stdout.decode(errors="replace")}')
        return self.path(out)

    def run(self, *args, env=None):
        return Run([self.lxrun, *args], self.tmp, env)

    def schema_errors(self, doc):
        return [f'{"/".join(map(str, e.absolute_path))}: {e.message}' for e in self.validator.iter_errors(doc)]

    def report(self, *argv, status=None, extra=()):
        """lxrun [extra] --report=FILE ARGV: the exit status (checked against `status`
        when given) and the report, which must be strict JSON valid against the
        schema and consistent with itself, the table and lxrun's exit status."""
        self.n += 1
        out = self.path(f'report{self.n}.json')
        r = self.run(*extra, f'--report={out}', *argv)
        check(0 <= r.rc < 128, f'lxrun itself died\n{r}')
        if status is not None:
            check(r.rc == status, f'expected exit {status}\n{r}')
        check(os.path.exists(out), f'no report written\n{r}')
        with open(out, 'rb') as f:
            raw = f.read()
        try:
            doc = strict_json(raw.decode('utf-8'))
        except ValueError as e:
            raise Failure(f'the report is not strict UTF-8 JSON ({e}):\n{raw[:3000]!r}\n{r}')
        errs = self.schema_errors(doc)
        check(not errs, f'the report of {argv} does not match {self.schema_path}:\n' + '\n'.join(errs[:20]))
        self.consistent(doc, r)
        return r, doc

    def consistent(self, doc, r):
        """What the documentation says the fields mean, checked on any report."""
        check(doc['schema_version'] == 1, f'schema_version {doc["schema_version"]}')
        check(doc['exit'] == {'status': r.rc, 'signal': None},
              f'exit {doc["exit"]} but lxrun exited with {r.rc} (no signal)')
        rows = doc['syscalls']
        nrs = [s['nr'] for s in rows]
        check(nrs == sorted(set(nrs)), f'syscalls[] not one row per number in order: {nrs}')
        for s in rows:
            want = self.table.get(s['name'])
            check(want is not None and want[:2] == (s['nr'], s['status']),
                  f'row {s} disagrees with table.def {want}')
            check(s['errors'] <= s['calls'], f'more errors than calls: {s}')
        t = doc['totals']
        check(t['calls'] == sum(s['calls'] for s in rows) and t['errors'] == sum(s['errors'] for s in rows),
              f'totals {t} are not the sums of syscalls[]')
        unsup = [s['name'] for s in rows if s['status'] == 'unsupported']
        check(doc['unsupported'] == unsup, f'unsupported {doc["unsupported"]}, rows say {unsup}')
        as_linux = [s['name'] for s in rows if s['status'] in ('absent', 'not-in-linux')]
        check(doc['enosys_as_linux'] == as_linux, f'enosys_as_linux {doc["enosys_as_linux"]}, rows say {as_linux}')
        for s in rows:
            if s['status'] in ('unsupported', 'absent', 'not-in-linux'):
                check(s['errors'] == s['calls'], f'a call answered ENOSYS succeeded: {s}')
        for p in doc['paths']:
            check(re.match(r'^/(proc|sys|dev)(/|$)', p['path']), f'paths[] holds {p["path"]!r}')
            check(p['count'] >= 1, f'paths[] entry never asked for: {p}')
        for p in doc['partial'] + doc['ioctls']:
            check(p['count'] >= 1, f'entry never counted: {p}')
        if unsup or t['unknown_numbers']:
            want = 'unsupported'
        elif doc['partial'] or doc['ioctls'] or any(not p['served'] for p in doc['paths']):
            want = 'degraded'
        else:
            want = 'ok'
        check(doc['verdict'] == want, f'verdict {doc["verdict"]!r}, the report\'s own lists say {want!r}')

    def check_run(self, *args, env=None):
        return self.run('--check', *args, env=env)


def readelf(*args):
    p = subprocess.run(['readelf', *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30)
    return p.stdout.decode(errors='replace')


def needed_of(path):
    """DT_NEEDED in file order, as readelf -d shows them."""
    return re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', readelf('-d', path))


def summary_counts(text):
    """{name: (calls, errors)} and (total calls, total errors) from a -c table."""
    rows, total = {}, None
    for line in text.splitlines():
        m = re.match(r'^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\S+)(?:\s+(\w+))?$', line)
        if not m:
            continue
        calls, errors, name = int(m[1]), int(m[2] or 0), m[3]
        if name == 'total':
            total = (calls, errors)
        else:
            rows[name] = (calls, errors)
    check(rows and total, f'no -c table in {text!r}')
    return rows, total


# ---- --report: the schema ----

@case
def schema_rejects(e):
    """The validator is not vacuous: the schema itself is draft 2020-12 and valid,
    and a real report altered in each of these ways fails it."""
    _, doc = e.report(e.rguest, 'served', status=0)
    bad = []
    for what, mutate in (
            ('schema_version 2', lambda d: d.__setitem__('schema_version', 2)),
            ('no totals', lambda d: d.pop('totals')),
            ('verdict "fine"', lambda d: d.__setitem__('verdict', 'fine')),
            ('exit.status 300', lambda d: d['exit'].__setitem__('status', 300)),
            ('a row with 0 calls', lambda d: d['syscalls'][0].__setitem__('calls', 0)),
            ('a row status "done"', lambda d: d['syscalls'][0].__setitem__('status', 'done')),
            ('interpreter 5', lambda d: d['program'].__setitem__('interpreter', 5)),
            ('needed [1]', lambda d: d['program'].__setitem__('needed', [1])),
            ('no trap', lambda d: d.pop('trap')),
            ('fs_switch "rdgsbase"', lambda d: d['trap'].__setitem__('fs_switch', 'rdgsbase')),
            ('a path without served', lambda d: d['paths'].append({'path': '/proc/x', 'count': 1}))):
        d = json.loads(json.dumps(doc))
        mutate(d)
        if not e.schema_errors(d):
            bad.append(what)
    check(not bad, f'the schema accepts reports with {bad}')


@case
def schema_many(e):
    """Reports of several real runs are valid and self-consistent: a dynamic and a
    static distro program, failing and succeeding, and the musl guest."""
    runs = ((LS, '-l', '/'), (LS, 'no-such-path'), (BUSYBOX, 'true'), (BUSYBOX, 'ls', '/'), (TRUE,),
            ('/usr/bin/cat', '/etc/passwd'), (e.rguest, 'counts'), (e.rguest, 'served'),
            ('/usr/bin/env',), ('/usr/bin/sort', '/etc/passwd'))
    for argv in runs:
        r, doc = e.report(*argv)
        check(doc['program']['path'] == argv[0], f'program.path {doc["program"]["path"]!r} for {argv}')
        check(doc['syscalls'] and doc['totals']['calls'] > 0, f'no calls recorded for {argv}')
        check(any(s['name'] == 'exit_group' for s in doc['syscalls']), f'no exit_group for {argv}')


# ---- --report: the program's identity ----

@case
def program_dynamic(e):
    """/usr/bin/ls: DYN, dynamic, PIE, the x86-64 ld.so, DT_NEEDED as readelf lists them."""
    _, doc = e.report(LS, e.tmp, status=0)
    p = doc['program']
    check(p['path'] == LS, f'path {p["path"]!r}')
    check(p.get('elf_type') == 'DYN' and p.get('static') is False and p.get('pie') is True, f'program {p}')
    check(p.get('interpreter') == LDSO, f'interpreter {p.get("interpreter")!r}')
    check('libc.so.6' in p.get('needed', []), f'needed {p.get("needed")}')
    want = needed_of(LS)
    check(want and p['needed'] == want, f'needed {p["needed"]}, readelf -d says {want}')


@case
def program_static(e):
    """/bin/busybox (static): EXEC, static, not PIE, interpreter null, needed []."""
    _, doc = e.report(BUSYBOX, 'true', status=0)
    p = doc['program']
    check(p == {'path': BUSYBOX, 'elf_type': 'EXEC', 'static': True, 'pie': False, 'interpreter': None,
                'needed': []}, f'program {p}')


@case
def program_pie_flags(e):
    """PIE and non-PIE glibc programs and a static-pie: elf_type and pie as the file says."""
    src = 'int main(void) { return 7; }\n'
    for name, flags, want in (('pie', ('-fPIE', '-pie'), ('DYN', False, True)),
                              ('nopie', ('-fno-PIE', '-no-pie'), ('EXEC', False, False)),
                              ('spie', ('-fPIE', '-static-pie'), ('DYN', True, True))):
        prog = e.gcc(name, src, *flags)
        _, doc = e.report(prog, status=7)
        p = doc['program']
        check((p.get('elf_type'), p.get('static'), p.get('pie')) == want,
              f'{name}: elf_type/static/pie {(p.get("elf_type"), p.get("static"), p.get("pie"))}, want {want}')
        check((p['interpreter'] is None) == want[1], f'{name}: interpreter {p["interpreter"]!r}')


@case
def program_script(e):
    """A #! script: program.path is the script, and there is no elf_type."""
    script = e.write('run.sh', '#!/bin/busybox sh\nexit 5\n', 0o755)
    _, doc = e.report('./run.sh', status=5)
    p = doc['program']
    check(p['path'] == './run.sh' and 'elf_type' not in p, f'program {p} for {script}')


@case
def program_path_lookup(e):
    """A name without '/' is looked up in PATH; program.path is the file found."""
    env = dict(os.environ, PATH='/nonexistent:/usr/bin')
    n = e.n = e.n + 1
    out = e.path(f'lookup{n}.json')
    r = e.run(f'--report={out}', 'true', env=env)
    check(r.rc == 0, str(r))
    with open(out) as f:
        doc = strict_json(f.read())
    check(not e.schema_errors(doc), f'{e.schema_errors(doc)}')
    check(doc['program']['path'] == '/usr/bin/true', f'program.path {doc["program"]["path"]!r}')


@case
def program_path_escaped(e):
    """A program path with a quote, a backslash, a tab, a newline and UTF-8 comes back intact."""
    name = 'we"ird\\ na\tme\né'
    dst = e.path(name)
    shutil.copy(e.rguest, dst)
    os.chmod(dst, 0o755)
    r, doc = e.report('./' + name, 'served', status=0)
    check(doc['program']['path'] == './' + name, f'program.path {doc["program"]["path"]!r}')
    check(r.out == 'served\n', str(r))


@case
def non_utf8_paths(e):
    """A program path and a /dev path holding bytes that are not UTF-8: the report
    is still UTF-8 JSON, each such byte a U+FFFD, the well-formed characters kept."""
    name = b'prog\xff\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xfe'
    dev = b'/dev/no-such\xc0\xaf\xc3\xa9\xed\xa0\x80'
    dst = os.path.join(e.tmp.encode(), name)
    shutil.copy(e.rguest, dst)
    os.chmod(dst, 0o755)
    out = e.path('u.json')
    r = Run([e.lxrun.encode(), f'--report={out}'.encode(), b'./' + name, b'marker', dev], e.tmp)
    check(r.rc == 5, f'the guest could open {dev!r}\n{r}')
    with open(out, 'rb') as f:
        raw = f.read()
    try:
        doc = strict_json(raw.decode('utf-8'))
    except ValueError as x:
        raise Failure(f'not UTF-8 JSON ({x}): {raw[:400]!r}')
    check(not e.schema_errors(doc), f'{e.schema_errors(doc)}')
    e.consistent(doc, r)
    want = (b'./' + name).decode('utf-8', 'replace')
    check(doc['program']['path'] == want, f'program.path {doc["program"]["path"]!r}, want {want!r}')
    want = dev.decode('utf-8', 'replace')
    check(any(p['path'] == want and not p['served'] for p in doc['paths']), f'paths {doc["paths"]}, want {want!r}')


# ---- --report: exit status ----

@case
def exit_status(e):
    """exit.status is ls's own: 2 for a missing path, 0 otherwise; the same as lxrun's."""
    r, doc = e.report(LS, 'no-such-path', status=2)
    check(doc['exit']['status'] == 2 and 'no-such-path' in r.err, f'{doc["exit"]}\n{r}')
    r, doc = e.report(LS, '/', status=0)
    check(doc['exit']['status'] == 0, f'{doc["exit"]}')
    _, doc = e.report(BUSYBOX, 'sh', '-c', 'exit 42', status=42)
    check(doc['exit'] == {'status': 42, 'signal': None}, f'{doc["exit"]}')


@case
def closed_fds(e):
    """The guest closes every fd it can (close_range(0, ~0U)) and exits 3: the report
    is still written, since lxrun's fd lies above the guest's floor."""
    _, doc = e.report(e.rguest, 'closeall', status=3)
    rows = {s['name']: s for s in doc['syscalls']}
    check('close_range' in rows and rows['close_range']['calls'] == 1 and rows['close_range']['errors'] == 0,
          f'close_range row {rows.get("close_range")}')
    check(doc['exit']['status'] == 3, f'{doc["exit"]}')
    # With -c to stderr as well: both survive.
    r, doc = e.report(e.rguest, 'closeall', status=3, extra=('-c',))
    check('close_range' in r.err and 'total' in r.err, f'-c table lost\n{r}')


@case
def killed_by_signal(e):
    """A guest that crashes still gets its report and trace end: exit status 139,
    signal SIGSEGV, the calls made before the crash counted; and lxrun dies of the
    same signal, as the program would natively."""
    out = e.path('crash.json')
    r = e.run('-o', e.path('trace.txt'), f'--report={out}', e.rguest, 'crash')
    check(r.rc == -11, f'lxrun should end by SIGSEGV like the program\n{r}')
    with open(out, 'rb') as f:
        doc = strict_json(f.read().decode('utf-8'))
    check(not e.schema_errors(doc), '\n'.join(e.schema_errors(doc)))
    check(doc['exit'] == {'status': 139, 'signal': 'SIGSEGV'}, f'{doc["exit"]}')
    rows = {s['name']: s for s in doc['syscalls']}
    check(rows.get('getppid', {}).get('calls') == 2, f'{rows.get("getppid")}')
    with open(e.path('trace.txt')) as f:
        last = f.read().rstrip('\n').split('\n')[-1]
    check(last == '+++ killed by SIGSEGV +++', f'last trace line {last!r}')


def killed_report(e, argv, sig, name, run=None):
    """ARGV ended by signal sig with its default action, run twice: with
    -c --report=JSON, then with -o TRACE.  lxrun dies of the signal each time, and
    the JSON report, the -c table (stderr) and the trace's last two lines
    ("--- SIG {...} ---", "+++ killed by SIG +++") are all written.  run(argv) runs
    it when the signal must come from outside.  The report's rows."""
    out, trace = e.path(f'{name}.json'), e.path(f'{name}.trace')
    runs = []
    for opts in (['-c', f'--report={out}'], ['-o', trace]):
        full = [e.lxrun, *opts, *argv]
        r = run(full) if run else Run(full, e.tmp)
        check(r.rc == -sig, f'lxrun should end by signal {sig} like the program\n{r}')
        runs.append(r)
    check(os.path.exists(out), f'no report written\n{runs[0]}')
    with open(out, 'rb') as f:
        doc = strict_json(f.read().decode('utf-8'))
    check(not e.schema_errors(doc), '\n'.join(e.schema_errors(doc)))
    check(doc['exit'] == {'status': 128 + sig, 'signal': name}, f'{doc["exit"]}')
    check(re.search(r'^100\.00 .* total$', runs[0].err, re.M), f'no -c table on stderr\n{runs[0]}')
    with open(trace) as f:
        last = f.read().rstrip('\n').split('\n')[-2:]
    check(len(last) == 2 and last[0].startswith(f'--- {name} {{si_signo={name}, si_code=') and
          last[1] == f'+++ killed by {name} +++', f'last trace lines {last!r}')
    return {s['name']: s for s in doc['syscalls']}


@case
def killed_by_default_action(e):
    """A signal at SIG_DFL that ends the program (not one of the crash signals): sh
    sends itself SIGTERM.  Without lxrun's handler on it the system ended lxrun at
    once and -c printed nothing."""
    rows = killed_report(e, ['/bin/sh', '-c', 'kill -TERM $$'], 15, 'SIGTERM')
    check(rows.get('kill', {}).get('calls') == 1, f'{rows.get("kill")}')


@case
def killed_in_a_blocked_call(e):
    """SIGTERM from outside while cat waits in read(): lxrun is running (nested), so
    the signal is taken as for a handler and ends the process at the call's end,
    after the report; the read that it interrupted is counted."""
    def run(argv):
        p = subprocess.Popen(argv, cwd=e.tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(b'x\n')
        p.stdin.flush()
        check(p.stdout.readline() == b'x\n', 'cat did not echo')
        time.sleep(0.3)  # cat is back in read(); any earlier instant must work as well
        p.send_signal(15)
        out, err = p.communicate(timeout=20)
        r = Run.__new__(Run)
        r.argv, r.rc, r.pid, r.out, r.err = argv, p.returncode, p.pid, out.decode(), err.decode()
        r.err_lines = r.err.splitlines()
        return r
    rows = killed_report(e, ['/bin/cat'], 15, 'SIGTERM', run)
    check(rows.get('read', {}).get('calls', 0) >= 2, f'{rows.get("read")}')


@case
def killed_by_broken_pipe(e):
    """yes with its output's reader gone: SIGPIPE (SIG_DFL: subprocess restores it)
    comes with its write and ends it, as natively."""
    def run(argv):
        p = subprocess.Popen(argv, cwd=e.tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        check(p.stdout.readline() == b'y\n', 'yes wrote no line')
        p.stdout.close()
        err = p.stderr.read()
        p.wait(timeout=20)
        r = Run.__new__(Run)
        r.argv, r.rc, r.pid, r.out, r.err = argv, p.returncode, p.pid, '', err.decode()
        r.err_lines = r.err.splitlines()
        return r
    rows = killed_report(e, ['/usr/bin/yes'], 13, 'SIGPIPE', run)
    # the last write fails with EPIPE, or (the reader gone midway) writes part of its
    # buffer and the signal comes with it, as natively: its count, not its error
    w = rows.get('write', {})
    check(w.get('calls', 0) >= 1, f'no write counted: {w}')


@case
def report_opened_at_start(e):
    """A relative report path names a file in lxrun's starting directory, even when
    the guest changes directory before it exits."""
    os.mkdir(e.path('elsewhere'))
    r = e.run('--report=rel.json', BUSYBOX, 'sh', '-c', 'cd elsewhere && exit 6')
    check(r.rc == 6, str(r))
    check(os.path.exists(e.path('rel.json')) and not os.path.exists(e.path('elsewhere/rel.json')),
          f'report not in the starting directory: {os.listdir(e.tmp)}')
    with open(e.path('rel.json')) as f:
        doc = strict_json(f.read())
    check(not e.schema_errors(doc) and doc['exit']['status'] == 6, f'{doc.get("exit")} {e.schema_errors(doc)}')


@case
def report_unwritable(e):
    """A report file that cannot be created: lxrun says so in one line, exits 2 and
    does not run the program."""
    marker = e.path('ran')
    r = e.run(f'--report={e.path("no/such/dir/r.json")}', e.rguest, 'marker', marker)
    check(r.rc == 2, str(r))
    lines = r.err.splitlines()
    check(len(lines) == 1 and lines[0].startswith(f'lxrun: {e.path("no/such/dir/r.json")}: '), str(r))
    check(not os.path.exists(marker), 'the program ran')


# ---- --report: verdicts ----

@case
def verdict_unsupported(e):
    """A program that calls acct (unsupported) and syscall 1000: "unsupported"."""
    _, doc = e.report(e.rguest, 'counts', status=0)
    check(doc['verdict'] == 'unsupported', f'verdict {doc["verdict"]}')
    check(doc['unsupported'] == ['acct'], f'unsupported {doc["unsupported"]}')
    check(doc['totals']['unknown_numbers'] == 1, f'totals {doc["totals"]}')
    acct = [s for s in doc['syscalls'] if s['name'] == 'acct']
    check(acct and acct[0]['status'] == 'unsupported' and acct[0]['calls'] == 1 and acct[0]['errors'] == 1,
          f'acct row {acct}')


@case
def verdict_degraded(e):
    """ls /proc/sysvipc: an unserved /proc path, listed in paths[] with served false: "degraded"."""
    r, doc = e.report(LS, '/proc/sysvipc')
    check(doc['verdict'] == 'degraded', f'verdict {doc["verdict"]}')
    unserved = [p['path'] for p in doc['paths'] if not p['served'] and p['path'].startswith('/proc')]
    check(unserved, f'no unserved /proc path in {doc["paths"]}')
    check(not doc['unsupported'] and doc['totals']['unknown_numbers'] == 0, f'{doc["unsupported"]}')


@case
def verdict_ok(e):
    """Programs making only served calls: /usr/bin/true (glibc, dynamic) and the
    musl guest's served mode: "ok", with every list empty."""
    for argv in ((TRUE,), (e.rguest, 'served')):
        _, doc = e.report(*argv, status=0)
        check(doc['verdict'] == 'ok', f'{argv}: verdict {doc["verdict"]}')
        check(doc['unsupported'] == [] and doc['partial'] == [] and doc['ioctls'] == [] and
              all(p['served'] for p in doc['paths']) and doc['totals']['unknown_numbers'] == 0,
              f'{argv}: {doc}')
    # glibc registers rseq at start-up and copes with ENOSYS: named, with its
    # status, but not a gap and not in the verdict.
    _, doc = e.report(TRUE, status=0)
    check(doc['enosys_as_linux'] == ['rseq'], f'enosys_as_linux {doc["enosys_as_linux"]}')
    rseq = [s for s in doc['syscalls'] if s['name'] == 'rseq']
    check(rseq and rseq[0]['status'] == 'absent' and rseq[0]['errors'] == 1, f'rseq row {rseq}')


@case
def forked_child_leaves_the_report(e):
    """bash forking a subshell: one -c table and one report, both the parent's (the
    child's exit does not rewrite them): the rows hold the parent's wait4."""
    table_file = e.path('fork-c.txt')
    r, doc = e.report('/usr/bin/bash', '-c', 'echo $(echo hi)', status=0, extra=('-c', '-o', table_file))
    check(r.out == 'hi\n', str(r))
    with open(table_file) as f:
        text = f.read()
    check(text.count('% time') == 1 and text.count('interception:') == 1, f'tables in {table_file}:\n{text}')
    rows = {s['name']: s for s in doc['syscalls']}
    check('wait4' in rows and rows['wait4']['calls'] >= 1, f'the report is not the parent\'s: {sorted(rows)}')
    check(doc['exit'] == {'status': 0, 'signal': None}, f'exit {doc["exit"]}')


@case
def exec_chain_accumulates(e):
    """sh exec'ing the musl guest: the new program runs in a new lxrun that goes on
    counting, so one -c table and one report hold sh's calls (its execve) and all
    of rguest.c's, and the program is the exec'd one."""
    table_file = e.path('exec-c.txt')
    r, doc = e.report('/bin/sh', '-c', f'exec {e.rguest} counts', status=0, extra=('-c', '-o', table_file))
    with open(table_file) as f:
        text = f.read()
    check(text.count('% time') == 1, f'tables in {table_file}:\n{text}')
    rows = {s['name']: (s['calls'], s['errors']) for s in doc['syscalls']}
    check(rows.get('execve') == (1, 0), f'execve row {rows.get("execve")}')
    check(rows.get('getppid', (0, 0))[0] >= 5 and rows.get('acct') == (1, 1), f'the guest\'s rows are missing: {rows}')
    check(rows.get('close', (0, 0))[1] >= 2, f'close row {rows.get("close")}')
    check(doc['totals']['calls'] > 11, f'totals {doc["totals"]}: sh\'s calls were lost')
    check(summary_counts(text)[0] == rows, f'-c rows {summary_counts(text)[0]} vs report {rows}')


@case
def tree_counts_include_children(e):
    """sh running the musl guest as a child (fork, exec, wait): the one report and -c
    table count the child's calls too (its execve, rguest.c's getppid and acct), as
    strace -c -f does, and they agree row for row."""
    table_file = e.path('tree-c.txt')
    r, doc = e.report('/bin/sh', '-c', f'{e.rguest} counts; echo after', status=0, extra=('-c', '-o', table_file))
    check(r.out.endswith('after\n'), str(r))
    with open(table_file) as f:
        text = f.read()
    check(text.count('% time') == 1, f'tables in {table_file}:\n{text}')
    rows = {s['name']: (s['calls'], s['errors']) for s in doc['syscalls']}
    check(rows.get('execve') == (1, 0), f'the child\'s execve is not counted: {rows.get("execve")}')
    check(rows.get('acct') == (1, 1) and rows.get('getppid', (0, 0))[0] >= 5, f'the child\'s rows are missing: {rows}')
    check(rows.get('wait4', (0, 0))[0] >= 1, f'the parent\'s wait4 is missing: {rows}')
    check(summary_counts(text)[0] == rows, f'-c rows {summary_counts(text)[0]} vs report {rows}')
    check(doc['verdict'] == 'unsupported', f'verdict {doc["verdict"]}: the child\'s unknown call must count')


@case
def vfork_children_counted(e):
    """sh's vforks (syscalls/vfork_window.c): a child that execs, one whose exec
    fails and which writes its error (a call that hands the child over to a fork),
    and the musl guest: the -c rows of the children's calls equal strace -f -c's of
    the same script run natively."""
    script = f'/bin/true; /no/such/program 2>/dev/null; {e.rguest} counts; exit 0'
    table_file = e.path('vfork-c.txt')
    r = e.run('-c', '-o', table_file, '/bin/sh', '-c', script)
    check(r.rc == 0, str(r))
    with open(table_file) as f:
        got = summary_counts(f.read())[0]
    native = e.path('vfork-strace.txt')
    s = subprocess.run(['/usr/bin/strace', '-f', '-c', '-o', native, '/bin/sh', '-c', script], capture_output=True)
    check(s.returncode == 0, f'strace: {s}')
    with open(native) as f:
        want = summary_counts(f.read())[0]
    calls, errors = want.get('execve', (1, 0))
    want['execve'] = (calls - 1, errors)  # strace counts its own start of sh; lxrun loads sh itself
    for name in ('vfork', 'execve', 'write', 'rt_sigprocmask', 'getppid'):  # strace -c lists no exit_group
        check(got.get(name) == want.get(name), f'{name}: lxrun -c {got.get(name)}, strace -f -c {want.get(name)}')
    check(got.get('execve', (0, 0))[1] == 1, f'the failed exec: {got.get("execve")}')


@case
def processes_listed(e):
    """processes[]: one entry per process of the tree, with its parent, its last
    program and how it ended (an exit status, a signal's name, still running)."""
    script = (f'{e.rguest} counts; /bin/sh -c "kill -9 \\$\\$"; (exit 3); '
              '/bin/sleep 2 >/dev/null 2>&1 & while [ "$(cat /proc/$!/comm)" != sleep ]; do :; done; echo $$ $!')
    r, doc = e.report('/bin/sh', '-c', script, status=0)
    top, sleeper = (int(x) for x in r.out.split()[-2:])
    procs = {p['pid']: p for p in doc['processes'] if p['program'] != '/usr/bin/cat'} # the loop's $(cat …)
    check(len(procs) == 5 and doc['processes_omitted'] == 0, f'processes: {doc["processes"]}')
    check(procs.get(top, {}).get('end') == 'exited' and procs[top].get('status') == 0, f'the shell: {procs.get(top)}')
    check(procs[top]['program'] == '/usr/bin/dash', f'the shell: {procs.get(top)}')
    kids = [p for p in procs.values() if p['pid'] != top]
    check(all(p['parent'] == top for p in kids), f'parents: {kids}')
    ends = sorted((p['program'], p['end'], p.get('status', p.get('signal'))) for p in kids)
    want = sorted([(e.rguest, 'exited', 0), ('/usr/bin/dash', 'killed', 'SIGKILL'), ('/usr/bin/dash', 'exited', 3),
                   ('/usr/bin/sleep', 'running', None)])
    check(ends == want, f'{ends} != {want}')
    check(procs.get(sleeper, {}).get('end') == 'running', f'the sleeper: {procs.get(sleeper)}')


# ---- --report against -c ----

@case
def counts_match_summary(e):
    """The musl guest's counts: syscalls[] equal the -c table of the same run and
    of a separate run, and what rguest.c makes; totals are the sums."""
    want = {'arch_prctl': (1, 0), 'set_tid_address': (1, 0), 'getppid': (5, 0), 'close': (2, 2),
            'acct': (1, 1), 'exit_group': (1, 0)}
    table_file = e.path('c.txt')
    r, doc = e.report(e.rguest, 'counts', status=0, extra=('-c', '-o', table_file))
    with open(table_file) as f:
        same_run = f.read()
    other = e.run('-c', e.rguest, 'counts')
    check(other.rc == 0, str(other))
    got = {s['name']: (s['calls'], s['errors']) for s in doc['syscalls']}
    check(got == want, f'report counts {got}, rguest.c makes {want}')
    for text, what in ((same_run, 'the same run'), (other.err, 'a separate run')):
        rows, total = summary_counts(text)
        check(rows == got, f'-c of {what} {rows} vs report {got}')
        check(total == (doc['totals']['calls'], doc['totals']['errors']),
              f'-c total of {what} {total} vs report totals {doc["totals"]}')
    check(doc['totals'] == {'calls': 11, 'errors': 3, 'unknown_numbers': 1}, f'totals {doc["totals"]}')


@case
def vdso_answers_counted(e):
    """What lxrun's vDSO answers is counted on its call's line, once, in the process
    that asked (a fork's child starts from zero), with every call trapped or not:
    rguest's 7 + 2 clock_gettime through musl's vDSO and 1 raw one are 10 in the -c
    table and in the report; the trace (-t) shows only the raw one, as strace shows
    no vDSO answer.  Its fork is counted once."""
    for env in (None, dict(os.environ, LXRUN_TRAP='sud')):
        table_file = e.path('c.txt')
        r, doc = e.report(e.rguest, 'vdso', status=0, extra=('-c', '-o', table_file))
        got = {s['name']: s['calls'] for s in doc['syscalls']}
        check(got.get('clock_gettime') == 10, f'clock_gettime {got.get("clock_gettime")} in {got} (env {env})')
        # the fork is one call, in the parent (its return in the child is not another), as strace -c -f
        check(got.get('clone') == 1 and got.get('wait4') == 1, f'clone and wait4 in {got} (env {env})')
        with open(table_file) as f:
            rows, _ = summary_counts(f.read())
        check(rows.get('clock_gettime') == (10, 0), f'-c clock_gettime {rows.get("clock_gettime")}')
        t = e.run('-t', e.rguest, 'vdso', env=env)
        lines = [ln for ln in t.err_lines if 'clock_gettime(' in ln]
        check(t.rc == 0 and len(lines) == 1, f'{len(lines)} clock_gettime trace lines:\n{t}')


@case
def counts_match_summary_ls(e):
    """For a dynamic distro program the report and -c of the same run agree row for row."""
    table_file = e.path('c.txt')
    _, doc = e.report(LS, '-la', e.tmp, status=0, extra=('-c', '-o', table_file))
    with open(table_file) as f:
        rows, total = summary_counts(f.read())
    got = {s['name']: (s['calls'], s['errors']) for s in doc['syscalls']}
    check(rows == got, f'-c {rows}\nreport {got}')
    check(total == (doc['totals']['calls'], doc['totals']['errors']), f'-c total {total}, report {doc["totals"]}')


# ---- --check ----

def check_lines(r):
    """{key: value} of --check's 'key: value' lines, plus the raw lines."""
    facts = {}
    for line in r.out.splitlines():
        m = re.match(r'^([a-z ]+):\s+(.*)$', line)
        if m and m[1] not in facts:
            facts[m[1]] = m[2]
    return facts


def loadable(r, what):
    check(r.rc == 0 and r.err == '', f'{what}: not exit 0 / quiet stderr\n{r}')
    f = check_lines(r)
    check(f.get('verdict', '').startswith('loadable'), f'{what}: verdict {f.get("verdict")!r}\n{r}')
    check(f.get('class') == 'ELF64 little-endian x86-64', f'{what}: class {f.get("class")!r}')
    return f


def library_lines(r):
    """[(name, resolved path or 'MISSING…')] of the libraries section."""
    libs, inside = [], False
    for line in r.out.splitlines():
        if line == 'libraries:':
            inside = True
        elif inside and line.startswith('  '):
            name, _, where = line.strip().partition(' ')
            libs.append((name, where.strip()))
        else:
            inside = False
    return libs


@case
def check_static(e):
    """/bin/busybox: EXEC, static, no interpreter or libraries, syscall sites > 0."""
    r = e.check_run(BUSYBOX)
    f = loadable(r, 'busybox')
    check(f.get('file') == BUSYBOX, f'file {f.get("file")!r}')
    check(f.get('type') == 'EXEC, static', f'type {f.get("type")!r}')
    check('interpreter' not in f and 'libraries:' not in r.out, f'static program with an interpreter\n{r}')
    m = re.match(r'^(\d+) `syscall` instructions? ', f.get('syscall sites', ''))
    check(m and int(m[1]) > 0, f'syscall sites {f.get("syscall sites")!r}')


@case
def check_dynamic(e):
    """/usr/bin/ls: DYN (PIE), dynamic, ld.so found, every library resolved to an
    existing file, the highest GLIBC_ version readelf -V shows."""
    r = e.check_run(LS)
    f = loadable(r, 'ls')
    check(f.get('type') == 'DYN (PIE), dynamic', f'type {f.get("type")!r}')
    check(f.get('interpreter') == f'{LDSO} (found in the guest root)', f'interpreter {f.get("interpreter")!r}')
    libs = library_lines(r)
    names = [n for n, _ in libs]
    for n in needed_of(LS):
        check(n in names, f'DT_NEEDED {n} not listed: {libs}')
    check(len(names) == len(set(names)), f'a library listed twice: {names}')
    for n, where in libs:
        check(where.startswith('/') and os.path.basename(where) == n and os.path.exists(where),
              f'{n} resolved to {where!r}')
        check(os.path.dirname(where) in GLIBC_DIRS, f'{n} resolved outside the default directories: {where}')
    vers = set(re.findall(r'\bGLIBC_(\d+(?:\.\d+)+)\b', readelf('-V', LS)))
    top = max(vers, key=lambda v: tuple(map(int, v.split('.'))))
    check(f.get('symbol versions') == f'highest required GLIBC_{top}', f'symbol versions {f.get("symbol versions")!r}')


@case
def check_pie_nopie(e):
    """gcc -pie, gcc -no-pie and -static-pie: the type line says which; a shared
    library without an interpreter is not called PIE."""
    src = 'int main(void) { return 0; }\n'
    for name, flags, want in (('pie', ('-fPIE', '-pie'), 'DYN (PIE), dynamic'),
                              ('nopie', ('-fno-PIE', '-no-pie'), 'EXEC, dynamic'),
                              ('spie', ('-fPIE', '-static-pie'), 'DYN (PIE), static')):
        r = e.check_run(e.gcc(name, src, *flags))
        f = loadable(r, name)
        check(f.get('type') == want, f'{name}: type {f.get("type")!r}, want {want!r}')
        if 'dynamic' in want:
            check(f.get('interpreter') == f'{LDSO} (found in the guest root)', f'{name}: {f.get("interpreter")!r}')
            check(any(n == 'libc.so.6' and os.path.exists(w) for n, w in library_lines(r)), f'{name}: {r}')
    so = e.gcc('libplain.so', 'int f(void) { return 1; }\n', '-shared', '-fPIC', '-nostdlib')
    os.chmod(so, 0o755)
    r = e.check_run(so)
    check(check_lines(r).get('type', '').startswith('DYN,'), f'a shared library called PIE\n{r}')


@case
def check_script(e):
    """A #! script: the output names the interpreter, then checks the interpreter."""
    script = e.write('s.sh', '#!/bin/busybox sh\necho hi\n', 0o755)
    r = e.check_run(script)
    f = loadable(r, 'script')
    check(f.get('kind') == 'script, interpreter /bin/busybox with argument sh', f'kind {f.get("kind")!r}\n{r}')
    files = re.findall(r'^file:\s+(.*)$', r.out, re.M)
    check(files == [script, BUSYBOX], f'file lines {files}')
    check(r.out.index('kind:') < r.out.index('type:'), 'the interpreter was checked before it was named')
    check(f.get('type') == 'EXEC, static', f'type {f.get("type")!r}')


@case
def check_runs_nothing(e):
    """--check runs nothing: neither a script whose interpreter line would create a
    file, nor an ELF program that would (both do, when really run)."""
    made = e.path('made-by-script')
    script = e.write('touch.sh', f'#!/usr/bin/touch {made}\n', 0o755)
    subprocess.run([script], timeout=15)
    check(os.path.exists(made), 'the script does not create its file natively: the case proves nothing')
    os.unlink(made)
    r = e.check_run(script)
    f = loadable(r, 'touch script')
    check(f.get('kind') == f'script, interpreter /usr/bin/touch with argument {made}', f'kind {f.get("kind")!r}')
    check(not os.path.exists(made), '--check ran the script')

    marker = e.path('made-by-elf')
    r = e.run(e.rguest, 'marker', marker)
    check(r.rc == 0 and os.path.exists(marker), f'rguest marker does not create its file under lxrun\n{r}')
    os.unlink(marker)
    r = e.check_run(e.rguest, 'marker', marker)
    loadable(r, 'rguest')
    check(not os.path.exists(marker), '--check ran the program')


@case
def check_missing_library(e):
    """A program linked against libmissing.so, which is then deleted: MISSING, a
    not-runnable verdict and exit 1; the other libraries still resolve."""
    lib = e.gcc('libmissing.so', 'int missing_f(void) { return 1; }\n', '-shared', '-fPIC')
    prog = e.gcc('usemissing', 'int missing_f(void);\nint main(void) { return missing_f(); }\n',
                 f'-L{e.tmp}', '-lmissing')
    check('libmissing.so' in needed_of(prog), 'the program does not need libmissing.so')
    os.unlink(lib)
    r = e.check_run(prog)
    check(r.rc == 1 and r.err == '', f'expected exit 1\n{r}')
    libs = dict(library_lines(r))
    check(libs.get('libmissing.so', '').startswith('MISSING'), f'libmissing.so: {libs.get("libmissing.so")!r}\n{r}')
    check(os.path.exists(libs.get('libc.so.6', '')), f'libc.so.6: {libs.get("libc.so.6")!r}')
    verdict = check_lines(r).get('verdict', '')
    check(verdict.startswith('not runnable') and '1 required file missing' in verdict, f'verdict {verdict!r}')


@case
def check_missing_interpreter(e):
    """A PT_INTERP that does not exist: MISSING in the interpreter line, exit 1."""
    prog = e.gcc('badinterp', 'int main(void) { return 0; }\n', '-Wl,--dynamic-linker=/nonexistent/ld.so')
    r = e.check_run(prog)
    check(r.rc == 1, f'expected exit 1\n{r}')
    f = check_lines(r)
    check(f.get('interpreter') == '/nonexistent/ld.so (MISSING in the guest root)', f'interpreter {f.get("interpreter")!r}')
    check(f.get('verdict', '').startswith('not runnable'), f'verdict {f.get("verdict")!r}')


def broken(e, path, status, *words):
    """--check PATH: exit `status`, nothing on stdout, one line 'lxrun: PATH: …' on stderr."""
    r = e.check_run(path)
    check(r.rc == status, f'expected exit {status}\n{r}')
    check(r.out == '', f'stdout for a broken file\n{r}')
    lines = r.err.splitlines()
    check(len(lines) == 1 and lines[0].startswith(f'lxrun: {path}: ') and r.err.endswith('\n'),
          f'not one line "lxrun: {path}: …"\n{r}')
    for w in words:
        check(w in lines[0], f'{w!r} not in {lines[0]!r}')
    return lines[0]


@case
def check_broken_files(e):
    """Text with +x → 126; missing → 127; truncated ELF → 126; an aarch64 header → 126."""
    broken(e, e.write('text', 'just some text\n', 0o755), 126)
    broken(e, e.path('no-such-file'), 127, 'No such file')
    with open(TRUE, 'rb') as f:
        elf = f.read()
    broken(e, e.write('trunc-headers', elf[:100], 0o755), 126, 'truncated')
    broken(e, e.write('trunc-segments', elf[:3000], 0o755), 126, 'truncated')
    arm = bytearray(elf)
    arm[18:20] = (183).to_bytes(2, 'little')  # e_machine = EM_AARCH64
    broken(e, e.write('arm64', bytes(arm), 0o755), 126, 'aarch64')
    broken(e, e.write('noexec', elf, 0o644), 126)


@case
def check_bad_scripts(e):
    """A script whose interpreter is missing: 126 and the loader's own message; a
    script that names itself as interpreter: 126, no endless recursion."""
    script = e.write('bad.sh', '#!/nonexistent/interp\n', 0o755)
    run = e.run(script)
    r = e.check_run(script)
    check(r.rc == 126 == run.rc, f'--check {r.rc}, running {run.rc}\n{r}')
    check(r.err == run.err and 'bad interpreter' in r.err, f'--check says {r.err!r}, running says {run.err!r}')
    check(check_lines(r).get('kind') == 'script, interpreter /nonexistent/interp', str(r))
    loop = e.path('loop.sh')
    e.write('loop.sh', f'#!{loop}\n', 0o755)
    r = e.check_run(loop)
    run = e.run(loop)
    check(r.rc == 126 == run.rc and r.err == run.err, f'--check {r}\nrunning {run}')
    check(r.out.count('kind:') <= 8, f'{r.out.count("kind:")} levels of scripts checked')


@case
def check_path_lookup(e):
    """--check NAME looks NAME up in PATH, as running does."""
    r = e.check_run('ls', env=dict(os.environ, PATH='/nonexistent:/usr/bin'))
    f = loadable(r, 'ls via PATH')
    check(f.get('file') == LS, f'file {f.get("file")!r}')
    r = e.check_run('no-such-command-xyz', env=dict(os.environ, PATH='/usr/bin'))
    check(r.rc == 127 and r.err == 'lxrun: no-such-command-xyz: command not found\n', str(r))


def main():
    suite_main('report', __doc__, 4, lambda a, tmp: Env(*[os.path.abspath(x) for x in a], tmp))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""trace_cases.py — lxrun's strace-like reports (-t, -o, -e, -s, -f, -c) on real
programs, checked by structure rather than against golden files.

    trace_cases.py LXRUN TRACEE TABLE_DEF CASE   runs one case (ctest: trace.CASE)
    trace_cases.py --list                        prints the case names

LXRUN is build/lxrun, TRACEE the musl-static tracee built from tracee.c (its
system calls are known exactly), TABLE_DEF syscalls/table.def: the trace classes
and support status expected in the reports are read from it."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import case, check, Failure, read_table, Run, suite_main  # noqa: E402

CAT = '/usr/bin/cat'
FALSE = '/usr/bin/false'




# ---- strace's string quoting, for building expected lines ----

def quote(data, limit=32):
    """data (bytes) as strace prints it with -s limit."""
    shown = data[:limit]
    out = []
    for i, c in enumerate(shown):
        nxt = shown[i + 1] if i + 1 < len(shown) else None
        if c == 0x22:
            out.append('\\"')
        elif c == 0x5c:
            out.append('\\\\')
        elif c in (0x0a, 0x09, 0x0d, 0x0b, 0x0c):
            out.append({0x0a: '\\n', 0x09: '\\t', 0x0d: '\\r', 0x0b: '\\v', 0x0c: '\\f'}[c])
        elif 0x20 <= c < 0x7f:
            out.append(chr(c))
        elif nxt is not None and 0x30 <= nxt <= 0x37:
            out.append('\\%03o' % c)
        else:
            out.append('\\%o' % c)
    return '"' + ''.join(out) + '"' + ('...' if len(data) > limit else '')


# One whole trace line: a call and its result, or a process event.  Any line of
# stderr that is neither must be the program's own, whole.
RESULT = r'(?:-?\d+|0x[0-9a-f]+|\?|-1 (?:E[A-Z0-9]+|\d+) \(.*\))'
LINE_RE = re.compile(r'^(?P<pid>\[pid +(?P<n>\d+)\] )?(?:(?P<name>[a-z_0-9]+)\((?P<args>.*)\) = (?P<ret>'
                     + RESULT + r')|\+\+\+ (?:exited with (?P<status>\d+)|killed by signal \d+) \+\+\+)$')
STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"(\.\.\.)?')


def parse_lines(text):
    """The lines of text, each a whole trace line (stderr of a program that
    writes nothing there itself, or a -o file)."""
    lines = []
    check(text == '' or text.endswith('\n'), f'output does not end with a newline: {text[-200:]!r}')
    for line in text.splitlines():
        m = LINE_RE.match(line)
        if m:
            lines.append(m)
        else:
            raise Failure(f'not a whole trace line: {line!r}')
    check(lines, f'no trace lines in {text!r}')
    return lines


def calls(lines, name=None):
    return [m for m in lines if m['name'] and (name is None or m['name'] == name)]


class TraceRun(Run):
    def __init__(self, argv, cwd):
        super().__init__(argv, cwd, timeout=15)
        check(0 <= self.rc < 128, f'exit status {self.rc}\n{self}')


class Env:
    def __init__(self, lxrun, tracee, table, tmp):
        self.lxrun, self.tracee, self.tmp = lxrun, tracee, tmp
        self.table_path = table
        self._table = None

    @property
    def table(self):
        if self._table is None:
            self._table = read_table(self.table_path)
        return self._table

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        with open(p, 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return p

    def fixture(self):
        """A file whose first bytes need escaping and that is longer than -s 32; its
        name relative to the directory the programs run in."""
        data = b'hello "trace"\tworld\\\n' + b'second line of the fixture file\n'
        self.write('fixture.txt', data)
        return 'fixture.txt', data

    def run(self, *args):
        return TraceRun([self.lxrun, *args], self.tmp)

    def traced(self, *args, status=0):
        """lxrun ARGS: exit `status`; returns (run, trace lines from stderr)."""
        r = self.run(*args)
        check(r.rc == status, f'expected exit {status}\n{r}')
        return r, parse_lines(r.err)


def open_line(lines, path, limit=32):
    """The openat of path (shown with -s limit)."""
    want = re.compile(r'^AT_FDCWD, ' + re.escape(quote(path.encode(), limit)) + r', O_RDONLY(\|[A-Z_|]+)?(, 0\d*)?$')
    found = [m for m in calls(lines, 'openat') if want.match(m['args'])]
    check(len(found) == 1, f'expected one openat(AT_FDCWD, {quote(path.encode(), limit)}, O_RDONLY...) line, '
          f'found {[m[0] for m in found]}')
    return found[0]


# ---- -t on real programs ----

@case
def cat_open_read_close(e):
    """openat(AT_FDCWD, "<path>", O_RDONLY…) = N; later read(N, "<first bytes>"..., …) = size and
    close(N) = 0 use the same N."""
    path, data = e.fixture()
    r, lines = e.traced('-t', CAT, path)
    check(r.out == data.decode(), f'cat output changed under -t\n{r}')
    op = open_line(lines, path)
    check(op['ret'].isdigit(), f'openat failed: {op[0]}')
    fd = op['ret']
    after = lines[lines.index(op) + 1:]
    read_want = f'{fd}, {quote(data)}, '
    reads = [m for m in calls(after, 'read') if m['args'].startswith(read_want)]
    check(reads, f'no read({read_want}…) after {op[0]!r}\n{r}')
    check(reads[0]['ret'] == str(len(data)), f'read returned {reads[0]["ret"]}, file has {len(data)} bytes')
    check(quote(data).endswith('"...') and len(data) > 32, 'the fixture must be longer than -s 32')
    eof = [m for m in calls(after, 'read') if m['args'].startswith(f'{fd}, "", ')]
    check(eof and eof[0]['ret'] == '0', f'no read({fd}, "", …) = 0 at end of file\n{r}')
    closes = [m for m in calls(after, 'close') if m['args'] == fd]
    check(closes and closes[0]['ret'] == '0', f'no close({fd}) = 0 after the open\n{r}')
    check(lines.index(reads[0]) < lines.index(closes[0]), 'close came before read')
    writes = [m for m in calls(lines, 'write') if m['args'].startswith('1, ')]
    check(writes and writes[0]['args'] == f'1, {quote(data)}, {len(data)}' and writes[0]['ret'] == str(len(data)),
          f'the write of the data to stdout is not write(1, {quote(data)}, {len(data)}) = {len(data)}\n{r}')


@case
def signal_delivery_line(e):
    """A signal delivered to a handler shows as strace shows it, between the calls:
    --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=<the shell>, si_uid=<uid>} ---
    after the kill that sent it; -c lists it under the signals delivered."""
    r = e.run('-t', '/bin/sh', '-c', 'trap "echo got" USR1; kill -USR1 $$; echo $$')
    check(r.rc == 0 and r.out.startswith('got\n'), str(r))
    pid = r.out.split()[-1]
    want = (f'--- SIGUSR1 {{si_signo=SIGUSR1, si_code=SI_USER, si_pid={pid}, si_uid={os.getuid()}}} ---')
    lines = r.err.splitlines()
    check(want in lines, f'no line {want!r}\n{r}')
    kills = [i for i, l in enumerate(lines) if l.startswith(f'kill({pid}, SIGUSR1)')]
    check(kills and kills[0] < lines.index(want), f'the signal line does not follow the kill\n{r}')
    table = e.path('sig-c.txt')
    r = e.run('-c', '-o', table, '/bin/sh', '-c', 'trap "" INT; trap ":" USR1 USR2; kill -USR1 $$; kill -USR2 $$; kill -USR1 $$')
    with open(table) as f:
        text = f.read()
    check('signals delivered to handlers:\n  SIGUSR1                2\n  SIGUSR2                1\n' in text, text)


@case
def enoent(e):
    """A failing call: = -1 ENOENT (No such file or directory)."""
    missing = e.path('no-such-file')
    msg = f'{CAT}: {missing}: No such file or directory'
    r = e.run('-t', '-s', '4096', CAT, missing)
    check(r.rc == 1, str(r))
    lines, guest = whole_lines_of(r.err, e.table)
    check(guest == msg + '\n', f'cat\'s own stderr {guest!r}, expected {msg!r}')
    op = open_line(lines, missing, 4096)
    check(op['ret'] == '-1 ENOENT (No such file or directory)', f'{op[0]!r}')
    check(lines[-1][0] == '+++ exited with 1 +++', f'last line {lines[-1][0]!r}')


@case
def escapes(e):
    """Quote, backslash, \\n \\t, octal (3 digits before a digit), bytes >= 0x80, as strace prints them."""
    r, lines = e.traced('-t', e.tracee, 'escapes')
    writes = [m[0] for m in calls(lines, 'write')]
    # strace 6, natively: write(1, "a\"b\\c\n\t\1\3772\0007x", 13) = 13
    check(writes == [r'write(1, "a\"b\\c\n\t\1\3772\0007x", 13) = 13'], f'{writes}\n{r}')


@case
def vectors(e):
    """readv, writev, preadv, pwritev print their iovec arrays as strace does (each
    element's bytes, a readv's only as far as it filled, -s elements at most, [] and an
    unreadable array's address): lxrun -t against strace natively on the same tracee,
    line for line.  Only strace's padding before ' = ' is taken out."""
    spec = ['-s', '8', '-e', 'trace=readv,writev,preadv,pwritev']
    native = Run(['strace', *spec, e.tracee, 'vectors', e.path('native.bin')], e.tmp)
    check(native.rc == 0, f'natively: {native}')
    r, lines = e.traced('-t', *spec, e.tracee, 'vectors', e.path('lxrun.bin'))
    want = [re.sub(r'\) +=', ') =', line) for line in native.err_lines]
    check(len(want) == 10 and '...], 40' in want[2], f'strace\'s lines changed shape: {want}')
    check([m[0] for m in lines] == want, f'strace natively:\n' + '\n'.join(want) + f'\n{r}')


@case
def exit_status(e):
    """Last line +++ exited with N +++ with the right N; exit_group(N) = ? before it."""
    for argv, n in (([e.tracee, 'exit', '42'], 42), ([e.tracee, 'exit', '0'], 0), ([FALSE], 1)):
        r, lines = e.traced('-t', *argv, status=n)
        check(lines[-1][0] == f'+++ exited with {n} +++', f'last line {lines[-1][0]!r}\n{r}')
        check(lines[-2][0] == f'exit_group({n}) = ?', f'line before the last {lines[-2][0]!r}\n{r}')


def unquote(q):
    """The bytes a complete quoted string (its inside) stands for."""
    out = bytearray()
    for tok in re.findall(r'\\[0-7]{1,3}|\\.|[^\\]', q):
        if tok[0] != '\\':
            out += tok.encode()
        elif tok[1].isdigit():
            out.append(int(tok[1:], 8))
        else:
            out += {'n': b'\n', 't': b'\t', 'r': b'\r', 'v': b'\v', 'f': b'\f'}.get(tok[1], tok[1].encode())
    return bytes(out)


def whole_lines_of(stream, names):
    """Splits stderr into the guest's own output and lxrun's trace lines.  A trace
    line is written whole after the call it reports, so it may follow a guest
    chunk that did not end a line, but it always runs to the end of a line.
    What is left, joined, must be exactly what the guest wrote to fd 2 (the
    payloads of the write(2, …) lines, in order).  A trace line starts with one of
    `names` (the table's), so guest text ending in letters ("…file") does not
    make "filewrite(" a call.  Returns the trace lines and the guest's text."""
    check(stream.endswith('\n'), f'stderr does not end with a newline: {stream[-300:]!r}')
    guest, lines = [], []
    for line in stream[:-1].split('\n'):
        m = None
        for i in range(len(line)):
            m = LINE_RE.match(line[i:])
            if m and (not m['name'] or m['name'] in names or m['name'].startswith('syscall_0x')):
                break
            m = None
        if m:
            guest.append(line[:i])
            lines.append(m)
        else:
            guest.append(line + '\n')
    written = b''
    for m in calls(lines, 'write'):
        w = re.fullmatch(r'2, "((?:[^"\\]|\\.)*)", (\d+)', m['args'])
        if w:
            check(m['ret'] == w[2] and len(unquote(w[1])) == int(w[2]), f'write to fd 2 shown cut: {m[0]!r}')
            written += unquote(w[1])
    check(''.join(guest).encode() == written,
          f'stderr minus the trace lines is not what the guest wrote:\n{"".join(guest)!r}\nvs\n{written!r}')
    check(lines, 'no trace lines')
    return lines, ''.join(guest)


@case
def whole_lines(e):
    """Trace lines are whole even when the guest writes parts of lines to the same
    stderr (cat's error messages come in three writes), and lines longer than
    lxrun's line buffer (-s 4096 of bytes that all need escaping) keep their result."""
    big = e.write('big.bin', bytes([0xff]) * 4096)
    missing = ['missing1', 'missing2']
    r = e.run('-t', '-s', '4096', CAT, big, missing[0], big, missing[1])
    check(r.rc == 1, str(r))
    lines, guest = whole_lines_of(r.err, e.table)
    want = ''.join(f'{CAT}: {mi}: No such file or directory\n' for mi in missing)
    check(guest == want, f'cat\'s own stderr {guest!r}, expected {want!r}')
    reads = [m for m in calls(lines, 'read') if m['args'].startswith(r'3, "\377\377')]
    check(len(reads) == 2, f'expected two reads of big.bin, got {[m[0][:80] for m in reads]}')
    for m in reads:
        check(m['ret'] == '4096', f'a long read line lost its result: …{m[0][-120:]!r}')
    writes = [m for m in calls(lines, 'write') if m['args'].startswith(r'1, "\377\377')]
    check(len(writes) == 2 and all(m['ret'] == '4096' for m in writes),
          f'long write lines: {[m[0][-80:] for m in writes]}')
    check(lines[-1][0] == '+++ exited with 1 +++', f'last line {lines[-1][0]!r}')


@case
def pid_tags(e):
    """-f prefixes [pid N] with the guest's pid (lxrun's own process); without -f there is no tag."""
    path, _ = e.fixture()
    r, lines = e.traced('-f', '-t', CAT, path)
    for m in lines:
        if m['name']:
            check(m['pid'], f'untagged line under -f: {m[0]!r}')
        if m['pid']:
            check(int(m['n']) == r.pid, f'tag {m["pid"]!r} is not the pid {r.pid}')
    r, lines = e.traced('-t', CAT, path)
    check(not any(m['pid'] for m in lines), 'a [pid N] tag without -f')


# ---- -e trace=SET ----

def only_names(e, spec, allowed, must, prog=None, status=0):
    path, data = e.fixture()
    argv = prog or [CAT, path]
    r, lines = e.traced('-e', f'trace={spec}', *argv, status=status)
    names = {m['name'] for m in calls(lines)}
    stray = names - allowed
    check(not stray, f'-e trace={spec} shows {sorted(stray)}\n{r}')
    for n in must:
        check(n in names, f'-e trace={spec} lost {n}\n{r}')
    check(lines[-1][0].startswith('+++ exited with'), f'last line {lines[-1][0]!r}')
    if prog is None:
        check(r.out == data.decode(), f'output changed\n{r}')
    return r, lines


@case
def class_file(e):
    file_set = {n for n, (_, _, cl) in e.table.items() if 'FILE' in cl}
    check('openat' in file_set and 'read' not in file_set, 'table.def classes changed: openat/read')
    r, lines = only_names(e, '%file', file_set, {'openat'})
    open_line(lines, 'fixture.txt')


@case
def class_memory(e):
    mem = {n for n, (_, _, cl) in e.table.items() if 'MEMORY' in cl}
    only_names(e, '%memory', mem, {'mmap', 'mprotect'})


@case
def class_desc(e):
    desc = {n for n, (_, _, cl) in e.table.items() if 'DESC' in cl}
    only_names(e, '%desc', desc, {'read', 'write', 'close', 'openat'})


@case
def names_list(e):
    only_names(e, 'openat,close', {'openat', 'close'}, {'openat', 'close'})


@case
def negate_write(e):
    everything = set(e.table)
    r, lines = only_names(e, '!write', everything - {'write'}, {'read', 'openat', 'close', 'exit_group'})


@case
def unknown_numbers(e):
    """A number outside the table is traced as syscall_0x3e8(…) by default, under
    'all' and under a negated set, and not when -e names a set without it."""
    unknown = re.compile(r'^syscall_0x3e8\(')
    for spec in (None, 'all', '!write'):
        opts = ['-t'] if spec is None else ['-e', f'trace={spec}']
        r, lines = e.traced(*opts, e.tracee, 'unknown')
        hits = [m for m in lines if unknown.match(m[0])]
        check(len(hits) == 1 and hits[0]['ret'] == '-1 ENOSYS (Function not implemented)',
              f'with {opts}: {[m[0] for m in hits]}\n{r}')
    for spec in ('getppid', '%file'):
        r = e.run('-e', f'trace={spec}', e.tracee, 'unknown')
        check(r.rc == 0, str(r))
        check('syscall_0x3e8' not in r.err, f'-e trace={spec} shows a number outside the table\n{r}')
        if spec == 'getppid':
            lines = parse_lines(r.err)
            check([m['name'] for m in calls(lines)] == ['getppid'], f'{r}')


# ---- -s ----

def string_bytes(s):
    """How many bytes a quoted string (its inside) stands for."""
    return len(re.findall(r'\\[0-7]{1,3}|\\.|[^\\]', s))


@case
def strsize(e):
    """-s 5: strings longer than 5 bytes show 5 and '...'; -s 0 shows ""..."""
    path, data = e.fixture()
    r, lines = e.traced('-t', '-s', '5', CAT, path)
    op = open_line(lines, path, 5)
    fd = op['ret']
    check(f'{fd}, {quote(data, 5)}, ' in [m['args'][:len(f'{fd}, {quote(data, 5)}, ')] for m in calls(lines, 'read')],
          f'no read({fd}, {quote(data, 5)}, …)\n{r}')
    check(quote(data, 5) == '"hello"...', quote(data, 5))
    n = 0
    for m in calls(lines):
        for s, dots in STRING_RE.findall(m['args']):
            n += 1
            k = string_bytes(s)
            check(k <= 5, f'a string of {k} bytes under -s 5: {m[0]!r}')
            if dots:
                check(k == 5, f'cut at {k} bytes, not 5: {m[0]!r}')
    check(n > 10, f'only {n} strings seen')
    r, lines = e.traced('-t', '-s', '0', CAT, path)
    reads = [m for m in calls(lines, 'read') if m['args'].startswith(f'{fd}, ')]
    check(reads and reads[0]['args'].startswith(f'{fd}, ""..., '), f'-s 0: {reads[0][0] if reads else r}')


# ---- -o and the guest's own stderr ----

@case
def output_file(e):
    """-o FILE: the trace goes to FILE (absolute or relative), stderr has only the program's own."""
    path, data = e.fixture()
    missing = 'missing'
    msg = f'{CAT}: {missing}: No such file or directory\n'
    for out in (e.path('trace.abs'), 'trace.rel'):
        r = e.run('-o', out, CAT, path, missing)
        check(r.rc == 1, str(r))
        check(r.err == msg, f'stderr must be only cat\'s own message with -o {out}\n{r}')
        check(r.out == data.decode(), str(r))
        with open(os.path.join(e.tmp, out)) as f:
            text = f.read()
        lines = parse_lines(text)
        open_line(lines, path)
        check(lines[-1][0] == '+++ exited with 1 +++', f'last line of {out}: {lines[-1][0]!r}')
        check(any(m['name'] == 'write' and m['args'].startswith('2, ') for m in lines),
              'the write of cat\'s message is not traced')


@case
def guest_closes_stderr(e):
    """The guest closes fd 2 and reopens it as a file: the trace goes on, on lxrun's own fd."""
    path, data = e.fixture()
    r, lines = e.traced('-t', e.tracee, 'closefd2', path)
    check(r.out == data.decode(), str(r))
    got = [m[0] for m in lines]
    want = ['close(2) = 0',
            f'openat(AT_FDCWD, {quote(path.encode())}, O_RDONLY|O_CLOEXEC, 00) = 2',
            f'read(2, {quote(data)}, 256) = {len(data)}',
            f'write(1, {quote(data)}, {len(data)}) = {len(data)}',
            'close(2) = 0',
            'exit_group(0) = ?',
            '+++ exited with 0 +++']
    # openat's mode argument: strace leaves it out without O_CREAT; accept either.
    norm = [g.replace('O_CLOEXEC) = 2', 'O_CLOEXEC, 00) = 2') for g in got]
    check(norm[-len(want):] == want, f'trace after close(2):\n' + '\n'.join(got) + '\nwanted\n' + '\n'.join(want))


@case
def trace_after_fd_floor_rises(e):
    """bash takes fd 300, then every fd from 256 to 299, where lxrun's own fds (the
    -o file among them) were, then 3000: they move above, and the trace and the -c
    table still reach the file."""
    out = e.path('trace.txt')
    r = e.run('-c', '-t', '-o', out, '/bin/bash', '-c',
              'exec 300</dev/null; for i in {256..299}; do eval "exec $i</dev/null"; done; '
              'exec 3000</dev/null; echo moved >&2; for f in /proc/$$/fd/*; do readlink $f; done; exit 3')
    check(r.rc == 3 and r.err == 'moved\n', str(r))
    leaked = [t for t in r.out.splitlines() if t.endswith('/trace.txt') or 'memfd:lxrun' in t]
    check(not leaked, f'lxrun\'s own fds in the guest\'s /proc/self/fd: {leaked}')
    with open(out) as f:
        text = f.read()
    head, sep, table = text.partition('% time')
    lines = parse_lines(''.join(l for l in head.splitlines(True) if not l.startswith('--- SIGCHLD ')))  # readlink's
    names = [m[0] for m in lines]
    check('dup2(3, 3000) = 3000' in names, 'no dup2 to 3000 in the trace:\n' + head[-2000:])
    after = names[names.index('dup2(3, 3000) = 3000'):] if 'dup2(3, 3000) = 3000' in names else []
    check(any(re.fullmatch(r'write\(\d+, "moved\\n", 6\) = 6', n) for n in after), 'the write after the move is not traced')
    check(names[-1] == '+++ exited with 3 +++', f'last line: {names[-1]!r}')
    rows, _, _ = parse_summary(sep + table)
    check(num(rows['dup2'], 'calls') >= 2, sep + table)


# ---- -c ----

ROW_RE = re.compile(r'^\s*(?P<pct>\d+\.\d\d)\s+(?P<sec>\d+\.\d{6})\s+(?P<usecs>\d+)\s+(?P<calls>\d+)\s+'
                    r'(?:(?P<errors>\d+)\s+)?(?P<name>[a-z_0-9]+)\s+(?P<status>[a-z]+)$')
TOTAL_RE = re.compile(r'^100\.00\s+(?P<sec>\d+\.\d{6})\s+(?P<usecs>\d+)\s+(?P<calls>\d+)\s+'
                      r'(?:(?P<errors>\d+)\s+)?total$')
RULE = '------ ----------- ----------- --------- --------- ---------------- -----------'


def parse_summary(text):
    """(rows {name: match}, total match, {section title: [lines]})."""
    lines = text.splitlines()
    heads = [i for i, l in enumerate(lines) if l.startswith('% time') and 'calls' in l and 'status' in l]
    check(len(heads) == 1, f'no (or several) -c table headers in {text!r}')
    i = heads[0]
    check(lines[i + 1] == RULE, f'rule under the header: {lines[i + 1]!r}')
    rows, j = {}, i + 2
    while lines[j] != RULE:
        m = ROW_RE.match(lines[j])
        check(m, f'not a -c row: {lines[j]!r}')
        check(m['name'] not in rows, f'{m["name"]} twice')
        rows[m['name']] = m
        j += 1
    total = TOTAL_RE.match(lines[j + 1])
    check(total, f'not the total line: {lines[j + 1]!r}')
    sections, cur = {}, None
    for l in lines[j + 2:]:
        if l == '':
            cur = None
        elif not l.startswith(' '):
            check(l.endswith(':'), f'a section title must end with ":": {l!r}')
            cur = l
            sections[cur] = []
        else:
            check(cur is not None, f'a -c list line outside any section: {l!r}')
            sections[cur].append(l.strip())
    return rows, total, sections


def num(m, key):
    return int(m[key] or 0)


def check_summary_consistent(e, rows, total):
    for name, m in rows.items():
        check(name in e.table, f'{name} is not in table.def')
        check(m['status'] == e.table[name][1], f'{name}: status {m["status"]}, table says {e.table[name][1]}')
        check(num(m, 'errors') <= num(m, 'calls'), f'{name}: more errors than calls')
    check(num(total, 'calls') == sum(num(m, 'calls') for m in rows.values()), 'total calls != sum of the rows')
    check(num(total, 'errors') == sum(num(m, 'errors') for m in rows.values()), 'total errors != sum of the rows')
    pcts = [float(m['pct']) for m in rows.values()]
    if any(pcts):
        check(99.0 <= sum(pcts) <= 101.0, f'% time adds up to {sum(pcts)}')


@case
def summary_counts(e):
    """Exact counts for a program whose calls are known (musl start-up: arch_prctl, set_tid_address)."""
    r = e.run('-c', e.tracee, 'counts')
    check(r.rc == 0 and r.out == '', str(r))
    rows, total, sections = parse_summary(r.err)
    expect = {'arch_prctl': (1, 0), 'set_tid_address': (1, 0), 'getppid': (7, 0), 'close': (3, 3),
              'acct': (1, 1), 'exit_group': (1, 0)}
    got = {n: (num(m, 'calls'), num(m, 'errors')) for n, m in rows.items()}
    check(got == expect, f'rows {got}, expected {expect}\n{r}')
    check(rows['getppid']['errors'] is None, 'an error-free row must leave the errors column blank')
    check(rows['acct']['status'] == 'unsupported' and rows['getppid']['status'] == 'translated'
          and rows['set_tid_address']['status'] == 'emulated', f'{r}')
    check_summary_consistent(e, rows, total)
    check(num(total, 'calls') == 14 and num(total, 'errors') == 4, f'total line {total[0]!r}')
    unsup = sections.get('unsupported (answered ENOSYS):')
    check(unsup is not None, f'no unsupported section\n{r}')
    check(any(re.fullmatch(r'acct\s+1 call', l) for l in unsup), f'acct not listed as unsupported: {unsup}')
    check(any(re.fullmatch(r'\(numbers outside the table\)\s+1 call', l) for l in unsup),
          f'syscall 1000 not listed as unsupported: {unsup}')
    check(not any(l.startswith(('getppid', 'close ')) for l in unsup), f'{unsup}')


@case
def summary_unknown_only(e):
    """A number outside the table, and no unsupported table syscall: still under the unsupported title."""
    r = e.run('-c', e.tracee, 'unknown')
    check(r.rc == 0, str(r))
    rows, total, sections = parse_summary(r.err)
    check_summary_consistent(e, rows, total)
    check(sections.get('unsupported (answered ENOSYS):') and
          re.fullmatch(r'\(numbers outside the table\)\s+1 call', sections['unsupported (answered ENOSYS):'][0]),
          f'{sections}\n{r}')


@case
def summary_real_program(e):
    """cat: rows consistent with the table and the total; the failing openat counted as an error."""
    path, _ = e.fixture()
    missing = 'missing'
    r = e.run('-c', CAT, path, missing)
    check(r.rc == 1, str(r))
    text = r.err.replace(f'{CAT}: {missing}: No such file or directory\n', '', 1)
    rows, total, _ = parse_summary(text)
    check_summary_consistent(e, rows, total)
    check(num(rows['openat'], 'errors') >= 1, f'the failed openat is not counted\n{r}')
    check(num(rows['exit_group'], 'calls') == 1, str(r))
    # glibc's rseq registration, answered ENOSYS as by a kernel without rseq: its
    # own status and section, not among the unsupported.
    _, _, sections = parse_summary(text)
    check(rows['rseq']['status'] == 'absent', f'rseq row {rows["rseq"][0]!r}')
    as_linux = sections.get('answered ENOSYS as Linux can (not a gap):', [])
    check(any(re.fullmatch(r'rseq\s+1 call, as a kernel built without it', l) for l in as_linux), f'{sections}')
    check('unsupported (answered ENOSYS):' not in sections, f'{sections}')


@case
def summary_paths(e):
    """/proc/self/maps and /dev/null are listed, served or not as the guest saw them."""
    r = e.run('-c', e.tracee, 'paths')
    check(r.rc == 0, str(r))
    m = re.fullmatch(r'maps=(-?\d+) null=(-?\d+)\n', r.out)
    check(m, str(r))
    maps, null = int(m[1]), int(m[2])
    check(null >= 0, f'/dev/null did not open: {null}')
    rows, total, sections = parse_summary(r.err)
    check_summary_consistent(e, rows, total)
    paths = sections.get('/proc, /sys, /dev paths:')
    check(paths, f'no paths section\n{r}')
    want_maps = 'served' if maps >= 0 else 'not served'
    check(any(re.fullmatch(rf'/proc/self/maps\s+{want_maps} \(1\)', l) for l in paths),
          f'/proc/self/maps not listed as "{want_maps} (1)": {paths}')
    check(any(re.fullmatch(r'/dev/null\s+served \(1\)', l) for l in paths), f'/dev/null: {paths}')


@case
def summary_to_file(e):
    """-c -o FILE: the table goes to FILE, without trace lines; stderr stays empty."""
    out = e.path('summary.txt')
    r = e.run('-c', '-o', out, e.tracee, 'counts')
    check(r.rc == 0 and r.err == '' and r.out == '', str(r))
    with open(out) as f:
        text = f.read()
    rows, total, _ = parse_summary(text)
    check(num(rows['getppid'], 'calls') == 7, text)
    check(not any(LINE_RE.match(l) for l in text.splitlines()), f'trace lines in the -c file:\n{text}')


@case
def summary_with_trace(e):
    """-c -t: both, the trace first, and the counts still exact."""
    r = e.run('-c', '-t', e.tracee, 'counts')
    check(r.rc == 0, str(r))
    head, sep, _ = r.err.partition('% time')
    lines = parse_lines(head)
    check(sep and len(calls(lines, 'getppid')) == 7, str(r))
    rows, _, _ = parse_summary(sep + _)
    check(num(rows['getppid'], 'calls') == 7, str(r))


@case
def forked_child_is_traced(e):
    """-f -t on a program that forks: the child's calls are traced too, tagged with
    its own pid (so the child runs under interception, re-armed after fork), and
    it ends with its own exit line; the parent's wait4 returns the child's pid."""
    r, lines = e.traced('-f', '-t', e.tracee, 'fork')
    parent = str(r.pid)
    forks = calls(lines, 'fork')
    check(len(forks) == 1 and forks[0]['pid'] and forks[0]['n'] == parent, f'fork line {[m[0] for m in forks]}')
    child = forks[0]['ret']
    check(child.isdigit() and child != parent, f'fork returned {child}')
    in_child = [m for m in lines if m['n'] == child]
    getppids = [m for m in in_child if m['name'] == 'getppid']
    check(len(getppids) == 3 and all(m['ret'] == parent for m in getppids),
          f'the child\'s getppid lines: {[m[0] for m in in_child]}')
    check(any(m['status'] == '5' for m in in_child), f'no "+++ exited with 5 +++" for the child: {[m[0] for m in in_child]}')
    waits = calls(lines, 'wait4')
    check(len(waits) == 1 and waits[0]['n'] == parent and waits[0]['ret'] == child, f'{[m[0] for m in waits]}')


# ---- bad option values ----

def refused(e, args, *needles):
    r = e.run(*args, e.tracee, 'exit', '42')
    check(r.rc == 2, f'expected exit 2\n{r}')
    check(len(r.err_lines) == 1 and r.err_lines[0].startswith('lxrun: '), f'expected one "lxrun: " line\n{r}')
    for n in needles:
        check(n in r.err_lines[0], f'the message lacks {n!r}\n{r}')
    check(r.out == '', str(r))


@case
def bad_strsize(e):
    for v in ('x', '', '-1', '5x', '4097'):
        refused(e, ['-s', v], '-s')
    r = e.run('-s')
    check(r.rc == 2 and len(r.err_lines) == 1, f'-s without a value\n{r}')


@case
def bad_trace_set(e):
    for spec in ('trace=nonexistent', 'trace=%nonexistent', 'trace=openat,nonexistent', 'trace=!nonexistent'):
        refused(e, ['-e', spec], 'nonexistent')


def main():
    suite_main('trace', __doc__, 3, lambda a, tmp: Env(os.path.abspath(a[0]), os.path.abspath(a[1]), a[2], tmp))


if __name__ == '__main__':
    main()

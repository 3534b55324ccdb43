#!/usr/bin/python3
"""cli_cases.py — lxrun on bad (and a few good) command lines.

    cli_cases.py LXRUN CASE     runs one case (ctest registers each as cli.CASE)
    cli_cases.py LXRUN --list   prints the case names

Every run must end by exit (status < 128, never a signal or a core dump), and
every refusal must be exactly one stderr line "lxrun: PATH: reason"."""
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import case, check, Run, suite_main  # noqa: E402

TRUE = '/usr/bin/true'


class CliRun(Run):
    """Every lxrun run ends by exit: never a signal, a signal-like status or a core file."""

    def __init__(self, argv, env, cwd):
        super().__init__(argv, cwd, env)
        check(self.rc >= 0, f'killed by signal {-self.rc}\nstderr: {self.err!r}')
        check(self.rc < 128, f'exit status {self.rc} looks like a signal\nstderr: {self.err!r}')
        cores = [f for f in os.listdir(cwd) if f == 'core' or f.startswith('core.')]
        check(not cores, f'core dump left behind: {cores}')


class Env:
    """A scratch directory, and lxrun run inside it."""

    def __init__(self, lxrun, tmp):
        self.lxrun, self.tmp = lxrun, tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data, mode=0o755):
        p = self.path(name)
        with open(p, 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.chmod(p, mode)
        return p

    def patched_true(self, name, patches):
        """/usr/bin/true with (offset, format, value) patches applied."""
        data = bytearray(open(TRUE, 'rb').read())
        for off, fmt, val in patches:
            struct.pack_into(fmt, data, off, val)
        return self.write(name, bytes(data))

    def run(self, *args, path=None, env=None):
        env = {**os.environ, **(env or {})}
        if path is not None:
            env['PATH'] = path
        return CliRun([self.lxrun, *args], env, self.tmp)

    def refused(self, prog, status, *needles, args=()):
        """lxrun PROG must exit `status` with one line 'lxrun: PROG: ...' naming needles."""
        r = self.run(prog, *args)
        check(r.rc == status, f'expected exit {status}\n{r}')
        check(len(r.err_lines) == 1, f'expected exactly one stderr line\n{r}')
        line = r.err_lines[0]
        check(line.startswith(f'lxrun: {prog}: '), f'stderr line lacks "lxrun: {prog}: "\n{r}')
        for n in needles:
            check(n in line, f'stderr line lacks {n!r}\n{r}')
        check('\r' not in r.err, f'raw CR in the message\n{r}')
        check(r.out == '', f'unexpected stdout\n{r}')
        return r

    def ran(self, *args, status=0, out=None, path=None, env=None):
        r = self.run(*args, path=path, env=env)
        check(r.rc == status, f'expected exit {status}\n{r}')
        check(r.err == '', f'unexpected stderr\n{r}')
        if out is not None:
            check(r.out == out, f'expected stdout {out!r}\n{r}')
        return r


# ---- files that are not programs ----

@case
def not_elf_text(e):
    e.refused(e.write('notes.txt', 'just some text\nno shebang\n'), 126, 'exec format error')

@case
def empty_file(e):
    e.refused(e.write('empty', ''), 126, 'exec format error')

@case
def missing_file(e):
    e.refused(e.path('does-not-exist'), 127, 'No such file or directory')

@case
def dangling_symlink(e):
    os.symlink('/nonexistent/target', e.path('link'))
    e.refused(e.path('link'), 127, 'No such file or directory')

@case
def directory(e):
    os.mkdir(e.path('adir'))
    e.refused(e.path('adir'), 126, 'Is a directory')

@case
def no_exec_permission(e):
    e.refused(e.write('noexec', '#!/bin/sh\necho hi\n', mode=0o644), 126, 'Permission denied')

@case
def exec_permission_by_group(e):
    """The execute bit that applies is the group's for a member of the file's group
    by a supplementary group, as the kernel decides: a program mode 0750 owned by
    root and group 4321 runs for uid 65534 with 4321 among its groups, and is
    refused (126) without it -- the same as natively (through sh's exec: setpriv
    itself exited 0 where it could not exec).  (Root only: setpriv.)"""
    if os.geteuid() != 0:
        return
    os.chmod(e.tmp, 0o755)
    prog = e.write('grouponly', open(TRUE, 'rb').read(), mode=0o750)
    os.chown(prog, 0, 4321)
    for groups, status in (('4321', 0), ('65534', 126)):
        as_nobody = ['setpriv', '--reuid=65534', '--regid=65534', f'--groups={groups}']
        native = subprocess.run(as_nobody + ['/bin/sh', '-c', 'exec "$0"', prog], cwd=e.tmp, capture_output=True)
        check(native.returncode == status, f'natively, groups {groups}: {native}')
        env = dict(os.environ, HOME=e.tmp)  # root's own config is not nobody's to read
        env.pop('XDG_CONFIG_HOME', None)
        r = CliRun(as_nobody + [e.lxrun, prog], env, e.tmp)
        check(r.rc == status, f'groups {groups}: expected exit {status}\n{r}')
        if status:
            check(len(r.err_lines) == 1 and 'Permission denied' in r.err, f'groups {groups}\n{r}')

@case
def fifo(e):
    """Opening a FIFO for reading must not wait for a writer."""
    os.mkfifo(e.path('fifo'), 0o755)
    e.refused(e.path('fifo'), 126)

# ---- ELF files lxrun must refuse ----

@case
def elf_i386(e):
    # EI_CLASS = ELFCLASS32, e_machine (offset 18 in both classes) = EM_386
    e.refused(e.patched_true('i386', [(4, 'B', 1), (18, '<H', 3)]), 126, 'i386')

@case
def elf_aarch64(e):
    e.refused(e.patched_true('arm64', [(18, '<H', 183)]), 126, 'aarch64')

@case
def elf_truncated(e):
    e.refused(e.write('trunc', open(TRUE, 'rb').read()[:100]), 126, 'truncated')

@case
def elf_header_only(e):
    e.refused(e.write('hdr', open(TRUE, 'rb').read()[:40]), 126, 'truncated')

@case
def elf_phoff_past_eof(e):
    size = os.path.getsize(TRUE)
    e.refused(e.patched_true('phoff', [(32, '<Q', size + 4096)]), 126, 'past its end')

@case
def elf_phoff_overflow(e):
    e.refused(e.patched_true('phoff2', [(32, '<Q', 2**64 - 11)]), 126, 'past its end')

@case
def elf_phnum_huge(e):
    e.refused(e.patched_true('phnum', [(56, '<H', 0xffff)]), 126, 'too many program headers')

@case
def elf_relocatable(e):
    e.refused(e.patched_true('obj', [(16, '<H', 1)]), 126, 'relocatable')

@case
def elf_missing_interpreter(e):
    """PT_INTERP rewritten in place to a missing path, NUL padded as the kernel allows."""
    data = bytearray(open(TRUE, 'rb').read())
    old = b'/lib64/ld-linux-x86-64.so.2\0'
    at = data.find(old)
    check(at > 0, f'{TRUE} does not name {old!r}')
    new = b'/nonexistent/ld.so'
    data[at:at + len(old)] = new.ljust(len(old), b'\0')
    e.refused(e.write('nointerp', bytes(data)), 127, '/nonexistent/ld.so', 'interpreter')

# ---- #! scripts ----

@case
def script_missing_interpreter(e):
    e.refused(e.write('s', '#!/nonexistent/sh\necho hi\n'), 126, 'bad interpreter', '/nonexistent/sh')

@case
def script_crlf_interpreter(e):
    """A DOS line ending is part of the name, shown as ^M (as bash does)."""
    e.refused(e.write('dos', '#!/bin/sh\r\necho hi\r\n'), 126, 'bad interpreter', '/bin/sh^M')

@case
def script_long_interpreter(e):
    """The reason still fits after a very long interpreter name."""
    e.refused(e.write('s', '#!/' + 'x' * 245 + ' arg\n'), 126, 'bad interpreter')

@case
def script_truncated_interpreter(e):
    """An interpreter name cut by the 256-byte #! buffer is never run (Linux: ENOEXEC)."""
    e.refused(e.write('s', '#!/' + 'y' * 400 + '\n'), 126, 'bad interpreter line')

@case
def script_no_interpreter(e):
    e.refused(e.write('s', '#!\necho hi\n'), 126, 'bad interpreter line')

@case
def script_runs(e):
    """The interpreter (/bin/sh, a dynamic ELF) runs under lxrun too."""
    s = e.write('hello.sh', '#!/bin/sh\necho "hello $1 from $0"\nexit 3\n')
    e.ran(s, 'world', status=3, out=f'hello world from {s}\n')

@case
def script_with_argument(e):
    """'#!/bin/sh -e': the -e reaches sh, so the script stops at false."""
    s = e.write('strict.sh', '#!/bin/sh -e\necho before\nfalse\necho after\n')
    e.ran(s, status=1, out='before\n')

@case
def script_of_script(e):
    inner = e.write('inner.sh', '#!/bin/sh\necho "inner got $*"\n')
    outer = e.write('outer', f'#!{inner}\n')
    e.ran(outer, 'x', out=f'inner got {outer} x\n')

@case
def script_loop(e):
    s = e.path('loop')
    e.write('loop', f'#!{s}\n')
    e.refused(s, 126, 'too many levels')

# ---- PATH lookup ----

@case
def path_finds_true(e):
    e.ran('true')

@case
def path_exit_status(e):
    e.ran('false', status=1)

@case
def path_command_not_found(e):
    r = e.run('no-such-command-lxrun-test')
    check(r.rc == 127, f'expected 127\n{r}')
    check(r.err_lines == ['lxrun: no-such-command-lxrun-test: command not found'], str(r))

@case
def path_skips_non_executable(e):
    """As a shell: a non-executable match earlier in PATH does not hide a later one."""
    os.mkdir(e.path('a'))
    os.mkdir(e.path('b'))
    e.write('a/tool', '#!/bin/sh\necho wrong\n', mode=0o644)
    e.write('b/tool', '#!/bin/sh\necho right\n')
    e.ran('tool', out='right\n', path=f'{e.path("a")}:{e.path("b")}:/usr/bin:/bin')

@case
def path_only_non_executable(e):
    os.mkdir(e.path('a'))
    p = e.write('a/tool', '#!/bin/sh\necho wrong\n', mode=0o644)
    r = e.run('tool', path=f'{e.path("a")}:/usr/bin:/bin')
    check(r.rc == 126 and r.err_lines == [f'lxrun: {p}: Permission denied'], str(r))

# ---- options ----

@case
def no_arguments(e):
    r = e.run()
    check(r.rc == 2, f'expected 2\n{r}')
    check(r.err.startswith('usage: lxrun'), f'expected usage on stderr\n{r}')
    check(r.out == '', str(r))

@case
def help(e):
    for opt in ('--help', '-h'):
        r = e.ran(opt)
        check(r.out.startswith('usage: lxrun'), f'{opt}: expected usage on stdout\n{r}')

@case
def version(e):
    for opt in ('--version', '-V'):
        r = e.ran(opt)
        words = r.out.split()
        check(len(r.out.splitlines()) == 1 and len(words) == 2 and words[0] == 'lxrun'
              and words[1][0].isdigit(), f'{opt}: expected "lxrun N.N.N"\n{r}')

@case
def unknown_option(e):
    r = e.run('--no-such-option', 'true')
    check(r.rc == 2, f'expected 2\n{r}')
    check(r.err_lines[:1] == ["lxrun: unknown option '--no-such-option'"], str(r))
    check(r.out == '', str(r))

@case
def spare_child_modes(e):
    """--spare-child takes auto, yes or no (either spelling), anything else is a
    one-line refusal with status 2."""
    for opt in ('--spare-child=auto', '--spare-child=yes', '--spare-child=no'):
        e.ran(opt, 'true')
    e.ran('--spare-child', 'auto', 'true')
    r = e.run('--spare-child=maybe', 'true')
    check(r.rc == 2 and r.err_lines == ["lxrun: --spare-child: 'maybe' is not auto, yes or no"] and r.out == '', str(r))

@case
def cache_values(e):
    """--cache takes an absolute directory or off (LXRUN_CACHE too, the option
    first); anything else is a one-line refusal with status 2.  The variable never
    reaches the guest: env under lxrun prints what it prints natively without it."""
    d = os.path.join(e.tmp, 'cache')
    for opts in (('--cache=off',), ('--cache', 'off'), (f'--cache={d}',)):
        e.ran(*opts, 'true')
    r = e.run('--cache=rel/dir', 'true')
    check(r.rc == 2 and r.err_lines == ["lxrun: --cache: 'rel/dir' is not an absolute directory or off"] and r.out == '',
          str(r))
    r = e.run('true', env={'LXRUN_CACHE': 'cache'})
    check(r.rc == 2 and r.err_lines == ["lxrun: LXRUN_CACHE: 'cache' is not an absolute directory or off"], str(r))
    e.ran(f'--cache={d}', 'true', env={'LXRUN_CACHE': 'cache'})
    clean = {k: v for k, v in os.environ.items() if k != 'LXRUN_CACHE'}
    native = subprocess.run(['/usr/bin/env'], env=clean, capture_output=True, text=True)
    r = e.run('/usr/bin/env', env={'LXRUN_CACHE': d})
    check(r.rc == 0 and r.out == native.stdout, f'{native.stdout}\n{r}')

@case
def double_dash(e):
    e.ran('--', 'true')

# ---- lxrun's own handles ----

def handles(pid):
    """PID's fds by number, a socket's as 'socket': the spare child's (the vfork
    window's, made ahead) takes the lowest free number above lxrun's floor when it
    is made, which depends on the exec handles open then, not on a leak.  Left
    out: /proc/loadavg, which a process that made a spare keeps open (one handle,
    read before each spare: rx_cpu_free), a program run directly never."""
    def name(fd):
        try:
            target = os.readlink(f'/proc/{pid}/fd/{fd}')
        except OSError:
            return None
        return 'socket' if target.startswith('socket:') else None if target == '/proc/loadavg' else fd
    fds = [name(fd) for fd in sorted(os.listdir(f'/proc/{pid}/fd'), key=int)]
    return sorted((f for f in fds if f is not None), key=lambda f: (f == 'socket', 0 if f == 'socket' else int(f)))


def fds_while_waiting(e, argv, settle_at=None):
    """lxrun's host fds while the program ARGV ends as, cat, waits for input (cat
    has echoed a first line: its exec is over); cat then ends with its input.
    With SETTLE_AT, up to 5 s for their number to come down to it."""
    p = subprocess.Popen([e.lxrun, *argv], cwd=e.tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        p.stdin.write(b'ready\n')
        p.stdin.flush()
        line = p.stdout.readline()
        check(line == b'ready\n', f'{argv}: cat echoed {line!r} {p.stderr.read(4096) if not line else ""}')
        fds = handles(p.pid)
        # A vfork parent closes its exec's handles once it runs again after the
        # child's exec: on a loaded machine that can come after cat's echo.
        for _ in range(100 if settle_at is not None else 0):
            if len(fds) <= settle_at:
                break
            time.sleep(0.05)
            fds = handles(p.pid)
    finally:
        p.stdin.close()
        p.wait(timeout=30)
    check(p.returncode == 0, f'{argv}: exit {p.returncode}')
    return fds


@case
def exec_leaves_no_handles(e):
    """execve's checks keep the files they open for the load (the file checked is
    the file run).  Every path of an exec -- in place, a vfork child's in its fork,
    a script of a script, refused ones (no file, no interpreter for a script or an
    ELF) -- leaves lxrun no more fds than it has running the last program directly:
    in the process that made them all, exec'ing cat at the end or waiting for it."""
    data = bytearray(open(TRUE, 'rb').read())
    old = b'/lib64/ld-linux-x86-64.so.2\0'
    at = data.find(old)
    data[at:at + len(old)] = b'/nonexistent/ld.so'.ljust(len(old), b'\0')
    nointerp = e.write('nointerp', bytes(data))
    noscript = e.write('noscript', '#!/no/such/interpreter\n')
    inner = e.write('inner.sh', '#!/bin/sh\nshift\nexec "$@"\n')  # $1: outer
    outer = e.write('outer', f'#!{inner}\n')
    chain = e.write('chain.sh', f"""#!/bin/sh
n=0
while [ $n -lt 10 ]; do /bin/true; {outer} /bin/true; n=$((n+1)); done
/no/such/file 2>/dev/null; {nointerp} 2>/dev/null; {noscript} 2>/dev/null
(exec /no/such/file) 2>/dev/null; (exec {nointerp}) 2>/dev/null
[ "$1" = here ] && exec {outer} /bin/sh -c 'exec /bin/cat'
{outer} /bin/sh -c 'exec /bin/cat'
""")
    direct = e.write('direct.sh', '#!/bin/sh\n/bin/cat\n')  # sh, its script's fd, cat its child
    for last, argv in (('here', ['/bin/cat']), ('child', [direct])):
        alone = fds_while_waiting(e, argv)
        after = fds_while_waiting(e, [chain, last], settle_at=len(alone))
        if len(after) < len(alone):  # the direct run's parent had not closed its own yet
            alone = fds_while_waiting(e, argv, settle_at=len(after))
        check(after == alone, f'{last}: fds after the execs {after}, running cat directly {alone}')

def code_mappings(pid, lxrun):
    """(start, end, perms, path, AnonHugePages kB) of each executable mapping of
    host process PID that is lxrun's code: its file's, or an anonymous one of 2 MiB
    on a 2 MiB boundary just below its file's first mapping."""
    maps, cur = [], None
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            head = line.split()
            if '-' in head[0] and len(head) >= 5 and ':' in head[3]:
                lo, hi = (int(x, 16) for x in head[0].split('-'))
                cur = [lo, hi, head[1], head[5] if len(head) > 5 else '', 0]
                maps.append(cur)
            elif head[0] == 'AnonHugePages:' and cur:
                cur[4] = int(head[1])
    real = os.path.realpath(lxrun)
    first = min((m[0] for m in maps if m[3] == real), default=None)
    check(first is not None, f'pid {pid}: no mapping of {real}')
    return [m for m in maps if 'x' in m[2] and (m[3] == real or (
        m[3] == '' and m[1] - m[0] == 2 << 20 and m[0] % (2 << 20) == 0 and 0 < first - m[0] <= 4 << 20))]


@case
def code_on_huge_page_after_fork(e):
    """lxrun's code and constants move onto one anonymous 2 MiB page before a
    process's first fork (a transparent huge page where the host has them), so a
    forked child reaches them all through one page-table entry; a process that
    never forks keeps its file's pages.  Seen from the host in sh (forked once)
    and cat (its child, exec'd in place), and in a lone cat; sh's other child,
    the spare made ahead for its next vfork (vfork_spare.c), too."""
    thp = open('/sys/kernel/mm/transparent_hugepage/enabled').read()
    huge_expected = '[never]' not in thp
    for argv, forked in ((['/bin/sh', '-c', '/bin/cat'], True), (['/bin/cat'], False)):
        p = subprocess.Popen([e.lxrun, *argv], cwd=e.tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            p.stdin.write(b'ready\n')
            p.stdin.flush()
            check(p.stdout.readline() == b'ready\n', f'{argv}: cat did not echo')
            pids = [p.pid]
            if forked:
                with open(f'/proc/{p.pid}/task/{p.pid}/children') as f:
                    pids += [int(x) for x in f.read().split()]
                check(len(pids) in (2, 3), f'{argv}: children of sh {pids[1:]} (cat, and the spare)')
            for pid in pids:
                code = code_mappings(pid, e.lxrun)
                check(len(code) == 1, f'{argv} pid {pid}: lxrun code mappings {code}')
                lo, hi, perms, path, huge = code[0]
                if not forked:
                    check(path != '', f'{argv}: code moved in a process that never forked: {code}')
                    continue
                check(path == '' and perms.startswith('r-x'), f'{argv} pid {pid}: code not moved: {code}')
                check(huge == 2048 or not huge_expected, f'{argv} pid {pid}: AnonHugePages {huge} kB ({thp.strip()})')
        finally:
            p.stdin.close()
            p.wait(timeout=30)
        check(p.returncode == 0, f'{argv}: exit {p.returncode}')


@case
def exec_checks_scratch_not_forked(e):
    """The exec checks' scratch (the ELF header and program header buffers) lives
    in memory a fork does not copy (MADV_WIPEONFORK: VmFlags "wf" in the host's
    smaps), so a shell's lxrun, which checks each program just before forking,
    copies none of it again.  Seen in sh while its child, cat, runs."""
    p = subprocess.Popen([e.lxrun, '/bin/sh', '-c', '/bin/cat'], cwd=e.tmp, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write(b'ready\n')
        p.stdin.flush()
        check(p.stdout.readline() == b'ready\n', 'cat did not echo')
        with open(f'/proc/{p.pid}/smaps') as f:
            flags = [line.split()[1:] for line in f if line.startswith('VmFlags:')]
        check(any('wf' in fl for fl in flags), f'sh: no wipe-on-fork mapping among {len(flags)}')
    finally:
        p.stdin.close()
        p.wait(timeout=30)
    check(p.returncode == 0, f'exit {p.returncode}')


def main():
    # cli_cases.py LXRUN CASE, or cli_cases.py LXRUN --list
    suite_main('cli', __doc__, 1, lambda args, tmp: Env(os.path.abspath(args[0]), tmp))


if __name__ == '__main__':
    main()

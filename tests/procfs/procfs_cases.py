#!/usr/bin/python3
"""procfs_cases.py — /proc/self and /proc/<pid> under lxrun, checked by structure:
procps tools (ps, top, free, uptime) run and show the guest, and a glibc probe
program (probe.c) looks at its own maps, links, directories and files.

    procfs_cases.py LXRUN PROBE CASE   runs one case (ctest: procfs.CASE)
    procfs_cases.py --list             prints the case names

The host's /proc is read here only to compare with what lxrun shows (never by
lxrun for the guest)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import case, check, Run, suite_main  # noqa: E402

PS, TOP, FREE, UPTIME, VMSTAT = '/usr/bin/ps', '/usr/bin/top', '/usr/bin/free', '/usr/bin/uptime', '/usr/bin/vmstat'
LS, PYTHON = '/usr/bin/ls', '/usr/bin/python3'
ENV = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C', 'TERM': 'dumb', 'PROBE_ENV': 'yes'}


def procfs_run(argv, cwd, env=None):
    """Runs with the suite's fixed environment unless given another, plus the
    caller's LXRUN_TRAP_FS (lxrun's own; the guest never sees it)."""
    env = dict(env or ENV)
    if 'LXRUN_TRAP_FS' in os.environ:
        env['LXRUN_TRAP_FS'] = os.environ['LXRUN_TRAP_FS']
    return Run(argv, cwd, env)


class Env:
    def __init__(self, lxrun, probe, tmp):
        self.lxrun, self.probe, self.tmp = lxrun, probe, tmp

    def run(self, *argv, env=None):
        """ARGV under lxrun; the guest's pid is lxrun's, which is r.pid."""
        return procfs_run([self.lxrun, *argv], self.tmp, env)

    def ok(self, *argv):
        r = self.run(*argv)
        check(r.rc == 0, str(r))
        return r

    def probe_ok(self, mode, native=True):
        """The probe under lxrun (and natively first, so the probe itself is right)."""
        if native:
            n = procfs_run([self.probe, mode], self.tmp)
            check(n.rc == 0 and n.out.endswith('ok\n'), f'natively:\n{n}')
        r = self.run(self.probe, mode)
        check(r.rc == 0 and r.out.endswith('ok\n') and 'FAIL' not in r.out, str(r))
        return r


@case
def answerer_starts_with_a_wait(e):
    """A process's /proc answering thread (lxrun's own) starts with its first call
    that may wait, not with reads and writes of files that never wait (ld.so
    loading libraries, python reading its modules, 500 one-byte reads of /dev/zero
    written to /dev/null, as dd does), nor with calls told not to wait (poll and
    epoll_wait with a zero limit, waitpid with WNOHANG: a thread's start there made
    LTP epoll_wait04's "at once" take 4 ms): python3 has one host thread until it reads
    a pipe (on the fd /dev/zero had), two while it waits there.  (A second thread would make every call on
    an fd dearer in the host kernel: a shared fd table is reference-counted.)"""
    import subprocess
    import time
    out, go = os.path.join(e.tmp, 'out.txt'), os.path.join(e.tmp, 'go')
    code = ('import os\nz, n = os.open("/dev/zero", os.O_RDONLY), os.open("/dev/null", os.O_WRONLY)\n'
            'for i in range(500): os.write(n, os.read(z, 1))\n'
            'import select\nselect.poll().poll(0)\nselect.epoll().poll(0)\n'
            'try: os.waitpid(-1, os.WNOHANG)\nexcept ChildProcessError: pass\n'
            'print("loaded", flush=True)\n'
            'while not os.path.exists("go"): pass\n'
            'os.close(z)\nr, w = os.pipe()\nassert r == z\nos.read(r, 1)\n')  # the fd /dev/zero had
    with open(out, 'w') as f:
        p = subprocess.Popen([e.lxrun, PYTHON, '-c', code], cwd=e.tmp, stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=dict(ENV, HOME=e.tmp))  # no HOME: a passwd lookup (nscd's socket)
    try:
        def threads():
            return len(os.listdir(f'/proc/{p.pid}/task'))
        deadline = time.time() + 20
        while 'loaded' not in open(out).read() and time.time() < deadline and p.poll() is None:
            time.sleep(0.02)
        check('loaded' in open(out).read(), f'python never started: {open(out).read()!r}')
        check(threads() == 1, f'{threads()} host threads before any wait')
        open(go, 'w').close()
        while threads() < 2 and time.time() < deadline:
            time.sleep(0.02)
        check(threads() == 2, f'{threads()} host threads while waiting on a pipe')
    finally:
        p.kill()
        p.wait()


@case
def busy_reader_shows_running(e):
    """A process reading /dev/zero one byte at a time into /dev/null (dd bs=1),
    files that never wait, is running, as Linux shows it: lxrun marks no sleep
    around such a call (dispatch.c), where it showed S most of the time (5 of 6
    looks before).  Looked at by the shell that started it, through lxrun's
    /proc, six times; natively the same script prints R each time."""
    script = ('for i in 1 2 3 4 5 6; do dd if=/dev/zero of=/dev/null bs=1 count=50000000 2>/dev/null & '
              'sleep 0.1; cut -d" " -f3 /proc/$!/stat; kill $!; wait $! 2>/dev/null || :; done')
    native = procfs_run(['/bin/sh', '-c', script], e.tmp)
    check(native.rc == 0 and native.out.split() == ['R'] * 6, f'natively:\n{native}')
    r = e.run('/bin/sh', '-c', script)
    check(r.rc == 0 and r.out.split() == ['R'] * 6, str(r))


@case
def answers_while_forking(e):
    """A process that forks without pause (each fork holds its /proc answering
    thread out of libc's code, as it skips libc's fork locks: ptable_ask.c)
    still answers another process's reads of its /proc/PID/maps (a file only it
    renders), each whole, and neither side hangs: 200 reads during ~400 forks,
    natively first."""
    code = ('import os, sys\n'
            'r, w = os.pipe()\n'
            'pid = os.fork()\n'
            'if pid == 0:\n'
            '    os.close(r)\n'
            '    for i in range(400):\n'
            '        c = os.fork()\n'
            '        if c == 0: os._exit(0)\n'
            '        os.waitpid(c, 0)\n'
            '        if i == 0: os.write(w, b"x")\n'
            '    os._exit(0)\n'
            'os.close(w)\n'
            'os.read(r, 1)\n'
            'bad = reaped = 0\n'
            'for k in range(200):\n'
            '    try:\n'
            '        t = open(f"/proc/{pid}/maps").read()\n'
            '    except FileNotFoundError:\n'
            '        reaped = os.waitpid(pid, os.WNOHANG)[0] == pid\n'
            '        if reaped: break  # it ended\n'
            '        bad += 1; continue  # alive, yet no answer\n'
            '    if "[stack]" not in t or "python3" not in t: bad += 1\n'
            'if not reaped: os.waitpid(pid, 0)\n'
            'print("ok" if bad == 0 else f"{bad} bad answers")\n')
    n = procfs_run([PYTHON, '-c', code], e.tmp)
    check(n.rc == 0 and n.out == 'ok\n', f'natively:\n{n}')
    r = e.run(PYTHON, '-c', code)
    check(r.rc == 0 and r.out == 'ok\n', str(r))


# ---- /proc/config.gz ----

@case
def config_gz_from_the_table(e):
    """/proc/config.gz is valid gzip (zcat, itself under lxrun, reads it) and states,
    for interfaces that stand for a system call, what lxrun's table serves: "=y"
    exactly when the call is translated, emulated or partial."""
    from casekit import read_table
    table = read_table(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'syscalls', 'table.def'))
    r = e.ok('/usr/bin/zcat', '/proc/config.gz')
    check(r.out.startswith('#\n# lxrun on '), r.out[:200])
    lines = set(r.out.splitlines())
    served = {'translated', 'emulated', 'partial'}
    for option, call in (('FUTEX', 'futex'), ('NET', 'socket'), ('RSEQ', 'rseq'), ('MULTIUSER', 'setuid'),
                         ('EPOLL', 'epoll_create1'), ('SYSVIPC', 'shmget'), ('POSIX_TIMERS', 'timer_create')):
        want = f'CONFIG_{option}=y' if table[call][1] in served else f'# CONFIG_{option} is not set'
        check(want in lines, f'{want!r} missing (table: {call} {table[call][1]})')
    check('CONFIG_PROC_FS=y' in lines and '# CONFIG_TIME_NS is not set' in lines, r.out)


# ---- procps ----

@case
def ps_shows_guest(e):
    """ps -o pid,comm lists exactly the guest: its pid (lxrun's) and its name."""
    r = e.ok(PS, '-o', 'pid,comm')
    lines = r.out.splitlines()
    check(len(lines) == 2 and lines[0].split() == ['PID', 'COMMAND'], str(r))
    check(lines[1].split() == [str(r.pid), 'ps'], f'row {lines[1]!r}, guest pid {r.pid}')


@case
def ps_full_format(e):
    """ps -f and ps -o with fields from stat and status: the guest's ids and command line."""
    r = e.ok(PS, '-o', 'pid,ppid,uid,stat,nlwp,vsz,rss,args')
    rows = [l.split(None, 7) for l in r.out.splitlines()[1:]]
    check(len(rows) == 1, str(r))
    pid, ppid, uid, stat, nlwp, vsz, rss, args = rows[0]
    check(pid == str(r.pid) and ppid == str(os.getpid()) and uid == str(os.geteuid()), str(rows[0]))
    check(stat.startswith('R') and nlwp == '1' and int(vsz) > 0 and int(rss) > 0, str(rows[0]))
    check(args == 'ps -o pid,ppid,uid,stat,nlwp,vsz,rss,args' or args.startswith('/usr/bin/ps -o'), args)


@case
def top_batch(e):
    """top -bn1: one task, the guest, and the summary lines from /proc/stat and meminfo."""
    r = e.ok(TOP, '-bn1')
    check(re.search(r'^Tasks:\s+1 total,\s+1 running', r.out, re.M), str(r))
    check(re.search(r'^MiB Mem :\s+[\d.]+ total', r.out, re.M), str(r))
    rows = [l.split() for l in r.out.splitlines() if l.strip().startswith(str(r.pid) + ' ')]
    check(len(rows) == 1 and rows[0][-1] == 'top', f'no row for pid {r.pid}\n{r}')


@case
def free_parses(e):
    """free -m: the Mem: and Swap: rows, total memory as the host's /proc/meminfo says."""
    r = e.ok(FREE, '-m')
    mem = [l.split() for l in r.out.splitlines() if l.startswith('Mem:')]
    swap = [l.split() for l in r.out.splitlines() if l.startswith('Swap:')]
    check(len(mem) == 1 and len(mem[0]) == 7 and all(x.isdigit() for x in mem[0][1:]), str(r))
    check(len(swap) == 1 and len(swap[0]) == 4, str(r))
    with open('/proc/meminfo') as f:
        total_kb = int(f.readline().split()[1])
    check(abs(int(mem[0][1]) - total_kb // 1024) <= 1, f'total {mem[0][1]} MiB, host {total_kb} kB')


@case
def vmstat_summary(e):
    """vmstat -s (procps reads /proc/vmstat, which it cannot do without: "Unable to
    create vmstat structure"): the same lines as natively, total memory the host's."""
    r = e.ok(VMSTAT, '-s')
    n = subprocess.run([VMSTAT, '-s'], capture_output=True, text=True)
    labels = lambda out: [l.split(None, 1)[1] for l in out.splitlines() if l.strip()]
    check(labels(r.out) == labels(n.stdout), f'lines differ from native\n{r}\n{n.stdout}')
    with open('/proc/meminfo') as f:
        total_kb = int(f.readline().split()[1])
    check(r.out.split(None, 1)[0] == str(total_kb), f'total {r.out.split(None, 1)[0]} K, host {total_kb}')


@case
def uptime_parses(e):
    r = e.ok(UPTIME)
    check(re.fullmatch(r' \d\d:\d\d:\d\d up .*, +load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d\n', r.out), str(r))


# ---- listings and links ----

@case
def ls_proc(e):
    """ls /proc: the fixed files, self and thread-self, and the guest's pid (no other)."""
    r = e.ok(LS, '/proc')
    names = r.out.split()
    for want in ('self', 'thread-self', 'cpuinfo', 'meminfo', 'stat', 'sys', str(r.pid)):
        check(want in names, f'{want} not in {names}')
    check([n for n in names if n.isdigit()] == [str(r.pid)], f'pids listed: {names}')


@case
def dotdot_paths_as_linux(e):
    """Paths with "..": one after a /proc link goes up from where the link leads
    (/usr/../proc/self/cwd/.. is the cwd's parent: lxrun took it lexically, as
    /proc/self, until 2026-12-04), one ending in an emulated tree is lxrun's node, any
    other the host's as Linux resolves it.  stat's type of each, natively and under
    lxrun (the cwd, a directory made here, is the same for both)."""
    os.makedirs(os.path.join(e.tmp, 'sub'), exist_ok=True)
    paths = ['/proc/self/cwd/..', '/usr/../proc/self/cwd/..', '/usr/../proc/self/cwd/sub/..',
             '/proc/../proc/self/cwd/sub', '/usr/../dev/null', '/etc/../proc/self/comm',
             '/proc/self/root/../etc/hostname', '/usr/lib/../bin/../../etc/hostname', '/usr/../procfoo']
    argv = ['/usr/bin/stat', '-c', '%n %F', *paths]
    native = procfs_run(argv, e.tmp)
    r = e.run(*argv)
    check((r.rc, r.out) == (native.rc, native.out), f'natively:\n{native}\nunder lxrun:\n{r}')
    check('/usr/../proc/self/cwd/.. directory' in r.out, str(r))


@case
def ls_sys_cpu(e):
    r = e.ok(LS, '/sys/devices/system/cpu')
    names = r.out.split()
    check('cpu0' in names and 'online' in names and 'possible' in names, str(r))
    r = e.ok(LS, '-l', '/proc/self/')
    check(re.search(r'^l[rwx-]{9} .* exe -> /usr/bin/ls$', r.out, re.M), str(r))
    check(re.search(r'^dr-x------ .* fd$', r.out, re.M), str(r))


@case
def other_pids_absent(e):
    r = e.run(LS, '/proc/1')
    check(r.rc == 2 and 'No such file or directory' in r.err, str(r))


@case
def python_listdir_fd(e):
    """os.listdir('/proc/self/fd'): 0, 1, 2 and the directory's own fd, as natively."""
    code = 'import os; print(sorted(os.listdir("/proc/self/fd"), key=int))'
    native = procfs_run([PYTHON, '-c', code], e.tmp)
    r = e.ok(PYTHON, '-c', code)
    check(r.out == native.out == "['0', '1', '2', '3']\n", f'native {native.out!r}\n{r}')


@case
def python_cmdline_environ(e):
    """cmdline and environ are the argv and envp the guest started with."""
    code = ('import os; c = open("/proc/self/cmdline", "rb").read(); '
            'v = open("/proc/self/environ", "rb").read(); print(c.split(b"\\0")); print(sorted(v.split(b"\\0")))')
    r = e.ok(PYTHON, '-c', code, 'arg one', '')
    want_args = [b'/usr/bin/python3', b'-c', code.encode(), b'arg one', b'', b'']
    want_env = sorted([b''] + [f'{k}={v}'.encode() for k, v in ENV.items()])
    check(r.out == f'{want_args}\n{want_env}\n', f'{r}\nwant {want_args}\n{want_env}')


# ---- the probe ----

@case
def maps_shows_program_not_lxrun(e):
    """/proc/self/maps: Linux's line format, the program's own path, [stack] and
    [heap]... but never lxrun's own mappings (its path does not appear)."""
    r = e.probe_ok('maps', native=False)
    lines = r.out.splitlines()[:-1]
    line_re = re.compile(r'^([0-9a-f]{8,})-([0-9a-f]{8,}) [r-][w-][x-][ps] [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \d+ '
                         r'(?: {0,72}(\S.*))?$')
    names = []
    for l in lines:
        m = line_re.match(l)
        check(m, f'not a maps line: {l!r}')
        if m[3]:
            check(len(l) - len(m[3]) >= 73, f'name before column 74: {l!r}')
            names.append(m[3])
    probe = os.path.realpath(e.probe)
    check(probe in names, f'{probe} not in {names}')
    check('[stack]' in names, f'no [stack] in {names}')
    check(any('libc.so' in n for n in names) and any('ld-linux' in n for n in names), str(names))
    for lx in {e.lxrun, os.path.realpath(e.lxrun)}:
        check(lx not in r.out, f'lxrun ({lx}) appears in maps:\n{r.out}')
    starts = [int(l.split('-')[0], 16) for l in lines]
    check(starts == sorted(starts), 'not in address order')


@case
def maps_names_after_shell_exec(e):
    """A program a shell starts (dash: vfork, then exec in lxrun's fork of it)
    through a symlink: its maps names each file by its own path, links resolved,
    as natively -- the names found by the exec's checks before the fork."""
    link = os.path.join(e.tmp, 'probe-link')
    if not os.path.islink(link):
        os.symlink(e.probe, link)
    cmd = ['/bin/sh', '-c', f'{link} maps']
    def files(r):
        return sorted({l.split()[5] for l in r.out.splitlines()[:-1] if len(l.split()) > 5 and l.split()[5].startswith('/')})
    n = procfs_run(cmd, e.tmp)
    check(n.rc == 0 and n.out.endswith('ok\n'), f'natively:\n{n}')
    r = e.run(*cmd)
    check(r.rc == 0 and r.out.endswith('ok\n'), str(r))
    check(files(r) == files(n), f'lxrun {files(r)} natively {files(n)}')
    check(os.path.realpath(e.probe) in files(r) and link not in files(r), str(files(r)))


@case
def pthread_getattr_main_thread(e):
    """glibc's pthread_getattr_np reads /proc/self/maps for the main thread's stack."""
    e.probe_ok('stack')


@case
def self_links(e):
    e.probe_ok('links')


@case
def self_directories(e):
    e.probe_ok('dirs')


@case
def self_files(e):
    e.probe_ok('files', native=False)  # natively comm may be truncated differently
    r = e.run(e.probe, 'files', 'more', 'args')
    check(r.rc == 0 and r.out.endswith('ok\n'), str(r))


@case
def lscpu_parses(e):
    """lscpu (util-linux) reads /proc/cpuinfo and /sys/devices/system/cpu: its CPU
    count and model name equal the native run's.  lxrun names the CPU as CPUID
    does now; Linux keeps the name it read at boot, which differs on a VM since
    moved to a host whose CPUs answer otherwise: there the CPU's own name (the
    probe's CPUID, natively) stands for the native one."""
    def facts(out):
        d = dict(l.split(':', 1) for l in out.splitlines() if ':' in l)
        return {k: d.get(k, '').strip() for k in ('CPU(s)', 'Model name', 'Vendor ID', 'Architecture')}
    n = procfs_run(['/usr/bin/lscpu'], e.tmp)
    r = e.ok('/usr/bin/lscpu')
    b = procfs_run([e.probe, 'brand'], e.tmp)
    check(b.rc == 0 and b.out.endswith('\nok\n'), f'probe brand:\n{b}')
    brand = b.out.split('\n')[0]
    want = facts(n.out)
    if want['Model name'] != brand:
        print(f"note: the kernel's name {want['Model name']!r} is not the CPU's now, {brand!r}")
        want['Model name'] = brand
    check(facts(r.out) == want, f'lscpu facts differ: {facts(r.out)} vs native {want}')
    check(facts(r.out)['CPU(s)'] == str(os.cpu_count()), f'{facts(r.out)}')


@case
def lscpu_caches(e):
    """lscpu -C reads /sys/devices/system/cpu/cpuN/cache/indexM: each cache's size,
    ways, type, level, sets and line sizes equal the native run's (the instance
    counts are left out: lxrun's topology is one package of single-thread cores).
    On a VM moved since boot to another CPU (the kernel's model name is not the
    CPU's now) the kernel's cacheinfo is the old CPU's: not compared then."""
    cols = '-C=NAME,ONE-SIZE,WAYS,TYPE,LEVEL,SETS,PHY-LINE,COHERENCY-SIZE'
    n = procfs_run(['/usr/bin/lscpu', cols], e.tmp)
    check(n.rc == 0, f'native lscpu -C:\n{n}')
    r = e.ok('/usr/bin/lscpu', cols)
    b = procfs_run([e.probe, 'brand'], e.tmp)
    model = dict(l.split(':', 1) for l in procfs_run(['/usr/bin/lscpu'], e.tmp).out.splitlines() if ':' in l)
    if model.get('Model name', '').strip() != b.out.split('\n')[0]:
        print('note: the VM moved to another CPU since boot: caches not compared')
        return
    if len(r.out.splitlines()) <= 1 and len(n.out.splitlines()) > 1:
        # an AMD CPU without TOPOEXT: Linux then builds cacheinfo from the legacy
        # leaves 0x80000005/6, which lxrun does not read (design-notes)
        print('note: CPUID offers neither leaf 4 nor 0x8000001D here: no caches shown')
        return
    check(r.out == n.out, f'lscpu -C differs:\n{r.out}\nnative:\n{n.out}')
    check(len(r.out.splitlines()) > 1, f'no caches listed:\n{r.out}')


SHM_SCRIPT = """
import os, mmap, _posixshmem
name = 'lxrun-test-%d' % os.getpid()
fd = _posixshmem.shm_open('/' + name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
os.ftruncate(fd, 4096)
m = mmap.mmap(fd, 4096)
m[:3] = b'abc'
print(name in os.listdir('/dev/shm'), open('/dev/shm/' + name, 'rb').read(3))
print([l.split()[-1] for l in open('/proc/self/maps') if name in l] == ['/dev/shm/' + name])
_posixshmem.shm_unlink('/' + name)
print(name in os.listdir('/dev/shm'))
"""


@case
def dev_shm_posix(e):
    """POSIX shared memory (glibc's shm_open: files in /dev/shm) works under lxrun,
    natively and guest-side alike: the file is listed, readable by path, mapped
    under its /dev/shm name in maps, and gone after shm_unlink."""
    want = "True b'abc'\nTrue\nFalse\n"
    n = procfs_run([PYTHON, '-c', SHM_SCRIPT], e.tmp)
    check(n.rc == 0 and n.out == want, f'natively:\n{n}')
    r = e.run(PYTHON, '-c', SHM_SCRIPT)
    check(r.rc == 0 and r.out == want, str(r))


SHM_TRY = """
import os, _posixshmem
try:
    fd = _posixshmem.shm_open('/lxrun-probe', os.O_CREAT | os.O_RDWR, 0o600)
    print('made', oct(os.fstat(fd).st_mode & 0o777))
    _posixshmem.shm_unlink('/lxrun-probe')
except OSError as e:
    print(type(e).__name__, e.errno)
"""


@case
def dev_shm_directory_checked(e):
    """Without --root the guest's /dev/shm is /tmp/.lxrun-shm-<euid>, made 0700
    where missing and used only when it is that: a directory (not a link to one),
    this user's, closed to others (lxrun.c, set_up_shm, which looks by name with
    links not followed).  Each case in a mount namespace of its own, an empty
    tmpfs on /tmp: shm_open makes its file where the directory was missing; it
    fails (ENOENT) and nothing is made where a link to a directory, a directory
    open to others, another user's or a plain file stands there."""
    if os.geteuid() != 0:
        print('note: not root: no mount namespace of its own to try in')
        return
    cases = {'': "made 0o600\n['.', '..'] 0o700\n",
             'mkdir -m 0700 /tmp/other && ln -s /tmp/other /tmp/.lxrun-shm-0': "FileNotFoundError 2\n['.', '..'] 0o700\n",
             'mkdir -m 0755 /tmp/.lxrun-shm-0': "FileNotFoundError 2\n['.', '..'] 0o755\n",
             'mkdir -m 0700 /tmp/.lxrun-shm-0 && chown 1000 /tmp/.lxrun-shm-0': "FileNotFoundError 2\n['.', '..'] 0o700\n",
             'touch /tmp/.lxrun-shm-0': "FileNotFoundError 2\n",
             }
    look = ("import os, sys; p = '/tmp/.lxrun-shm-0'; "
            "os.path.isdir(p) and print(['.', '..'] + os.listdir(p), oct(os.stat(p).st_mode & 0o777))")
    for setup, want in cases.items():
        # lxrun through a handle opened first: the tmpfs hides a build under /tmp
        shell = (f'exec 9<"$3"; mount -t tmpfs none /tmp && {setup or "true"} && /proc/self/fd/9 {PYTHON} -c "$1" && '
                 f'{PYTHON} -c "$2"')
        r = procfs_run(['unshare', '-m', 'sh', '-c', shell, 'sh', SHM_TRY, look, e.lxrun], e.tmp)
        check(r.rc == 0 and r.out == want, f'{setup or "nothing there"}: {r}\nwanted:\n{want}')


# ---- strict mode: the proof that the host's trees are never opened ----

HOST_TREE = re.compile(r'"/(proc|sys|dev)(/[^"]*)?"')
FPATH_LINK = re.compile(r'^(readlink|readlinkat)\((AT_FDCWD, )?"/proc/self/fd/\d+"')
# (musl's open() is the open call, with O_LARGEFILE; glibc's is openat)
FD_TABLE = re.compile(r'^(openat\(AT_FDCWD, |open\()"/proc/self/fd", O_RDONLY(\|O_LARGEFILE)?\|O_CLOEXEC\|O_DIRECTORY(\)| <unfinished)')
# the backend's null:, zero:, rand: and full: schemes: an open of the device, each
# one the guest's open of the scheme (redox/host-linux.c, scheme_open)
SCHEME_DEVICE = re.compile(r'^openat\(AT_FDCWD, "/dev/(null|zero|urandom|full)", [^)]*O_NOCTTY')
# the backend's handle for writing text (rx_poke: a rewrite's store), opened again
# in a forked child the first time it rewrites a site
POKE_HANDLE = re.compile(r'^openat\(AT_FDCWD, "/proc/self/mem", O_RDWR\|O_CLOEXEC\)')

GUEST_SCRIPT = """
import os
for f in ('/proc/cpuinfo', '/proc/meminfo', '/proc/stat', '/proc/self/maps', '/proc/self/status',
          '/proc/self/cmdline', '/sys/devices/system/cpu/online', '/proc/sys/kernel/osrelease'):
    open(f).read()
for d in ('/proc', '/proc/self/fd', '/dev', '/sys/devices/system/cpu', '/proc/self/task'):
    os.listdir(d)
for p in ('/proc/self/exe', '/proc/self/cwd', '/dev/stdin', '/proc/self/fd/1'):
    os.readlink(p)
for p in ('/dev/null', '/dev/zero', '/dev/urandom', '/dev/full', '/proc/self/fd/0'):
    os.stat(p)
with open('/dev/null', 'w') as f: f.write('x')
with open('/dev/urandom', 'rb') as f: f.read(8)
with open('/dev/zero', 'rb') as f: f.read(8)
for p in ('/proc/nonexistent', '/sys/nonexistent', '/dev/sda', '/proc/1/maps'):
    try: open(p)
    except OSError: pass
os.spawnv(os.P_WAIT, '/bin/true', ['true'])  # an exec in place: its close-on-exec listing of the fd table
print('guest ok')
"""


@case
def strict_no_host_trees(e):
    """While the guest runs, lxrun makes no host syscall naming a /proc, /sys or
    /dev path: everything the guest reads there is lxrun's own.  strace records
    lxrun's real syscalls (the guest's own never reach the kernel: each shows as
    a SIGSYS -- with rewritten call sites, only each site's first).  Two forms are
    allowed, the host backend's stand-ins for Redox calls that name handles, not
    guest paths: readlink("/proc/self/fd/N") for fpath, and opening the directory
    /proc/self/fd for the file table an exec scans for close-on-exec handles, and
    the open of /dev/null, zero, urandom or full that serves a guest's open of
    Redox's null:, zero:, rand: or full: scheme (O_NOCTTY marks it lxrun's), and
    the open of /proc/self/mem a forked child makes the first time it rewrites a
    call site (rx_poke's handle; the spawned /bin/true's 32 traps reach the count
    at which rewriting starts, and whether its last one is a site rewritten
    varies from run to run).  The guest's own paths there never reach the host:
    /dev/sda is not opened."""
    log = os.path.join(e.tmp, 'strace.log')
    r = procfs_run(['strace', '-f', '-qq', '-s', '256', '-o', log, e.lxrun, PYTHON, '-c', GUEST_SCRIPT], e.tmp)
    check(r.rc == 0 and r.out == 'guest ok\n', str(r))
    started, bad, sigsys = False, [], 0
    with open(log) as f:
        for line in f:
            body = line.split(None, 1)[1] if line[:1].isdigit() else line
            if body.startswith('--- SIGSYS'):
                started = True
                sigsys += 1
                continue
            if body.startswith("memfd_create("):  # a snapshot's name, not a path
                continue
            if (started and HOST_TREE.search(body) and not FPATH_LINK.match(body) and not FD_TABLE.match(body)
                    and not SCHEME_DEVICE.match(body) and not POKE_HANDLE.match(body)):
                bad.append(body.rstrip())
    check(sigsys > 20, f'only {sigsys} guest syscalls seen: is strace tracing lxrun?')
    check(not bad, 'lxrun touched the host trees while the guest ran:\n' + '\n'.join(bad[:20]))


@case
def fd_table_listed_once(e):
    """/proc/self/status (FDSize) and a listing of /proc/self/fd take the guest's
    open fds in one listing of the host's table, not an fcntl per fd below lxrun's
    floor (~260 host calls each, ~100 us a read of status).  Seen with strace: cat
    reading status and ls listing fd/ make few fcntl(F_GETFD) calls in all."""
    log = os.path.join(e.tmp, 'strace-fds')
    r = procfs_run(['strace', '-f', '-qq', '-e', 'trace=fcntl', '-o', log, e.lxrun, '/bin/sh', '-c',
                    'cat /proc/self/status; ls /proc/self/fd'], e.tmp)
    check(r.rc == 0 and 'FDSize:' in r.out, str(r))
    probes = len(re.findall(r'fcntl\(\d+, F_GETFD\)', open(log).read()))
    check(probes < 64, f'{probes} host fcntl(F_GETFD) calls for one status read and one fd/ listing')


@case
def cpuinfo_without_a_calibration_sleep(e):
    """/proc/cpuinfo's "cpu MHz", where no CPUID leaf gives the TSC's rate, is the
    TSC measured against lxrun's start (an invariant TSC): a shell's children that
    read it long after that sleep for nothing.  Seen with strace: a script that
    sleeps 20 ms, then reads /proc/cpuinfo from two children, makes one host
    clock_nanosleep, the guest's own (the previous build slept 10 ms in each child).
    On a host whose CPUID gives the rate, neither build sleeps."""
    log = os.path.join(e.tmp, 'strace-cpuinfo')
    r = procfs_run(['strace', '-f', '-qq', '-e', 'trace=clock_nanosleep,nanosleep', '-o', log, e.lxrun, '/bin/sh',
                    '-c', 'sleep 0.02; cat /proc/cpuinfo; cat /proc/cpuinfo'], e.tmp)
    check(r.rc == 0 and r.out.count('processor') >= 2, str(r))
    sleeps = len(re.findall(r'nanosleep\(', open(log).read()))
    check(sleeps == 1, f'{sleeps} host sleeps for one guest sleep and two reads of /proc/cpuinfo')


def main():
    suite_main('procfs', __doc__, 2, lambda a, tmp: Env(os.path.abspath(a[0]), os.path.abspath(a[1]), tmp))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""vm_run.py — lxrun on the kind of machine the test host is not, whatever machine runs
the tests: Debian 12's cloud kernel booted under qemu-system-x86_64 (TCG) with an
initramfs holding busybox, lxrun, the guest programs and a few Debian tools with their
libraries.  Two kinds (--cpu):

- no-fsgsbase-kpti: CPU model `max` minus fsgsbase, `pti=on`.  lxrun must switch FS by
  arch_prctl and refuse `--trap-fs=wrfsbase` with 126.
- fsgsbase: CPU model `max` (TCG emulates rdfsbase/wrfsbase), 2 CPUs.  lxrun must
  switch FS with wrfsbase and still take `--trap-fs=arch_prctl`; the trap-heavy guest
  programs (rewritten sites, signals landing in fast calls, threads, vfork, exec) run
  too, and the light ones once more with every call through Syscall User Dispatch
  (LXRUN_TRAP=sud), whose signal entry stubs are the wrfsbase path's own.  On a host
  without FSGSBASE this is the only run of that path.

Inside, every guest program runs natively and under lxrun (all must pass), each tool
runs natively and under lxrun (stdout, stderr and exit status must be equal).

    vm_run.py --cpu KIND --lxrun LXRUN --guests DIR --kernel VMLINUZ

The VM's facts (kernel, AT_HWCAP2, whether /proc/cpuinfo lists fsgsbase, whether
page-table isolation is on) are checked first: a VM of the wrong kind fails the test
rather than passing it vacuously."""
import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HWCAP2_FSGSBASE = 2
GUEST_PROGRAMS = ['fileio', 'metadata', 'dirs', 'memory', 'ids', 'startup', 'signals', 'tls', 'efault', 'exit42']
# where the FS path's own code runs most: the fast path's entry and exit, signals
# landing in it, threads' records, fork and exec through rewritten sites
TRAP_PROGRAMS = ['rewrite', 'landings', 'delivery', 'threads', 'vfork', 'exec', 'procs', 'clocks']
# landings.c's rounds each wait for a timer signal: ~25 ms a round under lxrun in
# TCG, on either FS path (2000 rounds took 135 s)
GUEST_ARGS = {'startup': 'alpha "beta gamma"', 'landings': '100'}
GUEST_ENV = {'startup': 'GUEST_PROBE=probe-value', 'rewrite': 'REWRITE_LIB=/t/librewrite_lib.so'}
# Checks the VM's kernel (Debian 12's 6.1) or TCG's timing fail natively, which
# lxrun answers as the test host's kernel does: a native failure of these is shown,
# not counted.  Their lxrun runs must pass.
NATIVE_DIFFERS = {
    'procs': 'Linux 6.1 takes a non-canonical CLONE_SETTLS address (later kernels, and lxrun: EPERM)',
    'threads': "under TCG a joined thread's id answers tgkill for more than the check's 1000 yields",
}
# tests/guest/CMakeLists.txt's: rewrite.c checks its code bytes, rewritten only when
# asked for by name and with nothing learned
RUNNER_ENV = {('rewrite', 'native'): 'REWRITE_EXPECT=no',
              ('rewrite', 'lxrun'): 'REWRITE_EXPECT=yes LXRUN_TRAP=rewrite LXRUN_CACHE=off'}

# name: the qemu CPU model, the kernel's extra arguments, CPUs, the guest programs
# (those in glibc_only without their musl build), the runners (name, environment,
# command prefix; lxrun_sud only for sud_programs), the FS path lxrun must choose, and
# the other --trap-fs value with what it must give (exit status, lines on stderr)
KINDS = {
    'no-fsgsbase-kpti': dict(cpu='max,-fsgsbase', append='pti=on', smp=1, programs=GUEST_PROGRAMS, glibc_only=[],
                             runners=[('native', '', ''), ('lxrun', '', '/bin/lxrun ')],
                             fs_path='arch_prctl', other=('wrfsbase', '126', '1')),
    'fsgsbase': dict(cpu='max', append='', smp=2, programs=GUEST_PROGRAMS + TRAP_PROGRAMS,
                     runners=[('native', '', ''), ('lxrun', '', '/bin/lxrun '),
                              ('lxrun_sud', 'LXRUN_TRAP=sud', '/bin/lxrun ')],
                     # every call a signal under TCG: rewrite.c alone took 8 minutes
                     sud_programs=GUEST_PROGRAMS,
                     # ~45 s each under TCG; the glibc build also loads a library after start
                     glibc_only=['rewrite'],
                     fs_path='wrfsbase', other=('arch_prctl', '0', '0')),
}
TOOLS = ['/usr/bin/true', '/usr/bin/ls', '/usr/bin/cat', '/usr/bin/sort', '/usr/bin/sha256sum', '/usr/bin/dd',
         '/usr/bin/seq', '/usr/bin/wc', '/usr/bin/tr', '/usr/bin/env', '/usr/bin/uname', '/usr/bin/stat',
         '/usr/bin/gzip', '/usr/bin/xz', '/usr/bin/mawk', '/usr/bin/grep']
# name, command line (run by busybox sh in /tmp/work, natively and with lxrun before it)
DIFF_CASES = [
    ('ls', '/usr/bin/ls -la /t/data'),
    ('cat', '/usr/bin/cat /t/data/words'),
    ('sort', '/usr/bin/sort /t/data/words'),
    ('sha256sum', '/usr/bin/sha256sum /t/data/words /t/lxrun-bin'),
    ('dd', '/usr/bin/dd if=/t/data/words bs=1 status=none'),
    ('seq_wc', '/usr/bin/seq 1 5000'),
    ('tr', '/usr/bin/tr a-z A-Z /t/data/words'),
    ('uname', '/usr/bin/uname -a'),
    ('stat', '/usr/bin/stat -c "%n %s %a %F" /t/data/words /t/data'),
    ('gzip', '/usr/bin/gzip -9 -c /t/data/words'),
    ('xz', '/usr/bin/xz -T1 -c /t/lxrun-bin'),
    ('mawk', '/usr/bin/mawk "{ n[\\$1]++ } END { for (w in n) print w, n[w] }" /t/data/words'),
    ('grep', '/usr/bin/grep -c an /t/data/words'),
    ('missing_file', '/usr/bin/cat /t/data/nonexistent'),
    ('busybox', '/bin/busybox sort -r /t/data/words'),
]
WORDS = ''.join(f'{w}\n' for w in 'apple banana cherry apple date banana fig grape melon kiwi'.split() * 50)


# ---- the initramfs: a newc cpio archive written here, gzip'd ----

class Cpio:
    def __init__(self):
        self.parts, self.ino, self.dirs = [], 1, set()

    def _entry(self, name, mode, data=b'', nlink=1):
        self.ino += 1
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
        head = b'070701' + b''.join(b'%08X' % f for f in fields) + name.encode() + b'\0'
        head += b'\0' * (-len(head) % 4)
        self.parts.append(head + data + b'\0' * (-len(data) % 4))

    def mkdir(self, path):
        path = path.strip('/')
        if not path or path in self.dirs:
            return
        self.mkdir(os.path.dirname(path))
        self.dirs.add(path)
        self._entry(path, 0o040755, nlink=2)

    def file(self, path, data, mode=0o755):
        self.mkdir(os.path.dirname(path.strip('/')))
        self._entry(path.strip('/'), 0o100000 | mode, data)

    def host_file(self, host, path=None, mode=None):
        with open(host, 'rb') as f:
            self.file(path or host, f.read(), mode if mode is not None else os.stat(host).st_mode & 0o777)

    def symlink(self, path, target):
        self.mkdir(os.path.dirname(path.strip('/')))
        self._entry(path.strip('/'), 0o120777, target.encode())

    def write(self, out):
        self._entry('TRAILER!!!', 0)
        with gzip.open(out, 'wb', compresslevel=1) as f:
            f.write(b''.join(self.parts))


def libraries(binary):
    """The shared objects binary needs (ldd), as real paths, plus the interpreter."""
    out = subprocess.run(['ldd', binary], capture_output=True, text=True).stdout
    libs = set()
    for line in out.splitlines():
        m = re.search(r'(/\S+) \(0x', line)
        if m:
            libs.add(m[1])
    return libs


def init_script(kind):
    k = KINDS[kind]
    s = ['#!/bin/busybox sh',
         '/bin/busybox --install -s /bin',
         'export PATH=/bin:/usr/bin',
         'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp',
         'hwcap2=$(LD_SHOW_AUXV=1 /usr/bin/true | sed -n "s/^AT_HWCAP2: *//p")',
         'echo "@@ fact kernel $(uname -r)"',
         'echo "@@ fact hwcap2 ${hwcap2:-none}"',
         'echo "@@ fact cpuinfo_fsgsbase $(grep -c -w fsgsbase /proc/cpuinfo)"',
         'echo "@@ fact pti $(dmesg | grep -c "page tables isolation: enabled")"',
         # lxrun's own choice, and what it does with the other path asked for
         'echo "@@ fs_path $(/bin/lxrun -c /usr/bin/true 2>&1 | sed -n "s/^  FS switched by *//p")"',
         f'/bin/lxrun --trap-fs={k["other"][0]} /usr/bin/true >/tmp/other 2>&1; echo "@@ other $? $(wc -l </tmp/other)"',
         'cat /tmp/other']
    for p in k['programs']:
        for libc in ('glibc',) if p in k['glibc_only'] else ('musl', 'glibc'):
            status = '42' if p == 'exit42' else '0'
            args = GUEST_ARGS.get(p, '')
            for runner, renv, pre in k['runners']:
                if runner == 'lxrun_sud' and p not in k['sud_programs']:
                    continue
                env = ' '.join(e for e in (GUEST_ENV.get(p, ''), renv, RUNNER_ENV.get((p, runner), '')) if e)
                s.append(f'{env} sh /t/run-in-tmp.sh --status {status} {pre}/t/{p}.{libc} {args} >/tmp/out 2>&1;'
                         f' rc=$?; echo "@@ guest {p}.{libc}.{runner} $rc $(cut -d" " -f1 /proc/uptime)"; [ $rc = 0 ] || tail -5 /tmp/out')
    for name, cmd in DIFF_CASES:
        s.append(f'rm -rf /tmp/work; mkdir /tmp/work; cd /tmp/work; ({cmd}) >/tmp/n.out 2>/tmp/n.err; n=$?')
        s.append(f'rm -rf /tmp/work; mkdir /tmp/work; cd /tmp/work; (/bin/lxrun {cmd}) >/tmp/l.out 2>/tmp/l.err; l=$?')
        s.append('cd /; if [ $n = $l ] && cmp -s /tmp/n.out /tmp/l.out && cmp -s /tmp/n.err /tmp/l.err; then r=same; '
                 f'else r=differ; diff /tmp/n.out /tmp/l.out | head -5; diff /tmp/n.err /tmp/l.err | head -5; fi;'
                 f' echo "@@ diff {name} $r $n $l"')
    s += ['echo "@@ done"', 'poweroff -f']
    return '\n'.join(s) + '\n'


def build_initramfs(kind, lxrun, guests, out):
    c = Cpio()
    for d in ('proc', 'sys', 'dev', 'tmp'):
        c.mkdir(d)
    c.host_file('/bin/busybox', '/bin/busybox')
    c.host_file(lxrun, '/bin/lxrun', 0o755)
    c.host_file(lxrun, '/t/lxrun-bin', 0o644)
    c.host_file(os.path.join(HERE, '..', 'guest', 'run-in-tmp.sh'), '/t/run-in-tmp.sh')
    c.file('/t/data/words', WORDS.encode(), 0o644)
    c.host_file(os.path.join(guests, 'librewrite_lib.so'), '/t/librewrite_lib.so')
    c.symlink('/usr/bin/sh', '/bin/busybox')  # rewrite.c's paths
    c.mkdir('/usr/lib')
    c.file('/etc/passwd', b'root:x:0:0:root:/root:/bin/sh\n', 0o644)
    c.file('/etc/group', b'root:x:0:\n', 0o644)
    libs = set()
    for p in KINDS[kind]['programs']:
        for libc in ('glibc',) if p in KINDS[kind]['glibc_only'] else ('musl', 'glibc'):
            path = os.path.join(guests, f'{p}.{libc}')
            c.host_file(path, f'/t/{p}.{libc}')
            if libc == 'glibc':
                libs |= libraries(path)
    for t in TOOLS:
        c.host_file(t)
        libs |= libraries(t)
    for lib in sorted(libs):
        c.host_file(os.path.realpath(lib), lib)
    c.file('/init', init_script(kind).encode())
    c.write(out)


def boot(kind, kernel, initrd, timeout, console_path):
    """The VM's console; what it printed until then when it outlives timeout."""
    k = KINDS[kind]
    argv = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', k['cpu'], '-smp', str(k['smp']), '-m', '1024',
            '-nographic', '-no-reboot', '-kernel', kernel, '-initrd', initrd,
            '-append', f'console=ttyS0 quiet panic=-1 {k["append"]}'.strip()]
    with open(console_path, 'wb') as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    with open(console_path, 'rb') as f:
        return f.read().decode(errors='replace').replace('\r', '')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cpu', choices=sorted(KINDS), required=True)
    ap.add_argument('--lxrun', required=True)
    ap.add_argument('--guests', required=True)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--timeout', type=int, default=400)
    a = ap.parse_args()
    if not os.path.exists(a.kernel):
        sys.exit(f'FAIL: no kernel at {a.kernel} (scripts/vm-kernel.sh puts it there)')
    if not shutil.which('qemu-system-x86_64'):
        sys.exit('FAIL: qemu-system-x86_64 is not installed (scripts/deps.sh --tests installs it)')
    tmp = tempfile.mkdtemp(prefix='lxrun-vm-')
    try:
        initrd = os.path.join(tmp, 'initrd.gz')
        build_initramfs(a.cpu, os.path.abspath(a.lxrun), a.guests, initrd)
        console = boot(a.cpu, a.kernel, initrd, a.timeout, os.path.join(tmp, 'console'))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return judge(a.cpu, console)


def kind_problems(kind, facts):
    """What makes the VM other than the kind asked for."""
    problems = []
    try:
        hwcap2 = int(facts.get('hwcap2', ''), 16)
    except ValueError:
        hwcap2 = 0 if facts.get('hwcap2') == 'none' else None
    cpuinfo, pti = facts.get('cpuinfo_fsgsbase'), facts.get('pti', '0')
    if kind == 'no-fsgsbase-kpti':
        if hwcap2 != 0:
            problems.append(f'the VM has AT_HWCAP2 {facts.get("hwcap2")}: FSGSBASE not hidden, nothing proven')
        if cpuinfo != '0':
            problems.append('the VM lists fsgsbase in /proc/cpuinfo')
        if pti == '0':
            problems.append('page-table isolation is not on in the VM')
    else:
        if hwcap2 is None or not hwcap2 & HWCAP2_FSGSBASE:
            problems.append(f'the VM has AT_HWCAP2 {facts.get("hwcap2")}: no FSGSBASE in user space, nothing proven')
        if cpuinfo in (None, '0'):
            problems.append('the VM does not list fsgsbase in /proc/cpuinfo')
    return problems


def judge(kind, console):
    # a line may follow the firmware's terminal escapes: take it from its marker on
    lines = [l[l.index('@@ '):].split()[1:] for l in console.splitlines() if '@@ ' in l]
    problems, passed, notes = [], [], []
    facts = {l[1]: ' '.join(l[2:]) for l in lines if l[0] == 'fact'}
    if not any(l[0] == 'done' for l in lines):
        problems.append('the VM did not reach the end of its script')
    problems += kind_problems(kind, facts)
    k = KINDS[kind]
    for l in lines:
        what, rest = l[0], l[1:]
        if what == 'fs_path':
            (passed if rest == [k['fs_path']] else problems).append(f'lxrun chose FS path {rest}')
        elif what == 'other':
            ok = rest == list(k['other'][1:])
            (passed if ok else problems).append(f'--trap-fs={k["other"][0]}: exit {rest[0]}, {rest[1]} line(s)')
        elif what == 'guest':
            prog, runner = rest[0].split('.')[0], rest[0].split('.')[-1]
            if rest[1] != '0' and runner == 'native' and prog in NATIVE_DIFFERS:
                notes.append(f'guest {rest[0]} exit {rest[1]}: {NATIVE_DIFFERS[prog]}')
            else:
                (passed if rest[1] == '0' else problems).append(f'guest {rest[0]} exit {rest[1]}')
        elif what == 'diff':
            (passed if rest[1] == 'same' else problems).append(f'differential {rest[0]}: {rest[1]} '
                                                              f'(exit native {rest[2]}, lxrun {rest[3]})')
    print(f'VM: kernel {facts.get("kernel")}, AT_HWCAP2 {facts.get("hwcap2")}, '
          f'cpuinfo fsgsbase {facts.get("cpuinfo_fsgsbase")}, PTI lines {facts.get("pti")}')
    for p in passed:
        print('ok  ', p)
    for p in notes:
        print('note', p)
    for p in problems:
        print('FAIL', p)
    if problems:
        print('---- console ----\n' + console[-6000:])
        return 1
    print(f'{len(passed)} checks passed in a VM of the kind {kind}')
    if os.environ.get('LXRUN_VM_CONSOLE'):
        print(console)
    return 0


if __name__ == '__main__':
    sys.exit(main())

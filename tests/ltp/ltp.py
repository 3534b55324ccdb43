#!/usr/bin/python3
"""ltp.py — the Linux Test Project's syscall tests, natively and under lxrun.

  ltp.py build BUILD_DIR                 extracts the LTP tarball (offline) into
                                         BUILD_DIR/ltp, builds its library and the
                                         directories the listed entries need
  ltp.py run BUILD_DIR LXRUN ENTRY       runs one entry of runtest/syscalls natively,
                                         then under lxrun; exit 0 when lxrun's result
                                         is as good as the native one, 1 when the
                                         entry passes natively but not under lxrun,
                                         77 (skipped) when it does not pass natively
  ltp.py list                            the entries of entries.txt
  ltp.py survey BUILD_DIR LXRUN [PREFIX] every runtest/syscalls entry whose binary is
                                         built (and whose name starts with PREFIX):
                                         one line each, native and lxrun results

The tarball is LXRUN_LTP_TARBALL, else ../shared/ltp/ltp-*.tar.xz beside the source
tree, else /work/shared/ltp.  An LTP test exits 0 when every check passed, 32 (TCONF)
when it does not apply; a result is "pass" only for 0.  Each run gets a fresh TMPDIR
and LTPROOT, and PATH starts with the built test directories (tests exec helpers
such as execve_child by name).  leapsec01 is never run: natively it moves the clock."""
import glob
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NEVER = {'leapsec01'}
SLOW = {'fork13'}  # minutes natively (pid wrap-around): left out of surveys
TIMEOUT = int(os.environ.get('LXRUN_LTP_TIMEOUT', '120'))  # seconds per run


def tarball():
    env = os.environ.get('LXRUN_LTP_TARBALL')
    if env:
        return env
    for d in (os.path.join(HERE, '..', '..', '..', 'shared', 'ltp'), '/work/shared/ltp'):
        found = sorted(glob.glob(os.path.join(d, 'ltp-*.tar.xz')))
        if found:
            return found[0]
    sys.exit('ltp.py: no LTP tarball (set LXRUN_LTP_TARBALL)')


def entries():
    out = []
    with open(os.path.join(HERE, 'entries.txt')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                out.append(line.split()[0])
    return out


def runtest(src):
    """name -> argv, from runtest/syscalls (fields split by spaces or tabs); from the
    build's index when there is one (parsing costs a sixth of a second per run)."""
    index = os.path.join(os.path.dirname(src), 'runtest.json')
    if os.path.exists(index):
        with open(index) as f:
            return json.load(f)
    return parse_runtest(src)


def parse_runtest(src):
    table = {}
    with open(os.path.join(src, 'runtest', 'syscalls')) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            parts = line.split(None, 1)
            if len(parts) == 2:
                table[parts[0]] = shlex.split(parts[1])
    return table


def syscall_dirs(src):
    """binary name -> its directory under testcases/kernel/syscalls (by NAME.c); read
    from the index the build writes (a walk of the tree costs a second per run)."""
    index = os.path.join(os.path.dirname(src), 'index.json')
    if os.path.exists(index):
        with open(index) as f:
            return json.load(f)
    return walk_syscall_dirs(src)


def walk_syscall_dirs(src):
    where = {}
    base = os.path.join(src, 'testcases', 'kernel', 'syscalls')
    for d, _, files in os.walk(base):
        for f in files:
            if f.endswith('.c'):
                where.setdefault(f[:-2], d)
    return where


def dir_of(where, binary):
    """The directory that builds binary (NAME_64 is NAME.c built for 64-bit offsets)."""
    if binary in where:
        return where[binary]
    if binary.endswith('_64') and binary[:-3] in where:
        return where[binary[:-3]]
    return None


def sh(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        sys.stdout.write(r.stdout[-4000:])
        sys.exit(f'ltp.py: failed: {cmd} (in {cwd})')


def build(bdir):
    os.makedirs(bdir, exist_ok=True)
    src = os.path.join(bdir, 'ltp')
    stamp = os.path.join(bdir, 'configured.stamp')
    if not os.path.exists(stamp):
        sh(f'rm -rf ltp && tar -xJf {shlex.quote(tarball())}', bdir)
        sh('make autotools >/dev/null && ./configure >/dev/null', src)
        sh('make -j2 -C lib >/dev/null && make -j2 -C libs >/dev/null && make -j2 -C tools/apicmds >/dev/null && '
           'make -j2 -C testcases/lib >/dev/null', src)
        open(stamp, 'w').close()
    table, where = parse_runtest(src), walk_syscall_dirs(src)
    dirs = set()
    for e in entries():
        argv = table.get(e)
        if not argv:
            sys.exit(f'ltp.py: {e} is not an entry of runtest/syscalls')
        if not dir_of(where, argv[0]):
            sys.exit(f'ltp.py: no source for {argv[0]} (entry {e})')
        dirs.add(dir_of(where, argv[0]))
    # one make over every directory: its jobserver keeps both CPUs busy across them
    # (a make -j2 per directory left one idle in the small ones: ~4 min against ~2)
    with open(os.path.join(bdir, 'dirs.mk'), 'w') as f:
        f.write('DIRS := ' + ' '.join(sorted(dirs)) + '\nall: $(DIRS)\n$(DIRS):\n\t@$(MAKE) -C $@ >/dev/null\n'
                '.PHONY: all $(DIRS)\n')
    sh('make -j2 -f dirs.mk', bdir)
    # LTP's resource copy (.resource_files: the *_child helpers) looks in
    # $LTPROOT/testcases/bin, the installed layout: link every built program there.
    bindir = os.path.join(src, 'testcases', 'bin')
    os.makedirs(bindir, exist_ok=True)
    for d in sorted(dirs):
        for name in os.listdir(d):
            path = os.path.abspath(os.path.join(d, name))
            link = os.path.join(bindir, name)
            if '.' not in name and os.path.isfile(path) and os.access(path, os.X_OK) and not os.path.lexists(link):
                os.symlink(path, link)
    with open(os.path.join(bdir, 'index.json'), 'w') as f:
        json.dump(where, f)
    with open(os.path.join(bdir, 'runtest.json'), 'w') as f:
        json.dump(table, f)
    print(f'ltp.py: built {len(dirs)} test directories for {len(entries())} entries')


def session_members(sid):
    out = []
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:
            out.append(int(name))
    return out


def kill_session(sid):
    """Every process of the run's session, including those a test moved into
    process groups of their own (kill10 does), until none is left."""
    for _ in range(50):
        members = session_members(sid)
        if not members:
            return
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def run_once(src, argv, lxrun):
    where = syscall_dirs(src)
    path = sorted({d for d in where.values()}) + [os.path.join(src, 'testcases', 'lib'), '/usr/bin', '/bin']
    tmp = tempfile.mkdtemp(prefix='lxrun-ltp.')
    try:
        # LTP_TIMEOUT_MUL, LTP's knob for slow machines, for both runs: tests that wait a
        # fixed time for many children (futex_cmp_requeue01: 1000 forked waiters,
        # each given 5 s) ran out of it under lxrun, whose fork costs ~2x native, on
        # a KPTI host with the suite running two at a time
        env = {'PATH': ':'.join(path), 'LTPROOT': src, 'TMPDIR': tmp, 'LANG': 'C', 'LTP_COLORIZE_OUTPUT': '0',
               'HOME': tmp, 'LTP_TIMEOUT_MUL': '3'}
        if lxrun:  # lxrun's own choices (the trap's mechanism and FS path) reach it, not the guest
            env.update({k: os.environ[k] for k in ('LXRUN_TRAP', 'LXRUN_TRAP_FS') if k in os.environ})
        exe = os.path.join(dir_of(where, argv[0]) or '', argv[0])
        cmd = ([lxrun] if lxrun else []) + [exe] + argv[1:]
        # its own process group, killed whole afterwards: no stray child outlives a run
        p = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            out, _ = p.communicate(timeout=TIMEOUT)
            return p.returncode, out.decode(errors='replace')
        except subprocess.TimeoutExpired:
            return 'timeout', ''
        finally:
            kill_session(p.pid)
            p.wait()
    finally:
        # a test may leave read-only directories, or a child still writing: best effort
        subprocess.run(['chmod', '-R', 'u+rwx', tmp], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


def verdict(code):
    return 'pass' if code == 0 else 'tconf' if code == 32 else f'fail({code})'


def native_code(bdir, src, argv, entry):
    """The entry's native exit code, run once per boot: ltp.<entry> and ltp_sud.<entry>
    (never at once: their RESOURCE_LOCK) compare with the same native run, which
    was half of the LTP tests' time (select02's timeouts take 26 s either way)."""
    with open('/proc/sys/kernel/random/boot_id') as f:
        boot = f.read().strip()
    cache = os.path.join(bdir, 'native', entry)
    try:
        with open(cache) as f:
            seen_boot, code = f.read().split()
        if seen_boot == boot:
            return 'timeout' if code == 'timeout' else int(code)
    except (OSError, ValueError):
        pass
    code = run_once(src, argv, None)[0]
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + '.tmp', 'w') as f:
        f.write(f'{boot} {code}\n')
    os.replace(cache + '.tmp', cache)
    return code


def run(bdir, lxrun, entry):
    if entry in NEVER:
        print(f'{entry}: never run (it moves the host clock)')
        return 77
    src = os.path.join(bdir, 'ltp')
    argv = runtest(src)[entry]
    ncode = native_code(bdir, src, argv, entry)
    if ncode != 0:
        print(f'{entry}: {verdict(ncode)} natively: not compared')
        return 77
    lcode, lout = run_once(src, argv, lxrun)
    print(f'{entry}: native {verdict(ncode)}, lxrun {verdict(lcode)}')
    if lcode != 0:
        sys.stdout.write('---- under lxrun ----\n' + lout[-6000:])
        return 1
    return 0


def survey(bdir, lxrun, prefix):
    src = os.path.join(bdir, 'ltp')
    where = syscall_dirs(src)
    counts = {}
    after = os.environ.get('LXRUN_LTP_AFTER', '')  # resume a survey after this entry
    for name, argv in runtest(src).items():
        if after:
            after = '' if name == after else after
            continue
        if name in NEVER or name in SLOW or not name.startswith(prefix):
            continue
        if not os.path.exists(os.path.join(dir_of(where, argv[0]) or '/nonexistent', argv[0])):
            continue
        n = verdict(run_once(src, argv, None)[0])
        l = verdict(run_once(src, argv, lxrun)[0]) if n == 'pass' else '-'
        counts[(n == 'pass', l == 'pass')] = counts.get((n == 'pass', l == 'pass'), 0) + 1
        print(f'{name} native={n} lxrun={l}', flush=True)
    print(f'native pass: {sum(v for k, v in counts.items() if k[0])}, '
          f'both pass: {counts.get((True, True), 0)}, entries run: {sum(counts.values())}')


def main():
    a = sys.argv[1:]
    if a[:1] == ['list']:
        print('\n'.join(entries()))
    elif a[:1] == ['build'] and len(a) == 2:
        build(a[1])
    elif a[:1] == ['run'] and len(a) == 4:
        sys.exit(run(os.path.abspath(a[1]), os.path.abspath(a[2]), a[3]))
    elif a[:1] == ['survey'] and len(a) in (3, 4):
        survey(a[1], os.path.abspath(a[2]), a[3] if len(a) == 4 else '')
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()

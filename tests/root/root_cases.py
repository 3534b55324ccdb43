#!/usr/bin/python3
"""root_cases.py — lxrun --root DIR, --mount GUEST=DIR and --config FILE: the guest's
"/" is a directory tree, and nothing outside it is reachable.

    root_cases.py LXRUN ESCAPE CASE   runs one case (ctest: root.CASE)
    root_cases.py --list              prints the case names

Each case builds a small root file system in its temporary directory by copying
programs and their library closure (ldd), with /etc/marker ("inside") and a
mirror of a host directory OUTSIDE the root: OUTSIDE holds "marker" (OUTSIDE)
and "keep", the mirror R/<OUTSIDE's host path> only "marker" (MIRROR).  So a
path that escapes shows itself: it reads OUTSIDE, or finds "keep".  ESCAPE is the
hostile musl-static guest built from escape.c (raw dirfd, cwd and name calls);
after it runs, OUTSIDE must be exactly as before."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import case, check, Run, suite_main  # noqa: E402

TOOLS = ['/usr/bin/cat', '/usr/bin/ls', '/usr/bin/readlink', '/usr/bin/stat', '/usr/bin/dash']
BUSYBOX = '/usr/bin/busybox'  # static: busybox-static
INTERP = '/lib64/ld-linux-x86-64.so.2'
ENV = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C', 'TZ': 'UTC', 'TERM': 'dumb'}


def library_closure(program):
    """The absolute paths ldd names for program (its interpreter included)."""
    out = subprocess.run(['ldd', program], capture_output=True, text=True, check=True).stdout
    return sorted({m for m in re.findall(r'(/\S+)', out)})


def snapshot(top):
    """Everything observable about a tree: names, types, modes, sizes, link counts,
    mtimes, contents and link targets."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames + ['.']:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            entry = (st.st_mode, st.st_size, st.st_nlink, st.st_mtime_ns, st.st_ino)
            if os.path.islink(p):
                entry += (os.readlink(p),)
            elif os.path.isfile(p):
                with open(p, 'rb') as f:
                    entry += (f.read(),)
            state[os.path.relpath(p, top)] = entry
    return state


def root_run(argv, cwd, env=None):
    """Runs with the suite's fixed environment unless given another."""
    return Run(argv, cwd, env or ENV)


class Env:
    def __init__(self, lxrun, escape, tmp):
        self.lxrun, self.escape, self.tmp = lxrun, escape, tmp
        self.root = os.path.join(tmp, 'R')
        self.outside = os.path.join(tmp, 'outside')
        self.mirror = self.inside(self.outside)
        self.config_home = os.path.join(tmp, 'xdg')  # no per-user config unless a case writes one
        os.makedirs(self.config_home)
        self._build()

    def inside(self, guest_path):
        """The host path of a guest path in the root."""
        return os.path.join(self.root, guest_path.lstrip('/'))

    def write(self, path, data, mode=0o644):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(data)
        os.chmod(path, mode)

    def copy(self, host_path):
        dst = self.inside(host_path)
        if not os.path.exists(dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(host_path, dst)

    def _build(self):
        for tool in TOOLS:
            self.copy(tool)
            for lib in library_closure(tool):
                self.copy(lib)
        os.symlink('dash', self.inside('/usr/bin/sh'))
        os.makedirs(self.inside('/bin'))
        shutil.copy2(BUSYBOX, self.inside('/bin/busybox'))
        self.write(self.inside('/etc/marker'), 'inside\n')
        self.write(os.path.join(self.outside, 'marker'), 'OUTSIDE\n')
        self.write(os.path.join(self.outside, 'keep'), 'OUTSIDE keep\n')
        self.write(os.path.join(self.mirror, 'marker'), 'MIRROR\n')
        os.makedirs(self.inside('/work'))
        os.makedirs(self.inside('/tmp'), exist_ok=True)
        links = {
            'up': '../../../../../../../../../../..',
            'abs': '/',
            'loop': 'loop',
            'esc': self.outside,                                     # absolute, to the outside dir
            'rel': '../../../../../../../../../..' + self.outside,   # relative, by '..' far enough
            'escfile': os.path.join(self.outside, 'keep'),           # only outside has "keep"
            'hostabs': os.path.join(self.outside, 'marker'),         # the marker's host path
            'dang': os.path.join(self.outside, 'created_by_dangling'),
            'chain': '../work/up/../work/up',
        }
        for name, target in links.items():
            os.symlink(target, self.inside('/work/' + name))

    def run(self, *argv, cwd=None, env=None, options=None):
        """lxrun --root R ARGV (or lxrun OPTIONS ARGV)."""
        env = dict(env or ENV)
        env.setdefault('XDG_CONFIG_HOME', self.config_home)
        opts = ['--root', self.root] if options is None else options
        return root_run([self.lxrun, *opts, *argv], cwd or self.tmp, env)

    def ok(self, *argv, **kw):
        r = self.run(*argv, **kw)
        check(r.rc == 0, str(r))
        return r

    def native(self, *argv, cwd):
        return root_run(list(argv), cwd)


def never_outside(r):
    check('OUTSIDE' not in r.out and 'OUTSIDE' not in r.err, f'read the file outside the root\n{r}')
    check('keep' not in r.out, f'saw the file only outside the root has\n{r}')


# ---- the root is "/" ----

@case
def marker_inside(e):
    """cat /etc/marker and cat OUTSIDE/marker (by its host path) read the root's files."""
    r = e.ok('/usr/bin/cat', '/etc/marker', os.path.join(e.outside, 'marker'))
    check(r.out == 'inside\nMIRROR\n', str(r))
    r = e.ok('/usr/bin/cat', '/etc/marker', cwd=e.outside)  # the host cwd outside: the guest's is "/"
    check(r.out == 'inside\n', str(r))


@case
def hostile_symlinks(e):
    """Symlinks up -> ../../.., abs -> /, rel -> ../..OUTSIDE, esc -> OUTSIDE, escfile ->
    OUTSIDE/keep, '..' chains: cat, readlink -f, ls and stat reach only the root."""
    o = e.outside
    for path, want in (('/work/up/etc/marker', 'inside\n'), ('/work/abs/etc/marker', 'inside\n'),
                       ('/work/chain/etc/marker', 'inside\n'), ('/work/esc/marker', 'MIRROR\n'),
                       ('/work/rel/marker', 'MIRROR\n'), ('/work/hostabs', 'MIRROR\n'),
                       ('/work/up' + o + '/marker', 'MIRROR\n'), ('/../../../..' + o + '/marker', 'MIRROR\n'),
                       ('/work/../../../../etc/marker', 'inside\n')):
        r = e.run('/usr/bin/cat', path)
        never_outside(r)
        check(r.rc == 0 and r.out == want, f'cat {path}: expected {want!r}\n{r}')
    for path in ('/work/escfile', '/work/esc/keep', '/work/rel/keep', '/work/up' + o + '/keep', '/..' + o + '/keep'):
        r = e.run('/usr/bin/cat', path)
        never_outside(r)
        check(r.rc == 1 and 'No such file or directory' in r.err, f'cat {path}: expected ENOENT\n{r}')
    r = e.run('/usr/bin/cat', '/work/loop')
    check(r.rc == 1 and 'Too many levels of symbolic links' in r.err, f'cat /work/loop: expected ELOOP\n{r}')
    r = e.run('/usr/bin/readlink', '-f', '/work/up', '/work/abs', '/work/chain', '/work/esc/marker', '/work/rel')
    check(r.rc == 0 and r.out.split('\n') == ['/', '/', '/', o + '/marker', o, ''], str(r))
    r = e.ok('/usr/bin/ls', '-a', '/work/esc', '/work/up' + o, '/work/rel/')
    never_outside(r)
    check(r.out.count('marker') == 3, str(r))
    r = e.ok('/usr/bin/ls', '/work/up/', '/..', '/work/abs/../..')
    top = sorted(os.listdir(e.root))
    check(r.out.split() == ['/..:'] + top + ['/work/abs/../..:'] + top + ['/work/up/:'] + top, str(r))
    st = os.stat(os.path.join(e.mirror, 'marker'))
    r = e.ok('/usr/bin/stat', '-L', '-c', '%i %s', '/work/esc/marker', '/work/hostabs', '/work/up' + o + '/marker')
    check(r.out == f'{st.st_ino} {st.st_size}\n' * 3, f'stat shows another file than the mirror ({st.st_ino})\n{r}')
    r = e.run('/usr/bin/stat', '-L', '/work/escfile')
    check(r.rc == 1 and 'No such file or directory' in r.err, str(r))
    r = e.run('/usr/bin/stat', '-L', '/work/loop')
    check(r.rc == 1 and 'Too many levels of symbolic links' in r.err, str(r))
    r = e.ok('/bin/busybox', 'cat', '/work/up/etc/marker', '/work/esc/marker')
    check(r.out == 'inside\nMIRROR\n', str(r))


@case
def escape_guest(e):
    """A hostile guest (escape.c): openat/mkdirat/renameat/renameat2/linkat/symlinkat/
    unlinkat/mknodat/truncate/chmod/utimensat/fstatat with dirfds, the cwd and '..'
    chains; OUTSIDE is unchanged afterwards and what it created is in the mirror."""
    shutil.copy2(e.escape, e.inside('/bin/escape'))  # the program is looked up in the root too
    before = snapshot(e.outside)
    r = e.run('/bin/escape', e.outside)
    after = snapshot(e.outside)
    check(before == after, f'OUTSIDE changed: {sorted(set(before.items()) ^ set(after.items()))}\n{r}')
    check(r.rc == 0 and r.out.endswith('0 failures\n'), str(r))
    for name in ('made_in_cwd', 'made_mkdir', 'made_mkdir2', 'made_mkdir3', 'made_creat', 'created_by_dangling',
                 'moved_in', 'sym_made', 'fifo', 'keep', 'linked_in'):
        check(os.path.lexists(os.path.join(e.mirror, name)), f'{name} is not in the mirror\n{r}')
    check(os.path.isdir(e.inside('/made_dots_cwd')), f'made_dots_cwd is not in the root\n{r}')
    check(os.path.isfile(e.inside('/work/from_tmpfile')), f'from_tmpfile is not in the root\n{r}')
    check(os.stat(e.inside('/work/hard_mirror')).st_ino == os.stat(os.path.join(e.mirror, 'marker')).st_ino, str(r))
    for name in ('hard_keep', 'hard_keep2', 'hard_keep3', 'stolen', 'stolen2', 'stolen3'):
        check(not os.path.lexists(e.inside('/work/' + name)) and not os.path.lexists(e.inside('/' + name)),
              f'{name} was created\n{r}')


@case
def proc_self_root(e):
    """/proc/self/root is "/"; /proc/self/root/../../ is the root's top; ls of it too."""
    r = e.ok('/usr/bin/readlink', '/proc/self/root')
    check(r.out == '/\n', str(r))
    r = e.ok('/usr/bin/cat', '/proc/self/root/../../etc/marker', '/proc/self/root/../..' + e.outside + '/marker')
    check(r.out == 'inside\nMIRROR\n', str(r))
    r = e.ok('/usr/bin/ls', '/proc/self/root/../../')
    check(r.out.split() == sorted(os.listdir(e.root)), str(r))
    r = e.ok('/usr/bin/ls', '-a', '/proc/self/cwd/../../../')
    check(r.out.split() == sorted(os.listdir(e.root) + ['.', '..']), str(r))


@case
def cwd_guest_paths(e):
    """The guest's cwd is the host cwd's path in the root, or "/" when the host cwd is
    outside it: readlink /proc/self/cwd and getcwd (dash's pwd -P) show guest paths."""
    r = e.ok('/usr/bin/readlink', '/proc/self/cwd', cwd=e.inside('/work'))
    check(r.out == '/work\n', str(r))
    r = e.ok('/usr/bin/readlink', '/proc/self/cwd', cwd=e.outside)
    check(r.out == '/\n', str(r))
    env = dict(ENV)
    r = e.ok('/usr/bin/sh', '-c', 'pwd -P; cd /work/up/etc; pwd -P; read x < ../work/esc/marker; echo $x; '
             'cd ../../../..; pwd -P; cd /work/esc; pwd -P', cwd=e.inside('/work'), env=env)
    check(r.out == f'/work\n/etc\nMIRROR\n/\n{e.outside}\n', str(r))
    r = e.ok('/usr/bin/readlink', 'esc', 'up', cwd=e.inside('/work'))  # relative to the guest cwd
    check(r.out == f'{e.outside}\n../../../../../../../../../../..\n', str(r))


@case
def maps_guest_paths(e):
    """/proc/self/maps names the program and the libraries by guest path, and they are the
    root's copies (same inode), not the host's files."""
    r = e.ok('/usr/bin/cat', '/proc/self/maps')
    check(e.root not in r.out and e.tmp not in r.out, f'a host path in maps\n{r}')
    files = {}
    for line in r.out.splitlines():
        f = line.split(None, 5)
        if len(f) == 6 and f[5].startswith('/'):
            files[f[5]] = int(f[4])
    libc = [p for p in files if re.search(r'/libc\.so\.6$', p)]
    check('/usr/bin/cat' in files and INTERP in files and len(libc) == 1, f'maps files {files}')
    for path, ino in files.items():
        check(os.path.exists(e.inside(path)), f'{path} in maps is not in the root')
        check(os.stat(e.inside(path)).st_ino == ino, f'{path}: inode {ino} is not the root copy\'s')
        check(os.stat(path).st_ino != ino, f'{path}: the host\'s own file was mapped')
    r = e.ok('/usr/bin/readlink', '/proc/self/exe', cwd=e.inside('/etc'))
    check(r.out == '/usr/bin/readlink\n', str(r))


@case
def interp_from_root(e):
    """The interpreter comes from the root: without the root's ld.so lxrun fails (127)
    though the host has one; a program only in the root runs, one only on the host
    is not found."""
    check(os.path.exists(INTERP), 'the host has no ' + INTERP)
    os.rename(e.inside(INTERP), e.inside(INTERP) + '.away')
    r = e.run('/usr/bin/cat', '/etc/marker')
    check(r.rc == 127 and f'interpreter {INTERP}: required file not found' in r.err, str(r))
    os.rename(e.inside(INTERP) + '.away', e.inside(INTERP))
    os.makedirs(e.inside('/opt/bin'))
    shutil.copy2('/usr/bin/cat', e.inside('/opt/bin/onlyhere'))
    r = e.ok('/opt/bin/onlyhere', '/etc/marker')
    check(r.out == 'inside\n', str(r))
    r = e.ok('onlyhere', '/etc/marker', env=dict(ENV, PATH='/nowhere:/opt/bin'))
    check(r.out == 'inside\n', str(r))
    r = e.ok('cat', '/etc/marker')  # PATH search: the root's /usr/bin/cat
    check(r.out == 'inside\n', str(r))
    r = e.run('head', '/etc/marker')  # /usr/bin/head exists on the host only
    check(r.rc == 127 and 'command not found' in r.err, str(r))
    r = e.run('/usr/bin/head', '/etc/marker')
    check(r.rc == 127, str(r))
    r = e.ok('--check', '/usr/bin/cat')
    check(f'{INTERP} (found in the guest root)' in r.out, str(r))


@case
def relative_root(e):
    """--root given relative to lxrun's cwd, and the guest's program path relative to
    the guest's cwd."""
    r = e.run('./cat', '/etc/marker', cwd=e.inside('/usr/bin'), options=['--root', '../..'])
    check(r.rc == 0 and r.out == 'inside\n', str(r))
    r = e.run('/usr/bin/cat', '/etc/marker', options=['--root=' + e.root])
    check(r.rc == 0 and r.out == 'inside\n', str(r))
    r = e.run('/usr/bin/cat', '/etc/marker', options=['--root', os.path.join(e.tmp, 'nonexistent')])
    check(r.rc == 2 and 'nonexistent' in r.err and 'No such file or directory' in r.err, str(r))


# ---- --mount and --config ----

def make_hostdir(e):
    """A host directory to mount at /data, with links that leave it (they are resolved
    in the guest's namespace, as under a bind mount) and a link in the root into it."""
    d = os.path.join(e.tmp, 'hostdir')
    e.write(os.path.join(d, 'sub', 'f'), 'hostdir f\n')
    os.symlink('../../../../../../..', os.path.join(d, 'up'))       # the guest's "/"
    os.symlink('/data/sub/f', os.path.join(d, 'absf'))             # a guest path
    os.symlink(os.path.join(e.outside, 'marker'), os.path.join(d, 'hostesc'))  # the root's mirror
    os.symlink(os.path.join(e.outside, 'keep'), os.path.join(d, 'hostkeep'))   # nothing
    os.symlink('/data/sub', e.inside('/work/todata'))
    os.makedirs(e.inside('/data'))
    return d


def check_mounted(e, d, options):
    r = e.run('/usr/bin/cat', '/data/sub/f', '/data/../etc/marker', '/data/sub/../../etc/marker', '/data/up/etc/marker',
              '/data/absf', '/work/todata/f', '/work/todata/../absf', '/data/hostesc', options=options)
    check(r.rc == 0 and r.out == 'hostdir f\ninside\ninside\ninside\nhostdir f\nhostdir f\nhostdir f\nMIRROR\n', str(r))
    r = e.run('/usr/bin/cat', '/data/hostkeep', options=options)
    check(r.rc == 1 and 'No such file or directory' in r.err, str(r))
    r = e.run('/usr/bin/ls', '/data', '/work/todata/..', options=options)
    names = ['absf', 'hostesc', 'hostkeep', 'sub', 'up']
    check(r.rc == 0 and r.out.split() == ['/data:'] + names + ['/work/todata/..:'] + names, str(r))
    r = e.run('/usr/bin/readlink', '-f', '/data/up', '/work/todata/f', '/data/absf', options=options)
    check(r.rc == 0 and r.out == '/\n/data/sub/f\n/data/sub/f\n', str(r))
    r = e.run('/usr/bin/sh', '-c', 'cd /data/sub; pwd -P; echo new > n; cd ..; pwd -P; cd ..; pwd -P',
              options=options)
    check(r.rc == 0 and r.out == '/data/sub\n/data\n/\n', str(r))
    check(open(os.path.join(d, 'sub', 'n')).read() == 'new\n', 'the write did not reach the mounted dir')
    r = e.run('/usr/bin/readlink', '/proc/self/cwd', cwd=os.path.join(d, 'sub'), options=options)
    check(r.rc == 0 and r.out == '/data/sub\n', str(r))


@case
def mount_binds(e):
    """--mount /data=HOSTDIR: /data is HOSTDIR; '..' out of /data and symlinks in and out of
    it are resolved in the guest's namespace (never on the host); writes land in HOSTDIR;
    the cwd inside HOSTDIR is shown as /data/…."""
    d = make_hostdir(e)
    check_mounted(e, d, ['--root', e.root, '--mount', '/data=' + d])
    r = e.run('/usr/bin/cat', '/data/sub/f', options=['--root', e.root, '--mount=/data/=' + d, '--mount', '/x=/nonexistent'])
    check(r.rc == 2 and '/nonexistent' in r.err, str(r))
    r = e.run('/usr/bin/cat', '/etc/marker', options=['--root', e.root, '--mount', 'data=' + d])
    check(r.rc == 2 and 'absolute' in r.err, str(r))
    # without --root, "/" stays the host's and /data is the directory
    r = root_run([e.lxrun, '--mount', '/data=' + d, '/usr/bin/cat', '/data/sub/f', '/etc/hostname'], e.tmp)
    want = 'hostdir f\n' + open('/etc/hostname').read()
    check(r.rc == 0 and r.out == want, str(r))


@case
def special_mounts(e):
    """--mount GUEST=TARGET where TARGET is a scheme URL (one node: null:, zero:,
    rand:) or an emulated tree (procfs, sysfs, devfs shown at another path), with
    or without a root; an unknown target is one error line and exit 2."""
    for opts in ([], ['--root', e.root]):
        m = opts + ['--mount', '/sink=null:', '--mount', '/zeros=zero:', '--mount', '/hp=procfs', '--mount', '/hs=sysfs']
        r = e.run('/usr/bin/cat', '/hp/sys/kernel/ostype', '/hs/devices/system/cpu/online', '/sink', options=m)
        check(r.rc == 0 and r.out.split('\n')[0] == 'Linux' and r.out.split('\n')[1][:1] == '0', str(r))
        r = e.run('/usr/bin/stat', '-c', '%F', '/sink', '/zeros', options=m)
        check(r.rc == 0 and r.out == 'character special file\n' * 2, str(r))
        r = e.run('/usr/bin/readlink', '/hp/self/fd/0', options=m)
        check(r.rc == 0 and r.out.strip(), str(r))
        r = e.run('/usr/bin/ls', '/sink/x', options=m)
        check(r.rc != 0 and 'Not a directory' in r.err, str(r))
    for bad in ('/x=nosuchscheme:', '/x=proc', 'x=null:'):
        r = e.run('/usr/bin/true', options=['--mount', bad])
        check(r.rc == 2 and len(r.err.strip().splitlines()) == 1, f'{bad}: {r}')


@case
def config_file(e):
    """--config FILE with 'root = DIR' and 'mount /data = DIR' (paths relative to the file,
    '#' comments) serves what the options do; the per-user $XDG_CONFIG_HOME/lxrun/config
    is read when present, --no-config and --config skip it, options win."""
    d = make_hostdir(e)
    conf = os.path.join(e.tmp, 'conf', 'lxrun.conf')
    e.write(conf, f'# a guest root\n\n  root = ../R   # relative to this file\nmount /data = {d}\n')
    check_mounted(e, d, ['--config', conf])
    check_mounted(e, d, ['--config=' + conf])
    user = os.path.join(e.config_home, 'lxrun', 'config')
    e.write(user, f'root = {e.root}\nmount /data = {d}\n')
    check_mounted(e, d, [])
    r = e.run('/usr/bin/cat', '/etc/hostname', options=['--no-config'])
    check(r.rc == 0 and r.out == open('/etc/hostname').read(), str(r))
    other = os.path.join(e.tmp, 'other')
    os.makedirs(os.path.join(other, 'etc'))
    e.write(os.path.join(other, 'etc', 'marker'), 'other root\n')
    shutil.copytree(e.inside('/usr'), os.path.join(other, 'usr'), symlinks=True)
    shutil.copytree(e.inside('/lib64'), os.path.join(other, 'lib64'), symlinks=True)
    shutil.copytree(e.inside('/lib'), os.path.join(other, 'lib'), symlinks=True)
    r = e.run('/usr/bin/cat', '/etc/marker', options=['--root', other])  # the option wins over the file
    check(r.rc == 0 and r.out == 'other root\n', str(r))
    e.write(conf, 'rooot = /\n')
    r = e.run('/usr/bin/cat', '/etc/marker', options=['--config', conf])
    check(r.rc == 2 and 'lxrun.conf:1' in r.err, str(r))
    r = e.run('/usr/bin/cat', '/etc/marker', options=['--config', conf + '.missing'])
    check(r.rc == 2 and 'No such file or directory' in r.err, str(r))


# ---- differential: the same tree natively and as the root ----

@case
def differential_tools(e):
    """ls -lan, cat and stat on the root's own files: the same output natively (cwd at the
    root, relative paths) and under lxrun --root (the guest's cwd is then "/")."""
    for argv in (['/usr/bin/ls', '-lan', '--time-style=+%s', 'etc', 'usr/bin', 'lib64', 'work'],
                 ['/usr/bin/ls', '-laRn', '--time-style=+%s', 'lib'],
                 ['/usr/bin/cat', 'etc/marker', 'work/nothere'],
                 ['/usr/bin/stat', '-c', '%n %s %i %h %f %u', 'etc/marker', 'usr/bin/cat', 'work', 'work/up', 'lib']):
        native = e.native(*argv, cwd=e.root)
        under = e.run(*argv, cwd=e.root)
        check(native.rc == under.rc and native.out == under.out and native.err == under.err,
              f'natively:\n{native}\nunder lxrun:\n{under}')


def main():
    suite_main('root', __doc__, 2, lambda a, tmp: Env(os.path.abspath(a[0]), os.path.abspath(a[1]), tmp))


if __name__ == '__main__':
    main()

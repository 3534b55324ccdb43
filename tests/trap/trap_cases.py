#!/usr/bin/python3
"""trap_cases.py — how lxrun switches FS between the guest and itself: wrfsbase where
the CPU and kernel allow FSGSBASE in user space, arch_prctl everywhere else, chosen
once at start-up (`--trap-fs`, `LXRUN_TRAP_FS`), reported by -c and --report, and
never an FSGSBASE instruction outside the wrfsbase stubs.

    trap_cases.py LXRUN TRACEE CASE   runs one case (ctest: trap.CASE)
    trap_cases.py --list              prints the case names

TRACEE is tests/trace's musl-static tracee: `tracee counts` makes exactly 14 system
calls after musl's start-up (which makes 2), all trapped."""
import ctypes
import collections
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import tempfile
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import case, check, Run, suite_main  # noqa: E402

TRUE, ENV_PROG, STRACE = '/usr/bin/true', '/usr/bin/env', '/usr/bin/strace'
AT_HWCAP2, HWCAP2_FSGSBASE = 26, 2
BASE_ENV = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C'}


def host_hwcap2():
    """AT_HWCAP2 of this (python) process, as the kernel gave it."""
    with open('/proc/self/auxv', 'rb') as f:
        data = f.read()
    for k, v in struct.iter_unpack('<QQ', data):
        if k == AT_HWCAP2:
            return v
    return 0


HOST_FSGSBASE = bool(host_hwcap2() & HWCAP2_FSGSBASE)
AUTO = 'wrfsbase' if HOST_FSGSBASE else 'arch_prctl'


class Env:
    def __init__(self, lxrun, tracee, tmp):
        self.lxrun, self.tracee, self.tmp = lxrun, tracee, tmp

    def run(self, *args, env=None, lxrun=True):
        return Run(([self.lxrun] if lxrun else []) + list(args), self.tmp, {**BASE_ENV, **(env or {})})

    def fs_path(self, *opts, env=None):
        """The FS path -c names for a run of `tracee counts` with OPTS and ENV."""
        r = self.run(*opts, '-c', self.tracee, 'counts', env=env)
        check(r.rc == 0, str(r))
        m = re.search(r'^interception:\n  mechanism +(?:rewritten call sites, )?Syscall User Dispatch.*\n  FS switched by +(\S+)$', r.err, re.M)
        check(m, f'no interception section in -c\n{r}')
        return m[1]


def one_line_refusal(r, status, *needles):
    check(r.rc == status, f'expected exit {status}\n{r}')
    check(len(r.err_lines) == 1 and r.err_lines[0].startswith('lxrun: '), f'expected one "lxrun: " line\n{r}')
    for n in needles:
        check(n in r.err_lines[0], f'the message lacks {n!r}\n{r}')
    check(r.out == '', f'the program ran\n{r}')


@case
def auto_follows_hwcap2(e):
    """Without a choice, wrfsbase exactly where AT_HWCAP2 has FSGSBASE."""
    check(e.fs_path() == AUTO, f'auto chose {e.fs_path()}, AT_HWCAP2 says {AUTO}')
    check(e.fs_path('--trap-fs=auto') == AUTO, '--trap-fs=auto')
    check(e.fs_path(env={'LXRUN_TRAP_FS': 'auto'}) == AUTO, 'LXRUN_TRAP_FS=auto')


@case
def option_and_environment_force_arch_prctl(e):
    """--trap-fs=arch_prctl, --trap-fs arch_prctl and LXRUN_TRAP_FS=arch_prctl force
    the fallback on any machine; the option wins over the environment."""
    check(e.fs_path('--trap-fs=arch_prctl') == 'arch_prctl', '--trap-fs=arch_prctl')
    check(e.fs_path('--trap-fs', 'arch_prctl') == 'arch_prctl', '--trap-fs arch_prctl')
    check(e.fs_path(env={'LXRUN_TRAP_FS': 'arch_prctl'}) == 'arch_prctl', 'LXRUN_TRAP_FS')
    check(e.fs_path('--trap-fs=auto', env={'LXRUN_TRAP_FS': 'arch_prctl'}) == AUTO, 'option over environment')
    if HOST_FSGSBASE:
        check(e.fs_path('--trap-fs=arch_prctl', env={'LXRUN_TRAP_FS': 'wrfsbase'}) == 'arch_prctl',
              'option over environment')


@case
def wrfsbase_only_where_allowed(e):
    """--trap-fs=wrfsbase runs where AT_HWCAP2 allows it; elsewhere one line, 126."""
    if HOST_FSGSBASE:
        check(e.fs_path('--trap-fs=wrfsbase') == 'wrfsbase', '--trap-fs=wrfsbase')
    else:
        r = e.run('--trap-fs=wrfsbase', e.tracee, 'counts')
        one_line_refusal(r, 126, 'cannot intercept system calls', 'FSGSBASE')


@case
def bad_values_refused(e):
    """Unknown modes: one line naming where the word came from, exit 2, nothing runs."""
    for opts in (['--trap-fs=syscall'], ['--trap-fs='], ['--trap-fs', 'WRFSBASE']):
        one_line_refusal(e.run(*opts, e.tracee, 'exit', '3'), 2, '--trap-fs')
    one_line_refusal(e.run('--trap-fs'), 2, '--trap-fs')
    one_line_refusal(e.run(e.tracee, 'exit', '3', env={'LXRUN_TRAP_FS': 'fast'}), 2, 'LXRUN_TRAP_FS', 'fast')


@case
def variable_never_reaches_the_guest(e):
    """env under lxrun with LXRUN_TRAP_FS set prints what env prints natively without it."""
    native = e.run(ENV_PROG, lxrun=False)
    check(native.rc == 0 and 'PATH=' in native.out, str(native))
    for mode in ('arch_prctl', 'auto'):
        r = e.run(ENV_PROG, env={'LXRUN_TRAP_FS': mode})
        check(r.rc == 0 and r.out == native.out, f'guest environment differs from native\n{native}\n{r}')


def shown_hwcap2(e, *opts):
    r = e.run(*opts, TRUE, env={'LD_SHOW_AUXV': '1'})
    check(r.rc == 0, str(r))
    m = re.search(r'^AT_HWCAP2:\s+(0x[0-9a-f]+)$', r.out, re.M)
    check(m, f'no AT_HWCAP2 line\n{r}')
    return int(m[1], 16)


@case
def guest_hwcap_is_the_kernels(e):
    """AT_HWCAP as the host kernel gives it to a native program (lxrun passes its own
    on, without asking CPUID: on x86 the kernel's value is CPUID 1's edx after the
    kernel's own clearing), in both FS modes."""
    with open('/proc/self/auxv', 'rb') as f:
        want = dict(struct.iter_unpack('<QQ', f.read())).get(16)  # AT_HWCAP
    for opts in ((), ('--trap-fs=arch_prctl',), ('--trap=sud',)):
        r = e.run(*opts, TRUE, env={'LD_SHOW_AUXV': '1'})
        m = re.search(r'^AT_HWCAP:\s+([0-9a-f]+)$', r.out, re.M)
        check(r.rc == 0 and m, f'no AT_HWCAP line\n{r}')
        check(int(m[1], 16) == want, f'AT_HWCAP {m[1]} under lxrun {opts}, {want:x} from the kernel')


@case
def guest_told_of_fsgsbase_only_when_lxrun_uses_it(e):
    """AT_HWCAP2 without FSGSBASE under arch_prctl (a guest's own wrfsbase would pass
    lxrun's record of its FS by); the host's value when lxrun switches with wrfsbase."""
    check(shown_hwcap2(e, '--trap-fs=arch_prctl') == host_hwcap2() & ~HWCAP2_FSGSBASE, 'arch_prctl')
    check(shown_hwcap2(e) == host_hwcap2(), 'auto')


def host_fs_calls(e, mode, *opts, tracee_mode='counts'):
    """lxrun's host arch_prctl calls for `tracee counts` (or another mode, with its
    arguments after a space), seen by strace: (ARCH_SET_FS to lxrun's own FS base,
    ARCH_SET_FS to any other base, ARCH_SET_GS, the log)."""
    tag = re.sub(r'\W', '-', tracee_mode)
    log = os.path.join(e.tmp, f'strace-{mode}{"".join(opts)}-{tag}')
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=arch_prctl', '-e', 'signal=none', '-o', log, e.lxrun,
              f'--trap-fs={mode}', *opts, e.tracee, *tracee_mode.split(), lxrun=False)
    check(r.rc == 0, str(r))
    text = open(log).read()
    # lxrun's own base is the one its libc sets first, at start-up; lxrun reads it
    # back from %fs:0, never by ARCH_GET_FS (a kernel entry)
    check('ARCH_GET_FS' not in text, f'lxrun asked for its FS base\n{text}')
    # a call another task's interleaves with is split: "ARCH_SET_FS, 0x... <unfinished ...>"
    sets = re.findall(r'ARCH_SET_FS, (0x[0-9a-f]+|0)(?:\)| <unfinished)', text)
    check(sets, f'no ARCH_SET_FS\n{text}')
    to_lxrun = sum(v == sets[0] for v in sets)
    return to_lxrun, len(sets) - to_lxrun, text.count('ARCH_SET_GS'), text


@case
def each_path_at_run_time(e):
    """Seen from outside with strace.  On the arch_prctl path each trapped call loads
    lxrun's FS base, and each one that returns loads the guest's again; besides,
    lxrun's libc sets its own base once at start-up and the first entry into the
    guest loads the guest's.  On the wrfsbase path only the libc start-up remains.
    GS is set twice either way: to lx_thread_none as the process starts, then to
    the thread's record (at %gs:0).  The trap serves a call whose line says
    GUESTFS on the guest's FS, as the fast path does (no switch), with
    --trap=sud too, and with -c (counted there), not with -t; and one that changes
    the mask applies it in the frame.  musl's own arch_prctl(ARCH_SET_FS) served
    there loads the guest's new base itself: one kernel entry, where the switch to
    lxrun's FS and back were two."""
    # 15 trapped calls: musl's arch_prctl and set_tid_address, 7 getppid, 3 close,
    # acct, syscall 1000, exit_group; all but exit_group return.  GUESTFS lines:
    # arch_prctl, set_tid_address, getppid, close.
    for mode in ('sud', 'rewrite'):
        to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', f'--trap={mode}')
        check((to_lxrun, to_guest, gs) == (1 + 3, 1 + 3, 2),
              f'arch_prctl path, {mode}: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')
    # a report counts and times the GUESTFS calls on the guest's FS too: the same
    # switches; a trace prints each call (stdio is lxrun's): each one switches
    for mode in ('sud', 'rewrite'):
        to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', f'--trap={mode}', '-c')
        check((to_lxrun, to_guest, gs) == (1 + 3, 1 + 3, 2),
              f'arch_prctl path, {mode} -c: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')
    to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', '--trap=sud', '-t')
    check((to_lxrun, to_guest, gs) == (1 + 15, 1 + 14, 2),
          f'arch_prctl path, sud -t: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')
    # a trapped call that changes the guest's mask is served on the guest's FS too,
    # the mask applied in the signal frame: `tracee masks` makes 10 such calls, and
    # only the exit switches (musl's arch_prctl loads the guest's base: to the guest)
    to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', '--trap=sud', tracee_mode='masks')
    check((to_lxrun, to_guest, gs) == (1 + 1, 1 + 1, 2),
          f'arch_prctl path, sud, masks: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')
    # readlink and readlinkat on the guest's FS too (gcc's driver makes ~10 000 in
    # make's 20 files): `tracee links` makes 21 (each answered as natively), and only
    # the one of /proc/self/exe (lxrun's own link: resolved, then rendered, on lxrun's
    # FS: two switches) and the exit switch
    native = e.run(e.tracee, 'links', lxrun=False)
    check(native.rc == 0, f'natively: {native}')  # host_fs_calls checks the same under lxrun
    for mode in ('sud', 'rewrite'):
        to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', f'--trap={mode}', tracee_mode='links')
        check((to_lxrun, to_guest, gs) == (1 + 3, 1 + 3, 2),
              f'arch_prctl path, {mode}, links: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')
    if HOST_FSGSBASE:
        to_lxrun, to_guest, gs, text = host_fs_calls(e, 'wrfsbase')
        check((to_lxrun, to_guest, gs) == (1, 0, 2),
              f'wrfsbase path: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')


@case
def signals_delivered_on_the_guests_fs(e):
    """A signal for a guest handler is delivered, and its rt_sigreturn served, on the
    guest's FS, and an unblocking rt_sigprocmask with nothing pending applies the
    set at once, in both modes: `tracee handlers 100` blocks and unblocks SIGUSR1,
    then sends it to itself (kill, whose line is not GUESTFS: one switch each) 100
    times from sites of its own, rewritten as they come due with --trap=rewrite.
    Only start-up, the kills and the exit switch to lxrun's FS;
    before, each delivery's rt_sigreturn switched too (sud: 3 + 2 x 100), and on
    rewritten sites the unblock and the kill's signal went through the gate into
    the trap on lxrun's FS (rewrite: 288)."""
    for mode in ('sud', 'rewrite'):
        to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', f'--trap={mode}', tracee_mode='handlers 100')
        check((to_lxrun, to_guest, gs) == (1 + 1 + 100, 1 + 1 + 100, 2),
              f'arch_prctl path, {mode}, handlers: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n'
              f'{text[-3000:]}')


@case
def signals_in_guest_code_delivered_on_the_guests_fs(e):
    """A signal that lands in guest code is delivered on the guest's FS too:
    `tracee timer 20` spins without a call while a 2 ms timer's SIGALRM reaches its
    handler 20 times; only start-up, the two setitimer calls and the exit switch
    to lxrun's FS (before: two more per signal, its delivery's and
    its rt_sigreturn's).  A tick that lands while lxrun runs (a call, the trap) is
    delivered as that call ends: none can here but in setitimer's own."""
    for mode in ('sud', 'rewrite'):
        to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', f'--trap={mode}', tracee_mode='timer 20')
        check((to_lxrun, to_guest, gs) == (1 + 3, 1 + 3, 2),
              f'arch_prctl path, {mode}, timer: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n'
              f'{text[-3000:]}')


@case
def dotdot_paths_resolved_on_the_guests_fs(e):
    """A path with ".." that stays out of /proc, /sys and /dev (gcc's
    /usr/lib/gcc/x86_64-linux-gnu/12/../../../../include) is resolved on the guest's
    FS like any other: `tracee stats /usr/lib/../bin/../lib 10` switches to lxrun's FS
    only at start-up and for the exit (before: once per stat, with
    an 8 KiB allocation each time)."""
    to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', tracee_mode='stats /usr/lib/../bin/../lib 10')
    check((to_lxrun, to_guest, gs) == (1 + 1, 1 + 1, 2),
          f'arch_prctl path, stats: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')


@case
def file_mappings_named_on_the_guests_fs(e):
    """A file mapped is named (/proc/self/maps) without switching to lxrun's FS: the
    first time by its fd's path (fpath, the guest path and the name pool make raw
    calls and no allocation of libc's: mm.c's name_file), again from what lxrun found
    then, checked to lead to the same file still.  `tracee mapfile F 10` maps one
    file 10 times, and only start-up and the exit switch (before: the first
    mapping's name too, and before that each mapping's; memory.c's
    names_after_rename checks a renamed file's new name)."""
    path = os.path.join(e.tmp, 'mapped-file')
    with open(path, 'wb') as f:
        f.write(b'x' * 4096)
    to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', tracee_mode=f'mapfile {path} 10')
    check((to_lxrun, to_guest, gs) == (2, 2, 2),
          f'arch_prctl path, mapfile: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')


@case
def vfork_on_the_guests_fs(e):
    """A vfork that opens a window (the child's code on the parent's thread) is
    served on the guest's FS: only the window child's exit switches to lxrun's, so
    each round of `tracee vforks N` (vfork, the child's _exit, the parent's waitpid)
    adds one switch to lxrun's FS on the arch_prctl path, where the vfork's own
    switch made it two.  Counted as the difference between 8 and 4 rounds, which
    leaves out start-up and exit; the fewest of six runs each: beside busy shell
    loops a run now and then switches once or more again (when each child's end
    comes against the parent's calls is timing; with ten loops beside it, all
    three 8-round runs of one try had one more), never fewer times, and the
    vfork's own switch would add four to every run.  (A run once counted one
    fewer: another task's call, the /proc answerer's start, split one in strace's
    log as "<unfinished ...>", which host_fs_calls now counts.)"""
    counts = {}
    for n in (4, 8):
        runs = [host_fs_calls(e, 'arch_prctl', tracee_mode=f'vforks {n}') for _ in range(6)]
        to_lxrun, _, _, text = min(runs, key=lambda run: run[0])
        counts[n] = to_lxrun
    check(counts[8] - counts[4] == 4, f'switches to lxrun\'s FS: {counts[4]} for 4 rounds, {counts[8]} for 8; '
          f'want one more a round\n{text}')


@case
def rewrites_made_on_the_guests_fs(e):
    """A site due for rewriting is rewritten by the trap that serves its call on the
    guest's FS (the rewriter is TLS-free), not by a detour through lxrun's FS, which
    cost each rewrite an arch_prctl pair: `tracee sites` calls from 8 sites of its own
    100 times each, and only the exit switches to lxrun's FS.
    That the sites were rewritten shows in the traps: ~160 of 801 calls (every call
    traps until a rewrite is due, from the program's 32nd trap on)."""
    log = os.path.join(e.tmp, 'strace-sites')
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=arch_prctl', '-o', log, e.lxrun, '--trap=rewrite',
              '--trap-fs=arch_prctl', e.tracee, 'sites', lxrun=False)
    if 'needs XSAVEOPT' in r.err:
        return  # this CPU cannot rewrite
    check(r.rc == 0, str(r))
    text = open(log).read()
    traps = text.count('SIGSYS {')
    sets = re.findall(r'ARCH_SET_FS, (0x[0-9a-f]+|0)\)', text)
    to_lxrun = sum(v == sets[0] for v in sets) if sets else 0
    check(traps < 400, f'{traps} traps for 801 calls from 9 sites: not rewritten\n{text}')
    check(to_lxrun == 1 + 1, f'{to_lxrun} switches to lxrun\'s FS, want 1 + 1 (start-up, exit)\n{text}')


@case
def rewrites_poked_in_a_lone_process(e):
    """A process with no other thread has its sites rewritten by a poke (rx_poke:
    a pwrite to /proc/self/mem), its text's protection never changed: `tracee
    sites` never has its text made writable, nor after a thread has ended (`sites
    ended`).  While another thread lives (`sites thread`) the protection round
    trip stays (a poke is a copy, not one store, and that thread could be running
    the bytes): its text made writable for a rewrite, no poke.
    A fork's child pokes its own memory, not its
    parent's (the handle it inherits is on the parent's): the parent, whose copy
    of the sites the child's rewrites never reached, then makes the same calls from
    them, and rewrites them itself.
    A page's sites rewritten together are stored by one poke, not one each: the
    tracee's nine sites lie on at most two pages, so a process rewrites its 8 or
    more in at most 4 pokes (before, a poke per site: 8 or more)."""
    def calls(*argv):
        log = os.path.join(e.tmp, 'strace-poke-' + '-'.join(argv))
        report = os.path.join(e.tmp, 'poke-' + '-'.join(argv) + '.json')
        r = e.run(STRACE, '-f', '-qq', '-e', 'trace=mprotect,pwrite64,pwritev', '-e', 'signal=none', '-o', log,
                  e.lxrun, '--trap=rewrite', f'--report={report}', e.tracee, 'sites', *argv, lxrun=False)
        if 'needs XSAVEOPT' in r.err:
            return None  # this CPU cannot rewrite
        text = open(log).read()
        check(r.rc == 0, f'{r}\n{text}')
        with open(report) as f:
            rewritten = json.load(f).get('trap', {}).get('sites_rewritten', 0)
        rwx = len(re.findall(r'mprotect\(.*PROT_READ\|PROT_WRITE\|PROT_EXEC', text))
        pokes = collections.Counter(l.split()[0] for l in text.splitlines() if re.search(r'pwrite(64|v)\(', l))
        return rwx, pokes, rewritten, text
    lone = calls()
    if lone is None:
        return
    rwx, pokes, rewritten, text = lone
    check(rwx == 0 and rewritten >= 8 and 1 <= sum(pokes.values()) <= 4,
          f'alone: {rwx} writable text, {rewritten} sites rewritten, pokes {pokes}\n{text}')
    rwx, pokes, rewritten, text = calls('thread')
    check(rwx >= 1 and not pokes, f'with a thread: {rwx} writable text, pokes {pokes}\n{text}')
    rwx, pokes, rewritten, text = calls('ended')
    check(rwx == 0 and rewritten >= 8 and 1 <= sum(pokes.values()) <= 4,
          f'after a thread ended: {rwx} writable text, {rewritten} sites rewritten, pokes {pokes}\n{text}')
    rwx, pokes, rewritten, text = calls('fork')
    check(rwx == 0 and len(pokes) == 2 and rewritten >= 16 and max(pokes.values()) <= 4,
          f'fork: {rwx} writable text, {rewritten} sites rewritten, pokes by pid {pokes}\n{text}')


@case
def report_names_the_path(e):
    """--report's trap object says how the run was served."""
    for opts, want in (([], AUTO), (['--trap-fs=arch_prctl'], 'arch_prctl')):
        path = os.path.join(e.tmp, 'r.json')
        r = e.run(*opts, f'--report={path}', e.tracee, 'counts')
        check(r.rc == 0, str(r))
        with open(path) as f:
            doc = json.load(f)
        trap = doc.get('trap', {})
        check(trap.get('fs_switch') == want and trap.get('mechanism') in ('sud', 'rewrite'), f'trap {trap}, want {want}')



@case
def short_programs_stay_on_the_trap(e):
    """A site is rewritten only from a program's 32nd trap on (a rewrite costs
    several traps' worth): true, ~30 calls, has none rewritten; python3's
    start-up, several hundred, has."""
    def rewritten(*argv):
        path = os.path.join(e.tmp, 'r.json')
        r = e.run('--trap=rewrite', f'--report={path}', *argv)
        if 'needs XSAVEOPT' in r.err:
            return None  # this CPU cannot rewrite: nothing to look at
        check(r.rc == 0, str(r))
        with open(path) as f:
            trap = json.load(f).get('trap', {})
        check(trap.get('mechanism') == 'rewrite', f'trap {trap}')
        return trap.get('sites_rewritten')
    if rewritten(TRUE) is None:
        return
    check(rewritten(TRUE) == 0, 'true had sites rewritten')
    n = rewritten('/usr/bin/python3', '-c', 'pass')
    check(isinstance(n, int) and n > 0, f'python3 -c pass: {n} sites rewritten')

@case
def hot_site_rewritten_early(e):
    """A site trapped at nine times is rewritten then, however few traps the program
    took (ld.so's mmap site in cc1 traps ~40 times, before cc1's 32nd trap):
    `tracee hot 12` makes 12 getppid from one site and ~15 traps in all, so only the
    site's own count can have it rewritten; `tracee hot 8` leaves it on the trap."""
    def trap_facts(n):
        path = os.path.join(e.tmp, f'r{n}.json')
        r = e.run('--trap=rewrite', f'--report={path}', e.tracee, 'hot', str(n))
        if 'needs XSAVEOPT' in r.err:
            return None  # this CPU cannot rewrite
        check(r.rc == 0, str(r))
        with open(path) as f:
            return json.load(f).get('trap', {})
    few = trap_facts(8)
    if few is None:
        return
    check(few.get('sites_rewritten') == 0, f'hot 8: its site rewritten: {few}')
    many = trap_facts(12)
    check(many.get('sites_rewritten') == 1, f'hot 12: want 1 site rewritten: {many}')


@case
def threaded_rewrites_only_hot_sites(e):
    """While another thread lives a rewrite is a protection round trip (two
    mprotects, each a TLB shootdown to the CPUs its threads run on: ~1 ms in git's
    preload on a paravirtualised VM), so only a hot site (its ninth trap) is
    rewritten then; a lone process past the threshold rewrites a site at its second
    trap, as does one whose threads have ended (git status's main thread after its
    preload).  `tracee cold 4` (a hot getpid site, then 4 getppid from another):
    both sites rewritten alone and after a thread ended, only the hot one while a
    thread lives; `cold 12 thread`: both."""
    def rewritten(*argv):
        path = os.path.join(e.tmp, 'r.json')
        r = e.run('--trap=rewrite', f'--report={path}', e.tracee, 'cold', *argv)
        if 'needs XSAVEOPT' in r.err:
            return None  # this CPU cannot rewrite
        check(r.rc == 0, str(r))
        with open(path) as f:
            return json.load(f).get('trap', {}).get('sites_rewritten')
    alone = rewritten('4')
    if alone is None:
        return
    check(alone == 2, f'cold 4 alone: {alone} sites rewritten, want 2')
    n = rewritten('4', 'thread')
    check(n == 1, f'cold 4 with a thread: {n} sites rewritten, want 1 (the hot one)')
    n = rewritten('4', 'ended')
    check(n == 2, f'cold 4 after a thread ended: {n} sites rewritten, want 2')
    n = rewritten('12', 'thread')
    check(n == 2, f'cold 12 after a thread: {n} sites rewritten, want 2')


@case
def known_sites_rewritten_as_mapped(e):
    """A program run again in the session has the sites its earlier run trapped at
    rewritten as a library is mapped (trap/site_cache.c), once it is past the
    rewrite threshold (32 traps, or a site's ninth): src/known_sites.c, after 100 getppids, loads a
    library with three syscall sites on one page; run again after a first run (as
    the shell's child, then exec'd in place) it finds the three known (its
    report's sites_known), where a first run has none -- also when the first run
    trapped at them before the threshold -- and /bin/true, which ends
    before the threshold, has none either way.  Knowledge is the same bytes': the
    program rewritten in place by a build that differs runs as itself, with
    nothing known."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src', 'known_sites.c')
    prog, other, lib = (os.path.join(e.tmp, n) for n in ('prog', 'other', 'libsites.so'))
    for argv in (['-o', prog, src, '-ldl'], ['-DROUNDS_OTHER', '-o', other, src, '-ldl'],
                 ['-DLIB', '-shared', '-fPIC', '-o', lib, src]):
        cc = subprocess.run(['gcc', '-O1', *argv], capture_output=True, text=True)
        check(cc.returncode == 0, cc.stderr)

    def trap_of(*argv, status=0):
        path = os.path.join(e.tmp, 'r.json')
        r = e.run('--trap=rewrite', f'--report={path}', *argv)
        if 'needs XSAVEOPT' in r.err:
            return None  # this CPU cannot rewrite: nothing to look at
        check(r.rc == status, str(r))
        with open(path) as f:
            trap = json.load(f).get('trap', {})
        check(trap.get('mechanism') == 'rewrite' and isinstance(trap.get('sites_known'), int), f'trap {trap}')
        return trap
    def own(trap):  # libsites.so's: not libc's, mapped from the session's copy of it (sites_library)
        return trap['sites_known'] - trap['sites_library']
    alone = trap_of(prog, lib)
    if alone is None:
        return
    check(alone['sites_known'] == 0, f'a first run: {alone}')
    again = trap_of('/bin/sh', '-c', f'{prog} {lib}; exec {prog} {lib}')
    check(own(again) == 3 and again['sites_rewritten'] >= 3, f'run again: {again}')
    # sites trapped at before the threshold are learned as the program passes it
    early = trap_of('/bin/sh', '-c', f'{prog} {lib} early; exec {prog} {lib}')
    check(own(early) == 3, f'trapped at before the threshold, then run again: {early}')
    true_again = trap_of('/bin/sh', '-c', f'{TRUE}; exec {TRUE}')
    check(own(true_again) == 0, f'true again: {true_again}')
    changed = trap_of('/bin/sh', '-c', f'{prog} {lib}; cat {other} > {prog}; exec {prog} {lib}')
    check(own(changed) == 0, f'a changed program: {changed}')


def traps_by_process(e, log, *opts):
    """SIGSYS counts, from strace, of the processes lxrun OPTS sh runs: /bin/true
    twice, python3 importing ctypes (ld.so's dlopen: sites /bin/true never runs),
    /bin/true twice more; the shell's own process left out."""
    r = e.run(STRACE, '-f', '-o', log, '-e', 'trace=none', e.lxrun, *opts, '/bin/sh', '-c',
              f'{TRUE}; {TRUE}; /usr/bin/python3 -c "import ctypes"; {TRUE}; {TRUE}; echo done', lxrun=False)
    check(r.rc == 0 and r.out == 'done\n', str(r))
    # by each process's first SIGSYS in the log, not by pid: the shell traps first,
    # each child after the one before it ended, and pids wrap (this VM's pid_max is
    # 32768: in CI a wrap put a true's pid below the shell's, and the shell and
    # python3 were counted as trues)
    traps = collections.Counter()
    with open(log) as f:
        for line in f:
            if 'SIGSYS' in line:
                traps[int(line.split()[0])] += 1  # a Counter keeps first-seen order
    order = list(traps)
    shell = order[0]
    kids = [traps[p] for p in order[1:]]
    check(len(kids) == 5, f'{opts}: traps by process {dict(traps)}')
    return kids[:2] + kids[3:]


@case
def interpreter_sites_planted_in_every_program(e):
    """ld.so's own call sites, once a program of the session trapped at them, are
    rewritten in every program as ld.so is loaded (rewrite.c: learned by its file
    alone; plant_cache.c), CPUIDs served or not: of four /bin/true run by one sh,
    whose own ld.so trapped at them first, each takes at most 4 traps (strace's
    SIGSYS: libc's set_robust_list, prlimit64 and exit_group, a program's own
    known sites being planted only past 32 traps), where under --trap=sud each
    takes 20 or more (ld.so's ~25 calls, libc's few) -- the two after a python3
    whose ld.so taught the session new sites (its planted copy then stale, planted
    anew) too; the report counts the interpreter's sites (sites_interp), not as
    the program's (sites_known).  ld.so's sites are planted even alone on their
    page (its brk and arch_prctl): the copy is the session's, made once.  Before
    that, 5 traps; before the planting, each /bin/true took 29 traps under
    --trap=rewrite too (a short program rewrote nothing)."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    sud = traps_by_process(e, os.path.join(e.tmp, 'sud.log'), '--trap=sud')
    check(all(n >= 20 for n in sud), f'--trap=sud: traps of the trues {sud}')
    for cpuid in ('native', 'serve'):
        rep = os.path.join(e.tmp, f'i-{cpuid}.json')
        trues = traps_by_process(e, os.path.join(e.tmp, f'i-{cpuid}.log'), '--trap=rewrite', f'--cpuid={cpuid}',
                                 f'--report={rep}')
        check(all(n <= 4 for n in trues), f'--cpuid={cpuid}: traps of the trues {trues}')
        with open(rep) as f:
            trap = json.load(f)['trap']
        check(trap.get('sites_interp', 0) > 0, f'--cpuid={cpuid}: {trap}')


def x86_facts(out):
    """The x86 lines of `ld.so --list-diagnostics`: leaf 1's EBX
    (features[0].cpuid[1]) holds the APIC ID of the CPU the process ran on (bits
    31-24), which natively too differs from run to run: masked."""
    apic = 'x86.cpu_features.features[0x0].cpuid[0x1]='
    return [apic + hex(int(l[len(apic):], 16) & 0xffffff) if l.startswith(apic) else l
            for l in out.splitlines() if l.startswith('x86.')]


def cpuid_report(e, *argv, mode='serve'):
    """(stdout, the report's trap object) of ARGV under --cpuid=MODE."""
    path = os.path.join(e.tmp, 'c.json')
    r = e.run('--trap=rewrite', f'--cpuid={mode}', f'--report={path}', *argv)
    check(r.rc == 0, str(r))
    with open(path) as f:
        return r.out, json.load(f).get('trap', {})


@case
def cpuid_answers_are_the_cpus(e):
    """ld.so's CPU facts (its features, the cache sizes it derives from leaves
    0x80000005/6 or 4) with lxrun answering its constant-leaf CPUIDs are the ones
    it finds natively (ld.so --list-diagnostics, its x86 lines, leaf 1's APIC ID
    masked); the report says how many sites were answered, and none with
    --cpuid=native."""
    ldso = '/lib64/ld-linux-x86-64.so.2'
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite: nothing is answered
    native = x86_facts(e.run(ldso, '--list-diagnostics', lxrun=False).out)
    check(len(native) > 50, f'ld.so lists {len(native)} x86 lines')
    out, trap = cpuid_report(e, ldso, '--list-diagnostics')
    check(trap.get('cpuid') == 'serve' and trap.get('cpuid_sites', 0) > 0, f'trap {trap}')
    check(x86_facts(out) == native, 'x86 facts differ:\n' + '\n'.join(sorted(set(x86_facts(out)) ^ set(native))))
    out, trap = cpuid_report(e, ldso, '--list-diagnostics', mode='native')
    check(trap.get('cpuid') == 'native' and trap.get('cpuid_sites') == 0 and x86_facts(out) == native, f'native: trap {trap}')
    _, trap = cpuid_report(e, TRUE)  # ld.so as true's interpreter: the same sites
    check(trap.get('cpuid_sites') == cpuid_report(e, ldso, '--list-diagnostics')[1].get('cpuid_sites'), f'true: {trap}')


@case
def cpuid_sites_proven(e):
    """Only what is proven an instruction is rewritten: in a static-pie (its own
    text searched), the six real sites (mov;cpuid, one more across a cache line,
    mov;xor;cpuid and three whose leaf and subleaf come in registers, looked up, a
    miss included, one with bytes in its moved run that would read as a short jump
    into it, were an instruction to begin there) are answered, with the flags as
    they went in, as the report's count over the same program built without them
    shows (exactly 6 more; 5 before decoded functions told instruction starts from
    such bytes); the same bytes inside a movabs
    immediate, a real site in code without unwind information and one a jump
    lands on are not (the decoy's value stays whole).  Every answer is the
    native one.  At the looked-up site, a leaf that ignores %ecx is found whatever
    %ecx holds (2 with 0x12345, 0x80000006 with 9): only leaf 4's subleaf 0x77,
    asked twice, runs the CPU's cpuid (the report's cpuid_missed: exactly 2 more;
    before leaves were kept under any subleaf, 6)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src', 'cpuid_sites.c')
    progs = {}
    for name, extra in (('with', []), ('without', ['-DNO_SITES'])):
        progs[name] = os.path.join(e.tmp, f'cpuid_{name}')
        cc = subprocess.run(['gcc', '-O1', '-fPIE', '-static-pie', *extra, '-o', progs[name], src],
                            capture_output=True, text=True)
        check(cc.returncode == 0, cc.stderr)
    if e.run('--trap=rewrite', progs['with']).rc != 0:
        return  # this CPU cannot rewrite
    native = e.run(progs['with'], lxrun=False).out
    check('decoy 90a20f80000000b8' in native and native.count('zf 1') == 3 and native.count('flags c') == 7 and
          native.count('flags 3') == 7, native)
    out, trap = cpuid_report(e, progs['with'])
    check(out == native, f'answers differ:\n{out}\nnative:\n{native}')
    _, base = cpuid_report(e, progs['without'])
    check(trap.get('cpuid_sites', 0) - base.get('cpuid_sites', 0) == 6,
          f'with the sites {trap}, without {base}: want exactly 6 more')
    check(trap.get('cpuid_missed', 0) - base.get('cpuid_missed', 0) == 2,
          f'with the sites {trap}, without {base}: want exactly 2 more asks run by the CPU')


@case
def cpuid_static_program(e):
    """A static glibc program has no PT_GNU_EH_FRAME (gcc -static, busybox-static):
    its functions are bounded from .eh_frame, found by the section headers, and
    glibc's start in it is answered as ld.so's is: the CPU facts it keeps (the
    feature words, the cache sizes sysconf gives) equal native's, with sites
    answered, and none with --cpuid=native; busybox true is answered too."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src', 'cpu_facts.c')
    prog = os.path.join(e.tmp, 'cpu_facts')
    cc = subprocess.run(['gcc', '-O1', '-static', '-o', prog, src], capture_output=True, text=True)
    check(cc.returncode == 0, cc.stderr)
    ph = subprocess.run(['readelf', '-lW', prog], capture_output=True, text=True).stdout
    check('LOAD' in ph and 'EH_FRAME' not in ph and 'INTERP' not in ph, f'not the case looked at:\n{ph}')
    native = e.run(prog, lxrun=False).out
    check(native.count('index ') == 9 and 'sysconf' in native, native)
    out, trap = cpuid_report(e, prog)
    check(trap.get('cpuid') == 'serve' and trap.get('cpuid_sites', 0) > 0, f'trap {trap}')
    check(out == native, f'facts differ:\n{out}\nnative:\n{native}')
    out, trap = cpuid_report(e, prog, mode='native')
    check(trap.get('cpuid_sites') == 0 and out == native, f'native: trap {trap}')
    if os.path.exists('/bin/busybox'):
        _, trap = cpuid_report(e, '/bin/busybox', 'true')
        check(trap.get('cpuid_sites', 0) > 0, f'busybox true: trap {trap}')


def planted_runs(log, pids):
    """Per pid of PIDS, from an strace -f log of openat and mmap: (whether it
    opened /proc/self/mem -- a poke --, the addresses it mapped stored pages at:
    MAP_FIXED|MAP_POPULATE from a file, which only plant_cache.c's mapping asks)."""
    runs = {p: [False, []] for p in pids}
    for line in log.splitlines():
        w = line.split(None, 1)
        if len(w) < 2 or not w[0].isdigit() or int(w[0]) not in runs:
            continue
        if '"/proc/self/mem"' in w[1]:
            runs[int(w[0])][0] = True
        m = re.match(r'mmap\((0x[0-9a-f]+), (\d+), [^,]+, MAP_PRIVATE\|MAP_FIXED\|MAP_POPULATE, \d+,', w[1])
        if m:
            runs[int(w[0])][1].append((int(m[1], 16), int(m[2])))
    return runs


@case
def cpuid_detours_planted_again(e):
    """An image's CPUID detours, planted by one exec of the session, are mapped
    again by the next (plant_cache.c): of five runs of a program whose
    interpreter is a copy of ld.so, each in its own process under one sh, the
    last two open no /proc/self/mem (no poke) and map pages of the session's
    store over the interpreter's text (strace), and all print the same bytes
    there; the copy run as a program, three times, lists the CPU facts native
    lists each time.  Then, in another session, the copy is rewritten in place
    between runs (a nop's displacement on a planted page changed: the same size,
    the same inode): the runs after it see the new bytes, the runs before the old,
    each run exits 0."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    ldso = os.path.join(e.tmp, 'ld.so')
    with open('/lib64/ld-linux-x86-64.so.2', 'rb') as f:
        orig = f.read()
    with open(ldso, 'wb') as f:
        f.write(orig)
    os.chmod(ldso, 0o755)
    prog = os.path.join(e.tmp, 'interp_bytes')
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src', 'interp_bytes.c')
    cc = subprocess.run(['gcc', '-O1', f'-Wl,--dynamic-linker={ldso}', '-o', prog, src], capture_output=True, text=True)
    check(cc.returncode == 0, cc.stderr)
    log = os.path.join(e.tmp, 'planted.log')
    r = e.run(STRACE, '-f', '-o', log, '-e', 'trace=openat,mmap', e.lxrun, '--trap=rewrite', '--cpuid=serve',
              '/bin/sh', '-c', '; '.join([f'{prog} 0'] * 5), lxrun=False)
    check(r.rc == 0 and len(r.out.splitlines()) == 5, str(r))
    lines = [l.split() for l in r.out.splitlines()]
    pids = [int(l[0]) for l in lines]
    with open(log) as f:
        runs = planted_runs(f.read(), pids)
    check(len({l[2] for l in lines}) == 1, f'the runs print different bytes: {r.out}')
    for p in pids[3:]:
        poked, mapped = runs[p]
        check(mapped and not poked, f'run {pids.index(p) + 1} of 5 (pid {p}): poked {poked}, mapped {mapped}\n{runs}')
    # a nop (0f 1f 80 + disp32, or 66 0f 1f 84 00 + disp32) on a planted page
    at, size = runs[pids[4]][1][0]
    page = at - int(lines[4][1], 16)
    window = orig[page:page + size]
    m = re.search(rb'\x0f\x1f\x80\x00\x00\x00\x00|\x66\x0f\x1f\x84\x00\x00\x00\x00\x00', window)
    check(m, f'no nop with a displacement on the planted pages at {page:#x}')
    nop = page + m.start()
    new = bytearray(orig)
    new[nop + len(m[0]) - 1] = 1
    changed = os.path.join(e.tmp, 'ld.so.changed')
    with open(changed, 'wb') as f:
        f.write(new)
    show = f'{prog} {nop}'
    r = e.run('--trap=rewrite', '--cpuid=serve', '/bin/sh', '-c',
              '; '.join([show] * 3 + [f'cat {changed} > {ldso}'] + [show] * 3))
    check(r.rc == 0 and len(r.out.splitlines()) == 6, str(r))
    seen = [bytes.fromhex(l.split()[2])[:len(m[0])] for l in r.out.splitlines()]
    check(seen[:3] == [m[0]] * 3 and seen[3:] == [bytes(new[nop:nop + len(m[0])])] * 3,
          f'bytes at {nop:#x} before and after the rewrite: {seen}')
    with open(ldso, 'wb') as f:
        f.write(orig)

    native = x86_facts(e.run(ldso, '--list-diagnostics', lxrun=False).out)
    r = e.run('--trap=rewrite', '--cpuid=serve', '/bin/sh', '-c',
              '; '.join([f'{ldso} --list-diagnostics; echo ==='] * 3))
    parts = r.out.split('===\n')[:3]
    check(r.rc == 0 and len(parts) == 3 and len(native) > 50, str(r))
    for i, part in enumerate(parts):
        check(x86_facts(part) == native, f'run {i + 1}: x86 facts differ:\n' + '\n'.join(sorted(set(x86_facts(part)) ^ set(native))))


@case
def report_sums_interception_over_the_tree(e):
    """The report's interception counts are the run's, every process's summed as
    its call counts are: a shell running true twice under --cpuid=serve answers
    at exactly three times the sites of a true alone (dash and true share
    ld.so); the second true, like every program that ends before the rewrite
    threshold, plants none of the call sites the first one's run found (the
    sum of known sites over a tree: known_sites_rewritten_as_mapped); a program
    that had a thread and execs (lxrun runs itself again, handing its records
    over) counts its sites and its successor's."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    _, alone = cpuid_report(e, TRUE)
    _, tree = cpuid_report(e, '/bin/sh', '-c', f'{TRUE}; {TRUE}')
    check(alone.get('cpuid_sites', 0) > 0 and tree.get('cpuid_sites') == 3 * alone['cpuid_sites'],
          f'true alone {alone}, sh with two trues {tree}')
    check(alone.get('sites_known') == 0 and tree.get('sites_known') == 0, f'true alone {alone}, tree {tree}')
    code = ('import threading, os; t = threading.Thread(target=lambda: 0); t.start(); t.join(); '
            f'os.execv("{TRUE}", ["true"])')
    _, handed = cpuid_report(e, '/usr/bin/python3', '-c', code)
    check(handed.get('cpuid_sites') == 2 * alone['cpuid_sites'], f'true alone {alone}, python then true {handed}')


@case
def signals_reach_a_guest_blocked_in_lxrun(e):
    """A guest waiting inside a call lxrun serves (clock_nanosleep) is ended by
    SIGTERM at once, as natively; a SIGTERM the guest blocked stays pending until
    the guest's own sleep is over."""
    import time
    t0 = time.monotonic()
    r = e.run('/usr/bin/timeout', '-k', '5', '1', e.lxrun, '/usr/bin/sleep', '30', lxrun=False)
    took = time.monotonic() - t0
    check(r.rc == 124 and took < 4, f'timeout 1 ended lxrun sleep 30 after {took:.1f} s with {r.rc}\n{r}')
    code = ('import signal, time; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM]); '
            'time.sleep(3); print("slept")')
    t0 = time.monotonic()
    # SIGTERM after 1.5 s: python has blocked it by then even on a loaded machine
    r = e.run('/usr/bin/timeout', '-k', '8', '1.5', e.lxrun, '/usr/bin/python3', '-c', code, lxrun=False)
    took = time.monotonic() - t0
    check(took >= 2.9 and 'slept' in r.out, f'a blocked SIGTERM cut the sleep short: {took:.1f} s\n{r}')


FSGSBASE_INSN = re.compile(r'\s(rd|wr)[fg]sbase\s')
SYMBOL = re.compile(r'^[0-9a-f]+ <([^>]+)>:$')


def instructions_outside(e, insn, allowed):
    """lxrun's disassembly: (how many lines match insn, those in a function whose name
    allowed does not match, as 'function: line')."""
    out = subprocess.run(['objdump', '-d', '--no-show-raw-insn', e.lxrun], capture_output=True, text=True)
    check(out.returncode == 0, out.stderr)
    sym, found, stray = None, 0, []
    for line in out.stdout.splitlines():
        m = SYMBOL.match(line)
        if m:
            sym = m[1]
        elif insn.search(line + ' '):
            found += 1
            if not allowed.search(sym or ''):
                stray.append(f'{sym}: {line.strip()}')
    return found, stray


@case
def fsgsbase_confined(e):
    """In the lxrun binary every rdfsbase/wrfsbase/rdgsbase/wrgsbase lies in a
    function whose name ends in _wrfsbase (installed only where AT_HWCAP2 allows),
    and there is at least one (so the scan itself is known to work)."""
    found, stray = instructions_outside(e, FSGSBASE_INSN, re.compile(r'_wrfsbase$'))
    check(found >= 3, f'only {found} FSGSBASE instructions found: is objdump reading lxrun?')
    check(not stray, 'FSGSBASE instructions outside the wrfsbase stubs:\n' + '\n'.join(stray))


AVX512_OR_PKRU = re.compile(r'%zmm\d|%k[0-7]\b|%[xy]mm(1[6-9]|2\d|3[01])\b|\swrpkru\s')
VECTOR_STUB = re.compile(r'^lx_(fast_entry|fast_exit_check|fast_exit_jmp|fs_call)_(wrfsbase|arch_prctl)$')


@case
def avx512_confined(e):
    """The stub saves the guest's vector state by hand on AVX-512 machines (zmm0-15
    when in use, MXCSR, the x87 control word: trap/entry.S), which is only whole
    if nothing else in lxrun touches zmm registers, zmm16-31, k0-7 or PKRU (wrpkru):
    every such instruction lies in the stubs, and there are some (the scan works)."""
    found, stray = instructions_outside(e, AVX512_OR_PKRU, VECTOR_STUB)
    check(found >= 32, f'only {found} AVX-512 register uses found: is objdump reading lxrun?')
    check(not stray, 'AVX-512 registers used outside the fast-path stubs:\n' + '\n'.join(stray[:20]))


AMX_INSN = re.compile(r'\s(ldtilecfg|sttilecfg|tileloadd\w*|tilestored|tilezero|tilerelease|tdp\w+|tcmm\w+)\s|%tmm\d')
NO_FUNCTION = re.compile(r'(?!)')


@case
def amx_untouched(e):
    """The stub's hand-made save leaves AMX's tile state alone (trap/fast.c:
    XCR0_LEFT_ALONE), which is only right if no instruction of lxrun's touches a
    tile: none in its disassembly.  The scan is shown to find them first, in an
    object assembled with three."""
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, 'amx.s'), os.path.join(d, 'amx.o')
        with open(src, 'w') as f:
            f.write('ldtilecfg (%rax)\ntilezero %tmm1\ntilerelease\n')
        r = subprocess.run(['as', '-o', obj, src], capture_output=True, text=True)
        check(r.returncode == 0, f'as cannot assemble AMX: {r.stderr}')
        dis = subprocess.run(['objdump', '-d', '--no-show-raw-insn', obj], capture_output=True, text=True).stdout
        seen = sum(1 for line in dis.splitlines() if AMX_INSN.search(line + ' '))
        check(seen == 3, f'the scan found {seen} of 3 AMX instructions in:\n{dis}')
    found, stray = instructions_outside(e, AMX_INSN, NO_FUNCTION)
    check(found == 0, 'AMX instructions in lxrun:\n' + '\n'.join(stray[:20]))


class _UserRegs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        'r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss '
        'fs_base gs_base ds es fs gs').split()]


def gs_base_of(tid):
    """Thread tid's GS base, read with ptrace (seize, interrupt, get registers, detach)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    PTRACE_GETREGS, PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT, WALL = 12, 17, 0x4206, 0x4207, 0x40000000
    check(libc.ptrace(PTRACE_SEIZE, tid, None, None) == 0, f'ptrace seize {tid}: errno {ctypes.get_errno()}')
    try:
        check(libc.ptrace(PTRACE_INTERRUPT, tid, None, None) == 0, f'ptrace interrupt {tid}')
        os.waitpid(tid, WALL)
        regs = _UserRegs()
        check(libc.ptrace(PTRACE_GETREGS, tid, None, ctypes.byref(regs)) == 0, f'ptrace getregs {tid}')
        return regs.gs_base
    finally:
        libc.ptrace(PTRACE_DETACH, tid, None, None)


def symbol_address(pid, binary, name):
    """Where symbol name of the static-pie binary lies in process pid."""
    nm = subprocess.run(['nm', binary], capture_output=True, text=True).stdout
    m = re.search(r'^([0-9a-f]+) \w ' + re.escape(name) + '$', nm, re.M)
    check(m, f'nm finds no {name} in {binary}')
    real = os.path.realpath(binary)
    with open(f'/proc/{pid}/maps') as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5] == real and int(parts[2], 16) == 0:
                return int(parts[0].split('-')[0], 16) + int(m[1], 16)
    check(False, f'{real} not mapped in {pid}')


@case
def own_threads_act_for_no_guest_thread(e):
    """lxrun's own thread (the /proc answerer, which a guest's first call that may
    wait starts; since 2026-12-03 no reaper thread beside it: an ended guest thread
    is reaped by its waiter) begins with its creator's GS -- a guest thread's
    record -- and, with musl, with signal 33 open.
    A signal or fault landing there acted for that guest thread: the entry switched
    FS to its bases on lxrun's thread, and libc's errno then overwrote the guest's
    pointer guard (a crash at exit in 1-3% of guest.stress runs, with lost real-time
    signals).  It must carry lx_thread_none at %gs and block every signal (but
    SIGKILL and SIGSTOP, which cannot be), so a sent one goes to a guest thread."""
    prog = ("import threading, time; t = threading.Thread(target=time.sleep, args=(0,)); t.start(); "
            "t.join(); print('ready', flush=True); time.sleep(20)")
    p = subprocess.Popen([e.lxrun, '/usr/bin/python3', '-c', prog], stdout=subprocess.PIPE, cwd=e.tmp,
                         env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the guest did not start its thread')
        time.sleep(0.3)  # the ended thread's host thread is gone
        own = [int(t) for t in os.listdir(f'/proc/{p.pid}/task') if int(t) != p.pid]
        check(len(own) == 1, f'expected the answerer alone beside the main thread, found {own}')
        all_blockable = ((1 << 64) - 1) & ~(1 << 8 | 1 << 18)  # SIGKILL, SIGSTOP
        none = symbol_address(p.pid, e.lxrun, 'lx_thread_none')
        for tid in own:
            with open(f'/proc/{p.pid}/task/{tid}/status') as f:
                blocked = int(re.search(r'^SigBlk:\s*([0-9a-f]+)$', f.read(), re.M)[1], 16)
            check(blocked == all_blockable, f'thread {tid} blocks {blocked:016x}, want {all_blockable:016x}')
            gs = gs_base_of(tid)
            check(gs == none, f'thread {tid} has GS {gs:#x}, want lx_thread_none at {none:#x}')
    finally:
        p.kill()
        p.wait()


def smaps_vmas(pid):
    """The process's mappings: (start, end, VmFlags words), from /proc/pid/smaps."""
    vmas = []
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            m = re.match(r'^([0-9a-f]+)-([0-9a-f]+) ', line)
            if m:
                vmas.append([int(m[1], 16), int(m[2], 16), []])
            elif line.startswith('VmFlags:'):
                vmas[-1][2] = line.split()[1:]
    return vmas


@case
def fork_leaves_out_the_tls_page_and_the_vector_area(e):
    """Two pages a fork's child used to copy from a shell under lxrun (one
    copy-on-write fault each, ~15 us on a paravirtualised VM): the main thread's
    TLS lies in musl's builtin block on the fork-hot page (lxrun's thread-local
    data is small enough: its host FS base, in the thread record, is inside
    lx_fork_hot), and the fast path's vector-state area above the alternate stack
    is MADV_WIPEONFORK (VmFlags wf: the parent's next fast call writes it without a
    fault), the stack itself not."""
    p = subprocess.Popen([e.lxrun, '/bin/sh', '-c', 'echo ready; exec sleep 20'], stdout=subprocess.PIPE, cwd=e.tmp,
                         env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the guest did not start')
        record = gs_base_of(p.pid)
        with open(f'/proc/{p.pid}/mem', 'rb') as mem:
            mem.seek(record + 8)   # LX_THREAD_HOST_FS
            host_fs = int.from_bytes(mem.read(8), 'little')
            mem.seek(record + 176)  # LX_THREAD_ALTSTACK, then its length
            altstack = int.from_bytes(mem.read(8), 'little')
            altstack_len = int.from_bytes(mem.read(8), 'little')
        nm = subprocess.run(['nm', e.lxrun], capture_output=True, text=True).stdout
        if re.search(r' builtin_tls$', nm, re.M):  # musl's static TLS (the glibc build keeps its own)
            main = int(re.search(r'^([0-9a-f]+) \w main_thread\.\d+$', nm, re.M)[1], 16)
            sections = subprocess.run(['readelf', '-SW', e.lxrun], capture_output=True, text=True).stdout
            m = re.search(r'\]\s+lx_fork_hot\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)', sections)
            lo = record - main + int(m[1], 16)
            check(lo <= host_fs < lo + int(m[2], 16),
                  f'the main thread\'s TLS at {host_fs:#x}, not on the fork-hot page(s) {lo:#x}+{m[2]}')
        stack_size = 256 * 1024  # LX_THREAD_ALTSTACK_SIZE
        if altstack_len == stack_size:
            return  # no vector-state area: this CPU cannot rewrite (no XSAVEOPT)
        vmas = smaps_vmas(p.pid)
        area = [v for v in vmas if v[0] <= altstack + stack_size < v[1]]
        stack = [v for v in vmas if v[0] <= altstack < v[1]]
        check(area and area[0][0] == altstack + stack_size and 'wf' in area[0][2],
              f'vector area at {altstack + stack_size:#x}: {area}')
        check(stack and 'wf' not in stack[0][2], f'alternate stack at {altstack:#x}: {stack}')
    finally:
        p.kill()
        p.wait()


@case
def thread_stacks_kept_for_the_next_thread(e):
    """An ended guest thread's host stack and alternate stack are kept for the next
    thread (redox/spares.h): 40 threads started one after another map only a few
    of each, seen from outside with strace (mmap calls returning memory that then
    holds a clone's child stack, or that sigaltstack names).  Mapped afresh each
    time, every thread's first touches of its pages were faults (~12 us each on a
    paravirtualised VM), and each unmap in a process with threads a TLB shootdown.
    (The addresses alone would not tell: the kernel hands a freed range out again.)"""
    log = os.path.join(e.tmp, 'strace-threads')
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=mmap,clone,clone3,sigaltstack', '-e', 'signal=none', '-o', log,
              e.lxrun, e.tracee, 'threads', '40', lxrun=False)
    check(r.rc == 0, str(r))
    text = open(log).read()
    maps = [(int(a, 16), int(n)) for n, a in re.findall(r'mmap\(NULL, (\d+), [^)]*\) = (0x[0-9a-f]+)', text)]
    child_stacks = [int(a, 16) for a in re.findall(r'clone\(child_stack=(0x[0-9a-f]+)', text)]
    alt_stacks = {int(a, 16) for a in re.findall(r'sigaltstack\(\{ss_sp=(0x[0-9a-f]+)', text)}
    # 40 guest threads, perhaps lxrun's /proc answerer
    check(len(child_stacks) >= 40, f'expected 40 host threads or more\n{text}')
    host_stack_maps = sum(any(a <= c < a + n for c in child_stacks) for a, n in maps)
    alt_stack_maps = sum(a in alt_stacks for a, n in maps)
    check(1 <= host_stack_maps <= 4, f'{host_stack_maps} host thread stacks mapped for 40 threads in turn\n{text}')
    check(1 <= alt_stack_maps <= 4, f'{alt_stack_maps} alternate stacks mapped for 40 threads in turn\n{text}')


@case
def vfork_child_sigactions_take_no_trap(e):
    """In a vfork child's code (lxrun's vfork window), rt_sigaction through a
    rewritten site is served by the fast path, not bounced to the trap: python's
    subprocess resets every handler in the child, ~64 calls a spawn, each a SIGSYS
    (~2.7 us) before.  Five spawns under strace: at most a few rt_sigaction SIGSYS
    in all (the site's first traps in python's start), where there were ~317."""
    log = os.path.join(e.tmp, 'strace-sigaction')
    prog = 'import subprocess\nfor i in range(5): subprocess.run(["/bin/true"], check=True)'
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=none', '-e', 'signal=SIGSYS', '-o', log,
              e.lxrun, '/usr/bin/python3', '-c', prog, lxrun=False)
    check(r.rc == 0, str(r))
    text = open(log).read()
    traps = len(re.findall(r'si_syscall=__NR_rt_sigaction\b', text))
    spawns = len(re.findall(r'si_syscall=__NR_vfork\b|si_syscall=__NR_clone3?\b', text))
    check(spawns >= 5, f'expected five spawns through the trap, saw {spawns}')
    check(traps <= 20, f'{traps} rt_sigaction calls took the trap over five spawns')


@case
def vfork_child_sigprocmask_takes_no_trap(e):
    """In a vfork child's code, rt_sigprocmask through a rewritten site is served by
    the fast path too: dash's child sets its blocked set before each exec, and each
    of those went through the gate into the trap (a SIGSYS, and two FS switches
    where FS moves by arch_prctl).  Sixty iterations of dash's loop, with and
    without spare children: at most a few rt_sigprocmask SIGSYS in all (measured 2),
    where there was one an iteration."""
    for spare in ('no', 'auto'):
        log = os.path.join(e.tmp, f'strace-sigprocmask-{spare}')
        r = e.run(STRACE, '-f', '-qq', '-e', 'trace=none', '-e', 'signal=SIGSYS', '-o', log, e.lxrun,
                  f'--spare-child={spare}', '/bin/dash', '-c', 'for i in $(seq 60); do /bin/true; done; echo done',
                  lxrun=False)
        check(r.rc == 0 and r.out == 'done\n', str(r))
        text = open(log).read()
        traps = len(re.findall(r'si_syscall=__NR_rt_sigprocmask\b', text))
        execs = len(re.findall(r'si_syscall=__NR_execve\b', text))
        check(execs >= 60, f'expected sixty execs through the trap, saw {execs}')
        check(traps <= 10, f'{traps} rt_sigprocmask calls took the trap over sixty vfork children ({spare})')


@case
def vfork_child_sigactions_on_the_guests_fs(e):
    """The same rt_sigactions are served on the guest's FS (the window's table
    only): where FS moves by arch_prctl each cost two kernel entries.  Switches to
    lxrun's FS per spawn, from the difference between 10 and 5 spawns of python's
    subprocess.run: ~10 (the vfork, the exec, the wait, the child's SIGCHLD), where
    there were ~73."""
    def to_lxrun(n):
        log = os.path.join(e.tmp, f'strace-spawn-{n}')
        prog = f'import subprocess\nfor i in range({n}): subprocess.run(["/bin/true"], check=True)'
        r = e.run(STRACE, '-f', '-qq', '-e', 'trace=arch_prctl', '-e', 'signal=none', '-o', log, e.lxrun,
                  '--trap-fs=arch_prctl', '/usr/bin/python3', '-c', prog, lxrun=False)
        check(r.rc == 0, str(r))
        sets = re.findall(r'ARCH_SET_FS, (0x[0-9a-f]+|0)\)', open(log).read())
        return sum(v == sets[0] for v in sets)
    per_spawn = (to_lxrun(10) - to_lxrun(5)) / 5
    check(per_spawn <= 20, f'{per_spawn} switches to lxrun\'s FS per spawn')


@case
def answerer_only_for_calls_that_wait(e):
    """A process starts its /proc answering thread with its first call that waits,
    not with a write to a pipe that has room: dash forks a child for each of eight
    command substitutions, and each child writes 'hi' to its pipe and exits.  Seen
    from outside with strace, the host threads started (clone with CLONE_THREAD)
    are at most the parent's one (its read of a pipe may find it empty).  Each
    child started a thread of its own before: nine in all.  The same for readv
    and writev (musl's stdio writes with writev): `tracee vectors` writes to a
    pipe with room and reads it when it holds data, and starts no thread (one at
    its first writev before)."""
    log = os.path.join(e.tmp, 'strace-answerer')
    script = 'for i in 1 2 3 4 5 6 7 8; do x=$(echo hi); done; echo "$x"'
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=clone,clone3,fork,vfork', '-e', 'signal=none', '-o', log,
              e.lxrun, '/bin/dash', '-c', script, lxrun=False)
    check(r.rc == 0 and r.out == 'hi\n', str(r))
    text = open(log).read()
    threads = len(re.findall(r'clone3?\(.*CLONE_THREAD', text))
    forks = len(re.findall(r'clone\((?!.*CLONE_THREAD)|^\d+ +fork\(|vfork\(', text, re.M))
    check(forks >= 8, f'expected eight forks or more\n{text}')
    check(threads <= 1, f'{threads} host threads started for {forks} forks\n{text}')
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=clone,clone3', '-e', 'signal=none', '-o', log,
              e.lxrun, e.tracee, 'vectors', os.path.join(e.tmp, 'vectors.bin'), lxrun=False)
    text = open(log).read()
    check(r.rc == 0 and 'CLONE_THREAD' not in text, f'{r}\n{text}')


def host_calls(e, names, *argv):
    """The host's system calls of NAMES an lxrun run of ARGV made, by name, seen by strace."""
    log = os.path.join(e.tmp, 'strace-' + '-'.join(names))
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=' + ','.join(names), '-e', 'signal=none', '-o', log,
              e.lxrun, *argv, lxrun=False)
    check(r.rc == 0, str(r))
    text = open(log).read()
    return r, {n: len(re.findall(r'\b' + n + r'\(', text)) for n in names}, text


@case
def trapped_calls_return_without_sigreturn(e):
    """The trap's quick return (sud.c, quick_return): a trapped call that delivers
    nothing and leaves the blocked set as it was ends by the fast path's exit, not
    by the host's rt_sigreturn: with --trap=sud, `tracee sites` (800 calls from
    sites of its own) and `tracee counts` make none (803 and 14 before).  Each of
    `tracee masks`'s 10 calls changes the blocked set, which its frame applies:
    those still end by rt_sigreturn."""
    for argv, want in ((('sites',), 0), (('counts',), 0), (('masks',), 10)):
        r, n, text = host_calls(e, ['rt_sigreturn'], '--trap=sud', e.tracee, *argv)
        check(n['rt_sigreturn'] == want, f'tracee {" ".join(argv)}: {n["rt_sigreturn"]} rt_sigreturn, want {want}\n'
              f'{text[-2000:]}')


@case
def exec_asks_no_identity_of_a_file_anyone_may_run(e):
    """Whether the caller may execute a file whose three execute bits are all set
    needs no identity (geteuid, getegid: two host calls an exec of each file
    before): a shell that runs /bin/true (0755) three times asks no more than one
    that runs it once."""
    counts = []
    for script in ('/bin/true', '/bin/true; /bin/true; /bin/true'):
        r, n, text = host_calls(e, ['geteuid', 'getegid'], '/bin/sh', '-c', script)
        counts.append(n['geteuid'] + n['getegid'])
    check(counts[0] == counts[1], f'identity asked {counts[0]} times for one exec, {counts[1]} for three')


@case
def exec_reads_each_head_once(e):
    """An exec reads the first bytes of the program and of its interpreter, and
    asks each one's status, once in each process that looks at them: the look for
    a script line and the ELF check share one read, the opening's status serves
    the check and the file's name, and a process that checks the files and then
    loads them reads nothing again (the load's check takes the kept copy's record).
    So a fork+exec of /bin/true by a shell reads 2 heads, where a vfork's waiting
    child checks and loads (--spare-child=yes) as where the shell checks and its
    fork loads (--spare-child=no): the fork copies the check's first page, the
    heads with it, where lxrun's pages are pinned for forks (loader/image.c,
    rx_fork_copies; 4 without, the child finding the page zeroed); an exec in
    place (env's) 2 (each was 2 more before, the load's own read and status); and
    no fstat is asked for any of it (the name's lookup asked the status again:
    env /bin/true made 20)."""
    def counts(*argv):
        r, n, text = host_calls(e, ['pread64', 'fstat'], *argv)
        return len(re.findall(r'pread64\(\d+, .*, (?:256|1024), 0\) = ', text)), n['fstat'], text
    for spare, per_exec in (('yes', 2), ('no', 2 if pins_possible() else 4)):
        one, fstat_one, _ = counts(f'--spare-child={spare}', '/bin/sh', '-c', '/bin/true')
        three, fstat_three, text = counts(f'--spare-child={spare}', '/bin/sh', '-c', '/bin/true; /bin/true; /bin/true')
        check(three - one == 2 * per_exec, f'--spare-child={spare}: head reads {one} for one fork+exec, {three} for '
              f'three (want {2 * per_exec} more)\n{text[-3000:]}')
        check(fstat_three == fstat_one, f'--spare-child={spare}: fstat {fstat_one} for one, {fstat_three} for three')
    one, fstat_one, _ = counts('/usr/bin/env', '/bin/true')
    two, fstat_two, text = counts('/usr/bin/env', '/usr/bin/env', '/bin/true')
    check(two - one == 2, f'env: head reads {one} with one exec in place, {two} with two (want 2 more)\n{text[-3000:]}')
    check(fstat_two == fstat_one <= 1, f'env: fstat {fstat_one} with one exec in place, {fstat_two} with two')


@case
def process_name_on_the_guests_fs(e):
    """prctl's PR_SET_NAME and PR_GET_NAME (glibc's start and busybox ask the name of
    every program) are served on the guest's FS: `tracee names 10` switches to
    lxrun's FS only at start-up and for the exit (each prctl
    switched there and back before)."""
    to_lxrun, to_guest, gs, text = host_fs_calls(e, 'arch_prctl', tracee_mode='names 10')
    check((to_lxrun, to_guest, gs) == (1 + 1, 1 + 1, 2),
          f'arch_prctl path, names: {to_lxrun} to lxrun, {to_guest} to the guest, {gs} ARCH_SET_GS\n{text}')


@case
def system_facts_asked_only_when_needed(e):
    """A path through /proc asks the host nothing of the system: the CPU count is
    asked only for a path that names a CPU (each /proc lookup asked uname, sysinfo
    and sched_getaffinity before, to count the CPUs: glibc's static start reads
    /proc/self/exe); uname asks only the names, not the memory and the CPUs too."""
    names = ('uname', 'sysinfo', 'sched_getaffinity')
    r, n, text = host_calls(e, names, '/bin/readlink', '/proc/self/exe')
    check(r.out == '/usr/bin/readlink\n' and n == dict.fromkeys(names, 0), f'readlink /proc/self/exe: {n}\n{r}\n{text}')
    r, n, text = host_calls(e, names, '/bin/uname', '-r')
    check(r.out == os.uname().release + '\n' and n['uname'] >= 1 and n['sysinfo'] == 0 and n['sched_getaffinity'] == 0,
          f'uname -r: {n}\n{r}\n{text}')


@case
def vfork_window_leaves_the_guest_out_once(e):
    """The vfork window's fork leaves the guest's mappings out of the child
    (MADV_DONTFORK) and they stay out until a fork that copies them: a shell's loop
    of vfork+exec advises what is new only.  dash running /bin/true 4 and 12 times
    makes as many of those madvise calls, give or take the one or two that where
    the mappings happen to lie decides (12 an iteration before, out and in again
    around each fork: 96 more); procs.c's fork_after_vfork_exec checks what a later
    fork's child has."""
    def advised(times):
        log = os.path.join(e.tmp, f'strace-madvise-{times}')
        r = e.run(STRACE, '-f', '-qq', '-e', 'trace=madvise', '-e', 'signal=none', '-o', log, e.lxrun,
                  '/bin/dash', '-c', f'i=0; while [ $i -lt {times} ]; do /bin/true; i=$((i+1)); done', lxrun=False)
        check(r.rc == 0, str(r))
        text = open(log).read()
        return len(re.findall(r'MADV_(?:DONT|DO)FORK', text)), text
    few, text_few = advised(4)
    many, text_many = advised(12)
    check(0 < few and abs(many - few) <= 2, f'{few} fork advice for 4 iterations, {many} for 12\n{text_many}')


@case
def ids_served_from_what_was_asked(e):
    """getuid, geteuid, getgid, getegid and access() answer from the ids the
    process asked for once (again after a set*id call: guest ids tests), not a
    host call each: python3 asking all four and access("/") 50 times makes as many
    host calls of them as 5 times does (lxrun's own start-up asks a few), and
    prints the ids the system has."""
    names = ('getuid', 'geteuid', 'getgid', 'getegid')
    def calls(rounds):
        script = (f'import os\nfor i in range({rounds}): ids = (os.getuid(), os.geteuid(), os.getgid(), '
                  'os.getegid()); os.access("/", os.R_OK)\nprint(*ids)')
        r, n, text = host_calls(e, names, '/usr/bin/python3', '-c', script)
        want = f'{os.getuid()} {os.geteuid()} {os.getgid()} {os.getegid()}\n'
        check(r.out == want, f'printed {r.out!r}, want {want!r}\n{text}')
        return n, text
    few, _ = calls(5)
    many, text = calls(50)
    check(many == few, f'5 rounds: {few}, 50 rounds: {many}\n{text}')


def socketpairs(e, *argv):
    """The socket pairs lxrun made running ARGV (strace -f): how many, and the log."""
    log = os.path.join(e.tmp, 'strace-socketpair')
    r = e.run(STRACE, '-f', '-qq', '-e', 'trace=socketpair', '-e', 'signal=none', '-o', log,
              e.lxrun, *argv, lxrun=False)
    check(r.rc == 0, str(r))
    text = open(log).read()
    return len(re.findall(r'socketpair\(', text)), text


@case
def vfork_exec_parent_goes_on(e):
    """The window's fork that execs (dash's vfork, /bin/true) tells the parent nothing:
    its vectors were made before the fork, so nothing fails before the exec's point
    of no return, and the parent's vfork returns at once, where it waited on a
    socket pair for the child to get there (the child's wake-up of it cost ~95 us).
    Without spares (--spare-child=no), dash running /bin/true 4 times makes no
    socketpair (4 before); with them, one per spare, each made after a child took
    its exec (vfork_spare.c), none at a vfork.  python's subprocess, whose child
    calls close_range first, still has its waiting child and the child's socket
    pair."""
    loop = ['/bin/dash', '-c', 'i=0; while [ $i -lt 4 ]; do /bin/true; i=$((i+1)); done']
    n, text = socketpairs(e, '--spare-child=no', *loop)
    check(n == 0, f'{n} socketpairs for 4 vfork+exec\n{text}')
    n, text = socketpairs(e, '--spare-child=yes', *loop)
    check(n == 4, f'{n} socketpairs for 4 vfork+exec with spares (one each, made after the exec)\n{text}')
    # python's subprocess: close_range and the like in the child first, a waiting child
    n, text = socketpairs(e, '/usr/bin/python3', '-c', 'import subprocess; subprocess.run(["/bin/true"], check=True)')
    check(n >= 1, f'{n} socketpairs where the child made calls of its own first\n{text}')


@case
def spare_child_auto_on_a_busy_system(e):
    """--spare-child=auto (the default) makes a spare only while the system has a
    CPU free for it (vfork_spare.c, rx_cpu_free: /proc/loadavg's runnable count
    against the CPUs lxrun may use): beside one CPU-bound process per CPU and one
    more, dash running /bin/true 4 times makes no socketpair (no spare), where
    --spare-child=yes under the same load makes 4.  (An idle system is not one a
    test can count on: that side is the yes runs of the spare cases.)  The count
    is read from one handle kept open: /proc/loadavg opened once for the loop's
    four looks (an open, a read and a close each before)."""
    loop = ['/bin/dash', '-c', 'i=0; while [ $i -lt 4 ]; do /bin/true; i=$((i+1)); done']
    hogs = [subprocess.Popen(['/bin/sh', '-c', 'while :; do :; done']) for _ in range(len(os.sched_getaffinity(0)) + 1)]
    try:
        time.sleep(0.2)
        n, text = socketpairs(e, *loop)
        check(n == 0, f'{n} socketpairs (spares) with every CPU busy, auto\n{text}')
        n, text = socketpairs(e, '--spare-child=yes', *loop)
        check(n == 4, f'{n} socketpairs with every CPU busy, yes\n{text}')
        r, _, text = host_calls(e, ['open', 'openat', 'pread64'], *loop)
        opens = len(re.findall(r'open(?:at)?\(.*"/proc/loadavg"', text))
        check(opens == 1, f'/proc/loadavg opened {opens} times for four looks\n{text[-3000:]}')
    finally:
        for h in hogs:
            h.kill()
            h.wait()


SPARE_WAITS = r'''
import os, sys, time
def spawn(*argv):
    return os.posix_spawn(argv[0], list(argv), {})
# the first spawn's exec leaves a spare made ahead (vfork_spare.c)
os.waitpid(spawn('/bin/true'), 0)
print('pid', os.getpid(), flush=True)
sys.stdin.readline()  # the harness looks at the host's list of children meanwhile
for wait in (os.wait, lambda: os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG)):
    try:
        print('waited', wait())
    except ChildProcessError:
        print('ECHILD')
kids = {spawn('/bin/true'), spawn('/bin/sh', '-c', 'exit 3')}
reaped = {}
while True:
    try:
        pid, status = os.wait()
    except ChildProcessError:
        break
    reaped[pid] = os.waitstatus_to_exitcode(status)
print('reaped', sorted(reaped.values()), set(reaped) == kids)
'''


@case
def spare_child_is_no_child_of_the_guest(e):
    """With --spare-child=yes, after a vfork child's exec lxrun makes the next one
    ahead (vfork_spare.c):
    a process the host shows as a child (seen from outside: one more than
    natively), which the guest must not see: a wait for any child answers ECHILD
    (blocking or WNOHANG) instead of waiting on it, and a wait loop reaps exactly
    the two children spawned next, with their statuses.  The
    same script natively prints the same; with --spare-child=no the host shows no
    extra child."""
    outs = {}
    for name, argv, extra in (('native', [], 0), ('lxrun', [e.lxrun, '--spare-child=yes'], 1),
                              ('no spare', [e.lxrun, '--spare-child=no'], 0)):
        p = subprocess.Popen(argv + ['/usr/bin/python3', '-c', SPARE_WAITS], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=e.tmp)
        try:
            first = p.stdout.readline().split()
            check(first[:1] == ['pid'], f'{name}: {first}')
            pid = int(first[1])
            with open(f'/proc/{pid}/task/{pid}/children') as f:
                host_children = f.read().split()
            check(len(host_children) == extra, f'{name}: the host shows children {host_children}, want {extra}')
            out, err = p.communicate('go\n', timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            check(False, f'{name}: a wait hung (the spare waited on?)')
        check(p.returncode == 0, f'{name}: exit {p.returncode}\n{err}')
        outs[name] = out
    check('ECHILD\nECHILD\nreaped [0, 3] True\n' == outs['native'], f'native: {outs["native"]!r}')
    for name in ('lxrun', 'no spare'):
        check(outs[name] == outs['native'], f'{name}: {outs[name]!r}, natively {outs["native"]!r}')


SPARE_STATE = (
    '/bin/true; '
    'cd /tmp && /bin/pwd; '                          # cwd changed after the spare was made
    'umask 027; /bin/sh -c umask; '                  # umask
    'ulimit -n 100; /bin/sh -c "ulimit -n"; '        # a limit
    'exec 5</etc/hostname; /usr/bin/readlink /proc/self/fd/5; '  # an fd opened after it
    '/bin/echo hi | /usr/bin/tr a-z A-Z; '           # a pipe: the reader sees its end
    '/usr/bin/python3 -c "import os; print(os.getpgrp() == os.getpgid(os.getppid()), os.getppid() == $$)"; '
    'echo done')


@case
def spare_child_takes_the_parents_state(e):
    """A spare made ahead is a copy of the shell from before its last command; the
    child it becomes must have the shell's state as it is at the vfork: a cwd, umask
    and limit changed since (FORKSTATE calls make the spare go), an fd opened
    since (the guest's fds come over as it is taken), a pipe whose reader sees its
    end (the spare holds none of the guest's fds while it waits), the shell's
    process group and pid as its parent's.  dash's output under lxrun (with and
    without spares) is the same as natively."""
    native = e.run('/bin/dash', '-c', SPARE_STATE, lxrun=False)
    check(native.rc == 0 and native.out.endswith('done\n'), str(native))
    for opts in (['--spare-child=yes'], ['--spare-child=no']):
        r = e.run(*opts, '/bin/dash', '-c', SPARE_STATE)
        check(r.rc == 0 and r.out == native.out, f'{opts}: {r}\nnatively:\n{native.out}')


SPARE_CLOEXEC = r'''
import fcntl, os
low = os.open('/etc/hostname', os.O_RDONLY)
src = fcntl.fcntl(low, fcntl.F_DUPFD_CLOEXEC, 50)
os.close(low)
for fd, inheritable in ((3, False), (4, True), (7, False), (9, True)):
    os.dup2(src, fd, inheritable=inheritable)
os.close(src)
for _ in range(3):  # the first spawn makes the spare, the next ones take it
    os.waitpid(os.posix_spawn('/bin/ls', ['ls', '/proc/self/fd'], os.environ), 0)
'''


@case
def spare_child_keeps_close_on_exec(e):
    """The guest's fds come to a spare at the lowest free numbers and are placed
    from there (fds_place): some where they came (3, 4), some moved (7, 9).  Each
    keeps its close-on-exec flag, in place or moved: the program the child execs
    lists the same fds as natively (4 and 9 inherited, 3 and 7 not), with and
    without spares."""
    native = e.run('/usr/bin/python3', '-c', SPARE_CLOEXEC, lxrun=False)
    check(native.rc == 0 and native.out.split().count('4') == 3 and '7' not in native.out.split(), str(native))
    for opts in (['--spare-child=yes'], ['--spare-child=no']):
        r = e.run(*opts, '/usr/bin/python3', '-c', SPARE_CLOEXEC)
        check(r.rc == 0 and r.out == native.out, f'{opts}: {r}\nnatively:\n{native.out}')


@case
def spare_child_exec_knows_its_fds(e):
    """A spare's exec closes the close-on-exec fds it was given without looking at
    the system's table (vfork_spare.c: sh's loop of /bin/true, under strace, polls
    the fd table only in the shell's own process, where the spare is taken, and in
    its first child, made at the vfork; before, each child polled it at its exec
    too), unless a call between the vfork
    and the exec may have changed its fds: a vfork child that makes a close-on-exec
    copy (21) and a plain one (22) of fd 0 before it execs ls lists its fds as
    natively, spare taken or not (without that rule the close-on-exec copy was left
    open in the second and third child)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src', 'vfork_cloexec.c')
    prog = os.path.join(e.tmp, 'vfork_cloexec')
    cc = subprocess.run(['gcc', '-O1', '-o', prog, src], capture_output=True, text=True)
    check(cc.returncode == 0, cc.stderr)
    native = e.run(prog, lxrun=False)
    check(native.rc == 0 and native.out.count('--') == 3 and '21' not in native.out.split(), str(native))
    for opts in (['--spare-child=yes'], ['--spare-child=no']):
        r = e.run(*opts, prog)
        check(r.rc == 0 and r.out == native.out, f'{opts}: {r}\nnatively:\n{native.out}')
    log = os.path.join(e.tmp, 'polls.log')
    r = e.run(STRACE, '-f', '-o', log, '-e', 'trace=poll', e.lxrun, '--spare-child=yes', '/bin/sh', '-c',
              f'{TRUE}; {TRUE}; {TRUE}; {TRUE}; echo done', lxrun=False)
    check(r.rc == 0 and r.out == 'done\n', str(r))
    polls = collections.Counter()
    with open(log) as f:
        for line in f:
            w = line.split(None, 1)
            if len(w) == 2 and w[1].startswith('poll([{fd=0,'):
                polls[int(w[0])] += 1
    with open(log) as f:
        pids = sorted({int(l.split(None, 1)[0]) for l in f if l[:1].isdigit()})
    shell, first = pids[0], pids[1]  # the first child is made at the vfork: no spare yet
    check(polls[shell] >= 3 and sum(n for p, n in polls.items() if p not in (shell, first)) == 0,
          f'polls of the fd table by process (the shell {shell}, its first child {first}): {dict(polls)}')


@case
def spare_child_takes_its_exec_without_the_heap(e):
    """A spare child waits for its exec and takes the request (recvmsg, the
    guest's fds with it) without a heap allocation: it was forked from a process
    whose heap was never used, and its first allocation made malloc's first
    mapping (brk tried twice, a mapping, a protection change, a group mapped and
    unmapped: six calls and five page faults an exec in a shell's loop).  Under
    strace, each child that takes a request makes no brk, mmap, munmap or
    mprotect call before its recvmsg has returned."""
    log = os.path.join(e.tmp, 'spares.log')
    r = e.run(STRACE, '-f', '-o', log, e.lxrun, '--spare-child=yes', '/bin/sh', '-c', f'{TRUE}; {TRUE}; {TRUE}; {TRUE}; echo done',
              lxrun=False)
    check(r.rc == 0 and r.out == 'done\n', str(r))
    calls, taken, bad = collections.defaultdict(list), set(), []
    with open(log) as f:
        for line in f:
            w = line.split(None, 1)
            if len(w) == 2 and w[0].isdigit():
                calls[int(w[0])].append(w[1])
    shell = min(calls)  # lxrun's own process, the shell's: not a spare
    for pid, lines in calls.items():
        before = []
        for body in lines if pid != shell else ():
            if body.startswith('recvmsg(') or body.startswith('<... recvmsg resumed>'):
                if '<unfinished' not in body:
                    taken.add(pid)
                    bad += before
                    break
            elif re.match(r'(brk|mmap|munmap|mprotect)\(', body):
                before.append(f'{pid}: {body.rstrip()}')
    check(len(taken) >= 2, f'no spare took an exec: processes {sorted(calls)}')
    check(not bad, 'before taking the request:\n' + '\n'.join(bad))


@case
def mapping_changes_under_readers(e):
    """Threads that map, protect and unmap without a pause while others read into
    their stacks and lstat a path (tests/trap/src/map_churn.c): every read and
    lstat right, no hang, with the trap's both ways.  The guest-pointer checks
    read the mapping table under its sequence count and sleep on it when a change
    lasts (guestmem/vma.c): a build whose writers did not wake them hung here on
    every run."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src', 'map_churn.c')
    prog = os.path.join(e.tmp, 'map_churn')
    cc = subprocess.run(['gcc', '-O1', '-pthread', '-o', prog, src], capture_output=True, text=True)
    check(cc.returncode == 0, cc.stderr)
    want = '20000\n' * 3
    native = e.run(prog, lxrun=False)
    check(native.rc == 0 and native.out == want, str(native))
    for opts in ([], ['--trap=sud']):
        r = e.run(*opts, prog)
        check(r.rc == 0 and r.out == want, f'{opts}: {r}')


INHERIT_LAUNCH = r'''
import os, sys
spec, argv = sys.argv[1], sys.argv[2:]
for item in filter(None, spec.split(',')):
    kind, at = item.split(':')
    fd = os.open('/' if kind == 'path' else '/etc/hostname', os.O_PATH if kind == 'path' else os.O_RDONLY)
    os.dup2(fd, int(at), inheritable=True)
    os.close(fd)
os.execv(argv[0], argv)
'''

INHERIT_GUEST = r'''
import os, sys, fcntl, stat
for fd in map(int, sys.argv[1:]):
    st = os.fstat(fd)
    print(fd, 'directory' if stat.S_ISDIR(st.st_mode) else os.pread(fd, 64, 0))
    fcntl.fcntl(fd, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
sys.stdout.flush()
os.execv('/bin/ls', ['ls', '/proc/self/fd'])
'''


@case
def inherited_fds_found_as_listed(e):
    """lxrun learns the fds it was started with from /proc/self/fd's size and a
    poll when those agree (host-linux.c, fds_counted_by_poll), from the listing
    when they do not: a plain fd above its usual floor (300) and an O_PATH one
    (40, which poll answers as closed).  The program reads each (lxrun's own fds
    go above them) and execs ls after marking them close-on-exec: ls lists the
    fds natively listed.  A build that took the poll's answer alone kept the O_PATH
    fd open across the exec (its close-on-exec pass then polls too)."""
    for spec in ('file:7', 'file:7,file:300', 'file:7,path:40', 'path:40,file:300'):
        fds = [item.split(':')[1] for item in spec.split(',')]
        guest = ['/usr/bin/python3', '-c', INHERIT_GUEST, *fds]
        native = e.run('/usr/bin/python3', '-c', INHERIT_LAUNCH, spec, *guest, lxrun=False)
        check(native.rc == 0 and native.out.endswith('\n0\n1\n2\n3\n'), f'{spec}: {native}')
        r = e.run('/usr/bin/python3', '-c', INHERIT_LAUNCH, spec, e.lxrun, *guest, lxrun=False)
        check(r.rc == 0 and r.out == native.out, f'{spec}: {r}\nnatively:\n{native.out}')


SPARE_FLOOR = r'''
import os, sys
os.waitpid(os.posix_spawn('/bin/true', ['true'], {}), 0)  # a spare is made
fds = [os.open('/etc/hostname', os.O_RDONLY) for _ in range(300)]  # lxrun's fd floor rises past 256
os.set_inheritable(fds[-1], True)
for fd in fds[:-1]:
    os.close(fd)  # few enough to go to a spare; the floor stays where it rose
pid = os.posix_spawn('/bin/sh', ['sh', '-c', f'readlink /proc/self/fd/{fds[-1]}; echo $?'], {})
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
'''


@case
def spare_child_after_the_fd_floor_rose(e):
    """A spare made before the guest's fds reached lxrun's floor (fd_reserve.h)
    keeps its own fds where the guest's now go: it is dropped, and the child made
    instead inherits the last one opened, as natively."""
    native = e.run('/usr/bin/python3', '-c', SPARE_FLOOR, lxrun=False)
    check(native.rc == 0 and native.out == '/etc/hostname\n0\n0\n', str(native))
    r = e.run('--spare-child=yes', '/usr/bin/python3', '-c', SPARE_FLOOR)
    check(r.rc == 0 and r.out == native.out, f'{r}\nnatively:\n{native.out}')


@case
def spare_child_reaped_as_its_parent_exits(e):
    """A shell that exits with a spare made (dash after two commands) kills and
    reaps it first: nothing of the run is left for init.  Seen as a subreaper (the
    test takes PR_SET_CHILD_SUBREAPER): after lxrun ended, no orphan of its comes
    to the test to be reaped.  Before, the spare died with its parent
    (PR_SET_PDEATHSIG) and its zombie waited for a reaper: a container's init
    never reaped them, and LTP's runner waited a second a test for them."""
    libc = ctypes.CDLL(None, use_errno=True)
    check(libc.prctl(36, 1, 0, 0, 0) == 0, f'PR_SET_CHILD_SUBREAPER: errno {ctypes.get_errno()}')
    r = e.run('--spare-child=yes', '/bin/dash', '-c', '/bin/true; /bin/true; /bin/true')
    check(r.rc == 0, str(r))
    time.sleep(0.3)
    orphans = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            orphans.append('one still running')
            break
        orphans.append(f'{pid} ended with {status:#x}')
    check(not orphans, f'processes of the run left to a reaper: {orphans}')


@case
def spare_child_dies_with_its_parent_not_after(e):
    """The spare dies with its parent (PR_SET_PDEATHSIG): no process of the run is
    left once lxrun has ended.  A spare taken no longer does: a child spawned last
    by a parent that exits at once still runs to its end (it writes a file 0.5 s
    later)."""
    mark = os.path.join(e.tmp, 'alive')
    code = ('import os; os.waitpid(os.posix_spawn("/bin/true", ["true"], {}), 0); '
            f'os.posix_spawn("/bin/sh", ["sh", "-c", "sleep 0.5; echo yes > {mark}"], {{}})')
    tag = os.path.join(e.tmp, 'spare-tag')
    os.symlink(e.lxrun, tag)  # the host's command lines of the run name this path
    r = Run([tag, '--spare-child=yes', '/usr/bin/python3', '-c', code], e.tmp, BASE_ENV)
    check(r.rc == 0, str(r))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not os.path.exists(mark):
        time.sleep(0.05)
    check(os.path.exists(mark) and open(mark).read() == 'yes\n', 'the last child was killed with its parent')
    time.sleep(0.2)
    left = subprocess.run(['pgrep', '-f', tag], capture_output=True, text=True).stdout.split()
    check(not left, f'processes of the run left after it: {left}')


@case
def exec_forgets_the_robust_list(e):
    """An exec in place tells the system to forget the old program's robust-lock
    list, as Linux's exec does (exec_mm_release): its head lies in memory the exec
    unmaps, and when the process ends the system walks whatever is at that address
    then, marking "owner died" in words it takes for locks.  dash (glibc registers
    a list as it starts) execs the musl tracee (which registers none): seen from
    outside with get_robust_list, the process has no head.  lxrun asked with a
    length of 0 before, which the system refuses (EINVAL), so dash's head stayed."""
    p = subprocess.Popen([e.lxrun, '/bin/sh', '-c', f'echo ready; exec {e.tracee} pause'], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, cwd=e.tmp, env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the guest did not start')
        for _ in range(200):  # until the tracee waits in its read of fd 0
            with open(f'/proc/{p.pid}/syscall') as f:
                if f.read().startswith('0 0x0 '):
                    break
            time.sleep(0.01)
        else:
            check(False, 'the tracee never waited in its read')
        libc = ctypes.CDLL(None, use_errno=True)
        head, size = ctypes.c_void_p(), ctypes.c_size_t()
        SYS_get_robust_list = 274
        r = libc.syscall(SYS_get_robust_list, p.pid, ctypes.byref(head), ctypes.byref(size))
        check(r == 0, f'get_robust_list: errno {ctypes.get_errno()}')
        check(not head.value, f'the exec left the old program\'s robust list head {head.value or 0:#x} set')
    finally:
        p.stdin.close()
        p.wait()


@case
def fork_exec_child_reads_few_pages(e):
    """A shell's fork+exec child touches few pages of lxrun's writable segment: on a
    paravirtualised VM each page a fork shared costs the child ~6 us at its first
    read (the hypervisor fills its tables) and ~16 us at its first write.  The
    test instrument build/lxrun-touchtrace (redox/touch_trace.c) reports each
    first touch; dash runs /bin/true three times, and the third child is counted
    (the shell's builtin echo to stderr marks where each child's report ends), as a
    shell's loop runs once the session has planted ld.so (trap/plant_cache.c: its
    call sites and CPUID detours are then mapped from the session's copy; the first
    exec plants and keeps them, 16 pages / 8 written, 19 / 11 with CPUIDs served).
    12 pages, whether CPUIDs are served or not: the fork-hot page, the page after
    it with what a child reads at each exec (RX_EXEC_READ), the process record's
    two pages, the exec request, the loader's start record, the vfork window's
    dispositions, the dispatch's two table pages, guestmem's first tables, the
    trampoline chunks' list, the page with the text lock; 5 of them written.
    Before the interpreter was planted, 10 and 4 with CPUIDs kept, 12 and 6 served
    (and 18 before the variables a child reads at each exec were gathered and
    dispatch read the table's hot view).  The fork made at the vfork, as without a
    spare (--spare-child=no): the instrument's faults need signals a waiting spare
    blocks.  The fewest of three runs: a run now and then crosses the rewrite
    threshold (trap/rewrite.c, REWRITE_AFTER) and rewrites more."""
    tool = os.path.join(os.path.dirname(os.path.realpath(e.lxrun)), 'lxrun-touchtrace')
    check(os.access(tool, os.X_OK), f'no {tool}')
    for cpuid, most, most_written in (('native', 12, 5), ('serve', 12, 5)):
        runs = []
        for _ in range(3):
            r = e.run(tool, '--spare-child=no', f'--cpuid={cpuid}', '/bin/sh', '-c',
                      '/bin/true; echo mark >&2; /bin/true; echo mark >&2; /bin/true; echo done', lxrun=False)
            check(r.rc == 0 and r.out == 'done\n', str(r))
            third = r.err.split('mark\n')
            check(len(third) == 3, f'no two marks:\n{r}')
            touches = re.findall(r'^lxrun-touch ([RW]) ([0-9a-f]+) ([0-9a-f]+)$', third[2], re.M)
            check(touches, f'no touch reported:\n{r}')
            pages = {int(p, 16) for _, p, _ in touches}
            writes = {int(p, 16) for k, p, _ in touches if k == 'W'}
            runs.append((len(pages), len(writes), '\n'.join(' '.join(t) for t in touches)))
        npages, nwrites, listing = min(runs)
        check(npages <= most, f'--cpuid={cpuid}: {npages} pages touched (want {most} at most):\n{listing}')
        check(nwrites <= most_written,
              f'--cpuid={cpuid}: {nwrites} pages written (want {most_written} at most):\n{listing}')


def faults_per_fork(e, lxrun, prefix=(), env=None):
    """Minor faults a fork and its child's exit cost, parent and child together:
    `tracee forks 201` against `tracee forks 1`, from this process's children's
    usage (whole process trees: lxrun's children are counted as they are reaped).
    prefix: a command lxrun runs under (and its options after it)."""
    def faults(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
        r = e.run(*prefix, *([e.lxrun] if lxrun else []), e.tracee, 'forks', str(n), lxrun=False, env=env)
        check(r.rc == 0 and r.out == e.run(e.tracee, 'forks', str(n), lxrun=False).out, str(r))
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before
    return min((faults(201) - faults(1)) / 200 for _ in range(2))


def pins_possible():
    """Whether this system lets a process make an io_uring (the pins' holder)."""
    try:
        with open('/proc/sys/kernel/io_uring_disabled') as f:
            return f.read().strip() == '0'
    except OSError:
        return True


@case
def fork_without_pins(e):
    """Where lxrun cannot pin its pages for forks (redox/host-linux-fork-pins.c) --
    here an unprivileged user whose RLIMIT_MEMLOCK is 0, so that io_uring refuses
    the buffers -- forks share them copy-on-write as before: the tracee's forks
    print what they print natively, and cost the faults the pins save (measured:
    7.1 faults a fork against 3.1 with the pins, the same user with its usual
    RLIMIT_MEMLOCK), which shows the pins are what saves them."""
    prefix = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'prlimit', '--memlock=0:0']
    env = {'LXRUN_CACHE': 'off'}  # the user owns no cache directory here
    unpinned = faults_per_fork(e, True, prefix, env)
    pinned = faults_per_fork(e, True, prefix[:4], env)  # the same user, its usual RLIMIT_MEMLOCK
    check(unpinned - pinned >= 2 or not pins_possible(), f'{unpinned:.2f} faults a fork without the pins, {pinned:.2f} with them')


@case
def fork_copies_few_pages(e):
    """A fork whose child ends at once costs lxrun few page faults beyond the
    program's own: each page the fork shared and either side then writes is a
    fault and a copy (on a paravirtualised VM ~16 us).  lxrun's own pages that
    both sides write -- the trap's frames on the alternate stack (the fork is
    served in the SIGSYS handler), the fork-hot page (RX_FORK_HOT), the process
    record -- are pinned (redox/host-linux-fork-pins.c), so the fork copies them
    into the child and leaves the parent's writable: measured with the musl tracee
    natively (2 faults a fork) and under lxrun: 1.05 more (the child's first read
    of the shared process table), 5.1 more without the pins, 7 before the
    fork-hot page.  Where the system refuses io_uring (kernel.io_uring_disabled),
    the pre-pin bound."""
    most = 2 if pins_possible() else 6
    native, under = faults_per_fork(e, False), faults_per_fork(e, True)
    check(under - native <= most, f'{under:.2f} faults a fork under lxrun, {native:.2f} natively: '
                                  f'{under - native:.2f} more (want {most} at most)')


@case
def session_memory_is_one_mapping(e):
    """lxrun's memory the session's processes share (the backend's name cache,
    the CPUID answers, the known call sites) is one host mapping, carved, not one
    each: every mapping a process has is copied at each of its forks and unmapped
    at its exit (busybox sh's lxrun had 32 mappings, now 30).  Seen in the maps of
    a shell's lxrun waiting on its input after running a child: one shared
    mapping besides the process table's memfd (3 before), which is laid right
    after it, in the session's room (rx_session_room; the room's rest given
    back).  (The learned file, mapped over the session's kept part, counts as the
    session's.)"""
    p = subprocess.Popen([e.lxrun, '/bin/dash', '-c', '/bin/true; echo ready; read x'], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, cwd=e.tmp, env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the shell did not get to its read')
        with open(f'/proc/{p.pid}/maps') as f:
            shared = [l for l in f if l.split()[1].endswith('s')]
    finally:
        p.stdin.close()
        p.wait()
    table = [l for l in shared if '/memfd:lxrun-ptable' in l]
    rest = [l for l in shared if l not in table]
    check(len(rest) == 1 and len(table) == 1,
          f'{len(rest)} shared mappings besides the process table:\n{"".join(shared)}')
    check(rest[0].split()[0].split('-')[1] == table[0].split()[0].split('-')[0],
          f'the process table does not follow the session\'s memory:\n{"".join(shared)}')


@case
def program_stack_shares_the_session_range(e):
    """A program's stack is mapped right below the session's memory (rx_stack_home),
    whose busy first pages (the learned file's kept part, the process table's
    head in the room after it) start half a 2 MiB page-table range in: the
    stack's top and those pages then share one range, where the stack took a
    range of its own -- on a paravirtualised VM each range a process first
    touches costs a page-table page, ~100 us at the stack's first write in every
    fork+exec child of a shell's loop.  The stack is mapped growing down, so the
    system's gap below it keeps the libraries mapped next from straddling a range.
    Seen in the maps of dash under lxrun, as first loaded and after an exec in
    place: the stack's end is the session's start, one range holds the stack's
    top page and the process table's first page, and libc lies in one range."""
    def layout(script):
        p = subprocess.Popen([e.lxrun, '/bin/dash', '-c', script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             cwd=e.tmp, env=BASE_ENV, text=True)
        try:
            check(p.stdout.readline().strip() == 'ready', 'the shell did not get to its read')
            with open(f'/proc/{p.pid}/maps') as f:
                maps = [l.split() for l in f]
            with open(f'/proc/{p.pid}/pagemap', 'rb') as f:
                def present(lo, hi):
                    f.seek(lo // 4096 * 8)
                    words = f.read((hi - lo) // 4096 * 8)
                    return [lo + i * 4096 for i in range(len(words) // 8)
                            if int.from_bytes(words[i * 8:i * 8 + 8], 'little') >> 63]
                spans = [(int(m[0].split('-')[0], 16), int(m[0].split('-')[1], 16), m[1], m[5] if len(m) > 5 else '')
                         for m in maps]
                # libc's mappings and what lies between (its text may be the session's copy)
                ends = [x for lo, hi, _, name in spans if 'libc.so' in name for x in (lo, hi)]
                libc = [pg for lo, hi, _, _ in spans if ends and lo >= min(ends) and hi <= max(ends)
                        for pg in present(lo, hi)]
        finally:
            p.stdin.close()
            p.wait()
        table = [lo for lo, hi, _, name in spans if 'lxrun-ptable' in name]
        listing = '\n'.join(' '.join(m) for m in maps)
        check(len(table) == 1, f'no process table mapped:\n{listing}')
        # the session's shared memory (its stored pages, a library's text among them, are mapped privately)
        session_lo = min(lo for lo, hi, prot, name in spans
                         if ('lxrun-session' in name or '/learned-' in name) and prot.endswith('s'))
        stack = [(lo, hi) for lo, hi, prot, name in spans if hi == session_lo and prot == 'rw-p' and not name]
        check(stack and stack[0][1] - stack[0][0] == 8 << 20,
              f'no 8 MiB stack ends at the session\'s start {session_lo:x}:\n{listing}')
        check((stack[0][1] - 4096) >> 21 == table[0] >> 21,
              f'the stack\'s top {stack[0][1]:x} and the process table {table[0]:x} are in two 2 MiB ranges')
        check(libc and len({pg >> 21 for pg in libc}) == 1,
              f'libc\'s pages lie in {len({pg >> 21 for pg in libc})} 2 MiB ranges')
    layout('echo ready; read x')
    layout('exec /bin/dash -c "echo ready; read x"')


@case
def rewritten_text_keeps_no_anonymous_page(e):
    """A large program's rewritten text pages are mapped anew from lxrun's store
    of rewritten pages (rx_poke_page), not copied into anonymous memory: with one
    anonymous page in its text mapping, each fork copied all the mapping's
    present page-table entries and the child's exec zapped them (busybox sh:
    239 a fork).  busybox sh (1.5 MiB of text, static: its CPUID sites and its
    syscall sites in its own text) runs a loop of forks and execs, then a
    subshell -- a forked child placing pages of its own -- that makes new calls
    past the rewriting threshold, then more forks; its output is checked, and
    its text mapping, seen from outside, holds no anonymous page while pages of
    the store are mapped (the previous build: 8 KiB anonymous, none placed)."""
    script = ('i=0; while [ $i -lt 200 ]; do /bin/busybox true; i=$((i+1)); done\n'
              '( j=0; while [ $j -lt 200 ]; do printf "%s\\n" $j > /dev/null; umask 022; j=$((j+1)); done;'
              ' echo child $j )\n'
              'k=0; while [ $k -lt 100 ]; do /bin/busybox true; cd /; k=$((k+1)); done\n'
              'echo parent $k; echo ready; read x\n')
    p = subprocess.Popen([e.lxrun, '/bin/busybox', 'sh', '-c', script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         cwd=e.tmp, env=BASE_ENV, text=True)
    try:
        out = [p.stdout.readline() for _ in range(3)]
        check(out == ['child 200\n', 'parent 100\n', 'ready\n'], f'output {out}')
        anon, placed, cur = 0, 0, None
        with open(f'/proc/{p.pid}/smaps') as f:
            for line in f:
                w = line.split()
                if w and re.match(r'^[0-9a-f]+-[0-9a-f]+$', w[0]):
                    cur = (w[1], w[5] if len(w) > 5 else '')
                    placed += cur[0] == 'r-xp' and ('lxrun-text' in cur[1] or 'lxrun-session' in cur[1])
                elif w and w[0] == 'Anonymous:' and cur and cur[0] == 'r-xp' and cur[1].endswith('/busybox'):
                    anon += int(w[1])
    finally:
        p.stdin.close()
        p.wait()
    check(placed > 0, 'no page of the store mapped in busybox\'s text')
    check(anon == 0, f'busybox\'s text holds {anon} KiB of anonymous memory')


def shell_mappings(e, lxrun):
    """How many mappings a shell's process has after running a child, waiting on
    its input: natively, or under lxrun."""
    p = subprocess.Popen(([e.lxrun] if lxrun else []) + ['/bin/dash', '-c', '/bin/true; echo ready; read x'],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=e.tmp, env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the shell did not get to its read')
        with open(f'/proc/{p.pid}/maps') as f:
            return f.read().splitlines()
    finally:
        p.stdin.close()
        p.wait()


@case
def few_mappings_of_its_own(e):
    """lxrun adds few mappings to a process: each is copied at every fork and
    unmapped at every exit (a fork+exit costs ~1 us more a mapping here, ~3 with
    pages).  dash after running /bin/true: 15 more than natively -- the guest's
    stack, the brk guard, the process table, the code's huge page, lxrun's data
    and bss, the alternate stack (and its fork-wiped tail), the /proc answerer's
    stack and guard, a trampoline chunk, the vDSO's two, the fork-wiped scratch,
    the session's shared memory; and, where forks copy lxrun's pinned pages
    (redox/host-linux-fork-pins.c), the check scratch's first page, forked apart
    from the fork-wiped arena it sits in (rx_fork_copies: one mapping more a fork,
    ~1 us, for one fault and four calls fewer in each exec'd child).  20 before
    the trap's gate was part of lxrun's image, the fork-wiped scratch one arena,
    and the first allocations (the environment's copy, guestmem's first table and
    names, a thread's start record) made without malloc, whose first use maps
    three areas.  16 allowed: a host without transparent huge pages keeps the
    code where it was loaded, with the rest of its 2 MiB reserved (one mapping
    more).  Not counted: the runs of
    libc's text pages mapped from lxrun's store of rewritten pages (rx_poke_page,
    at most two a mapping), two mappings each (the run, and the text's mapping
    cut in two), which split the guest's mappings rather than add lxrun's own."""
    native, under = shell_mappings(e, False), shell_mappings(e, True)
    placed = sum('/memfd:lxrun-text' in m for m in under)
    check(len(under) - 2 * placed - len(native) <= 16,
          f'{len(under)} mappings under lxrun ({placed} runs of placed pages), {len(native)} natively:\n' +
          '\n'.join(under))


def shell_faults(e, times, *opts):
    """The page faults a shell's own lxrun process took running /bin/true TIMES
    times (minflt, from outside, while the shell waits on its input after)."""
    script = f'i=0; while [ $i -lt {times} ]; do /bin/true; i=$((i+1)); done; echo ready; read x'
    p = subprocess.Popen([e.lxrun, *opts, '/bin/dash', '-c', script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         cwd=e.tmp, env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the loop did not end')
        with open(f'/proc/{p.pid}/stat') as f:
            return int(f.read().rsplit(')', 1)[1].split()[7])  # minflt
    finally:
        p.stdin.close()
        p.wait()


@case
def shell_faults_three_times_a_fork_exec(e):
    """What a shell's lxrun writes after each fork of a fork+exec (the copy-on-write
    faults it then takes, ~18 us each on a paravirtualised VM): the fork-hot page
    and two pages of its alternate stack -- not the exec request, which is rebuilt
    before each fork in the same place and now written only where it differs
    (syscalls/exec.c, gm_string_in_over): dash running /bin/true takes ~3 faults a
    time over 40 times (4 before).  An lxrun linked with glibc takes four
    more, glibc's own: its fork's handlers write the allocator's and stdio's lock
    pages on both sides (why musl is the default link, CMakeLists.txt).  Measured
    with the fork made at the vfork (--spare-child=no); with a spare made ahead
    (vfork_spare.c) the parent's writes for the window are on pages of its own,
    but which shared pages it writes while a spare and a child both live varies
    with their timing.  Seen beside a CPU-bound process (8 runs each): 2.85-3.27
    without spares, 3.45-4.00 with; one page more written each time would give
    at least 3.85 and 4.45: at most 3.5 and 4.3 allowed.  Beside two (the suite's
    own parallel tests), with spares, 2 runs in 6 gave 4.40 and 4.60: the fewest of
    three measures is taken, as a page more would raise every one."""
    nm = subprocess.run(['nm', e.lxrun], capture_output=True, text=True).stdout
    musl = re.search(r' builtin_tls$', nm, re.M)  # musl's static TLS: the musl build
    for opts, limit in ((['--spare-child=no'], 3.5 if musl else 7.5), (['--spare-child=yes'], 4.3 if musl else 8.3)):
        tries = []
        for _ in range(3):
            few, many = shell_faults(e, 10, *opts), shell_faults(e, 50, *opts)
            tries.append(((many - few) / 40, few, many))
            if tries[-1][0] <= limit:
                break
        each, few, many = min(tries)
        check(each <= limit, f'{opts}: {each:.2f} page faults a fork+exec in the shell, want {limit} at most '
              f'({few} for 10 times, {many} for 50; the fewest of {len(tries)})')


@case
def heap_stays_off_the_break(e):
    """lxrun's allocator takes its memory from mmap, next to lxrun's other mappings,
    never from the program break, which the kernel puts in a corner of the address
    space of its own for a static-pie (three page-table pages more for a forked
    child to touch): a running lxrun has no [heap] mapping (it had one of a few
    pages before).  The page that stops the break is mapped by lxrun's entry point,
    before the libc's start (glibc's static start takes its TLS block there)."""
    p = subprocess.Popen([e.lxrun, '/bin/sh', '-c', 'echo ready; exec sleep 20'], stdout=subprocess.PIPE, cwd=e.tmp,
                         env=BASE_ENV, text=True)
    try:
        check(p.stdout.readline().strip() == 'ready', 'the guest did not start')
        maps = open(f'/proc/{p.pid}/maps').read()
        check('[heap]' not in maps, f'lxrun has a heap at its program break:\n{maps}')
    finally:
        p.kill()
        p.wait()


def learned_run(e, cache, *argv, opts=()):
    """(SIGSYS count from strace, the run) of `lxrun --trap=rewrite --cache=CACHE
    OPTS ARGV`: the traps of one process."""
    log = os.path.join(e.tmp, 'learned.log')
    r = e.run(STRACE, '-o', log, '-e', 'trace=none', e.lxrun, '--trap=rewrite', f'--cache={cache}', *opts, *argv,
              lxrun=False)
    with open(log) as f:
        return sum('SIGSYS' in line for line in f), r


def learned_files(cache):
    return sorted(f for f in os.listdir(cache) if f.startswith('learned-')) if os.path.isdir(cache) else []


@case
def static_program_sites_planted(e):
    """A program without an interpreter has its own call sites known by its file
    alone and planted as ld.so's are (trap/plant_cache.c), mapped from the
    session's copy when its file settled (changed a minute or more before the copy
    was made: no hash of its pages needed): Debian's static busybox, `true`, takes
    12 traps or more in a new cache's first session and at most 4 in the next ones
    (exit_group and the calls that cannot be rewritten; before, 16 in every
    session: its sites were keyed by file ^ program, the same record for every
    program, and never planted).  A planted run's output is native's (busybox sh's
    arithmetic, a loop, an applet).  A copy of busybox made now (its file changed
    within the minute) keeps its traps in every session: its sites are not planted
    by page copies either.
    Each site that still traps there is one its planting refused (a shape the
    rewriter cannot take: `mov %esi,%eax; syscall` with no padding near), and
    the report counts it among the sites left on the trap (sites_on_trap: 0
    before, while 4 sites trapped in every run)."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    bb = '/bin/busybox'
    check(os.access(bb, os.X_OK), f'no {bb}')
    cache = os.path.join(e.tmp, 'cache', 'lxrun')
    first, r = learned_run(e, cache, bb, 'true')
    check(r.rc == 0 and first >= 12, f'first session: {first} traps\n{r}')
    for n in range(2):
        rep = os.path.join(e.tmp, f'bb{n}.json')
        later, r = learned_run(e, cache, bb, 'true', opts=(f'--report={rep}',))
        check(r.rc == 0 and later <= 4, f'session {n + 2}: {later} traps (first {first})\n{r}')
        with open(os.path.join(e.tmp, 'learned.log')) as f:
            trapped = set(re.findall(r'si_call_addr=(0x[0-9a-f]+)', f.read()))
        with open(rep) as f:
            on_trap = json.load(f)['trap'].get('sites_on_trap')
        check(on_trap is not None and on_trap >= len(trapped),
              f'session {n + 2}: {len(trapped)} sites trapped ({sorted(trapped)}), the report says {on_trap} '
              f'left on the trap')
    script = 'i=0; while [ $i -lt 6 ]; do echo $((i * i + 7)); i=$((i + 1)); done; basename /a/b/c.txt .txt'
    native = subprocess.run([bb, 'sh', '-c', script], capture_output=True, text=True)
    r = e.run('--trap=rewrite', f'--cache={cache}', bb, 'sh', '-c', script)
    check(r.rc == native.returncode == 0 and r.out == native.stdout, f'native {native.stdout!r}, lxrun {r}')
    fresh_dir = os.path.join(e.tmp, 'fresh')
    os.makedirs(fresh_dir, exist_ok=True)
    fresh = os.path.join(fresh_dir, 'busybox')
    shutil.copy(bb, fresh)
    counts = [learned_run(e, cache, fresh, 'true')[0] for _ in range(3)]
    check(min(counts) >= 12, f'a static program changed just now: {counts} traps in three sessions')


@case
def learned_state_starts_the_next_session(e):
    """What a session learns is the next one's from its start (trap/learned.c): the
    first `lxrun /bin/true` with a new cache directory takes ld.so's traps (20 or
    more), makes the directory (0700) and one file (0600) in it, and the next
    sessions map it: 4 traps at most (libc's set_robust_list, prlimit64,
    exit_group, short of REWRITE_AFTER), ld.so's sites planted as it is loaded
    (the report's sites_interp, learned.earlier).  --cache=off, or no HOME and no
    XDG_CACHE_HOME, reads and makes nothing: 20 or more again.  A real program's
    output is the same from a new file and a used one (python3 and perl, native
    beside them).  Before the file, every session's first program took ld.so's
    traps (29 in /bin/true)."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    cache = os.path.join(e.tmp, 'cache', 'lxrun')
    first, r = learned_run(e, cache, TRUE)
    check(r.rc == 0 and first >= 20, f'first session: {first} traps\n{r}')
    files = learned_files(cache)
    check(len(files) == 1, f'files made: {files}')
    path = os.path.join(cache, files[0])
    st, dst = os.stat(path), os.stat(cache)
    check(st.st_mode & 0o777 == 0o600 and dst.st_mode & 0o777 == 0o700 and st.st_uid == os.geteuid(),
          f'modes {oct(st.st_mode)} {oct(dst.st_mode)}')
    for n in range(2):
        rep = os.path.join(e.tmp, f'l{n}.json')
        later, r = learned_run(e, cache, TRUE, opts=(f'--report={rep}',))
        check(r.rc == 0 and later <= 4, f'session {n + 2}: {later} traps\n{r}')
        with open(rep) as f:
            trap = json.load(f)['trap']
        check(trap.get('learned') == {'file': path, 'earlier': True} and trap.get('sites_interp', 0) > 0,
              f'session {n + 2}: {trap}')
    check(learned_files(cache) == files, f'{learned_files(cache)} after, {files} before')
    off, r = learned_run(e, 'off', TRUE)
    check(r.rc == 0 and off >= 20, f'--cache=off: {off} traps\n{r}')
    log = os.path.join(e.tmp, 'nohome.log')
    r = Run([STRACE, '-o', log, '-e', 'trace=none', e.lxrun, '--trap=rewrite', TRUE], e.tmp, {'PATH': '/usr/bin:/bin'})
    with open(log) as f:
        nohome = sum('SIGSYS' in line for line in f)
    check(r.rc == 0 and nohome >= 20, f'no HOME: {nohome} traps\n{r}')
    programs = (['/usr/bin/python3', '-c', 'import json; print(json.dumps(sorted({"b": 1, "a": [2, 3]}.items())))'],
                ['/usr/bin/perl', '-e', 'print join(" ", map { $_ * $_ } 0 .. 4), "\\n"'])
    fresh = os.path.join(e.tmp, 'fresh')
    for argv in programs:
        native = e.run(*argv, lxrun=False)
        check(native.rc == 0 and native.out, str(native))
        for n in range(2):
            r = e.run('--trap=rewrite', f'--cache={fresh}', *argv)
            check(r.rc == 0 and r.out == native.out, f'run {n + 1} with {fresh}:\n{native}\n{r}')


@case
def learned_file_only_the_users_own(e):
    """The file's pages become code in every program, so only a regular file of the
    user's that no one else may write is used (redox/host-linux-learned.c): one
    writable by its group or others, cut short, or of another build (its head
    not this key's) is replaced by a new one (0600, a new inode; the program runs
    as from none: 20 traps or more); a symbolic link in its place is neither
    followed nor replaced (its target unchanged) and the session keeps nothing.
    A file a session found full (its head's mark) is made afresh too.  The program's
    output is right every time."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    cache = os.path.join(e.tmp, 'c')
    learned_run(e, cache, TRUE)
    name = learned_files(cache)[0]
    path = os.path.join(cache, name)
    size = os.path.getsize(path)
    native = e.run('/usr/bin/env', 'printf', '%s\\n', 'ok', lxrun=False)

    def spoiled(how, spoil):
        """Traps of /bin/true with the file spoiled (its inode before), then the
        output of a program with it spoiled again."""
        learned_run(e, cache, TRUE)  # a good file to spoil
        spoil()
        ino = os.stat(path, follow_symlinks=False).st_ino
        traps, r = learned_run(e, cache, TRUE)
        check(r.rc == 0 and traps >= 20, f'{how}: {traps} traps: the spoiled file was used\n{r}')
        st = os.stat(path, follow_symlinks=False)
        if how == 'a symbolic link':
            check(os.path.islink(path), 'the link was replaced')
        else:  # made while the spoiled one was there: another inode
            check(st.st_ino != ino and st.st_mode & 0o777 == 0o600 and st.st_size == size,
                  f'{how}: not replaced ({ino} -> {st.st_ino}, {oct(st.st_mode)}, {st.st_size} bytes)')
        learned_run(e, cache, TRUE)
        spoil()
        r = e.run('--trap=rewrite', f'--cache={cache}', '/usr/bin/env', 'printf', '%s\\n', 'ok')
        check(r.rc == 0 and r.out == native.out, f'{how}:\n{r}')
        return ino

    spoiled('group-writable', lambda: os.chmod(path, 0o620))

    def cut():
        with open(path, 'r+b') as f:
            f.truncate(size // 2)
    spoiled('cut short', cut)

    def other_key():
        with open(path, 'r+b') as f:
            f.seek(32)  # the key's first byte: the build ID's (after magic, lengths, sizes)
            b = f.read(1)
            f.seek(32)
            f.write(bytes([b[0] ^ 0xff]))
    spoiled('another key', other_key)

    def full():
        with open(path, 'r+b') as f:
            f.seek(4096 + 8)  # the kept part's head: pages_used, then the full mark
            f.write(struct.pack('<I', 1))
    spoiled('marked full', full)

    target = os.path.join(e.tmp, 'target')
    with open(target, 'wb') as f:
        f.write(b'not lxrun\'s')

    def link():
        os.unlink(path)
        os.symlink(target, path)
    spoiled('a symbolic link', link)
    check(os.path.islink(path) and open(target, 'rb').read() == b'not lxrun\'s', 'the link or its target changed')


@case
def learned_files_of_other_boots_removed(e):
    """A session that makes a new learned file removes the user's other learned
    files made in another boot (trap/learned.c, rx_learned_drop_others): their
    key names that boot, so no session can open them again, and each reboot left
    one per lxrun build with its stored pages.  A file of another build in this
    boot stays (that build may run) unless neither changed nor mapped for more
    than 7 days (its times set 8 days back: removed; 6 days back: kept; a machine
    up for months kept one per lxrun installed meanwhile), as does a file whose
    head is not a learned file's, however old.  The files are copies of one this
    build made, their head's key changed in one byte: the boot's (file offset 64:
    the head's key starts at 32, the boot after the 32-byte build ID) or the
    build's."""
    made = os.path.join(e.tmp, 'made')
    learned_run(e, made, TRUE)
    files = learned_files(made)
    check(len(files) == 1, f'one learned file made: {files}')
    cache = os.path.join(e.tmp, 'boots')
    os.makedirs(cache, mode=0o700)

    def copy(name, flip):
        dst = os.path.join(cache, name)
        shutil.copyfile(os.path.join(made, files[0]), dst)
        os.chmod(dst, 0o600)
        if flip is not None:
            with open(dst, 'r+b') as f:
                f.seek(flip)
                b = f.read(1)
                f.seek(flip)
                f.write(bytes([b[0] ^ 0xff]))
        return name
    other_boot = copy('learned-00000000000000b0', 64)
    other_build = copy('learned-00000000000000b1', 32)
    not_learned = copy('learned-00000000000000b2', 0)  # its magic changed
    unused_build = copy('learned-00000000000000b3', 33)
    lately_build = copy('learned-00000000000000b4', 34)
    day = 24 * 3600
    for name, days in ((unused_build, 8), (lately_build, 6), (not_learned, 30)):
        back = time.time() - days * day
        os.utime(os.path.join(cache, name), (back, back))
    traps, r = learned_run(e, cache, TRUE)
    check(r.rc == 0, str(r))
    now = learned_files(cache)
    check(other_boot not in now, f'another boot\'s file stayed: {now}')
    check(unused_build not in now, f'another build\'s file unused for 8 days stayed: {now}')
    check(other_build in now and lately_build in now and not_learned in now,
          f'files removed that were neither another boot\'s nor unused for a week: {now}')
    check(len(now) == 4, f'the new file and the three kept: {now}')

@case
def learned_file_damaged_is_dropped(e):
    """A learned file whose page a crash tore is not believed: each CPUID answer and
    each planted copy's entry carries a check of its fields (redox/host-linux-
    learned.c, cpuid_sites.c, plant_cache.c), and a session that finds one wrong
    goes on without the file (the report's learned null, ld.so's CPU facts
    --list-diagnostics the CPU's, as natively) and marks it, so the next session
    makes it afresh (a new inode).  Here leaf 0's answer (the vendor's string,
    found in the file) has its highest leaf changed: a build without the answers'
    check uses the file (the report names it).  (A planted copy's trampolines hold
    their answers in their code, written to the file and synced before the entry
    naming them is published, so a crash never leaves an entry without them.)"""
    ldso = '/lib64/ld-linux-x86-64.so.2'
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite: nothing is answered
    cache = os.path.join(e.tmp, 'torn')
    opts = ('--trap=rewrite', '--cpuid=serve', f'--cache={cache}')
    for _ in range(2):
        check(e.run(*opts, TRUE).rc == 0, 'a session')
    path = os.path.join(cache, learned_files(cache)[0])
    with open(path, 'rb') as f:
        data = f.read()
    at = -1
    for vendor in (b'Genu', b'Auth', b'Hygo', b'Cent', b'  Sh'):
        m = re.search(re.escape(b'\0\0\0\0\xff\xff\xff\xff') + b'....' + re.escape(vendor), data, re.S)
        if m:
            at = m.start()
            break
    check(at >= 0, 'no answer for leaf 0 in the learned file')
    with open(path, 'r+b') as f:
        f.seek(at + 8)  # leaf, subleaf, then eax: the highest standard leaf
        f.write(struct.pack('<I', struct.unpack_from('<I', data, at + 8)[0] ^ 0x40))
    ino = os.stat(path).st_ino

    native = x86_facts(e.run(ldso, '--list-diagnostics', lxrun=False).out)
    rep = os.path.join(e.tmp, 't.json')
    r = e.run(*opts, f'--report={rep}', ldso, '--list-diagnostics')
    check(r.rc == 0 and x86_facts(r.out) == native, 'x86 facts differ:\n' + '\n'.join(sorted(set(x86_facts(r.out)) ^ set(native))))
    with open(rep) as f:
        trap = json.load(f)['trap']
    check(trap.get('learned', 'absent') is None, f'the damaged file was used: {trap}')
    check(e.run(*opts, TRUE).rc == 0, 'the session after')
    check(os.stat(path).st_ino != ino, 'the damaged file was not made afresh')


@case
def learned_sessions_share_one_file(e):
    """Sessions running at once share the file as one session's processes share
    their memory (the tables' slots claimed atomically, the store's pages
    reserved by an atomic add): four shells, each running /bin/true, python3 and
    perl 5 times with a new cache directory, all print what they print natively,
    and a session after them starts from what they learned (4 traps at most)."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    cache = os.path.join(e.tmp, 'shared')
    script = ('for i in 1 2 3 4 5; do /usr/bin/true; /usr/bin/python3 -c "print(6 * 7)"; '
              '/usr/bin/perl -e "print 2 ** 10, qq(\\\\n)"; done')
    native = e.run('/bin/sh', '-c', script, lxrun=False)
    check(native.rc == 0 and native.out == '42\n1024\n' * 5, str(native))
    env = {**BASE_ENV, 'LXRUN_CACHE': cache}
    procs = [subprocess.Popen([e.lxrun, '--trap=rewrite', '/bin/sh', '-c', script], cwd=e.tmp, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        check(p.returncode == 0 and out.decode() == native.out, f'a session: {p.returncode} {out!r} {err!r}')
    check(len(learned_files(cache)) == 1, f'files: {learned_files(cache)}')
    traps, r = learned_run(e, cache, TRUE)
    check(r.rc == 0 and traps <= 4, f'after them: {traps} traps\n{r}')


@case
def library_text_from_the_sessions_copy(e):
    """A library's text with every site the session's programs trapped at in it
    rewritten, kept once in the session's store and mapped over the library's
    text (trap/plant_cache.c, lx_plant_cache_text) in a program that trapped
    there before: with a new cache directory, python3 -c pass's first run has no
    sites from a library's copy (the report's sites_library 0); its second makes
    libc's copy and maps it, and its third maps it again, the same sites, each
    taking fewer than half the first run's traps (strace's SIGSYS count).  find,
    whose libc calls python's copy lacks, makes a new copy, of both programs'
    sites, as it runs again (its output native's): python's next run maps more.  /bin/true, which never passes the
    rewrite threshold, maps none.  The guest still sees libc's own file in its
    /proc/self/maps where the host maps the store's pages."""
    if e.run('--trap=rewrite', TRUE).rc != 0:
        return  # this CPU cannot rewrite
    cache = os.path.join(e.tmp, 'libcopy')
    rep = os.path.join(e.tmp, 'libcopy.json')

    def run(*argv):
        traps, r = learned_run(e, cache, *argv, opts=(f'--report={rep}',))
        check(r.rc == 0, str(r))
        with open(rep) as f:
            return traps, json.load(f)['trap']['sites_library'], r
    python = ('/usr/bin/python3', '-c', 'pass')
    first, lib1, _ = run(*python)
    check(lib1 == 0, f'a first run mapped {lib1} sites from a copy')
    second, lib2, _ = run(*python)
    third, lib3, _ = run(*python)
    check(lib2 > 0 and lib3 == lib2, f'sites from libc\'s copy: {lib2}, then {lib3}')
    check(2 * second < first and 2 * third < first, f'traps: {first}, then {second}, {third}')
    find = ('/usr/bin/find', '/usr/share/doc/python3', '-maxdepth', '1')
    native = subprocess.run(find, capture_output=True, text=True).stdout
    for _ in range(2):
        _, _, r = run(*find)
        check(r.out == native, f'find: {r}\nnative: {native}')
    _, lib4, _ = run(*python)
    check(lib4 > lib3, f'python after find: {lib4} sites from the copy, {lib3} before')
    _, none, _ = run(TRUE)
    check(none == 0, f'/bin/true mapped {none} sites from a copy')
    p = subprocess.Popen([e.lxrun, '--trap=rewrite', f'--cache={cache}', '/usr/bin/python3', '-c',
                          'import sys; print(open("/proc/self/maps").read(), flush=True); sys.stdin.readline()'],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=e.tmp, env=BASE_ENV, text=True)
    try:
        guest = []
        for line in p.stdout:
            if not line.strip():
                break
            guest.append(line.split())
        with open(f'/proc/{p.pid}/maps') as f:
            host = {l.split()[0]: l.split() for l in f}
    finally:
        p.stdin.close()
        p.wait()
    text = [m for m in guest if m[1] == 'r-xp' and len(m) > 5 and m[5].endswith('/libc.so.6')]
    check(len(text) == 1, f'libc\'s text in the guest\'s maps: {text}')
    mapped = host.get(text[0][0], [])
    check(len(mapped) > 5 and ('/learned-' in mapped[5] or 'lxrun-session' in mapped[5]),
          f'the host maps libc\'s text {text[0][0]} from {mapped}')


def main():
    suite_main('trap', __doc__, 2, lambda a, tmp: Env(os.path.abspath(a[0]), os.path.abspath(a[1]), tmp))


if __name__ == '__main__':
    main()


/* proc.c — handles: new processes (fork, vfork, clone as fork or as posix_spawn's
 * CLONE_VM|CLONE_VFORK), waiting for them, signals between them, process groups,
 * priorities.  A child is a copy of the whole lxrun process, so it resumes inside
 * this very call: it arms interception again (not inherited across fork) and
 * leaves the reports to its parent. */
#include <limits.h>
#include <stdlib.h>

#include "../abi/linux_mman.h"
#include "../abi/linux_sched.h"
#include "../abi/linux_signal.h"
#include "../abi/linux_sys.h"
#include "../report/report.h"
#include "../trap/trap.h"
#include "../guestmem/vma.h"
#include "../process/clone_plan.h"
#include "../process/ptable.h"
#include "../procfs/procfs.h"
#include "handler.h"
#include "process.h"
#include "thread.h"
#include "vfork_spare.h"
#include "vfork_window.h"

/* The child resumes inside this call, on new_stack when one is given. */
static long fork_child_side(struct lx_call *c, uint64_t flags, uint64_t new_stack, uint64_t child_tid,
                            uint64_t tls, uint64_t start_cs, int unlisted)
{
    if (lx_trap_rearm_after_fork(c->t) < 0) rx_exit(126); /* never run guest code unwatched */
    c->task->pending = 0; /* a child starts with none pending, as on Linux */
    if (lx_proc.threads != 1) lx_proc.threads = 1; /* and with the calling thread only (a store is a page copied) */
    lx_process_threads_forget();
    lx_threads_forked();
    lx_report_forked_child();
    lx_vfork_spare_forked();
    if (unlisted) lx_ptable_answer_forked(); /* in the table once taken (vfork_spare.c) */
    else lx_process_forked(start_cs);
    gm_forget_dontfork(); /* the system did not copy them (MADV_DONTFORK) */
    if (lx_proc.vfork_parent.active) { /* a vfork child's own children do not hold its parent */
        rx_close(lx_proc.vfork_parent.fd);
        lx_proc.vfork_parent.active = 0;
    }
    c->untraced_return = 1;
    if (new_stack) c->new_sp = new_stack;
    if (flags & LINUX_CLONE_CLEAR_SIGHAND) lx_signal_clear_handlers();
    uint32_t tid = (uint32_t)c->task->tid;
    if ((flags & LINUX_CLONE_CHILD_SETTID) && child_tid) gm_copy_out(child_tid, &tid, sizeof tid);
    if (flags & LINUX_CLONE_CHILD_CLEARTID) c->task->clear_child_tid = child_tid;
    if (flags & LINUX_CLONE_SETTLS) c->t->guest_fs = tls; /* loaded by the exit stub */
    return 0;
}

/* A fork's other ends: where the parent gets a pidfd (CLONE_PIDFD) and the
 * child's tid (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID/CLEARTID). */
struct fork_out { uint64_t pidfd, parent_tid, child_tid, tls; int unlisted; /* a spare: no child yet */ };

/* A fork as it stands: the mappings the vfork window left out stay out (its own
 * forks, lx_fork_bare).  Any other fork is do_fork. */
static long fork_as_is(struct lx_call *c, uint64_t flags, uint64_t new_stack, const struct fork_out *out)
{
    uint64_t start_cs = lx_process_fork_time();
    long pid;
    if (!lx_threads_ever() && lx_ptable_answer_hold()) { /* no other thread in libc */
        pid = rx_fork_lone();
        if (pid != 0) lx_ptable_answer_go();
    } else {
        pid = rx_fork();
    }
    if (pid < 0) return pid;
    if (pid == 0) return fork_child_side(c, flags, new_stack, out->child_tid, out->tls, start_cs, out->unlisted);
    if (out->unlisted) return pid;
    lx_process_child((int)pid, start_cs);
    lx_vfork_spare_child_made();
    if ((flags & LINUX_CLONE_PARENT_SETTID) && out->parent_tid) {
        uint32_t p = (uint32_t)pid;
        gm_copy_out(out->parent_tid, &p, sizeof p);
    }
    if (flags & LINUX_CLONE_PIDFD) {
        /* opened after the fork, in the parent only; the child cannot be reaped before */
        int fd = (int)lx_fd_accept(rx_pidfd_open(pid, 0));
        if (fd >= 0 && gm_copy_out(out->pidfd, &fd, sizeof fd) < 0) rx_close(fd);
    }
    return pid;
}

/* A fork whose child has the guest's memory, all that the guest did not leave out. */
static long do_fork(struct lx_call *c, uint64_t flags, uint64_t new_stack, const struct fork_out *out)
{
    lx_vfork_window_put_back();
    return fork_as_is(c, flags, new_stack, out);
}

static const struct fork_out no_out;

long sys_fork(struct lx_call *c) { return do_fork(c, LINUX_SIGCHLD, 0, &no_out); }

/* The caller's stack from just below its stack pointer (the red zone) to the end of
 * its mapping, at most VFORK_STACK_MAX: what a vfork child may write for its parent. */
#define VFORK_STACK_MAX (8UL << 20)
static void caller_stack(const struct lx_call *c, uintptr_t *lo, uintptr_t *hi)
{
    struct gm_vma v;
    *lo = *hi = 0;
    if (!gm_find(c->sp, &v) || v.start > c->sp) return;
    *lo = c->sp - 128 >= v.start ? c->sp - 128 : v.start;
    *hi = v.end - *lo > VFORK_STACK_MAX ? *lo + VFORK_STACK_MAX : v.end;
}

/* The parent's side: wait until the child execs (the pipe closes with it) or
 * exits (it sends the stack first). */
static void vfork_wait(int fd)
{
    struct { uint64_t lo, len; } head;
    long n = rx_read(fd, &head, sizeof head);
    if (n == (long)sizeof head && head.len <= VFORK_STACK_MAX) {
        char *buf = malloc(head.len);
        size_t got = 0;
        while (buf && got < head.len && (n = rx_read(fd, buf + got, head.len - got)) > 0) got += (size_t)n;
        if (buf && got == head.len) gm_copy_out(head.lo, buf, head.len);
        free(buf);
    }
    rx_close(fd);
}

void lx_vfork_child_exits(void)
{
    if (!lx_proc.vfork_parent.active) return;
    struct { uint64_t lo, len; } head = { lx_proc.vfork_parent.lo, lx_proc.vfork_parent.hi - lx_proc.vfork_parent.lo };
    const void *stack = gm_lock_read(head.lo, head.len);
    if (stack && rx_write(lx_proc.vfork_parent.fd, &head, sizeof head) == (long)sizeof head) {
        for (size_t off = 0; off < head.len;) {
            long n = rx_write(lx_proc.vfork_parent.fd, (const char *)stack + off, head.len - off);
            if (n <= 0) break;
            off += (size_t)n;
        }
    }
    rx_close(lx_proc.vfork_parent.fd);
    lx_proc.vfork_parent.active = 0;
}

void lx_vfork_child_execs(void)
{
    lx_vfork_window_child_execs();
    if (!lx_proc.vfork_parent.active) return;
    rx_close(lx_proc.vfork_parent.fd);
    lx_proc.vfork_parent.active = 0;
}

/* vfork and clone(CLONE_VM|CLONE_VFORK) by a fork: the child is a copy that runs
 * on new_stack (0: its copy of the caller's); the parent is suspended until the
 * child execs or exits, as Linux suspends it. */
static long vfork_by_fork(struct lx_call *c, uint64_t flags, uint64_t new_stack, const struct fork_out *out)
{
    int p[2];
    long r = rx_pipe2(p, RX_O_CLOEXEC);
    if (r < 0) return r;
    int rd = lx_fd_move_high(p[0]), wr = lx_fd_move_high(p[1]);
    if (rd < 0 || wr < 0) {
        if (rd >= 0) rx_close(rd);
        if (wr >= 0) rx_close(wr);
        return -EAGAIN;
    }
    uintptr_t lo = 0, hi = 0; /* without CLONE_VM the child's writes stay its own */
    if (flags & LINUX_CLONE_VM) caller_stack(c, &lo, &hi);
    long pid = do_fork(c, flags, new_stack, out);
    if (pid == 0) {
        rx_close(rd);
        lx_proc.vfork_parent.active = 1;
        lx_proc.vfork_parent.fd = wr;
        lx_proc.vfork_parent.lo = lo;
        lx_proc.vfork_parent.hi = hi;
        return 0;
    }
    rx_close(wr);
    if (pid > 0) vfork_wait(rd);
    else rx_close(rd);
    return pid;
}

long lx_fork_bare(struct lx_call *c, uint64_t flags, int unlisted)
{
    static const struct fork_out spare_out = { .unlisted = 1 };
    return fork_as_is(c, flags, 0, unlisted ? &spare_out : &no_out);
}

long lx_vfork_by_fork(struct lx_call *c, uint64_t flags) { return vfork_by_fork(c, flags, 0, &no_out); }

/* Where the child's code can run on this thread (vfork_window.c), no memory is copied. */
static long do_vfork(struct lx_call *c, uint64_t flags, uint64_t new_stack, const struct fork_out *out)
{
    if (lx_vfork_window_possible(c, flags)) return lx_vfork_window_start_grown(c, flags, new_stack);
    if (flags & LINUX_CLONE_VM)
        lx_record_partial(c->nr, "a vfork child made by a fork: its memory writes reach its parent only on its stack");
    return vfork_by_fork(c, flags, new_stack, out);
}

static long vfork_on_lxrun_fs(void *c) { return do_vfork(c, LINUX_CLONE_VM | LINUX_CLONE_VFORK | LINUX_SIGCHLD, 0, &no_out); }

/* A window's start is plain memory work: on the guest's FS (GUESTFS), two
 * arch_prctl fewer an iteration of a shell's vfork+exec loop without FSGSBASE.
 * Anything else (a fork) on lxrun's. */
long sys_vfork(struct lx_call *c)
{
    uint64_t flags = LINUX_CLONE_VM | LINUX_CLONE_VFORK | LINUX_SIGCHLD;
    long r = lx_vfork_window_possible(c, flags) ? lx_vfork_window_start(c, flags, 0) : -EAGAIN;
    return r == -EAGAIN ? lx_fs_call(vfork_on_lxrun_fs, c) : r;
}

/* clone and clone3, as process/clone_plan.c decides: a fork, a vfork or a thread;
 * stack is the new stack pointer (0: the copy of the caller's). */
static long clone_process(struct lx_call *c, uint64_t flags, uint64_t stack, const struct fork_out *out)
{
    struct lx_clone_plan plan;
    long r = lx_clone_plan(flags, &plan);
    if (r < 0) return r;
    if (plan.unserved) {
        lx_record_partial(c->nr, plan.unserved);
        return plan.kind == LX_CLONE_THREAD ? -EINVAL : -ENOSYS;
    }
    if ((flags & LINUX_CLONE_SETTLS) && out->tls >= LINUX_TASK_SIZE_MAX) return -EPERM; /* as ARCH_SET_FS */
    if (plan.kind == LX_CLONE_THREAD) return lx_clone_thread(c, flags, stack, out->parent_tid, out->child_tid, out->tls);
    if ((flags & LINUX_CSIGNAL) != LINUX_SIGCHLD) lx_record_partial(c->nr, "exit signal other than SIGCHLD (SIGCHLD sent)");
    /* Linux writes the pidfd before the child exists: a bad address fails the clone */
    if ((flags & LINUX_CLONE_PIDFD) && !gm_lock_write(out->pidfd, sizeof(int))) return -EFAULT;
    if (plan.kind == LX_CLONE_FORK) return do_fork(c, flags, stack, out);
    return do_vfork(c, flags, stack, out);
}

/* clone(flags, stack, parent_tid, child_tid, tls): CLONE_PIDFD's fd goes where
 * parent_tid points, so the two cannot be asked for together. */
long sys_clone(struct lx_call *c)
{
    uint64_t flags = c->a[0];
    if ((flags & LINUX_CLONE_PIDFD) && (flags & LINUX_CLONE_PARENT_SETTID)) return -EINVAL;
    flags &= 0xffffffffu; /* Linux reads the low 32 bits: CLONE_CLEAR_SIGHAND and up are clone3's */
    struct fork_out out = { c->a[2], c->a[2], c->a[3], c->a[4], 0 };
    return clone_process(c, flags, c->a[1], &out);
}

/* clone3(args, size): the same, from struct clone_args; the exit signal is its own
 * field and the stack is given as its lowest address and size. */
long sys_clone3(struct lx_call *c)
{
    struct linux_clone_args a;
    size_t size = c->a[1];
    if (size < LINUX_CLONE_ARGS_SIZE_VER0 || size > 4096) return -EINVAL;
    memset(&a, 0, sizeof a);
    if (gm_copy_in(&a, c->a[0], size < sizeof a ? size : sizeof a) < 0) return -EFAULT;
    /* a larger struct than lxrun knows is accepted only if the rest is zero, as Linux */
    for (size_t off = sizeof a; off < size; off += 8) {
        uint64_t w = 0;
        if (gm_copy_in(&w, c->a[0] + off, size - off < 8 ? size - off : 8) < 0) return -EFAULT;
        if (w) return -E2BIG;
    }
    if ((a.flags & LINUX_CSIGNAL) || a.exit_signal > 64 || (a.stack == 0) != (a.stack_size == 0)) return -EINVAL;
    if ((a.flags & (LINUX_CLONE_THREAD | LINUX_CLONE_PARENT)) && a.exit_signal) return -EINVAL;
    if (a.set_tid || a.set_tid_size || (a.flags & LINUX_CLONE_INTO_CGROUP)) {
        lx_record_partial(c->nr, "clone3 set_tid, CLONE_INTO_CGROUP");
        return -ENOSYS;
    }
    struct fork_out out = { a.pidfd, a.parent_tid, a.child_tid, a.tls, 0 };
    return clone_process(c, a.flags | a.exit_signal, a.stack ? a.stack + a.stack_size : 0, &out);
}

/* The rusage a wait fills: the waited child's (and its waited children's). */
static long wait_rusage(const struct rx_wait_status *st, uint64_t out)
{
    if (!out) return 0;
    struct linux_rusage u;
    abi_rusage_to_linux(&st->ru, &u);
    return gm_copy_out(out, &u, sizeof u);
}

/* The host's wait, for the guest's: a spare child (vfork_spare.c) is none of the
 * guest's, so a wait for any child answers ECHILD when it is the only one, and
 * the spare's own end or stop (from outside) is not reported. */
static long wait_host(long pid, int options, struct rx_wait_status *st, int ropts)
{
    int any = pid == -1 && !(options & LINUX___WCLONE);
    for (;;) {
        if (any) {
            long none = lx_vfork_spare_wait_first();
            if (none < 0) return none;
        }
        long r = rx_waitpid(pid, st, ropts);
        if (r <= 0 || r != lx_vfork_spare_pid()) return r;
        lx_vfork_spare_drop(); /* its own end or stop: the wait is made again */
    }
}

static void reaped(int pid, int status)
{
    lx_ptable_reaped(pid, status);
    lx_vfork_spare_child_reaped();
}

long sys_wait4(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (pid == INT_MIN) return -ESRCH; /* as Linux: -INT_MIN names no group */
    int options = (int)c->a[2];
    if ((unsigned)options & ~(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED | LINUX___WNOTHREAD | LINUX___WALL |
                              LINUX___WCLONE))
        return -EINVAL;
    int ropts = (options & LINUX_WNOHANG ? RX_WNOHANG : 0) | (options & LINUX_WUNTRACED ? RX_WUNTRACED : 0) |
                (options & LINUX_WCONTINUED ? RX_WCONTINUED : 0);
    struct rx_wait_status st;
    long r = wait_host(pid, options, &st, ropts);
    if (r <= 0) return r;
    int status = linux_wait_status(st.exited, st.code, st.signaled, st.sig, st.core, st.stopped, st.continued);
    if (st.exited || st.signaled) reaped((int)r, status);
    /* the child is reaped whether or not the status can be stored, as on Linux */
    if (c->a[1] && gm_copy_out(c->a[1], &status, sizeof status) < 0) return -EFAULT;
    return wait_rusage(&st, c->a[3]) < 0 ? -EFAULT : r;
}

long sys_waitid(struct lx_call *c)
{
    int type = (int)c->a[0], options = (int)c->a[3];
    long id = (long)(int)c->a[1];
    const unsigned known = LINUX_WNOHANG | LINUX_WEXITED | LINUX_WSTOPPED | LINUX_WCONTINUED | LINUX_WNOWAIT |
                           LINUX___WNOTHREAD | LINUX___WALL | LINUX___WCLONE;
    if ((unsigned)options & ~known) return -EINVAL;
    if (!(options & (LINUX_WEXITED | LINUX_WSTOPPED | LINUX_WCONTINUED))) return -EINVAL;
    long pid;
    switch (type) {
    case LINUX_P_ALL: pid = -1; break;
    case LINUX_P_PID: if (id <= 0) return -EINVAL; pid = id; break;
    case LINUX_P_PGID: if (id < 0) return -EINVAL; pid = id ? -id : 0; break; /* 0: the caller's group */
    case LINUX_P_PIDFD:
        if ((pid = rx_pidfd_pid((int)id)) < 0) return pid == -ESRCH ? -ECHILD : pid;
        break;
    default: return -EINVAL;
    }
    int ropts = (options & LINUX_WNOHANG ? RX_WNOHANG : 0) | (options & LINUX_WSTOPPED ? RX_WUNTRACED : 0) |
                (options & LINUX_WCONTINUED ? RX_WCONTINUED : 0) | (options & LINUX_WNOWAIT ? RX_WX_NOWAIT : 0) |
                (options & LINUX_WEXITED ? 0 : RX_WX_NOEXIT);
    struct rx_wait_status st;
    long r = wait_host(pid, options, &st, ropts);
    if (r < 0) return r;
    struct linux_siginfo_chld si;
    memset(&si, 0, sizeof si); /* WNOHANG with nothing to report: all zeros, as Linux */
    if (r > 0) {
        si.si_signo = LINUX_SIGCHLD;
        si.si_pid = (int32_t)r;
        si.si_uid = st.uid;
        si.si_code = st.exited ? LINUX_CLD_EXITED : st.signaled ? (st.core ? LINUX_CLD_DUMPED : LINUX_CLD_KILLED)
                     : st.stopped ? LINUX_CLD_STOPPED : LINUX_CLD_CONTINUED;
        si.si_status = st.exited ? st.code : st.continued ? LINUX_SIGCONT : st.sig;
        if ((st.exited || st.signaled) && !(options & LINUX_WNOWAIT))
            reaped((int)r, linux_wait_status(st.exited, st.code, st.signaled, st.sig, st.core, 0, 0));
    }
    if (c->a[2] && gm_copy_out(c->a[2], &si, sizeof si) < 0) return -EFAULT;
    if (r == 0) memset(&st.ru, 0, sizeof st.ru); /* nothing waited for: zeros, as Linux */
    return wait_rusage(&st, c->a[4]) < 0 ? -EFAULT : 0;
}

static long check_signal(uint64_t sig) { return sig > 64 ? -EINVAL : 0; }

long sys_kill(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (check_signal(c->a[1]) < 0) return -EINVAL;
    if (pid == INT_MIN) return -ESRCH; /* -INT_MIN has no group, as Linux answers */
    return rx_kill(pid, (int)c->a[1]);
}

long sys_tgkill(struct lx_call *c)
{
    long tgid = (long)(int)c->a[0], tid = (long)(int)c->a[1];
    if (tgid <= 0 || tid <= 0 || check_signal(c->a[2]) < 0) return -EINVAL;
    if (tgid == rx_getpid() && lx_threads_ended((int)tid)) return -ESRCH; /* its host thread is on its way out */
    return rx_tgkill(tgid, tid, (int)c->a[2]);
}

/* A tid of this process's threads is sent to in its group; any other is taken as
 * its group's leader (another process's other threads: ESRCH, a gap: Redox's
 * kill reaches processes only). */
long sys_tkill(struct lx_call *c)
{
    long tid = (long)(int)c->a[0], pid = rx_getpid();
    if (tid <= 0 || check_signal(c->a[1]) < 0) return -EINVAL;
    if (lx_threads_ended((int)tid)) return -ESRCH;
    return rx_tgkill(tid == pid || lx_process_thread_state((int)tid) ? pid : tid, tid, (int)c->a[1]);
}

/* Linux's raw getpriority answers 20 - nice (1..40), so that no success is negative. */
long sys_getpriority(struct lx_call *c)
{
    int nice;
    long r = rx_getpriority((int)c->a[0], (long)(int)c->a[1], &nice);
    return r < 0 ? r : 20 - nice;
}

long sys_setpriority(struct lx_call *c)
{
    int nice = (int)c->a[2];
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice; /* Linux clamps */
    return rx_setpriority((int)c->a[0], (long)(int)c->a[1], nice);
}

/* ioprio_get and ioprio_set (ionice): a process's class and level live in the
 * session's process table (inherited by forks and execs, as the slot is); Redox's
 * I/O has no priorities, so a process outside the session answers "none" (0) and
 * cannot be set (EPERM).  A group or user names the caller only. */
enum { IOPRIO_WHO_PROCESS_ = 1, IOPRIO_WHO_PGRP_, IOPRIO_WHO_USER_ };
enum { IOPRIO_CLASS_NONE_, IOPRIO_CLASS_RT_, IOPRIO_CLASS_BE_, IOPRIO_CLASS_IDLE_ };

/* The pid the call names (0: the caller), or -errno. */
static long ioprio_target(int which, long who)
{
    if (which < IOPRIO_WHO_PROCESS_ || which > IOPRIO_WHO_USER_) return -EINVAL;
    long self = rx_getpid();
    if (who == 0) return self;
    if (which == IOPRIO_WHO_PROCESS_) return who;
    long mine = which == IOPRIO_WHO_PGRP_ ? rx_getpgid(0) : rx_getuid();
    return who == mine ? self : -EPERM;
}

long sys_ioprio_get(struct lx_call *c)
{
    long pid = ioprio_target((int)c->a[0], (long)(int)c->a[1]);
    if (pid < 0) return pid;
    struct lx_pt_entry e;
    if (lx_ptable_get((int)pid, &e) == 0) return e.ioprio;
    if (pid == rx_getpid()) return lx_proc.ioprio; /* no table */
    return rx_kill(pid, 0) == -ESRCH ? -ESRCH : 0;
}

/* block/ioprio.c's ioprio_check_cap: the real-time class takes CAP_SYS_ADMIN or
 * CAP_SYS_NICE, "none" no level, an unknown class EINVAL */
long sys_ioprio_set(struct lx_call *c)
{
    int prio = (int)c->a[2], klass = (prio >> 13) & 7, level = prio & 7;
    uint64_t eff, prm, inh;
    lx_guest_caps(&eff, &prm, &inh);
    if (klass == IOPRIO_CLASS_RT_ && !(eff & (1ULL << LINUX_CAP_SYS_ADMIN | 1ULL << LINUX_CAP_SYS_NICE))) return -EPERM;
    if (klass > IOPRIO_CLASS_IDLE_ || (klass == IOPRIO_CLASS_NONE_ && level)) return -EINVAL;
    long pid = ioprio_target((int)c->a[0], (long)(int)c->a[1]);
    if (pid < 0) return pid;
    if (pid == rx_getpid()) lx_proc.ioprio = prio;
    long r = lx_ptable_set_ioprio((int)pid, prio);
    if (r == 0 || pid == rx_getpid()) return 0;
    return rx_kill(pid, 0) == -ESRCH ? -ESRCH : -EPERM;
}

/* A child that has exec'd is no longer its parent's to move (EACCES, after the
 * session check's EPERM), as Linux's PF_FORKNOEXEC test: the system cannot tell
 * when lxrun served the exec in place, the process table can. */
long sys_setpgid(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    struct lx_pt_entry e;
    if (pid > 0 && pid != rx_getpid() && lx_ptable_get((int)pid, &e) == 0 && e.ppid == (int)rx_getpid() && e.execed)
        return rx_getsid(pid) != rx_getsid(0) ? -EPERM : -EACCES;
    return rx_setpgid(pid, (long)(int)c->a[1]);
}
long sys_getpgid(struct lx_call *c) { return rx_getpgid((long)(int)c->a[0]); }
long sys_getpgrp(struct lx_call *c) { (void)c; return rx_getpgid(0); }
long sys_getsid(struct lx_call *c) { return rx_getsid((long)(int)c->a[0]); }
long sys_setsid(struct lx_call *c) { (void)c; return rx_setsid(); }

long sys_pidfd_open(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    unsigned flags = (unsigned)c->a[1];
    if ((flags & ~(LINUX_PIDFD_NONBLOCK | LINUX_PIDFD_THREAD)) || pid <= 0) return -EINVAL;
    /* PIDFD_THREAD: a guest thread is its own process under lxrun so far (tid == pid) */
    return lx_fd_accept(rx_pidfd_open(pid, flags & LINUX_PIDFD_NONBLOCK ? RX_PIDFD_NONBLOCK : 0));
}

/* The pid of an open /proc/<pid> directory, which Linux takes as a pidfd too
 * (Python's test_signal signals itself so); 0 for any other fd. */
static long proc_dir_pid(int fd)
{
    char path[64], *end;
    if (!procfs_dir_of(fd, path, sizeof path) || strncmp(path, "/proc/", 6) != 0) return 0;
    long pid = strtol(path + 6, &end, 10);
    return *end == 0 && pid > 0 ? pid : 0;
}

/* pidfd_send_signal(pidfd, sig, info, flags): with info, Linux's checks apply
 * (the signal matches; another process may send only a negative si_code), then
 * the signal goes as kill sends it, its value recorded as not delivered. */
long sys_pidfd_send_signal(struct lx_call *c)
{
    int fd = (int)c->a[0], sig = (int)c->a[1];
    if (c->a[3]) {
        lx_record_partial(c->nr, "PIDFD_SIGNAL_* flags (Linux 6.9)");
        return -EINVAL;
    }
    if (sig < 0 || sig > 64) return -EINVAL;
    long dir_pid = proc_dir_pid(fd);
    if (c->a[2]) {
        struct { int32_t signo, err, code; } si;
        if (gm_copy_in(&si, c->a[2], sizeof si) < 0) return -EFAULT;
        if (si.signo != sig) return -EINVAL;
        long pid = dir_pid ? dir_pid : rx_pidfd_pid(fd);
        if (pid < 0) return pid;
        if (pid != rx_getpid() && (si.code >= 0 || si.code == LINUX_SI_TKILL)) return -EPERM;
        lx_record_partial(c->nr, "siginfo (the signal is sent as kill sends it)");
    }
    return dir_pid ? rx_kill(dir_pid, sig) : rx_pidfd_send_signal(fd, sig);
}

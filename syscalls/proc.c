/* proc.c — handles: new processes (fork, vfork, clone without CLONE_VM) and
 * waiting for them.  A child is a copy of the whole lxrun process, so it resumes
 * inside this very call: it arms interception again (not inherited across fork)
 * and leaves the reports to its parent. */
#include "../abi/linux_sched.h"
#include "../report/report.h"
#include "../trap/trap.h"
#include "handler.h"

static long fork_child_side(struct lx_call *c, uint64_t flags, uint64_t child_tid)
{
    if (lx_trap_rearm_after_fork(c->t) < 0) rx_exit(126); /* never run guest code unwatched */
    lx_report_forked_child();
    c->untraced_return = 1;
    uint32_t tid = (uint32_t)c->task->tid;
    if ((flags & LINUX_CLONE_CHILD_SETTID) && child_tid) gm_copy_out(child_tid, &tid, sizeof tid);
    if (flags & LINUX_CLONE_CHILD_CLEARTID) c->task->clear_child_tid = child_tid;
    return 0;
}

static long do_fork(struct lx_call *c, uint64_t flags, uint64_t parent_tid, uint64_t child_tid)
{
    long pid = rx_fork();
    if (pid < 0) return pid;
    if (pid == 0) return fork_child_side(c, flags, child_tid);
    if ((flags & LINUX_CLONE_PARENT_SETTID) && parent_tid) {
        uint32_t p = (uint32_t)pid;
        gm_copy_out(parent_tid, &p, sizeof p);
    }
    return pid;
}

long sys_fork(struct lx_call *c) { return do_fork(c, 17 /* SIGCHLD */, 0, 0); }

long sys_vfork(struct lx_call *c)
{
    lx_record_partial(c->nr, "vfork runs as fork (the parent is not suspended)");
    return do_fork(c, 17, 0, 0);
}

/* clone(flags, stack, parent_tid, child_tid, tls): the fork-like flag sets glibc's
 * and musl's fork use; shared memory, threads and namespaces are not served yet. */
long sys_clone(struct lx_call *c)
{
    uint64_t flags = c->a[0];
    const uint64_t served = LINUX_CSIGNAL | LINUX_CLONE_CHILD_SETTID | LINUX_CLONE_CHILD_CLEARTID |
                            LINUX_CLONE_PARENT_SETTID;
    if (flags & ~served) {
        lx_record_partial(c->nr, "clone flags beyond a fork (CLONE_VM, threads, namespaces)");
        return -ENOSYS;
    }
    if ((flags & LINUX_CSIGNAL) != 17) lx_record_partial(c->nr, "exit signal other than SIGCHLD (SIGCHLD sent)");
    if (c->a[1]) lx_record_partial(c->nr, "a new stack for a forked child (ignored: it runs on the copy)");
    return do_fork(c, flags, c->a[2], c->a[3]);
}

long sys_wait4(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    int options = (int)c->a[2];
    if ((unsigned)options & ~(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED | LINUX___WNOTHREAD | LINUX___WALL |
                              LINUX___WCLONE))
        return -EINVAL;
    int ropts = (options & LINUX_WNOHANG ? RX_WNOHANG : 0) | (options & LINUX_WUNTRACED ? RX_WUNTRACED : 0) |
                (options & LINUX_WCONTINUED ? RX_WCONTINUED : 0);
    struct rx_wait_status st;
    long r = rx_waitpid(pid, &st, ropts);
    if (r <= 0) return r;
    if (c->a[1]) {
        /* the child is reaped whether or not the status can be stored, as on Linux */
        int status = linux_wait_status(st.exited, st.code, st.signaled, st.sig, st.core, st.stopped, st.continued);
        if (gm_copy_out(c->a[1], &status, sizeof status) < 0) return -EFAULT;
    }
    if (c->a[3]) {
        lx_record_partial(c->nr, "rusage of the waited child (zeros)");
        static const char zeros[144];
        if (gm_copy_out(c->a[3], zeros, sizeof zeros) < 0) return -EFAULT;
    }
    return r;
}

long sys_setpgid(struct lx_call *c) { return rx_setpgid((long)(int)c->a[0], (long)(int)c->a[1]); }
long sys_getpgid(struct lx_call *c) { return rx_getpgid((long)(int)c->a[0]); }
long sys_getpgrp(struct lx_call *c) { (void)c; return rx_getpgid(0); }
long sys_getsid(struct lx_call *c) { return rx_getsid((long)(int)c->a[0]); }
long sys_setsid(struct lx_call *c) { (void)c; return rx_setsid(); }

/* signal.c — handles: dispositions and the blocked mask, kept by lxrun.
 * Delivery of guest handlers is not served yet (issue 10): installing one is
 * recorded as partial, and the signal is caught by lxrun and kept as pending, so
 * that it does not take its default action (a process with a SIGUSR1 handler is
 * not killed by SIGUSR1); SIG_IGN and SIG_DFL take effect on the real process. */
#include "../abi/linux_signal.h"
#include "handler.h"
#include "process.h"

#define BIT(s) (1ULL << ((s) - 1))
#define UNBLOCKABLE (BIT(LINUX_SIGKILL) | BIT(LINUX_SIGSTOP))
/* Faults (caught and returned from, the instruction would fault again) and SIGSYS,
 * lxrun's trap: never caught for a guest handler. */
#define SYNCHRONOUS (BIT(LINUX_SIGSEGV) | BIT(LINUX_SIGBUS) | BIT(LINUX_SIGILL) | BIT(LINUX_SIGFPE) | \
                     BIT(LINUX_SIGTRAP) | BIT(LINUX_SIGSYS))

/* Signals caught for a guest handler and not yet delivered (bit sig-1).  Runs on
 * the guest's stack and FS: one atomic OR, nothing else. */
static uint64_t guest_pending;
static void catch_for_guest(int sig) { __atomic_fetch_or(&guest_pending, 1ULL << (sig - 1), __ATOMIC_RELAXED); }

long sys_rt_sigaction(struct lx_call *c)
{
    int sig = (int)c->a[0];
    if (c->a[3] != 8) return -EINVAL;
    if (sig < 1 || sig > LINUX_NSIG) return -EINVAL;
    struct linux_sigaction nw, *cur = &lx_proc.sigactions[sig];
    if (c->a[1] && gm_copy_in(&nw, c->a[1], sizeof nw) < 0) return -EFAULT;
    if (c->a[2] && gm_copy_out(c->a[2], cur, sizeof *cur) < 0) return -EFAULT;
    if (!c->a[1]) return 0;
    if (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP) return -EINVAL;
    nw.mask &= ~UNBLOCKABLE;
    *cur = nw;
    if (nw.handler == LINUX_SIG_DFL || nw.handler == LINUX_SIG_IGN) {
        /* SIGSYS is lxrun's trap: the guest's choice for it stays bookkeeping. */
        if (sig != LINUX_SIGSYS) rx_sigaction_ign_dfl(sig, nw.handler == LINUX_SIG_IGN);
    } else {
        lx_record_partial(c->nr, "signal handler recorded, not delivered");
        if (sig < 32 && !(BIT(sig) & SYNCHRONOUS)) rx_sigaction_catch(sig, catch_for_guest);
    }
    lx_process_publish();
    return 0;
}

/* pause and rt_sigsuspend: a wait with no handles and the given blocked set, until
 * a signal that is not ignored arrives.  A default action ends the process there,
 * as on Linux; a caught signal ends the wait with EINTR, but its handler is not
 * run yet (delivery is issue 10's), recorded. */
static long suspend_with(struct lx_call *c, uint64_t mask)
{
    mask &= ~UNBLOCKABLE;
    long r = rx_ppoll(NULL, 0, NULL, &mask);
    if (r == -EINTR) lx_record_partial(c->nr, "ended by a caught signal whose handler is not run");
    return r < 0 ? r : -EINTR;
}

long sys_pause(struct lx_call *c) { return suspend_with(c, c->task->sigmask); }

long sys_rt_sigsuspend(struct lx_call *c)
{
    uint64_t mask;
    if (c->a[1] != 8) return -EINVAL;
    if (gm_copy_in(&mask, c->a[0], sizeof mask) < 0) return -EFAULT;
    return suspend_with(c, mask);
}

void lx_signal_clear_handlers(void)
{
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        struct linux_sigaction *a = &lx_proc.sigactions[sig];
        if (a->handler == LINUX_SIG_DFL || a->handler == LINUX_SIG_IGN) continue;
        memset(a, 0, sizeof *a);
        if (sig != LINUX_SIGSYS) rx_sigaction_ign_dfl(sig, 0);
    }
    lx_process_publish();
}

long sys_rt_sigprocmask(struct lx_call *c)
{
    int how = (int)c->a[0];
    if (c->a[3] != 8) return -EINVAL;
    uint64_t old = c->task->sigmask, set;
    if (c->a[1]) {
        if (gm_copy_in(&set, c->a[1], sizeof set) < 0) return -EFAULT;
        uint64_t nw;
        switch (how) {
        case LINUX_SIG_BLOCK: nw = old | set; break;
        case LINUX_SIG_UNBLOCK: nw = old & ~set; break;
        case LINUX_SIG_SETMASK: nw = set; break;
        default: return -EINVAL;
        }
        nw &= ~UNBLOCKABLE;
        c->task->sigmask = nw; /* the trap applies it on the way back to the guest */
    }
    if (c->a[2] && gm_copy_out(c->a[2], &old, sizeof old) < 0) return -EFAULT;
    return 0;
}

/* What waits blocked: the real process's pending set, where a signal the guest
 * blocks stays (the guest's blocked set is the real one while it runs). */
long sys_rt_sigpending(struct lx_call *c)
{
    if (c->a[1] > 8) return -EINVAL;
    uint64_t set;
    long r = rx_sigpending(&set);
    if (r < 0) return r;
    set &= c->task->sigmask;
    return gm_copy_out(c->a[0], &set, c->a[1]);
}

long sys_sigaltstack(struct lx_call *c)
{
    static __thread struct linux_stack guest_ss = { .ss_flags = LINUX_SS_DISABLE };
    struct linux_stack nw;
    if (c->a[0]) {
        if (gm_copy_in(&nw, c->a[0], sizeof nw) < 0) return -EFAULT;
        /* The mode is 0, SS_ONSTACK (accepted, same as 0) or SS_DISABLE. */
        int mode = nw.ss_flags & ~(int)LINUX_SS_AUTODISARM;
        if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE) return -EINVAL;
        if (mode != LINUX_SS_DISABLE && nw.ss_size < LINUX_MINSIGSTKSZ) return -ENOMEM;
        nw.ss_flags = mode == LINUX_SS_DISABLE ? LINUX_SS_DISABLE : nw.ss_flags & (int)LINUX_SS_AUTODISARM;
    }
    if (c->a[1] && gm_copy_out(c->a[1], &guest_ss, sizeof guest_ss) < 0) return -EFAULT;
    if (c->a[0]) {
        guest_ss = nw;
        if (nw.ss_flags & LINUX_SS_DISABLE) { guest_ss.ss_sp = 0; guest_ss.ss_size = 0; }
    }
    return 0;
}

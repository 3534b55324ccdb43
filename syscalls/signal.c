/* signal.c — handles: dispositions and the blocked mask, kept by lxrun.
 * Delivery of guest handlers is not served yet: installing one is recorded as
 * partial; SIG_IGN and SIG_DFL take effect on the real process. */
#include <signal.h>

#include "handler.h"
#include "process.h"

#define KSIG_MAX 64
#define BIT(s) (1ULL << ((s) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define HANDLER_DFL 0
#define HANDLER_IGN 1
#define SS_AUTODISARM_ (1U << 31)
#define MINSIGSTKSZ_ 2048UL

long sys_rt_sigaction(struct lx_call *c)
{
    int sig = (int)c->a[0];
    if (c->a[3] != 8) return -EINVAL;
    if (sig < 1 || sig > KSIG_MAX) return -EINVAL;
    struct lx_sigaction_k nw, *cur = &lx_proc.sigactions[sig];
    if (c->a[1] && gm_copy_in(&nw, c->a[1], sizeof nw) < 0) return -EFAULT;
    if (c->a[2] && gm_copy_out(c->a[2], cur, sizeof *cur) < 0) return -EFAULT;
    if (!c->a[1]) return 0;
    if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
    nw.mask &= ~UNBLOCKABLE;
    *cur = nw;
    if (nw.handler == HANDLER_DFL || nw.handler == HANDLER_IGN) {
        /* SIGSYS is lxrun's trap: the guest's choice for it stays bookkeeping. */
        if (sig != SIGSYS) rx_sigaction_ign_dfl(sig, nw.handler == HANDLER_IGN);
    } else {
        lx_record_partial(c->nr, "signal handler recorded, not delivered");
    }
    return 0;
}

long sys_rt_sigprocmask(struct lx_call *c)
{
    int how = (int)c->a[0];
    if (c->a[3] != 8) return -EINVAL;
    uint64_t old = c->t->guest_sigmask, set;
    if (c->a[1]) {
        if (gm_copy_in(&set, c->a[1], sizeof set) < 0) return -EFAULT;
        uint64_t nw;
        switch (how) {
        case SIG_BLOCK: nw = old | set; break;
        case SIG_UNBLOCK: nw = old & ~set; break;
        case SIG_SETMASK: nw = set; break;
        default: return -EINVAL;
        }
        nw &= ~UNBLOCKABLE;
        c->t->guest_sigmask = nw;
        /* The mask takes effect when the trap returns; SIGSYS must stay open. */
        uint64_t real = nw & ~BIT(SIGSYS);
        memcpy(&c->uc->uc_sigmask, &real, sizeof real);
    }
    if (c->a[2] && gm_copy_out(c->a[2], &old, sizeof old) < 0) return -EFAULT;
    return 0;
}

long sys_sigaltstack(struct lx_call *c)
{
    static __thread stack_t guest_ss = { .ss_flags = SS_DISABLE };
    stack_t nw;
    if (c->a[0]) {
        if (gm_copy_in(&nw, c->a[0], sizeof nw) < 0) return -EFAULT;
        /* The mode is 0, SS_ONSTACK (accepted, same as 0) or SS_DISABLE. */
        int mode = nw.ss_flags & ~(int)SS_AUTODISARM_;
        if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE) return -EINVAL;
        if (mode != SS_DISABLE && nw.ss_size < MINSIGSTKSZ_) return -ENOMEM;
        nw.ss_flags = mode == SS_DISABLE ? SS_DISABLE : nw.ss_flags & (int)SS_AUTODISARM_;
    }
    if (c->a[1] && gm_copy_out(c->a[1], &guest_ss, sizeof guest_ss) < 0) return -EFAULT;
    if (c->a[0]) {
        guest_ss = nw;
        if (nw.ss_flags & SS_DISABLE) { guest_ss.ss_sp = NULL; guest_ss.ss_size = 0; }
    }
    return 0;
}

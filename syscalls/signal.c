/* signal.c — handles: dispositions, the blocked mask, pending signals, waiting for
 * signals and the alternate stack, kept by lxrun.  A guest handler makes the trap
 * take the signal from the system (trap.h lx_trap_catch); it is delivered with
 * Linux's frame (signal_frame.c) where the guest's context is whole: at once in
 * guest code, or as the call it interrupted returns.  SIG_IGN and SIG_DFL take
 * effect on the real process. */
#include "../abi/linux_signal.h"
#include "../trap/trap.h"
#include "handler.h"
#include "process.h"
#include "signal_frame.h"
#include "vfork_spare.h"
#include "vfork_window.h"


/* host 0: the table only (a vfork child's code on its parent's thread:
 * vfork_window.c). */
long lx_rt_sigaction(struct lx_call *c, int host)
{
    int sig = (int)c->a[0];
    if (c->a[3] != 8) return -EINVAL;
    if (sig < 1 || sig > LINUX_NSIG) return -EINVAL;
    struct linux_sigaction nw, *cur = &lx_proc.sigactions[sig];
    if (c->a[1] && gm_copy_in(&nw, c->a[1], sizeof nw) < 0) return -EFAULT;
    if (c->a[2] && gm_copy_out(c->a[2], cur, sizeof *cur) < 0) return -EFAULT;
    if (!c->a[1]) return 0;
    if (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP) return -EINVAL;
    nw.mask &= ~LINUX_SIG_UNBLOCKABLE;
    *cur = nw;
    if (!host) return 0;
    /* SIGSYS is lxrun's trap: the guest's choice for it is served by the trap's own
     * handler (a SIGSYS sent by kill goes to the guest's). */
    if (sig != LINUX_SIGSYS) {
        long r = nw.handler == LINUX_SIG_DFL || nw.handler == LINUX_SIG_IGN
                     ? lx_trap_default(sig, nw.handler == LINUX_SIG_IGN)
                     : lx_trap_catch(sig, (nw.flags & LINUX_SA_RESTART) != 0);
        if (r < 0) return r;
        if (sig == LINUX_SIGCHLD && nw.handler == LINUX_SIG_IGN) lx_vfork_spare_sigchld_ignored();
    }
    /* a pending instance goes when the signal would now be ignored (Linux's
     * do_sigaction: SIG_IGN, or SIG_DFL of one whose default is to ignore) */
    if (nw.handler == LINUX_SIG_IGN || (nw.handler == LINUX_SIG_DFL && (LINUX_SIG_DEFAULT_IGNORED & LINUX_SIGBIT(sig))))
        __atomic_fetch_and(&c->task->pending, ~LINUX_SIGBIT(sig), __ATOMIC_ACQ_REL);
    lx_process_publish();
    return 0;
}

/* In a vfork window (the child's code on the parent's thread) the window's table
 * changes only: the parent's comes back whole as it closes, and the host's
 * dispositions never move.  The fast path serves it so on the guest's FS
 * (lx_trap_fast_guestfs): a spawn's ~64 resets. */
long sys_rt_sigaction(struct lx_call *c) { return lx_rt_sigaction(c, !lx_vfork_window_open); }

/* pause and rt_sigsuspend: a wait with no handles and the given blocked set, until
 * a signal that is not ignored arrives.  A default action ends the process there;
 * a caught one is delivered as the call returns EINTR (the handler sees the
 * suspended mask's frame, then the old mask comes back), as on Linux. */
static long suspend_with(struct lx_call *c, uint64_t mask)
{
    lx_signal_mask_until_return(c->task, mask);
    mask = c->task->sigmask;
    /* everything blocked between the look at the pending set and the wait, which
     * opens the mask atomically: no signal slips in between */
    uint64_t held;
    rx_sigmask_swap(~0ULL, &held);
    /* the wait opens the mask itself: a signal taken before is pending here, and
     * one the suspended mask blocks must not keep the door shut (redox/rx_wait.h) */
    __atomic_store_n(&c->t->wait_kick, 0, __ATOMIC_RELAXED);
    while (!lx_signal_next(c->task)) {
        long r = rx_ppoll(NULL, 0, NULL, &mask);
        if (r < 0 && r != -EINTR) break;
    }
    rx_sigmask_set(held);
    return -EINTR;
}

long lx_wait_sigmask_begin(struct lx_call *c, uint64_t ptr, uint64_t size, uint64_t *room, const uint64_t **host)
{
    *host = NULL;
    if (!ptr) return 0;
    if (size != 8) return -EINVAL;
    uint64_t mask;
    if (gm_copy_in(&mask, ptr, sizeof mask) < 0) return -EFAULT;
    lx_signal_mask_until_return(c->task, mask);
    /* one taken from here on, let through, ends the wait (the trap's interrupt_wait) */
    if (lx_signal_next(c->task)) return -EINTR;
    *room = lx_signal_host_mask(c->task);
    *host = room;
    return 0;
}

long lx_wait_sigmask_end(struct lx_call *c, long r)
{
    if (r != -EINTR) lx_signal_restore_mask(c->task);
    return r;
}

long sys_pause(struct lx_call *c) { return suspend_with(c, c->task->sigmask); }

long sys_rt_sigsuspend(struct lx_call *c)
{
    uint64_t mask;
    if (c->a[1] != 8) return -EINVAL;
    if (gm_copy_in(&mask, c->a[0], sizeof mask) < 0) return -EFAULT;
    return suspend_with(c, mask);
}

/* Linux's flush_signal_handlers: an ignored signal stays ignored, a handled one
 * goes back to SIG_DFL, and neither keeps its flags or mask. */
void lx_signal_clear_handlers(void)
{
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        struct linux_sigaction *a = &lx_proc.sigactions[sig];
        uint64_t h = a->handler;
        memset(a, 0, sizeof *a);
        if (h == LINUX_SIG_IGN) a->handler = LINUX_SIG_IGN;
        else if (h != LINUX_SIG_DFL && sig != LINUX_SIGSYS) lx_trap_default(sig, 0);
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
        nw &= ~LINUX_SIG_UNBLOCKABLE;
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
    set = (set | __atomic_load_n(&c->task->pending, __ATOMIC_ACQUIRE)) & c->task->sigmask;
    return gm_copy_out(c->a[0], &set, c->a[1]);
}

long sys_sigaltstack(struct lx_call *c)
{
    struct linux_stack *cur = &c->task->altstack, nw;
    int on = cur->ss_size && c->sp > cur->ss_sp && c->sp - cur->ss_sp <= cur->ss_size;
    if (c->a[0]) {
        if (gm_copy_in(&nw, c->a[0], sizeof nw) < 0) return -EFAULT;
        /* The mode is 0, SS_ONSTACK (accepted, same as 0) or SS_DISABLE. */
        int mode = nw.ss_flags & ~(int)LINUX_SS_AUTODISARM;
        if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE) return -EINVAL;
        if (mode != LINUX_SS_DISABLE && nw.ss_size < LINUX_MINSIGSTKSZ) return -ENOMEM;
        if (on) return -EPERM; /* not while running on it */
        nw.ss_flags = mode == LINUX_SS_DISABLE ? LINUX_SS_DISABLE : nw.ss_flags & (int)LINUX_SS_AUTODISARM;
    }
    if (c->a[1]) {
        struct linux_stack old = *cur;
        old.ss_flags = !cur->ss_size ? LINUX_SS_DISABLE : (on ? LINUX_SS_ONSTACK : 0) | (cur->ss_flags & (int)LINUX_SS_AUTODISARM);
        if (!cur->ss_size) old.ss_sp = 0;
        if (gm_copy_out(c->a[1], &old, sizeof old) < 0) return -EFAULT;
    }
    if (c->a[0]) {
        *cur = nw;
        if (nw.ss_flags & LINUX_SS_DISABLE) memset(cur, 0, sizeof *cur);
    }
    return 0;
}

/* rt_sigtimedwait: a signal of set taken without running its handler -- one lxrun
 * already holds for the thread, else the system's, waited for up to the timeout. */
long sys_rt_sigtimedwait(struct lx_call *c)
{
    uint64_t set;
    if (c->a[3] != 8) return -EINVAL;
    if (gm_copy_in(&set, c->a[0], sizeof set) < 0) return -EFAULT;
    set &= ~LINUX_SIG_UNBLOCKABLE;
    struct rx_timespec ts, *tp = NULL;
    if (c->a[2]) {
        long e = lx_timespec_arg(c->a[2], &ts);
        if (e < 0) return e;
        tp = &ts;
    }
    struct linux_siginfo info;
    for (;;) {
        uint64_t held = __atomic_load_n(&c->task->pending, __ATOMIC_ACQUIRE) & set;
        if (held) {
            int sig = __builtin_ctzll(held) + 1;
            linux_siginfo_unkeep(&info, &c->task->pending_info[sig - 1]);
            __atomic_fetch_and(&c->task->pending, ~LINUX_SIGBIT(sig), __ATOMIC_ACQ_REL);
            if (c->a[1] && gm_copy_out(c->a[1], &info, sizeof info) < 0) return -EFAULT;
            return sig;
        }
        struct rx_siginfo ri;
        long r = rx_sigtimedwait(set, &ri, tp);
        if (r == -EINTR && (__atomic_load_n(&c->task->pending, __ATOMIC_ACQUIRE) & set)) continue;
        if (r < 0) return r;
        abi_siginfo_to_linux(&ri, &info);
        if (c->a[1] && gm_copy_out(c->a[1], &info, sizeof info) < 0) return -EFAULT;
        return r;
    }
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo: a signal with the caller's si_code and
 * value; to another process only a negative si_code other than SI_TKILL, as Linux. */
static long queue_info(long pid, long tid, int sig, uint64_t uinfo)
{
    struct linux_siginfo si;
    if (sig < 0 || sig > LINUX_NSIG) return -EINVAL;
    if (gm_copy_in(&si, uinfo, sizeof si) < 0) return -EFAULT;
    if ((si.si_code >= 0 || si.si_code == LINUX_SI_TKILL) && pid != rx_getpid()) return -EPERM;
    uint64_t value;
    memcpy(&value, si.fields + 8, sizeof value);
    return rx_sigqueue(pid, tid, sig, si.si_code, value);
}

long sys_rt_sigqueueinfo(struct lx_call *c) { return queue_info((long)(int)c->a[0], 0, (int)c->a[1], c->a[2]); }

long sys_rt_tgsigqueueinfo(struct lx_call *c)
{
    if ((int)c->a[0] <= 0 || (int)c->a[1] <= 0) return -EINVAL;
    return queue_info((long)(int)c->a[0], (long)(int)c->a[1], (int)c->a[2], c->a[3]);
}

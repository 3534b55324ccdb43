/* signal_frame.c — Linux's signal frames for guest handlers (signal_frame.h):
 * get_sigframe, setup_rt_frame and rt_sigreturn of arch/x86/kernel/signal*.c,
 * written against guest memory through guestmem's checked copies. */
#include "signal_frame.h"

#include <string.h>

#include "../guestmem/access.h"
#include "../report/trace.h"
#include "../trap/fs_call.h"
#include "../trap/trap.h"
#include "handler.h"
#include "vfork_window.h"

#define SYNCHRONOUS (LINUX_SIGBIT(LINUX_SIGSEGV) | LINUX_SIGBIT(LINUX_SIGBUS) | LINUX_SIGBIT(LINUX_SIGILL) | LINUX_SIGBIT(LINUX_SIGFPE) | \
                     LINUX_SIGBIT(LINUX_SIGTRAP) | LINUX_SIGBIT(LINUX_SIGSYS))
#define EFLAGS_TF 0x100u
#define EFLAGS_DF 0x400u
#define EFLAGS_RF 0x10000u

__attribute__((no_stack_protector)) int lx_signal_take(struct lx_task *t, int sig, const struct linux_siginfo *si)
{
    if (sig < 1 || sig > LINUX_NSIG) return 1;
    int pending = (__atomic_load_n(&t->pending, __ATOMIC_ACQUIRE) & LINUX_SIGBIT(sig)) != 0;
    if (pending && sig >= LINUX_SIGRTMIN) return 0;
    if (!pending) linux_siginfo_keep(&t->pending_info[sig - 1], si);
    __atomic_fetch_or(&t->pending, LINUX_SIGBIT(sig), __ATOMIC_RELEASE);
    return 1;
}

int lx_signal_next(const struct lx_task *t)
{
    uint64_t ready = __atomic_load_n(&t->pending, __ATOMIC_ACQUIRE) & ~(t->sigmask & ~LINUX_SIG_UNBLOCKABLE);
    /* a vfork child's code on its parent's thread: the parent's wait until the
     * window closes; the code's own faults are its own */
    if (__builtin_expect(lx_vfork_window_open, 0)) ready &= SYNCHRONOUS;
    if (!ready) return 0;
    if (ready & SYNCHRONOUS) ready &= SYNCHRONOUS;
    return __builtin_ctzll(ready) + 1;
}

static int on_altstack(const struct linux_stack *ss, uint64_t sp)
{
    return ss->ss_size && sp > ss->ss_sp && sp - ss->ss_sp <= ss->ss_size;
}

/* The alternate stack as the frame's uc_stack records it (__save_altstack). */
static struct linux_stack saved_altstack(const struct linux_stack *ss, uint64_t sp)
{
    struct linux_stack out = *ss;
    if (!ss->ss_size) out.ss_flags = LINUX_SS_DISABLE;
    else out.ss_flags = (on_altstack(ss, sp) ? LINUX_SS_ONSTACK : 0) | (ss->ss_flags & (int)LINUX_SS_AUTODISARM);
    return out;
}

int lx_signal_deliver(struct lx_task *t, int sig, struct linux_sigcontext *regs, const void *fp, size_t fplen)
{
    /* Read once: another thread's sigaction may change it meanwhile (Linux's
     * siglock orders the two), and a frame for SIG_IGN or SIG_DFL would enter
     * address 1 or 0 -- Python's test_signal, which flips SIGUSR1 between a
     * handler and SIG_IGN while a thread raises it, died of SIGSEGV so. */
    struct linux_sigaction *act = &lx_proc.sigactions[sig];
    uint64_t handler = __atomic_load_n(&act->handler, __ATOMIC_ACQUIRE);
    if (handler == LINUX_SIG_DFL || handler == LINUX_SIG_IGN) {
        int ignored = handler == LINUX_SIG_IGN || (LINUX_SIG_DEFAULT_IGNORED & LINUX_SIGBIT(sig));
        if (ignored) __atomic_fetch_and(&t->pending, ~LINUX_SIGBIT(sig), __ATOMIC_ACQ_REL);
        return 1;
    }
    __atomic_fetch_and(&t->pending, ~LINUX_SIGBIT(sig), __ATOMIC_ACQ_REL);
    if (!(act->flags & LINUX_SA_RESTORER)) return -1; /* x86-64 has no other way back */

    uint64_t sp = regs->rsp - 128; /* the red zone stays untouched */
    struct linux_stack uc_stack = saved_altstack(&t->altstack, regs->rsp);
    if ((act->flags & LINUX_SA_ONSTACK) && t->altstack.ss_size && !on_altstack(&t->altstack, regs->rsp)) {
        sp = t->altstack.ss_sp + t->altstack.ss_size;
        if (t->altstack.ss_flags & (int)LINUX_SS_AUTODISARM) t->altstack.ss_size = 0, t->altstack.ss_sp = 0;
    }
    uint64_t fpaddr = 0;
    if (fp && fplen) {
        sp = (sp - fplen) & ~63ULL;
        fpaddr = sp;
    }
    sp = ((sp - sizeof(struct linux_rt_sigframe) + 8) & ~15ULL) - 8;

    struct linux_rt_sigframe f;
    memset(&f, 0, sizeof f);
    f.pretcode = act->restorer;
    struct linux_fpx_sw_bytes sw;
    int xstate = 0;
    if (fp && fplen >= LINUX_FXSAVE_SIZE) {
        memcpy(&sw, (const char *)fp + LINUX_FP_SW_BYTES_OFFSET, sizeof sw);
        xstate = sw.magic1 == LINUX_FP_XSTATE_MAGIC1;
    }
    f.uc.uc_flags = LINUX_UC_SIGCONTEXT_SS | LINUX_UC_STRICT_RESTORE_SS | (xstate ? LINUX_UC_FP_XSTATE : 0);
    f.uc.uc_stack = uc_stack;
    f.uc.uc_mcontext = *regs;
    f.uc.uc_mcontext.fpstate = fpaddr;
    uint64_t before = t->restore_mask ? t->saved_mask : t->sigmask;
    f.uc.uc_mcontext.oldmask = before;
    f.uc.uc_sigmask = before;
    linux_siginfo_unkeep(&f.info, &t->pending_info[sig - 1]);
    if ((fpaddr && gm_copy_out(fpaddr, fp, fplen) < 0) || gm_copy_out(sp, &f, sizeof f) < 0) return -1;

    lx_report_signal(sig, &f.info);
    regs->rsp = sp;
    regs->rip = handler;
    regs->rdi = (uint64_t)sig;
    regs->rsi = sp + offsetof(struct linux_rt_sigframe, info);
    regs->rdx = sp + offsetof(struct linux_rt_sigframe, uc);
    regs->rax = 0;
    regs->eflags &= ~(uint64_t)(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF);

    if (t->restore_mask) t->restore_mask = 0; /* the frame holds the mask to come back to */
    t->sigmask |= act->mask;
    if (!(act->flags & LINUX_SA_NODEFER)) t->sigmask |= LINUX_SIGBIT(sig);
    t->sigmask &= ~LINUX_SIG_UNBLOCKABLE;
    if (act->flags & LINUX_SA_RESETHAND) {
        act->handler = LINUX_SIG_DFL; /* only the handler: the flags stay, as Linux keeps them */
        if (sig != LINUX_SIGSYS) lx_trap_default(sig, 0);
    }
    return 0;
}

void lx_signal_mask_until_return(struct lx_task *t, uint64_t mask)
{
    if (!t->restore_mask) t->saved_mask = t->sigmask;
    t->restore_mask = 1;
    t->sigmask = mask & ~LINUX_SIG_UNBLOCKABLE;
}

void lx_signal_restore_mask(struct lx_task *t)
{
    if (!t->restore_mask) return;
    t->sigmask = t->saved_mask;
    t->restore_mask = 0;
}

/* rt_sigreturn: the frame the handler was entered with lies 8 bytes below the
 * stack pointer its restorer calls from (ret popped pretcode).  The registers,
 * FP state, blocked set and alternate stack come back from it; a frame that
 * cannot be read kills the process with SIGSEGV, as on Linux. */
static long die_of_sigsegv(void *unused)
{
    (void)unused;
    memset(&lx_proc.sigactions[LINUX_SIGSEGV], 0, sizeof lx_proc.sigactions[LINUX_SIGSEGV]); /* fatal, as Linux */
    lx_trap_default(LINUX_SIGSEGV, 0);
    rx_tgkill(rx_getpid(), rx_gettid(), LINUX_SIGSEGV);
    return 0;
}

long sys_rt_sigreturn(struct lx_call *c)
{
    struct linux_sigcontext *regs = &c->task->sigreturn_regs; /* the thread's: TLS-free (GUESTFS) */
    struct linux_ucontext uc;
    if (gm_copy_in(&uc, c->sp - 8 + offsetof(struct linux_rt_sigframe, uc), sizeof uc) < 0) {
        lx_fs_call(die_of_sigsegv, NULL);
        return -EFAULT;
    }
    c->task->sigmask = uc.uc_sigmask & ~LINUX_SIG_UNBLOCKABLE;
    struct linux_stack ss = uc.uc_stack;
    if (!(ss.ss_flags & LINUX_SS_DISABLE) && ss.ss_size >= LINUX_MINSIGSTKSZ) {
        c->task->altstack = ss;
        c->task->altstack.ss_flags &= (int)LINUX_SS_AUTODISARM;
    } else if (ss.ss_flags & LINUX_SS_DISABLE) {
        memset(&c->task->altstack, 0, sizeof c->task->altstack);
    }
    *regs = uc.uc_mcontext;
    c->sigreturn = regs; /* the trap loads them, and the FP state at regs->fpstate */
    return (long)regs->rax;
}

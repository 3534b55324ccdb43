/* sud.c — Syscall User Dispatch: lxrun's text is the allowed region; any other
 * `syscall` raises SIGSYS, which lx_sigsys_entry turns into a table dispatch. */

#include "trap.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "../abi/linux_errno.h"
#include "../process/process.h"
#include "../guestmem/access.h"
#include "../syscalls/dispatch.h"
#include "../syscalls/signal_frame.h"
#include "../syscalls/vfork_window.h"
#include "fast.h"
#include "rewrite.h"
#include "fs_switch.h"
#include "fs_call.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"
#include "../redox/spares.h"
#include "../report/record.h"
#include "../report/report.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#ifndef PR_SYS_DISPATCH_OFF
#define PR_SYS_DISPATCH_OFF 0
#endif
#define SYS_USER_DISPATCH_CODE 2
#define ALTSTACK_SIZE LX_THREAD_ALTSTACK_SIZE

extern char __executable_start[], etext[];
void lx_sigreturn(void);

_Thread_local struct lx_thread *lx_thread_current;
struct lx_thread lx_thread_none RX_START_WRITTEN;

/* The kernel's sigaction layout; libc's sigaction would install its own restorer. */
struct k_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};
#define K_SA_RESTORER 0x04000000

int lx_trap_supported(const char **why)
{
    /* Probe: arm with an empty region, selector allowing, then disarm. */
    static volatile uint8_t probe_selector = 0;
    if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0, &probe_selector) != 0) {
        *why = errno == EINVAL ? "the kernel lacks Syscall User Dispatch (Linux >= 5.11 needed)"
                               : abi_errno_text(errno);
        return -1;
    }
    prctl(PR_SET_SYSCALL_USER_DISPATCH, 0, 0, 0, 0);
    return 0;
}

void lx_trap_fatal(int sig, siginfo_t *si, void *ucv);
static int install(int sig, void *handler, unsigned long flags);
/* Never blocked while lxrun runs: a fault in its guarded copy of guest memory must
 * reach copy_fault_fixup (a blocked synchronous fault kills the process). */
#define FAULTS (LINUX_SIGBIT(SIGSEGV) | LINUX_SIGBIT(SIGBUS))

/* ---- the guest's context in the system's signal frame ----
 * On a Linux host gregs[] is laid out as Linux's struct sigcontext begins:
 * r8…r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags, then the rest. */
#define GREGS_WORDS 23
#define GREGS_TO_RIP 17 /* r8 … rip */

static void regs_of(const ucontext_t *uc, struct linux_sigcontext *sc)
{
    memset(sc, 0, sizeof *sc);
    memcpy(sc, uc->uc_mcontext.gregs, GREGS_WORDS * sizeof(greg_t));
}

/* Loads r8 … rip and the eflags a frame may change into the context. */
static void regs_into(ucontext_t *uc, const struct linux_sigcontext *sc)
{
    greg_t *g = uc->uc_mcontext.gregs;
    memcpy(g, sc, GREGS_TO_RIP * sizeof(greg_t));
    g[REG_EFL] = (greg_t)(((uint64_t)g[REG_EFL] & ~(uint64_t)LINUX_FIX_EFLAGS) | (sc->eflags & LINUX_FIX_EFLAGS));
}

/* The FP state the system saved with the context: its fxsave area, or the whole
 * xsave area where the markers say one follows. */
static size_t fp_len(const void *fp)
{
    if (!fp) return 0;
    struct linux_fpx_sw_bytes sw;
    memcpy(&sw, (const char *)fp + LINUX_FP_SW_BYTES_OFFSET, sizeof sw);
    return sw.magic1 == LINUX_FP_XSTATE_MAGIC1 && sw.extended_size >= LINUX_FXSAVE_SIZE ? sw.extended_size
                                                                                       : LINUX_FXSAVE_SIZE;
}

/* sig with its default action, unblocked in uc and raised: the system acts on
 * it as the context resumes. */
static void raise_default(ucontext_t *uc, int sig)
{
    install(sig, SIG_DFL, 0);
    uint64_t mask;
    memcpy(&mask, &uc->uc_sigmask, sizeof mask);
    mask &= ~LINUX_SIGBIT(sig);
    memcpy(&uc->uc_sigmask, &mask, sizeof mask);
    syscall(SYS_tgkill, syscall(SYS_getpid), syscall(SYS_gettid), sig);
}

static void (*fatal_hook)(int, const struct linux_siginfo *) RX_EXEC_READ;

/* sig ends the process with its default action; first the report's hook, where
 * lxrun's context allows it (with_hook). */
static void die_of(int sig, const void *si, ucontext_t *uc, int with_hook)
{
    static int once;
    if (with_hook && !__atomic_exchange_n(&once, 1, __ATOMIC_ACQ_REL) && fatal_hook) fatal_hook(sig, si);
    raise_default(uc, sig); /* the default action from here on */
}

/* The FP state a handler starts with, as Linux gives it (fpu__clear_user_states):
 * x87 and SSE at their defaults (FCW 0x37f, MXCSR 0x1f80, registers zero), every
 * other xsave component in its initial state.  The interrupted state is in the
 * frame, for rt_sigreturn. */
static void fresh_fp(void *fp, size_t len)
{
    if (!fp || len < LINUX_FXSAVE_SIZE) return;
    unsigned char *b = fp;
    uint32_t mxcsr_mask;
    memcpy(&mxcsr_mask, b + 28, 4);
    memset(b, 0, LINUX_FP_SW_BYTES_OFFSET); /* the software bytes after it describe the area: kept */
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memcpy(b, &fcw, 2);
    memcpy(b + 24, &mxcsr, 4);
    memcpy(b + 28, &mxcsr_mask, 4);
    if (len > LINUX_FXSAVE_SIZE + 8) {
        uint64_t xstate_bv = 0x3; /* x87 and SSE from the area above; the rest initial */
        memcpy(b + LINUX_FXSAVE_SIZE, &xstate_bv, 8);
    }
}

/* sig's frame written into uc (the handler's entry state): 0, or -1 when the
 * frame cannot be written, 1 when sig has no handler now (lx_signal_deliver). */
static int deliver_into(struct lx_thread *t, ucontext_t *uc, int sig)
{
    struct linux_sigcontext sc;
    regs_of(uc, &sc);
    void *fp = uc->uc_mcontext.fpregs;
    size_t len = fp_len(fp);
    int r = lx_signal_deliver(&t->task, sig, &sc, fp, len);
    if (r != 0) return r;
    regs_into(uc, &sc);
    fresh_fp(fp, len);
    return 0;
}

/* The guest's blocked set on the host, and the signals lxrun holds taken but not
 * yet delivered: their further instances wait queued in the system, in order,
 * instead of meeting the one held (a real-time signal queues). */
static void apply_mask(struct lx_thread *t, ucontext_t *uc)
{
    uint64_t real = lx_signal_host_mask(&t->task);
    memcpy(&uc->uc_sigmask, &real, sizeof real);
}

/* A frame that cannot be written or read (failed: the signal being delivered,
 * 0 for rt_sigreturn's) brings SIGSEGV, as Linux's force_sigsegv: its handler
 * runs if it can; when the failure was SIGSEGV's own frame, or SIGSEGV is blocked
 * or has no handler, the guest dies of it. */
static void force_sigsegv(struct lx_thread *t, ucontext_t *uc, int failed)
{
    struct linux_sigaction *segv = &lx_proc.sigactions[SIGSEGV];
    int catchable = failed != SIGSEGV && !(t->task.sigmask & LINUX_SIGBIT(SIGSEGV)) && segv->handler != LINUX_SIG_DFL &&
                    segv->handler != LINUX_SIG_IGN;
    if (catchable) {
        struct linux_siginfo si;
        memset(&si, 0, sizeof si);
        si.si_signo = SIGSEGV;
        si.si_code = 0x80; /* SI_KERNEL */
        lx_signal_take(&t->task, SIGSEGV, &si);
        if (deliver_into(t, uc, SIGSEGV) == 0) {
            apply_mask(t, uc);
            return;
        }
    }
    memset(segv, 0, sizeof *segv);
    raise_default(uc, SIGSEGV);
}

/* The call's last look for a signal to deliver (0: none), TLS-free.  From just
 * before it a signal is requeued, not taken (lx_trap_async): one taken between
 * the look and that mark stayed in lxrun's record, the host's set blocking it
 * (apply_mask holds taken signals), until the guest's next call -- never, for a
 * guest spinning on a flag its handler sets (tests/guest/landings.c). */
__attribute__((no_stack_protector)) static int last_look(struct lx_thread *t, int bad_frame)
{
    __atomic_store_n(&t->resuming, 1, __ATOMIC_RELAXED);
    t->f_kick = 0; /* this is the look the fast path asked for */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    return bad_frame ? 0 : lx_signal_next(&t->task);
}

/* sig goes to a handler of the guest's that stays as it runs: what the guest's FS
 * can serve, TLS-free; the default action, SIG_IGN and SA_RESETHAND need lxrun's. */
__attribute__((no_stack_protector)) static int plain_handler(int sig)
{
    const struct linux_sigaction *act = &lx_proc.sigactions[sig];
    return act->handler != LINUX_SIG_DFL && act->handler != LINUX_SIG_IGN && !(act->flags & LINUX_SA_RESETHAND);
}

/* The next held signal for a plain handler (0: none); another waits for the
 * next trap, which serves it on lxrun's FS. */
__attribute__((no_stack_protector)) static int next_for_handler(const struct lx_thread *t)
{
    int sig = lx_signal_next(&t->task);
    return sig && plain_handler(sig) ? sig : 0;
}

/* deliver_and_resume's common part, TLS-free (resume_from_guest_fs too), after
 * last_look: sig (0: none) delivered into uc, and then, as Linux before it
 * returns to user mode, every other held signal the handler's set lets through,
 * each frame above the last; a call's temporary mask let go, the guest's blocked
 * set applied.  One left held would wait while the guest runs, blocked on the
 * host, with the signals after it free to pass it: a USR1 taken as the fast
 * path's unblocking call began, then a real-time signal the new set opened,
 * delivered 2 101 4 103 (stress.c mask_flipping with its SIGUSR1 stream).  The
 * signal whose frame could not be written, or 0. */
__attribute__((no_stack_protector)) static int deliver_and_apply(struct lx_thread *t, ucontext_t *uc, int sig)
{
    int failed = 0;
    while (sig && !failed) {
        if (deliver_into(t, uc, sig) < 0) failed = sig;
        else sig = next_for_handler(t);
    }
    lx_signal_restore_mask(&t->task);
    apply_mask(t, uc);
    return failed;
}

/* Where the guest's context is whole: delivers its next deliverable signal into
 * uc, then lets a call's temporary mask go, and applies the guest's blocked set
 * (SIGSYS, lxrun's trap, stays open) as the context resumes.  1 when nothing was
 * delivered into uc (no signal, no bad frame). */
static int deliver_and_resume(struct lx_thread *t, ucontext_t *uc, int bad_frame)
{
    int sig = last_look(t, bad_frame);
    /* at SIG_DFL: one taken while lxrun ran (for the report's hook, lx_trap_default),
     * or for a handler the guest has since reset: the system's default action */
    int dflt = sig && lx_proc.sigactions[sig].handler == LINUX_SIG_DFL;
    if (dflt) __atomic_fetch_and(&t->task.pending, ~LINUX_SIGBIT(sig), __ATOMIC_ACQ_REL);
    int failed = deliver_and_apply(t, uc, dflt ? 0 : sig);
    if (failed) bad_frame = 1;
    if (dflt && (LINUX_SIG_DEFAULT_SPARES & LINUX_SIGBIT(sig))) raise_default(uc, sig); /* stop, or nothing */
    else if (dflt) {
        struct linux_siginfo si;
        linux_siginfo_unkeep(&si, &t->task.pending_info[sig - 1]);
        die_of(sig, &si, uc, 1);
    }
    if (bad_frame) force_sigsegv(t, uc, failed); /* last: it may unblock SIGSEGV in the mask just set */
    return !sig && !bad_frame;
}

/* rt_sigreturn's registers and FP state into the context; -1 when the FP state
 * cannot be read (the guest then dies of SIGSEGV, as on Linux). */
static int apply_sigreturn(ucontext_t *uc, const struct linux_sigcontext *sc)
{
    regs_into(uc, sc);
    void *fp = uc->uc_mcontext.fpregs;
    size_t len = fp_len(fp);
    /* the system checks the state as it loads it, as Linux checks a frame's */
    return sc->fpstate && len && gm_copy_in(fp, sc->fpstate, len) < 0 ? -1 : 0;
}

/* A fault in lxrun's guarded copy of guest memory (the guest changed the mapping
 * from another thread after lxrun checked it): the copy returns -EFAULT. */
static int copy_fault_fixup(ucontext_t *uc)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    if (!gm_copy_fault_fixup(&ip)) return 0;
    g[REG_RIP] = (greg_t)ip;
    return 1;
}

/* uc is in lxrun's text, where no guest context is whole -- not at the fast path's
 * last jump (whose state is the guest's: uc moves to the return address) nor in a
 * function the guest's vDSO calls (rx_guest_time: guest code, in effect). */
__attribute__((no_stack_protector)) static int in_lxrun_text(ucontext_t *uc)
{
    uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    return ip >= (uintptr_t)__executable_start && ip < (uintptr_t)etext &&
           !(ip >= (uintptr_t)__start_lx_guest_callable && ip < (uintptr_t)__stop_lx_guest_callable) &&
           !lx_fast_signal_in_guest(uc);
}

static int is_fault(int sig) { return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP; }

/* A system call without libc: its wrappers set errno (TLS) on failure, and these
 * run in handlers that may have the guest's FS loaded.  -errno on failure. */
__attribute__((always_inline)) static inline long raw4(long nr, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

/* The signal goes back to the system, blocked in the interrupted context until it
 * ends: the system brings it again once the guest runs.  TLS-free. */
__attribute__((no_stack_protector)) static void requeue(int sig, siginfo_t *si, ucontext_t *uc, struct lx_thread *t)
{
    t->q_dirty = 1; /* a trap's frame under way must restore the blocked set itself */
    uint64_t mask;
    memcpy(&mask, &uc->uc_sigmask, sizeof mask);
    mask |= LINUX_SIGBIT(sig);
    memcpy(&uc->uc_sigmask, &mask, sizeof mask);
    rx_signal_requeue(t->task.tid, sig, si);
}

/* The signal into the task's pending set; a second instance of a pending
 * real-time one goes back to the system, held until the first is delivered.  It
 * reaches lxrun when code between a nested take and the delivery set the host
 * mask again without the pending signal's bit: musl's critical sections block
 * all but its own 32-34, then restore.  TLS-free. */
__attribute__((no_stack_protector)) static void take_or_requeue(int sig, siginfo_t *si, ucontext_t *uc, struct lx_thread *t)
{
    if (!lx_signal_take(&t->task, sig, (const struct linux_siginfo *)(const void *)si)) requeue(sig, si, uc, t);
}

/* A signal in a thread that is not its record's (entry.S tells by the alternate
 * stack, then the tid): a thread lxrun starts runs its first instants with its
 * creator's GS and with the signals libc's pthread_create opens in it (musl's
 * first in a process: 33 and 34; glibc's: 32), so a process's signal that every
 * guest thread blocks lands there.  Taken for the record's thread, it switched
 * that thread's selector and this thread's FS, or was requeued to the record's
 * thread with kill()'s info, which Linux refuses from a thread other than the
 * first: LTP sigrelse01 lost signal 34 so.  Here nothing of the record is
 * touched: the signal goes back to the process, for a guest thread, and this one
 * blocks every signal (the faults too, as lx_trap_own_thread: with them open, a
 * kill() of SIGBUS came back here at once, again and again).  On this thread's
 * FS, never switched. */
__attribute__((no_stack_protector)) void lx_trap_foreign(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    if (is_fault(sig) && si->si_code > 0) {
        if (!copy_fault_fixup(uc)) install(sig, SIG_DFL, 0);
        return;
    }
    uint64_t all = ~0ULL;
    memcpy(&uc->uc_sigmask, &all, sizeof all);
    rx_signal_requeued_info(si);
    rx_signal_requeue(0, sig, si);
}

/* A guest call blocked in the system, and a signal whose handler asked for
 * SA_RESTART: the system has rewound lxrun's context to restart its call (the
 * host handler mirrors SA_RESTART), which would hold the handler back until the
 * call completes.  Instead lxrun's call returns EINTR, the guest's handler runs,
 * and the guest's call starts again after it (lx_trap_syscall), as on Linux. */
__attribute__((no_stack_protector)) static void interrupt_restart(ucontext_t *uc, struct lx_thread *t, int sig)
{
    if (!__atomic_load_n(&t->task.sleeping, __ATOMIC_RELAXED) || !(lx_proc.sigactions[sig].flags & LINUX_SA_RESTART))
        return;
    greg_t *g = uc->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *)g[REG_RIP];
    if (ip[0] != 0x0f || ip[1] != 0x05) return; /* not at a syscall instruction: nothing to restart */
    g[REG_RIP] += 2;
    g[REG_RAX] = -EINTR;
}

/* Where a guest call has begun but lxrun does not serve it yet: the SIGSYS entry
 * before it opens the selector (entry.S) -- the system delivers a signal that
 * comes with a trap's SIGSYS at its first instruction -- or a trampoline's first
 * instruction (rewrite.c), the selector's opening.  A signal taken there is the
 * call's, which looks for signals before it waits and delivers them as it ends,
 * as for a signal that reaches a thread in a system call.  Requeued (lxrun's
 * text), it stayed blocked through the call, whose wait ran its time
 * (tests/guest/waits.c: a futex wait, served on the guest's FS, missed a quarter
 * of its signals); delivered at a trampoline, the guest's handler saw a program
 * counter outside its code (musl's cancellation looks at it). */
extern char lx_sigsys_entry_wrfsbase[], lx_sigsys_entry_opens_wrfsbase[];
extern char lx_sigsys_entry_arch_prctl[], lx_sigsys_entry_opens_arch_prctl[];

__attribute__((no_stack_protector)) static int before_the_call(const ucontext_t *uc)
{
    uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    return (ip >= (uintptr_t)lx_sigsys_entry_wrfsbase && ip <= (uintptr_t)lx_sigsys_entry_opens_wrfsbase) ||
           (ip >= (uintptr_t)lx_sigsys_entry_arch_prctl && ip <= (uintptr_t)lx_sigsys_entry_opens_arch_prctl) ||
           lx_rewrite_at_trampoline(ip);
}

/* A caught signal taken in a call that may wait, one the guest does not block: a
 * wait the call is yet to begin must not begin (the host's door looks at the
 * kick), and one at its door's edge leaves by its EINTR exit (redox/rx_wait.h).
 * Taken after the call's last look, the signal would otherwise wake nothing. */
__attribute__((no_stack_protector)) static void interrupt_wait(ucontext_t *uc, struct lx_thread *t, int sig)
{
    if (!__atomic_load_n(&t->task.sleeping, __ATOMIC_RELAXED) || (t->task.sigmask & LINUX_SIGBIT(sig))) return;
    t->wait_kick = 1;
    rx_wait_interrupt(uc);
}

/* A fault with its default action in a vfork child's code, which runs on its
 * parent's thread (syscalls/vfork_window.c): the child that dies of it is a fork
 * taken here, which runs the faulting instruction again outside the window; the
 * parent takes back its context, its vfork returning that child's pid.  1 when
 * so served. */
static int vfork_child_faults(int sig, const siginfo_t *si, ucontext_t *uc)
{
    struct lx_thread *t = lx_thread_self();
    if (!lx_vfork_window_open || !is_fault(sig) || si->si_code <= 0 || !t) return 0;
    struct lx_call c = { .nr = -1, .t = t, .task = &t->task, .sp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP],
                         .host_ctx = uc };
    long pid = lx_vfork_window_takeover(&c);
    if (pid == 0) return 1;
    uc->uc_mcontext.gregs[REG_RAX] = pid;
    deliver_and_resume(t, uc, 0);
    return 1;
}

/* A signal for a guest handler.  Nested (lxrun was running: a blocked call, or
 * the stubs' edges, maybe on the guest's FS) it is only recorded, TLS-free; the
 * call returns and delivers it -- unless the call is past its last look for
 * signals: then it is requeued.  In guest code it is delivered at once.  In
 * lxrun's text with the selector closed (the instants before a trap handler opens
 * it or after it closed it, and lxrun's sigreturn) there is no guest context to
 * deliver into: requeued too. */
__attribute__((no_stack_protector)) void lx_trap_async(int sig, siginfo_t *si, void *ucv, struct lx_thread *t,
                                                       int nested)
{
    ucontext_t *uc = ucv;
    rx_signal_requeued_info(si);
    if (nested && is_fault(sig) && si->si_code > 0 && copy_fault_fixup(uc)) return;
    if (nested && is_fault(sig) && si->si_code > 0) { /* lxrun's own fault: it ends the process */
        install(sig, SIG_DFL, 0);
        return;
    }
    uint64_t h = lx_proc.sigactions[sig].handler;
    if (h == LINUX_SIG_DFL || h == LINUX_SIG_IGN) { /* SIGSEGV/SIGBUS without a guest handler (lx_trap_default) */
        /* one the guest blocks waits, as on Linux, whatever its disposition: libc
         * opened it in lxrun's code (musl's pthread_create opens 33 and 34 in its caller) */
        if (!(is_fault(sig) && si->si_code > 0) && (t->task.sigmask & LINUX_SIGBIT(sig))) {
            requeue(sig, si, uc, t);
            return;
        }
        if (si->si_code <= 0 && h == LINUX_SIG_IGN) return; /* sent, and ignored */
        if (!nested && vfork_child_faults(sig, si, uc)) return;
        /* inside lxrun the report's hook cannot run (a lock, a buffer half
         * written): the signal is taken as for a handler, and the end of the call
         * lets it end the process (deliver_and_resume) */
        if (!nested || !fatal_hook || h == LINUX_SIG_IGN || (is_fault(sig) && si->si_code > 0)) {
            die_of(sig, si, uc, !nested);
            return;
        }
    }
    if (!nested && before_the_call(uc)) {
        take_or_requeue(sig, si, uc, t);
        return;
    }
    if (nested ? t->resuming : in_lxrun_text(uc)) {
        requeue(sig, si, uc, t);
        return;
    }
    take_or_requeue(sig, si, uc, t);
    if (nested) {
        interrupt_wait(uc, t, sig);
        interrupt_restart(uc, t, sig);
        lx_fast_signal_nested(t, uc, sig);
    } else {
        deliver_and_resume(t, uc, 0);
    }
}

/* The call trapped in uc, thread t's; t is now before its last look for signals. */
__attribute__((always_inline, no_stack_protector)) static inline struct lx_call call_in(ucontext_t *uc,
                                                                                      struct lx_thread *t)
{
    greg_t *g = uc->uc_mcontext.gregs;
    t->resuming = 0;
    t->q_dirty = 0; /* the frame's blocked set is the host's now (quick_return) */
    return (struct lx_call){
        .nr = g[REG_RAX],
        .a = { (uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDX],
               (uint64_t)g[REG_R10], (uint64_t)g[REG_R8], (uint64_t)g[REG_R9] },
        .t = t,
        .task = &t->task,
        .sp = (uint64_t)g[REG_RSP],
        .host_ctx = uc,
    };
}

struct resume_args {
    struct lx_thread *t;
    ucontext_t *uc;
    int bad_frame, failed;
};
static long resume_on_lxrun_fs(void *p)
{
    struct resume_args *a = p;
    deliver_and_resume(a->t, a->uc, a->bad_frame);
    return 0;
}
static long force_sigsegv_on_lxrun_fs(void *p)
{
    struct resume_args *a = p;
    force_sigsegv(a->t, a->uc, a->failed);
    return 0;
}

/* deliver_and_resume from the guest's FS: a signal for one of the guest's handlers
 * is delivered here, TLS-free; what needs lxrun's FS goes there (lx_fs_call): a
 * signal at its default action (the report's hook, a raise), a handler reset as it
 * runs, a frame that cannot be written or read. */
__attribute__((no_stack_protector)) static int resume_from_guest_fs(struct lx_thread *t, ucontext_t *uc,
                                                                   int bad_frame)
{
    struct resume_args a = { t, uc, bad_frame, 0 };
    int sig = last_look(t, bad_frame);
    if (bad_frame || (sig && !plain_handler(sig))) {
        lx_fs_call(resume_on_lxrun_fs, &a);
        return 0;
    }
    a.failed = deliver_and_apply(t, uc, sig);
    if (a.failed) lx_fs_call(force_sigsegv_on_lxrun_fs, &a);
    return !sig;
}

/* A signal landing in guest code (the selector closed), offered on the guest's FS
 * before lx_trap_async's full way: one for a handler of the guest's, not blocked,
 * not a fault, outside lxrun's text (or at the fast path's last jump, whose state
 * is the guest's) is taken and delivered here, TLS-free -- where FS moves by
 * arch_prctl, two kernel entries fewer per signal (a timer's, a child's end).
 * 0 leaves it to lx_trap_async, untouched but for the fast path's jump, which it
 * tells again. */
__attribute__((no_stack_protector)) int lx_trap_async_guestfs(int sig, siginfo_t *si, void *ucv, struct lx_thread *t)
{
    ucontext_t *uc = ucv;
    if (sig < 1 || sig > LINUX_NSIG || lx_vfork_window_open || (is_fault(sig) && si->si_code > 0) ||
        (t->task.sigmask & LINUX_SIGBIT(sig)))
        return 0;
    if (!plain_handler(sig)) return 0;
    if (in_lxrun_text(uc) || before_the_call(uc)) return 0; /* no guest context to deliver into */
    rx_signal_requeued_info(si);
    t->f_vec_saved = 1; /* lx_fs_call: the frame keeps them */
    t->f_on_guest_fs = 1;
    take_or_requeue(sig, si, uc, t);
    resume_from_guest_fs(t, uc, 0);
    t->f_on_guest_fs = 0;
    return 1;
}

/* The flags the fast path's exit does not set (it sets CF PF AF ZF SF DF OF):
 * TF NT RF AC, which only rt_sigreturn restores. */
#define QUICK_UNKEPT_FLAGS 0x54100ULL

/* The end of a trap whose call is served with nothing delivered and the host's
 * blocked set already the one the frame would restore (entry_mask, the frame's
 * set as the trap began: SIGSYS's handler blocks nothing more, sud.c's
 * lx_trap_thread_init): the guest's context goes back into the thread record,
 * and the stub leaves by the fast path's exit stretch (lx_trap_quick_exit)
 * instead of rt_sigreturn -- on a KPTI host one kernel entry, ~1.2 us, fewer a
 * trap.  From the moment `resuming` is cleared a signal is taken as in a
 * fast-path call (f_kick: the stretch goes to the gate, whose trap delivers it);
 * one requeued before it (q_dirty: blocked on the host meanwhile) sends the call
 * to the gate too, whose frame sets the blocked set right.  A call that needs
 * the trap's context, a vfork window, flags only a frame restores or a frame's
 * registers unlike a syscall's leave by rt_sigreturn as before.  1 when the
 * quick way is taken.  TLS-free. */
__attribute__((no_stack_protector)) static int quick_return(struct lx_thread *t, ucontext_t *uc,
                                                            const struct lx_call *c, uint64_t entry_mask, int quiet)
{
    greg_t *g = uc->uc_mcontext.gregs;
    const char *fp = (const char *)uc->uc_mcontext.fpregs;
    uint64_t mask;
    memcpy(&mask, &uc->uc_sigmask, sizeof mask);
    if (!quiet || mask != entry_mask || t->q_dirty || !t->q_stretch || !t->f_gate || !fp || ((uintptr_t)fp & 63) ||
        lx_vfork_window_open || lx_call_needs_trap(c->nr) || g[REG_RCX] != g[REG_RIP] || g[REG_R11] != g[REG_EFL] ||
        ((uint64_t)g[REG_EFL] & QUICK_UNKEPT_FLAGS))
        return 0;
    struct linux_fpx_sw_bytes sw;
    memcpy(&sw, fp + LINUX_FP_SW_BYTES_OFFSET, sizeof sw);
    t->q_xfeatures = sw.magic1 == LINUX_FP_XSTATE_MAGIC1 ? sw.xfeatures : 0;
    t->q_fp = (void *)fp;
    static const unsigned char kept[6] = { REG_RBX, REG_RBP, REG_R12, REG_R13, REG_R14, REG_R15 };
    static const unsigned char args[6] = { REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9 };
    for (int i = 0; i < 6; i++) {
        t->q_regs[i] = (uint64_t)g[kept[i]];
        t->f_args[i] = (uint64_t)g[args[i]];
    }
    t->f_flags = (uint64_t)g[REG_EFL];
    t->f_ret = (uint64_t)g[REG_RIP];
    t->f_rsp = (uint64_t)g[REG_RSP];
    t->f_result = (uint64_t)g[REG_RAX];
    t->f_nr = (uint64_t)c->nr;
    t->f_eintr_only = (uint8_t)c->eintr_only;
    t->f_vec_saved = 0; /* the exit loads the frame's FP state itself */
    __atomic_store_n(&t->resuming, 0, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&t->q_dirty, __ATOMIC_RELAXED)) t->f_kick = 1;
    return 1;
}

/* On the guest's FS, TLS-free but through lx_fs_call
 * (tests/design/guestfs_vector_free.py), what the trap serves without switching
 * FS -- where FS moves by arch_prctl, two kernel entries fewer each:
 * - a call whose line says GUESTFS: an exec'd program's first calls (before its
 *   sites are rewritten), the sites never rewritten, every call with --trap=sud;
 *   rt_sigreturn (CONTEXT|GUESTFS) at its site or handed over at the gate;
 * - the fast path's finished call at the gate, which has a signal to deliver.
 * The signal frame holds the guest's vector registers already.  A signal for a
 * handler of the guest's is delivered here too (resume_from_guest_fs).  0 when the
 * full trap must serve it (then nothing was done): another signal than the
 * dispatch's, another call, a decline, a vfork window.  A site due for rewriting
 * is rewritten here (lx_fast_site_trapped). */
__attribute__((no_stack_protector)) int lx_trap_syscall_guestfs(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    if (sig != SIGSYS || si->si_code != SYS_USER_DISPATCH_CODE || lx_vfork_window_open) return 0;
    long nr = g[REG_RAX];
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    int how = lx_fast_trap_on_guest_fs(nr, ip);
    if (!how || (how == LX_GUESTFS_CALL && lx_call_guestfs_declines(nr, (int)g[REG_RDI]))) return 0;
    uint64_t entry_mask;
    memcpy(&entry_mask, &uc->uc_sigmask, sizeof entry_mask);
    struct lx_thread *t;
    __asm__("movq %%gs:0, %0" : "=r"(t)); /* lx_thread_self() reads TLS */
    struct lx_call c = call_in(uc, t);
    t->f_vec_saved = 1; /* lx_fs_call: the frame keeps them */
    t->f_on_guest_fs = 1;
    if (how == LX_GUESTFS_FINISHED) {
        lx_fast_gate(t, uc, &c);
    } else {
        if (!lx_fast_gate(t, uc, &c)) lx_fast_site_trapped(ip, nr); /* counted, or rewritten */
        g[REG_RAX] = lx_dispatch_guestfs(&c);
    }
    int next = g[REG_RAX] == -EINTR ? lx_signal_next(c.task) : 0;
    if (next && lx_call_restarts(&c, next)) { /* the handler runs, then the call again */
        g[REG_RAX] = c.nr;
        g[REG_RIP] -= 2;
    }
    int bad_frame = c.sigreturn && apply_sigreturn(uc, c.sigreturn) < 0;
    int quiet = resume_from_guest_fs(t, uc, bad_frame);
    t->f_on_guest_fs = 0;
    return quick_return(t, uc, &c, entry_mask, quiet) ? 2 : 1;
}

int lx_trap_catch(int sig, int restart)
{
    return install(sig, (void *)lx_fs_path()->async_entry, SA_SIGINFO | SA_ONSTACK | (restart ? SA_RESTART : 0));
}

int lx_trap_syscall(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t entry_mask;
    memcpy(&entry_mask, &uc->uc_sigmask, sizeof entry_mask);
    if (sig != SIGSYS || si->si_code != SYS_USER_DISPATCH_CODE) {
        /* Sent by kill: the guest's disposition decides; the default one ends the
         * process with SIGSYS (and a core), as Linux's does. */
        uint64_t h = lx_proc.sigactions[SIGSYS].handler;
        if (h == LINUX_SIG_DFL) lx_trap_fatal(sig, si, ucv);
        else if (h != LINUX_SIG_IGN) {
            struct lx_thread *t = lx_thread_self();
            lx_signal_take(&t->task, sig, (const struct linux_siginfo *)(const void *)si);
            deliver_and_resume(t, uc, 0);
        }
        return 0;
    }
    struct lx_call c = call_in(uc, lx_thread_self());
    long r;
    int gate = lx_fast_gate(c.t, uc, &c);
    if (gate == 1) { /* a call the fast path finished, for its signals */
        r = g[REG_RAX];
    } else {
        if (!gate) lx_fast_site_trapped((uintptr_t)g[REG_RIP], c.nr);
        r = lx_dispatch(&c);
    }
    g[REG_RAX] = r;
    int next = r == -EINTR ? lx_signal_next(c.task) : 0;
    if (next && lx_call_restarts(&c, next)) { /* the handler runs, then the call again */
        g[REG_RAX] = c.nr;
        g[REG_RIP] -= 2;
    }
    if (c.new_sp) g[REG_RSP] = (greg_t)c.new_sp;
    int bad_frame = c.sigreturn && apply_sigreturn(uc, c.sigreturn) < 0;
    if (c.fresh_fp) fresh_fp(uc->uc_mcontext.fpregs, fp_len(uc->uc_mcontext.fpregs));
    /* The guest's blocked set (rt_sigprocmask may have changed it) takes effect as
     * the signal frame returns, after any signal now deliverable is. */
    int quiet = deliver_and_resume(c.t, uc, bad_frame);
    return quick_return(c.t, uc, &c, entry_mask, quiet);
}


static int install(int sig, void *handler, unsigned long flags)
{
    struct k_sigaction ka = {
        .handler = handler, .flags = flags | K_SA_RESTORER, .restorer = (void *)lx_sigreturn, .mask = ~0ULL & ~FAULTS,
    };
    return (int)raw4(SYS_rt_sigaction, sig, (long)&ka, 0, 8); /* its handler may run on the guest's FS */
}

void lx_trap_fatal(int sig, siginfo_t *si, void *ucv)
{
    rx_signal_requeued_info(si);
    if (si->si_code <= 0 && lx_proc.sigactions[sig].handler == LINUX_SIG_IGN) return; /* sent, and ignored */
    if (vfork_child_faults(sig, si, ucv)) return;
    die_of(sig, si, ucv, 1);
}

int lx_trap_default(int sig, int ignore)
{
    if (sig == SIGSEGV || sig == SIGBUS) return lx_trap_catch(sig, 0); /* nested faults need the async path */
    if (ignore) return install(sig, SIG_IGN, 0);
    /* libc's pthread_create opens some of 32-34 in a thread of lxrun's first instants
     * (lx_trap_foreign): with the system's default action there, one the guest
     * blocks would end the process instead of waiting for it */
    if (sig >= 32 && sig <= 34) return lx_trap_catch(sig, 0);
    if (!fatal_hook || (LINUX_SIG_DEFAULT_SPARES & LINUX_SIGBIT(sig))) return install(sig, SIG_DFL, 0);
    /* the synchronous ones arrive in guest code (lxrun's calls block them); the rest
     * may land in a call, and take the async path */
    if (sig == SIGILL || sig == SIGFPE || sig == SIGABRT || sig == SIGTRAP)
        return install(sig, (void *)lx_fs_path()->fatal_entry, SA_SIGINFO | SA_ONSTACK);
    return lx_trap_catch(sig, 0);
}

void lx_trap_catch_fatal(void (*hook)(int sig, const struct linux_siginfo *si)) { fatal_hook = hook; }

/* Alternate stacks of ended threads, kept for the next ones (spares.h). */
static void *spare_altstacks[8] RX_START_WRITTEN;

/* The fast path's vector-state area above the stack (lx_fast_thread_init) is left
 * out of forks (MADV_WIPEONFORK): it holds nothing across a call, and no fork is
 * made inside one (fork goes to the trap, with the state restored first), so a
 * child may find it zeroed; the parent's next fast call then writes it without the
 * fault a page both sides shared costs after each fork (~18 us on a paravirtualised
 * VM: one a fork+exec in sh's loop).  The first thread's is named to the host
 * (rx_fork_copies): where the host pins it, the child gets a copy at the fork and
 * its own first fast call takes no fault either.
 * The stack's top pages and the area above are populated in one call: every
 * thread's first calls write them (the signal frame of its first trap, then the
 * handlers' frames: a stat's, with vfs_resolve's, resolve_ex's and vfs_record's
 * path buffers, reaches the eighth page), and each fault cost ~9 us on a
 * paravirtualised VM, where the populate costs ~1 us a page (a git status's
 * four index-preload threads took four such faults each, its main thread
 * seven). */
#define ALTSTACK_HOT (8 * 4096)
static void *altstack_take(size_t size)
{
    void *s = lx_spare_take(spare_altstacks, LX_SPARES_N(spare_altstacks));
    if (s) return s;
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    if (size > ALTSTACK_SIZE) madvise((char *)m + ALTSTACK_SIZE, size - ALTSTACK_SIZE, MADV_WIPEONFORK);
    rx_madvise((uintptr_t)m + ALTSTACK_SIZE - ALTSTACK_HOT, size - ALTSTACK_SIZE + ALTSTACK_HOT, RX_MADV_POPULATE_WRITE);
    return m;
}

static void altstack_give(void *s, size_t size)
{
    if (!lx_spare_give(spare_altstacks, LX_SPARES_N(spare_altstacks), s)) munmap(s, size);
}

/* A thread starts with its creator's GS, and libc's pthread_create opens signals
 * in it (glibc its 32 and 33, musl its 33).  A signal landing in a thread of
 * lxrun's with a guest thread's record at %gs acted for that thread: the entry
 * switched FS to its lxrun and guest bases -- leaving the guest's TLS in lxrun's
 * thread, where libc's errno then overwrote the guest's pointer guard -- and took
 * signals into its record.  So: lx_thread_none at GS (selector 0: lxrun is
 * running, nothing switches FS) and every signal blocked, so that a sent one always
 * goes to a guest thread, as it would with no lxrun (SIGSEGV and SIGBUS too: left
 * open, a kill() of them reached this thread while the guest's blocked them). */
__attribute__((no_stack_protector)) void lx_trap_own_thread(void)
{
    uint64_t all = ~0ULL; /* first: no handler may look at %gs meanwhile */
    raw4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, 8);
    raw4(SYS_arch_prctl, ARCH_SET_GS, (long)&lx_thread_none, 0, 0);
}

/* The host thread outlives its guest thread a little: lxrun's own from here, every
 * signal blocked so that one sent goes to a guest thread.  t stays at %gs, its
 * alternate stack and selector (open: lxrun's calls pass anyway) in force, until
 * the host thread is gone and lx_trap_thread_free gives them back: resetting GS,
 * interception and the alternate stack here cost three calls more per thread
 * (an ARCH_SET_GS took 10-14 us on the paravirtualised VM of design-notes). */
static void thread_release(struct lx_thread *t)
{
    uint64_t all = ~0ULL;
    raw4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, 8);
    t->selector = 0;
    t->f_on_guest_fs = 0; /* lx_fs_call: plain calls */
    lx_thread_current = NULL;
}

void lx_trap_thread_free(struct lx_thread *t)
{
    altstack_give(t->altstack, t->altstack_size);
    t->altstack = NULL;
}

void lx_trap_run_thread(struct lx_thread *t, const struct linux_sigcontext *regs)
{
    sigjmp_buf back;
    t->exit_jump = &back;
    if (sigsetjmp(back, 0) == 0) lx_trap_resume_guest(t, regs);
    thread_release(t); /* lx_trap_thread_exit jumped here, out of the SIGSYS handler */
}

_Noreturn void lx_trap_thread_exit(struct lx_thread *t)
{
    if (t->exit_jump) siglongjmp(*(sigjmp_buf *)t->exit_jump, 1);
    /* the main thread: the process's other threads go on; the system clears and
     * wakes its clear_child_tid word once it is gone, as Linux's exit does */
    if (t->task.clear_child_tid) syscall(SYS_set_tid_address, t->task.clear_child_tid);
    for (;;) syscall(SYS_exit, 0);
}

int lx_trap_thread_init(struct lx_thread *t)
{
    /* FS's base: both libcs keep it at %fs:0 (the thread block points to itself), which
     * costs no arch_prctl (a hypervisor's MSR read on a VM without FSGSBASE: ~5 us) */
    uint64_t fs;
    __asm__("movq %%fs:0, %0" : "=r"(fs));
    t->self = t;
    t->host_fs = fs;
    t->selector = 0;
    __atomic_store_n(&t->task.tid, (int)rx_thread_tid(), __ATOMIC_RELAXED); /* a new thread's creator stores the same */
    /* Once per thread, so the stubs find t at %gs:0 on any CPU. */
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, t) < 0) return -errno;
    lx_thread_current = t;

    /* the alternate stack, and above it the fast path's vector-state area: the
     * fast path runs from the stack's top, where no signal frame is meanwhile */
    t->altstack_size = ALTSTACK_SIZE + ((lx_fast_xsave_size() + 4095) & ~(size_t)4095);
    t->altstack = altstack_take(t->altstack_size); /* the same size in every thread */
    if (!t->altstack) return -ENOMEM;
    stack_t ss = { .ss_sp = t->altstack, .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) < 0) return -errno;
    lx_fast_thread_init(t, (char *)t->altstack + ALTSTACK_SIZE);
    static int area_named; /* the first thread's, which makes the forks of a process of one thread */
    if (!area_named && t->altstack_size > ALTSTACK_SIZE) {
        area_named = 1;
        rx_fork_copies((char *)t->altstack + ALTSTACK_SIZE, t->altstack_size - ALTSTACK_SIZE);
    }
    t->counts = lx_report.observe ? lx_my_counts() : NULL;

    /* While lxrun serves a trapped call the blocked set is the guest's, as in a
     * fast-path call: a signal the guest does not block is nested -- recorded by
     * the async entry, TLS-free, and delivered as the call ends, its wait ended
     * with EINTR -- or, at SIG_DFL or SIG_IGN, acted on by the system at once, as
     * natively (`timeout 2 lxrun sleep 30` ends at 2 s).  Nothing blocked more
     * (no sa_mask, SA_NODEFER) keeps the host's set the frame's, so a call that
     * changes neither it nor the context can end without rt_sigreturn
     * (quick_return). */
    struct k_sigaction ka = {
        .handler = (void *)lx_fs_path()->sigsys_entry,
        .flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | K_SA_RESTORER,
        .restorer = (void *)lx_sigreturn,
        .mask = 0,
    };
    /* a process's disposition: installed by its first thread (a fork keeps it, the
     * guest's sigaction never changes it) */
    static int sigsys_installed;
    if (__atomic_load_n(&sigsys_installed, __ATOMIC_ACQUIRE)) return 0;
    if (syscall(SYS_rt_sigaction, SIGSYS, &ka, NULL, 8) < 0) return -errno;
    __atomic_store_n(&sigsys_installed, 1, __ATOMIC_RELEASE);
    return 0;
}

static int arm(struct lx_thread *t)
{
    uintptr_t text = (uintptr_t)__executable_start;
    size_t len = (uintptr_t)etext - text;
    return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, text, len, &t->selector) == 0 ? 0 : -errno;
}

_Noreturn void lx_trap_enter_guest(struct lx_thread *t, uintptr_t entry, uintptr_t sp)
{
    /* Selector open until lx_enter_guest closes it, as the last thing before guest code. */
    t->selector = 0;
    if (arm(t) != 0) _exit(126);
    lx_fs_path()->enter_guest(entry, sp, t);
}

void lx_trap_fork_leaves_code_out(int on) { lx_rewrite_chunks_left_out(on); }

void lx_trap_forked_without_code(void) { lx_rewrite_chunks_not_here(); }

void lx_trap_exec_reset(struct lx_thread *t)
{
    lx_rewrite_forget();
    t->guest_fs = 0;
}

void lx_trap_call_regs(const struct lx_call *c, struct linux_sigcontext *out) { regs_of(c->host_ctx, out); }

size_t lx_trap_call_fp(const struct lx_call *c, void **fp)
{
    ucontext_t *uc = c->host_ctx;
    *fp = uc->uc_mcontext.fpregs;
    return fp_len(*fp);
}

void lx_trap_call_resume(const struct lx_call *c, const struct linux_sigcontext *regs, const void *fp, size_t len)
{
    ucontext_t *uc = c->host_ctx;
    regs_into(uc, regs);
    if (fp && len == fp_len(uc->uc_mcontext.fpregs)) memcpy(uc->uc_mcontext.fpregs, fp, len);
}

__attribute__((no_stack_protector)) uintptr_t lx_trap_call_ip(const struct lx_call *c)
{
    const ucontext_t *uc = c->host_ctx;
    return uc ? (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] : 0;
}

_Noreturn void lx_trap_resume_guest(struct lx_thread *t, const struct linux_sigcontext *regs)
{
    t->selector = 0;
    if (arm(t) != 0) _exit(126);
    uint64_t mask = t->task.sigmask & ~LINUX_SIGBIT(SIGSYS);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8);
    lx_fs_path()->resume_guest(regs, t);
}

int lx_trap_rearm_after_fork(struct lx_thread *t)
{
    /* Linux does not carry Syscall User Dispatch into a forked child (DESIGN
     * invariant 6); the selector is open here (lxrun is running) and the stub
     * closes it on the way back to the guest. */
    t->task.tid = (int)rx_getpid(); /* the child's only thread: its pid (rx_fork noted it) */
    rx_signal_requeue_forked();
    gm_forked(); /* only this thread is in the child: nobody holds guestmem's locks */
    lx_rewrite_forked();
    return arm(t);
}

/* signal_frame.h — delivering a signal to a guest handler as Linux does: the
 * rt_sigframe built on the guest's stack (or its alternate stack), the handler
 * entered with the registers Linux gives it, and rt_sigreturn taking the frame
 * down again.  The trap supplies the guest's registers in Linux's sigcontext
 * layout and its FP state (the system's xsave area), and applies what comes back;
 * it decides when delivery happens (only where the guest's context is whole:
 * between guest instructions or as a call returns, never inside a translation). */
#ifndef LXRUN_SIGNAL_FRAME_H
#define LXRUN_SIGNAL_FRAME_H

#include <stddef.h>

#include "../abi/linux_signal.h"
#include "../process/process.h"

/* A signal taken from the system for a guest handler: pending until delivered.
 * 0 when it is a real-time signal with an instance pending already: lxrun keeps one
 * per signal, so this one was not taken and must go back to the system (a real-time
 * signal queues; a standard one merges with the pending one, as on Linux: 1).
 * Safe in a signal handler running on any FS (no TLS, no locks). */
int lx_signal_take(struct lx_task *t, int sig, const struct linux_siginfo *si);

/* The signal to deliver now: pending and not blocked, synchronous faults first,
 * then the lowest number, as Linux picks; 0 if none. */
int lx_signal_next(const struct lx_task *t);

/* Delivers sig: the frame is written to the guest's stack, the blocked set and
 * disposition updated; regs goes in as the interrupted state and comes out as the
 * handler's entry state.  fp (fplen bytes) is the FP state to save in the frame.
 * 0, or -1 when the frame cannot be written: the process must then die of SIGSEGV,
 * as Linux forces it; 1 when sig has no handler now (another thread's sigaction
 * since it was taken): nothing written, the signal gone if it is ignored now, else
 * pending for its default action at the trap's next look. */
int lx_signal_deliver(struct lx_task *t, int sig, struct linux_sigcontext *regs, const void *fp, size_t fplen);

/* The blocked set the host thread runs the guest with: the guest's, and the
 * signals lxrun holds taken but not yet delivered, so that their further
 * instances wait queued in the system, in order, instead of meeting the one held
 * (a real-time signal queues); never SIGSYS (the trap), SIGSEGV or SIGBUS (lxrun's
 * own faults).  Linux's bit layout, which the host's is. */
static inline uint64_t lx_signal_host_mask(const struct lx_task *t)
{
    const uint64_t lxrun_own = LINUX_SIGBIT(LINUX_SIGSEGV) | LINUX_SIGBIT(LINUX_SIGBUS);
    uint64_t held = __atomic_load_n(&t->pending, __ATOMIC_ACQUIRE) & ~lxrun_own;
    return (t->sigmask | held) & ~LINUX_SIGBIT(LINUX_SIGSYS);
}

/* The blocked set becomes mask until the call returns (sigsuspend, ppoll…). */
void lx_signal_mask_until_return(struct lx_task *t, uint64_t mask);
/* As a call returns: the mask such a call set gives way to the one before. */
void lx_signal_restore_mask(struct lx_task *t);

#endif

/* dispatch.h — one trapped system call, and the entry into the table. */
#ifndef LXRUN_DISPATCH_H
#define LXRUN_DISPATCH_H

#include <stdint.h>

#include "../trap/thread.h"

struct lx_call {
    long nr;
    uint64_t a[6];      /* rdi rsi rdx r10 r8 r9 */
    struct lx_thread *t;    /* the calling thread's trap record (the guest's FS base) */
    struct lx_task *task;   /* its guest kernel state (mask, robust list…) */
    int untraced_return;    /* set by a handler whose return the trace must not show
                               (a forked child's fork: strace shows it once, in the parent) */
    uint64_t sp;            /* the guest's stack pointer at the call */
    uint64_t new_sp;        /* set by a handler: the guest resumes on this stack (clone) */
    struct linux_sigcontext *sigreturn; /* set by rt_sigreturn: the guest resumes with these
                                           registers and the FP state they point at */
    int fresh_fp;           /* set by an exec in place: the FP state starts afresh (with sigreturn's
                               registers, whose fpstate is then 0) */
    void *host_ctx;         /* the trap's own record of the guest's context (lx_trap_call_regs) */
    int eintr_only;         /* set by a handler whose call, interrupted, is not restarted even for
                               an SA_RESTART handler (a futex wait with a timeout, as Linux's
                               restart-block calls) */
};

/* Whether c, having failed with EINTR, is restarted after the handler of the
 * signal now to be delivered (sig): its line says RESTARTS (signal(7)'s list) and
 * the handler asked for SA_RESTART. */
int lx_call_restarts(const struct lx_call *c, int sig);

long lx_dispatch(struct lx_call *c);
/* The same, in a frame of lx_dispatch's that counts and traces the call itself
 * (a vfork child's call, made by the fork that took over: syscalls/vfork_window.c). */
long lx_dispatch_unrecorded(struct lx_call *c);
/* 1 if call nr needs the trap's record of the guest's context (its line says
 * CONTEXT): a rewritten site hands it to the trap instead of the fast path. */
int lx_call_needs_trap(long nr);
/* 1 if call nr with arguments a is a fork the fast path makes (its line says FORKS;
 * fork, or clone with the exit signal and the tid words alone: glibc's fork). */
int lx_call_fork_fast(long nr, const uint64_t *a);
/* 1 if a site of call nr is worth rewriting: the fast path serves it, or some of
 * its calls (FORKS). */
int lx_call_site_rewritable(long nr);
/* A GUESTFS call (lx_call_on_guest_fs): the handler, counted and timed with a
 * report, nothing that reads lxrun's TLS (tests/design/guestfs_vector_free.py). */
long lx_dispatch_guestfs(struct lx_call *c);
/* With a report: 1 if GUESTFS calls can be counted on the guest's FS (no trace, a
 * guest-callable clock); called once, on lxrun's FS, before any is served. */
int lx_dispatch_guestfs_observing(void);
/* 1 if call nr can be served on the guest's FS (its line says GUESTFS). */
int lx_call_on_guest_fs(long nr);
/* 1 if GUESTFS call nr's path uses no vector register (its line has no VECTORS):
 * the stub need not save the guest's. */
int lx_call_vector_free(long nr);
/* 1 if call nr's line is quick: GUESTFS without VECTORS, CONTEXT, FORKSTATE or
 * NORETURN (read, write, lseek, pread64, pwrite64, the id calls). */
int lx_call_quick(long nr);
/* A quick line's call, no vfork window open and nothing observed: the handler
 * with only the looks such a line needs, on the guest's FS; *lxrun_fs set (and
 * nothing done) when it needs lxrun's FS after all, as lx_call_guestfs_declines
 * says.  TLS-free. */
long lx_dispatch_quick(struct lx_call *c, int *lxrun_fs);
/* 1 when GUESTFS call nr (first argument fd) needs lxrun's FS after all: an fd
 * with an object of lxrun's behind it (an emulated file's ops are ordinary C), or
 * a call that may wait while the /proc answerer is still to start (it starts
 * one).  TLS-free. */
int lx_call_guestfs_declines(long nr, int fd);
/* The calling thread is (1) or is no longer (0) waiting in c: S in /proc, and a
 * signal with SA_RESTART interrupts it (dispatch does this around BLOCKS calls; a
 * handler whose call only sometimes waits, as futex, does it itself).  Going to
 * sleep, 1 when a deliverable signal is already pending: the call must end with
 * EINTR (or restart after the handler) instead of waiting, as Linux checks before
 * it sleeps.  (A signal taken after this look and before the system call blocks
 * still waits for the call to end: a window of a few hundred instructions.) */
int lx_call_sleeping(struct lx_call *c, int on);

#endif

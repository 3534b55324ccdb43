/* thread.h — lxrun's per-thread state (DESIGN invariant 5).
 *
 * The entry stubs find it through GS: its base is set once per thread to the
 * record, whose first word points to itself, so `mov %gs:0` works on every x86-64
 * CPU (no rdgsbase).  lxrun's C code, which runs with lxrun's FS, finds it through
 * a TLS pointer set at the same time; outside a trapped thread that is NULL.
 * Included by entry.S for the offsets. */
#ifndef LXRUN_THREAD_H
#define LXRUN_THREAD_H

#define LX_THREAD_SELF 0
#define LX_THREAD_HOST_FS 8
#define LX_THREAD_GUEST_FS 16
#define LX_THREAD_SELECTOR 24
#define LX_THREAD_RESUME_RIP 32

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "../process/process.h"

struct lx_thread {
    struct lx_thread *self;   /* %gs:0 */
    uint64_t host_fs;         /* lxrun's TLS base for this thread */
    uint64_t guest_fs;        /* the guest's FS base: lxrun's record of it is the truth
                                 without FSGSBASE (the guest can change FS only through
                                 arch_prctl); refreshed by rdfsbase at entry with it */
    volatile uint8_t selector;/* Syscall User Dispatch selector byte */
    uint8_t pad_[7];
    uint64_t resume_rip;      /* where a new thread's guest code starts (lx_resume_guest_*) */
    void *altstack;
    size_t altstack_size;
    struct lx_task task;      /* the guest thread's kernel state (process/), carried here */
    volatile int resuming;    /* past the last look for signals to deliver, on the way back
                                 to the guest: a signal now must wait for the guest's context */
    void *exit_jump;          /* a thread lxrun started: where its exit goes back to, out of
                                 the trap, so the host thread ends as it began (sigjmp_buf *) */
};

_Static_assert(offsetof(struct lx_thread, self) == LX_THREAD_SELF, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, host_fs) == LX_THREAD_HOST_FS, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, guest_fs) == LX_THREAD_GUEST_FS, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, selector) == LX_THREAD_SELECTOR, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, resume_rip) == LX_THREAD_RESUME_RIP, "entry.S offset");

extern _Thread_local struct lx_thread *lx_thread_current;

/* The calling thread's record, or NULL in a thread lxrun never trapped. */
static inline struct lx_thread *lx_thread_self(void) { return lx_thread_current; }
#endif

#endif

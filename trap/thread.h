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
/* the fast path (rewritten sites, trap/fast.c): fields the trampolines and stubs use */
#define LX_THREAD_FAST_ENTRY 40
#define LX_THREAD_F_XSAVE 48
#define LX_THREAD_F_RSP 56
#define LX_THREAD_F_RET 64
#define LX_THREAD_F_FLAGS 72
#define LX_THREAD_F_NR 80
#define LX_THREAD_F_RDI 88
#define LX_THREAD_F_RSI 96
#define LX_THREAD_F_RDX 104
#define LX_THREAD_F_R10 112
#define LX_THREAD_F_R8 120
#define LX_THREAD_F_R9 128
#define LX_THREAD_F_RESULT 136
#define LX_THREAD_F_GATE 144
#define LX_THREAD_F_KICK 152
#define LX_THREAD_F_BOUNCE 153
#define LX_THREAD_F_XSAVE_ALL 155
#define LX_THREAD_RESUMING 156
#define LX_THREAD_F_VEC_SAVED 160
#define LX_THREAD_F_ON_GUEST_FS 161
#define LX_THREAD_FS_CALL 168
#define LX_THREAD_ALTSTACK 176
#define LX_THREAD_ALTSTACK_LEN 184
/* the trap's quick return (sud.c): what the fast path's exit does not load */
#define LX_THREAD_Q_REGS 208 /* rbx rbp r12 r13 r14 r15 */
#define LX_THREAD_Q_FP 256
#define LX_THREAD_Q_XFEATURES 264
#define LX_THREAD_Q_STRETCH 272
/* the session's CPUID answers and the count of lookups that missed them, for the
 * detours' lookup (cpuid_sites.c): found at %gs, so their code holds no address of
 * the session's and can be kept from one session to the next (plant_cache.c) */
#define LX_THREAD_CPUID_ANSWERS 288
#define LX_THREAD_CPUID_MISSED 296
#define LX_THREAD_TID 312 /* task.tid */
/* the record's head, every field but the task's waiting signals' details: what a
 * trap or a fork writes (the main thread's lies on the fork-hot page:
 * tests/design/fork_hot_page.py reads this) */
#define LX_THREAD_HOT 664
/* the end of the SIGCHLD details among the waiting signals' (a shell's lxrun writes
 * them after each fork: on the fork-hot page too, fork_hot_page.py) */
#define LX_THREAD_SIGCHLD_END 1480
/* the alternate stack the trap and the fast path run on; the fast path from its top */
#define LX_THREAD_ALTSTACK_SIZE (256 * 1024)
/* rax at the gate when the fast path hands a finished call to the trap for its
 * signals (outside Linux's numbers) */
#define LX_NR_GATE 0x4c58

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "../process/process.h"
#include "../redox/rx_wait.h"

struct lx_thread {
    struct lx_thread *self;   /* %gs:0 */
    uint64_t host_fs;         /* lxrun's TLS base for this thread */
    uint64_t guest_fs;        /* the guest's FS base: lxrun's record of it is the truth
                                 without FSGSBASE (the guest can change FS only through
                                 arch_prctl); refreshed by rdfsbase at entry with it */
    volatile uint8_t selector;/* Syscall User Dispatch selector byte */
    uint8_t pad_[7];
    uint64_t resume_rip;      /* where a new thread's guest code starts (lx_resume_guest_*) */
    /* The fast path: a rewritten site's trampoline jumps to fast_entry; the stub
     * saves the guest's state here (f_*) and runs on the stack ending at f_xsave,
     * the top of the alternate stack, which no signal frame uses while guest code
     * runs. */
    uint64_t fast_entry;
    void *f_xsave;            /* above the stack's top: the guest's vector state while
                                 lxrun serves it (64-aligned) */
    uint64_t f_rsp, f_ret, f_flags, f_nr;
    uint64_t f_args[6];       /* rdi rsi rdx r10 r8 r9 */
    uint64_t f_result;
    uint64_t f_gate;          /* a `syscall` outside lxrun's text: the way into the trap */
    volatile uint8_t f_kick;  /* a signal to deliver: the call ends through the trap */
    uint8_t f_bounce;         /* the call needs the trap's context: served there */
    uint8_t f_eintr_only;     /* the call's eintr_only, for the trap's restart decision */
    uint8_t f_xsave_all;      /* 1: XSAVEOPT the whole state (AMX and the like); 0:
                                 xmm, ymm or zmm0-15, MXCSR and the x87 control word by hand */
    volatile int resuming;    /* past the last look for signals to deliver, on the way back
                                 to the guest: a signal now must wait for the guest's context */
    uint8_t f_vec_saved;      /* the guest's vector state is saved (the stub does it, except for a
                                 GUESTFS line without VECTORS, whose path uses none:
                                 tests/design/guestfs_vector_free.py; or lx_fs_call) */
    uint8_t f_on_guest_fs;    /* a GUESTFS call runs on the guest's FS: lx_fs_call switches */
    volatile uint8_t wait_kick; /* a caught signal was taken during a call that may wait: the
                                 host's door to waits enters none (redox/rx_wait.h) */
    volatile uint8_t f_unblocking; /* the fast path sets a blocked set that opens signals: one the
                                 system held comes now; the nested handler holds back the rest */
    uint8_t pad3_[4];
    uint64_t fs_call;         /* lx_fs_call's switching half for the chosen FS path */
    void *altstack;
    size_t altstack_size;
    void *exit_jump;          /* a thread lxrun started: where its exit goes back to, out of
                                 the trap, so the host thread ends as it began (sigjmp_buf *) */
    void *counts;             /* with a report: this thread's counts (report/record.h), the
                                 table lx_my_counts gives through TLS, for the guest-FS path */
    /* The trap's quick return (sud.c, quick_return): a call served without a signal
     * to deliver or a blocked set to change leaves the signal frame by the fast
     * path's exit stretch instead of rt_sigreturn; these are the rest of the
     * guest's context it loads first. */
    uint64_t q_regs[6];       /* rbx rbp r12 r13 r14 r15 */
    void *q_fp;               /* the frame's FP state */
    uint64_t q_xfeatures;     /* its XSAVE features (XRSTOR's mask); 0: an FXSAVE area */
    uint64_t q_stretch;       /* lx_fast_exit_check_* of the FS path in use */
    volatile uint8_t q_dirty; /* a signal was requeued during the call: the host's blocked set
                                 is not the frame's, only rt_sigreturn puts it right */
    uint8_t pad4_[7];
    const void *cpuid_answers;   /* cpuid_sites.c's table, for its detours */
    unsigned long *cpuid_missed; /* lx_rewrite_stats.cpuid_missed */
    uint64_t f_setmask;       /* the blocked set the fast path's rt_sigprocmask applies: in the
                                 f_unblocking window, one taken before the call enters the kernel
                                 makes it all (lx_fast_signal_nested) */
    struct lx_task task;      /* the guest thread's kernel state (process/), carried here;
                                 last, its signals' details at its end */
};

_Static_assert(offsetof(struct lx_thread, self) == LX_THREAD_SELF, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, host_fs) == LX_THREAD_HOST_FS, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, guest_fs) == LX_THREAD_GUEST_FS, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, selector) == LX_THREAD_SELECTOR, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, resume_rip) == LX_THREAD_RESUME_RIP, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, fast_entry) == LX_THREAD_FAST_ENTRY, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_xsave) == LX_THREAD_F_XSAVE, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_rsp) == LX_THREAD_F_RSP, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_nr) == LX_THREAD_F_NR, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_args) == LX_THREAD_F_RDI, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_result) == LX_THREAD_F_RESULT, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_gate) == LX_THREAD_F_GATE, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_kick) == LX_THREAD_F_KICK, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_bounce) == LX_THREAD_F_BOUNCE, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_xsave_all) == LX_THREAD_F_XSAVE_ALL, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, resuming) == LX_THREAD_RESUMING, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_vec_saved) == LX_THREAD_F_VEC_SAVED, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, f_on_guest_fs) == LX_THREAD_F_ON_GUEST_FS, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, wait_kick) == RX_WAIT_KICK_GS, "the host's wait door reads it at %gs");
_Static_assert(offsetof(struct lx_thread, fs_call) == LX_THREAD_FS_CALL, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, altstack) == LX_THREAD_ALTSTACK, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, altstack_size) == LX_THREAD_ALTSTACK_LEN, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, q_regs) == LX_THREAD_Q_REGS, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, q_fp) == LX_THREAD_Q_FP, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, q_xfeatures) == LX_THREAD_Q_XFEATURES, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, q_stretch) == LX_THREAD_Q_STRETCH, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, cpuid_answers) == LX_THREAD_CPUID_ANSWERS, "detour offset");
_Static_assert(offsetof(struct lx_thread, cpuid_missed) == LX_THREAD_CPUID_MISSED, "detour offset");
_Static_assert(offsetof(struct lx_thread, task.tid) == LX_THREAD_TID, "entry.S offset");
_Static_assert(offsetof(struct lx_thread, task.pending_info) <= LX_THREAD_HOT, "the head outgrew LX_THREAD_HOT");
_Static_assert(offsetof(struct lx_thread, task.pending_info[LINUX_SIGCHLD]) == LX_THREAD_SIGCHLD_END,
               "LX_THREAD_SIGCHLD_END: pending_info[SIGCHLD - 1] ends there");

extern _Thread_local struct lx_thread *lx_thread_current;
/* GS's base in every thread of lxrun's that is not trapped (set as the process
 * starts, inherited by new threads; a trapped thread keeps its record to its end): all
 * zero, so lx_fs_call can look at %gs in any thread. */
extern struct lx_thread lx_thread_none;

/* The calling thread's record, or NULL in a thread lxrun never trapped. */
static inline struct lx_thread *lx_thread_self(void) { return lx_thread_current; }
#endif

#endif

/* process.h — the guest's kernel objects as lxrun keeps them: what Linux keeps in
 * the kernel and Redox does not.  The process: program break, name, signal
 * dispositions, the guest's view of its limits, what /proc/self shows of its
 * image.  The task (one per guest thread): its tid, blocked signals, TLS bases,
 * robust list and clear_child_tid.  The fd table is process/fd_table.h.
 * The filesystem context (cwd, mounts) is process/fs.h; lxrun's options for the
 * process (reports, the trap's FS path) are process/options.h, kept in lx_proc. */
#ifndef LXRUN_PROCESS_H
#define LXRUN_PROCESS_H

#include <stdint.h>

#include "../abi/linux_signal.h"
#include "options.h"

struct lx_process {
    uintptr_t brk_start, brk_cur, brk_mapped; /* brk_mapped: end of heap pages */
    char comm[16];
    struct linux_sigaction sigactions[65];
    uint64_t rlim_cur[16], rlim_max[16];      /* the guest's view of its limits */
    int rlim_known[16];
    /* for /proc/self: the program file (exe, last), the initial stack (the start
     * time is lx_proc_start_cs) */
    uintptr_t stack_sp, arg_start, arg_end, env_start, env_end, auxv, auxv_len;
    struct lx_options opts;                   /* lxrun's options for this process */
    int oom_score_adj;                        /* /proc/self/oom_score_adj: kept and shown, -1000..1000 */
    unsigned personality;                     /* personality(2): kept, shown, inherited (syscalls/ids.c) */
    int ioprio;                               /* ioprio_set's class and level: kept, inherited (syscalls/proc.c) */
    /* capabilities as the guest sees them (bit n = capability n): root's full set or
     * none, from the effective uid at start; capset and PR_CAPBSET_DROP change them,
     * nothing enforces them */
    struct { int known; uint64_t effective, permitted, inheritable, bounding; } caps;
    /* the real and effective ids as last asked of the system (lx_process_ids): only
     * the guest's set*id calls change them, and those have them asked again */
    struct { int known; uint32_t uid, euid, gid, egid; } ids;
    /* A vfork child (vfork, CLONE_VM|CLONE_VFORK) runs as a copy: until it execs or
     * exits its parent waits on this pipe, and an exit sends the parent's stack
     * [lo, hi) back, which is what a vfork child may change that the parent reads
     * (glibc's posix_spawn reports its exec errno there). */
    struct { int active, fd; uintptr_t lo, hi; } vfork_parent;
    /* a vfork's waiting child: its way to the parent whose thread runs its code
     * (syscalls/vfork_window.c) */
    struct { int active, fd; } vfork_waiting;
    int path_fds;             /* the guest may hold an O_PATH fd (opened, received or inherited):
                                 an exec lists the file table rather than polling it (rx_fds_open) */
    int threads;                              /* guest threads alive (the last one's exit ends the process) */
    int timer_ids;                            /* POSIX timer ids below this may be live: an exec
                                                 deletes them (the system's are its own) */
    /* last: an exec writes only its path's first bytes, on the record's first page
     * with every other field an exec or fork writes (lx_proc is page-aligned) */
    char exe[4096];                           /* guest path of the program file */
};

extern struct lx_process lx_proc;
/* The process's start, since boot in centiseconds, for /proc/self: every forked
 * child writes it, so it lies on the fork-hot page (RX_FORK_HOT), not in lx_proc,
 * whose page a child that forks on without an exec then never copies. */
extern uint64_t lx_proc_start_cs;

/* One guest thread's kernel state (the trap's record carries it). */
struct lx_task {
    int tid;
    int sleeping;             /* in a call that may block: S in /proc/self/task/<tid>/stat */
    uint64_t sigmask;         /* the blocked set as the guest sees it (bit sig-1) */
    /* Signals taken from the system for a guest handler and not yet delivered
     * (bit sig-1), each with its siginfo: a standard signal is pending once; a
     * real-time one keeps its first instance (queueing is issue 10's). */
    uint64_t pending;
    struct linux_stack altstack; /* sigaltstack: the guest's alternate signal stack (size 0: none) */
    /* sigsuspend, ppoll, pselect6: the mask they set lasts until they return; a
     * handler delivered then sees saved_mask in its frame (Linux's saved_sigmask) */
    int restore_mask;
    uint64_t saved_mask;
    uint64_t guest_gs;        /* what the guest asked ARCH_SET_GS for; GS is lxrun's */
    uint64_t clear_child_tid; /* set_tid_address */
    uint64_t robust_list;     /* set_robust_list: the guest's list head, and its size */
    uint64_t robust_len;
    struct linux_sigcontext sigreturn_regs; /* rt_sigreturn's, from the frame to the trap */
    /* last, touched only while a signal waits: a process's first page of the
     * record holds all the rest, one page its fork copies for each side -- and,
     * kept at 48 bytes each, the standard signals' too (a shell's SIGCHLD) */
    struct linux_siginfo_kept pending_info[LINUX_NSIG];
};

/* Publishes the name, ids and dispositions in the session's process table
 * (process/ptable.h), after they change. */
void lx_process_publish(void);
/* The process's real and effective ids: asked of the system once, kept across
 * fork and exec (neither changes them here: set-user-ID files run as any other),
 * asked again after a set*id call (lx_process_ids_changed, which publishes them).
 * A fork+exec of sh's loop asked 18 times. */
struct lx_ids { uint32_t uid, euid, gid, egid; };
void lx_process_ids(struct lx_ids *out);
void lx_process_ids_changed(void);
/* The ignored and caught signal sets (bit s-1 for signal s). */
void lx_process_dispositions(uint64_t *ignored, uint64_t *caught);

/* The guest's threads by tid (/proc/self/task): the main one's is the pid and is
 * not listed here; a thread enters as it starts and leaves as it exits, and a
 * forked child keeps none.  lx_process_tids: the others, at most max. */
void lx_process_thread_add(struct lx_task *t);
void lx_process_thread_remove(int tid);
void lx_process_threads_forget(void);
int lx_process_tids(int *out, int max);
/* Thread tid's state as /proc shows it ('S' sleeping in a call, 'R'), or 0 when
 * tid is not one of the others. */
char lx_process_thread_state(int tid);
/* Thread tid's robust list head and size as it set them: 0, or -ESRCH when tid
 * is not one of the others. */
int lx_process_thread_robust_list(int tid, uint64_t *head, uint64_t *len);

/* A fork: the time read before it is both the parent's record of the child
 * (lx_process_child, in the session's process table) and the child's own. */
uint64_t lx_process_fork_time(void);
void lx_process_child(int pid, uint64_t start_cs);
void lx_process_forked(uint64_t start_cs);

/* Sets the program break and name for a freshly loaded program. */
void lx_process_start(uintptr_t brk, const char *path);

/* Records the program file's guest path and where the initial stack holds the
 * argv and envp strings and auxv. */
void lx_process_image(const char *exe, uintptr_t sp, uintptr_t arg_start, uintptr_t arg_end,
                      uintptr_t env_start, uintptr_t env_end, uintptr_t auxv, uintptr_t auxv_len);

/* The guest's capability sets, filled on first use: an exec'd program's from the
 * bounding and inheritable sets it inherits (all capabilities for root, none for
 * others, as Linux's exec computes them without file capabilities). */
void lx_guest_caps_init(uint64_t bounding, uint64_t inheritable);
void lx_guest_caps(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable);

/* The guest's view of resource limit res (Linux's number): 0 or -EINVAL. */
long lx_guest_rlimit(int res, uint64_t *cur, uint64_t *max);
/* Sets it as setrlimit would: 0, -EINVAL, -EPERM. */
long lx_set_guest_rlimit(int res, uint64_t cur, uint64_t max);

#endif

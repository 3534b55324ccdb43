/* dispatch.c — the one entry from trap/ into the table: O(1), no allocation. */
#include "dispatch.h"

#include <errno.h>

#include "../report/record.h"
#include "../report/report.h"
#include "../report/trace.h"
#include "../trap/trap.h"
#include "../ldso/vdso.h"
#include "../redox/rx.h"
#include "../abi/linux_nr.h"
#include "../abi/linux_sched.h"
#include "../process/fd_reserve.h"
#include "../process/fd_table.h"
#include "../process/process.h"
#include "signal_frame.h"
#include "../process/ptable.h"
#include "table.h"
#include "vfork_spare.h"
#include "vfork_window.h"

long nosys(struct lx_call *c)
{
    (void)c;
    return -ENOSYS;
}

/* lxrun's own fds are invisible: any FD argument at or above the floor is EBADF
 * (DIRFD arguments are the handlers' to check: Linux ignores them for absolute
 * paths).  s->fd_args is precomputed from the table, so calls without FD
 * arguments pay one test. */
static int touches_reserved_fd(const struct lx_syscall_hot *s, const struct lx_call *c)
{
    for (unsigned m = s->fd_args, i = 0; m; m >>= 1, i++)
        if ((m & 1) && (int)c->a[i] >= lx_fd_floor) return 1;
    return 0;
}

static uint64_t now_ns(void)
{
    struct rx_timespec t;
    rx_clock_gettime(RX_CLOCK_MONOTONIC, &t);
    return (uint64_t)t.sec * 1000000000u + (uint64_t)t.nsec;
}

/* The handler; around a call that may sleep, the process table shows the caller
 * sleeping (what /proc/<pid>/stat tells another process of the session). */
static int mark_sleeping(struct lx_call *c, int on)
{
    /* the kick (a signal taken while sleeping: the host enters no wait) is off
     * whenever sleeping is: a signal between the two stores finds neither set */
    if (on) __atomic_store_n(&c->t->wait_kick, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->task->sleeping, on, __ATOMIC_RELAXED);
    if (!on) __atomic_store_n(&c->t->wait_kick, 0, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    lx_ptable_sleeping(c->task->tid, on);
    /* a signal lxrun took since the call began would not wake the wait to come */
    return on && lx_signal_next(c->task) != 0;
}

/* Whether a read or write of fd never waits (a regular file, as ld.so's reads of
 * the libraries it loads; /dev/zero).  Looked at only until the answerer runs,
 * and at most 64 times (an fstat each): then any call counts.  A file that never
 * waits is remembered for its fd (below NOWAIT_FDS) until a call that may change
 * the fd table runs: any call but a vector-free GUESTFS one moves the epoch
 * (read, write, lseek, pread, pwrite, the id calls cannot change it).  TLS-free
 * (a raw fstat): the fast path looks on the guest's FS, so the first read of each
 * file it opens need not switch to lxrun's. */
#define NOWAIT_FDS 64
static struct {
    uint32_t epoch; /* moved by a call that may change the fd table, while a verdict is live */
    uint32_t live;  /* a verdict was recorded since the last move: a move is due (a write of
                       this page in every such call would be a copy-on-write fault in a
                       forked child, and in its parent, on every fork) */
    uint32_t at[NOWAIT_FDS]; /* == epoch: that fd's reads and writes never wait */
    uint32_t looks;
} nowait RX_FORK_HOT = { .epoch = 1 };

/* The verdict recorded for fd, without a look. */
__attribute__((no_stack_protector)) static inline int fd_known_never_waits(const struct lx_syscall_hot *s, int fd)
{
    return s->io && fd >= 0 && fd < NOWAIT_FDS &&
           __atomic_load_n(&nowait.at[fd], __ATOMIC_ACQUIRE) == __atomic_load_n(&nowait.epoch, __ATOMIC_ACQUIRE);
}

__attribute__((no_stack_protector)) static int fd_never_waits(const struct lx_syscall_hot *s, int fd)
{
    if (!s->io) return 0;
    int known = fd >= 0 && fd < NOWAIT_FDS;
    if (fd_known_never_waits(s, fd)) return 1;
    if (__atomic_fetch_add(&nowait.looks, 1, __ATOMIC_RELAXED) >= 64) return 0;
    if (known) __atomic_store_n(&nowait.live, 1, __ATOMIC_SEQ_CST);
    uint32_t epoch = __atomic_load_n(&nowait.epoch, __ATOMIC_SEQ_CST); /* before the look: a change after it moves it */
    struct rx_stat st;
    if (rx_fstat(fd, &st) < 0 || !rx_stat_never_waits(&st)) return 0;
    if (known) __atomic_store_n(&nowait.at[fd], epoch, __ATOMIC_RELEASE);
    return 1;
}

/* A call told not to wait (a zero limit in ms, WNOHANG): starting the answerer in
 * it would make the guest's "at once" last a thread's start (LTP epoll_wait04
 * allows 1 ms; on a loaded machine the start took 4 ms). */
static int told_not_to_wait(const struct lx_call *c)
{
    const struct lx_syscall *s = &lx_syscalls[c->nr]; /* the full line: its kinds */
    for (int i = 0; i < s->nargs; i++)
        if ((s->kinds[i] == K_WAIT_MS && (int)c->a[i] == 0) ||
            (s->kinds[i] == K_WAITOPT && (c->a[i] & LINUX_WNOHANG)))
            return 1;
    return 0;
}

/* A read or write that would not wait now, as a poll of its fd says: it need not
 * start the answerer either, nor show the caller sleeping (another process
 * seeing it sleep may ask it, and finds the answerer there).  A shell's forked
 * child writing its output to a pipe started a thread each time (~100 us of each
 * bash subshell's fork and exit).  At most 64 looks per process, then any call
 * counts; a call that waits after all cannot answer /proc questions meanwhile,
 * as after a stale never-waits verdict (above).  TLS-free. */
static struct { int pid; uint32_t n; } ready_looks RX_FORK_HOT;

__attribute__((no_stack_protector)) static int fd_ready_now(const struct lx_syscall_hot *s, int fd)
{
    int pid = (int)rx_getpid();
    if (ready_looks.pid != pid) ready_looks.pid = pid, ready_looks.n = 0; /* a fork's child looks afresh */
    if (!s->io || ready_looks.n++ >= 64) return 0;
    return rx_ready_now(fd, s->io == LX_IO_IN ? RX_POLLIN : RX_POLLOUT) == 1;
}

int lx_call_sleeping(struct lx_call *c, int on)
{
    /* the process's first call that may wait starts its /proc answerer */
    const struct lx_syscall_hot *s = &lx_syscalls_hot[c->nr];
    /* the full line (told_not_to_wait) only for a call that may wait after all */
    if (on && lx_ptable_answer_pending() && !fd_never_waits(s, (int)c->a[0]) && !told_not_to_wait(c)) {
        if (fd_ready_now(s, (int)c->a[0])) return lx_signal_next(c->task) != 0; /* runs at once */
        lx_ptable_answer_start();
    }
    return mark_sleeping(c, on);
}

/* Calls after which an fd's last reference may be the spare child's copy
 * (vfork_spare.c), until it closes them (an exit drops the spare instead). */
static int releases_fds(const struct lx_syscall_hot *s)
{
    return s->fn == sys_close || s->fn == sys_dup2 || s->fn == sys_dup3 || s->fn == sys_close_range;
}

/* The handler between two marks of sleeping (1 from the first: a deliverable
 * signal is pending, the call ends with EINTR without running).  Inlined, so
 * each caller calls its own way of marking directly. */
__attribute__((always_inline)) static inline long call_asleep(struct lx_call *c, const struct lx_syscall_hot *s,
                                                              int (*sleeping)(struct lx_call *, int))
{
    long r = sleeping(c, 1) ? -EINTR : s->fn(c);
    sleeping(c, 0);
    return r;
}

/* Inlined into each caller, so each calls its own way of marking directly. */
__attribute__((always_inline)) static inline long call_marked(struct lx_call *c, const struct lx_syscall_hot *s,
                                                              int (*sleeping)(struct lx_call *, int))
{
    if (touches_reserved_fd(s, c)) return -EBADF;
    if (s->flags & LX_F_FORKSTATE) lx_vfork_spare_stale();
    if (__builtin_expect(lx_vfork_spare_unready, 0) && releases_fds(s)) lx_vfork_spare_settle();
    /* the process ends: its spare goes now, reaped, not left to die with it as an
     * orphan that a minimal init may never reap */
    if (__builtin_expect(s->flags & LX_F_NORETURN, 0) && lx_vfork_spare_pid()) lx_vfork_spare_drop();
    /* a read or write of a file that never waits (dd's /dev/zero) is no sleep:
     * /proc shows the caller running, as Linux does, and no signal waits for it */
    if (!(s->flags & LX_F_BLOCKS) || fd_known_never_waits(s, (int)c->a[0])) return s->fn(c);
    return call_asleep(c, s, sleeping);
}

/* A vfork child's code on its parent's thread has its calls served by the window
 * (counted and timed as any call, with a report). */
static long call(struct lx_call *c, const struct lx_syscall_hot *s)
{
    if (__builtin_expect(lx_vfork_window_open, 0)) return lx_vfork_window_call(c);
    return call_marked(c, s, lx_call_sleeping);
}

/* A call the host's vDSO made inside one of rx_guest_time's functions (a clock
 * it reads by a call): lxrun's vDSO image counted it already (ldso/vdso.c). */
__attribute__((no_stack_protector)) static int made_for_the_vdso(const struct lx_call *c)
{
    /* a rewritten site is guest text, never the vDSO: no frame, ip 0 */
    return ldso_vdso_call(c->nr) && rx_guest_time_made(lx_trap_call_ip(c));
}

/* With -t, -c or --report: time the call and trace it.  Calls that end the
 * process are traced before they run ("= ?"), as strace does. */
static long dispatch_observed(struct lx_call *c, const struct lx_syscall_hot *s, unsigned long nr)
{
    int traced = lx_trace.on && lx_trace.selected[nr];
    if (made_for_the_vdso(c)) {
        long r = call(c, s);
        if (traced) trace_syscall(c, r);
        return r;
    }
    if ((s->flags & LX_F_NORETURN) && !lx_vfork_window_open) { /* in the window, an exit returns to the parent */
        lx_record_call(nr, 0);
        if (traced) trace_syscall_noreturn(c);
        return s->fn(c);
    }
    uint64_t t0 = now_ns();
    long r = call(c, s);
    /* a fork's return in the child is not a call of its own (strace -c -f counts
     * the fork once, in the parent); an exec in place counted itself */
    if (!c->untraced_return) {
        lx_my_counts()[nr].ns += now_ns() - t0;
        lx_record_call(nr, r);
    }
    if (traced && !c->untraced_return) trace_syscall(c, r);
    return r;
}

/* Any call but those of the vector-free GUESTFS lines (reads, writes, seeks, the
 * id calls) may change the fd table: the verdicts recorded so far lapse. */
static void fd_table_may_change(unsigned long nr)
{
    if ((nr > LX_NR_MAX || (lx_syscalls_hot[nr].flags & (LX_F_GUESTFS | LX_F_VECTORS)) != LX_F_GUESTFS) &&
        __atomic_load_n(&nowait.live, __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&nowait.live, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&nowait.epoch, __atomic_load_n(&nowait.epoch, __ATOMIC_RELAXED) + 1, __ATOMIC_SEQ_CST);
    }
}

long lx_dispatch_unrecorded(struct lx_call *c)
{
    unsigned long nr = (unsigned long)c->nr;
    if (nr > LX_NR_MAX || !lx_syscalls_hot[nr].fn) return -ENOSYS;
    fd_table_may_change(nr);
    return call(c, &lx_syscalls_hot[nr]);
}

long lx_dispatch(struct lx_call *c)
{
    unsigned long nr = (unsigned long)c->nr;
    fd_table_may_change(nr);
    if (nr > LX_NR_MAX || !lx_syscalls_hot[nr].fn) { /* no line: every line has a handler */
        lx_record_unknown(c->nr);
        if (lx_trace.on) trace_syscall(c, -ENOSYS);
        return -ENOSYS;
    }
    const struct lx_syscall_hot *s = &lx_syscalls_hot[nr];
    if (__builtin_expect(lx_report.observe, 0)) return dispatch_observed(c, s, nr);
    return call(c, s);
}

/* With -c or --report but no trace, GUESTFS calls are counted on the guest's FS
 * too, where switching FS for them cost two kernel entries a call (a hypervisor's
 * MSR write each on a VM without FSGSBASE: `lxrun -c dd bs=1` ran 5.8x slower than
 * without -c): into the thread's own table through its record (thread.h's counts,
 * the table lx_my_counts gives through TLS), timed by the backend's guest-callable
 * clock (rx_guest_time's clock_gettime: no TLS, no vector register). */
static long (*guestfs_clock)(int clock, struct rx_timespec *ts);

int lx_dispatch_guestfs_observing(void)
{
    struct rx_guest_time gt;
    if (lx_trace.on || rx_guest_time(&gt) < 0 || !gt.clock_gettime) return 0; /* a trace prints: lxrun's FS */
    guestfs_clock = gt.clock_gettime;
    return 1;
}

/* Its one indirect call, to the guest-callable clock, is allowed by name in
 * tests/design/guestfs_vector_free.py, which checks that section's functions as it
 * checks this path's. */
__attribute__((noinline, no_stack_protector, target("general-regs-only"))) static uint64_t guestfs_now_ns(void)
{
    struct rx_timespec t;
    if (guestfs_clock(RX_CLOCK_MONOTONIC, &t) != 0) return 0;
    return (uint64_t)t.sec * 1000000000u + (uint64_t)t.nsec;
}

/* dispatch_observed's counting and timing, TLS-free */
__attribute__((no_stack_protector)) static long dispatch_guestfs_observed(struct lx_call *c, const struct lx_syscall_hot *s)
{
    struct lx_counts *n = c->t->counts;
    if (!n || made_for_the_vdso(c)) return call_marked(c, s, mark_sleeping);
    uint64_t t0 = guestfs_now_ns();
    long r = call_marked(c, s, mark_sleeping);
    n[c->nr].ns += guestfs_now_ns() - t0;
    lx_record_call_in(n, (unsigned long)c->nr, r);
    return r;
}

/* The answerer runs already, or the call cannot wait (lx_trap_fast_guestfs declines
 * otherwise): no start. */
long lx_dispatch_guestfs(struct lx_call *c)
{
    fd_table_may_change((unsigned long)c->nr);
    const struct lx_syscall_hot *s = &lx_syscalls_hot[c->nr];
    if (__builtin_expect(lx_report.observe, 0)) return dispatch_guestfs_observed(c, s);
    return call_marked(c, s, mark_sleeping);
}

int lx_call_restarts(const struct lx_call *c, int sig)
{
    unsigned long nr = (unsigned long)c->nr;
    return nr <= LX_NR_MAX && (lx_syscalls_hot[nr].flags & LX_F_RESTARTS) && !c->eintr_only &&
           (lx_proc.sigactions[sig].flags & LINUX_SA_RESTART);
}

int lx_call_needs_trap(long nr)
{
    return (unsigned long)nr <= LX_NR_MAX && (lx_syscalls_hot[nr].flags & LX_F_CONTEXT);
}

int lx_call_fork_fast(long nr, const uint64_t *a)
{
    if ((unsigned long)nr > LX_NR_MAX || !(lx_syscalls_hot[nr].flags & LX_F_FORKS)) return 0;
    if (nr != LINUX_NR_clone) return 1;
    const uint64_t plain = LINUX_CSIGNAL | LINUX_CLONE_CHILD_SETTID | LINUX_CLONE_CHILD_CLEARTID | LINUX_CLONE_PARENT_SETTID;
    return a[1] == 0 && !(a[0] & 0xffffffffu & ~plain);
}

int lx_call_site_rewritable(long nr)
{
    return !lx_call_needs_trap(nr) || (lx_syscalls_hot[nr].flags & LX_F_FORKS);
}

int lx_call_on_guest_fs(long nr)
{
    return (unsigned long)nr <= LX_NR_MAX && (lx_syscalls_hot[nr].flags & LX_F_GUESTFS);
}

int lx_call_vector_free(long nr)
{
    return lx_call_on_guest_fs(nr) && !(lx_syscalls_hot[nr].flags & LX_F_VECTORS);
}

int lx_call_quick(long nr)
{
    return (unsigned long)nr <= LX_NR_MAX &&
           (lx_syscalls_hot[nr].flags & (LX_F_GUESTFS | LX_F_VECTORS | LX_F_CONTEXT | LX_F_FORKSTATE | LX_F_NORETURN)) ==
               LX_F_GUESTFS;
}

/* A quick call that may wait (no verdict says it never waits) */
__attribute__((noinline, no_stack_protector)) static long quick_may_wait(struct lx_call *c, const struct lx_syscall_hot *s,
                                                                        int *lxrun_fs)
{
    if (lx_ptable_answer_pending()) {
        if (fd_never_waits(s, (int)c->a[0])) return s->fn(c); /* a file: no sleep, no EINTR */
        *lxrun_fs = 1; /* the first call that may wait starts the answerer */
        return 0;
    }
    return call_asleep(c, s, mark_sleeping);
}

/* lx_call_guestfs_declines and lx_dispatch_guestfs in one pass, for what a quick
 * line needs of them: no FORKSTATE, NORETURN, fd-table change or close (what
 * the spare watches), no report, no vfork window (the caller looked). */
__attribute__((no_stack_protector)) long lx_dispatch_quick(struct lx_call *c, int *lxrun_fs)
{
    const struct lx_syscall_hot *s = &lx_syscalls_hot[c->nr];
    int fd = (int)c->a[0];
    if (s->fd_args) {
        if (touches_reserved_fd(s, c)) return -EBADF;
        if ((s->fd_args & 1) && lx_fd_get(fd)) {
            *lxrun_fs = 1; /* an emulated file's ops */
            return 0;
        }
    }
    if (!(s->flags & LX_F_BLOCKS) || fd_known_never_waits(s, fd)) return s->fn(c);
    return quick_may_wait(c, s, lxrun_fs);
}

__attribute__((no_stack_protector)) int lx_call_guestfs_declines(long nr, int fd)
{
    const struct lx_syscall_hot *s = &lx_syscalls_hot[nr];
    if (lx_vfork_window_open) return 1; /* every call of the window through the trap */
    if ((s->flags & LX_F_BLOCKS) && lx_ptable_answer_pending() && !fd_never_waits(s, fd)) return 1;
    return (s->fd_args & 1) && lx_fd_get(fd);
}

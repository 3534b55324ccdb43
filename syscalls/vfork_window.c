/* vfork_window.c — a vfork that copies none of the guest's memory.
 *
 * Linux's vfork child runs in its parent's memory until it execs or exits, the
 * parent suspended.  Here the parent's own thread runs the child's code (in its
 * own memory, which is what vfork shares), while the child process, made by a
 * fork that leaves the guest's mappings out (MADV_DONTFORK: only lxrun is
 * copied, and the child has nothing of the guest's to unmap at its exec), does
 * what that code asks of it: the exec, served in place there, or the exit, and
 * the calls of its own objects that take only numbers (close, dup2...).  That
 * fork is made when the first of those comes, not at the vfork: an exec then
 * finds its checked request in the fork's memory (nothing sent), and the
 * parent's writes between vfork and exec copy no pages.  Between, the window:
 * the child's blocked set and dispositions are kept apart from the parent's, and
 * signals for the parent wait (lx_signal_next).  Any other call (getpid, a write,
 * an open...) and a fault close the window the old way: the waiting child (if
 * made) goes unseen, a real fork of the memory as it is then carries on from that
 * call (proc.c's vfork by fork), and the parent waits for it.  Either way the parent then takes back its registers,
 * FP state, FS base, blocked set and dispositions, and its vfork returns the
 * child's pid.  What dash (a blocked set, then execve) and most vfork children do
 * thus costs a fork of lxrun alone, made before the vfork when a spare was made
 * ahead (vfork_spare.c): after a child took its exec, the next waiting child. */
#include "vfork_window.h"

#include <stdlib.h>

#include "../abi/linux_fcntl.h"
#include "../abi/linux_sched.h"
#include "../abi/linux_signal.h"
#include "../guestmem/vma.h"
#include "../ldso/vdso.h"
#include "../process/ptable.h"
#include "../report/report.h"
#include "../report/trace.h"
#include "../trap/fs_call.h"
#include "../trap/trap.h"
#include "exec_here.h"
#include "handler.h"
#include "process.h"
#include "thread.h"
#include "vfork_spare.h"

int lx_vfork_window_open RX_FORK_HOT;

enum { MSG_EXEC = 1, MSG_EXIT, MSG_CALL };
struct msg_head { uint32_t type, len; };

/* The parent's own while a window is open -- the waiting child, the vfork's flags
 * and the context it takes back as the window closes (the caller's vector state:
 * 2.4 KiB of XSAVE on the CPUs seen) -- on one page a fork leaves out
 * (rx_alloc_unforked: MADV_WIPEONFORK).  Each page the parent writes in every
 * window that a fork copied was a fault after each exec's fork (~12 us on a
 * paravirtualised VM): the head over two pages and a heap buffer for the state
 * were three.  A fork's child finds it zeroed: no window, no child of one. */
#define WIN_FP_INLINE 3712
struct win_own {
    int pid, fd;
    uint64_t flags;  /* the vfork's clone flags, for a fork that closes the window early */
    uint64_t mask, guest_fs;
    size_t fplen;
    struct linux_sigcontext regs;
    unsigned char fp[WIN_FP_INLINE] __attribute__((aligned(64))); /* else win_fp_big */
};
_Static_assert(sizeof(struct win_own) <= 4096, "the window's own state on one page");
static struct win_own *own, own_fallback;
/* What a fork that takes over needs: the dispositions as the window opened
 * (written only when they changed) and the calls the waiting child made.  On a
 * page's start: the waiting child reads the dispositions at its exec, one page. */
static struct __attribute__((aligned(4096))) {
    int ncalls;      /* the calls the child made (log), to make again in a fork that takes over */
    struct linux_sigaction acts[LINUX_NSIG + 1];
    struct { long nr; uint64_t a[6]; } log[64];
} win;
static unsigned char *win_fp_big; /* a larger vector state (AMX's) */
static size_t win_fp_cap;
static unsigned char *win_fp(size_t len) { return len <= sizeof own->fp ? own->fp : win_fp_big; }

int lx_vfork_window_possible(const struct lx_call *c, uint64_t flags)
{
    return (flags & LINUX_CLONE_VM) && (flags & LINUX_CSIGNAL) == LINUX_SIGCHLD &&
           !(flags & (LINUX_CLONE_SETTLS | LINUX_CLONE_PIDFD | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_SETTID |
                      LINUX_CLONE_CHILD_CLEARTID | LINUX_CLONE_CLEAR_SIGHAND)) &&
           !lx_trace.on && !lx_vfork_window_open && lx_exec_here_possible(c);
}

/* The guest's mappings left out of the window's forks, except lxrun's vDSO (an
 * exec in place keeps it) and those the guest itself left out.  They stay out
 * (guestmem's left_out) until a fork that copies the guest puts them back
 * (lx_vfork_window_put_back): a shell's loop of vfork+exec advises only what it
 * mapped since, where it advised each mapping out and in again around every
 * fork (12 host calls an iteration of sh's loop). */
static int not_yet_out(const struct gm_vma *v) { return !v->dontfork && !v->left_out && !ldso_vdso_keeps(v); }
static int out(const struct gm_vma *v) { return v->left_out; }

/* The runs are gathered first, up to 32 a pass (marking them changes the table
 * gm_runs walks); a pass that marks none ends it (the host refused: they stay as
 * they were, as a failed advice always left them). */
struct runs { int n, full; uintptr_t at[32][2]; };

static void gather_run(uintptr_t lo, uintptr_t hi, void *ctx)
{
    struct runs *r = ctx;
    if (r->n == (int)(sizeof r->at / sizeof r->at[0])) {
        r->full = 1;
        return;
    }
    r->at[r->n][0] = lo, r->at[r->n][1] = hi, r->n++;
}

static void guest_left_out(int on)
{
    for (;;) {
        struct runs r = { 0 };
        gm_runs(on ? not_yet_out : out, gather_run, &r);
        int marked = 0;
        for (int i = 0; i < r.n; i++) {
            uintptr_t lo = r.at[i][0], hi = r.at[i][1];
            if (rx_madvise(lo, hi - lo, on ? RX_MADV_DONTFORK : RX_MADV_DOFORK) == 0) gm_left_out(lo, hi - lo, on), marked++;
        }
        if (!r.full || !marked) return;
    }
}

void lx_vfork_window_put_back(void)
{
    gm_text_lock(); /* no rewrite changes a mapping's flags meanwhile */
    guest_left_out(0);
    lx_trap_fork_leaves_code_out(0);
    gm_text_unlock();
}

/* One message of n parts (the iovecs are used up); 0, or -EPIPE and the like
 * when the other side went (no SIGPIPE). */
static long send_all(int fd, struct rx_iovec *iov, int n)
{
    while (n) {
        struct rx_msg m = { .iov = iov, .iovlen = n };
        long r = rx_sock_sendmsg(fd, &m, RX_MSG_X_NOSIGNAL);
        if (r == -EINTR) continue;
        if (r <= 0) return r < 0 ? r : -EPIPE;
        for (; n && (size_t)r >= iov->len; iov++, n--) r -= (long)iov->len;
        if (n) iov->base = (char *)iov->base + r, iov->len -= (size_t)r;
    }
    return 0;
}

static long send_one(int fd, const void *p, size_t n)
{
    struct rx_iovec iov = { (void *)p, n };
    return send_all(fd, &iov, 1);
}

/* 0, or -1 at the end of the stream (the other side exec'd, exited or went). */
static int read_all(int fd, void *p, size_t n)
{
    while (n) {
        long r = rx_read(fd, p, n);
        if (r == -EINTR) continue;
        if (r <= 0) return -1;
        p = (char *)p + r, n -= (size_t)r;
    }
    return 0;
}

/* The signals whose entries differ between two tables (LINUX_SIGBIT's). */
static uint64_t dispositions_differing(const struct linux_sigaction *was, const struct linux_sigaction *acts)
{
    uint64_t differ = 0;
    for (int sig = 1; sig <= LINUX_NSIG; sig++)
        if (sig != LINUX_SIGSYS && sig != LINUX_SIGKILL && sig != LINUX_SIGSTOP &&
            memcmp(&acts[sig], &was[sig], sizeof acts[sig]))
            differ |= LINUX_SIGBIT(sig);
    return differ;
}

/* The host's dispositions of the signals in differ follow the table's, which is
 * then published. */
static void host_dispositions_apply(uint64_t differ)
{
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        const struct linux_sigaction *now = &lx_proc.sigactions[sig];
        if (!(differ & LINUX_SIGBIT(sig))) continue;
        if (now->handler == LINUX_SIG_DFL || now->handler == LINUX_SIG_IGN)
            lx_trap_default(sig, now->handler == LINUX_SIG_IGN);
        else
            lx_trap_catch(sig, (now->flags & LINUX_SA_RESTART) != 0);
    }
    lx_process_publish();
}

/* Where the host's dispositions differ from the table's, they follow it (was:
 * what they were set for). */
static void host_dispositions_follow(const struct linux_sigaction *was)
{
    host_dispositions_apply(dispositions_differing(was, lx_proc.sigactions));
}

/* The child's side: it waits for the exec, the exit or the calls the parent's
 * thread asks for (its socket kept where a rise of the fd floor can move it).
 * Returns only from an exec served (the call returns into the new program). */
static long child_serve(struct lx_call *c)
{
    int *fd = &lx_proc.vfork_waiting.fd;
    /* a message that fits is read here, not into the heap: a spare's first
     * allocation took a mapping and its faults on the way to the exec */
    size_t cap;
    char *room = lx_vfork_receive_room(&cap);
    for (;;) {
        struct msg_head h;
        if (read_all(*fd, &h, sizeof h) < 0) rx_exit(0); /* the parent closed the window another way */
        char *body = h.len <= cap ? room : malloc(h.len);
        if (!body || read_all(*fd, body, h.len) < 0) rx_exit(0);
        if (h.type == MSG_CALL) {
            lx_vfork_spare_fds_changed();
            struct lx_call call = *c;
            memcpy(&call.nr, body, sizeof call.nr);
            memcpy(call.a, body + sizeof call.nr, sizeof call.a);
            long r = lx_dispatch(&call);
            if (body != room) free(body);
            send_one(*fd, &r, sizeof r);
            continue;
        }
        if (h.type == MSG_EXIT) {
            int status;
            memcpy(&status, body, sizeof status);
            lx_proc.vfork_waiting.active = 0; /* its socket closes as it exits, which the parent waits for */
            lx_exit_group(status);
        }
        /* MSG_EXEC: the child's blocked set and dispositions, then the request;
         * which dispositions change is noted before the table is copied in (no
         * copy of the old one: a page of .bss more written in every exec'd child) */
        memcpy(&c->task->sigmask, body, 8);
        uint64_t differ = dispositions_differing(lx_proc.sigactions, (const struct linux_sigaction *)(body + 8));
        memcpy(lx_proc.sigactions, body + 8, sizeof lx_proc.sigactions);
        host_dispositions_apply(differ);
        size_t head = 8 + sizeof lx_proc.sigactions;
        int err = (int)-lx_exec_requested(c, body + head, h.len - head);
        if (body != room) free(body);
        if (!err) return 0;
        send_one(*fd, &err, sizeof err);
    }
}

void lx_vfork_window_child_execs(void)
{
    if (!lx_proc.vfork_waiting.active) return;
    lx_proc.vfork_waiting.active = 0;
    rx_close(lx_proc.vfork_waiting.fd);
}

/* The waiting child, made the first time the window needs it.  In the child,
 * first(c, arg) runs when given (an exec in place, its request and vectors in
 * memory, which cannot fail before its point of no return: past it, a failure
 * kills the child as Linux's exec does), and the child is not told anything
 * more; else the child waits for the parent's messages (child_serve), and
 * returns 0 only from an exec served.  The parent gets the child's pid, or a
 * negative errno (no child). */
static long child_make(struct lx_call *c, long (*first)(struct lx_call *, void *), void *arg, int spare)
{
    int mine = -1, its = -1;
    if (!first) { /* a child that waits for messages */
        int sv[2];
        long r = rx_socketpair_unix(RX_SOCK_STREAM, RX_O_CLOEXEC, sv);
        if (r < 0) return r;
        mine = lx_fd_move_high(sv[0]), its = lx_fd_move_high(sv[1]);
        if (mine < 0 || its < 0) {
            if (mine >= 0) rx_close(mine);
            if (its >= 0) rx_close(its);
            return -EAGAIN;
        }
    }
    gm_text_lock(); /* no rewrite changes a mapping's flags meanwhile */
    guest_left_out(1);
    lx_trap_fork_leaves_code_out(1);
    long pid = lx_fork_bare(c, own->flags, spare);
    if (pid == 0) { /* the lock came over unlocked (gm_forked) */
        lx_trap_forked_without_code();
        lx_vfork_window_open = 0; /* the window is the parent's */
        if (!first) {
            rx_close(mine);
            lx_proc.vfork_waiting.active = 1;
            lx_proc.vfork_waiting.fd = its;
        }
        for (size_t i = gm_count(); i-- > 0;) { /* none of the guest's mappings came over but lxrun's vDSO */
            struct gm_vma v;
            if (gm_at(i, &v) && !ldso_vdso_keeps(&v)) gm_remove(v.start, v.end - v.start);
        }
        /* the child's table as the window left it; the host's dispositions are
         * still the parent's (win.acts) */
        host_dispositions_follow(win.acts);
        if (spare) lx_vfork_spare_child_wait(its);
        if (!first) return child_serve(c);
        if (first(c, arg) == 0) return 0;
        rx_exit(127); /* broke first's promise (below): nobody to tell */
    }
    gm_text_unlock();
    if (its >= 0) rx_close(its);
    if (pid < 0) {
        if (mine >= 0) rx_close(mine);
        return pid;
    }
    if (spare) lx_vfork_spare_keep((int)pid, mine);
    else own->pid = (int)pid, own->fd = mine;
    return pid;
}

/* After a window's child took its exec: the next window's child made now, while
 * that one runs.  0 in the spare, once it exec'd (its exec served at a later
 * message); else 1. */
static int spare_make(struct lx_call *c)
{
    if (!lx_vfork_spare_wanted()) return 1;
    return child_make(c, NULL, NULL, 1) != 0;
}

/* On lxrun's FS (libc's errno and TLS): vfork comes here from the guest's. */
static long take_spare(void *unused)
{
    (void)unused;
    int pid, fd;
    if (lx_vfork_spare_take(&pid, &fd)) own->pid = pid, own->fd = fd;
    return 0;
}

long lx_vfork_window_start(struct lx_call *c, uint64_t flags, uint64_t new_stack)
{
    void *fp;
    size_t fplen = lx_trap_call_fp(c, &fp);
    if (!own || (fplen > sizeof own->fp && fplen > win_fp_cap)) return -EAGAIN; /* lx_vfork_window_start_grown's */
    own->pid = 0, own->fd = -1, own->flags = flags; /* no child yet (child_make) */
    lx_trap_call_regs(c, &own->regs);
    memcpy(win_fp(fplen), fp, fplen);
    own->fplen = fplen;
    own->mask = c->task->sigmask;
    own->guest_fs = c->t->guest_fs;
    if (memcmp(win.acts, lx_proc.sigactions, sizeof win.acts)) memcpy(win.acts, lx_proc.sigactions, sizeof win.acts);
    if (win.ncalls) win.ncalls = 0;
    lx_vfork_window_open = 1;
    if (new_stack) c->new_sp = new_stack;
    /* a spare made ahead becomes the child at once, as the vfork makes it: its
     * part of the taking (its fds placed, its group) runs while the child's code
     * runs here, not after the exec's request */
    if (lx_vfork_spare_pid()) lx_fs_call(take_spare, NULL);
    return 0; /* the child's code, on this thread */
}

long lx_vfork_window_start_grown(struct lx_call *c, uint64_t flags, uint64_t new_stack)
{
    if (!own && !(own = rx_alloc_unforked(sizeof *own))) own = &own_fallback;
    void *fp;
    size_t fplen = lx_trap_call_fp(c, &fp);
    if (fplen > sizeof own->fp && fplen > win_fp_cap) {
        unsigned char *b = realloc(win_fp_big, fplen);
        if (!b) return -ENOMEM;
        win_fp_big = b, win_fp_cap = fplen;
    }
    return lx_vfork_window_start(c, flags, new_stack);
}

/* The parent takes back what is its own; its vfork returns r. */
static long window_close(struct lx_call *c, long r)
{
    if (own->fd >= 0) rx_close(own->fd);
    c->task->sigmask = own->mask;
    c->t->guest_fs = own->guest_fs;
    /* the host's never changed; written only when the child's code changed them:
     * after an exec's fork, a write of lx_proc is a copy-on-write fault */
    if (memcmp(lx_proc.sigactions, win.acts, sizeof win.acts)) memcpy(lx_proc.sigactions, win.acts, sizeof win.acts);
    lx_trap_call_resume(c, &own->regs, win_fp(own->fplen), own->fplen);
    c->new_sp = 0;
    lx_vfork_window_open = 0;
    return r;
}

int lx_vfork_window_has_child(void) { return own && own->pid > 0; }

static long window_fork(struct lx_call *c);

long lx_vfork_window_exec_in_fork(struct lx_call *c, long (*run)(struct lx_call *, void *), void *request)
{
    long pid = child_make(c, run, request, 0);
    if (pid == 0) return 0;               /* the child, its exec served */
    if (pid < 0) return window_fork(c);   /* as the vfork's own fork failing would */
    /* The exec cannot fail now (run's promise), so the parent goes on at once,
     * where it waited for the child to reach the exec's point of no return: the
     * child's wake-up of it cost ~95 us of the child's way to its program on a
     * paravirtualised VM, and the socket pair, five calls more. */
    long r = window_close(c, own->pid);
    return spare_make(c) ? r : 0;
}

long lx_vfork_window_exec(struct lx_call *c, const void *req, size_t len)
{
    size_t acts = sizeof lx_proc.sigactions;
    struct msg_head h = { MSG_EXEC, (uint32_t)(8 + acts + len) };
    struct rx_iovec iov[] = { { &h, sizeof h }, { &c->task->sigmask, 8 }, { lx_proc.sigactions, acts }, { (void *)req, len } };
    int err;
    if (send_all(own->fd, iov, 4) < 0 || read_all(own->fd, &err, sizeof err) < 0) {
        long r = window_close(c, own->pid); /* exec'd (or gone: its wait tells) */
        return spare_make(c) ? r : 0;
    }
    return -err; /* the child's code goes on, as after a failed execve */
}

static long window_exit(struct lx_call *c)
{
    if (!own->pid) {
        long pid = child_make(c, NULL, NULL, 0); /* a spare was taken at the vfork, if any */
        if (pid == 0) return 0; /* the child, which exec'd at a later message: not here */
        if (pid < 0) return window_fork(c);
    }
    struct msg_head h = { MSG_EXIT, sizeof(int) };
    int status = (int)c->a[0], none;
    struct rx_iovec iov[] = { { &h, sizeof h }, { &status, sizeof status } };
    if (send_all(own->fd, iov, 2) == 0) read_all(own->fd, &none, sizeof none); /* until it has exited */
    return window_close(c, own->pid);
}

/* The waiting child goes without a trace: reaped here, and the SIGCHLD of its
 * end taken back (held on the host meanwhile: the trap's handler may run with it
 * open), unless another child's is in it. */
static void child_forget(void)
{
    if (!own->pid) return; /* none made */
    lx_child_reap_unseen(own->pid, own->fd, 0);
    lx_ptable_reaped(own->pid, 0);
    lx_vfork_spare_child_reaped();
}

long lx_vfork_window_takeover(struct lx_call *c)
{
    child_forget();
    long pid = lx_vfork_by_fork(c, own->flags);
    if (pid == 0) {
        lx_vfork_window_open = 0;
        host_dispositions_follow(win.acts); /* its table is the child's, its host's the parent's */
        for (int i = 0; i < win.ncalls; i++) { /* what the waiting child did, done again here */
            struct lx_call again = *c;
            again.nr = win.log[i].nr;
            memcpy(again.a, win.log[i].a, sizeof again.a);
            lx_dispatch(&again);
        }
        return 0;
    }
    return window_close(c, pid); /* pid < 0: the fork failed, and so the parent's vfork */
}

/* A call the window does not serve: the fork that takes over makes it. */
static long window_fork(struct lx_call *c)
{
    long r = lx_vfork_window_takeover(c);
    if (r == 0) {
        c->untraced_return = 0; /* the fork's own call: counted as it returns, as any */
        return lx_dispatch_unrecorded(c);
    }
    c->untraced_return = 1; /* the fork made the call, and counts it */
    return r;
}

/* Calls of the child's own objects whose arguments are all numbers: made by the
 * waiting child, and logged, to be made again by a fork that takes its place.
 * None whose result shows the waiting child's pid (getpid, setsid, getpgrp), and
 * none that changes how the parent's thread checks an exec (a cwd, ids). */
static int made_by_child(lx_handler fn, const struct lx_call *c)
{
    if (fn == sys_fcntl) {
        long cmd = (long)(int)c->a[1];
        return cmd == LINUX_F_DUPFD || cmd == LINUX_F_DUPFD_CLOEXEC || cmd == LINUX_F_GETFD || cmd == LINUX_F_SETFD ||
               cmd == LINUX_F_GETFL || cmd == LINUX_F_SETFL;
    }
    return fn == sys_close || fn == sys_close_range || fn == sys_dup || fn == sys_dup2 || fn == sys_dup3 ||
           fn == sys_umask || fn == sys_setpgid || fn == sys_getppid || fn == sys_getuid || fn == sys_geteuid ||
           fn == sys_getgid || fn == sys_getegid;
}

static long child_call(struct lx_call *c)
{
    if (!own->pid) {
        long pid = child_make(c, NULL, NULL, 0); /* a spare was taken at the vfork, if any */
        if (pid == 0) return 0; /* the child, after an exec served at a later message */
        if (pid < 0) return window_fork(c);
    }
    struct msg_head h = { MSG_CALL, sizeof c->nr + sizeof c->a };
    struct rx_iovec iov[] = { { &h, sizeof h }, { &c->nr, sizeof c->nr }, { c->a, sizeof c->a } };
    long r;
    if (send_all(own->fd, iov, 3) < 0 || read_all(own->fd, &r, sizeof r) < 0)
        return window_fork(c); /* it went (killed): a fork carries on */
    win.log[win.ncalls].nr = c->nr;
    memcpy(win.log[win.ncalls].a, c->a, sizeof c->a);
    win.ncalls++;
    return r;
}

/* rt_sigaction: python's subprocess resets every handler in the child, ~64 calls
 * that each took the trap (~2.7 us; ~170 us a spawn).  rt_sigprocmask: a shell's
 * child unblocks its signals before each exec; the fast path applies the child's
 * set to the host thread as the trap's frame would (after_call), and one that
 * unblocks a signal the system holds still ends through the trap, where the
 * window lets only synchronous ones in (signal_frame.c). */
__attribute__((no_stack_protector)) int lx_vfork_window_fast(long nr)
{
    if ((unsigned long)nr > LX_NR_MAX) return 0;
    lx_handler fn = lx_syscalls_hot[nr].fn;
    return fn == sys_rt_sigaction || fn == sys_rt_sigprocmask;
}

/* rt_sigprocmask and rt_sigaction change the child's mask and table only: the
 * parent's come back whole as the window closes, and its host dispositions never
 * move. */
long lx_vfork_window_call(struct lx_call *c)
{
    lx_handler fn = (unsigned long)c->nr <= LX_NR_MAX ? lx_syscalls_hot[c->nr].fn : NULL;
    if (fn && made_by_child(fn, c) && win.ncalls < (int)(sizeof win.log / sizeof win.log[0])) return child_call(c);
    if (fn == sys_rt_sigprocmask) return fn(c);
    if (fn == sys_rt_sigaction) return lx_rt_sigaction(c, 0);
    if (fn == sys_exit_group || fn == sys_exit) return window_exit(c);
    if (fn == sys_execve || fn == sys_execveat) {
        long r = fn(c);
        if (r != LX_EXEC_DECLINED) return r;
    }
    return window_fork(c);
}

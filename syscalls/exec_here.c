/* exec_here.c — an exec served inside the calling lxrun: the old program goes as
 * Linux's exec makes it go (its memory, close-on-exec fds, handlers, POSIX
 * timers, robust locks, alternate stack, FS base), and the new one is loaded into
 * the same process.  That is Redox's own shape of exec (redox-rt's fexec_impl
 * replaces the address space from user space), and it saves a whole lxrun
 * start-up per exec.  exec.c decides when it applies: the caller is the process's
 * only thread, and has been. */
#include <stdio.h>
#include <stdlib.h>

#include "../guestmem/vma.h"
#include "../ldso/vdso.h"
#include "../process/fd_table.h"
#include "../process/ptable.h"
#include "../trap/trap.h"
#include "exec_here.h"
#include "handler.h"
#include "process.h"
#include "thread.h"
#include "vfork_spare.h"

int lx_exec_here_possible(const struct lx_call *c)
{
    return c->host_ctx && !lx_threads_ever() && c->task->tid == (int)rx_getpid();
}

/* Every guest mapping but lxrun's vDSO while it is whole (the loader records it
 * again), adjacent ones in one call. */
static int goes(const struct gm_vma *v) { return !ldso_vdso_keeps(v); }

static void unmap_run(uintptr_t lo, uintptr_t hi, void *ctx)
{
    (void)ctx;
    rx_munmap(lo, hi - lo);
}

static void unmap_guest(void)
{
    gm_text_lock();
    gm_runs(goes, unmap_run, NULL);
    gm_clear();
    gm_text_unlock();
}

static void close_on_exec(void)
{
    if (lx_vfork_spare_close_on_exec()) return; /* a spare's exec: its fds are known */
    int some[64], *fds = some; /* a usual process's few; more from the heap */
    long n = rx_fds_open(lx_fd_floor, lx_proc.path_fds, some, 64);
    if (n > 64 && (fds = malloc((size_t)n * sizeof *fds)) != NULL) n = rx_fds_open(lx_fd_floor, lx_proc.path_fds, fds, (size_t)n);
    if (!fds) fds = some, n = 64; /* no memory: the first ones; the others stay open */
    for (long i = 0; i < n; i++) {
        long fl = rx_fcntl(fds[i], RX_F_GETFD, 0);
        if (fl >= 0 && (fl & RX_FD_CLOEXEC) && rx_close(fds[i]) == 0) lx_fd_release(fds[i]);
    }
    if (fds != some) free(fds);
}

static void delete_timers(void)
{
    for (int id = 0; id < lx_proc.timer_ids; id++) rx_timer_delete(id);
    lx_proc.timer_ids = 0;
}

/* What the calling thread keeps of the old program: its blocked and pending
 * signals; not its alternate stack, GS or clear_child_tid. */
static void reset_task(struct lx_task *t)
{
    memset(&t->altstack, 0, sizeof t->altstack);
    t->guest_gs = 0;
    t->clear_child_tid = 0;
}

/* Past the point of no return the old program is gone: a failure kills the
 * process with SIGSEGV, as Linux's exec does. */
static void die_after_exec(const struct lx_program *p, const struct lx_exec_error *err)
{
    fprintf(stderr, "lxrun: %s: %s\n", p->execfn, err->msg);
    memset(&lx_proc.sigactions[LINUX_SIGSEGV], 0, sizeof lx_proc.sigactions[LINUX_SIGSEGV]);
    lx_trap_default(LINUX_SIGSEGV, 0);
    rx_tgkill(rx_getpid(), rx_gettid(), LINUX_SIGSEGV);
}

long lx_exec_here(struct lx_call *c, const struct lx_program *p)
{
    lx_vfork_spare_drop(); /* a copy of the old program's process */
    lx_vfork_child_execs();
    lx_robust_list_release(c->task);
    delete_timers();
    unmap_guest();
    lx_trap_exec_reset(c->t);
    rx_program_replaced();
    close_on_exec();
    lx_signal_clear_handlers();
    reset_task(c->task);
    uint64_t e, pm, inheritable;
    lx_guest_caps(&e, &pm, &inheritable);
    lx_guest_caps_init(lx_proc.caps.bounding, inheritable);

    /* the registers of a program's start beside the load's record: one page written */
    static struct { struct linux_sigcontext regs; struct lx_start st; } start LX_START_ALIGN RX_FORK_COPIED;
    struct lx_exec_error err;
    if (lx_program_load(p, &start.st, &err) < 0) {
        die_after_exec(p, &err);
        return 0;
    }
    lx_ptable_answer_kept();
    /* all zero but rip and rsp, FP afresh */
    memset(&start.regs, 0, sizeof start.regs);
    start.regs.rip = start.st.pc;
    start.regs.rsp = start.st.sp;
    c->sigreturn = &start.regs;
    c->fresh_fp = 1;
    c->untraced_return = 1;
    return 0;
}

/* process.c — the guest process object: created at start, filled from the loaded image. */
#include "process.h"

#include <errno.h>

#include <stdio.h>
#include <string.h>

#include "../abi/linux_sys.h"
#include "../guestmem/access.h"
#include "../redox/rx.h"
#include "ptable.h"

/* page-aligned: what forks and execs write is on its first page (process.h) */
struct lx_process lx_proc __attribute__((aligned(4096))) = { .opts = LX_OPTIONS_DEFAULT, .threads = 1 };

/* Clock ticks since boot (the clock rx_sysstat's uptime reads, without its other
 * counters), by a system call: every process start reads it, and most never read
 * the clock again (rx_clock_gettime_entry). */
static uint64_t uptime_cs(void)
{
    struct rx_timespec t;
    return rx_clock_gettime_entry(RX_CLOCK_X_BOOTTIME, &t) == 0 ? (uint64_t)t.sec * 100 + (uint64_t)t.nsec / 10000000 : 0;
}

uint64_t lx_proc_start_cs RX_FORK_HOT;

void lx_process_start(uintptr_t brk, const char *path)
{
    lx_proc.brk_start = lx_proc.brk_cur = lx_proc.brk_mapped = brk;
    const char *base = strrchr(path, '/');
    snprintf(lx_proc.comm, sizeof lx_proc.comm, "%s", base ? base + 1 : path);
    /* an exec keeps the process's start (its fork's, lx_process_forked): only the
     * first program reads the clock, whose first call in a forked child was a fault
     * on the host's vDSO page in every exec'd child of a shell's loop */
    if (!lx_proc_start_cs) lx_proc_start_cs = uptime_cs();
}

uint64_t lx_process_fork_time(void) { return uptime_cs(); }

void lx_process_forked(uint64_t start_cs)
{
    lx_proc_start_cs = start_cs;
    lx_ptable_add_child((int)rx_getpid(), (int)rx_forked_from(), start_cs);
    lx_ptable_answer_forked();
}

void lx_process_child(int pid, uint64_t start_cs) { lx_ptable_add_child(pid, (int)rx_getpid(), start_cs); }

static long copy_from_guest(void *to, const void *from, size_t n) { return gm_copy_in(to, (uintptr_t)from, n); }

void lx_process_image(const char *exe, uintptr_t sp, uintptr_t arg_start, uintptr_t arg_end,
                      uintptr_t env_start, uintptr_t env_end, uintptr_t auxv, uintptr_t auxv_len)
{
    snprintf(lx_proc.exe, sizeof lx_proc.exe, "%s", exe);
    lx_proc.stack_sp = sp;
    lx_proc.arg_start = arg_start;
    lx_proc.arg_end = arg_end;
    lx_proc.env_start = env_start;
    lx_proc.env_end = env_end;
    lx_proc.auxv = auxv;
    lx_proc.auxv_len = auxv_len;
    size_t n = arg_end > arg_start ? arg_end - arg_start : 0;
    lx_proc_start_cs = lx_ptable_enter(lx_proc_start_cs, exe, (const char *)arg_start, n, copy_from_guest);
    lx_process_publish();
}

/* general-regs-only: getuid and the like serve from it on the fast path's guest-FS
 * way, which keeps off the vector registers (ctest design.guestfs_vector_free). */
__attribute__((target("general-regs-only"))) void lx_process_ids(struct lx_ids *out)
{
    if (!lx_proc.ids.known) {
        lx_proc.ids.uid = (uint32_t)rx_getuid(), lx_proc.ids.euid = (uint32_t)rx_geteuid();
        lx_proc.ids.gid = (uint32_t)rx_getgid(), lx_proc.ids.egid = (uint32_t)rx_getegid();
        lx_proc.ids.known = 1;
    }
    *out = (struct lx_ids){ lx_proc.ids.uid, lx_proc.ids.euid, lx_proc.ids.gid, lx_proc.ids.egid };
}

void lx_process_ids_changed(void)
{
    lx_proc.ids.known = 0;
    lx_process_publish();
}

void lx_process_publish(void)
{
    lx_ptable_set_comm(lx_proc.comm);
    struct lx_ids id;
    lx_process_ids(&id);
    lx_ptable_set_ids(id.uid, id.euid, id.gid, id.egid);
    uint64_t ignored, caught;
    lx_process_dispositions(&ignored, &caught);
    lx_ptable_set_signals(ignored, caught);
}

void lx_process_dispositions(uint64_t *ignored, uint64_t *caught)
{
    *ignored = *caught = 0;
    for (int sig = 1; sig <= 64; sig++) {
        uint64_t h = lx_proc.sigactions[sig].handler;
        if (h == LINUX_SIG_IGN) *ignored |= 1ULL << (sig - 1);
        else if (h != LINUX_SIG_DFL) *caught |= 1ULL << (sig - 1);
    }
}


void lx_guest_caps_init(uint64_t bounding, uint64_t inheritable)
{
    lx_proc.caps.bounding = bounding;
    lx_proc.caps.inheritable = inheritable;
    struct lx_ids id;
    lx_process_ids(&id);
    lx_proc.caps.permitted = lx_proc.caps.effective = id.euid == 0 ? bounding : 0;
    lx_proc.caps.known = 1;
}

void lx_guest_caps(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable)
{
    if (!lx_proc.caps.known) lx_guest_caps_init(LINUX_CAP_FULL, 0);
    *effective = lx_proc.caps.effective;
    *permitted = lx_proc.caps.permitted;
    *inheritable = lx_proc.caps.inheritable;
}

/* ---- the guest's other threads ---- */

#define MAX_LISTED 1024
static struct lx_task *tasks[MAX_LISTED];
static int ntids RX_FORK_HOT, tids_lock RX_FORK_HOT;

static void tid_lock(void)
{
    while (__atomic_exchange_n(&tids_lock, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
}
static void tid_unlock(void) { __atomic_store_n(&tids_lock, 0, __ATOMIC_RELEASE); }

void lx_process_thread_add(struct lx_task *t)
{
    tid_lock();
    if (ntids < MAX_LISTED) tasks[ntids++] = t;
    tid_unlock();
}

void lx_process_thread_remove(int tid)
{
    tid_lock();
    for (int i = 0; i < ntids; i++)
        if (tasks[i]->tid == tid) {
            tasks[i] = tasks[--ntids];
            break;
        }
    tid_unlock();
}

void lx_process_threads_forget(void) { ntids = 0; }

char lx_process_thread_state(int tid)
{
    char state = 0;
    tid_lock();
    for (int i = 0; i < ntids; i++)
        if (tasks[i]->tid == tid) state = __atomic_load_n(&tasks[i]->sleeping, __ATOMIC_RELAXED) ? 'S' : 'R';
    tid_unlock();
    return state;
}

int lx_process_thread_robust_list(int tid, uint64_t *head, uint64_t *len)
{
    int r = -ESRCH;
    tid_lock();
    for (int i = 0; i < ntids; i++)
        if (tasks[i]->tid == tid) {
            *head = tasks[i]->robust_list;
            *len = tasks[i]->robust_len;
            r = 0;
        }
    tid_unlock();
    return r;
}

int lx_process_tids(int *out, int max)
{
    tid_lock();
    int n = ntids < max ? ntids : max;
    for (int i = 0; i < n; i++) out[i] = tasks[i]->tid;
    tid_unlock();
    return n;
}

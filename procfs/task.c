/* task.c — procfs_task_gather: the guest process as /proc/<pid> shows it, from
 * lxrun's own state (syscalls/process.h, the trapped thread, the fd space) and
 * rx.h. */
#include "pid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "../process/process.h"
#include "../process/ptable.h"
#include "../trap/thread.h"

/* Linux's fd table grows from 64 slots to multiples of 128 in powers of two
 * (alloc_fdtable); FDSize shows the size the guest's highest fd needs. */
static unsigned fd_table_size(void)
{
    int *fds, highest = -1;
    long n_open = procfs_guest_fds(&fds);
    if (n_open > 0) highest = fds[n_open - 1];
    if (n_open >= 0) free(fds);
    if (highest < 64) return 64;
    unsigned n = (unsigned)highest / 128 + 1, p = 1;
    while (p < n) p <<= 1;
    return p * 128;
}

static const struct { uint64_t magic; const char *name; } fstypes[] = {
    { 0xEF53, "ext4" },          { 0x01021994, "tmpfs" }, { 0x794c7630, "overlay" },
    { 0x9123683E, "btrfs" },     { 0x58465342, "xfs" },   { 0x6969, "nfs" },
    { 0x65735546, "fuse" },      { 0x2fc12fc1, "zfs" },   { 0xF2F52010, "f2fs" },
    { 0x858458f6, "ramfs" },     { 0x73717368, "squashfs" }, { 0x4d44, "vfat" },
};

static void root_facts(struct procfs_task *t)
{
    long fd = procfs_open_guest_root(); /* the guest's "/" (--root: that directory) */
    if (fd < 0) return;
    struct rx_stat st;
    struct rx_statvfs v;
    if (rx_fstat((int)fd, &st) == 0) t->root_dev = st.dev;
    if (rx_fstatvfs((int)fd, &v) == 0)
        for (size_t i = 0; i < sizeof fstypes / sizeof fstypes[0]; i++)
            if (v.fstype == fstypes[i].magic) snprintf(t->root_fstype, sizeof t->root_fstype, "%s", fstypes[i].name);
    rx_close((int)fd);
}

void procfs_task_gather(struct procfs_task *t, int scan_fds)
{
    memset(t, 0, sizeof *t);
    t->pid = (int)rx_getpid();
    t->ppid = (int)rx_getppid();
    t->tid = t->pid; /* the main thread: the only one lxrun serves */
    t->state = 'R';   /* the reader is running; if it is another thread, the main one's state */
    static struct lx_pt_entry self;
    if (rx_gettid() != t->pid && lx_ptable_get(t->pid, &self) == 0 && self.state == 'S') t->state = 'S';
    t->threads = lx_proc.threads > 0 ? lx_proc.threads : 1;
    memcpy(t->comm, lx_proc.comm, sizeof t->comm);
    t->comm[sizeof t->comm - 1] = 0;
    t->oom_score_adj = lx_proc.oom_score_adj;
    t->personality = lx_proc.personality;
    lx_guest_caps(&t->cap_effective, &t->cap_permitted, &t->cap_inheritable);
    t->cap_bounding = lx_proc.caps.bounding;
    long old = rx_umask(0);
    rx_umask((unsigned)old);
    t->umask = (unsigned)old & 0777;
    t->uid = (uint32_t)rx_getuid();
    t->euid = (uint32_t)rx_geteuid();
    t->gid = (uint32_t)rx_getgid();
    t->egid = (uint32_t)rx_getegid();
    long n = rx_getgroups(PROCFS_MAX_GROUPS, t->groups);
    t->ngroups = n > 0 ? (int)n : 0;

    struct lx_thread *th = lx_thread_self(); /* NULL outside a trapped thread (unit tests) */
    if (th) t->sig_blocked = th->task.sigmask;
    lx_process_dispositions(&t->sig_ignored, &t->sig_caught);

    t->start_cs = lx_proc_start_cs;
    struct rx_rusage ru;
    if (rx_getrusage(RX_RUSAGE_SELF, &ru) == 0) {
        t->utime_cs = (uint64_t)ru.utime.sec * 100 + (uint64_t)ru.utime.nsec / 10000000;
        t->stime_cs = (uint64_t)ru.stime.sec * 100 + (uint64_t)ru.stime.nsec / 10000000;
        t->maxrss_kb = ru.maxrss_kb > 0 ? (uint64_t)ru.maxrss_kb : 0;
    }
    if (scan_fds) t->fd_size = fd_table_size();
    for (int res = 0; res < 16; res++)
        if (lx_guest_rlimit(res, &t->rlim_cur[res], &t->rlim_max[res]) < 0)
            t->rlim_cur[res] = t->rlim_max[res] = ~0ULL;

    t->brk_start = lx_proc.brk_start;
    t->brk = lx_proc.brk_cur;
    t->start_stack = lx_proc.stack_sp;
    t->arg_start = lx_proc.arg_start;
    t->arg_end = lx_proc.arg_end;
    t->env_start = lx_proc.env_start;
    t->env_end = lx_proc.env_end;
    t->auxv = lx_proc.auxv;
    t->auxv_len = lx_proc.auxv_len;
    snprintf(t->exe, sizeof t->exe, "%s", lx_proc.exe);
    if (procfs_guest_cwd(t->cwd, sizeof t->cwd) < 0) t->cwd[0] = 0;
    root_facts(t);
}

/* A sibling: what the process table holds; the rest (umask, groups, limits) is
 * not published and shown as the reader's own, which a process of the session
 * inherits unless it changed them. */
int procfs_task_gather_pid(struct procfs_task *t, int pid, int scan_fds)
{
    if (pid == (int)rx_getpid()) {
        procfs_task_gather(t, scan_fds);
        return 0;
    }
    static struct lx_pt_entry e;
    if (lx_ptable_get(pid, &e) < 0) return -ESRCH;
    procfs_task_gather(t, 0);
    t->foreign = 1;
    t->threads = 1;
    t->pid = t->tid = pid;
    /* an orphan's parent is the host's reaper, outside the session: init's pid */
    t->ppid = e.ppid > 0 && rx_kill(e.ppid, 0) != -ESRCH ? e.ppid : 1;
    t->state = e.state == 'Z' || e.state == 'S' ? e.state : 'R';
    memcpy(t->comm, e.comm, sizeof t->comm);
    t->uid = e.uid;
    t->euid = e.euid;
    t->gid = e.gid;
    t->egid = e.egid;
    t->sig_blocked = 0;
    t->sig_ignored = e.sig_ignored;
    t->sig_caught = e.sig_caught;
    t->start_cs = e.start_cs;
    t->utime_cs = t->stime_cs = t->maxrss_kb = 0;
    t->brk_start = t->brk = t->start_stack = t->arg_start = t->arg_end = t->env_start = t->env_end = 0;
    t->auxv = t->auxv_len = 0;
    snprintf(t->exe, sizeof t->exe, "%s", e.exe);
    snprintf(t->cwd, sizeof t->cwd, "%s", e.cwd);
    t->cmdline_len = e.cmdline_len < sizeof t->cmdline ? e.cmdline_len : (uint32_t)sizeof t->cmdline;
    memcpy(t->cmdline, e.cmdline, t->cmdline_len);
    return 0;
}

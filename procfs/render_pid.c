/* render_pid.c — the files of /proc/<pid> in the formats of fs/proc/array.c,
 * task_mmu.c and base.c, from procfs_task facts and the guest mapping table.
 *
 * lxrun knows the guest's mappings exactly but not which pages are resident:
 * resident-set figures are an estimate (lxrun's own peak RSS, at most the
 * mapped size), split between anonymous and file memory in proportion. */
#include "../abi/linux_sys.h"
#include "pid.h"

#include <errno.h>
#include "../abi/linux_fcntl.h"
#include "../abi/linux_mman.h"
#include "../abi/linux_stat.h"
#include <stdio.h>
#include <string.h>

#include "../guestmem/access.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"

#define KB(bytes) ((unsigned long long)((bytes) >> 10))
#define PAGES(bytes) ((unsigned long long)((bytes) / GM_PAGE))
#define RLIM_INF (~0ULL)

/* Mount ids and devices, the same in mounts, mountinfo and fdinfo. */
#define MNT_ROOT 21
#define MNT_PROC 22
#define MNT_SYS 23

/* ---- the address space, summed from the mapping table ---- */

struct vm_sums {
    uint64_t total, exe, lib, data, stack, file, anon;
    uint64_t rss, rss_anon, rss_file;            /* estimates, bytes */
    uintptr_t start_code, end_code, start_data, end_data;
};

static int is_program(const struct gm_vma *v, const struct procfs_task *t)
{
    return v->kind == GM_FILE && v->name && t->exe[0] && strcmp(v->name, t->exe) == 0;
}

/* A sibling's mappings are its own: not published, summed as none. */
static void vm_sum(const struct procfs_task *t, struct vm_sums *s)
{
    memset(s, 0, sizeof *s);
    if (t->foreign) return;
    struct gm_vma vma;
    for (size_t i = 0; gm_at(i, &vma); i++) {
        const struct gm_vma *v = &vma;
        uint64_t len = v->end - v->start;
        s->total += len;
        int prog = is_program(v, t);
        if (v->kind == GM_STACK) s->stack += len;
        else if ((v->prot & LINUX_PROT_WRITE) && !v->shared) s->data += len; /* Linux's data_vm */
        if (v->prot & LINUX_PROT_EXEC) {
            if (prog) s->exe += len;
            else s->lib += len;
        }
        if (prog && (v->prot & LINUX_PROT_EXEC)) {
            if (!s->start_code || v->start < s->start_code) s->start_code = v->start;
            if (v->end > s->end_code) s->end_code = v->end;
        }
        if (prog && (v->prot & LINUX_PROT_WRITE)) {
            if (!s->start_data || v->start < s->start_data) s->start_data = v->start;
            if (v->end > s->end_data) s->end_data = v->end;
        }
        if (v->kind == GM_FILE) s->file += len;
        else s->anon += len;
    }
    uint64_t rss = t->maxrss_kb << 10;
    s->rss = rss && rss < s->total ? rss : s->total;
    s->rss_anon = s->total ? (uint64_t)((unsigned __int128)s->rss * s->anon / s->total) : 0;
    s->rss_anon &= ~(GM_PAGE - 1);
    s->rss_file = s->rss - s->rss_anon;
}

/* ---- maps ---- */

/* show_vma_header_prefix: the fixed columns, then the name padded to column 73. */
static void map_line(struct procfs_out *o, uintptr_t start, uintptr_t end, const char *perms,
                     uint64_t off, uint64_t dev, uint64_t ino, const char *name)
{
    size_t before = o->len;
    out_printf(o, "%08lx-%08lx %s %08llx %02x:%02x %llu ", (unsigned long)start, (unsigned long)end, perms,
               (unsigned long long)off, linux_major(dev), linux_minor(dev), (unsigned long long)ino);
    if (name) {
        size_t width = o->len - before;
        if (width < 72) out_printf(o, "%*s", (int)(72 - width), "");
        out_printf(o, " %s", name);
    }
    out_puts(o, "\n");
}

void render_pid_maps(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    struct gm_vma vma;
    for (size_t i = 0; gm_at(i, &vma); i++) {
        const struct gm_vma *v = &vma;
        char perms[5] = { v->prot & LINUX_PROT_READ ? 'r' : '-', v->prot & LINUX_PROT_WRITE ? 'w' : '-',
                          v->prot & LINUX_PROT_EXEC ? 'x' : '-', v->shared ? 's' : 'p', 0 };
        const char *name = v->kind == GM_HEAP ? "[heap]" : v->kind == GM_STACK ? "[stack]" : v->kind == GM_VDSO ? "[vdso]"
                         : v->kind == GM_VVAR ? "[vvar]"
                         : v->kind == GM_FILE ? v->name : NULL;
        int file = v->kind == GM_FILE;
        map_line(o, v->start, v->end, perms, file ? v->offset : 0, file ? v->dev : 0, file ? v->ino : 0, name);
    }
}

static void kb_line(struct procfs_out *o, const char *name, uint64_t bytes)
{
    out_printf(o, "%-16s%8llu kB\n", name, KB(bytes));
}

void render_pid_smaps_rollup(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    struct vm_sums s;
    vm_sum(&f->task, &s);
    size_t n = gm_count();
    struct gm_vma first, last;
    uintptr_t lo = n && gm_at(0, &first) ? first.start : 0, hi = n && gm_at(n - 1, &last) ? last.end : 0;
    map_line(o, lo, hi, "---p", 0, 0, 0, "[rollup]");
    kb_line(o, "Rss:", s.rss);
    kb_line(o, "Pss:", s.rss);
    kb_line(o, "Pss_Dirty:", s.rss_anon);
    kb_line(o, "Pss_Anon:", s.rss_anon);
    kb_line(o, "Pss_File:", s.rss_file);
    kb_line(o, "Pss_Shmem:", 0);
    kb_line(o, "Shared_Clean:", 0);
    kb_line(o, "Shared_Dirty:", 0);
    kb_line(o, "Private_Clean:", s.rss_file);
    kb_line(o, "Private_Dirty:", s.rss_anon);
    kb_line(o, "Referenced:", s.rss);
    kb_line(o, "Anonymous:", s.rss_anon);
    kb_line(o, "KSM:", 0);
    kb_line(o, "LazyFree:", 0);
    kb_line(o, "AnonHugePages:", 0);
    kb_line(o, "ShmemPmdMapped:", 0);
    kb_line(o, "FilePmdMapped:", 0);
    kb_line(o, "Shared_Hugetlb:", 0);
    kb_line(o, "Private_Hugetlb:", 0);
    kb_line(o, "Swap:", 0);
    kb_line(o, "SwapPss:", 0);
    kb_line(o, "Locked:", 0);
}

/* ---- stat, statm, status ---- */

#define SIG_MASK_STAT 0x7fffffffULL /* stat shows only the first 31 signals' bits */

void render_pid_stat(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    const struct procfs_task *t = &f->task;
    struct vm_sums s;
    vm_sum(t, &s);
    long pgrp = rx_getpgid(t->pid), sid = rx_getsid(t->pid);
    int nice = 0;
    if (rx_getpriority(0 /* a process */, t->pid, &nice) < 0) nice = 0;
    out_printf(o, "%d (%s) %c %d %ld %ld 0 -1 4194304 0 0 0 0 %llu %llu 0 0 %d %d %d 0 %llu %llu %llu %llu",
               t->tid, t->comm, t->state, t->ppid, pgrp < 0 ? 0 : pgrp, sid < 0 ? 0 : sid, (unsigned long long)t->utime_cs,
               (unsigned long long)t->stime_cs, 20 + nice, nice, t->threads, (unsigned long long)t->start_cs,
               (unsigned long long)s.total, PAGES(s.rss), (unsigned long long)t->rlim_cur[5 /* RSS */]);
    out_printf(o, " %lu %lu %lu 0 0 0 %llu %llu %llu 0 0 0 17 0 0 0 0 0 0",
               (unsigned long)(s.start_code ? s.start_code : 1), (unsigned long)(s.end_code ? s.end_code : 1),
               (unsigned long)t->start_stack, (unsigned long long)(t->sig_blocked & SIG_MASK_STAT),
               (unsigned long long)(t->sig_ignored & SIG_MASK_STAT), (unsigned long long)(t->sig_caught & SIG_MASK_STAT));
    out_printf(o, " %lu %lu %lu %lu %lu %lu %lu 0\n", (unsigned long)s.start_data, (unsigned long)s.end_data,
               (unsigned long)t->brk_start, (unsigned long)t->arg_start, (unsigned long)t->arg_end,
               (unsigned long)t->env_start, (unsigned long)t->env_end);
}

void render_pid_statm(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    struct vm_sums s;
    vm_sum(&f->task, &s);
    out_printf(o, "%llu %llu %llu %llu 0 %llu 0\n", PAGES(s.total), PAGES(s.rss), PAGES(s.rss_file),
               PAGES(s.exe), PAGES(s.data + s.stack));
}

static void vm_line(struct procfs_out *o, const char *name, uint64_t bytes)
{
    out_printf(o, "%s\t%8llu kB\n", name, KB(bytes));
}

static void sig_line(struct procfs_out *o, const char *name, uint64_t set)
{
    out_printf(o, "%s\t%016llx\n", name, (unsigned long long)set);
}

static void vm_lines(struct procfs_out *o, const struct vm_sums *v)
{
    vm_line(o, "VmPeak:", v->total);
    vm_line(o, "VmSize:", v->total);
    vm_line(o, "VmLck:", 0);
    vm_line(o, "VmPin:", 0);
    vm_line(o, "VmHWM:", v->rss);
    vm_line(o, "VmRSS:", v->rss);
    vm_line(o, "RssAnon:", v->rss_anon);
    vm_line(o, "RssFile:", v->rss_file);
    vm_line(o, "RssShmem:", 0);
    vm_line(o, "VmData:", v->data);
    vm_line(o, "VmStk:", v->stack);
    vm_line(o, "VmExe:", v->exe);
    vm_line(o, "VmLib:", v->lib);
    vm_line(o, "VmPTE:", (v->total >> 9) & ~(uint64_t)4095); /* 8 bytes of page table per page */
    vm_line(o, "VmSwap:", 0);
    out_printf(o, "HugetlbPages:\t%8u kB\n", 0u);
}

void render_pid_status(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    const struct procfs_task *t = &f->task;
    struct vm_sums s;
    vm_sum(t, &s);
    out_puts(o, "Name:\t");
    for (const char *c = t->comm; *c; c++) { /* escaped as proc_task_name(…, true) does */
        if (*c == '\n') out_puts(o, "\\n");
        else if (*c == '\\') out_puts(o, "\\\\");
        else out_printf(o, "%c", *c);
    }
    const char *state = t->state == 'Z' ? "Z (zombie)" : t->state == 'S' ? "S (sleeping)" : "R (running)";
    out_printf(o, "\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
               t->umask, state, t->pid, t->tid, t->ppid);
    out_printf(o, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%u\nGroups:\t", t->uid, t->euid, t->euid,
               t->euid, t->gid, t->egid, t->egid, t->egid, t->fd_size ? t->fd_size : 64);
    for (int i = 0; i < t->ngroups; i++) out_printf(o, "%s%u", i ? " " : "", t->groups[i]);
    long pgrp = rx_getpgid(t->pid), sid = rx_getsid(t->pid);
    out_printf(o, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%ld\nNSsid:\t%ld\nKthread:\t0\n", t->pid, t->pid,
               pgrp < 0 ? 0 : pgrp, sid < 0 ? 0 : sid);
    if (!t->foreign) vm_lines(o, &s); /* a process without an mm (as Linux shows one) has none */
    out_printf(o, "CoreDumping:\t0\nTHP_enabled:\t%d\nuntag_mask:\t0xffffffffffffffff\n"
                  "Threads:\t%d\nSigQ:\t0/%llu\n",
               f->thp_enabled != PROCFS_THP_NEVER, t->threads, (unsigned long long)t->rlim_cur[11 /* SIGPENDING */]);
    sig_line(o, "SigPnd:", 0);
    sig_line(o, "ShdPnd:", 0);
    sig_line(o, "SigBlk:", t->sig_blocked);
    sig_line(o, "SigIgn:", t->sig_ignored);
    sig_line(o, "SigCgt:", t->sig_caught);
    sig_line(o, "CapInh:", t->cap_inheritable);
    sig_line(o, "CapPrm:", t->cap_permitted);
    sig_line(o, "CapEff:", t->cap_effective);
    sig_line(o, "CapBnd:", t->cap_bounding);
    sig_line(o, "CapAmb:", 0);
    out_puts(o, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
                "Speculation_Store_Bypass:\tthread vulnerable\nSpeculationIndirectBranch:\tconditional enabled\n"
                "Cpus_allowed:\t");
    unsigned ncpu = f->ncpu ? f->ncpu : 1;
    out_cpu_mask(o, 0, ncpu - 1, ncpu);
    out_puts(o, "\nCpus_allowed_list:\t");
    out_cpu_range(o, 0, ncpu - 1);
    out_puts(o, "\nMems_allowed:\t");
    for (int i = 0; i < 31; i++) out_puts(o, "00000000,");
    out_puts(o, "00000001\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* ---- the initial stack: cmdline, environ, auxv ---- */

/* Guest bytes [start, end), page by page: a page the guest unmapped ends the
 * text there, as Linux's access_remote_vm stops. */
static void out_guest(struct procfs_out *o, uintptr_t start, uintptr_t end)
{
    char chunk[4096];
    while (start < end) {
        size_t n = GM_PAGE - (start & (GM_PAGE - 1));
        if (n > end - start) n = end - start;
        if (gm_copy_in(chunk, start, n) < 0) return;
        out_bytes(o, chunk, n);
        start += n;
    }
}

void render_pid_cmdline(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    const struct procfs_task *t = &f->task;
    if (t->foreign) {
        out_bytes(o, t->cmdline, t->cmdline_len);
        return;
    }
    if (t->arg_end <= t->arg_start) return;
    char last;
    if (gm_copy_in(&last, t->arg_end - 1, 1) < 0) return;
    if (last == 0) {
        out_guest(o, t->arg_start, t->arg_end);
        return;
    }
    /* The NUL after the arguments was overwritten (setproctitle): the title runs
     * on into the environment, up to and with the first NUL (get_mm_proctitle). */
    char chunk[4096];
    uintptr_t end = t->env_end > t->arg_end ? t->env_end : t->arg_end;
    for (uintptr_t p = t->arg_start; p < end;) {
        size_t n = GM_PAGE - (p & (GM_PAGE - 1));
        if (n > end - p) n = end - p;
        if (gm_copy_in(chunk, p, n) < 0) return;
        char *nul = memchr(chunk, 0, n);
        if (nul) {
            out_bytes(o, chunk, (size_t)(nul - chunk) + 1);
            return;
        }
        out_bytes(o, chunk, n);
        p += n;
    }
}

void render_pid_environ(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    out_guest(o, f->task.env_start, f->task.env_end);
}

void render_pid_auxv(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    out_guest(o, f->task.auxv, f->task.auxv + f->task.auxv_len);
}

void render_pid_comm(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    out_printf(o, "%s\n", f->task.comm);
}

/* ---- limits ---- */

void render_pid_limits(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    static const struct { const char *name, *unit; } lim[16] = {
        { "Max cpu time", "seconds" },     { "Max file size", "bytes" },      { "Max data size", "bytes" },
        { "Max stack size", "bytes" },     { "Max core file size", "bytes" }, { "Max resident set", "bytes" },
        { "Max processes", "processes" },  { "Max open files", "files" },     { "Max locked memory", "bytes" },
        { "Max address space", "bytes" },  { "Max file locks", "locks" },     { "Max pending signals", "signals" },
        { "Max msgqueue size", "bytes" },  { "Max nice priority", NULL },     { "Max realtime priority", NULL },
        { "Max realtime timeout", "us" },
    };
    out_printf(o, "%-26s%-21s%-21s%-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < 16; i++) {
        uint64_t cur = f->task.rlim_cur[i], max = f->task.rlim_max[i];
        if (cur == RLIM_INF) out_printf(o, "%-25s %-20s ", lim[i].name, "unlimited");
        else out_printf(o, "%-25s %-20llu ", lim[i].name, (unsigned long long)cur);
        if (max == RLIM_INF) out_printf(o, "%-20s ", "unlimited");
        else out_printf(o, "%-20llu ", (unsigned long long)max);
        if (lim[i].unit) out_printf(o, "%-10s\n", lim[i].unit);
        else out_puts(o, "\n");
    }
}

/* ---- mounts: "/", proc on /proc, sysfs on /sys ---- */

static const char *root_fstype(const struct procfs_task *t) { return t->root_fstype[0] ? t->root_fstype : "rootfs"; }

void render_pid_mounts(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    out_printf(o, "/dev/root / %s rw,relatime 0 0\n"
                  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
                  "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n",
               root_fstype(&f->task));
}

void render_pid_mountinfo(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    const struct procfs_task *t = &f->task;
    out_printf(o, "%d 1 %u:%u / / rw,relatime - %s /dev/root rw\n", MNT_ROOT, linux_major(t->root_dev),
               linux_minor(t->root_dev), root_fstype(t));
    out_printf(o, "%d %d 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n", MNT_PROC, MNT_ROOT);
    out_printf(o, "%d %d 0:22 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n", MNT_SYS, MNT_ROOT);
}

void render_pid_cgroup(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_puts(o, "0::/\n");
}

void render_pid_zero(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_puts(o, "0\n");
}

void render_pid_oom_score_adj(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    out_printf(o, "%d\n", f->task.oom_score_adj);
}

void render_pid_personality(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)num;
    out_printf(o, "%08x\n", f->task.personality);
}

/* the reader's own slack: the thread reading is the one asking, as Linux's
 * prctl(PR_GET_TIMERSLACK) answers for itself */
void render_pid_timerslack(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    long ns = rx_timer_slack_get();
    out_printf(o, "%ld\n", ns < 0 ? 0 : ns);
}

/* ---- fdinfo/N ---- */

void render_pid_fdinfo(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f;
    int fd = (int)num;
    long pos = rx_lseek(fd, 0, RX_SEEK_CUR);
    long fl = procfs_fd_flags(fd), fdfl = rx_fcntl(fd, RX_F_GETFD, 0);
    if (fl < 0) return;
    fl = abi_oflags_from_rx((int)fl); /* the guest reads Linux's octal flags */
    if (fdfl > 0 && (fdfl & RX_FD_CLOEXEC)) fl |= LINUX_O_CLOEXEC;
    char target[4096 + 32];
    int mnt = MNT_ROOT;
    if (procfs_fd_target(fd, target, sizeof target) == 1)
        mnt = strncmp(target, "/proc/", 6) == 0 ? MNT_PROC : strncmp(target, "/sys/", 5) == 0 ? MNT_SYS : MNT_ROOT;
    struct rx_stat st;
    unsigned long long ino = rx_fstat(fd, &st) == 0 ? (unsigned long long)st.ino : 0;
    if (mnt != MNT_ROOT) ino = procfs_ino(target);
    out_printf(o, "pos:\t%ld\nflags:\t0%lo\nmnt_id:\t%d\nino:\t%llu\n", pos < 0 ? 0 : pos, (unsigned long)fl, mnt, ino);
}

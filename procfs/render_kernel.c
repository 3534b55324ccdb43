/* render_kernel.c — kernel identity and tunables: /proc/version,
 * /proc/filesystems, /proc/sys/{kernel,vm,fs}/…, /sys/kernel/mm/…  Sysctl files
 * are one value and a newline. */
#include "render.h"

#include "../abi/linux_sys.h"
#include "../process/fd_reserve.h"
#include "../redox/rx.h"

/* init/version.c's linux_proc_banner: "%s version %s (%s@%s) (%s) %s\n". */
void render_version(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s version %s (%s) (%s) %s\n", f->ostype, f->osrelease, f->kernel_builder,
               f->kernel_compiler, f->kernel_version);
}

/* The kernel's command line: Redox boots with none of Linux's parameters, so
 * the line is empty (libmount, systemd's tools and installers read it). */
void render_cmdline(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_puts(o, "\n");
}

/* "nodev\tname" for file systems without a device, "\tname" for the others, in
 * registration order.  These are the pseudo file systems a Linux program expects
 * and lxrun's tree stands in for; Redox's own file systems have no Linux name. */
void render_filesystems(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    static const char *const nodev[] = { "sysfs", "tmpfs", "proc", "devtmpfs", "sockfs",
                                         "pipefs", "ramfs", "devpts" };
    for (size_t i = 0; i < sizeof nodev / sizeof nodev[0]; i++) out_printf(o, "nodev\t%s\n", nodev[i]);
}

void render_ostype(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->ostype);
}

void render_osrelease(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->osrelease);
}

void render_kversion(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->kernel_version);
}

void render_hostname(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->hostname);
}

void render_pid_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%lu\n", f->pid_max);
}

/* setgroups' bound: glibc's sysconf(_SC_NGROUPS_MAX) reads it (id, groups) */
void render_ngroups_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_printf(o, "%d\n", LINUX_NGROUPS_MAX);
}

/* the last capability capget and prctl know (libcap, setpriv and capsh read it) */
void render_cap_last_cap(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_printf(o, "%d\n", LINUX_CAP_LAST_CAP);
}

/* the highest RLIMIT_NOFILE setrlimit allows: lxrun's fd ceiling (process/limits.c) */
void render_nr_open(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_printf(o, "%d\n", lx_fd_ceiling);
}

void render_boot_id(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->boot_id);
}

void render_uuid(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->uuid);
}

void render_overcommit_memory(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%d\n", f->overcommit_memory);
}

void render_core_pattern(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s\n", f->core_pattern);
}

/* "0": the kernel lxrun is has no taint. */
void render_zero_line(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_puts(o, "0\n");
}

/* kernel/fork.c set_max_threads: one thread's 16 KiB stack per 8 pages of memory,
 * clamped to [20, FUTEX_TID_MASK]. */
void render_threads_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    uint64_t threads = f->mem_total_kb / 4 / (8 * 16384 / 4096);
    out_printf(o, "%llu\n", (unsigned long long)(threads < 20 ? 20 : threads > 0x3fffffff ? 0x3fffffff : threads));
}

/* mm/page_alloc.c calculate_min_free_kbytes: sqrt(memory in kB * 16), clamped to
 * [128, 262144]; with transparent huge pages, mm/khugepaged.c raises it to 11
 * pageblocks (2 MiB) per populated zone (DMA, DMA32 and, above 4 GiB, Normal),
 * at most a twentieth of memory. */
void render_min_free_kbytes(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    uint64_t x = f->mem_total_kb * 16, r = 0;
    while (r * r < x) r++;
    if (r * r > x) r--;
    uint64_t kb = r < 128 ? 128 : r > 262144 ? 262144 : r;
    if (f->thp_enabled != PROCFS_THP_NEVER) {
        uint64_t zones = f->mem_total_kb > (4ULL << 20) ? 3 : 2, thp = zones * 11 * 2048;
        if (thp > f->mem_total_kb / 20) thp = f->mem_total_kb / 20;
        if (thp > kb) kb = thp;
    }
    out_printf(o, "%llu\n", (unsigned long long)kb);
}

void render_file_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%lu\n", f->file_max);
}

/* mm/huge_memory.c: every choice listed, the current one in brackets. */
void render_thp_enabled(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    static const char *const text[] = {
        [PROCFS_THP_ALWAYS] = "[always] madvise never",
        [PROCFS_THP_MADVISE] = "always [madvise] never",
        [PROCFS_THP_NEVER] = "always madvise [never]",
    };
    out_printf(o, "%s\n", text[f->thp_enabled <= PROCFS_THP_NEVER ? f->thp_enabled : PROCFS_THP_NEVER]);
}

void render_thp_pmd_size(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%llu\n", (unsigned long long)f->hugepage_size_kb * 1024);
}

/* fs/notify/inotify's limits, as the watch queues' (rx_watch_limit). */
static void watch_limit(struct procfs_out *o, int which)
{
    long v = rx_watch_limit(which);
    out_printf(o, "%ld\n", v < 0 ? 0 : v);
}
void render_inotify_max_events(struct procfs_out *o, const struct procfs_facts *f, unsigned c) { (void)f; (void)c; watch_limit(o, RX_WATCH_X_MAX_EVENTS); }
void render_inotify_max_queues(struct procfs_out *o, const struct procfs_facts *f, unsigned c) { (void)f; (void)c; watch_limit(o, RX_WATCH_X_MAX_QUEUES); }
void render_inotify_max_watches(struct procfs_out *o, const struct procfs_facts *f, unsigned c) { (void)f; (void)c; watch_limit(o, RX_WATCH_X_MAX_WATCHES); }

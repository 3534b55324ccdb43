/* render_kernel.c — kernel identity and tunables: /proc/version,
 * /proc/filesystems, /proc/sys/{kernel,vm,fs}/…, /sys/kernel/mm/…  Sysctl files
 * are one value and a newline. */
#include "render.h"

/* init/version.c's linux_proc_banner: "%s version %s (%s@%s) (%s) %s\n". */
void render_version(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%s version %s (%s) (%s) %s\n", f->ostype, f->osrelease, f->kernel_builder,
               f->kernel_compiler, f->kernel_version);
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

/* render_stat.c — /proc/stat, /proc/uptime, /proc/loadavg (fs/proc/stat.c,
 * uptime.c, loadavg.c). */
#include "render.h"

/* CPU i's share of a total over all CPUs; the shares add up to the total, as
 * Linux's "cpu" line is the sum of the "cpuN" lines. */
static unsigned long long share(uint64_t total, unsigned i, unsigned n)
{
    if (n == 0) return total;
    return total / n + (i < total % n ? 1 : 0);
}

/* Columns: user nice system idle iowait irq softirq steal guest guest_nice. */
static void cpu_times(struct procfs_out *o, unsigned long long user, unsigned long long system,
                      unsigned long long idle)
{
    out_printf(o, " %llu 0 %llu %llu 0 0 0 0 0 0\n", user, system, idle);
}

void render_stat(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_puts(o, "cpu ");
    cpu_times(o, f->user_cs, f->system_cs, f->idle_cs);
    for (unsigned i = 0; i < f->ncpu; i++) {
        out_printf(o, "cpu%u", i);
        cpu_times(o, share(f->user_cs, i, f->ncpu), share(f->system_cs, i, f->ncpu),
                  share(f->idle_cs, i, f->ncpu));
    }
    /* Linux follows the interrupt total with one count per IRQ line; lxrun has
     * no interrupt lines to count. */
    out_printf(o,
               "intr 0\n"
               "ctxt %llu\n"
               "btime %llu\n"
               "processes %llu\n"
               "procs_running %u\n"
               "procs_blocked 0\n"
               "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
               (unsigned long long)f->context_switches, (unsigned long long)f->boot_time,
               (unsigned long long)f->forks, f->nr_running);
}

void render_uptime(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(f->uptime_cs / 100),
               (unsigned long long)(f->uptime_cs % 100), (unsigned long long)(f->idle_cs / 100),
               (unsigned long long)(f->idle_cs % 100));
}

/* "1-min 5-min 15-min running/threads last-pid" */
void render_loadavg(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    for (int i = 0; i < 3; i++) out_printf(o, "%u.%02u ", f->load_x100[i] / 100, f->load_x100[i] % 100);
    out_printf(o, "%u/%u %u\n", f->nr_running, f->nr_threads, f->last_pid);
}

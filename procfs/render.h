/* render.h — procfs internals: the text buffer renderers print into, and the
 * renderers the node table points at. */
#ifndef LXRUN_PROCFS_RENDER_H
#define LXRUN_PROCFS_RENDER_H

#include "procfs.h"

/* Text that may outgrow buf: len counts every byte printed, only the first
 * cap - 1 are kept, so the caller learns the size it needs. */
struct procfs_out {
    char *buf;
    size_t cap, len;
};

void out_printf(struct procfs_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_puts(struct procfs_out *o, const char *s);
/* CPUs 0..n-1 in Linux's list form ("0", "0-3") and mask form ("f", "ffffffff,ffffffff"). */
void out_cpu_range(struct procfs_out *o, unsigned first, unsigned last);
void out_cpu_mask(struct procfs_out *o, unsigned first, unsigned last, unsigned nbits);

/* render_cpu.c */
void render_cpuinfo(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_cpus_all(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_cpus_none(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_cpu_online(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_topo_zero(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_topo_self_id(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_topo_self_list(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_topo_self_mask(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_topo_all_mask(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
/* cpuN/cache/indexM/: the number is N | M << PROCFS_CACHE_INDEX */
void render_cache_line(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_id(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_level(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_sets(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_partitions(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_shared_list(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_shared_map(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_size(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_type(struct procfs_out *o, const struct procfs_facts *f, unsigned n);
void render_cache_ways(struct procfs_out *o, const struct procfs_facts *f, unsigned n);

/* render_mem.c */
void render_meminfo(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_vmstat(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);

/* render_stat.c */
void render_stat(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_uptime(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_loadavg(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);

/* render_kernel.c */
void render_version(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_cmdline(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_filesystems(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_config(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_ostype(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_osrelease(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_kversion(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_hostname(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_pid_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_ngroups_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_cap_last_cap(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_nr_open(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_boot_id(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_uuid(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_overcommit_memory(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_file_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_core_pattern(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_zero_line(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_threads_max(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_min_free_kbytes(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_thp_enabled(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_thp_pmd_size(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);

void render_inotify_max_events(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_inotify_max_queues(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);
void render_inotify_max_watches(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);

/* render_net.c: /proc/net */
void render_net_dev(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_route(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_if_inet6(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_tcp(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_tcp6(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_udp(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_udp6(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_net_unix(struct procfs_out *o, const struct procfs_facts *f, unsigned num);

#endif

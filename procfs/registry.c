/* registry.c — the table of synthesized /proc and /sys nodes: lookup by path,
 * directory listings, rendering.
 *
 * One static table holds every node; a directory's entries are the nodes whose
 * parent it is, in table order.  Per-CPU nodes are written once with '#' for
 * the CPU number and exist for CPUs 0..ncpu-1; a second '#' (a cache's
 * "index#") numbers the CPU's caches, 0..abi_cpu_caches()-1, and goes in the
 * node number's upper half (PROCFS_CACHE_INDEX). */
#include "pid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../abi/linux_cpu.h"

#define DIR_PROC 0555 /* procfs directories */
#define DIR_SYS 0755  /* sysfs directories */
#define RO 0444
#define RW 0644       /* writable on Linux; lxrun's answer to a write is the caller's */

#define D(path, mode) { path, PROCFS_DIR, mode, NULL, 0, NULL }
#define F(path, mode, fn) { path, PROCFS_FILE, mode, fn, 0, NULL }
#define DEV(path, url) { path, PROCFS_FILE, 0666, render_nothing, 0, url }
#define CPU_TOPO "/sys/devices/system/cpu/cpu#/topology/"
#define CPU_CACHE "/sys/devices/system/cpu/cpu#/cache/index#/"

static void render_nothing(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    (void)o; (void)f; (void)n;
}
static void render_link_dev_fd(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    (void)f; (void)n;
    out_puts(o, "/proc/self/fd");
}
static void render_link_dev_stdin(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    (void)f; (void)n;
    out_puts(o, "/proc/self/fd/0");
}
static void render_link_dev_stdout(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    (void)f; (void)n;
    out_puts(o, "/proc/self/fd/1");
}
static void render_link_dev_stderr(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    (void)f; (void)n;
    out_puts(o, "/proc/self/fd/2");
}

static const struct procfs_node nodes[] = {
    D("/proc", DIR_PROC),
    { "/proc/cpuinfo", PROCFS_FILE, RO, render_cpuinfo, PROCFS_CPU, NULL },
    F("/proc/meminfo", RO, render_meminfo),
    F("/proc/vmstat", RO, render_vmstat),
    F("/proc/stat", RO, render_stat),
    F("/proc/uptime", RO, render_uptime),
    F("/proc/loadavg", RO, render_loadavg),
    F("/proc/version", RO, render_version),
    F("/proc/cmdline", RO, render_cmdline),
    { "/proc/config.gz", PROCFS_FILE, 0444, render_config, PROCFS_GZIP, NULL },
    F("/proc/filesystems", RO, render_filesystems),
    { "/proc/self", PROCFS_SYMLINK, 0777, render_link_self, 0, NULL },
    { "/proc/thread-self", PROCFS_SYMLINK, 0777, render_link_thread_self, 0, NULL },
    { "/proc/mounts", PROCFS_SYMLINK, 0777, render_link_mounts, 0, NULL },
    D("/proc/net", DIR_PROC),
    F("/proc/net/dev", RO, render_net_dev),
    F("/proc/net/if_inet6", RO, render_net_if_inet6),
    F("/proc/net/route", RO, render_net_route),
    F("/proc/net/tcp", RO, render_net_tcp),
    F("/proc/net/tcp6", RO, render_net_tcp6),
    F("/proc/net/udp", RO, render_net_udp),
    F("/proc/net/udp6", RO, render_net_udp6),
    F("/proc/net/unix", RO, render_net_unix),
    D("/proc/sys", DIR_PROC),
    D("/proc/sys/kernel", DIR_PROC),
    F("/proc/sys/kernel/cap_last_cap", RO, render_cap_last_cap),
    F("/proc/sys/kernel/core_pattern", RW, render_core_pattern),
    F("/proc/sys/kernel/ostype", RO, render_ostype),
    F("/proc/sys/kernel/osrelease", RO, render_osrelease),
    F("/proc/sys/kernel/version", RO, render_kversion),
    F("/proc/sys/kernel/hostname", RW, render_hostname),
    F("/proc/sys/kernel/ngroups_max", RO, render_ngroups_max),
    F("/proc/sys/kernel/pid_max", RW, render_pid_max),
    F("/proc/sys/kernel/tainted", RW, render_zero_line),
    F("/proc/sys/kernel/threads-max", RW, render_threads_max),
    D("/proc/sys/kernel/random", DIR_PROC),
    F("/proc/sys/kernel/random/boot_id", RO, render_boot_id),
    F("/proc/sys/kernel/random/uuid", RO, render_uuid),
    D("/proc/sys/vm", DIR_PROC),
    F("/proc/sys/vm/min_free_kbytes", RW, render_min_free_kbytes),
    F("/proc/sys/vm/overcommit_memory", RW, render_overcommit_memory),
    D("/proc/sys/fs", DIR_PROC),
    F("/proc/sys/fs/file-max", RW, render_file_max),
    F("/proc/sys/fs/nr_open", RO, render_nr_open), /* lxrun's ceiling: a write cannot move it */
    D("/proc/sys/fs/inotify", DIR_PROC),
    F("/proc/sys/fs/inotify/max_queued_events", RW, render_inotify_max_events),
    F("/proc/sys/fs/inotify/max_user_instances", RW, render_inotify_max_queues),
    F("/proc/sys/fs/inotify/max_user_watches", RW, render_inotify_max_watches),

    /* /dev: the one list of devices Redox has as schemes (vfs-map opens the scheme
     * for the guest path, a listing shows the node); the fd links point into /proc. */
    D("/dev", 0755),
    DEV("/dev/null", "null:"),
    DEV("/dev/zero", "zero:"),
    DEV("/dev/urandom", "rand:"), /* first: what an fd on rand: shows as */
    DEV("/dev/random", "rand:"),
    DEV("/dev/full", "full:"),
    DEV("/dev/tty", "tty:"),
    DEV("/dev/ptmx", "pty:"),
    D("/dev/pts", 0755), /* its /dev/pts/N entries are pty: URLs (vfs-map); not listed */
    D("/dev/shm", 01777), /* served by a real directory of lxrun's (vfs-map) */
    { "/dev/fd", PROCFS_SYMLINK, 0777, render_link_dev_fd, 0, NULL },
    { "/dev/stdin", PROCFS_SYMLINK, 0777, render_link_dev_stdin, 0, NULL },
    { "/dev/stdout", PROCFS_SYMLINK, 0777, render_link_dev_stdout, 0, NULL },
    { "/dev/stderr", PROCFS_SYMLINK, 0777, render_link_dev_stderr, 0, NULL },

    D("/sys", 0555),
    D("/sys/devices", DIR_SYS),
    D("/sys/devices/system", DIR_SYS),
    D("/sys/devices/system/cpu", DIR_SYS),
    D("/sys/devices/system/cpu/cpu#", DIR_SYS),
    { "/sys/devices/system/cpu/cpu#/online", PROCFS_FILE, RW, render_cpu_online, PROCFS_NOT_CPU0, NULL },
    D("/sys/devices/system/cpu/cpu#/topology", DIR_SYS),
    F(CPU_TOPO "physical_package_id", RO, render_topo_zero),
    F(CPU_TOPO "die_id", RO, render_topo_zero),
    F(CPU_TOPO "cluster_id", RO, render_topo_self_id),
    F(CPU_TOPO "core_id", RO, render_topo_self_id),
    F(CPU_TOPO "cluster_cpus", RO, render_topo_self_mask),
    F(CPU_TOPO "cluster_cpus_list", RO, render_topo_self_list),
    F(CPU_TOPO "core_cpus", RO, render_topo_self_mask),
    F(CPU_TOPO "core_cpus_list", RO, render_topo_self_list),
    F(CPU_TOPO "thread_siblings", RO, render_topo_self_mask),
    F(CPU_TOPO "thread_siblings_list", RO, render_topo_self_list),
    F(CPU_TOPO "core_siblings", RO, render_topo_all_mask),
    F(CPU_TOPO "core_siblings_list", RO, render_cpus_all),
    F(CPU_TOPO "die_cpus", RO, render_topo_all_mask),
    F(CPU_TOPO "die_cpus_list", RO, render_cpus_all),
    F(CPU_TOPO "package_cpus", RO, render_topo_all_mask),
    F(CPU_TOPO "package_cpus_list", RO, render_cpus_all),
    D("/sys/devices/system/cpu/cpu#/cache", DIR_SYS),
    D("/sys/devices/system/cpu/cpu#/cache/index#", DIR_SYS),
    F(CPU_CACHE "coherency_line_size", RO, render_cache_line),
    F(CPU_CACHE "id", RO, render_cache_id),
    F(CPU_CACHE "level", RO, render_cache_level),
    F(CPU_CACHE "number_of_sets", RO, render_cache_sets),
    F(CPU_CACHE "physical_line_partition", RO, render_cache_partitions),
    F(CPU_CACHE "shared_cpu_list", RO, render_cache_shared_list),
    F(CPU_CACHE "shared_cpu_map", RO, render_cache_shared_map),
    F(CPU_CACHE "size", RO, render_cache_size),
    F(CPU_CACHE "type", RO, render_cache_type),
    F(CPU_CACHE "ways_of_associativity", RO, render_cache_ways),
    F("/sys/devices/system/cpu/online", RO, render_cpus_all),
    F("/sys/devices/system/cpu/possible", RO, render_cpus_all),
    F("/sys/devices/system/cpu/present", RO, render_cpus_all),
    F("/sys/devices/system/cpu/offline", RO, render_cpus_none),
    D("/sys/kernel", DIR_SYS),
    D("/sys/kernel/mm", DIR_SYS),
    D("/sys/kernel/mm/transparent_hugepage", DIR_SYS),
    F("/sys/kernel/mm/transparent_hugepage/enabled", RW, render_thp_enabled),
    F("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", RO, render_thp_pmd_size),
};

#define NNODES (sizeof nodes / sizeof nodes[0])

/* The CPU count a lookup was given, or asked of the system at its first need. */
static unsigned cpu_count(unsigned *ncpu)
{
    if (*ncpu == PROCFS_NCPU_ASK) *ncpu = procfs_ncpu();
    return *ncpu;
}

/* Does path equal the first plen bytes of pattern?  '#' matches a CPU number
 * below *ncpu, written as Linux writes it (no sign, no leading zero); a second
 * one a cache index below the CPU's count, kept in *cpu's upper half. */
static int match(const char *pattern, size_t plen, const char *path, unsigned *ncpu, unsigned *cpu)
{
    size_t i = 0;
    int nth = 0;
    for (; i < plen; i++, path++) {
        if (pattern[i] != '#') {
            if (*path != pattern[i]) return 0;
            continue;
        }
        if (*path < '0' || *path > '9' || (path[0] == '0' && path[1] >= '0' && path[1] <= '9')) return 0;
        unsigned long n = 0, bound = nth ? abi_cpu_caches(NULL, 0) : cpu_count(ncpu);
        for (; *path >= '0' && *path <= '9'; path++) {
            n = n * 10 + (unsigned long)(*path - '0');
            if (n >= bound) return 0;
        }
        path--; /* the loop's path++ steps past the number's last digit */
        *cpu = nth++ ? (*cpu & 0xffffu) | (unsigned)n << PROCFS_CACHE_INDEX : (unsigned)n;
    }
    return *path == 0;
}

const char *procfs_dev_of_scheme(const char *url)
{
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
        if (nodes[i].scheme && strcmp(nodes[i].scheme, url) == 0) return nodes[i].path;
    return NULL;
}

const struct procfs_node *procfs_lookup(const char *path, unsigned ncpu, unsigned *cpu)
{
    const struct procfs_node *pn;
    if (procfs_pid_lookup(path, &pn, cpu)) return pn; /* /proc/<pid>/… (pid.c) */
    for (size_t i = 0; i < NNODES; i++) {
        unsigned c = 0;
        if (!match(nodes[i].path, strlen(nodes[i].path), path, &ncpu, &c)) continue;
        if ((nodes[i].flags & PROCFS_NOT_CPU0) && c == 0) return NULL;
        if (cpu) *cpu = c;
        return &nodes[i];
    }
    return NULL;
}

long procfs_readdir(const char *dir, unsigned ncpu, procfs_dirent_fn emit, void *arg)
{
    unsigned dir_cpu = 0;
    const struct procfs_node *d = procfs_lookup(dir, ncpu, &dir_cpu);
    if (!d) return -ENOENT;
    if (d->kind != PROCFS_DIR) return -ENOTDIR;
    if (procfs_pid_node(d)) return procfs_pid_readdir(d, dir_cpu, emit, arg);
    long count = 0;
    for (size_t i = 0; i < NNODES; i++) {
        const char *slash = strrchr(nodes[i].path, '/');
        unsigned c = 0;
        if (!match(nodes[i].path, (size_t)(slash - nodes[i].path), dir, &ncpu, &c)) continue;
        const char *name = slash + 1;
        const char *hash = strchr(name, '#');
        if (!hash) {
            if ((nodes[i].flags & PROCFS_NOT_CPU0) && c == 0) continue;
            int r = emit(arg, name, nodes[i].kind);
            if (r) return r;
            count++;
            continue;
        }
        unsigned many = strncmp(name, "index#", 6) == 0 ? abi_cpu_caches(NULL, 0) : cpu_count(&ncpu);
        for (unsigned n = 0; n < many; n++) { /* "cpu#" → cpu0, cpu1, …; "index#" → index0, … */
            char expanded[64];
            snprintf(expanded, sizeof expanded, "%.*s%u%s", (int)(hash - name), name, n, hash + 1);
            int r = emit(arg, expanded, nodes[i].kind);
            if (r) return r;
            count++;
        }
    }
    if (strcmp(dir, "/proc") == 0) { /* after the fixed entries, the process, as Linux lists */
        int r = procfs_pid_emit(emit, arg, &count);
        if (r) return r;
    }
    return count;
}

size_t procfs_render(const struct procfs_node *node, const struct procfs_facts *f, unsigned cpu,
                     char *buf, size_t cap)
{
    struct procfs_out o = { buf, cap, 0 };
    if (cap) buf[0] = 0;
    if (node->render) node->render(&o, f, cpu);
    return o.len;
}

/* procfs.h — the /proc and /sys files lxrun synthesizes.
 *
 * Three steps, kept apart so that the text is testable without the system:
 *   procfs_facts_gather  reads what the renderers need through rx.h only
 *   procfs_lookup        maps a normalised guest path to a node of a static table
 *   procfs_render        prints a file node's text from facts, in the exact format
 *                        a Linux kernel prints it
 * Nothing here reads the host's /proc or /sys. */
#ifndef LXRUN_PROCFS_H
#define LXRUN_PROCFS_H

#include <stddef.h>
#include <stdint.h>

enum procfs_thp { PROCFS_THP_ALWAYS, PROCFS_THP_MADVISE, PROCFS_THP_NEVER };

/* Everything the renderers print.  Sizes in kB, times in centiseconds (Linux's
 * USER_HZ is 100, so centiseconds are also /proc/stat's clock ticks). */
struct procfs_facts {
    /* processors: one package, ncpu cores, one thread each (cpu i is core i) */
    unsigned ncpu;
    char cpu_vendor[16];
    char cpu_model_name[64];
    unsigned cpu_family, cpu_model, cpu_stepping, cpuid_level;
    unsigned cpu_microcode;       /* 0: unknown, the line is left out as Linux does for 0 */
    uint64_t cpu_khz;             /* "cpu MHz"; 0 leaves the line out (no TSC) */
    uint64_t bogomips_x100;       /* hundredths */
    unsigned cache_size_kb;       /* 0 leaves the line out */
    unsigned tlb_size_4k;         /* "TLB size" (AMD); 0 leaves the line out */
    unsigned clflush_size, cache_alignment, phys_bits, virt_bits;
    char cpu_flags[4096];         /* space-separated, Linux's names and order */
    char cpu_bugs[512];
    char power_flags[256];        /* "power management:" names, each with its leading space */

    /* memory, kB */
    uint64_t mem_total_kb, mem_free_kb, mem_available_kb, buffers_kb, cached_kb;
    uint64_t shmem_kb, swap_total_kb, swap_free_kb, hugepage_size_kb;

    /* time, load and tasks */
    uint64_t uptime_cs;           /* since boot */
    uint64_t idle_cs;             /* summed over all CPUs, as /proc/uptime's 2nd field */
    uint64_t user_cs, system_cs;  /* summed over all CPUs */
    uint64_t boot_time;           /* seconds since the epoch ("btime") */
    unsigned load_x100[3];        /* 1, 5, 15-minute load average, hundredths */
    unsigned nr_running, nr_threads, last_pid;
    uint64_t forks, context_switches;

    /* kernel identity */
    char ostype[16];              /* "Linux" */
    char osrelease[65];           /* uname -r */
    char kernel_version[65];      /* uname -v: "#1 SMP PREEMPT_DYNAMIC ..." */
    char kernel_builder[64];      /* /proc/version's "(user@host)" */
    char kernel_compiler[128];    /* /proc/version's "(compiler)" */
    char hostname[65];
    char boot_id[37];             /* the same for every read during one boot */
    char uuid[37];                /* fresh at every gather */

    /* tunables */
    unsigned long pid_max, file_max;
    int overcommit_memory;
    enum procfs_thp thp_enabled;
};

/* Fills *f from rx.h; 0 or a negative errno.  Cheap after the first call (the CPU
 * is identified once per process). */
int procfs_facts_gather(struct procfs_facts *f);

/* The CPU feature words rx_cpuinfo reports, as Linux's flag names in its order. */
struct rx_cpuinfo;
void procfs_cpu_flags(const struct rx_cpuinfo *ci, char *buf, size_t cap);
void procfs_power_flags(const struct rx_cpuinfo *ci, char *buf, size_t cap);

/* ---- the node table ---- */

enum procfs_kind { PROCFS_FILE, PROCFS_DIR, PROCFS_SYMLINK };

struct procfs_out; /* a growing text buffer, see render.h */
typedef void (*procfs_render_fn)(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);

#define PROCFS_NOT_CPU0 1u /* per-CPU node absent for cpu0 (cpuN/online: cpu0 is not hotpluggable) */

struct procfs_node {
    const char *path;       /* absolute guest path; '#' stands for a CPU number */
    enum procfs_kind kind;
    unsigned mode;          /* permission bits as Linux shows them */
    procfs_render_fn render; /* a file's text or a symlink's target; NULL for dirs */
    unsigned flags;
};

/* The node at a normalised absolute guest path ("/proc/cpuinfo", "/sys/devices/
 * system/cpu/cpu3"), or NULL.  CPU numbers count only below ncpu; the number a
 * per-CPU path names goes to *cpu (0 for other nodes; cpu may be NULL). */
const struct procfs_node *procfs_lookup(const char *path, unsigned ncpu, unsigned *cpu);

/* Calls emit for each entry of directory dir (names only, table order, no "."
 * or "..").  emit returns 0 to go on; any other value (a negative errno, say)
 * stops the listing and is returned.  Otherwise returns the number of entries,
 * -ENOENT if dir is not a node, -ENOTDIR if it is not a directory. */
typedef int (*procfs_dirent_fn)(void *arg, const char *name, enum procfs_kind kind);
long procfs_readdir(const char *dir, unsigned ncpu, procfs_dirent_fn emit, void *arg);

/* Prints node's text into buf (always NUL-terminated when cap > 0) and returns
 * its full length, like snprintf: a result >= cap means buf was too small. */
size_t procfs_render(const struct procfs_node *node, const struct procfs_facts *f, unsigned cpu,
                     char *buf, size_t cap);

/* The number of CPUs the guest is shown. */
unsigned procfs_ncpu(void);
/* A node's stat as Linux shows it: its kind and mode, size 0, owned by root,
 * an inode number derived from its path, on lxrun's own device. */
struct rx_stat;
long procfs_stat(const struct procfs_node *node, const char *path, struct rx_stat *st);
/* Opens a node for the guest (a snapshot fd of its text), or a negative errno. */
long procfs_open(const struct procfs_node *node, unsigned cpu, const char *path, int flags);

#endif

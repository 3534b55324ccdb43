/* facts.c — procfs_facts_gather: what the renderers print, gathered through
 * rx.h only.  Where Redox has no source for a Linux number, the value chosen and
 * why is said next to it. */
#include "identity.h"
#include "procfs.h"

#include <stdio.h>
#include <string.h>

#include "../abi/linux_cpu.h"
#include "../redox/rx.h"

/* Linux's PID_MAX_LIMIT on 64-bit: guest pids are the system's own, so only the
 * largest possible limit promises that every pid the guest sees fits. */
#define PID_MAX 4194304ul
#define NR_FILE 8192ul      /* Linux's floor for fs.file-max */
#define HUGEPAGE_KB 2048u   /* x86-64 PMD page */

static void cpu_facts(struct procfs_facts *f, const struct abi_cpuinfo *ci)
{
    snprintf(f->cpu_vendor, sizeof f->cpu_vendor, "%s", ci->vendor);
    snprintf(f->cpu_model_name, sizeof f->cpu_model_name, "%s", ci->brand);
    f->cpu_family = ci->family;
    f->cpu_model = ci->model;
    f->cpu_stepping = ci->stepping;
    f->cpuid_level = ci->max_leaf;
    f->cpu_microcode = 0; /* an MSR: unreadable from user space */
    f->cpu_khz = ci->tsc_khz;
    /* Linux derives loops_per_jiffy from the TSC rate: lpj = khz * 1000 / HZ and
     * bogomips = lpj / (500000 / HZ), which is khz / 500 whatever HZ is. */
    f->bogomips_x100 = ci->tsc_khz / 5;
    f->cache_size_kb = ci->cache_kb;
    f->tlb_size_4k = ci->tlb_4k_entries;
    f->clflush_size = ci->clflush_size;
    f->cache_alignment = ci->clflush_size;
    f->phys_bits = ci->phys_bits;
    f->virt_bits = ci->virt_bits;
    procfs_cpu_flags(ci, f->cpu_flags, sizeof f->cpu_flags);
    f->cpu_bugs[0] = 0; /* Linux's bug list comes from model tables and MSRs */
    procfs_power_flags(ci, f->power_flags, sizeof f->power_flags);
}

static void memory_facts(struct procfs_facts *f, const struct rx_sysstat *st)
{
    f->mem_total_kb = st->mem_total / 1024;
    f->mem_free_kb = st->mem_free / 1024;
    f->buffers_kb = st->mem_buffers / 1024;
    f->cached_kb = 0; /* no page-cache figure without the kernel's counters */
    /* What could be had without swapping, counting only what is known free. */
    f->mem_available_kb = f->mem_free_kb + f->buffers_kb;
    f->shmem_kb = st->mem_shared / 1024;
    f->swap_total_kb = st->swap_total / 1024;
    f->swap_free_kb = st->swap_free / 1024;
    f->hugepage_size_kb = HUGEPAGE_KB;
}

/* sysinfo-style 16.16 load → Linux's /proc/loadavg hundredths: back to its
 * 11-bit fixed point, then its rounding (+ FIXED_1/200) and LOAD_INT/LOAD_FRAC. */
static unsigned load_x100(uint64_t load_16_16)
{
    uint64_t x = (load_16_16 >> 5) + 2048 / 200;
    return (unsigned)((x >> 11) * 100 + (((x & 2047) * 100) >> 11));
}

static void time_facts(struct procfs_facts *f, const struct rx_sysstat *st)
{
    f->uptime_cs = (uint64_t)st->uptime.sec * 100 + (uint64_t)st->uptime.nsec / 10000000;
    f->boot_time = st->boot_time.sec > 0 ? (uint64_t)st->boot_time.sec : 0;
    for (int i = 0; i < 3; i++) f->load_x100[i] = load_x100(st->loads[i]);
    /* No per-CPU time accounting reaches user space: estimate it from the
     * 15-minute load, busy = min(load, ncpu) CPUs over the whole uptime, a
     * third of it in the kernel.  Deltas then follow the load, and /proc/stat
     * and /proc/uptime agree (idle is the same figure in both). */
    uint64_t total = f->uptime_cs * f->ncpu;
    uint64_t busy_x100 = f->load_x100[2] < f->ncpu * 100u ? f->load_x100[2] : f->ncpu * 100u;
    uint64_t busy = f->uptime_cs * busy_x100 / 100;
    f->idle_cs = total - busy;
    f->system_cs = busy / 3;
    f->user_cs = busy - f->system_cs;
    f->nr_running = 1; /* the reader */
    f->nr_threads = st->nr_tasks ? (unsigned)st->nr_tasks : 1;
    long pid = rx_getpid();
    f->last_pid = pid > 0 ? (unsigned)pid : 1;
    f->forks = f->last_pid; /* pids are handed out in order: the latest counts the forks */
    f->context_switches = 0;
}

/* 64-bit FNV-1a, for the boot id. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void format_uuid(char out[37], unsigned char b[16])
{
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* The boot id must stay the same for a whole boot and differ between boots,
 * across every lxrun process.  Derived from what is fixed for one boot of one
 * machine: boot time, memory size, kernel and CPU identity. */
static void boot_id(struct procfs_facts *f, const struct rx_sysstat *st)
{
    uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
    const void *parts[] = { &f->boot_time, &st->mem_total, f->osrelease, f->kernel_version, f->cpu_model_name };
    const size_t sizes[] = { sizeof f->boot_time, sizeof st->mem_total, strlen(f->osrelease),
                             strlen(f->kernel_version), strlen(f->cpu_model_name) };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        h1 = fnv1a(h1, parts[i], sizes[i]);
        h2 = fnv1a(h2 ^ h1, parts[i], sizes[i]);
    }
    unsigned char b[16];
    memcpy(b, &h1, 8);
    memcpy(b + 8, &h2, 8);
    format_uuid(f->boot_id, b);
}

static void fresh_uuid(struct procfs_facts *f)
{
    unsigned char b[16];
    if (rx_getrandom(b, sizeof b) != (long)sizeof b) {
        struct rx_timespec now = { 0, 0 };
        rx_clock_gettime(RX_CLOCK_MONOTONIC, &now);
        uint64_t h1 = fnv1a(0xcbf29ce484222325ull, &now, sizeof now), h2 = fnv1a(h1, &now, sizeof now);
        memcpy(b, &h1, 8);
        memcpy(b + 8, &h2, 8);
    }
    format_uuid(f->uuid, b);
}

static void identity_facts(struct procfs_facts *f, const struct rx_sysfacts *sys)
{
    struct lx_linux_identity id;
    lx_linux_identity(sys, &id);
    snprintf(f->ostype, sizeof f->ostype, "Linux");
    snprintf(f->osrelease, sizeof f->osrelease, "%s", id.release);
    snprintf(f->kernel_version, sizeof f->kernel_version, "%s", id.version);
    snprintf(f->kernel_builder, sizeof f->kernel_builder, "lxrun@lxrun");
    snprintf(f->kernel_compiler, sizeof f->kernel_compiler, "text synthesized by lxrun");
    snprintf(f->hostname, sizeof f->hostname, "%s", id.nodename);
    if (rx_core_pattern(f->core_pattern, sizeof f->core_pattern) < 0)
        snprintf(f->core_pattern, sizeof f->core_pattern, "core");
}

int procfs_facts_gather(struct procfs_facts *f)
{
    memset(f, 0, sizeof *f);
    struct rx_sysfacts sys;
    struct rx_sysstat st;
    long r;
    if ((r = rx_sysfacts(&sys, RX_FACTS_ALL)) < 0 || (r = rx_sysstat(&st)) < 0) return (int)r;
    f->ncpu = sys.ncpu ? (unsigned)sys.ncpu : 1;
    memory_facts(f, &st);
    time_facts(f, &st);
    identity_facts(f, &sys);
    boot_id(f, &st);
    fresh_uuid(f);
    f->pid_max = PID_MAX;
    /* Linux sizes fs.file-max at a tenth of memory in kB (files_maxfiles_init). */
    f->file_max = f->mem_total_kb / 10 > NR_FILE ? f->mem_total_kb / 10 : NR_FILE;
    f->overcommit_memory = 0;          /* heuristic overcommit, Linux's default */
    f->thp_enabled = PROCFS_THP_NEVER; /* Redox has no transparent huge pages */
    return 0;
}

int procfs_facts_gather_cpu(struct procfs_facts *f)
{
    struct abi_cpuinfo ci;
    long r = abi_cpu_identify(&ci);
    if (r < 0) return (int)r;
    cpu_facts(f, &ci);
    return 0;
}

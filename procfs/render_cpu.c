/* render_cpu.c — /proc/cpuinfo and /sys/devices/system/cpu.
 *
 * The topology shown is the simplest one that agrees with itself everywhere:
 * one package, ncpu cores, one thread per core, CPU i being core i with APIC id
 * i — and CPUs 0..ncpu-1 online, as lxrun's sched_getaffinity reports them. */
#include "render.h"

#include "../abi/linux_cpu.h"

/* arch/x86/kernel/cpu/proc.c, show_cpuinfo(): one stanza per online CPU, names
 * padded with tabs to the second tab stop, a blank line after each. */
static void cpuinfo_stanza(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    out_printf(o,
               "processor\t: %u\n"
               "vendor_id\t: %s\n"
               "cpu family\t: %u\n"
               "model\t\t: %u\n"
               "model name\t: %s\n"
               "stepping\t: %u\n",
               cpu, f->cpu_vendor[0] ? f->cpu_vendor : "unknown", f->cpu_family, f->cpu_model,
               f->cpu_model_name[0] ? f->cpu_model_name : "unknown", f->cpu_stepping);
    if (f->cpu_microcode) out_printf(o, "microcode\t: 0x%x\n", f->cpu_microcode);
    if (f->cpu_khz)
        out_printf(o, "cpu MHz\t\t: %u.%03u\n", (unsigned)(f->cpu_khz / 1000), (unsigned)(f->cpu_khz % 1000));
    if (f->cache_size_kb) out_printf(o, "cache size\t: %u KB\n", f->cache_size_kb);
    out_printf(o,
               "physical id\t: 0\n"
               "siblings\t: %u\n"
               "core id\t\t: %u\n"
               "cpu cores\t: %u\n"
               "apicid\t\t: %u\n"
               "initial apicid\t: %u\n"
               "fpu\t\t: yes\n"
               "fpu_exception\t: yes\n"
               "cpuid level\t: %u\n"
               "wp\t\t: yes\n",
               f->ncpu, cpu, f->ncpu, cpu, cpu, f->cpuid_level);
    out_printf(o, "flags\t\t:%s%s\n", f->cpu_flags[0] ? " " : "", f->cpu_flags);
    out_printf(o, "bugs\t\t:%s%s\n", f->cpu_bugs[0] ? " " : "", f->cpu_bugs);
    out_printf(o, "bogomips\t: %llu.%02llu\n", (unsigned long long)(f->bogomips_x100 / 100),
               (unsigned long long)(f->bogomips_x100 % 100));
    if (f->tlb_size_4k) out_printf(o, "TLB size\t: %u 4K pages\n", f->tlb_size_4k);
    out_printf(o,
               "clflush size\t: %u\n"
               "cache_alignment\t: %u\n"
               "address sizes\t: %u bits physical, %u bits virtual\n"
               "power management:%s\n\n",
               f->clflush_size, f->cache_alignment, f->phys_bits, f->virt_bits, f->power_flags);
}

void render_cpuinfo(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    for (unsigned i = 0; i < f->ncpu; i++) cpuinfo_stanza(o, f, i);
}

static unsigned last_cpu(const struct procfs_facts *f) { return f->ncpu ? f->ncpu - 1 : 0; }

/* online, possible, present, and the topology lists of package mates
 * (core_siblings_list, package_cpus_list, die_cpus_list): every CPU, "%*pbl". */
void render_cpus_all(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_cpu_range(o, 0, last_cpu(f));
    out_puts(o, "\n");
}

/* offline: an empty list is an empty line. */
void render_cpus_none(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_puts(o, "\n");
}

void render_cpu_online(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_puts(o, "1\n");
}

/* topology/: physical_package_id, die_id */
void render_topo_zero(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f; (void)cpu;
    out_puts(o, "0\n");
}

/* topology/: core_id, cluster_id — each CPU its own core and cluster */
void render_topo_self_id(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f;
    out_printf(o, "%u\n", cpu);
}

/* topology/: thread_siblings_list, core_cpus_list, cluster_cpus_list */
void render_topo_self_list(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)f;
    out_cpu_range(o, cpu, cpu);
    out_puts(o, "\n");
}

/* topology/: thread_siblings, core_cpus, cluster_cpus */
void render_topo_self_mask(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    out_cpu_mask(o, cpu, cpu, f->ncpu);
    out_puts(o, "\n");
}

/* ---- cpuN/cache/indexM: CPUID's cache leaves (abi_cpu_caches) ----
 * Shared as lxrun's topology has it (one package, a core per CPU): the first and
 * second levels each CPU's own, the ones above every CPU's. */

static int cache_of(unsigned n, struct abi_cache *c, unsigned *cpu)
{
    struct abi_cache all[ABI_CACHES_MAX];
    unsigned idx = n >> PROCFS_CACHE_INDEX, count = abi_cpu_caches(all, ABI_CACHES_MAX);
    *cpu = n & 0xffffu;
    if (idx >= count || idx >= ABI_CACHES_MAX) return 0;
    *c = all[idx];
    return 1;
}

static int cache_private(const struct abi_cache *c) { return c->level <= 2; }

#define CACHE_NUMBER(fn, expr)                                                        \
    void fn(struct procfs_out *o, const struct procfs_facts *f, unsigned n)           \
    {                                                                                 \
        struct abi_cache c;                                                           \
        unsigned cpu;                                                                 \
        (void)f;                                                                      \
        if (cache_of(n, &c, &cpu)) out_printf(o, "%u\n", (unsigned)(expr));           \
    }
CACHE_NUMBER(render_cache_line, c.line)
CACHE_NUMBER(render_cache_level, c.level)
CACHE_NUMBER(render_cache_sets, c.sets)
CACHE_NUMBER(render_cache_partitions, c.partitions)
CACHE_NUMBER(render_cache_ways, c.ways)
CACHE_NUMBER(render_cache_id, cache_private(&c) ? cpu : 0)

void render_cache_size(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    struct abi_cache c;
    unsigned cpu;
    (void)f;
    if (cache_of(n, &c, &cpu))
        out_printf(o, "%lluK\n", (unsigned long long)c.line * c.partitions * c.ways * c.sets / 1024);
}

void render_cache_type(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    static const char *const names[] = { "", "Data\n", "Instruction\n", "Unified\n" };
    struct abi_cache c;
    unsigned cpu;
    (void)f;
    if (cache_of(n, &c, &cpu)) out_puts(o, names[c.type & 3]);
}

void render_cache_shared_list(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    struct abi_cache c;
    unsigned cpu;
    if (!cache_of(n, &c, &cpu)) return;
    if (cache_private(&c)) out_cpu_range(o, cpu, cpu);
    else out_cpu_range(o, 0, last_cpu(f));
    out_puts(o, "\n");
}

void render_cache_shared_map(struct procfs_out *o, const struct procfs_facts *f, unsigned n)
{
    struct abi_cache c;
    unsigned cpu;
    if (!cache_of(n, &c, &cpu)) return;
    if (cache_private(&c)) out_cpu_mask(o, cpu, cpu, f->ncpu);
    else out_cpu_mask(o, 0, last_cpu(f), f->ncpu);
    out_puts(o, "\n");
}

/* topology/: core_siblings, package_cpus, die_cpus */
void render_topo_all_mask(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_cpu_mask(o, 0, last_cpu(f), f->ncpu);
    out_puts(o, "\n");
}

/* test_procfs.c — procfs/: renderers print Linux's exact formats from fixed
 * facts; the registry finds and lists every node; gathered facts agree with what
 * this (Linux) test process can see for itself. */
#include <criterion/criterion.h>
#include <cpuid.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../abi/linux_cpu.h"
#include "../../process/fd_reserve.h"
#include "../../procfs/pid.h"
#include "../../procfs/procfs.h"
#include "../../redox/rx.h"

static char text[1 << 16];

/* Facts shaped like a 2-CPU Sapphire Rapids guest. */
static struct procfs_facts fixed_facts(unsigned ncpu)
{
    struct procfs_facts f;
    memset(&f, 0, sizeof f);
    f.ncpu = ncpu;
    strcpy(f.cpu_vendor, "GenuineIntel");
    strcpy(f.cpu_model_name, "Intel(R) Xeon(R) Processor");
    f.cpu_family = 6; f.cpu_model = 167; f.cpu_stepping = 8; f.cpuid_level = 32;
    f.cpu_khz = 2000000; f.bogomips_x100 = 400000;
    f.cache_size_kb = 107520;
    f.clflush_size = 64; f.cache_alignment = 64; f.phys_bits = 46; f.virt_bits = 57;
    strcpy(f.cpu_flags, "fpu vme de");
    f.mem_total_kb = 16315104; f.mem_free_kb = 1234567; f.mem_available_kb = 8000000;
    f.buffers_kb = 345678; f.cached_kb = 4567890; f.shmem_kb = 12345;
    f.swap_total_kb = 2097148; f.swap_free_kb = 2000000; f.hugepage_size_kb = 2048;
    f.uptime_cs = 12345607; f.idle_cs = 3001; f.user_cs = 1001; f.system_cs = 500;
    f.boot_time = 1700000000;
    f.load_x100[0] = 16; f.load_x100[1] = 42; f.load_x100[2] = 172;
    f.nr_running = 1; f.nr_threads = 79; f.last_pid = 12209; f.forks = 4242;
    strcpy(f.ostype, "Linux");
    strcpy(f.osrelease, "6.1.0-test");
    strcpy(f.kernel_version, "#1 SMP PREEMPT_DYNAMIC Thu Jan  1 00:00:00 UTC 2024");
    strcpy(f.kernel_builder, "lxrun@lxrun");
    strcpy(f.kernel_compiler, "text synthesized by lxrun");
    strcpy(f.hostname, "box");
    strcpy(f.core_pattern, "|/usr/lib/systemd/systemd-coredump %P %u");
    strcpy(f.boot_id, "99c6c21a-c3f1-4f0a-86d7-2119bb73045f");
    strcpy(f.uuid, "cdd25527-e868-42a7-9496-1106abafd916");
    f.pid_max = 4194304; f.file_max = 1631510; f.overcommit_memory = 0;
    f.thp_enabled = PROCFS_THP_MADVISE;
    return f;
}

/* The text of path, rendered from f; the path must be a file node. */
static const char *render(const char *path, const struct procfs_facts *f)
{
    unsigned cpu = 99;
    const struct procfs_node *n = procfs_lookup(path, f->ncpu, &cpu);
    cr_assert(n != NULL, "%s: no node", path);
    cr_assert_eq(n->kind, PROCFS_FILE, "%s", path);
    size_t len = procfs_render(n, f, cpu, text, sizeof text);
    cr_assert_lt(len, sizeof text);
    cr_assert_eq(strlen(text), len, "%s", path);
    return text;
}

static void expect_text(const char *path, const struct procfs_facts *f, const char *want)
{
    cr_assert_str_eq(render(path, f), want, "%s", path);
}

/* ---- renderers, whole outputs ---- */

/* fs/proc/meminfo.c: keys in kernel order, "%-16s%8lu kB", HugePages_ counts in
 * 5 columns after a 19-column key, CommitLimit = total * 50% + swap. */
Test(procfs, meminfo_whole)
{
    struct procfs_facts f = fixed_facts(2);
    expect_text("/proc/meminfo", &f,
                "MemTotal:       16315104 kB\n"
                "MemFree:         1234567 kB\n"
                "MemAvailable:    8000000 kB\n"
                "Buffers:          345678 kB\n"
                "Cached:          4567890 kB\n"
                "SwapCached:            0 kB\n"
                "Active:                0 kB\n"
                "Inactive:              0 kB\n"
                "Active(anon):          0 kB\n"
                "Inactive(anon):        0 kB\n"
                "Active(file):          0 kB\n"
                "Inactive(file):        0 kB\n"
                "Unevictable:           0 kB\n"
                "Mlocked:               0 kB\n"
                "SwapTotal:       2097148 kB\n"
                "SwapFree:        2000000 kB\n"
                "Zswap:                 0 kB\n"
                "Zswapped:              0 kB\n"
                "Dirty:                 0 kB\n"
                "Writeback:             0 kB\n"
                "AnonPages:             0 kB\n"
                "Mapped:                0 kB\n"
                "Shmem:             12345 kB\n"
                "KReclaimable:          0 kB\n"
                "Slab:                  0 kB\n"
                "SReclaimable:          0 kB\n"
                "SUnreclaim:            0 kB\n"
                "KernelStack:           0 kB\n"
                "PageTables:            0 kB\n"
                "SecPageTables:         0 kB\n"
                "NFS_Unstable:          0 kB\n"
                "Bounce:                0 kB\n"
                "WritebackTmp:          0 kB\n"
                "CommitLimit:    10254700 kB\n"
                "Committed_AS:          0 kB\n"
                "VmallocTotal:   34359738367 kB\n"
                "VmallocUsed:           0 kB\n"
                "VmallocChunk:          0 kB\n"
                "Percpu:                0 kB\n"
                "AnonHugePages:         0 kB\n"
                "ShmemHugePages:        0 kB\n"
                "ShmemPmdMapped:        0 kB\n"
                "FileHugePages:         0 kB\n"
                "FilePmdMapped:         0 kB\n"
                "Balloon:               0 kB\n"
                "HugePages_Total:       0\n"
                "HugePages_Free:        0\n"
                "HugePages_Rsvd:        0\n"
                "HugePages_Surp:        0\n"
                "Hugepagesize:       2048 kB\n"
                "Hugetlb:               0 kB\n"
                "DirectMap4k:           0 kB\n"
                "DirectMap2M:           0 kB\n"
                "DirectMap1G:           0 kB\n");
}

#define INTEL_STANZA(cpu)                                    \
    "processor\t: " #cpu "\n"                                \
    "vendor_id\t: GenuineIntel\n"                            \
    "cpu family\t: 6\n"                                      \
    "model\t\t: 167\n"                                       \
    "model name\t: Intel(R) Xeon(R) Processor\n"             \
    "stepping\t: 8\n"                                        \
    "cpu MHz\t\t: 2000.000\n"                                \
    "cache size\t: 107520 KB\n"                              \
    "physical id\t: 0\n"                                     \
    "siblings\t: 2\n"                                        \
    "core id\t\t: " #cpu "\n"                                \
    "cpu cores\t: 2\n"                                       \
    "apicid\t\t: " #cpu "\n"                                 \
    "initial apicid\t: " #cpu "\n"                           \
    "fpu\t\t: yes\n"                                         \
    "fpu_exception\t: yes\n"                                 \
    "cpuid level\t: 32\n"                                    \
    "wp\t\t: yes\n"                                          \
    "flags\t\t: fpu vme de\n"                                \
    "bugs\t\t:\n"                                            \
    "bogomips\t: 4000.00\n"                                  \
    "clflush size\t: 64\n"                                   \
    "cache_alignment\t: 64\n"                                \
    "address sizes\t: 46 bits physical, 57 bits virtual\n"   \
    "power management:\n"                                    \
    "\n"

/* arch/x86/kernel/cpu/proc.c: one stanza per CPU, tab-aligned names, a blank
 * line after each; microcode and TLB size only when known. */
Test(procfs, cpuinfo_two_intel_stanzas)
{
    struct procfs_facts f = fixed_facts(2);
    expect_text("/proc/cpuinfo", &f, INTEL_STANZA(0) INTEL_STANZA(1));
}

Test(procfs, cpuinfo_optional_lines_and_fractions)
{
    struct procfs_facts f = fixed_facts(1);
    strcpy(f.cpu_vendor, "AuthenticAMD");
    strcpy(f.cpu_model_name, "AMD EPYC 7B13");
    f.cpu_family = 25; f.cpu_model = 1; f.cpu_stepping = 0; f.cpuid_level = 13;
    f.cpu_microcode = 0xa0011d1;
    f.cpu_khz = 3792875; f.bogomips_x100 = 758575;
    f.cache_size_kb = 512; f.tlb_size_4k = 3072;
    f.phys_bits = 48; f.virt_bits = 48;
    strcpy(f.cpu_flags, "fpu");
    strcpy(f.cpu_bugs, "sysret_ss_attrs spectre_v1");
    strcpy(f.power_flags, " ts ttp hwpstate cpb [14]");
    expect_text("/proc/cpuinfo", &f,
                "processor\t: 0\n"
                "vendor_id\t: AuthenticAMD\n"
                "cpu family\t: 25\n"
                "model\t\t: 1\n"
                "model name\t: AMD EPYC 7B13\n"
                "stepping\t: 0\n"
                "microcode\t: 0xa0011d1\n"
                "cpu MHz\t\t: 3792.875\n"
                "cache size\t: 512 KB\n"
                "physical id\t: 0\n"
                "siblings\t: 1\n"
                "core id\t\t: 0\n"
                "cpu cores\t: 1\n"
                "apicid\t\t: 0\n"
                "initial apicid\t: 0\n"
                "fpu\t\t: yes\n"
                "fpu_exception\t: yes\n"
                "cpuid level\t: 13\n"
                "wp\t\t: yes\n"
                "flags\t\t: fpu\n"
                "bugs\t\t: sysret_ss_attrs spectre_v1\n"
                "bogomips\t: 7585.75\n"
                "TLB size\t: 3072 4K pages\n"
                "clflush size\t: 64\n"
                "cache_alignment\t: 64\n"
                "address sizes\t: 48 bits physical, 48 bits virtual\n"
                "power management: ts ttp hwpstate cpb [14]\n"
                "\n");
}

/* fs/proc/stat.c: "cpu" (two spaces) is the sum of the "cpuN" lines. */
Test(procfs, stat_whole)
{
    struct procfs_facts f = fixed_facts(2);
    expect_text("/proc/stat", &f,
                "cpu  1001 0 500 3001 0 0 0 0 0 0\n"
                "cpu0 501 0 250 1501 0 0 0 0 0 0\n"
                "cpu1 500 0 250 1500 0 0 0 0 0 0\n"
                "intr 0\n"
                "ctxt 0\n"
                "btime 1700000000\n"
                "processes 4242\n"
                "procs_running 1\n"
                "procs_blocked 0\n"
                "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

Test(procfs, uptime_and_loadavg)
{
    struct procfs_facts f = fixed_facts(2);
    f.idle_cs = 24000005;
    expect_text("/proc/uptime", &f, "123456.07 240000.05\n");
    expect_text("/proc/loadavg", &f, "0.16 0.42 1.72 1/79 12209\n");
}

Test(procfs, kernel_identity)
{
    struct procfs_facts f = fixed_facts(2);
    expect_text("/proc/version", &f,
                "Linux version 6.1.0-test (lxrun@lxrun) (text synthesized by lxrun) "
                "#1 SMP PREEMPT_DYNAMIC Thu Jan  1 00:00:00 UTC 2024\n");
    expect_text("/proc/sys/kernel/ostype", &f, "Linux\n");
    expect_text("/proc/sys/kernel/osrelease", &f, "6.1.0-test\n");
    expect_text("/proc/sys/kernel/version", &f, "#1 SMP PREEMPT_DYNAMIC Thu Jan  1 00:00:00 UTC 2024\n");
    expect_text("/proc/sys/kernel/hostname", &f, "box\n");
    expect_text("/proc/sys/kernel/core_pattern", &f, "|/usr/lib/systemd/systemd-coredump %P %u\n");
    expect_text("/proc/sys/kernel/random/boot_id", &f, "99c6c21a-c3f1-4f0a-86d7-2119bb73045f\n");
    expect_text("/proc/sys/kernel/random/uuid", &f, "cdd25527-e868-42a7-9496-1106abafd916\n");
}

Test(procfs, tunables)
{
    struct procfs_facts f = fixed_facts(2);
    expect_text("/proc/sys/kernel/pid_max", &f, "4194304\n");
    expect_text("/proc/sys/vm/overcommit_memory", &f, "0\n");
    expect_text("/proc/sys/fs/file-max", &f, "1631510\n");
    /* the bounds the calls enforce: setgroups' length, capget's last bit, and
     * setrlimit's RLIMIT_NOFILE ceiling, lxrun's fd ceiling */
    expect_text("/proc/sys/kernel/ngroups_max", &f, "65536\n");
    expect_text("/proc/cmdline", &f, "\n"); /* Redox boots with no Linux parameters */
    expect_text("/proc/sys/kernel/cap_last_cap", &f, "40\n");
    int ceiling = lx_fd_ceiling;
    lx_fd_ceiling = 4000;
    expect_text("/proc/sys/fs/nr_open", &f, "4000\n");
    lx_fd_ceiling = ceiling;
    expect_text("/sys/kernel/mm/transparent_hugepage/enabled", &f, "always [madvise] never\n");
    f.thp_enabled = PROCFS_THP_ALWAYS;
    expect_text("/sys/kernel/mm/transparent_hugepage/enabled", &f, "[always] madvise never\n");
    f.thp_enabled = PROCFS_THP_NEVER;
    expect_text("/sys/kernel/mm/transparent_hugepage/enabled", &f, "always madvise [never]\n");
    expect_text("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &f, "2097152\n");
}

/* Linux's own figures: the table in mm/page_alloc.c's comment on min_free_kbytes
 * (1 GiB: 4096k, 4 GiB: 8192k, 16 GiB: 16384k), and set_max_threads' one thread per
 * 32 pages (16 GiB: 131072); with THP, khugepaged's 11 pageblocks per zone (3
 * zones above 4 GiB: 67584k, the figure of a 24 GiB Linux machine). */
Test(procfs, memory_sysctls)
{
    struct procfs_facts f = fixed_facts(2);
    f.thp_enabled = PROCFS_THP_NEVER;
    f.mem_total_kb = 1 << 20;
    expect_text("/proc/sys/vm/min_free_kbytes", &f, "4096\n");
    f.mem_total_kb = 4 << 20;
    expect_text("/proc/sys/vm/min_free_kbytes", &f, "8192\n");
    f.mem_total_kb = 16 << 20;
    expect_text("/proc/sys/vm/min_free_kbytes", &f, "16384\n");
    expect_text("/proc/sys/kernel/threads-max", &f, "131072\n");
    f.thp_enabled = PROCFS_THP_MADVISE;
    f.mem_total_kb = 24 << 20;
    expect_text("/proc/sys/vm/min_free_kbytes", &f, "67584\n");
    expect_text("/proc/sys/kernel/tainted", &f, "0\n");
}

Test(procfs, filesystems_lines)
{
    struct procfs_facts f = fixed_facts(2);
    const char *t = render("/proc/filesystems", &f);
    cr_assert(strstr(t, "nodev\tproc\n") != NULL);
    cr_assert(strstr(t, "nodev\tsysfs\n") != NULL);
    for (const char *line = t; *line; line = strchr(line, '\n') + 1)
        cr_assert(strncmp(line, "nodev\t", 6) == 0 || line[0] == '\t', "%.20s", line);
}

/* drivers/base/cpu.c: "%*pbl" lists; an empty list is an empty line. */
Test(procfs, cpu_lists)
{
    struct procfs_facts f = fixed_facts(1);
    expect_text("/sys/devices/system/cpu/online", &f, "0\n");
    f.ncpu = 2;
    expect_text("/sys/devices/system/cpu/online", &f, "0-1\n");
    f.ncpu = 4;
    expect_text("/sys/devices/system/cpu/possible", &f, "0-3\n");
    expect_text("/sys/devices/system/cpu/present", &f, "0-3\n");
    expect_text("/sys/devices/system/cpu/offline", &f, "\n");
}

/* drivers/base/topology.c: one package, core i = CPU i; masks are "%*pb":
 * 32-bit hex groups, the first only as wide as the CPU count needs. */
Test(procfs, cpu_topology)
{
    struct procfs_facts f = fixed_facts(2);
    expect_text("/sys/devices/system/cpu/cpu1/topology/core_id", &f, "1\n");
    expect_text("/sys/devices/system/cpu/cpu1/topology/physical_package_id", &f, "0\n");
    expect_text("/sys/devices/system/cpu/cpu1/topology/thread_siblings_list", &f, "1\n");
    expect_text("/sys/devices/system/cpu/cpu1/topology/thread_siblings", &f, "2\n");
    expect_text("/sys/devices/system/cpu/cpu1/topology/core_siblings_list", &f, "0-1\n");
    expect_text("/sys/devices/system/cpu/cpu0/topology/core_siblings", &f, "3\n");
    expect_text("/sys/devices/system/cpu/cpu1/online", &f, "1\n");
    f.ncpu = 40;
    expect_text("/sys/devices/system/cpu/cpu0/topology/package_cpus", &f, "ff,ffffffff\n");
    expect_text("/sys/devices/system/cpu/cpu33/topology/core_cpus", &f, "02,00000000\n");
    expect_text("/sys/devices/system/cpu/cpu33/topology/core_cpus_list", &f, "33\n");
    f.ncpu = 64;
    expect_text("/sys/devices/system/cpu/cpu5/topology/die_cpus", &f, "ffffffff,ffffffff\n");
    f.ncpu = 12;
    expect_text("/sys/devices/system/cpu/cpu0/topology/package_cpus", &f, "fff\n");
    expect_text("/sys/devices/system/cpu/cpu0/topology/thread_siblings", &f, "001\n");
}

/* Like snprintf: the full length comes back, what fits is kept, NUL-terminated. */
Test(procfs, render_reports_needed_size)
{
    struct procfs_facts f = fixed_facts(2);
    const struct procfs_node *n = procfs_lookup("/proc/meminfo", 2, NULL);
    cr_assert(n != NULL);
    size_t full = procfs_render(n, &f, 0, text, sizeof text);
    char small[40];
    memset(small, 'x', sizeof small);
    cr_assert_eq(procfs_render(n, &f, 0, small, sizeof small), full);
    cr_assert_eq(strlen(small), sizeof small - 1);
    cr_assert(strncmp(small, text, sizeof small - 1) == 0);
    cr_assert_eq(procfs_render(n, &f, 0, NULL, 0), full);
}

/* ---- CPUID words → Linux flag names ---- */

static struct abi_cpuinfo intel_cpu(void)
{
    struct abi_cpuinfo ci;
    memset(&ci, 0, sizeof ci);
    strcpy(ci.vendor, "GenuineIntel");
    ci.family = 6; ci.model = 0x55;
    ci.has_ext_topology = 1;
    ci.regs[ABI_CPUID_1_EDX] = 1u << 0 | 1u << 4 | 1u << 25 | 1u << 26;   /* fpu tsc sse sse2 */
    ci.regs[ABI_CPUID_1_ECX] = 1u << 0 | 1u << 27 | 1u << 28;             /* pni (osxsave) avx */
    ci.regs[ABI_CPUID_80000001_EDX] = 1u << 29;                           /* lm */
    ci.regs[ABI_CPUID_80000007_EDX] = 1u << 8;                            /* invariant TSC */
    ci.regs[ABI_CPUID_7_0_EBX] = 1u << 5 | 1u << 16;                      /* avx2 avx512f */
    ci.regs[ABI_CPUID_7_0_EDX] = 1u << 26 | 1u << 27 | 1u << 31;          /* spec_ctrl stibp ssbd */
    ci.xcr0 = 0x7;                                                       /* x87 SSE AVX */
    return ci;
}

/* Words in Linux's order (0, 1, 3, 4, 7, 9 here), hidden bits unnamed, the
 * synthesized word 3 and the speculation names of word 7. */
Test(procfs, cpu_flags_order_and_synthesis)
{
    struct abi_cpuinfo ci = intel_cpu();
    char flags[4096];
    procfs_cpu_flags(&ci, flags, sizeof flags);
    cr_assert_str_eq(flags, "fpu tsc sse sse2 lm constant_tsc rep_good nopl xtopology nonstop_tsc "
                            "cpuid pni avx ssbd ibrs ibpb stibp avx2");
    ci.xcr0 = 0xe7; /* AVX-512 state enabled too */
    procfs_cpu_flags(&ci, flags, sizeof flags);
    cr_assert(strstr(flags, " avx2 avx512f") != NULL, "%s", flags);
    ci.xcr0 = 0x3; /* no AVX state: Linux hides every AVX feature */
    procfs_cpu_flags(&ci, flags, sizeof flags);
    cr_assert_str_eq(flags, "fpu tsc sse sse2 lm constant_tsc rep_good nopl xtopology nonstop_tsc "
                            "cpuid pni ssbd ibrs ibpb stibp");
    ci.tsc_known_freq = 1;
    procfs_cpu_flags(&ci, flags, sizeof flags);
    cr_assert(strstr(flags, " cpuid tsc_known_freq pni ") != NULL, "%s", flags);
    /* an AMD CPU: vmmcall (word 8) after word 6's topoext, whatever CPUID says */
    strcpy(ci.vendor, "AuthenticAMD");
    ci.family = 0x19;
    ci.regs[ABI_CPUID_80000001_ECX] = 1u << 22;  /* topoext */
    ci.regs[ABI_CPUID_7_0_EDX] = 0;
    procfs_cpu_flags(&ci, flags, sizeof flags);
    cr_assert(strstr(flags, " pni topoext vmmcall") != NULL, "%s", flags);
}

/* x86_power_flags: bit 8 has an empty name, unnamed bits print as [n]. */
Test(procfs, power_management_names)
{
    struct abi_cpuinfo ci = intel_cpu();
    char power[256];
    procfs_power_flags(&ci, power, sizeof power);
    cr_assert_str_eq(power, "");
    ci.regs[ABI_CPUID_80000007_EDX] = 1u << 0 | 1u << 8 | 1u << 9 | 1u << 14;
    procfs_power_flags(&ci, power, sizeof power);
    cr_assert_str_eq(power, " ts cpb [14]");
}

/* ---- the registry ---- */

Test(procfs, lookup_per_cpu_paths)
{
    unsigned cpu = 99;
    const struct procfs_node *n = procfs_lookup("/sys/devices/system/cpu/cpu3", 4, &cpu);
    cr_assert(n != NULL);
    cr_assert_eq(n->kind, PROCFS_DIR);
    cr_assert_eq(cpu, 3);
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu4", 4, NULL) == NULL, "beyond ncpu");
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu03", 4, NULL) == NULL, "leading zero");
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu", 4, NULL) == NULL);
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu1x", 4, NULL) == NULL);
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu99999999999", 4, NULL) == NULL);
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu0/online", 4, NULL) == NULL,
              "cpu0 is not hotpluggable on x86");
    cr_assert(procfs_lookup("/sys/devices/system/cpu/cpu2/online", 4, &cpu) != NULL);
    cr_assert_eq(cpu, 2);
    n = procfs_lookup("/sys/devices/system/cpu/cpu2/topology/core_id", 4, &cpu);
    cr_assert(n != NULL);
    cr_assert_eq(n->mode, 0444);
    cr_assert_eq(cpu, 2);
}

Test(procfs, lookup_static_paths)
{
    const char *files[] = { "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/uptime",
                            "/proc/loadavg", "/proc/version", "/proc/filesystems",
                            "/proc/sys/kernel/ostype", "/proc/sys/kernel/osrelease",
                            "/proc/sys/kernel/hostname", "/proc/sys/kernel/pid_max",
                            "/proc/sys/kernel/random/boot_id", "/proc/sys/kernel/random/uuid",
                            "/proc/sys/vm/overcommit_memory", "/proc/sys/fs/file-max",
                            "/sys/devices/system/cpu/online", "/sys/devices/system/cpu/possible",
                            "/sys/devices/system/cpu/present",
                            "/sys/kernel/mm/transparent_hugepage/enabled" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const struct procfs_node *n = procfs_lookup(files[i], 1, NULL);
        cr_assert(n != NULL, "%s", files[i]);
        cr_assert_eq(n->kind, PROCFS_FILE, "%s", files[i]);
    }
    const char *dirs[] = { "/proc", "/proc/sys", "/proc/sys/kernel", "/proc/sys/kernel/random",
                           "/proc/sys/vm", "/proc/sys/fs", "/sys", "/sys/devices/system/cpu",
                           "/sys/kernel/mm/transparent_hugepage" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        const struct procfs_node *n = procfs_lookup(dirs[i], 1, NULL);
        cr_assert(n != NULL, "%s", dirs[i]);
        cr_assert_eq(n->kind, PROCFS_DIR, "%s", dirs[i]);
    }
    const char *absent[] = { "/", "", "/proc/", "/proc/selfx", "/proc/cpuinfo/x", "/proc/cpuinf",
                             "/proc/sys/kernel/random/", "/sys/kernel/mm/x", "proc/cpuinfo" };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_assert(procfs_lookup(absent[i], 1, NULL) == NULL, "%s", absent[i]);
    cr_assert_eq(procfs_lookup("/proc/sys/kernel/hostname", 1, NULL)->mode, 0644);
    cr_assert_eq(procfs_lookup("/proc/cpuinfo", 1, NULL)->mode, 0444);
    cr_assert_eq(procfs_lookup("/proc", 1, NULL)->mode, 0555);
    const char *links[] = { "/proc/self", "/proc/thread-self", "/proc/mounts" };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        const struct procfs_node *n = procfs_lookup(links[i], 1, NULL);
        cr_assert(n != NULL, "%s", links[i]);
        cr_assert_eq(n->kind, PROCFS_SYMLINK, "%s", links[i]);
    }
}

struct listing {
    char names[64][64];
    int n;
};

static int collect(void *arg, const char *name, enum procfs_kind kind)
{
    struct listing *l = arg;
    cr_assert_lt(l->n, 64);
    snprintf(l->names[l->n++], sizeof l->names[0], "%s%s", name, kind == PROCFS_DIR ? "/" : "");
    return 0;
}

static void expect_listing(const char *dir, unsigned ncpu, const char *const *want, int nwant)
{
    struct listing l = { .n = 0 };
    cr_assert_eq(procfs_readdir(dir, ncpu, collect, &l), nwant, "%s", dir);
    for (int i = 0; i < nwant; i++) cr_assert_str_eq(l.names[i], want[i], "%s entry %d", dir, i);
}

Test(procfs, directory_listings)
{
    const char *cpu[] = { "cpu0/", "cpu1/", "cpu2/", "online", "possible", "present", "offline" };
    expect_listing("/sys/devices/system/cpu", 3, cpu, 7);
    const char *sys[] = { "kernel/", "vm/", "fs/" };
    expect_listing("/proc/sys", 1, sys, 3);
    const char *random[] = { "boot_id", "uuid" };
    expect_listing("/proc/sys/kernel/random", 1, random, 2);
    const char *cpu0[] = { "topology/", "cache/" };
    expect_listing("/sys/devices/system/cpu/cpu0", 2, cpu0, 2);
    const char *cpu1[] = { "online", "topology/", "cache/" };
    expect_listing("/sys/devices/system/cpu/cpu1", 2, cpu1, 3);
    /* one indexN per cache CPUID describes, each with cacheinfo's ten files */
    unsigned nc = abi_cpu_caches(NULL, 0);
    struct listing idx = { .n = 0 };
    cr_assert_eq(procfs_readdir("/sys/devices/system/cpu/cpu1/cache", 2, collect, &idx), (long)nc);
    for (unsigned i = 0; i < nc; i++) {
        char want[16];
        snprintf(want, sizeof want, "index%u/", i);
        cr_assert_str_eq(idx.names[i], want);
    }
    if (nc) {
        struct listing files = { .n = 0 };
        cr_assert_eq(procfs_readdir("/sys/devices/system/cpu/cpu1/cache/index0", 2, collect, &files), 10);
    }
    char past[64];
    snprintf(past, sizeof past, "/sys/devices/system/cpu/cpu0/cache/index%u", nc);
    cr_assert(procfs_lookup(past, 2, NULL) == NULL, "%s", past);
    char pid[32];
    snprintf(pid, sizeof pid, "%d/", (int)getpid()); /* the process itself, after the fixed entries */
    const char *proc[] = { "cpuinfo", "meminfo", "vmstat", "stat", "uptime", "loadavg", "version", "cmdline",
                           "config.gz", "filesystems", "self", "thread-self", "mounts", "net/", "sys/", pid };
    expect_listing("/proc", 1, proc, 16);

    struct listing l = { .n = 0 };
    cr_assert_eq(procfs_readdir("/proc/cpuinfo", 1, collect, &l), -ENOTDIR);
    cr_assert_eq(procfs_readdir("/proc/nothing", 1, collect, &l), -ENOENT);
    cr_assert_eq(procfs_readdir("/sys/devices/system/cpu/cpu2", 2, collect, &l), -ENOENT);
}

static int stop_at_second(void *arg, const char *name, enum procfs_kind kind)
{
    (void)name; (void)kind;
    return ++*(int *)arg == 2 ? -EINTR : 0;
}

Test(procfs, listing_stops_when_asked)
{
    int seen = 0;
    cr_assert_eq(procfs_readdir("/proc", 1, stop_at_second, &seen), -EINTR);
    cr_assert_eq(seen, 2);
}

/* Every listed entry resolves to a node of the listed kind, and every file
 * renders as one or more newline-terminated lines. */
static int walked_files, walked_dirs;

struct walk { const char *dir; unsigned ncpu; const struct procfs_facts *f; };

static void walk_dir(const char *dir, unsigned ncpu, const struct procfs_facts *f);

static int visit(void *arg, const char *name, enum procfs_kind kind)
{
    struct walk *w = arg;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", w->dir, name);
    unsigned cpu = 0;
    const struct procfs_node *n = procfs_lookup(path, w->ncpu, &cpu);
    cr_assert(n != NULL, "%s listed but not found", path);
    cr_assert_eq(n->kind, kind, "%s", path);
    if (kind == PROCFS_SYMLINK) { /* a target, not text; /proc/<pid> is test_procfs_self.c's */
        char target[256];
        cr_assert_gt(procfs_readlink(n, cpu, path, target, sizeof target), 0, "%s", path);
    } else if (kind == PROCFS_DIR && name[0] >= '0' && name[0] <= '9') {
    } else if (kind == PROCFS_DIR) {
        walked_dirs++;
        walk_dir(path, w->ncpu, w->f);
    } else {
        walked_files++;
        static char buf[1 << 16];
        size_t len = procfs_render(n, w->f, cpu, buf, sizeof buf);
        char *big = NULL; /* /proc/net/tcp lists every socket of the system: any size */
        if (len >= sizeof buf && (big = malloc(len + 4096)) != NULL) len = procfs_render(n, w->f, cpu, big, len + 4096);
        const char *text = big ? big : buf;
        cr_assert(len > 0 && (big || len < sizeof buf) && text[len - 1] == '\n', "%s", path);
        free(big);
    }
    return 0;
}

static void walk_dir(const char *dir, unsigned ncpu, const struct procfs_facts *f)
{
    struct walk w = { dir, ncpu, f };
    cr_assert_geq(procfs_readdir(dir, ncpu, visit, &w), 0, "%s", dir);
}

/* cpuN/cache/indexM renders CPUID's cache leaf: the first levels each CPU's
 * own, the ones above every CPU's (lxrun's one package of single-thread cores). */
Test(procfs, cache_nodes)
{
    struct abi_cache c[ABI_CACHES_MAX];
    unsigned nc = abi_cpu_caches(c, ABI_CACHES_MAX);
    if (!nc) return; /* a CPU without either leaf: no cache directories, as Linux */
    struct procfs_facts f = fixed_facts(3);
    char path[96], want[64];
    for (unsigned i = 0; i < nc; i++) {
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu1/cache/index%u/level", i);
        snprintf(want, sizeof want, "%u\n", c[i].level);
        expect_text(path, &f, want);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu1/cache/index%u/size", i);
        snprintf(want, sizeof want, "%uK\n", c[i].line * c[i].partitions * c[i].ways * c[i].sets / 1024);
        expect_text(path, &f, want);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu1/cache/index%u/type", i);
        expect_text(path, &f, c[i].type == 1 ? "Data\n" : c[i].type == 2 ? "Instruction\n" : "Unified\n");
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu1/cache/index%u/shared_cpu_list", i);
        expect_text(path, &f, c[i].level <= 2 ? "1\n" : "0-2\n");
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu2/cache/index%u/id", i);
        expect_text(path, &f, c[i].level <= 2 ? "2\n" : "0\n");
    }
}

Test(procfs, whole_tree_resolves_and_renders)
{
    struct procfs_facts f = fixed_facts(3);
    walk_dir("/proc", 3, &f);
    walk_dir("/sys", 3, &f);
    /* /proc: 10 files + net/: 8 + sys/{kernel: 10 + random: 2, vm: 2, fs: 2 + inotify: 3};
     * /sys: 4 cpu lists + 3 × (16 topology files + 10 per cache) + 2 × cpuN/online
     * + 2 THP files; the directories: 3 × (topology, cache, one per cache) more. */
    unsigned nc = abi_cpu_caches(NULL, 0);
    cr_assert_eq(walked_files, 10 + 8 + 10 + 2 + 2 + 2 + 3 + 4 + 3 * (16 + 10 * nc) + 2 + 2);
    cr_assert_eq(walked_dirs, 7 + 3 + 3 * (3 + nc) + 3);
}

/* ---- gathered facts against what this process sees ---- */

static int has_flag(const char *flags, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = flags; (p = strstr(p, name)) != NULL; p += n)
        if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return 1;
    return 0;
}

Test(procfs, gathered_cpu_facts)
{
    struct procfs_facts f;
    cr_assert_eq(procfs_facts_gather(&f), 0);
    cr_assert_eq(f.cpu_vendor[0], 0, "the CPU is identified only for the nodes that show it");
    cr_assert_eq(f.cpu_khz, 0);
    cr_assert_eq(procfs_facts_gather_cpu(&f), 0);
    cpu_set_t set;
    cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    /* lxrun shows the CPUs it may run on; unrestricted, that is every online CPU. */
    if (CPU_COUNT(&set) == online) cr_assert_eq(f.ncpu, (unsigned)online);
    else cr_assert_eq(f.ncpu, (unsigned)CPU_COUNT(&set));

    unsigned a, b, c, d;
    cr_assert(__get_cpuid(0, &a, &b, &c, &d));
    char vendor[13];
    memcpy(vendor, &b, 4); memcpy(vendor + 4, &d, 4); memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    cr_assert_str_eq(f.cpu_vendor, vendor);
    cr_assert_eq(f.cpuid_level, a);
    cr_assert(f.cpu_model_name[0] != 0 && f.cpu_model_name[0] != ' ');

    cr_assert(f.cpu_khz > 100000 && f.cpu_khz < 10000000, "cpu MHz %llu kHz", (unsigned long long)f.cpu_khz);
    cr_assert_eq(f.bogomips_x100, f.cpu_khz / 5);
    cr_assert(f.clflush_size == 64 || f.clflush_size == 128);
    cr_assert(f.phys_bits >= 32 && f.virt_bits >= 48);
    if (f.cpuid_level >= 4 || strcmp(vendor, "GenuineIntel") != 0) cr_assert(f.cache_size_kb > 0);

#define SAME_AS_CPU(gcc_name, linux_name)                                                 \
    cr_assert_eq(has_flag(f.cpu_flags, linux_name), !!__builtin_cpu_supports(gcc_name), \
                 "%s in \"%s\"", linux_name, f.cpu_flags)
    SAME_AS_CPU("sse2", "sse2");
    SAME_AS_CPU("sse3", "pni");
    SAME_AS_CPU("ssse3", "ssse3");
    SAME_AS_CPU("sse4.1", "sse4_1");
    SAME_AS_CPU("sse4.2", "sse4_2");
    SAME_AS_CPU("popcnt", "popcnt");
    SAME_AS_CPU("aes", "aes");
    SAME_AS_CPU("pclmul", "pclmulqdq");
    SAME_AS_CPU("avx", "avx");
    SAME_AS_CPU("avx2", "avx2");
    SAME_AS_CPU("fma", "fma");
    SAME_AS_CPU("bmi", "bmi1");
    SAME_AS_CPU("bmi2", "bmi2");
    SAME_AS_CPU("avx512f", "avx512f");
#undef SAME_AS_CPU
    cr_assert(has_flag(f.cpu_flags, "fpu") && has_flag(f.cpu_flags, "lm"), "%s", f.cpu_flags);
    cr_assert(!has_flag(f.cpu_flags, "osxsave"), "hidden by Linux");
}

Test(procfs, gathered_memory_and_time)
{
    struct procfs_facts f;
    cr_assert_eq(procfs_facts_gather(&f), 0);
    struct sysinfo si;
    cr_assert_eq(sysinfo(&si), 0);
    double total_kb = (double)si.totalram * si.mem_unit / 1024;
    cr_assert(f.mem_total_kb > total_kb * 0.99 && f.mem_total_kb < total_kb * 1.01,
              "MemTotal %llu kB, sysinfo %.0f kB", (unsigned long long)f.mem_total_kb, total_kb);
    cr_assert_leq(f.mem_free_kb, f.mem_total_kb);
    cr_assert_leq(f.mem_available_kb, f.mem_total_kb);
    cr_assert_geq(f.mem_available_kb, f.mem_free_kb);
    cr_assert_leq(f.swap_free_kb, f.swap_total_kb);

    long up = si.uptime;
    cr_assert(f.uptime_cs / 100 + 2 >= (uint64_t)up && f.uptime_cs / 100 <= (uint64_t)up + 2);
    long long now = time(NULL);
    cr_assert(llabs((long long)(f.boot_time + f.uptime_cs / 100) - now) <= 2, "btime + uptime is now");
    cr_assert_eq(f.idle_cs + f.user_cs + f.system_cs, f.uptime_cs * f.ncpu, "CPU time adds up");

    double load[3];
    cr_assert_eq(getloadavg(load, 3), 3);
    for (int i = 0; i < 3; i++)
        cr_assert(f.load_x100[i] <= load[i] * 110 + 10 && f.load_x100[i] + 10 >= load[i] * 90,
                  "load %d: %u vs %.2f", i, f.load_x100[i], load[i]);
    cr_assert_eq(f.file_max >= 8192, 1);
}

static int is_v4_uuid(const char *s)
{
    if (strlen(s) != 36) return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i])) return 0;
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

Test(procfs, gathered_identity)
{
    struct procfs_facts f1, f2;
    cr_assert_eq(procfs_facts_gather(&f1), 0);
    cr_assert_eq(procfs_facts_gather(&f2), 0);
    struct utsname u;
    cr_assert_eq(uname(&u), 0);
    cr_assert_str_eq(f1.ostype, "Linux");
    cr_assert_str_eq(f1.osrelease, u.release, "the same release uname() reports on Linux");
    cr_assert_str_eq(f1.kernel_version, u.version);
    cr_assert_str_eq(f1.hostname, u.nodename);
    cr_assert(is_v4_uuid(f1.boot_id), "%s", f1.boot_id);
    cr_assert(is_v4_uuid(f1.uuid), "%s", f1.uuid);
    cr_assert_str_eq(f1.boot_id, f2.boot_id, "one boot, one id");
    cr_assert_str_neq(f1.uuid, f2.uuid, "a fresh uuid each time");
    cr_assert_eq(f1.pid_max, 4194304);
}

/* Only the node that shows the CPU's identity has it gathered: identifying the CPU
 * takes ~30 CPUIDs and possibly a 10 ms TSC calibration, which every program reading
 * /proc/filesystems at start (libselinux) would otherwise pay. */
Test(procfs, cpu_identified_only_for_cpuinfo)
{
    static struct procfs_facts f;
    static char buf[65536];
    unsigned num = 0;
    const struct procfs_node *n = procfs_lookup("/proc/filesystems", 64, &num);
    cr_assert_not_null(n);
    cr_assert_eq(n->flags & PROCFS_CPU, 0);
    cr_assert_gt(procfs_render_file(n, num, &f, buf, sizeof buf), 0);
    cr_assert_eq(f.cpu_vendor[0], 0);
    cr_assert_eq(f.cpu_flags[0], 0);
    n = procfs_lookup("/proc/cpuinfo", 64, &num);
    cr_assert_not_null(n);
    cr_assert_gt(procfs_render_file(n, num, &f, buf, sizeof buf), 0);
    cr_assert_neq(f.cpu_vendor[0], 0);
    cr_assert(strstr(buf, "\nflags\t\t: fpu ") != NULL);
}

/* The live text keeps the shapes checked above with fixed facts. */
Test(procfs, gathered_renders_parse)
{
    struct procfs_facts f;
    cr_assert_eq(procfs_facts_gather(&f), 0);
    cr_assert_eq(procfs_facts_gather_cpu(&f), 0);
    const char *t = render("/proc/cpuinfo", &f);
    int stanzas = 0;
    for (const char *p = t; (p = strstr(p, "processor\t: ")) != NULL; p++) stanzas++;
    cr_assert_eq(stanzas, (int)f.ncpu);
    cr_assert(strstr(t, "\nflags\t\t: fpu ") != NULL);
    unsigned long long kb;
    cr_assert_eq(sscanf(render("/proc/meminfo", &f), "MemTotal: %llu kB", &kb), 1);
    cr_assert_eq(kb, f.mem_total_kb);
    char want[32];
    if (f.ncpu == 1) snprintf(want, sizeof want, "0\n");
    else snprintf(want, sizeof want, "0-%u\n", f.ncpu - 1);
    expect_text("/sys/devices/system/cpu/online", &f, want);
}

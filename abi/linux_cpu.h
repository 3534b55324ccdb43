/* linux_cpu.h — what Linux tells a program about its processor, from CPUID:
 * the registers it builds its feature words from (AT_HWCAP is CPUID.1:EDX,
 * /proc/cpuinfo's flags come from these), vendor, model, caches, the TSC rate.
 * CPUID, XGETBV and RDTSC are unprivileged instructions, so this is the same code
 * on Linux and on Redox; only the TSC calibration's clock comes through rx.h. */
#ifndef LXRUN_ABI_LINUX_CPU_H
#define LXRUN_ABI_LINUX_CPU_H

#include <stdint.h>

/* The CPUID registers Linux builds its feature words from, by leaf.subleaf. */
enum abi_cpuid_reg {
    ABI_CPUID_1_EDX, ABI_CPUID_1_ECX, ABI_CPUID_6_EAX, ABI_CPUID_6_ECX,
    ABI_CPUID_7_0_EBX, ABI_CPUID_7_0_ECX, ABI_CPUID_7_0_EDX, ABI_CPUID_7_1_EAX,
    ABI_CPUID_D_1_EAX, ABI_CPUID_0A_EAX,
    ABI_CPUID_80000001_EDX, ABI_CPUID_80000001_ECX, ABI_CPUID_80000007_EBX,
    ABI_CPUID_80000007_EDX, ABI_CPUID_80000008_EBX, ABI_CPUID_8000000A_EDX,
    ABI_CPUID_8000001F_EAX, ABI_CPUID_80000021_EAX,
    ABI_CPUID_REGS
};
struct abi_cpuinfo {
    char vendor[13];                   /* "GenuineIntel", "AuthenticAMD" */
    char brand[49];                    /* CPUID 0x80000002-4, leading blanks dropped */
    uint32_t family, model, stepping;  /* extended family/model folded in */
    uint32_t max_leaf, max_ext_leaf;
    uint32_t cache_kb;                 /* Intel: last-level (leaf 4); others: L2 */
    uint32_t tlb_4k_entries;           /* L2 TLB 4K entries (0x80000006 EBX), 0 on Intel */
    uint32_t clflush_size, phys_bits, virt_bits;
    uint32_t has_ext_topology;         /* leaf 0xB enumerates x2APIC topology */
    uint64_t tsc_khz;                  /* from CPUID 0x15 or a hypervisor leaf, else measured */
    uint32_t tsc_known_freq;           /* the OS can know the rate exactly (those leaves, kvmclock) */
    uint64_t xcr0;                     /* XSAVE state the OS enabled (XGETBV 0), 0 without OSXSAVE */
    uint32_t regs[ABI_CPUID_REGS];      /* 0 where the leaf is absent */
};


/* One cache as CPUID's leaf 4 (Intel) or 0x8000001D (AMD, with TOPOEXT) describes
 * it: what Linux's cacheinfo shows in /sys/devices/system/cpu/cpuN/cache/indexM. */
struct abi_cache {
    uint32_t level, type;      /* type: 1 data, 2 instruction, 3 unified */
    uint32_t line, partitions, ways, sets;
    uint32_t sharing;          /* logical CPUs that share it */
};
#define ABI_CACHES_MAX 8
/* The caches in the leaf's order (L1d, L1i, L2, L3...), at most max copied to
 * out; their count, 0 without either leaf.  A few CPUIDs, once per process. */
unsigned abi_cpu_caches(struct abi_cache *out, unsigned max);

/* Identifies the CPU once (the TSC calibration may sleep up to 10 ms) and copies it out. */
long abi_cpu_identify(struct abi_cpuinfo *ci);
/* A TSC sample taken as lxrun starts (kept by a fork and an exec in place): the
 * TSC's rate is then measured against it, without the 10 ms sleep, once that much
 * time has passed since. */
void abi_tsc_mark(void);
/* AT_HWCAP as Linux sets it on x86-64: CPUID.1:EDX. */
uint64_t abi_hwcap(void);

#endif

/* cpuid.c — the processor as Linux describes it, read with CPUID (linux_cpu.h). */
#include "linux_cpu.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "../redox/rx.h"


enum { EAX, EBX, ECX, EDX };

/* One CPUID register; 0 when the leaf is beyond the CPU's maximum for its range. */
static uint32_t cpuid_reg(unsigned leaf, unsigned sub, int reg)
{
    unsigned r[4];
    if (!__get_cpuid_count(leaf, sub, &r[EAX], &r[EBX], &r[ECX], &r[EDX])) return 0;
    return r[reg];
}

/* Linux prefers an exact TSC rate from CPUID (crystal ratio, or the hypervisor's
 * 0x40000010 leaf) and otherwise calibrates; calibration here is against
 * CLOCK_MONOTONIC_RAW over 10 ms, with each end's rdtsc bracketed by two clock
 * reads so that a preemption in between is retried rather than believed. */
static int tsc_sample(uint64_t *tsc, uint64_t *ns)
{
    for (int tries = 0; tries < 8; tries++) {
        struct rx_timespec a, b;
        rx_clock_gettime(RX_CLOCK_X_MONOTONIC_RAW, &a);
        uint64_t t = __builtin_ia32_rdtsc();
        rx_clock_gettime(RX_CLOCK_X_MONOTONIC_RAW, &b);
        uint64_t na = (uint64_t)a.sec * 1000000000u + (uint64_t)a.nsec;
        uint64_t nb = (uint64_t)b.sec * 1000000000u + (uint64_t)b.nsec;
        if (nb - na < 2000) {
            *tsc = t;
            *ns = na + (nb - na) / 2;
            return 1;
        }
    }
    return 0;
}

/* Linux takes the TSC rate from kvmclock under KVM (and then calls it known). */
static int kvm_clock_present(const struct abi_cpuinfo *ci)
{
    if (!(ci->regs[ABI_CPUID_1_ECX] & (1u << 31))) return 0;
    unsigned a, b, c, d;
    __cpuid(0x40000000, a, b, c, d);
    if (b != 0x4b4d564b || c != 0x564b4d56 || d != 0x4d || a < 0x40000001) return 0; /* "KVMKVMKVM" */
    __cpuid(0x40000001, a, b, c, d);
    return (a & ((1u << 0) | (1u << 3))) != 0; /* KVM_FEATURE_CLOCKSOURCE, _CLOCKSOURCE2 */
}

static struct { uint64_t tsc, ns; int taken; } start_mark RX_START_WRITTEN;

/* The start's mark: one clock read by a system call (rx_clock_gettime_entry: the
 * vDSO's pages are not touched in a process that never reads the clock) between
 * two rdtscs, kept when they lie within MARK_CYCLES (~10-50 us at 1-5 GHz: no
 * preemption between), the TSC taken as their middle: off by half a system
 * call at most, ~1 us of the calibration's 10 ms or more.  Where calls are slow
 * (a tracer stops at each), the two vDSO reads around one rdtsc as before. */
#define MARK_CYCLES 50000
void abi_tsc_mark(void)
{
    struct rx_timespec t;
    rx_clock_gettime_entry(RX_CLOCK_X_MONOTONIC_RAW, &t); /* the first call's own costs are not in the bracket */
    for (int tries = 0; tries < 3; tries++) {
        uint64_t a = __builtin_ia32_rdtsc();
        long r = rx_clock_gettime_entry(RX_CLOCK_X_MONOTONIC_RAW, &t);
        uint64_t b = __builtin_ia32_rdtsc();
        if (r < 0) break;
        if (b - a < MARK_CYCLES) {
            start_mark.tsc = a + (b - a) / 2;
            start_mark.ns = (uint64_t)t.sec * 1000000000u + (uint64_t)t.nsec;
            start_mark.taken = 1;
            return;
        }
    }
    start_mark.taken = tsc_sample(&start_mark.tsc, &start_mark.ns);
}

#define CALIBRATION_NS (10 * 1000 * 1000)

static uint64_t tsc_khz_of(struct abi_cpuinfo *ci)
{
    ci->tsc_known_freq = 1;
    if (ci->max_leaf >= 0x15) {
        uint32_t den = cpuid_reg(0x15, 0, EAX), num = cpuid_reg(0x15, 0, EBX);
        uint64_t crystal_hz = cpuid_reg(0x15, 0, ECX);
        if (!crystal_hz && den && num && ci->max_leaf >= 0x16) /* as Linux: from the base MHz */
            crystal_hz = (uint64_t)cpuid_reg(0x16, 0, EAX) * 1000000u * den / num;
        if (crystal_hz && den && num) return crystal_hz * num / den / 1000;
    }
    if (ci->regs[ABI_CPUID_1_ECX] & (1u << 31)) { /* hypervisor present */
        unsigned a, b, c, d;
        __cpuid(0x40000000, a, b, c, d);
        if (a >= 0x40000010) {
            __cpuid(0x40000010, a, b, c, d);
            if (a) return a;
        }
    }
    ci->tsc_known_freq = kvm_clock_present(ci);
    if (!(ci->regs[ABI_CPUID_1_EDX] & (1u << 4))) return 0; /* no TSC */
    uint64_t t0, n0, t1, n1;
    /* from lxrun's start when the TSC runs at one rate whatever the CPU's state and
     * core (invariant TSC): a shell's child reading /proc/cpuinfo then waits for
     * nothing (it slept 10 ms, each child afresh) */
    int invariant = (ci->regs[ABI_CPUID_80000007_EDX] & (1u << 8)) != 0;
    if (invariant && start_mark.taken) t0 = start_mark.tsc, n0 = start_mark.ns;
    else if (!tsc_sample(&t0, &n0)) return 0;
    if (!tsc_sample(&t1, &n1)) return 0;
    if (n1 < n0 + CALIBRATION_NS) {
        struct rx_timespec pause = { 0, (int64_t)(n0 + CALIBRATION_NS - n1) };
        rx_nanosleep(RX_CLOCK_MONOTONIC, 0, &pause, NULL);
        if (!tsc_sample(&t1, &n1)) return 0;
    }
    if (n1 <= n0 || t1 <= t0) return 0;
    /* cycles per ms = kHz; in 128 bits, as the span since lxrun's start may be hours */
    __extension__ unsigned __int128 cycles_x1e6 = (unsigned __int128)(t1 - t0) * 1000000u;
    return (uint64_t)((cycles_x1e6 + (n1 - n0) / 2) / (n1 - n0));
}

unsigned abi_cpu_caches(struct abi_cache *out, unsigned max)
{
    static struct abi_cache found[ABI_CACHES_MAX];
    static int count = -1;
    if (__atomic_load_n(&count, __ATOMIC_ACQUIRE) < 0) { /* two threads at once find the same */
        unsigned r[4], leaf = 0;
        __cpuid(0, r[EAX], r[EBX], r[ECX], r[EDX]);
        char vendor[13];
        memcpy(vendor, &r[EBX], 4);
        memcpy(vendor + 4, &r[EDX], 4);
        memcpy(vendor + 8, &r[ECX], 4);
        vendor[12] = 0;
        if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine")) {
            if (cpuid_reg(0x80000000, 0, EAX) >= 0x8000001d && (cpuid_reg(0x80000001, 0, ECX) & (1u << 22)))
                leaf = 0x8000001d;
        } else if (r[EAX] >= 4) {
            leaf = 4;
        }
        int n = 0;
        for (unsigned sub = 0; leaf && n < ABI_CACHES_MAX; sub++) {
            __cpuid_count(leaf, sub, r[EAX], r[EBX], r[ECX], r[EDX]);
            unsigned type = r[EAX] & 0x1f;
            if (type == 0 || type > 3) break;
            found[n++] = (struct abi_cache){ .level = (r[EAX] >> 5) & 7, .type = type,
                                             .line = (r[EBX] & 0xfff) + 1, .partitions = ((r[EBX] >> 12) & 0x3ff) + 1,
                                             .ways = (r[EBX] >> 22) + 1, .sets = r[ECX] + 1,
                                             .sharing = ((r[EAX] >> 14) & 0xfff) + 1 };
        }
        __atomic_store_n(&count, n, __ATOMIC_RELEASE);
    }
    unsigned n = (unsigned)count;
    for (unsigned i = 0; out && i < n && i < max; i++) out[i] = found[i];
    return n;
}

/* Cache size as Linux reports it: Intel-style CPUs walk leaf 4 and name the last
 * level; the others give L2 from 0x80000006 (L1 sum from 0x80000005 without one). */
static void cache_of(struct abi_cpuinfo *ci)
{
    int leaf4 = !strcmp(ci->vendor, "GenuineIntel") || !strcmp(ci->vendor, "CentaurHauls") ||
                !strcmp(ci->vendor, "  Shanghai  ");
    if (leaf4 && ci->max_leaf >= 4) {
        uint32_t size_kb[4] = { 0 }; /* by level; L1 counts instruction + data */
        for (unsigned sub = 0; sub < 16; sub++) {
            unsigned a, b, c, d;
            __cpuid_count(4, sub, a, b, c, d);
            if ((a & 0x1f) == 0) break;
            unsigned level = (a >> 5) & 7;
            uint64_t bytes = (uint64_t)((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) *
                             ((b & 0xfff) + 1) * ((uint64_t)c + 1);
            if (level >= 1 && level <= 3) size_kb[level] += (uint32_t)(bytes / 1024);
        }
        ci->cache_kb = size_kb[3] ? size_kb[3] : size_kb[2] ? size_kb[2] : size_kb[1];
        return;
    }
    if (ci->max_ext_leaf >= 0x80000005)
        ci->cache_kb = (cpuid_reg(0x80000005, 0, ECX) >> 24) + (cpuid_reg(0x80000005, 0, EDX) >> 24);
    if (ci->max_ext_leaf >= 0x80000006) {
        uint32_t b = cpuid_reg(0x80000006, 0, EBX), l2 = cpuid_reg(0x80000006, 0, ECX) >> 16;
        ci->tlb_4k_entries = ((b >> 16) & 0xfff) + (b & 0xfff);
        if (l2) ci->cache_kb = l2;
    }
}

static void cpuinfo_fill(struct abi_cpuinfo *ci)
{
    memset(ci, 0, sizeof *ci);
    unsigned a, b, c, d;
    __cpuid(0, a, b, c, d);
    ci->max_leaf = a;
    memcpy(ci->vendor, &b, 4); memcpy(ci->vendor + 4, &d, 4); memcpy(ci->vendor + 8, &c, 4);
    ci->max_ext_leaf = __get_cpuid_max(0x80000000, NULL);

    static const struct { unsigned leaf, sub; int reg; } src[ABI_CPUID_REGS] = {
        [ABI_CPUID_1_EDX] = { 1, 0, EDX },           [ABI_CPUID_1_ECX] = { 1, 0, ECX },
        [ABI_CPUID_6_EAX] = { 6, 0, EAX },           [ABI_CPUID_6_ECX] = { 6, 0, ECX },
        [ABI_CPUID_7_0_EBX] = { 7, 0, EBX },         [ABI_CPUID_7_0_ECX] = { 7, 0, ECX },
        [ABI_CPUID_7_0_EDX] = { 7, 0, EDX },         [ABI_CPUID_7_1_EAX] = { 7, 1, EAX },
        [ABI_CPUID_D_1_EAX] = { 0xd, 1, EAX },       [ABI_CPUID_0A_EAX] = { 0xa, 0, EAX },
        [ABI_CPUID_80000001_EDX] = { 0x80000001, 0, EDX },
        [ABI_CPUID_80000001_ECX] = { 0x80000001, 0, ECX },
        [ABI_CPUID_80000007_EBX] = { 0x80000007, 0, EBX },
        [ABI_CPUID_80000007_EDX] = { 0x80000007, 0, EDX },
        [ABI_CPUID_80000008_EBX] = { 0x80000008, 0, EBX },
        [ABI_CPUID_8000000A_EDX] = { 0x8000000a, 0, EDX },
        [ABI_CPUID_8000001F_EAX] = { 0x8000001f, 0, EAX },
        [ABI_CPUID_80000021_EAX] = { 0x80000021, 0, EAX },
    };
    for (int i = 0; i < ABI_CPUID_REGS; i++) ci->regs[i] = cpuid_reg(src[i].leaf, src[i].sub, src[i].reg);
    /* Subleaf 1 of leaf 7 exists only when 7.0 EAX says so. */
    if (cpuid_reg(7, 0, EAX) < 1) ci->regs[ABI_CPUID_7_1_EAX] = 0;

    uint32_t sig = cpuid_reg(1, 0, EAX);
    ci->family = (sig >> 8) & 0xf;
    ci->model = (sig >> 4) & 0xf;
    ci->stepping = sig & 0xf;
    if (ci->family == 0xf) ci->family += (sig >> 20) & 0xff;
    if (ci->family >= 6) ci->model += ((sig >> 16) & 0xf) << 4;

    if (ci->max_ext_leaf >= 0x80000004) {
        uint32_t w[12];
        for (unsigned i = 0; i < 3; i++)
            __cpuid(0x80000002 + i, w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]);
        char raw[49];
        memcpy(raw, w, 48);
        raw[48] = 0;
        const char *p = raw;
        while (*p == ' ') p++;
        snprintf(ci->brand, sizeof ci->brand, "%s", p);
        for (size_t n = strlen(ci->brand); n > 0 && ci->brand[n - 1] == ' '; n--) ci->brand[n - 1] = 0;
    }

    ci->clflush_size = ci->regs[ABI_CPUID_1_EDX] & (1u << 19) ? ((cpuid_reg(1, 0, EBX) >> 8) & 0xff) * 8 : 64;
    ci->phys_bits = 36; /* Linux's defaults without leaf 0x80000008 */
    ci->virt_bits = 48;
    if (ci->max_ext_leaf >= 0x80000008) {
        uint32_t sizes = cpuid_reg(0x80000008, 0, EAX);
        ci->phys_bits = sizes & 0xff;
        ci->virt_bits = (sizes >> 8) & 0xff;
    }
    ci->has_ext_topology = ci->max_leaf >= 0xb && cpuid_reg(0xb, 0, EBX) != 0;
    if (ci->regs[ABI_CPUID_1_ECX] & (1u << 27)) { /* OSXSAVE */
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        ci->xcr0 = ((uint64_t)hi << 32) | lo;
    }
    cache_of(ci);
    ci->tsc_khz = tsc_khz_of(ci);
}

/* The CPU does not change under a process: identify it once (the TSC calibration
 * sleeps 10 ms).  A thread that loses the race fills its own copy instead of
 * waiting, so nothing can block here (not even a child forked mid-fill). */
long abi_cpu_identify(struct abi_cpuinfo *ci)
{
    static struct abi_cpuinfo cached;
    static int state; /* 0 empty, 1 filling, 2 ready */
    if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 2) {
        *ci = cached;
        return 0;
    }
    int empty = 0;
    if (__atomic_compare_exchange_n(&state, &empty, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        cpuinfo_fill(&cached);
        __atomic_store_n(&state, 2, __ATOMIC_RELEASE);
        *ci = cached;
        return 0;
    }
    cpuinfo_fill(ci);
    return 0;
}

/* Where the backend cannot say (rx_cpu_auxv's hwcap): read once, as a CPUID costs a
 * VM exit (6.5 us measured on an EPYC guest), and every program lxrun loads (an
 * exec in place too) asks. */
uint64_t abi_hwcap(void)
{
    static uint64_t hwcap;
    static int known;
    if (!__atomic_load_n(&known, __ATOMIC_ACQUIRE)) {
        unsigned a, b, c, d;
        hwcap = __get_cpuid(1, &a, &b, &c, &d) ? d : 0;
        __atomic_store_n(&known, 1, __ATOMIC_RELEASE);
    }
    return hwcap;
}

/* cpu_flags.c — CPUID registers → /proc/cpuinfo's "flags" and "power management".
 *
 * Linux keeps capabilities as 32-bit words (arch/x86/include/asm/cpufeatures.h):
 * some are CPUID registers as they are, others ("Linux-defined", words 3, 7, 11)
 * are synthesized from scattered bits and vendor rules.  It prints every named
 * bit, word by word, bit by bit, so building the same words and walking the same
 * name table reproduces its text.  Bits Linux sets only from MSRs or boot-time
 * probing (cpuid_fault, ibrs_enhanced, vmx/svm sub-features…) cannot be seen
 * from user space and are absent. */
#include "procfs.h"

#include <stdio.h>
#include <string.h>

#include "../abi/linux_cpu.h"
#include "../redox/rx.h"

#define NWORDS 21

/* Names as /proc/cpuinfo prints them; bits Linux keeps but does not print are
 * left out.  la57 is left out on purpose: Linux clears it unless it runs with
 * 5-level paging, which user space cannot tell. */
static const char *const names[NWORDS][32] = {
    [0] = { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
            "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi",
            "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe" },
    [1] = { [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
            [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow" },
    [3] = { [8] = "constant_tsc", [11] = "arch_perfmon", [16] = "rep_good", [20] = "nopl",
            [22] = "xtopology", [24] = "nonstop_tsc", [25] = "cpuid", [28] = "aperfmperf",
            [31] = "tsc_known_freq" },
    [4] = { "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
            "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1",
            "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL,
            "avx", "f16c", "rdrand", "hypervisor" },
    [6] = { "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse",
            "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", NULL, "lwp", "fma4", "tce",
            NULL, "nodeid_msr", NULL, "tbm", "topoext", "perfctr_core", "perfctr_nb", NULL,
            "bpext", "ptsc", "perfctr_llc", "mwaitx" },
    [7] = { [2] = "cpb", [3] = "epb", [8] = "hw_pstate", [9] = "proc_feedback", [17] = "ssbd",
            [25] = "ibrs", [26] = "ibpb", [27] = "stibp" },
    [8] = { [15] = "vmmcall" },
    [9] = { "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2", "erms",
            "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx",
            "smap", "avx512ifma", NULL, "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er",
            "avx512cd", "sha_ni", "avx512bw", "avx512vl" },
    [10] = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" },
    [12] = { [4] = "avx_vnni", [5] = "avx512_bf16", [17] = "fred", [26] = "lam" },
    [13] = { [0] = "clzero", [1] = "irperf", [2] = "xsaveerptr", [4] = "rdpru", [9] = "wbnoinvd",
             [23] = "amd_ppin", [25] = "virt_ssbd", [27] = "cppc", [31] = "brs" },
    [14] = { [0] = "dtherm", [1] = "ida", [2] = "arat", [4] = "pln", [6] = "pts", [7] = "hwp",
             [8] = "hwp_notify", [9] = "hwp_act_window", [10] = "hwp_epp", [11] = "hwp_pkg_req",
             [19] = "hfi" },
    [15] = { [0] = "npt", [1] = "lbrv", [2] = "svm_lock", [3] = "nrip_save", [4] = "tsc_scale",
             [5] = "vmcb_clean", [6] = "flushbyasid", [7] = "decodeassists", [10] = "pausefilter",
             [12] = "pfthreshold", [13] = "avic", [15] = "v_vmsave_vmload", [16] = "vgif",
             [18] = "x2avic", [20] = "v_spec_ctrl", [25] = "vnmi" },
    [16] = { [1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [5] = "waitpkg",
             [6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq",
             [11] = "avx512_vnni", [12] = "avx512_bitalg", [13] = "tme", [14] = "avx512_vpopcntdq",
             [22] = "rdpid", [24] = "bus_lock_detect", [25] = "cldemote", [27] = "movdiri",
             [28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc" },
    [17] = { [0] = "overflow_recov", [1] = "succor", [3] = "smca" },
    [18] = { [2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm", [8] = "avx512_vp2intersect",
             [10] = "md_clear", [14] = "serialize", [16] = "tsxldtrk", [18] = "pconfig",
             [19] = "arch_lbr", [20] = "ibt", [22] = "amx_bf16", [23] = "avx512_fp16",
             [24] = "amx_tile", [25] = "amx_int8", [28] = "flush_l1d", [29] = "arch_capabilities" },
    [19] = { [0] = "sme", [1] = "sev", [3] = "sev_es", [4] = "sev_snp", [14] = "debug_swap",
             [28] = "svsm" },
};

#define BIT(n) (1u << (n))

/* Word 3: what Linux's vendor code and early setup synthesize. */
static uint32_t synthesized_word3(const struct abi_cpuinfo *ci)
{
    int intel = !strcmp(ci->vendor, "GenuineIntel");
    int amd = !strcmp(ci->vendor, "AuthenticAMD") || !strcmp(ci->vendor, "HygonGenuine");
    uint32_t w = BIT(20) | BIT(25); /* nopl (every x86-64), cpuid */
    if (ci->regs[ABI_CPUID_80000007_EDX] & BIT(8)) w |= BIT(8) | BIT(24); /* invariant TSC */
    if (intel && ((ci->family == 6 && ci->model >= 0x0e) || (ci->family == 0xf && ci->model >= 3)))
        w |= BIT(8);
    if ((intel && ci->family >= 6) || (amd && ci->family >= 0x10)) w |= BIT(16); /* rep_good */
    uint32_t perfmon = ci->regs[ABI_CPUID_0A_EAX];
    if (intel && (perfmon & 0xff) && ((perfmon >> 8) & 0xff) > 1) w |= BIT(11);
    if (ci->has_ext_topology) w |= BIT(22);
    if (ci->regs[ABI_CPUID_6_ECX] & BIT(0)) w |= BIT(28); /* aperfmperf */
    if (ci->tsc_known_freq) w |= BIT(31);
    return w;
}

/* Word 7: scattered CPUID bits and the speculation-control names Linux derives
 * from words 13 and 18 (init_speculation_control). */
static uint32_t synthesized_word7(const struct abi_cpuinfo *ci)
{
    uint32_t w = 0, pm = ci->regs[ABI_CPUID_80000007_EDX];
    uint32_t w13 = ci->regs[ABI_CPUID_80000008_EBX], w18 = ci->regs[ABI_CPUID_7_0_EDX];
    if (pm & BIT(9)) w |= BIT(2);                         /* cpb */
    if (ci->regs[ABI_CPUID_6_ECX] & BIT(3)) w |= BIT(3);   /* epb */
    if (pm & BIT(7)) w |= BIT(8);                         /* hw_pstate */
    if (pm & BIT(11)) w |= BIT(9);                        /* proc_feedback */
    if (w18 & BIT(26)) w |= BIT(25) | BIT(26);            /* spec_ctrl: ibrs, ibpb */
    if (w18 & BIT(27)) w |= BIT(27);                      /* intel_stibp */
    if (w18 & BIT(31) || w13 & BIT(25) || w13 & BIT(24)) w |= BIT(17); /* ssbd */
    if (w13 & BIT(14)) w |= BIT(25);                      /* amd_ibrs */
    if (w13 & BIT(12)) w |= BIT(26);                      /* amd_ibpb */
    if (w13 & BIT(15)) w |= BIT(27);                      /* amd_stibp */
    return w;
}

/* Linux drops vector features whose register state the OS did not enable in
 * XCR0 (fpu__init_system_xstate), so neither may we show them. */
static void clear_disabled_xstate(uint32_t *lw, uint64_t xcr0)
{
    int avx = (xcr0 & 0x6) == 0x6, avx512 = avx && (xcr0 & 0xe0) == 0xe0;
    int amx = (xcr0 & 0x60000) == 0x60000;
    if (!avx512) {
        lw[9] &= ~(BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31));
        lw[12] &= ~BIT(5);
        lw[16] &= ~(BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14));
        lw[18] &= ~(BIT(2) | BIT(3) | BIT(8) | BIT(23));
    }
    if (!avx) {
        lw[4] &= ~(BIT(12) | BIT(28) | BIT(29)); /* fma avx f16c */
        lw[9] &= ~BIT(5);                          /* avx2 */
        lw[12] &= ~BIT(4);                         /* avx_vnni */
        lw[16] &= ~(BIT(9) | BIT(10));             /* vaes vpclmulqdq */
    }
    if (!amx) lw[18] &= ~(BIT(22) | BIT(24) | BIT(25));
}

static void print_names(const uint32_t *lw, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap) buf[0] = 0;
    for (int w = 0; w < NWORDS; w++)
        for (int bit = 0; bit < 32; bit++) {
            if (!(lw[w] & BIT(bit)) || !names[w][bit]) continue;
            int n = snprintf(buf + len, cap - len, "%s%s", len ? " " : "", names[w][bit]);
            if (n < 0 || (size_t)n >= cap - len) return; /* the buffer is sized for all names */
            len += (size_t)n;
        }
}

void procfs_cpu_flags(const struct abi_cpuinfo *ci, char *buf, size_t cap)
{
    uint32_t lw[NWORDS] = { 0 };
    lw[0] = ci->regs[ABI_CPUID_1_EDX];
    lw[1] = ci->regs[ABI_CPUID_80000001_EDX];
    lw[3] = synthesized_word3(ci);
    lw[4] = ci->regs[ABI_CPUID_1_ECX];
    lw[6] = ci->regs[ABI_CPUID_80000001_ECX];
    lw[7] = synthesized_word7(ci);
    /* early_init_amd sets vmmcall on every AMD (and Hygon) CPU: only a hypervisor
     * ever runs it, so Linux needs no probe */
    if (!strcmp(ci->vendor, "AuthenticAMD") || !strcmp(ci->vendor, "HygonGenuine")) lw[8] = BIT(15);
    lw[9] = ci->regs[ABI_CPUID_7_0_EBX];
    lw[10] = ci->regs[ABI_CPUID_D_1_EAX];
    lw[12] = ci->regs[ABI_CPUID_7_1_EAX];
    lw[13] = ci->regs[ABI_CPUID_80000008_EBX];
    lw[14] = ci->regs[ABI_CPUID_6_EAX];
    lw[15] = ci->regs[ABI_CPUID_8000000A_EDX];
    lw[16] = ci->regs[ABI_CPUID_7_0_ECX];
    lw[17] = ci->regs[ABI_CPUID_80000007_EBX];
    lw[18] = ci->regs[ABI_CPUID_7_0_EDX];
    lw[19] = ci->regs[ABI_CPUID_8000001F_EAX];
    lw[20] = ci->regs[ABI_CPUID_80000021_EAX];
    if (!(lw[6] & BIT(2))) lw[15] = 0; /* SVM sub-features only with SVM */
    clear_disabled_xstate(lw, ci->xcr0);
    print_names(lw, buf, cap);
}

/* "power management:" walks CPUID 0x80000007 EDX with x86_power_flags; bit 8
 * (invariant TSC) has an empty name, shown as nothing; unnamed bits as " [n]". */
void procfs_power_flags(const struct abi_cpuinfo *ci, char *buf, size_t cap)
{
    static const char *const power[] = { "ts", "fid", "vid", "ttp", "tm", "stc", "100mhzsteps",
                                         "hwpstate", "", "cpb", "eff_freq_ro", "proc_feedback",
                                         "acc_power" };
    uint32_t edx = ci->regs[ABI_CPUID_80000007_EDX];
    size_t len = 0;
    if (cap) buf[0] = 0;
    for (unsigned bit = 0; bit < 32; bit++) {
        if (!(edx & BIT(bit))) continue;
        int n = bit < sizeof power / sizeof power[0]
                    ? snprintf(buf + len, cap - len, "%s%s", power[bit][0] ? " " : "", power[bit])
                    : snprintf(buf + len, cap - len, " [%u]", bit);
        if (n < 0 || (size_t)n >= cap - len) return;
        len += (size_t)n;
    }
}

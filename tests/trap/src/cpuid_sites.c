/* CPUIDs in the shapes lxrun answers (trap/cpuid_sites.c), and look-alikes it
 * must leave: prints every answer, the flags after the sites, and a decoy's value.  Built by trap.cpuid_sites_proven as a static-pie (no
 * interpreter: the program's own text is searched), and again with -DNO_SITES,
 * which makes the two real sites none and moves nothing. */
#include <stdint.h>
#include <stdio.h>

/* Without the sites: two nops where their cpuid is, the same length, so that
 * every other site lies where it did. */
#ifdef NO_SITES
#define SITE_CPUID "nop; nop"
#else
#define SITE_CPUID "cpuid"
#endif

__attribute__((noinline)) static void ext_max(uint32_t r[4]) /* shape 1: mov $leaf,%eax; cpuid */
{
    __asm__ volatile(".byte 0xb8; .long 0x80000000; " SITE_CPUID : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]));
}

__attribute__((noinline)) static int features7(uint32_t r[4]) /* shape 2: + xor %ecx,%ecx; its ZF after */
{
    unsigned char zf;
    __asm__ volatile(".byte 0xb8; .long 7; xor %%ecx, %%ecx; " SITE_CPUID "; setz %4"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]), "=q"(zf) :: "cc");
    return zf;
}

/* Shape 1 with its mov across a cache line (bytes 61-65 of one): answered too,
 * as a program is loaded no thread runs its code, so the jump needs no single
 * atomic store (ld.so's handle_amd has one such). */
__attribute__((noinline)) static void straddling(uint32_t r[4])
{
    __asm__ volatile(".p2align 6, 0x90; .skip 61, 0x90; .byte 0xb8; .long 0x80000008; " SITE_CPUID
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]));
}

/* Shape 3: leaf and subleaf from registers, looked up; flags set before (by
 * add: OF SF, or by xor and stc: ZF CF) come out as they went in. */
__attribute__((noinline)) static unsigned asked(uint32_t leaf, uint32_t sub, int stc, uint32_t r[4])
{
    unsigned char of, sf, zf, cf;
    if (stc)
        __asm__ volatile("xor %%r9d, %%r9d; stc; mov %8, %%eax; mov %9, %%ecx; " SITE_CPUID "; seto %4; sets %5; setz %6; setc %7"
                         : "=&a"(r[0]), "=&b"(r[1]), "=&c"(r[2]), "=&d"(r[3]), "=&r"(of), "=&r"(sf), "=&r"(zf), "=&r"(cf)
                         : "r"(leaf), "r"(sub) : "r9", "cc");
    else
        __asm__ volatile("mov $0x7fffffff, %%r9d; add $1, %%r9d; mov %8, %%eax; mov %9, %%ecx; " SITE_CPUID "; seto %4; sets %5; setz %6; setc %7"
                         : "=&a"(r[0]), "=&b"(r[1]), "=&c"(r[2]), "=&d"(r[3]), "=&r"(of), "=&r"(sf), "=&r"(zf), "=&r"(cf)
                         : "r"(leaf), "r"(sub) : "r9", "cc");
    return (unsigned)of << 3 | (unsigned)sf << 2 | (unsigned)zf << 1 | cf;
}

/* Shape 3 where a jump lands on the cpuid: the run before it cannot be moved. */
__attribute__((noinline)) static void jumped_into(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("mov %4, %%eax; test %%eax, %%eax; jz 1f; mov %5, %%ecx; mov %5, %%ecx; 1: " SITE_CPUID
                     : "=&a"(r[0]), "=&b"(r[1]), "=&c"(r[2]), "=&d"(r[3]) : "r"(leaf), "r"(sub) : "cc");
}

/* Shape 3 whose moved run holds bytes that would be a short jump into it (lea
 * 1(%rcx),%edi is 8d 79 01, and 79 01 is jns +1): no instruction begins there,
 * as the function's decoding shows, so the site is answered (ld.so's
 * intel_check_word has this lea before its leaf-4 cpuid, run 21 times a start). */
__attribute__((noinline)) static void false_jump(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("mov %4, %%r12d; mov %5, %%ecx; lea 1(%%rcx), %%edi; mov %%r12d, %%eax; " SITE_CPUID
                     : "=&a"(r[0]), "=&b"(r[1]), "=&c"(r[2]), "=&d"(r[3]) : "r"(leaf), "r"(sub) : "r12", "rdi");
}

/* The shape-1 bytes b8 00 00 00 80 0f a2 inside movabs's immediate: not an
 * instruction, and its value must stay whole. */
__attribute__((noinline)) static uint64_t decoy(void)
{
    uint64_t v;
    __asm__ volatile(".byte 0x48, 0xb8, 0xb8, 0x00, 0x00, 0x00, 0x80, 0x0f, 0xa2, 0x90" : "=a"(v));
    return v;
}

/* Code without unwind information: no FDE bounds it, so nothing proves it. */
__asm__(".text\n.globl bare_ext_max\nbare_ext_max:\n push %rbx\n .byte 0xb8; .long 0x80000000\n cpuid\n"
        " mov %eax, (%rdi)\n mov %ebx, 4(%rdi)\n mov %ecx, 8(%rdi)\n mov %edx, 12(%rdi)\n pop %rbx\n ret\n");
void bare_ext_max(uint32_t r[4]);

int main(void)
{
    uint32_t a[4], b[4], c[4];
    for (int round = 0; round < 3; round++) { /* answered again and again the same */
        ext_max(a);
        int zf = features7(b);
        bare_ext_max(c);
        printf("0x80000000: %08x %08x %08x %08x\n7.0: %08x %08x %08x %08x zf %d\nbare: %08x %08x %08x %08x\n",
               a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], zf, c[0], c[1], c[2], c[3]);
        straddling(a);
        printf("0x80000008 across a line: %08x %08x %08x %08x\n", a[0], a[1], a[2], a[3]);
    }
    /* leaves every CPU answers alike (no APIC IDs); 2 and 0x80000006 ignore %ecx,
     * so any subleaf finds their answer (glibc's handle_intel asks leaf 2 with
     * %ecx left over); leaf 4's subleaf 0x77 is in no table: the real cpuid,
     * counted in the report's cpuid_missed */
    static const uint32_t pairs[][2] = { { 7, 0 }, { 0xd, 1 }, { 0xd, 2 }, { 0x80000000, 0 },
                                         { 0x80000006, 9 }, { 2, 0x12345 }, { 4, 0x77 } };
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        for (int stc = 0; stc < 2; stc++) {
            unsigned flags = asked(pairs[i][0], pairs[i][1], stc, a);
            printf("%x.%x: %08x %08x %08x %08x flags %x\n", pairs[i][0], pairs[i][1], a[0], a[1], a[2], a[3], flags);
        }
    jumped_into(0x80000000, 0, a);
    printf("jumped: %08x %08x %08x %08x\n", a[0], a[1], a[2], a[3]);
    false_jump(7, 0, a);
    printf("false jump: %08x %08x %08x %08x\n", a[0], a[1], a[2], a[3]);
    printf("decoy %016llx\n", (unsigned long long)decoy());
    return 0;
}

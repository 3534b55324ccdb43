/* Constant-leaf CPUIDs in the shapes lxrun answers (trap/cpuid_sites.c), and
 * look-alikes it must leave: prints every answer, the flags after the xor shape,
 * and a decoy's value.  Built by trap.cpuid_sites_proven as a static-pie (no
 * interpreter: the program's own text is searched), and again with -DNO_SITES,
 * which makes the two real sites none and moves nothing. */
#include <stdint.h>
#include <stdio.h>

/* Without the sites: two nops where their cpuid is, the same length, so that
 * every other site lies where it did (a site is rewritten only where its jump
 * can be stored within one cache line). */
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
    }
    printf("decoy %016llx\n", (unsigned long long)decoy());
    return 0;
}

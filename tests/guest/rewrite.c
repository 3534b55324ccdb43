/* rewrite.c — call sites lxrun rewrites (trap/rewrite.c) and sites it must leave
 * alone, with the results every run must give: natively, through Syscall User
 * Dispatch and through rewritten sites.  REWRITE_EXPECT=yes (lxrun --trap=rewrite)
 * or no (native, --trap=sud) also checks the code bytes themselves: which shapes
 * became jumps, and that the refused ones are untouched. */
#include "check.h"

#ifdef __GLIBC__
#include <dlfcn.h>
#endif
#include <elf.h>
#include <sys/auxv.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>

/* site_pad3's shape between vector loads and stores: the jump ends 9 bytes before a
 * boundary, room for the rewrite's jump (the rewriter decodes no VEX instruction);
 * the stores follow at local label 1. */
#define PAD3_CALL                                                                   \
    ".p2align 4\n"                                                                  \
    ".skip 8, 0x90\n"                                                               \
    "  mov %edi, %eax\n"                                                            \
    "  mov %rsi, %rdi\n"                                                            \
    "  mov %rdx, %rsi\n"                                                            \
    "  mov %rcx, %rdx\n"                                                            \
    "  syscall\n"                                                                   \
    "  jmp 1f\n"                                                                    \
    ".p2align 4\n"                                                                  \
    "1:\n"

/* Every register the kernel keeps, the red zone and the flags (the argument,
 * loaded first): set to known values, one call (nr: getppid, or fork, whose child
 * must see the same), then stored for the checks, r11 (the kernel's copy of the
 * flags) too. */
#define REGS_PROBE(name, nr)                                                        \
        name ":\n"                                                                  \
        "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n" \
        "  push %rdi\n popfq\n"                                                     \
        "  movabs $0x1111111111111111, %rbx\n"                                      \
        "  movabs $0x2222222222222222, %rbp\n"                                      \
        "  movabs $0x3333333333333333, %r12\n"                                      \
        "  movabs $0x4444444444444444, %r13\n"                                      \
        "  movabs $0x5555555555555555, %r14\n"                                      \
        "  movabs $0x6666666666666666, %r15\n"                                      \
        "  movabs $0x7777777777777777, %rsi\n"                                      \
        "  movabs $0x8888888888888888, %rdx\n"                                      \
        "  movabs $0x9999999999999999, %r8\n"                                       \
        "  movabs $0xaaaaaaaaaaaaaaaa, %r9\n"                                       \
        "  movabs $0xbbbbbbbbbbbbbbbb, %r10\n"                                      \
        "  movabs $0xcccccccccccccccc, %rdi\n"                                      \
        "  movq %rbx, %xmm0\n movq %rbp, %xmm7\n movq %r12, %xmm15\n"               \
        "  movq %r13, -8(%rsp)\n movq %r14, -64(%rsp)\n movq %r15, -128(%rsp)\n"    \
        "  mov $" nr ", %eax\n"                                                     \
        "  syscall\n"                                                               \
        "  movq %r11, probe_after+152(%rip)\n"                                      \
        "  movq %rbx, probe_after+0(%rip)\n"                                        \
        "  movq %rbp, probe_after+8(%rip)\n"                                        \
        "  movq %r12, probe_after+16(%rip)\n"                                       \
        "  movq %r13, probe_after+24(%rip)\n"                                       \
        "  movq %r14, probe_after+32(%rip)\n"                                       \
        "  movq %r15, probe_after+40(%rip)\n"                                       \
        "  movq %rsi, probe_after+48(%rip)\n"                                       \
        "  movq %rdx, probe_after+56(%rip)\n"                                       \
        "  movq %r8, probe_after+64(%rip)\n"                                        \
        "  movq %r9, probe_after+72(%rip)\n"                                        \
        "  movq %r10, probe_after+80(%rip)\n"                                       \
        "  movq %rdi, probe_after+88(%rip)\n"                                       \
        "  movq %xmm0, probe_after+96(%rip)\n"                                      \
        "  movq %xmm7, probe_after+104(%rip)\n"                                     \
        "  movq %xmm15, probe_after+112(%rip)\n"                                    \
        "  movq -8(%rsp), %r11\n movq %r11, probe_after+120(%rip)\n"                \
        "  movq -64(%rsp), %r11\n movq %r11, probe_after+128(%rip)\n"               \
        "  movq -128(%rsp), %r11\n movq %r11, probe_after+136(%rip)\n"              \
        "  pushfq\n popq %r11\n movq %r11, probe_after+144(%rip)\n"                 \
        "  cld\n"                                                                   \
        "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"       \
        "  ret\n"

/* The shapes, in code of the program's own (the compiler's are libc's). */
__asm__(".text\n"
        ".p2align 6\n"
        "site_mov:\n"          /* mov $110,%eax; syscall -- getppid */
        "  mov $110, %eax\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_movq:\n"         /* mov $110,%rax (48 c7 c0) ; syscall */
        "  .byte 0x48, 0xc7, 0xc0, 110, 0, 0, 0\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_pad:\n"          /* the number from a register: only padding can take a jump */
        "  mov %edi, %eax\n"
        "  mov %rsi, %rdi\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_pad3:\n"         /* number and three arguments from registers */
        "  mov %edi, %eax\n"
        "  mov %rsi, %rdi\n"
        "  mov %rdx, %rsi\n"
        "  mov %rcx, %rdx\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_pad6:\n"         /* number and six arguments, the last from the stack */
        "  mov %edi, %eax\n"
        "  mov %rsi, %rdi\n"
        "  mov %rdx, %rsi\n"
        "  mov %rcx, %rdx\n"
        "  mov %r8, %r10\n"
        "  mov %r9, %r8\n"
        "  mov 8(%rsp), %r9\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_args:\n"         /* mov $110,%eax; argument set-up; syscall (glibc's open) */
        "  mov $110, %eax\n"
        "  mov %rdi, %rsi\n"
        "  lea 8(%rsi), %rdx\n"
        "  mov $-100, %edi\n"
        "  syscall\n"
        "  mov %rsi, args_after(%rip)\n"
        "  mov %rdx, args_after+8(%rip)\n"
        "  mov %rdi, args_after+16(%rip)\n"
        "  ret\n"
        ".p2align 4\n"
        "site_args_rip:\n"     /* a RIP-relative lea between: it must point where it did */
        "  mov $110, %eax\n"
        "  xor %edx, %edx\n"
        "  lea args_after+24(%rip), %rsi\n"
        "  syscall\n"
        "  mov %rsi, args_after+32(%rip)\n"
        "  ret\n"
        ".p2align 4\n"
        "site_args_load:\n"    /* a load between: never moved (it could fault elsewhere) */
        "  mov $110, %eax\n"
        "  mov (%rdi), %rsi\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_args_jump:\n"    /* a jump between: never moved */
        "  mov $110, %eax\n"
        "  jmp 1f\n"
        "1: syscall\n"
        "  ret\n"
        ".p2align 6\n"
        "site_cross:\n"        /* mov $110,%eax across a 64-byte line: no single store */
        "  .skip 61, 0x90\n"     /* writes its jump; a copy does, while no other thread runs */
        "  mov $110, %eax\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 6\n"
        "site_cross_threads:\n"  /* the same, run only while another thread lives */
        "  .skip 61, 0x90\n"
        "  mov $110, %eax\n"
        "  syscall\n"
        "  ret\n"
        ".p2align 4\n"
        "site_inside:\n"       /* 0f 05 inside another instruction: never a call */
        "  mov $0x050f, %eax\n"
        "  ret\n"
        ".p2align 4\n"
        "site_vec3:\n"         /* site_pad3 with ymm0-15 whole across the call, loaded */
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"   /* from (%r8), stored at (%r9) */
        "  vmovdqu 32*\\n(%r8), %ymm\\n\n"
        ".endr\n"
        PAD3_CALL
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "  vmovdqu %ymm\\n, 32*\\n(%r9)\n"
        ".endr\n"
        "  vzeroupper\n"
        "  ret\n"
        ".p2align 4\n"
        "site_avx:\n"         /* ymm3 whole across the call (upper half too) */
        "  vmovdqu (%rdi), %ymm3\n"
        "  mov $110, %eax\n"
        "  syscall\n"
        "  vmovdqu %ymm3, (%rsi)\n"
        "  vzeroupper\n"
        "  ret\n"
        ".p2align 4\n"
        "site_vec512:\n"      /* site_vec3 with zmm0-31 and k1-7 whole across the call: */
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "  vmovdqu64 64*\\n(%r8), %zmm\\n\n"   /* loaded from (%r8), stored at (%r9) */
        ".endr\n"
        ".irp n, 1,2,3,4,5,6,7\n"
        "  kmovw 2048+2*\\n(%r8), %k\\n\n"
        ".endr\n"
        PAD3_CALL
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "  vmovdqu64 %zmm\\n, 64*\\n(%r9)\n"
        ".endr\n"
        ".irp n, 1,2,3,4,5,6,7\n"
        "  kmovw %k\\n, 2048+2*\\n(%r9)\n"
        ".endr\n"
        "  vzeroupper\n"
        "  ret\n"
        ".p2align 4\n"
        REGS_PROBE("regs_probe", "110")
        ".p2align 4\n"
        REGS_PROBE("fork_probe", "57")
        ".p2align 4\n");
long site_mov(void), site_movq(void), site_pad(long nr, long a0), site_inside(void), regs_probe(uint64_t flags),
    fork_probe(uint64_t flags);
long site_cross(void), site_cross_threads(void);
long site_args(long a), site_args_rip(void), site_args_load(const long *p), site_args_jump(void);
uint64_t args_after[5];
long site_avx(const void *in, void *out);
long site_pad3(long nr, long a0, long a1, long a2);
long site_pad6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
long site_vec3(long nr, long a0, long a1, long a2, const void *in, void *out);
long site_vec512(long nr, long a0, long a1, long a2, const void *in, void *out);
uint64_t probe_after[20];

static const char *expect; /* "yes", "no" or NULL (bytes not checked) */
static const volatile unsigned char data_pair[] = { 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05, 0xc3 };

static int bytes_are(const void *fn, unsigned off, unsigned char b) { return ((const unsigned char *)fn)[off] == b; }

static void shapes(void)
{
    pid_t pp = getppid();
    /* lxrun rewrites a site from a program's 32nd trap on (a short one gains
     * nothing from it): 40 rounds make that many, whatever came before */
    for (int i = 0; i < 40; i++) {
        CHECK_EQ(site_mov(), pp);
        CHECK_EQ(site_movq(), pp);
        CHECK_EQ(site_pad(SYS_getppid, 0), pp);
        CHECK_EQ(site_pad(SYS_getpid, 0), getpid()); /* the same site, another number */
        CHECK_EQ(site_cross(), pp);
        CHECK_EQ(site_inside(), 0x050f);
        memset(args_after, 0, sizeof args_after);
        CHECK_EQ(site_args(0x1234), pp);
        CHECK_EQ(args_after[0], 0x1234); /* every set-up instruction ran once, in order */
        CHECK_EQ(args_after[1], 0x123c);
        CHECK_EQ(args_after[2], 0xffffff9c);
        CHECK_EQ(site_args_rip(), pp);
        CHECK_EQ(args_after[4], (uint64_t)&args_after[3]);
        long word = 7;
        CHECK_EQ(site_args_load(&word), pp);
        CHECK_EQ(site_args_jump(), pp);
    }
    /* the syscall instruction itself always stays where it was */
    CHECK(bytes_are(site_mov, 5, 0x0f) && bytes_are(site_mov, 6, 0x05));
    CHECK(bytes_are(site_movq, 7, 0x0f) && bytes_are(site_movq, 8, 0x05));
    CHECK(bytes_are(site_inside, 0, 0xb8) && bytes_are(site_inside, 1, 0x0f) && bytes_are(site_inside, 2, 0x05));
    CHECK(data_pair[5] == 0x0f && data_pair[6] == 0x05 && data_pair[0] == 0xb8);
    if (!expect) return;
    int yes = !strcmp(expect, "yes");
    CHECK(bytes_are(site_mov, 0, yes ? 0xe9 : 0xb8));
    CHECK(bytes_are(site_movq, 0, yes ? 0xe9 : 0x48));
    CHECK(bytes_are(site_pad, 5, yes ? 0xeb : 0x0f));
    CHECK(bytes_are(site_args, 0, yes ? 0xe9 : 0xb8));
    CHECK(bytes_are(site_args_rip, 0, yes ? 0xe9 : 0xb8));
    CHECK(bytes_are(site_args_load, 0, 0xb8)); /* the mov stays: the syscall may take padding */
    CHECK(bytes_are(site_args_jump, 0, 0xb8));
    CHECK(bytes_are(site_cross, 61, yes ? 0xe9 : 0xb8)); /* the only thread: copied */
}

/* site_cross while a second thread lives: a rewrite then needs one atomic store,
 * which a 64-byte line's end does not allow: the site stays on the trap, right. */
static void *parked(void *arg)
{
    while (!atomic_load((atomic_int *)arg)) sched_yield();
    return NULL;
}

static void crossing_site_with_threads(void)
{
    static atomic_int done;
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, parked, &done) == 0);
    pid_t pp = getppid();
    for (int i = 0; i < 60; i++) CHECK_EQ(site_cross_threads(), pp);
    CHECK(bytes_are(site_cross_threads, 61, 0xb8)); /* natively, under the trap, and refused */
    atomic_store(&done, 1);
    pthread_join(t, NULL);
    CHECK_EQ(site_cross_threads(), pp);
}

/* More sites than a first table of lxrun's holds (a page: 255): 600 getppid
 * sites 16 bytes apart, each run three times, all rewritten. */
#define MANY_SITES 600
__asm__(".text\n"
        ".p2align 4\n"
        "many_sites:\n"
        ".rept 600\n"
        "  .p2align 4\n"
        "  mov $110, %eax\n"
        "  syscall\n"
        "  ret\n"
        ".endr\n");
extern unsigned char many_sites[];

static void many_sites_rewritten(void)
{
    long want = getppid(), wrong = 0;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < MANY_SITES; i++) wrong += ((long (*)(void))(void *)(many_sites + 16 * i))() != want;
    CHECK_EQ(wrong, 0);
    if (!expect) return;
    int rewritten = 0;
    for (int i = 0; i < MANY_SITES; i++) rewritten += many_sites[16 * i] == 0xe9;
    CHECK_EQ(rewritten, !strcmp(expect, "yes") ? MANY_SITES : 0);
}

/* Eight getppid sites on one page, each run once, then the first one again: its
 * rewrite takes the other seven with it (each had trapped once; their own second
 * trap would have cost a protection round trip apiece).  Runs after
 * many_sites_rewritten, past the program's 32nd trap. */
__asm__(".text\n"
        ".p2align 12\n"
        "page_sites:\n"
        ".rept 8\n"
        "  .p2align 4\n"
        "  mov $110, %eax\n"
        "  syscall\n"
        "  ret\n"
        ".endr\n");
extern unsigned char page_sites[];

static void sites_of_a_page_together(void)
{
    long want = getppid(), wrong = 0;
    for (int i = 1; i < 8; i++) wrong += ((long (*)(void))(void *)(page_sites + 16 * i))() != want;
    for (int k = 0; k < 2; k++) wrong += ((long (*)(void))(void *)page_sites)() != want;
    CHECK_EQ(wrong, 0);
    if (!expect) return;
    int rewritten = 0;
    for (int i = 0; i < 8; i++) rewritten += page_sites[16 * i] == 0xe9;
    CHECK_EQ(rewritten, !strcmp(expect, "yes") ? 8 : 0);
    for (int i = 0; i < 8; i++) wrong += ((long (*)(void))(void *)(page_sites + 16 * i))() != want;
    CHECK_EQ(wrong, 0);
}

/* Exactly what a real syscall leaves: rax the result, rcx the return address,
 * r11 the flags, everything else, the red zone and the flags as they were.  The
 * flags: CF PF AF ZF SF OF and DF all set, then all clear (bit 1 is always set). */
#define ARITH_AND_DF 0xcd5u
/* What REGS_PROBE stores after its call: the values it set. */
static const uint64_t probe_want[] = { 0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
                                       0x4444444444444444, 0x5555555555555555, 0x6666666666666666,
                                       0x7777777777777777, 0x8888888888888888, 0x9999999999999999,
                                       0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb, 0xcccccccccccccccc,
                                       0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
                                       0x4444444444444444, 0x5555555555555555, 0x6666666666666666 };

/* The first of probe_after's words that is not what the probe set (its flags and
 * r11 as given: 18 and 19), or -1. */
static int probe_first_wrong(uint64_t flags)
{
    for (int i = 0; i < 18; i++)
        if (probe_after[i] != probe_want[i]) return i;
    for (int i = 18; i < 20; i++)
        if ((probe_after[i] & ARITH_AND_DF) != (flags & ARITH_AND_DF)) return i;
    return -1;
}

static void registers(void)
{
    const uint64_t *want = probe_want;
    for (int round = 0; round < 6; round++) { /* the first traps; the next ones are rewritten */
        uint64_t flags = round & 1 ? 0x2 : 0x2 | ARITH_AND_DF;
        memset(probe_after, 0, sizeof probe_after);
        CHECK_EQ(regs_probe(flags), getppid());
        for (unsigned i = 0; i < sizeof probe_want / sizeof probe_want[0]; i++) CHECK_EQ(probe_after[i], want[i]);
        CHECK_EQ(probe_after[18] & ARITH_AND_DF, flags & ARITH_AND_DF); /* the flags as they were */
        CHECK_EQ(probe_after[19] & ARITH_AND_DF, flags & ARITH_AND_DF); /* r11: the flags at the call */
    }
    if (!__builtin_cpu_supports("avx")) return;
    unsigned char in[32], out[32];
    for (int i = 0; i < 32; i++) in[i] = (unsigned char)(0xa0 + i);
    for (int round = 0; round < 3; round++) {
        memset(out, 0, sizeof out);
        CHECK_EQ(site_avx(in, out), getppid());
        CHECK(memcmp(in, out, 32) == 0);
    }
    /* a call served on the guest's FS whose path uses libc's vector string
     * functions (a VECTORS line: stat resolves its path): the stub saved them */
    unsigned char vin[512], vout[512];
    for (int i = 0; i < 512; i++) vin[i] = (unsigned char)(i * 7 + 3);
    struct stat st;
    for (int round = 0; round < 3; round++) {
        memset(vout, 0, sizeof vout);
        CHECK_EQ(site_vec3(SYS_stat, (long)"/usr/lib/../bin/././sh", (long)&st, 0, vin, vout), 0);
        CHECK(memcmp(vin, vout, 512) == 0);
        CHECK_EQ(site_vec3(SYS_stat, (long)"/usr/bin/sh", (long)&st, 0, vin, vout), 0);
        CHECK(memcmp(vin, vout, 512) == 0);
    }
    /* the same with AVX-512: zmm0-15 whole (lxrun's stub saves them by hand when
     * their upper halves are in use), zmm16-31 and the mask registers untouched */
    if (!__builtin_cpu_supports("avx512f")) return;
    static unsigned char zin[2048 + 16], zout[2048 + 16];
    for (unsigned i = 0; i < sizeof zin; i++) zin[i] = (unsigned char)(i * 13 + 5);
    for (int round = 0; round < 3; round++) {
        memset(zout, 0, sizeof zout);
        CHECK_EQ(site_vec512(SYS_stat, (long)"/usr/lib/../bin/././sh", (long)&st, 0, zin, zout), 0);
        CHECK(memcmp(zin, zout, 2048) == 0);
        CHECK(memcmp(zin + 2050, zout + 2050, 14) == 0); /* k1-7 */
        CHECK_EQ(site_vec512(SYS_getppid, 0, 0, 0, zin, zout), getppid());
        CHECK(memcmp(zin, zout, 2048) == 0);
    }
}

/* Code written at run time (a JIT's way): rewritten when it runs; written again,
 * it runs as written (the rewrite is lost, never the meaning). */
static void jit(void)
{
    unsigned char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    static const unsigned char getppid_code[] = { 0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xc3 };
    static const unsigned char getpid_code[] = { 0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3 };
    memcpy(p + 64, getppid_code, sizeof getppid_code);
    CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_EXEC), 0);
    long (*fn)(void) = (long (*)(void))(p + 64);
    for (int i = 0; i < 5; i++) CHECK_EQ(fn(), getppid());
    if (expect) CHECK_EQ(p[64], !strcmp(expect, "yes") ? 0xe9 : 0xb8);
    CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_WRITE), 0);
    memcpy(p + 64, getpid_code, sizeof getpid_code);
    CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_EXEC), 0);
    for (int i = 0; i < 5; i++) CHECK_EQ(fn(), getpid());
    /* a syscall straddling two pages, number from a register: no store can change
     * its two bytes at once, so it stays a trapped syscall */
    unsigned char *q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(q != MAP_FAILED);
    static const unsigned char straddle[] = { 0x89, 0xf8, 0x0f, 0x05, 0xc3, 0x0f, 0x1f, 0x40, 0x00, 0x0f,
                                              0x1f, 0x44, 0x00, 0x00 };
    unsigned char *s = q + PG - 3;
    memcpy(s, straddle, sizeof straddle);
    CHECK_EQ(mprotect(q, 2 * PG, PROT_READ | PROT_EXEC), 0);
    long (*st)(long) = (long (*)(long))s;
    for (int i = 0; i < 5; i++) CHECK_EQ(st(SYS_getppid), getppid());
    CHECK(s[2] == 0x0f && s[3] == 0x05);
    munmap(q, 2 * PG);
    munmap(p, PG);
}

/* Code in a shared mapping of a file is the file's bytes (and another mapping's,
 * as a JIT's writable view of its code): it is never rewritten, so the file,
 * read back, is as written and the mapping shows the mov still.  (At an offset of
 * its own: a site jit() left at an address this mapping may take again is not
 * looked at again.) */
static void shared_code_left_alone(void)
{
    static const unsigned char getppid_code[] = { 0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xc3 };
    unsigned char page[PG] = { 0 };
    memcpy(page + 320, getppid_code, sizeof getppid_code);
    int fd = open("shared-code", O_RDWR | O_CREAT | O_TRUNC, 0700);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, page, PG) == PG);
    unsigned char *p = mmap(NULL, PG, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    REQUIRE(p != MAP_FAILED);
    long (*fn)(void) = (long (*)(void))(p + 320);
    for (int i = 0; i < 10; i++) CHECK_EQ(fn(), getppid());
    CHECK_EQ(p[320], 0xb8);
    unsigned char back[sizeof getppid_code];
    CHECK_EQ(pread(fd, back, sizeof back, 320), (long)sizeof back);
    CHECK(memcmp(back, getppid_code, sizeof back) == 0);
    munmap(p, PG);
    close(fd);
    unlink("shared-code");
}

/* Threads racing into one site's first executions, on fresh code every round. */
#define RACERS 3
#define ROUNDS 1000
static _Atomic int round_no, arrived, wrong;
static long (*_Atomic race_fn)(void);
static pid_t parent_pid;

static void *racer(void *arg)
{
    (void)arg;
    for (int r = 1; r <= ROUNDS; r++) {
        while (atomic_load(&round_no) < r) sched_yield();
        long (*fn)(void) = atomic_load(&race_fn);
        for (int i = 0; i < 4; i++)
            if (fn() != parent_pid) atomic_fetch_add(&wrong, 1);
        atomic_fetch_add(&arrived, 1);
    }
    return NULL;
}

static void racing_first_rewrite(void)
{
    parent_pid = getppid();
    pthread_t t[RACERS];
    for (int i = 0; i < RACERS; i++) REQUIRE(pthread_create(&t[i], NULL, racer, NULL) == 0);
    static const unsigned char code[] = { 0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xc3 };
    for (int r = 1; r <= ROUNDS; r++) {
        unsigned char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(p != MAP_FAILED);
        unsigned off = (unsigned)(r * 7) % 256; /* every alignment against the 8-byte store */
        memcpy(p + off, code, sizeof code);
        REQUIRE(mprotect(p, PG, PROT_READ | PROT_EXEC) == 0);
        atomic_store(&race_fn, (long (*)(void))(p + off));
        atomic_store(&arrived, 0);
        atomic_store(&round_no, r);
        while (atomic_load(&arrived) < RACERS) sched_yield();
        munmap(p, PG);
    }
    for (int i = 0; i < RACERS; i++) pthread_join(t[i], NULL);
    CHECK_EQ(atomic_load(&wrong), 0);
}

/* A timer signal every 50 us while a loop makes a million fast calls, or as many
 * as 5 s allow (at least 100000).  The bound is for --trap=sud, where no call is
 * fast: each tick costs tens of microseconds in a VM, so a million trapped calls
 * drew 300000 ticks and took 25 s, over a minute on a loaded machine. */
static _Atomic long ticks;
static void on_tick(int sig) { (void)sig; atomic_fetch_add(&ticks, 1); }

/* SIGALRM to on_tick every 50 us, and off again. */
static void ticks_start(void)
{
    struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { { 0, 50 }, { 0, 50 } };
    REQUIRE(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

static void ticks_stop(void)
{
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    signal(SIGALRM, SIG_DFL);
}

static void signals_during_fast_calls(void)
{
    ticks_start();
    pid_t pp = getppid(), me = getpid();
    long bad = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < 1000000; i++) {
        if ((i & 1023) == 0 && i >= 100000) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec - start.tv_sec >= 5) break;
        }
        if (site_mov() != pp) bad++;
        if ((i & 1023) == 0 && site_pad(SYS_getpid, 0) != me) bad++;
        if ((i & 65535) == 0) {
            regs_probe(0x2);
            if (probe_after[0] != 0x1111111111111111 || probe_after[11] != 0xcccccccccccccccc ||
                probe_after[14] != 0x3333333333333333 || probe_after[17] != 0x6666666666666666)
                bad++;
        }
    }
    ticks_stop();
    CHECK_EQ(bad, 0);
    CHECK(atomic_load(&ticks) > 0);
}

/* The calls lxrun serves on the guest's FS (GUESTFS lines) must not need it: with
 * FS pointing into a page of garbage, rewritten writes and id calls still give the
 * right answers and nothing writes through that FS (lxrun's TLS or errno there
 * would fault or scribble).  Only the program's own asm runs meanwhile. */
static long raw_arch_prctl(long code, long addr)
{
    register long a0 __asm__("rdi") = code;
    register long a1 __asm__("rsi") = addr;
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_arch_prctl), "r"(a0), "r"(a1) : "rcx", "r11", "memory");
    return r;
}

/* The file calls served on the guest's FS (GUESTFS|VECTORS lines), on the junk
 * FS, against what they answered on the program's own: open, fstat, stat, lstat,
 * fcntl, getdents64, access and close of plain files; and the rare branches that
 * switch to lxrun's FS for a moment (lx_fs_call) -- a path through /proc, a '..',
 * a relative "a:b", an emulated file's fd (declined: served on lxrun's FS) -- and
 * the errors, which must not be written to an errno.  Each result is kept in
 * got[]; the checks run after FS is the program's again. */
enum { A_OPEN, A_FSTAT, A_STAT, A_LSTAT, A_DUP, A_GETFD, A_DENTS, A_ACCESS, A_DOTDOT, A_COLON, A_PROC,
       A_PROCSTAT, A_PROCREAD, A_PROCCLOSE, A_SELF, A_NOENT, A_FAULT, A_CLOSE2, A_CLOSE,
       A_MMAP, A_MPROTECT, A_MUNMAP, A_BRK, A_BLOCK, A_UNBLOCK, A_SIGACT, A_SIGBACK, A_PIPE, A_DUP3, A_PCLOSE,
       A_RLIMIT, A_RANDOM, A_UMASK, A_UMASK2, A_WAKE, A_WAIT, A_WAIT4, A_N };
#define FUTEX_WAIT_PRIVATE 128 /* the kernel's numbers: musl's headers have none */
#define FUTEX_WAKE_PRIVATE 129
struct kernel_sigaction { void *handler; unsigned long flags; void *restorer; uint64_t mask; };
struct file_answers {
    long got[A_N];
    struct stat fst, st, lst, pst, selfst;
    char dents[4096], proc[64];
    uint64_t usr2, old_mask;
    struct kernel_sigaction ign, old_act;
    int fds[2], status;
    unsigned futex_word;
    struct { uint64_t cur, max; } rl;
    unsigned char random[16];
    pid_t child;
};

__attribute__((noinline, no_stack_protector)) static void file_calls(const char *dir, const char *file, struct file_answers *a)
{
    long *g = a->got;
    g[A_OPEN] = site_pad3(SYS_open, (long)file, O_RDONLY, 0);
    g[A_FSTAT] = site_pad3(SYS_fstat, g[A_OPEN], (long)&a->fst, 0);
    g[A_STAT] = site_pad3(SYS_stat, (long)file, (long)&a->st, 0);
    g[A_LSTAT] = site_pad3(SYS_lstat, (long)dir, (long)&a->lst, 0);
    g[A_DUP] = site_pad3(SYS_fcntl, g[A_OPEN], F_DUPFD_CLOEXEC, 10);
    g[A_GETFD] = site_pad3(SYS_fcntl, g[A_DUP], F_GETFD, 0);
    long dfd = site_pad3(SYS_open, (long)dir, O_RDONLY | O_DIRECTORY, 0);
    g[A_DENTS] = site_pad3(SYS_getdents64, dfd, (long)a->dents, sizeof a->dents);
    site_pad3(SYS_close, dfd, 0, 0);
    g[A_ACCESS] = site_pad3(SYS_access, (long)file, R_OK, 0);
    g[A_DOTDOT] = site_pad3(SYS_access, (long)"/usr/../usr/bin/sh", X_OK, 0);
    g[A_COLON] = site_pad3(SYS_access, (long)"no:such", F_OK, 0);
    g[A_PROC] = site_pad3(SYS_open, (long)"/proc/self/status", O_RDONLY, 0);
    g[A_PROCSTAT] = site_pad3(SYS_fstat, g[A_PROC], (long)&a->pst, 0);
    g[A_PROCREAD] = site_pad3(SYS_read, g[A_PROC], (long)a->proc, sizeof a->proc - 1);
    g[A_PROCCLOSE] = site_pad3(SYS_close, g[A_PROC], 0, 0);
    g[A_SELF] = site_pad3(SYS_stat, (long)"/proc/self", (long)&a->selfst, 0);
    g[A_NOENT] = site_pad3(SYS_stat, (long)"/nonexistent/lxrun", (long)&a->st, 0);
    g[A_FAULT] = site_pad3(SYS_stat, 16, (long)&a->st, 0);
    g[A_CLOSE2] = site_pad3(SYS_close, g[A_DUP], 0, 0);
    g[A_CLOSE] = site_pad3(SYS_close, g[A_OPEN], 0, 0);
    /* the address space, signals, pipes, limits, futexes, a child's end */
    g[A_MMAP] = site_pad6(SYS_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g[A_MMAP] > 0) *(volatile char *)g[A_MMAP] = 1;
    g[A_MPROTECT] = site_pad3(SYS_mprotect, g[A_MMAP], PG, PROT_READ);
    g[A_MUNMAP] = site_pad3(SYS_munmap, g[A_MMAP], PG, 0);
    g[A_BRK] = site_pad3(SYS_brk, 0, 0, 0);
    g[A_BLOCK] = site_pad6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&a->usr2, (long)&a->old_mask, 8, 0, 0);
    g[A_UNBLOCK] = site_pad6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&a->old_mask, 0, 8, 0, 0);
    g[A_SIGACT] = site_pad6(SYS_rt_sigaction, SIGUSR2, (long)&a->ign, (long)&a->old_act, 8, 0, 0);
    g[A_SIGBACK] = site_pad6(SYS_rt_sigaction, SIGUSR2, (long)&a->old_act, 0, 8, 0, 0);
    g[A_PIPE] = site_pad3(SYS_pipe2, (long)a->fds, O_CLOEXEC, 0);
    g[A_DUP3] = site_pad3(SYS_dup3, a->fds[0], 100, 0);
    g[A_PCLOSE] = site_pad3(SYS_close, 100, 0, 0) | site_pad3(SYS_close, a->fds[0], 0, 0) |
                  site_pad3(SYS_close, a->fds[1], 0, 0);
    g[A_RLIMIT] = site_pad6(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&a->rl, 0, 0);
    g[A_RANDOM] = site_pad3(SYS_getrandom, (long)a->random, sizeof a->random, 0);
    g[A_UMASK] = site_pad3(SYS_umask, 027, 0, 0);
    g[A_UMASK2] = site_pad3(SYS_umask, g[A_UMASK], 0, 0);
    g[A_WAKE] = site_pad6(SYS_futex, (long)&a->futex_word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
    g[A_WAIT] = site_pad6(SYS_futex, (long)&a->futex_word, FUTEX_WAIT_PRIVATE, 1, 0, 0, 0); /* the word is 0 */
    g[A_WAIT4] = site_pad6(SYS_wait4, a->child, (long)&a->status, 0, 0, 0, 0);
}

static void check_file_answers(const char *dir, const char *file, const struct file_answers *a)
{
    const long *g = a->got;
    struct stat fst, dst;
    REQUIRE(stat(file, &fst) == 0 && lstat(dir, &dst) == 0);
    CHECK(g[A_OPEN] >= 0);
    CHECK_EQ(g[A_FSTAT], 0);
    CHECK(a->fst.st_ino == fst.st_ino && a->fst.st_size == fst.st_size);
    CHECK_EQ(g[A_STAT], 0);
    CHECK(a->st.st_ino == fst.st_ino); /* the failing stats below write nothing */
    CHECK_EQ(g[A_LSTAT], 0);
    CHECK(a->lst.st_ino == dst.st_ino && S_ISDIR(a->lst.st_mode));
    CHECK(g[A_DUP] >= 10);
    CHECK_EQ(g[A_GETFD], FD_CLOEXEC);
    CHECK(g[A_DENTS] > 0);
    int names = 0; /* ".", "..", "a", "b:c" */
    for (long off = 0; off < g[A_DENTS];) {
        const struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *d =
            (const void *)(a->dents + off);
        names += !strcmp(d->name, "a") || !strcmp(d->name, "b:c") || !strcmp(d->name, ".") || !strcmp(d->name, "..");
        off += d->reclen;
    }
    CHECK_EQ(names, 4);
    CHECK_EQ(g[A_ACCESS], 0);
    CHECK_EQ(g[A_DOTDOT], 0);
    CHECK_EQ(g[A_COLON], -ENOENT);
    CHECK(g[A_PROC] >= 0);
    CHECK_EQ(g[A_PROCSTAT], 0);
    CHECK(S_ISREG(a->pst.st_mode));
    CHECK(g[A_PROCREAD] > 5 && !strncmp(a->proc, "Name:", 5));
    CHECK_EQ(g[A_PROCCLOSE], 0);
    CHECK_EQ(g[A_SELF], 0);
    CHECK(S_ISDIR(a->selfst.st_mode));
    CHECK_EQ(g[A_NOENT], -ENOENT);
    CHECK_EQ(g[A_FAULT], -EFAULT);
    CHECK_EQ(g[A_CLOSE2], 0);
    CHECK_EQ(g[A_CLOSE], 0);
    CHECK_EQ(fcntl((int)g[A_OPEN], F_GETFD), -1); /* closed for real */
    CHECK(g[A_MMAP] > 0 && (g[A_MMAP] & (PG - 1)) == 0);
    CHECK_EQ(g[A_MPROTECT], 0);
    CHECK_EQ(g[A_MUNMAP], 0);
    CHECK_EQ(g[A_BRK], (long)sbrk(0));
    CHECK_EQ(g[A_BLOCK], 0);
    CHECK_EQ(g[A_UNBLOCK], 0);
    sigset_t now;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0 && !sigismember(&now, SIGUSR2));
    CHECK_EQ(a->old_mask & (1ULL << (SIGUSR2 - 1)), 0);
    CHECK_EQ(g[A_SIGACT], 0);
    CHECK_EQ(g[A_SIGBACK], 0);
    struct sigaction sa;
    CHECK(sigaction(SIGUSR2, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL);
    CHECK_EQ(g[A_PIPE], 0);
    CHECK_EQ(g[A_DUP3], 100);
    CHECK_EQ(g[A_PCLOSE], 0);
    struct rlimit rl;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK_EQ(g[A_RLIMIT], 0);
    CHECK(a->rl.cur == rl.rlim_cur && a->rl.max == rl.rlim_max);
    CHECK_EQ(g[A_RANDOM], 16);
    CHECK_EQ(g[A_UMASK2], 027);
    CHECK_EQ(umask(g[A_UMASK]), g[A_UMASK]); /* put back by the second call */
    CHECK_EQ(g[A_WAKE], 0);
    CHECK_EQ(g[A_WAIT], -EAGAIN);
    CHECK_EQ(g[A_WAIT4], a->child);
    CHECK(WIFEXITED(a->status) && WEXITSTATUS(a->status) == 7);
}

static void calls_on_a_foreign_fs(void)
{
    char dir[] = "/tmp/lxrun-rewrite-XXXXXX", file[64], other[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(file, sizeof file, "%s/a", dir);
    snprintf(other, sizeof other, "%s/b:c", dir);
    int made = open(file, O_CREAT | O_WRONLY, 0644), made2 = open(other, O_CREAT | O_WRONLY, 0644);
    REQUIRE(made >= 0 && made2 >= 0 && write(made, "12345", 5) == 5);
    close(made);
    close(made2);
    static struct file_answers answers;
    answers.usr2 = 1ULL << (SIGUSR2 - 1);
    answers.ign.handler = SIG_IGN;
    answers.ign.mask = 0;
    if ((answers.child = fork()) == 0) _exit(7);
    file_calls(dir, file, &answers); /* rewritten first, on a sane FS */
    check_file_answers(dir, file, &answers);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t me = getpid(), pp = getppid();
    char byte = 'x', back = 0;
    for (int i = 0; i < 3; i++) { /* rewritten first, on a sane FS */
        site_pad(SYS_getpid, 0);
        site_pad3(SYS_write, fds[1], (long)&byte, 0);
    }
    unsigned char *junk = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(junk != MAP_FAILED);
    memset(junk, 0xa5, PG);
    unsigned long fs;
    REQUIRE(syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs) == 0);
    long got[5];
    memset(answers.got, 0, sizeof answers.got);
    if ((answers.child = fork()) == 0) _exit(7);
    got[0] = raw_arch_prctl(0x1002 /* ARCH_SET_FS */, (long)(junk + PG / 2));
    got[1] = site_pad(SYS_getpid, 0);
    got[2] = site_mov();
    got[3] = site_pad3(SYS_write, fds[1], (long)&byte, 1);
    file_calls(dir, file, &answers);
    got[4] = raw_arch_prctl(0x1002, (long)fs);
    CHECK_EQ(got[0], 0);
    CHECK_EQ(got[1], me);
    CHECK_EQ(got[2], pp);
    CHECK_EQ(got[3], 1);
    CHECK_EQ(got[4], 0);
    CHECK_EQ(read(fds[0], &back, 1), 1);
    CHECK_EQ(back, 'x');
    int clean = 1;
    for (unsigned i = 0; i < PG; i++) clean &= junk[i] == 0xa5;
    CHECK(clean);
    check_file_answers(dir, file, &answers);
    close(fds[0]);
    close(fds[1]);
    munmap(junk, PG);
    unlink(file);
    unlink(other);
    rmdir(dir);
}

/* Code that arrives after start (dlopen; glibc only: musl's static programs cannot
 * load libraries) is rewritten when it runs: hot, as this process had threads
 * (racing_first_rewrite), so 12 calls.  REWRITE_LIB names the library. */
static void dlopen_after_start(void)
{
#ifdef __GLIBC__
    const char *path = getenv("REWRITE_LIB");
    if (!path) return;
    void *h = dlopen(path, RTLD_NOW);
    REQUIRE(h != NULL);
    long (*fn)(void) = (long (*)(void))dlsym(h, "lib_getppid");
    REQUIRE(fn != NULL);
    for (int i = 0; i < 12; i++) CHECK_EQ(fn(), getppid());
    if (expect) CHECK(bytes_are(fn, 0, !strcmp(expect, "yes") ? 0xe9 : 0xb8));
    CHECK(bytes_are(fn, 5, 0x0f) && bytes_are(fn, 6, 0x05));
    dlclose(h);
#endif
}

/* The vDSO is the system's code, never rewritten: its bytes stay as they were
 * after calls that make it fall back to a real syscall inside it. */
static void vdso_untouched(void)
{
    const unsigned char *v = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
    if (!v) return;
    const Elf64_Ehdr *e = (const Elf64_Ehdr *)v;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(v + e->e_phoff);
    size_t len = 0;
    for (int i = 0; i < e->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_filesz > len) len = ph[i].p_vaddr + ph[i].p_filesz;
    static unsigned char before[16 * PG];
    REQUIRE(len > 0 && len <= sizeof before);
    memcpy(before, v, len);
    struct timespec ts;
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), 0); /* no vDSO answer: its fallback call */
        CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    }
    CHECK(memcmp(before, v, len) == 0);
}

/* A fork made through the probe's site (mov $57, %eax; syscall: rewritten, and the
 * fast path makes the fork itself): both sides come back with every register the
 * kernel keeps, the red zone and the flags as they were, the child with 0. */
static void fork_keeps_registers(void)
{
    for (int round = 0; round < 6; round++) { /* the first traps; the next ones are rewritten */
        uint64_t flags = round & 1 ? 0x2 : 0x2 | ARITH_AND_DF;
        memset(probe_after, 0, sizeof probe_after);
        long pid = fork_probe(flags);
        int wrong = probe_first_wrong(flags);
        if (pid == 0) _exit(wrong < 0 ? 0 : 10 + wrong); /* 10 + the word */
        REQUIRE(pid > 0);
        CHECK_EQ(wrong, -1);
        int st;
        CHECK_EQ(waitpid((pid_t)pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 0);
    }
    if (!expect) return;
    const unsigned char *b = (const unsigned char *)fork_probe;
    unsigned at = 0;
    while (at < 200 && !(b[at + 5] == 0x0f && b[at + 6] == 0x05)) at++; /* the call */
    REQUIRE(at < 200);
    CHECK_EQ(b[at], !strcmp(expect, "yes") ? 0xe9 : 0xb8); /* rewritten: a call the fast path makes */
}

/* A fork at a site that loads vector registers from in and stores them to out after
 * the call: both sides must find them whole (len bytes, and the mask registers'
 * mask_len from mask_at); the child's look is its exit status. */
static void fork_keeps_vectors(long (*site)(long, long, long, long, const void *, void *), unsigned char *in,
                               unsigned char *out, size_t len, size_t mask_at, size_t mask_len)
{
    memset(out, 0, mask_len ? mask_at + mask_len : len);
    long pid = site(SYS_fork, 0, 0, 0, in, out);
    int same = !memcmp(in, out, len) && !memcmp(in + mask_at, out + mask_at, mask_len);
    if (pid == 0) _exit(same ? 0 : 1);
    REQUIRE(pid > 0);
    CHECK(same);
    int st;
    CHECK_EQ(waitpid((pid_t)pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

/* The same with vector registers whole across the fork (sites rewritten through
 * padding by registers(): the stub's save, carried to the child): ymm0-15, and
 * with AVX-512 zmm0-31 and k1-7. */
static void fork_keeps_vector_registers(void)
{
    if (!__builtin_cpu_supports("avx")) return;
    static unsigned char vin[512], vout[512];
    for (unsigned i = 0; i < sizeof vin; i++) vin[i] = (unsigned char)(i * 7 + 3);
    for (int round = 0; round < 3; round++) fork_keeps_vectors(site_vec3, vin, vout, 512, 0, 0);
    if (!__builtin_cpu_supports("avx512f")) return;
    static unsigned char zin[2048 + 16], zout[2048 + 16];
    for (unsigned i = 0; i < sizeof zin; i++) zin[i] = (unsigned char)(i * 13 + 5);
    for (int round = 0; round < 3; round++) fork_keeps_vectors(site_vec512, zin, zout, 2048, 2050, 14);
}

/* Forks at the probe's rewritten site (made by the fast path) while a timer
 * signal lands every 50 us: each child exits with its own status, the parent
 * reaps each, and its registers come back whole every time. */
static void forks_under_a_timer(void)
{
    ticks_start();
    long bad = 0, ticks_before = atomic_load(&ticks);
    for (int i = 0; i < 400; i++) {
        memset(probe_after, 0, sizeof probe_after);
        long pid = fork_probe(0x2);
        if (pid == 0) _exit(probe_first_wrong(0x2) < 0 ? i % 200 : 255);
        if (pid < 0 || probe_first_wrong(0x2) >= 0) {
            bad++;
            continue;
        }
        int st;
        pid_t w;
        while ((w = waitpid((pid_t)pid, &st, 0)) < 0 && errno == EINTR) {}
        if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != i % 200) bad++;
    }
    ticks_stop();
    CHECK_EQ(bad, 0);
    CHECK(atomic_load(&ticks) > ticks_before);
}

/* A fork's child has the parent's rewritten code, and it works there. */
static void fork_after_rewriting(void)
{
    for (int i = 0; i < 3; i++) site_mov();
    pid_t me = getpid(), pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(site_mov() == me && site_pad(SYS_getppid, 0) == me ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* fork itself through a rewritten site: a call that needs the trap's context
     * (the child's registers) goes there from the fast path */
    for (int i = 0; i < 3; i++) CHECK_EQ(site_pad(SYS_getpid, 0), me);
    long child = site_pad(SYS_fork, 0);
    REQUIRE(child >= 0);
    if (child == 0) _exit(site_pad(SYS_getppid, 0) == me ? 0 : 1);
    CHECK_EQ(waitpid((pid_t)child, &st, 0), child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    check_prog = "rewrite";
    expect = getenv("REWRITE_EXPECT");
    RUN(shapes);
    RUN(crossing_site_with_threads);
    RUN(registers);
    RUN(many_sites_rewritten);
    RUN(sites_of_a_page_together);
    RUN(jit);
    RUN(shared_code_left_alone);
    RUN(racing_first_rewrite);
    RUN(signals_during_fast_calls);
    RUN(calls_on_a_foreign_fs);
    RUN(dlopen_after_start);
    RUN(vdso_untouched);
    RUN(fork_after_rewriting);
    RUN(fork_keeps_registers);
    RUN(fork_keeps_vector_registers);
    RUN(forks_under_a_timer);
    return check_done();
}

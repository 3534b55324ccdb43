/* startup.c — what a program finds when it starts and what libc start-up
 * asks of the kernel: argv and the environment, the auxiliary vector (also
 * walked raw from the initial stack), the TLS pointer (arch_prctl),
 * set_tid_address, set_robust_list, prctl names, getrandom, unknown calls.
 * Run as: startup alpha "beta gamma" with GUEST_PROBE=probe-value. */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <sys/uio.h>
#include <time.h>

#include "check.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

extern char **environ;
extern char _start[];
static __thread int tls_var = 42;
static __thread char tls_block[64];

static int g_argc;
static char **g_argv, **g_envp;

static void arguments_and_environment(void)
{
    CHECK_EQ(g_argc, 3);
    if (g_argc == 3) {
        CHECK(strcmp(g_argv[1], "alpha") == 0);
        CHECK(strcmp(g_argv[2], "beta gamma") == 0);
    }
    CHECK(g_argv[g_argc] == NULL);
    CHECK(g_envp == environ);
    const char *probe = getenv("GUEST_PROBE");
    CHECK(probe && strcmp(probe, "probe-value") == 0);
}

/* The auxv the program was started with: after envp's NULL on the stack. */
static Elf64_auxv_t *raw_auxv(void)
{
    char **e = g_envp;
    while (*e) e++;
    return (Elf64_auxv_t *)(e + 1);
}

static void auxiliary_vector(void)
{
    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    CHECK_EQ(sysconf(_SC_PAGESIZE), 4096);
    CHECK_EQ(getauxval(AT_SECURE), 0);
    CHECK(getauxval(AT_HWCAP) != 0);
    CHECK_EQ(getauxval(AT_ENTRY), (uintptr_t)_start);
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    CHECK(platform && strcmp(platform, "x86_64") == 0);

    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL);
    if (rnd) {
        int nonzero = 0;
        for (int i = 0; i < 16; i++) nonzero += rnd[i] != 0;
        CHECK(nonzero > 0);
    }

    /* AT_EXECFN is the path the program was started by. */
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    CHECK(execfn && strcmp(execfn, g_argv[0]) == 0);
    struct stat a, b;
    CHECK(execfn && stat(execfn, &a) == 0 && stat(g_argv[0], &b) == 0 && a.st_ino == b.st_ino);

    /* Every entry of the raw vector is what getauxval reports (but AT_HWCAP,
     * which glibc replaces with its own HWCAP_X86_* bits); the vector ends. */
    Elf64_auxv_t *av = raw_auxv();
    int n = 0, seen_phdr = 0, seen_random = 0;
    unsigned long hwcap = 0;
    for (; n < 64 && av[n].a_type != AT_NULL; n++) {
        unsigned long t = av[n].a_type;
        if (t == AT_PHDR) seen_phdr = 1;
        if (t == AT_RANDOM) seen_random = 1;
        if (t == AT_HWCAP) hwcap = av[n].a_un.a_val;
        else if (t != AT_IGNORE) CHECK_EQ(getauxval(t), av[n].a_un.a_val);
    }
    CHECK(n < 64 && n >= 10);
    CHECK(seen_phdr && seen_random);
    CHECK(hwcap != 0);
    /* On x86-64 the kernel's AT_HWCAP is CPUID.1:EDX, where every x86-64 CPU
     * has FPU (bit 0), SSE (25) and SSE2 (26). */
    unsigned long x86_64_baseline = 1UL << 0 | 1UL << 25 | 1UL << 26;
    CHECK_EQ(hwcap & x86_64_baseline, x86_64_baseline);
}

/* Program headers: AT_PHDR/AT_PHNUM/AT_PHENT describe this very program. */
static int find_self(struct dl_phdr_info *info, size_t size, void *out)
{
    (void)size;
    *(struct dl_phdr_info *)out = *info;
    return 1; /* the first object is the program itself */
}

static void program_headers(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    size_t phnum = getauxval(AT_PHNUM);
    CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr));
    CHECK(ph != NULL && phnum > 0 && phnum < 64);
    if (!ph || phnum == 0 || phnum >= 64) return;

    struct dl_phdr_info self;
    memset(&self, 0, sizeof self);
    CHECK_EQ(dl_iterate_phdr(find_self, &self), 1);
    CHECK(self.dlpi_phdr == ph);
    CHECK_EQ(self.dlpi_phnum, phnum);

    /* The load bias from PT_PHDR (PIE) or none (fixed-address executable). */
    uintptr_t bias = 0;
    int interp = 0;
    for (size_t i = 0; i < phnum; i++) {
        if (ph[i].p_type == PT_PHDR) bias = (uintptr_t)ph - ph[i].p_vaddr;
        if (ph[i].p_type == PT_INTERP) interp = 1;
    }
    CHECK_EQ(self.dlpi_addr, bias);
    /* main's code lies in an executable PT_LOAD segment. */
    uintptr_t code = (uintptr_t)&program_headers;
    int in_text = 0, has_load = 0;
    for (size_t i = 0; i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD) continue;
        has_load = 1;
        uintptr_t lo = bias + ph[i].p_vaddr, hi = lo + ph[i].p_memsz;
        if (code >= lo && code < hi && (ph[i].p_flags & PF_X)) in_text = 1;
    }
    CHECK(has_load && in_text);
    /* The ELF header sits right before the headers (e_phoff 64 with GNU ld). */
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)((uintptr_t)ph - sizeof(Elf64_Ehdr));
    CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
    CHECK_EQ(eh->e_phnum, phnum);
    CHECK_EQ(bias + eh->e_entry, getauxval(AT_ENTRY));

    /* AT_BASE: the interpreter's load address, 0 for a static program. */
    uintptr_t base = getauxval(AT_BASE);
    if (interp) {
        CHECK(base != 0 && (base & 4095) == 0);
        CHECK(base && memcmp((const void *)base, ELFMAG, SELFMAG) == 0);
    } else {
        CHECK_EQ(base, 0);
    }
}

static void thread_pointer(void)
{
    uintptr_t fs = 0, self, gs = 1;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self)); /* the TCB points to itself */
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
    CHECK(fs != 0);
    CHECK_EQ(fs, self);
    /* x86-64 TLS lives just below the thread pointer. */
    CHECK_EQ(tls_var, 42);
    uintptr_t v = (uintptr_t)&tls_var;
    CHECK(v < fs && fs - v < 65536);
    tls_block[63] = 1;
    CHECK((uintptr_t)&tls_block[63] < fs);
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_SET_FS, fs)); /* same value: harmless */
    CHECK_EQ(tls_var, 42);
    CHECK_ERR(syscall(SYS_arch_prctl, ARCH_SET_FS, 0xffff800000000000UL), EPERM);

    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    CHECK_EQ(gs, 0);
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_SET_GS, 0x12340000UL));
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    CHECK_EQ(gs, 0x12340000UL);
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_SET_GS, 0UL));
    CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, 0UL), EINVAL);
}

static void thread_bookkeeping(void)
{
    static int clear_tid;
    CHECK_EQ(syscall(SYS_set_tid_address, &clear_tid), syscall(SYS_gettid));
    static uintptr_t robust_head[3];
    robust_head[0] = (uintptr_t)robust_head; /* an empty list points to itself */
    CHECK_OK(syscall(SYS_set_robust_list, robust_head, sizeof robust_head));
    CHECK_ERR(syscall(SYS_set_robust_list, robust_head, 10), EINVAL);
    void *head = NULL;
    size_t len = 0;
    CHECK_OK(syscall(SYS_get_robust_list, 0, &head, &len));
    CHECK(head == robust_head && len == sizeof robust_head);
    CHECK_OK(syscall(SYS_get_robust_list, syscall(SYS_gettid), &head, &len));
    CHECK(head == robust_head);
    CHECK_ERR(syscall(SYS_get_robust_list, 0, (void *)8, &len), EFAULT);
}

static void process_name(void)
{
    char name[32] = { 0 }, want[16];
    const char *base = strrchr(g_argv[0], '/');
    snprintf(want, sizeof want, "%s", base ? base + 1 : g_argv[0]);
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, want) == 0); /* the program's file name, cut to 15 */

    CHECK_OK(prctl(PR_SET_NAME, "guest-startup"));
    memset(name, 'x', sizeof name);
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "guest-startup") == 0);
    CHECK_OK(prctl(PR_SET_NAME, "0123456789abcdefghij"));
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "0123456789abcde") == 0);
    CHECK_EQ(prctl(PR_GET_DUMPABLE), 1);
    CHECK_OK(prctl(PR_SET_PDEATHSIG, 0));
    CHECK_ERR(prctl(0x7fff1234, 0, 0, 0, 0), EINVAL);

    /* /proc/self/comm: writev is one write per vector (Linux loops ->write: the
     * last one names the process, its newline kept), pwrite is ESPIPE, a dup'd fd
     * writes too */
    int fd = open("/proc/self/comm", O_WRONLY);
    REQUIRE(fd >= 0);
    struct iovec iov[2] = { { "vec-", 4 }, { "name\n", 5 } };
    CHECK_EQ(writev(fd, iov, 2), 9);
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "name\n") == 0);
    CHECK_ERR(pwrite(fd, "by-pwrite", 9, 0), ESPIPE);
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "name\n") == 0);
    int copy = dup(fd);
    CHECK_OK(close(fd));
    CHECK_EQ(write(copy, "via-dup", 7), 7);
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "via-dup") == 0);
    CHECK_OK(close(copy));
    int plain = open("comm-plain", O_CREAT | O_WRONLY | O_TRUNC, 0644); /* likely a reused number */
    REQUIRE(plain >= 0);
    CHECK_EQ(write(plain, "file", 4), 4);
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "via-dup") == 0); /* a closed comm fd's number is an ordinary file again */
    CHECK_OK(close(plain));
    CHECK_OK(unlink("comm-plain"));
}

static void random_bytes(void)
{
    unsigned char a[32] = { 0 }, b[32] = { 0 };
    CHECK_EQ(getrandom(a, sizeof a, 0), (long)sizeof a);
    CHECK_EQ(syscall(SYS_getrandom, b, sizeof b, GRND_NONBLOCK), (long)sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++) nonzero += a[i] != 0;
    CHECK(nonzero > 0);
    CHECK_EQ(getrandom(a, 0, 0), 0);
    CHECK_ERR(syscall(SYS_getrandom, a, sizeof a, 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_getrandom, a, sizeof a, GRND_RANDOM | 4 /* GRND_INSECURE */), EINVAL);
    CHECK_EQ(syscall(SYS_getrandom, a, sizeof a, GRND_RANDOM | GRND_NONBLOCK), (long)sizeof a);
}

static void unknown_calls(void)
{
    CHECK_ERR(syscall(1000), ENOSYS);
    CHECK_ERR(syscall(100000), ENOSYS);
    CHECK_ERR(syscall(-1L), ENOSYS);
}

/* The vDSO: advertised in the auxiliary vector, an ELF image listed as [vdso] in
 * /proc/self/maps at that address, and its clock_gettime answers without a call
 * (the raw call and it agree, time goes forward). */
static void vdso(void)
{
    unsigned long at = getauxval(AT_SYSINFO_EHDR);
    CHECK(at != 0);
    if (!at) return;
    CHECK(memcmp((const void *)at, ELFMAG, SELFMAG) == 0);
    FILE *f = fopen("/proc/self/maps", "r");
    REQUIRE(f != NULL);
    char line[512];
    int listed = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "[vdso]") && strtoul(line, NULL, 16) == at) listed = 1;
    fclose(f);
    CHECK(listed);
    struct timespec a, b, c;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
    CHECK_EQ(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b), 0);
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &c), 0);
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    CHECK(c.tv_sec > b.tv_sec || (c.tv_sec == b.tv_sec && c.tv_nsec >= b.tv_nsec));
}

int main(int argc, char **argv, char **envp)
{
    check_prog = "startup";
    g_argc = argc;
    g_argv = argv;
    g_envp = envp;
    RUN(arguments_and_environment);
    RUN(auxiliary_vector);
    RUN(program_headers);
    RUN(thread_pointer);
    RUN(thread_bookkeeping);
    RUN(process_name);
    RUN(random_bytes);
    RUN(unknown_calls);
    RUN(vdso);
    return check_done();
}

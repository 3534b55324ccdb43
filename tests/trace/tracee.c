/* tracee.c — a guest whose system calls are known exactly, for the trace and
 * -c tests (trace_cases.py).  Built with musl-gcc -static: musl's start-up makes
 * only arch_prctl and set_tid_address (checked with strace natively), and every
 * call below is a raw syscall instruction, so libc adds nothing of its own.
 *
 *   tracee counts        7 getppid, 3 close(-1) (EBADF), acct(0) and syscall
 *                        1000 (both unsupported), then exit 0
 *   tracee exit N        exit_group(N)
 *   tracee closefd2 FILE closes its fd 2, then opens, reads and closes FILE
 *                        (the open reuses fd 2); the read bytes go to stdout
 *   tracee paths         opens /proc/self/maps and /dev/null; prints
 *                        "maps=R null=R" (the fd or -errno of each open)
 *   tracee unknown       syscall 1000, getppid, exit 0
 *   tracee fork          fork; the child makes 3 getppid and exits 5; the parent
 *                        waits for it (wait4) and exits 0
 *   tracee escapes       write(1, …) of a string needing every kind of escape
 *   tracee pause         one read of a byte from fd 0 (waits until its writer
 *                        closes it), then exit 0
 *   tracee names N       N rounds of prctl PR_SET_NAME "tracee-name" and PR_GET_NAME;
 *                        exit 0 when each read back the name, else 6
 *   tracee masks         5 rounds of rt_sigprocmask blocking SIGUSR1 and
 *                        unblocking it (each call changes the mask), then exit 0
 *   tracee threads N     N threads, each started and joined before the next
 *                        (musl's pthread_create: not raw calls), then exit 0
 *   tracee links         readlink of /proc/self/exe, then 10 each of "/" (EINVAL:
 *                        not a link) and a missing path (ENOENT); exit 0 when
 *                        each answered so, else a bit per wrong one (1 exe, 2
 *                        "/", 4 missing): no output, so no other call
 *   tracee sites         100 rounds of 8 calls from 8 sites of their own
 *                        (`mov $nr,%eax; syscall`): getppid, getpid, getuid,
 *                        getgid, geteuid, getegid, gettid, sched_yield; exit 0
 *   tracee sites thread  the same while another thread lives (blocked in a read;
 *                        joined after)
 *   tracee sites ended   the same after a thread was started and joined
 *   tracee hot N         N getppid from one site of its own; exit 0
 *   tracee vforks N      N rounds of vfork (libc's), the child's _exit(0) and the
 *                        parent's waitpid; exit 0 when each child exited 0, else 9
 *   tracee cold N [thread|ended]
 *                        40 getpid from one site, then N getppid from another;
 *                        thread, ended: as for sites; exit 0
 *   tracee sites fork    fork; the child makes the 100 rounds and exits 0, then
 *                        the parent, having waited for it, makes them; exit 0
 *   tracee timer N       a SIGALRM handler (the same restorer) and a 2 ms interval
 *                        timer; spins in its own code, making no call, until the
 *                        handler ran N times, then stops the timer; exit 0
 *   tracee stats P N     stats path P N times (newfstatat, AT_SYMLINK_NOFOLLOW);
 *                        exit 0 when each succeeded, else 5
 *   tracee mapfile F N   opens F and maps its first page N times (each a new
 *                        mapping, not MAP_FIXED); exit 0, else 4
 *   tracee handlers N    a SIGUSR1 handler (its restorer a site of its own), then
 *                        N rounds, each from sites of their own: block SIGUSR1,
 *                        unblock it (nothing pending), kill(self, SIGUSR1), which
 *                        the handler takes before kill returns; exit 0 when it
 *                        ran N times, else 3
 *   tracee vectors F     writev and readv through a pipe, pwritev and preadv on
 *                        file F (created), with the shapes strace prints apart: an
 *                        empty element, a NULL one, escapes, a readv that fills
 *                        one element partly and one not at all, 40 one-byte
 *                        elements, no elements, an unreadable array (EFAULT);
 *                        exit 0, else 10 + the step that failed
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* A raw syscall: the result is the kernel's (-errno on failure), untouched by libc. */
static long sc(long nr, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

static long map_page(long fd)
{
    long r;
    register long flags __asm__("r10") = 2 /* MAP_PRIVATE */;
    register long r8 __asm__("r8") = fd;
    register long off __asm__("r9") = 0;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"((long)SYS_mmap), "D"(0L), "S"(4096L), "d"(1L /* PROT_READ */), "r"(flags), "r"(r8), "r"(off)
                     : "rcx", "r11", "memory");
    return r;
}

static long sys_open(const char *path)
{
    return sc(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0);
}

static int vectors(const char *path)
{
    static char a[] = "ab\"c\n", b[] = "a string longer than the limit", many[40];
    struct iovec out[] = { { a, 5 }, { NULL, 0 }, { b, sizeof b - 1 } }, each[40];
    char x[4], y[64], z[8];
    struct iovec in[] = { { x, sizeof x }, { y, sizeof y }, { z, sizeof z } };
    for (int i = 0; i < 40; i++) each[i] = (struct iovec){ many + i, 1 }, many[i] = (char)('A' + i % 26);
    int p[2];
    if (sc(SYS_pipe2, (long)p, 0, 0, 0)) return 10;
    long n = sc(SYS_writev, p[1], (long)out, 3, 0);
    if (n != 5 + (long)sizeof b - 1 || sc(SYS_readv, p[0], (long)in, 3, 0) != n) return 11;
    if (sc(SYS_writev, p[1], (long)each, 40, 0) != 40 || sc(SYS_readv, p[0], (long)each, 40, 0) != 40) return 12;
    if (sc(SYS_writev, p[1], (long)out, 0, 0) != 0 || sc(SYS_writev, p[1], 0x10, 2, 0) != -EFAULT) return 13;
    sc(SYS_close, p[1], 0, 0, 0);
    if (sc(SYS_readv, p[0], 0x10, 2, 0) != -EFAULT) return 14;
    long fd = sc(SYS_openat, AT_FDCWD, (long)path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || sc(SYS_pwritev, fd, (long)out, 3, 2) != n || sc(SYS_preadv, fd, (long)in, 2, 1) != n + 1)
        return 15;
    return 0;
}

static void *nothing(void *arg) { return arg; }

static int token;

/* A thread started and joined: 0, or -1 when either failed or it returned wrong. */
static int one_thread(void)
{
    pthread_t th;
    void *back;
    return pthread_create(&th, NULL, nothing, &token) || pthread_join(th, &back) || back != &token ? -1 : 0;
}

/* A thread that lives, blocked in a read of a pipe, from thread_begin until
 * thread_end writes to it and joins it: 0, or -1 when a step failed. */
static int live_pipe[2];
static pthread_t live;
static void *wait_for_end(void *arg)
{
    char c;
    return read(live_pipe[0], &c, 1) == 1 ? arg : NULL;
}
static int thread_begin(void) { return pipe(live_pipe) || pthread_create(&live, NULL, wait_for_end, &token) ? -1 : 0; }
static int thread_end(void)
{
    void *back;
    return write(live_pipe[1], "x", 1) != 1 || pthread_join(live, &back) || back != &token ? -1 : 0;
}

/* body() while another thread lives (how "thread"), after one ended ("ended"), or
 * alone (anything else); 6 when the thread failed. */
static int with_thread(const char *how, int (*body)(void))
{
    if (!strcmp(how, "ended")) return one_thread() < 0 ? 6 : body();
    if (strcmp(how, "thread")) return body();
    if (thread_begin() < 0) return 6;
    int r = body();
    return thread_end() < 0 ? 6 : r;
}

/* A call site of its own wherever it is written (sc() is one site for all), its
 * `mov` 8-byte aligned: the rewriter stores a jump over it in one 8-byte store
 * that must not cross a cache line, so an unaligned one might be left on the trap
 * depending on where the link put it (tests that count rewrites want it taken). */
#define SITE(nr) __extension__({ long r_; __asm__ volatile(".p2align 3\n\tmovl %1, %%eax\n\tsyscall" : "=a"(r_) : "i"(nr) : "rcx", "r11", "memory"); r_; })

/* `mov $nr,%eax; syscall` with two arguments, a site of its own wherever written */
#define SITE2(nr, a, b) __extension__({ long r_; __asm__ volatile(".p2align 3\n\tmovl %1, %%eax\n\tsyscall" : "=a"(r_) : "i"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory"); r_; })
#define SITE4(nr, a, b, c) __extension__({ long r_; register long r10_ __asm__("r10") = 8; __asm__ volatile(".p2align 3\n\tmovl %1, %%eax\n\tsyscall" : "=a"(r_) : "i"(nr), "D"(a), "S"(b), "d"(c), "r"(r10_) : "rcx", "r11", "memory"); r_; })

static volatile int handled;
static void on_usr1(int sig) { handled += sig == 10; }
void tracee_restore_rt(void);
__asm__(".text\n.type tracee_restore_rt, @function\ntracee_restore_rt:\n\tmovl $15, %eax\n\tsyscall\n\thlt\n");

static volatile int ticks;
static void on_alrm(int sig) { ticks += sig == 14; }

static int timer(int n)
{
    struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } sa = {
        (void *)on_alrm, 0x04000000 /* SA_RESTORER */, (void *)tracee_restore_rt, 0 };
    struct { long isec, iusec, sec, usec; } every = { 0, 2000, 0, 2000 }, off = { 0, 0, 0, 0 };
    if (SITE4(SYS_rt_sigaction, 14, (long)&sa, 0) || SITE2(SYS_setitimer, 0 /* ITIMER_REAL */, (long)&every)) return 3;
    while (ticks < n) {
    }
    return SITE2(SYS_setitimer, 0, (long)&off) ? 3 : 0;
}

static int handlers(int n)
{
    struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } sa = {
        (void *)on_usr1, 0x04000000 /* SA_RESTORER */, (void *)tracee_restore_rt, 0 };
    unsigned long usr1 = 1UL << (10 - 1);
    long pid = SITE(SYS_getpid);
    if (SITE4(SYS_rt_sigaction, 10, (long)&sa, 0)) return 3;
    for (int i = 0; i < n; i++) {
        if (SITE4(SYS_rt_sigprocmask, 0 /* SIG_BLOCK */, (long)&usr1, 0) ||
            SITE4(SYS_rt_sigprocmask, 1 /* SIG_UNBLOCK */, (long)&usr1, 0) || SITE2(SYS_kill, pid, 10))
            return 3;
    }
    return handled == n ? 0 : 3;
}

/* tracee cold N: 40 calls from a hot site (the program is then past the
 * threshold), then N at a site of their own; 0, or 7 when one failed.  The two
 * sites are alone on their page (the section is a page, aligned): a rewrite
 * takes along the other sites of its page that trapped once (trap/rewrite.c's
 * rewrite_page), and the tests count these two's rewrites -- musl's futex and
 * exit sites came onto the page when the program grew.  Their movs 8-byte
 * aligned, as SITE's.  getpid is 39 and getppid 110 on x86-64. */
int cold_sites(int n);
__asm__(".pushsection .text.tracee_cold,\"ax\",@progbits\n"
        ".p2align 12\n"
        ".type cold_sites,@function\n"
        "cold_sites:\n"
        "    mov $40, %edx\n"
        "    .p2align 3\n"
        "1:  movl $39, %eax\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jle 3f\n"
        "    dec %edx\n"
        "    jnz 1b\n"
        "    test %edi, %edi\n"
        "    jle 4f\n"
        "    .p2align 3\n"
        "2:  movl $110, %eax\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jle 3f\n"
        "    dec %edi\n"
        "    jnz 2b\n"
        "4:  xor %eax, %eax\n"
        "    ret\n"
        "3:  mov $7, %eax\n"
        "    ret\n"
        ".size cold_sites, .-cold_sites\n"
        ".p2align 12\n"
        ".popsection\n");
static int cold_n;
static int cold(void) { return cold_sites(cold_n); }

/* 100 rounds of 8 calls from 8 sites of their own; 0 when each answered as it should, else 7. */
static int sites(void)
{
    long pid = SITE(SYS_getpid);
    for (int i = 0; i < 100; i++) {
        if (SITE(SYS_getppid) <= 0 || SITE(SYS_getpid) != pid || SITE(SYS_getuid) < 0 || SITE(SYS_getgid) < 0 ||
            SITE(SYS_geteuid) < 0 || SITE(SYS_getegid) < 0 || SITE(SYS_gettid) != pid || SITE(SYS_sched_yield))
            return 7;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "counts")) {
        for (int i = 0; i < 7; i++) sc(SYS_getppid, 0, 0, 0, 0);
        for (int i = 0; i < 3; i++) sc(SYS_close, -1, 0, 0, 0);
        sc(SYS_acct, 0, 0, 0, 0);
        sc(1000, 0, 0, 0, 0);
        return 0;
    }
    if (!strcmp(mode, "masks")) {
        unsigned long usr1 = 1UL << (10 - 1), old;
        for (int i = 0; i < 5; i++) {
            if (sc(SYS_rt_sigprocmask, 0 /* SIG_BLOCK */, (long)&usr1, (long)&old, 8) || old & usr1) return 1;
            if (sc(SYS_rt_sigprocmask, 1 /* SIG_UNBLOCK */, (long)&usr1, (long)&old, 8) || !(old & usr1)) return 2;
        }
        return 0;
    }
    if (!strcmp(mode, "exit") && argc > 2) {
        sc(SYS_exit_group, atoi(argv[2]), 0, 0, 0);
        return 99; /* not reached */
    }
    if (!strcmp(mode, "closefd2") && argc > 2) {
        char buf[256];
        sc(SYS_close, 2, 0, 0, 0);
        long fd = sys_open(argv[2]);
        if (fd < 0) return 3;
        long n = sc(SYS_read, fd, (long)buf, sizeof buf, 0);
        if (n > 0) sc(SYS_write, 1, (long)buf, n, 0);
        sc(SYS_close, fd, 0, 0, 0);
        return n > 0 ? 0 : 4;
    }
    if (!strcmp(mode, "paths")) {
        long maps = sys_open("/proc/self/maps");
        long null = sys_open("/dev/null");
        char line[64];
        int n = snprintf(line, sizeof line, "maps=%ld null=%ld\n", maps, null);
        sc(SYS_write, 1, (long)line, n, 0);
        return 0;
    }
    if (!strcmp(mode, "fork")) {
        long pid = sc(SYS_fork, 0, 0, 0, 0);
        if (pid == 0) {
            for (int i = 0; i < 3; i++) sc(SYS_getppid, 0, 0, 0, 0);
            sc(SYS_exit_group, 5, 0, 0, 0);
        }
        int status = 0;
        sc(SYS_wait4, pid, (long)&status, 0, 0);
        return status == 5 << 8 ? 0 : 1;
    }
    if (!strcmp(mode, "forks") && argc > 2) { /* N forks, each child ending at once */
        for (int i = atoi(argv[2]); i > 0; i--) {
            long pid = sc(SYS_fork, 0, 0, 0, 0);
            if (pid == 0) sc(SYS_exit_group, 0, 0, 0, 0);
            int status = -1;
            if (pid < 0 || sc(SYS_wait4, pid, (long)&status, 0, 0) != pid || status != 0) return 9;
        }
        return 0;
    }
    if (!strcmp(mode, "unknown")) {
        sc(1000, 0, 0, 0, 0);
        sc(SYS_getppid, 0, 0, 0, 0);
        return 0;
    }
    if (!strcmp(mode, "threads") && argc > 2) {
        for (int i = atoi(argv[2]); i > 0; i--)
            if (one_thread() < 0) return 6;
        return 0;
    }
    if (!strcmp(mode, "links")) {
        char buf[256];
        long exe = sc(SYS_readlink, (long)"/proc/self/exe", (long)buf, sizeof buf, 0), root = 0, missing = 0;
        for (int i = 0; i < 10; i++) {
            root = sc(SYS_readlink, (long)"/", (long)buf, sizeof buf, 0);
            missing = sc(SYS_readlinkat, AT_FDCWD, (long)"tracee-no-such-link", (long)buf, sizeof buf);
        }
        return (exe <= 0) | (root != -22) << 1 | (missing != -2) << 2;
    }
    if (!strcmp(mode, "sites")) {
        const char *first = argc > 2 ? argv[2] : "";
        if (!strcmp(first, "fork")) {
            long pid = sc(SYS_fork, 0, 0, 0, 0);
            if (pid == 0) sc(SYS_exit_group, sites(), 0, 0, 0);
            int status = -1;
            if (sc(SYS_wait4, pid, (long)&status, 0, 0) != pid || status != 0) return 8;
        }
        return with_thread(first, sites);
    }
    if (!strcmp(mode, "cold") && argc > 2) {
        cold_n = atoi(argv[2]);
        return with_thread(argc > 3 ? argv[3] : "", cold);
    }
    if (!strcmp(mode, "vforks") && argc > 2) {
        for (int i = atoi(argv[2]); i > 0; i--) {
            int status = -1;
            pid_t pid = vfork();
            if (pid == 0) _exit(0);
            if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) return 9;
        }
        return 0;
    }
    if (!strcmp(mode, "hot") && argc > 2) {
        for (int i = atoi(argv[2]); i > 0; i--)
            if (SITE(SYS_getppid) <= 0) return 7;
        return 0;
    }
    if (!strcmp(mode, "vectors") && argc > 2) return vectors(argv[2]);
    if (!strcmp(mode, "handlers") && argc > 2) return handlers(atoi(argv[2]));
    if (!strcmp(mode, "timer") && argc > 2) return timer(atoi(argv[2]));
    if (!strcmp(mode, "stats") && argc > 3) {
        unsigned char st[256];
        for (int i = 0, n = atoi(argv[3]); i < n; i++)
            if (sc(SYS_newfstatat, AT_FDCWD, (long)argv[2], (long)st, AT_SYMLINK_NOFOLLOW)) return 5;
        return 0;
    }
    if (!strcmp(mode, "mapfile") && argc > 3) {
        long fd = sys_open(argv[2]);
        for (int i = 0, n = atoi(argv[3]); i < n; i++)
            if (fd < 0 || map_page(fd) < 0) return 4;
        return 0;
    }
    if (!strcmp(mode, "names") && argc > 2) { /* prctl PR_SET_NAME then PR_GET_NAME, N times */
        char got[16];
        for (int i = 0, n = atoi(argv[2]); i < n; i++)
            if (sc(SYS_prctl, PR_SET_NAME, (long)"tracee-name", 0, 0) || sc(SYS_prctl, PR_GET_NAME, (long)got, 0, 0) ||
                strcmp(got, "tracee-name"))
                return 6;
        return 0;
    }
    if (!strcmp(mode, "pause")) {
        char b;
        sc(SYS_read, 0, (long)&b, 1, 0);
        return 0;
    }
    if (!strcmp(mode, "escapes")) {
        static const char s[] = "a\"b\\c\n\t\001\377" "2\0" "7x";
        sc(SYS_write, 1, (long)s, sizeof s - 1, 0);
        return 0;
    }
    return 2;
}

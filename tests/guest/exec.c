/* exec.c — execve and its relatives: the new program's argv, argv[0] apart from
 * the path, environment, AT_EXECFN, close-on-exec, the blocked set and ignored
 * dispositions kept, handlers reset; the errno of every kind of file that cannot
 * run (the caller goes on); scripts; execveat on a directory and on the file's
 * own fd; vfork, and posix_spawn of a good and of a missing file; nothing of the
 * old program's memory, POSIX timers, alternate stack, FP modes or robust locks
 * in the new one, whether the exec is the only thread's or follows a thread.
 *
 * The program runs itself again as the new program: "exec child CHECK ..."
 * checks what it inherited and exits 0, or 10 + the number of failures. */
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"
#include "robust.h"

extern char **environ;
static char self[4096];

/* a mapping of the old program's, which the new one must not have */
#define OLD_MAPPING 0x300000000UL

/* ---- the new program's side ---- */

static int child_main(int argc, char **argv)
{
    check_prog = "exec-child";
    const char *what = argv[2];
    if (!strcmp(what, "status")) return atoi(argv[3]);
    if (!strcmp(what, "./script")) /* run as a script's interpreter: self child ./script ARG */
        return !strcmp(argv[0], self) && argc == 4 ? atoi(argv[3]) : 10;
    if (!strcmp(what, "long")) {
        /* argv[3..]: 3000-byte strings of 'a'..'e', then one of 100000 'z' */
        CHECK_EQ(argc, 9);
        for (int i = 3; i < 8 && i < argc; i++) {
            CHECK_EQ(strlen(argv[i]), 3000);
            CHECK(strspn(argv[i], (char[]){ (char)('a' + i - 3), 0 }) == 3000);
        }
        CHECK(argc == 9 && strlen(argv[8]) == 100000 && strspn(argv[8], "z") == 100000);
        CHECK(environ[0] && !strcmp(environ[0], "AFTER=long") && !environ[1]);
    } else if (!strcmp(what, "argv")) {
        /* argv[0] is what the caller passed; AT_EXECFN is the path it ran */
        CHECK(!strcmp(argv[0], "renamed-zero"));
        CHECK_EQ(argc, 5);
        CHECK(argc == 5 && !strcmp(argv[3], "two words") && !strcmp(argv[4], ""));
        const char *execfn = (const char *)getauxval(AT_EXECFN);
        CHECK(execfn && !strcmp(execfn, self));
        CHECK(environ[0] && !strcmp(environ[0], "ONLY=this") && !environ[1]);
    } else if (!strcmp(what, "fds")) {
        CHECK_ERR(fcntl(atoi(argv[3]), F_GETFD), EBADF); /* O_CLOEXEC: closed */
        CHECK_ERR(fcntl(900, F_GETFD), EBADF);            /* a high one, FD_CLOEXEC by dup3 */
        if (argc > 5) CHECK_ERR(fcntl(901, F_GETFD), EBADF); /* an O_PATH one (poll cannot see those) */
        CHECK_EQ(fcntl(atoi(argv[4]), F_GETFD), 0);       /* kept, flags as they were */
        char c;
        CHECK_EQ(pread(atoi(argv[4]), &c, 1, 0), 1);
        CHECK_EQ(c, 'k');
    } else if (!strcmp(what, "signals")) {
        sigset_t cur;
        sigprocmask(SIG_SETMASK, NULL, &cur);
        CHECK(sigismember(&cur, SIGUSR1));
        CHECK(!sigismember(&cur, SIGUSR2));
        struct sigaction sa;
        sigaction(SIGUSR2, NULL, &sa);
        CHECK(sa.sa_handler == SIG_IGN); /* ignored stays ignored */
        sigaction(SIGTERM, NULL, &sa);
        CHECK(sa.sa_handler == SIG_DFL); /* a handler does not survive the exec */
    } else if (!strcmp(what, "old-image")) {
        /* the old program's 20 ms SIGALRM timer would end this sleep, and us */
        struct timespec nap = { 0, 100 * 1000 * 1000 };
        CHECK_EQ(nanosleep(&nap, NULL), 0);
        struct itimerspec its;
        CHECK_ERR(syscall(SYS_timer_gettime, 0, &its), EINVAL);
        stack_t ss;
        CHECK_EQ(sigaltstack(NULL, &ss), 0);
        CHECK(ss.ss_flags & SS_DISABLE);
        unsigned mxcsr = 0;
        unsigned short fcw = 0;
        __asm__ volatile("stmxcsr %0\n fnstcw %1" : "=m"(mxcsr), "=m"(fcw));
        CHECK_EQ(mxcsr, 0x1f80);
        CHECK_EQ(fcw, 0x37f);
        void *at = (void *)OLD_MAPPING;
        CHECK(mmap(at, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == at);
    } else if (!strcmp(what, "vdso")) {
        /* a whole vDSO again, listed, and answering */
        const unsigned char *at = (const void *)getauxval(AT_SYSINFO_EHDR);
        CHECK(at && memcmp(at, "\177ELF", 4) == 0);
        struct timespec a, b;
        CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
        CHECK_EQ(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b), 0);
        CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
        CHECK(time(NULL) > 1000000000);
    } else if (!strcmp(what, "execfn")) {
        const char *execfn = (const char *)getauxval(AT_EXECFN);
        CHECK(execfn && !strcmp(execfn, argv[3]));
    } else {
        CHECK(!"a known child check");
    }
    return check_failures ? 10 + check_failures : 0;
}

/* ---- the caller's side ---- */

/* Runs self with args in a child; its exit status (or 200 + signal). */
static int run_self(char *const args[], char *const envp[], const char *path)
{
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        execve(path ? path : self, args, envp);
        _exit(99);
    }
    int st;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static void new_program(void)
{
    char *a1[] = { self, "child", "status", "42", NULL };
    CHECK_EQ(run_self(a1, environ, NULL), 42);
    char *a2[] = { "renamed-zero", "child", "argv", "two words", "", NULL };
    char *env[] = { "ONLY=this", NULL };
    CHECK_EQ(run_self(a2, env, NULL), 0);
    /* strings that outgrow lxrun's first block of copied strings, then one larger than it */
    static char mid[5][3001], big[100001];
    char *a3[] = { self, "child", "long", mid[0], mid[1], mid[2], mid[3], mid[4], big, NULL };
    for (int i = 0; i < 5; i++) memset(mid[i], 'a' + i, 3000);
    memset(big, 'z', 100000);
    char *env3[] = { "AFTER=long", NULL };
    CHECK_EQ(run_self(a3, env3, NULL), 0);
}

static void close_on_exec(void)
{
    put_file("keep", "k", 1);
    int gone = open("keep", O_RDONLY | O_CLOEXEC), kept = open("keep", O_RDONLY);
    REQUIRE(gone >= 0 && kept >= 0);
    char g[16], k[16];
    snprintf(g, sizeof g, "%d", gone);
    snprintf(k, sizeof k, "%d", kept);
    REQUIRE(dup3(kept, 900, O_CLOEXEC) == 900);
    /* before any O_PATH fd (lxrun may then find the open fds by poll), and after */
    char *plain[] = { self, "child", "fds", g, k, NULL };
    CHECK_EQ(run_self(plain, environ, NULL), 0);
    int dir = open(".", O_PATH | O_CLOEXEC);
    REQUIRE(dir >= 0 && dup3(dir, 901, O_CLOEXEC) == 901);
    close(dir);
    char *a[] = { self, "child", "fds", g, k, "901", NULL };
    CHECK_EQ(run_self(a, environ, NULL), 0);
    close(900);
    close(901);
    close(gone);
    close(kept);
}

static void on_term(int s) { (void)s; }

static void signal_state(void)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGTERM, on_term);
    char *a[] = { self, "child", "signals", NULL };
    CHECK_EQ(run_self(a, environ, NULL), 0);
    signal(SIGUSR2, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Each failure comes back to the caller, which goes on. */
static void files_that_cannot_run(void)
{
    char *a[] = { "x", NULL };
    CHECK_ERR(execve("no-such-file", a, environ), ENOENT);
    CHECK_ERR(execve("/etc/passwd/x", a, environ), ENOTDIR);
    CHECK_ERR(execve("", a, environ), ENOENT);
    put_file("plain", "data\n", 5);
    CHECK_ERR(execve("./plain", a, environ), EACCES); /* no x bit */
    CHECK_ERR(execve(".", a, environ), EACCES);       /* a directory */
    /* executable files the kernel cannot run, and the errno for each */
    static const struct { const char *name, *text; int err; } bad[] = {
        { "garbage", "\x7f" "ELF-not-really", ENOEXEC },
        { "empty", "", ENOEXEC },
        { "noshebang", "echo hi\n", ENOEXEC },             /* the shell's fallback, not the kernel's */
        { "badinterp", "#!/no/such/interpreter\n", ENOENT },
        { "s1", "#!./s1\n", ELOOP },                       /* a script chain deeper than 4 levels */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[64];
        put_file(bad[i].name, bad[i].text, strlen(bad[i].text));
        chmod(bad[i].name, 0755);
        snprintf(path, sizeof path, "./%s", bad[i].name);
        CHECK_ERR(execve(path, a, environ), bad[i].err);
    }
    REQUIRE(symlink("loop", "loop") == 0);
    CHECK_ERR(execve("./loop", a, environ), ELOOP);
    CHECK_ERR(syscall(SYS_execve, 8L, a, environ), EFAULT);     /* a bad path pointer */
    CHECK_ERR(syscall(SYS_execve, self, 8L, environ), EFAULT);  /* a bad argv pointer */
    char *huge = malloc(200000);
    REQUIRE(huge);
    memset(huge, 'x', 199999);
    huge[199999] = 0;
    char *big[] = { "x", huge, NULL };
    CHECK_ERR(execve(self, big, environ), E2BIG); /* one string above MAX_ARG_STRLEN */
    free(huge);
    CHECK_ERR(syscall(SYS_execveat, AT_FDCWD, self, a, environ, 0x8000), EINVAL);
}

static void scripts(void)
{
    char text[8192];
    int n = snprintf(text, sizeof text, "#!%s child\n", self);
    put_file("script", text, (size_t)n);
    chmod("script", 0755);
    /* the interpreter sees [interpreter, its argument, the script path, argv[1..]] */
    char *a[] = { "script", "3", NULL };
    CHECK_EQ(run_self(a, environ, "./script"), 3);
    put_file("shell", "#!/bin/sh\nexit 7\n", 17);
    chmod("shell", 0755);
    char *b[] = { "shell", NULL };
    CHECK_EQ(run_self(b, environ, "./shell"), 7);
}

static void exec_at(void)
{
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    REQUIRE(dir >= 0);
    REQUIRE(symlink(self, "self-link") == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char fn[64];
        snprintf(fn, sizeof fn, "/dev/fd/%d/self-link", dir);
        char *a[] = { "x", "child", "execfn", fn, NULL };
        syscall(SYS_execveat, dir, "self-link", a, environ, 0);
        _exit(98);
    }
    int st;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *a[] = { "x", NULL };
    CHECK_ERR(syscall(SYS_execveat, dir, "self-link", a, environ, AT_SYMLINK_NOFOLLOW), ELOOP);
    CHECK_ERR(syscall(SYS_execveat, 12345, "self-link", a, environ, 0), EBADF);
    close(dir);

    /* fexecve: the file's own fd, O_PATH or readable */
    int fds[2] = { open(self, O_PATH | O_CLOEXEC), open(self, O_RDONLY) };
    for (int i = 0; i < 2; i++) {
        REQUIRE(fds[i] >= 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            char *s[] = { "x", "child", "status", "5", NULL };
            syscall(SYS_execveat, fds[i], "", s, environ, AT_EMPTY_PATH);
            _exit(98);
        }
        REQUIRE(waitpid(pid, &st, 0) == pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
        close(fds[i]);
    }
}

static void vfork_and_spawn(void)
{
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *a[] = { self, "child", "status", "6", NULL };
        execve(self, a, environ);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6);

    char *a[] = { self, "child", "status", "9", NULL };
    CHECK_RC(posix_spawn(&pid, self, NULL, NULL, a, environ), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    /* the child's exec failure reaches the caller, as natively */
    CHECK_RC(posix_spawn(&pid, "no-such-program", NULL, NULL, a, environ), ENOENT);
}

static void *nothing(void *arg) { return arg; }

/* The exec'ing side of "old-image": a robust lock held, a timer running, an
 * alternate stack, rounding modes changed, a mapping at OLD_MAPPING. */
static _Noreturn void exec_old_image(pthread_mutex_t *m, int after_thread)
{
    if (after_thread) { /* lxrun then starts the program in a new lxrun, not in place */
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) == 0) pthread_join(t, NULL);
    }
    if (pthread_mutex_lock(m) != 0) _exit(90);
    signal(SIGALRM, on_term); /* a handler: SIG_DFL again in the new program */
    timer_t tm;
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
    struct itimerspec its = { { 0, 20 * 1000 * 1000 }, { 0, 20 * 1000 * 1000 } };
    if (timer_create(CLOCK_MONOTONIC, &ev, &tm) != 0 || timer_settime(tm, 0, &its, NULL) != 0) _exit(91);
    static char alt[65536];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
    if (sigaltstack(&ss, NULL) != 0) _exit(92);
    unsigned mxcsr = 0x1f80 | 0x4000; /* round up */
    unsigned short fcw = 0x37f | 0x800;
    __asm__ volatile("ldmxcsr %0\n fldcw %1" : : "m"(mxcsr), "m"(fcw));
    if (mmap((void *)OLD_MAPPING, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) !=
        (void *)OLD_MAPPING)
        _exit(93);
    char *a[] = { self, "child", "old-image", NULL };
    execve(self, a, environ);
    _exit(99);
}

/* The old program unmaps its vDSO (and the page before it: the kernel's [vvar] or
 * lxrun's), or takes all access to them away, then execs: the new program has a
 * whole one (Linux maps a fresh one per exec; lxrun keeps its own only while whole).
 * Under lxrun -c the report then reads no count from the unmapped page. */
static void vdso_after_exec(void)
{
    for (int how = 0; how < 2; how++) {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            uintptr_t at = getauxval(AT_SYSINFO_EHDR);
            if (!at) _exit(91);
            char *a[] = { self, "child", "vdso", NULL };
            /* from here on no libc call that could reach the vDSO; a kernel that
             * seals its system mappings (CONFIG_MSEAL_SYSTEM_MAPPINGS) refuses both:
             * EPERM, or EINVAL as this 6.18 does */
            long r = how == 0 ? syscall(SYS_munmap, at - PG, 2 * PG) : syscall(SYS_mprotect, at - PG, 2 * PG, PROT_NONE);
            if (r != 0 && errno != EPERM && errno != EINVAL) _exit(92 + how);
            syscall(SYS_execve, self, a, environ);
            _exit(99);
        }
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
}

static void old_image(void)
{
    pthread_mutex_t *m = shared_robust_mutex();
    for (int after_thread = 0; after_thread < 2; after_thread++) {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) exec_old_image(m, after_thread);
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        /* the exec released the lock as the old program's death would have */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 2;
        CHECK_RC(pthread_mutex_timedlock(m, &until), EOWNERDEAD);
        pthread_mutex_consistent(m);
        pthread_mutex_unlock(m);
    }
    munmap(m, PG);
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 100;
    self[n] = 0;
    if (argc >= 3 && !strcmp(argv[1], "child")) return child_main(argc, argv);
    check_prog = "exec";
    RUN(new_program);
    RUN(close_on_exec);
    RUN(signal_state);
    RUN(files_that_cannot_run);
    RUN(scripts);
    RUN(exec_at);
    RUN(vfork_and_spawn);
    RUN(old_image);
    RUN(vdso_after_exec);
    return check_done();
}

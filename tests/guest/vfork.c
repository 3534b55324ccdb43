/* vfork.c — what a vfork child shares with its parent and what it does not, as
 * Linux has it: the child's writes to memory (globals, heap, not only the stack)
 * are the parent's; the parent's registers, vector registers included, come back
 * whatever the child's code did to them; the child's blocked set, dispositions,
 * fds and umask are its own, and a signal pending for the parent waits for the
 * parent; the child's pid is the one vfork returns, whatever it calls before its
 * exec (lxrun serves some calls of a vfork child in a waiting process and hands
 * over to a real fork at others: both sides are exercised); exec failure, _exit,
 * a glibc/musl posix_spawn with file actions.
 *
 * The program runs itself as the exec'd child: "vfork child CHECK ...". */
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

extern char **environ;
static char self[4096];

/* ---- the exec'd child's side ---- */

static int child_main(int argc, char **argv)
{
    check_prog = "vfork-child";
    const char *what = argv[2];
    if (!strcmp(what, "status")) return atoi(argv[3]);
    if (!strcmp(what, "signals")) {
        sigset_t s;
        sigprocmask(SIG_SETMASK, NULL, &s);
        CHECK(!sigismember(&s, SIGUSR1)); /* the child's code unblocked it */
        sigpending(&s);
        CHECK(!sigismember(&s, SIGUSR1)); /* the parent's pending signal is not the child's */
        struct sigaction sa;
        sigaction(SIGUSR2, NULL, &sa);
        CHECK(sa.sa_handler == SIG_IGN); /* the child's code ignored it */
        sigaction(SIGTERM, NULL, &sa);
        CHECK(sa.sa_handler == SIG_DFL);
    } else if (!strcmp(what, "fds") && argc == 5) {
        CHECK_ERR(fcntl(atoi(argv[3]), F_GETFD), EBADF); /* closed by the child's code */
        CHECK_EQ(fcntl(atoi(argv[4]), F_GETFD), 0);      /* its dup2 */
        CHECK_EQ(write(atoi(argv[4]), "f", 1), 1);
        mode_t m = umask(0);
        CHECK_EQ(m, 077);
    } else {
        CHECK(!"a known child check");
    }
    return check_failures ? 10 + check_failures : 0;
}

/* ---- the parent's side ---- */

static int status_of(pid_t pid)
{
    int st = -1;
    if (!CHECK_EQ(waitpid(pid, &st, 0), pid)) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 200 + WTERMSIG(st) : -1;
}

static volatile int shared_word;
static int exec_errno;

static void memory_is_shared(void)
{
    volatile int *heap = malloc(sizeof *heap);
    REQUIRE(heap);
    *heap = 1;
    shared_word = 1;
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        shared_word = 2;
        *heap = 3;
        _exit(5);
    }
    CHECK_EQ(shared_word, 2);
    CHECK_EQ(*heap, 3);
    CHECK_EQ(status_of(pid), 5);

    /* a failed exec returns to the child's code, which reports it in memory */
    pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *a[] = { "no-such-program", NULL };
        execve("/no/such/program", a, environ);
        exec_errno = errno;
        _exit(127);
    }
    CHECK_EQ(exec_errno, ENOENT);
    CHECK_EQ(status_of(pid), 127);

    pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        *heap = 4;
        char *a[] = { self, "child", "status", "6", NULL };
        execve(self, a, environ);
        _exit(99);
    }
    CHECK_EQ(*heap, 4);
    CHECK_EQ(status_of(pid), 6);
    free((void *)heap);
}

/* A raw vfork whose child zeroes the callee-saved registers, rdi and xmm6, then
 * exits 7: the parent sees its own values. */
static void registers_come_back(void)
{
    uint64_t out[9] = { 0 };
    static const uint64_t xmm_in[2] = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL };
    __asm__ volatile("movdqu (%%rsi), %%xmm6\n\t"
                     "mov $0x1111, %%rbx\n\t"
                     "mov $0x3333, %%r12\n\t"
                     "mov $0x4444, %%r13\n\t"
                     "mov $0x5555, %%r14\n\t"
                     "mov $0x6666, %%r15\n\t"
                     "mov $58, %%eax\n\t" /* vfork */
                     "syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebx, %%ebx\n\t"
                     "xor %%r12d, %%r12d\n\t"
                     "xor %%r13d, %%r13d\n\t"
                     "xor %%r14d, %%r14d\n\t"
                     "xor %%r15d, %%r15d\n\t"
                     "pxor %%xmm6, %%xmm6\n\t"
                     "mov $7, %%edi\n\t"
                     "mov $231, %%eax\n\t" /* exit_group(7) */
                     "syscall\n\t"
                     "ud2\n"
                     "1:\n\t"
                     "mov %%rbx, 0(%%rdi)\n\t"
                     "mov %%r12, 8(%%rdi)\n\t"
                     "mov %%r13, 16(%%rdi)\n\t"
                     "mov %%r14, 24(%%rdi)\n\t"
                     "mov %%r15, 32(%%rdi)\n\t"
                     "mov %%rax, 40(%%rdi)\n\t"
                     "movdqu %%xmm6, 48(%%rdi)\n\t"
                     :
                     : "D"(out), "S"(xmm_in) /* rdi: the child's own only (the parent's comes back) */
                     : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "rbx", "r12", "r13", "r14", "r15", "xmm6",
                       "memory");
    CHECK_EQ(out[0], 0x1111);
    CHECK_EQ(out[1], 0x3333);
    CHECK_EQ(out[2], 0x4444);
    CHECK_EQ(out[3], 0x5555);
    CHECK_EQ(out[4], 0x6666);
    CHECK(memcmp(&out[6], xmm_in, 16) == 0);
    pid_t pid = (pid_t)out[5];
    CHECK(pid > 0);
    if (pid > 0) CHECK_EQ(status_of(pid), 7);
}

static volatile int usr1_handled;
static void on_usr1(int sig) { (void)sig; usr1_handled++; }
static void on_term(int sig) { (void)sig; }

/* The parent has SIGUSR1 blocked and pending; the child's code unblocks every
 * signal, ignores SIGUSR2, catches SIGTERM, then execs: none of it is the
 * parent's, and the pending SIGUSR1 reaches the parent's handler only when the
 * parent unblocks it. */
static void signals_are_the_childs(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 }, old2, oldterm;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, NULL, &old2);
    sigaction(SIGTERM, NULL, &oldterm);
    sigset_t block, was;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &was);
    usr1_handled = 0;
    raise(SIGUSR1);
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        struct sigaction ign = { .sa_handler = SIG_IGN }, h = { .sa_handler = on_term };
        sigaction(SIGUSR2, &ign, NULL);
        sigaction(SIGTERM, &h, NULL);
        char *a[] = { self, "child", "signals", NULL };
        execve(self, a, environ);
        _exit(99);
    }
    CHECK_EQ(usr1_handled, 0);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1));
    sigpending(&now);
    CHECK(sigismember(&now, SIGUSR1));
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    CHECK(cur.sa_handler == old2.sa_handler);
    sigaction(SIGTERM, NULL, &cur);
    CHECK(cur.sa_handler == oldterm.sa_handler);
    CHECK_EQ(status_of(pid), 0);
    sigprocmask(SIG_SETMASK, &was, NULL);
    CHECK_EQ(usr1_handled, 1);
    signal(SIGUSR1, SIG_DFL);
}

/* The child's code closes one end of a pipe, dup2s the other to 50 and sets its
 * umask, then execs: the new program has what the child did, the parent none of it. */
static void fds_are_the_childs(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    mode_t mask = umask(022);
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (dup2(p[1], 50) != 50) _exit(90);
        umask(077);
        char r[16], w[16];
        snprintf(r, sizeof r, "%d", p[0]);
        snprintf(w, sizeof w, "%d", 50);
        char *a[] = { self, "child", "fds", r, w, NULL };
        execve(self, a, environ);
        _exit(99);
    }
    CHECK_EQ(fcntl(p[0], F_GETFD), 0);
    CHECK_ERR(fcntl(50, F_GETFD), EBADF);
    CHECK_EQ(umask(mask), 022);
    CHECK_EQ(status_of(pid), 0);
    char c = 0;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'f');
    close(p[0]);
    close(p[1]);
}

static volatile int chld_seen;
static void on_chld(int sig) { (void)sig; chld_seen++; }

/* The child's code makes calls of every kind before it exits: its getpid is the
 * pid vfork returns, what it did to its fds before is still done, the parent's
 * fds are untouched, and the parent's SIGCHLD handler runs once, for that child. */
static void the_child_is_one_process(void)
{
    int p[2], q[2];
    REQUIRE(pipe(p) == 0 && pipe(q) == 0);
    struct sigaction sa = { .sa_handler = on_chld, .sa_flags = SA_RESTART }, old;
    sigaction(SIGCHLD, &sa, &old);
    chld_seen = 0;
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(q[0]);
        pid_t me = getpid();
        int closed = fcntl(q[0], F_GETFD) == -1 && errno == EBADF;
        _exit(write(p[1], &me, sizeof me) == sizeof me && closed && getppid() != me ? 0 : 1);
    }
    pid_t told = 0;
    CHECK_EQ(read(p[0], &told, sizeof told), sizeof told);
    CHECK_EQ(told, pid);
    CHECK_EQ(status_of(pid), 0);
    CHECK_EQ(chld_seen, 1);
    sigaction(SIGCHLD, &old, NULL);
    CHECK_EQ(fcntl(q[0], F_GETFD), 0);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

/* posix_spawn with file actions (its child closes and dup2s), and one of a
 * missing file, whose errno comes back. */
static void spawn_with_file_actions(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_adddup2(&fa, p[1], 50);
    char r[16];
    snprintf(r, sizeof r, "%d", p[0]);
    char *a[] = { self, "child", "fds", r, "50", NULL };
    mode_t mask = umask(077); /* the spawned child inherits it */
    pid_t pid;
    CHECK_RC(posix_spawn(&pid, self, &fa, NULL, a, environ), 0);
    umask(mask);
    CHECK_EQ(status_of(pid), 0);
    char c = 0;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'f');
    CHECK_RC(posix_spawn(&pid, "/no/such/program", &fa, NULL, a, environ), ENOENT);
    posix_spawn_file_actions_destroy(&fa);
    close(p[0]);
    close(p[1]);
}

/* The child's code faults: the child dies of it, the parent goes on. */
static void a_fault_is_the_childs(void)
{
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        shared_word = 9;
        volatile int *volatile nowhere = NULL;
        *nowhere = 1;
        _exit(1);
    }
    CHECK_EQ(shared_word, 9);
    CHECK_EQ(status_of(pid), 200 + SIGSEGV);
}

/* Many in a row: each child exits or execs, the parent counts them all. */
static void many_in_a_row(void)
{
    volatile int bad = 0;
    for (volatile int i = 0; i < 200; i++) {
        pid_t pid = vfork();
        if (pid == 0) {
            if (i & 1) _exit(i & 0x7f);
            char n[16];
            snprintf(n, sizeof n, "%d", i & 0x7f);
            char *a[] = { self, "child", "status", n, NULL };
            execve(self, a, environ);
            _exit(99);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f)) bad++;
    }
    CHECK_EQ(bad, 0);
}

/* The orders in which the child's code may need its own process: a failed exec
 * before any call of its own objects, then a dup2, then an exec; a dup2, a failed
 * exec, an exec; a failed exec, then _exit. */
static void late_child_orders(void)
{
    int fd = CHECK_OK(open("/dev/null", O_RDONLY));
    volatile int err1 = 0, err2 = 0;
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *no[] = { "no-such-program", NULL };
        execve("/no/such/program", no, environ);
        err1 = errno;
        if (dup2(fd, 60) != 60) _exit(90);
        char *a[] = { self, "child", "status", "7", NULL };
        execve(self, a, environ);
        _exit(99);
    }
    CHECK_EQ(err1, ENOENT);
    CHECK_EQ(status_of(pid), 7);
    CHECK_ERR(fcntl(60, F_GETFD), EBADF); /* the child's dup2 was its own */
    pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (dup2(fd, 61) != 61) _exit(90);
        char *no[] = { "no-such-program", NULL };
        execve("/no/such/program", no, environ);
        err2 = errno;
        char *a[] = { self, "child", "status", "8", NULL };
        execve(self, a, environ);
        _exit(99);
    }
    CHECK_EQ(err2, ENOENT);
    CHECK_EQ(status_of(pid), 8);
    pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *no[] = { "no-such-program", NULL };
        execve("/no/such/program", no, environ);
        _exit(9);
    }
    CHECK_EQ(status_of(pid), 9);
    close(fd);
}

/* After vforks that exec, a fork copies the whole memory again: the window's
 * forks leave the guest's mappings out of the copy. */
static void fork_after_windows(void)
{
    static char data[3 * 4096];
    char *heap = malloc(1 << 20);
    REQUIRE(heap);
    memset(data, 7, sizeof data);
    memset(heap, 9, 1 << 20);
    for (int i = 0; i < 3; i++) {
        pid_t pid = vfork();
        if (pid == 0) {
            char *a[] = { self, "child", "status", "0", NULL };
            execve(self, a, environ);
            _exit(99);
        }
        CHECK_EQ(status_of(pid), 0);
    }
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        long sum = 0;
        for (size_t i = 0; i < sizeof data; i++) sum += data[i];
        for (size_t i = 0; i < (1 << 20); i += 4096) sum += heap[i];
        heap[0] = 1;
        _exit(sum == 7L * (long)sizeof data + 9L * 256 ? 0 : 1);
    }
    CHECK_EQ(status_of(pid), 0);
    CHECK_EQ(heap[0], 9);
    free(heap);
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 100;
    self[n] = 0;
    if (argc >= 3 && !strcmp(argv[1], "child")) return child_main(argc, argv);
    check_prog = "vfork";
    RUN(memory_is_shared);
    RUN(registers_come_back);
    RUN(signals_are_the_childs);
    RUN(fds_are_the_childs);
    RUN(the_child_is_one_process);
    RUN(spawn_with_file_actions);
    RUN(a_fault_is_the_childs);
    RUN(many_in_a_row);
    RUN(fork_after_windows);
    RUN(late_child_orders);
    return check_done();
}

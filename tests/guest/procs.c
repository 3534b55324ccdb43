/* procs.c — new processes without exec: fork (libc's, and the raw fork and clone
 * calls), the child's identity, a pipe between parent and child, wait4 with and
 * without WNOHANG, exit statuses and a death by signal, ECHILD and EFAULT; kill,
 * tgkill and abort between processes; waitid; nice values. */
#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>

#include "check.h"

/* linux/futex.h's commands (musl has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static void child_exits_with(int code)
{
    pid_t parent = getpid();
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char c = 0;
        close(p[1]);
        if (getppid() != parent || getpid() == parent) _exit(90);
        if (read(p[0], &c, 1) != 1 || c != 'g') _exit(91); /* wait for the parent's go */
        syscall(SYS_exit_group, code);
    }
    close(p[0]);
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, WNOHANG), 0); /* still blocked on the pipe */
    CHECK_EQ(write(p[1], "g", 1), 1);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), code);
    close(p[1]);
}

static void exit_statuses(void)
{
    child_exits_with(0);
    child_exits_with(7);
    child_exits_with(255);
}

static void output_through_a_pipe(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        const char msg[] = "from the child";
        _exit(write(p[1], msg, sizeof msg - 1) == (ssize_t)sizeof msg - 1 ? 0 : 1);
    }
    close(p[1]);
    char buf[64] = { 0 };
    ssize_t n, got = 0;
    while ((n = read(p[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0) got += n;
    CHECK_EQ(got, 14);
    CHECK(strcmp(buf, "from the child") == 0);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
}

static void death_by_signal(void)
{
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        volatile uintptr_t bad = 8;
        *(volatile int *)bad = 1; /* a crash: the default action ends the child */
        _exit(92);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGSEGV);
}

static void raw_calls(void)
{
    long pid = syscall(SYS_fork);
    REQUIRE(pid >= 0);
    if (pid == 0) syscall(SYS_exit_group, 3);
    int status;
    CHECK_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    /* clone as glibc's fork calls it: the child's tid lands in child_tid */
    static int child_tid;
    pid = syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, NULL, &child_tid, 0);
    REQUIRE(pid >= 0);
    if (pid == 0) syscall(SYS_exit_group, child_tid == syscall(SYS_gettid) ? 4 : 5);
    CHECK_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
    CHECK_ERR(syscall(SYS_wait4, -1, &status, 0, NULL), ECHILD);
    CHECK_ERR(syscall(SYS_wait4, -1, &status, 0x100, NULL), EINVAL);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(0);
    CHECK_ERR(syscall(SYS_wait4, pid, (void *)8, 0, NULL), EFAULT); /* reaped all the same, as Linux */
    CHECK_ERR(waitpid(pid, &status, 0), ECHILD);

    /* clone3 (struct clone_args, 64 bytes in its first version) as a fork */
    uint64_t args[11] = { 0 };
    args[4] = SIGCHLD; /* exit_signal */
    pid = syscall(SYS_clone3, args, 64);
    REQUIRE(pid >= 0);
    if (pid == 0) syscall(SYS_exit_group, 6);
    CHECK_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 6);
    args[0] = SIGCHLD; /* the exit signal belongs in its own field */
    CHECK_ERR(syscall(SYS_clone3, args, 64), EINVAL);
    args[0] = 0;
    CHECK_ERR(syscall(SYS_clone3, args, 32), EINVAL); /* smaller than the first version */
}

/* A child that waits on a pipe until its parent closes the other end. */
static pid_t blocked_child(int *wr)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
    close(p[0]);
    *wr = p[1];
    return pid;
}

static void signals_between_processes(void)
{
    int wr, status;
    pid_t pid = blocked_child(&wr);
    CHECK_EQ(kill(pid, 0), 0); /* a probe */
    CHECK_ERR(kill(pid, 65), EINVAL);
    CHECK_EQ(kill(pid, SIGTERM), 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    close(wr);
    CHECK_ERR(kill(pid, 0), ESRCH); /* reaped: gone */
    CHECK_ERR(syscall(SYS_tgkill, getpid(), 0, 0), EINVAL);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), getpid(), 0), 0);

    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) abort(); /* raise(SIGABRT) through tgkill: the child dies of SIGABRT */
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

static volatile sig_atomic_t usr1_hits;
static void on_usr1(int s)
{
    (void)s;
    usr1_hits++;
}

/* A signal the process has a handler for does not take its default action (for
 * SIGUSR1: termination), whether or not the handler has run by the time kill
 * returns to another process. */
static void handled_signal_does_not_kill(void)
{
    int p[2], q[2], status;
    REQUIRE(pipe(p) == 0 && pipe(q) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char c;
        signal(SIGUSR1, on_usr1);
        close(p[0]);
        close(q[1]);
        if (write(p[1], "r", 1) != 1) _exit(2);  /* ready: the handler is installed */
        if (read(q[0], &c, 1) != 0) _exit(3);    /* until the parent closes q */
        _exit(0);
    }
    close(p[1]);
    close(q[0]);
    char c;
    REQUIRE(read(p[0], &c, 1) == 1);
    CHECK_EQ(kill(pid, SIGUSR1), 0);
    usleep(100000);
    close(q[1]);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
}

static char child_stack[64 * 1024] __attribute__((aligned(16)));

static int on_new_stack(void *arg)
{
    (void)arg;
    char here;
    return &here > child_stack && &here < child_stack + sizeof child_stack ? 0 : 1;
}

/* clone without CLONE_VM but with a stack: the child runs on it (libc's clone
 * calls fn there), as a fork whose stack pointer is the one given. */
static void fork_on_a_new_stack(void)
{
    pid_t pid = clone(on_new_stack, child_stack + sizeof child_stack, SIGCHLD, NULL);
    REQUIRE(pid > 0);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Clone flag sets beyond fork: CLONE_SETTLS gives a forked child its FS base (a
 * copy of the caller's thread block, so libc still finds its own); CLONE_VFORK
 * without CLONE_VM holds the parent until the child ends, whose writes stay its
 * own; a TLS base beyond user space is refused. */
static char child_tls[4096] __attribute__((aligned(64)));
static volatile int vfork_word;

static void clone_flag_sets(void)
{
    unsigned long fs = 0;
    REQUIRE(syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs) == 0);
    /* what of [fs - 2048, fs + 2048) is mapped, copied through a pipe (EFAULT, no
     * crash, where it is not) */
    int cp[2];
    REQUIRE(pipe(cp) == 0);
    for (size_t off = 0; off < sizeof child_tls; off += 256)
        if (write(cp[1], (const char *)fs - 2048 + off, 256) == 256) CHECK_EQ(read(cp[0], child_tls + off, 256), 256);
    close(cp[0]);
    close(cp[1]);
    unsigned long tls = (unsigned long)child_tls + 2048;
    memcpy(child_tls + 2048, &tls, sizeof tls); /* the thread block's self pointer */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, NULL, NULL, tls);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        unsigned long now = 0;
        syscall(SYS_arch_prctl, 0x1003, &now);
        syscall(SYS_exit_group, now == tls ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_ERR(syscall(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, NULL, NULL, 0x800000000000UL), EPERM);

    int p[2];
    REQUIRE(pipe(p) == 0);
    vfork_word = 0;
    pid = (pid_t)syscall(SYS_clone, CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        vfork_word = 1;
        usleep(50000);
        _exit(write(p[1], "v", 1) == 1 ? 0 : 1);
    }
    char c = 0;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    CHECK_EQ(read(p[0], &c, 1), 1); /* the child wrote before the parent went on */
    CHECK_EQ(vfork_word, 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
    close(p[1]);
}

/* MAP_SHARED memory stays shared with a forked child, and a shared futex on it
 * (no FUTEX_PRIVATE_FLAG) wakes across the two processes; MAP_PRIVATE is a copy. */
static void shared_memory_across_fork(void)
{
    uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint32_t *private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED && private != MAP_FAILED);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        usleep(50000); /* let the parent sleep on the word first */
        private[0] = 9;
        __atomic_store_n(&shared[0], 1, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, &shared[0], FUTEX_WAKE, 1, NULL, NULL, 0);
        _exit(0);
    }
    struct timespec limit = { 3, 0 };
    int timed_out = 0;
    while (__atomic_load_n(&shared[0], __ATOMIC_SEQ_CST) == 0) {
        long r = syscall(SYS_futex, &shared[0], FUTEX_WAIT, 0, &limit, NULL, 0);
        if (r < 0 && errno == ETIMEDOUT) { timed_out = 1; break; }
    }
    CHECK(!timed_out); /* woken by the child, not by the time limit */
    CHECK_EQ(shared[0], 1);
    CHECK_EQ(private[0], 0);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    munmap(shared, 4096);
    munmap(private, 4096);
}

/* PR_SET_PDEATHSIG: a grandchild asks for SIGKILL when its parent ends; when the
 * parent exits, the grandchild dies at once (its end of a pipe closes) instead of
 * sleeping on. */
static void parent_death_signal(void)
{
    int p[2], ready[2];
    REQUIRE(pipe(p) == 0 && pipe(ready) == 0);
    pid_t a = fork();
    REQUIRE(a >= 0);
    if (a == 0) {
        pid_t b = fork();
        if (b == 0) {
            int sig = 0;
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || prctl(PR_GET_PDEATHSIG, &sig) != 0 || sig != SIGKILL) _exit(1);
            close(p[0]);
            if (write(ready[1], "r", 1) != 1) _exit(1);
            sleep(10);
            _exit(0);
        }
        char c;
        _exit(b > 0 && read(ready[0], &c, 1) == 1 ? 0 : 1); /* B is armed: A ends */
    }
    close(p[1]);
    close(ready[1]);
    int status;
    CHECK_EQ(waitpid(a, &status, 0), a);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 0); /* B is gone: its write end closed */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(t1.tv_sec - t0.tv_sec < 5);
    close(p[0]);
    close(ready[0]);
}

static void waitid_options(void)
{
    int wr;
    siginfo_t si;
    pid_t pid = blocked_child(&wr);
    memset(&si, 0x55, sizeof si);
    CHECK_EQ(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG), 0);
    CHECK_EQ(si.si_pid, 0); /* nothing yet: zeroed, as Linux */
    CHECK_ERR(waitid(P_PID, (id_t)pid, &si, WNOHANG), EINVAL); /* no event asked for */
    CHECK_ERR(waitid(7, 0, &si, WEXITED), EINVAL);
    close(wr);
    CHECK_EQ(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_signo, SIGCHLD);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 0);
    CHECK_EQ(si.si_uid, getuid());
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_ALL, 0, &si, WEXITED), 0); /* WNOWAIT left it waitable */
    CHECK_EQ(si.si_pid, pid);
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);

    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) { raise(SIGKILL); _exit(1); }
    CHECK_EQ(waitid(P_PGID, 0, &si, WEXITED), 0); /* 0: the caller's own group */
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGKILL);
}

static void priorities(void)
{
    errno = 0;
    int before = getpriority(PRIO_PROCESS, 0);
    CHECK_EQ(errno, 0);
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, before + 1), 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), before + 1);
    CHECK_EQ(syscall(SYS_getpriority, PRIO_PROCESS, 0), 20 - (before + 1)); /* the raw call: 20 - nice */
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, 100), 0); /* clamped to 19 */
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 19);
    CHECK_ERR(setpriority(9, 0, 0), EINVAL);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#define CLONE_CLEAR_SIGHAND_ 0x100000000ULL

static int pidfd_ready(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* pidfd_open, pidfd_send_signal, poll and waitid(P_PIDFD) on a child; clone3's
 * CLONE_PIDFD and CLONE_CLEAR_SIGHAND; a waited child's rusage. */
static void pidfds(void)
{
    int wr;
    pid_t pid = blocked_child(&wr);
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    REQUIRE(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK(!pidfd_ready(fd, 0)); /* running */
    CHECK_EQ(syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0), 0);
    CHECK_EQ(syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0), 0);
    CHECK(pidfd_ready(fd, 5000)); /* ended */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, fd, &si, WEXITED), 0);
    CHECK(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM);
    CHECK_ERR(waitid(P_PIDFD, fd, &si, WEXITED), ECHILD);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0), ESRCH);
    close(fd);
    close(wr);
    CHECK_ERR(syscall(SYS_pidfd_open, -1, 0), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_open, getpid(), 1), EINVAL);
    int p[2];
    REQUIRE(pipe(p) == 0);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, p[0], SIGTERM, NULL, 0), EBADF);
    CHECK_ERR(waitid(P_PIDFD, p[0], &si, WEXITED), EBADF);
    close(p[0]);
    close(p[1]);

    /* an open /proc/<pid> directory is a pidfd too (Python's test_signal: lxrun's
     * emulated directory once answered EBADF) */
    char self[32];
    snprintf(self, sizeof self, "/proc/%d", (int)getpid());
    int dir = open(self, O_RDONLY | O_DIRECTORY);
    REQUIRE(dir >= 0);
    struct sigaction counting = { .sa_handler = on_usr1 }, before;
    sigaction(SIGUSR1, &counting, &before);
    usr1_hits = 0;
    CHECK_EQ(syscall(SYS_pidfd_send_signal, dir, 0, NULL, 0), 0);
    CHECK_EQ(syscall(SYS_pidfd_send_signal, dir, SIGUSR1, NULL, 0), 0);
    CHECK_EQ(usr1_hits, 1); /* to itself: delivered before the call returns */
    sigaction(SIGUSR1, &before, NULL);
    close(dir);

    /* clone3 with CLONE_PIDFD and CLONE_CLEAR_SIGHAND: the child's handlers are
     * back to SIG_DFL, an ignored signal stays ignored */
    struct sigaction sa = { .sa_handler = on_usr1 }, old;
    sigaction(SIGUSR1, &sa, &old);
    signal(SIGUSR2, SIG_IGN);
    int pfd = -1;
    uint64_t args[11] = { 0 };
    args[0] = CLONE_PIDFD | CLONE_CLEAR_SIGHAND_;
    args[1] = (uint64_t)(uintptr_t)&pfd;
    args[4] = SIGCHLD;
    pid = (pid_t)syscall(SYS_clone3, args, 88);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        struct sigaction u1, u2;
        sigaction(SIGUSR1, NULL, &u1);
        sigaction(SIGUSR2, NULL, &u2);
        syscall(SYS_exit_group, u1.sa_handler == SIG_DFL && u2.sa_handler == SIG_IGN ? 9 : 1);
    }
    CHECK(pfd >= 0);
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, pfd, &si, WEXITED), 0);
    CHECK(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 9);
    close(pfd);
    args[0] = CLONE_CLEAR_SIGHAND_ | CLONE_SIGHAND;
    CHECK_ERR(syscall(SYS_clone3, args, 88), EINVAL);
    CHECK_ERR(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pfd, NULL, 0), EINVAL);
    sigaction(SIGUSR1, &old, NULL);
    signal(SIGUSR2, SIG_DFL);

    /* a waited child's resource use: its peak resident set at least (it touched 2 MiB) */
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *m = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) memset(m, 1, 2 << 20);
        _exit(0);
    }
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    int status;
    CHECK_EQ(wait4(pid, &status, 0, &ru), pid);
    CHECK(ru.ru_maxrss > 0);
}

static long stat_field(pid_t pid, int n, char *state);

/* sigsuspend ends with EINTR when a caught signal arrives (here one that was
 * pending, blocked, when it began); pause is ended by a signal's default action. */
static void suspending(void)
{
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        struct sigaction sa = { .sa_handler = on_usr1 };
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t block, none;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigemptyset(&none);
        sigprocmask(SIG_BLOCK, &block, NULL);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        int r = sigsuspend(&none);
        _exit(r == -1 && errno == EINTR ? 0 : 1);
    }
    char c;
    int status;
    REQUIRE(read(ready[0], &c, 1) == 1);
    CHECK_EQ(kill(pid, SIGUSR1), 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_ERR(syscall(SYS_rt_sigsuspend, NULL, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigsuspend, (void *)8, 8), EFAULT);

    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (write(ready[1], "r", 1) != 1) _exit(1);
        pause();
        _exit(1);
    }
    REQUIRE(read(ready[0], &c, 1) == 1);
    CHECK_EQ(kill(pid, SIGTERM), 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    close(ready[0]);
    close(ready[1]);
}

/* PR_SET_CHILD_SUBREAPER: a grandchild orphaned by its parent becomes ours,
 * for getppid, /proc/<pid>/stat and waitpid alike. */
static void subreaper(void)
{
    CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    int on = 0;
    CHECK_EQ(prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0), 0);
    CHECK_EQ(on, 1);
    int report[2], go[2];
    REQUIRE(pipe(report) == 0 && pipe(go) == 0);
    pid_t mid = fork();
    REQUIRE(mid >= 0);
    if (mid == 0) {
        pid_t me = getpid();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            while (getppid() == me) usleep(1000); /* until the middle one is gone */
            int ppid = getppid();
            char c;
            if (write(report[1], &ppid, sizeof ppid) != sizeof ppid) _exit(1);
            close(go[1]);
            _exit(read(go[0], &c, 1) == 0 ? 3 : 1);
        }
        if (write(report[1], &grandchild, sizeof grandchild) != sizeof grandchild) _exit(1);
        _exit(0);
    }
    close(go[0]);
    pid_t grandchild = 0;
    int status, ppid = 0;
    REQUIRE(read(report[0], &grandchild, sizeof grandchild) == sizeof grandchild);
    CHECK_EQ(waitpid(mid, &status, 0), mid);
    REQUIRE(read(report[0], &ppid, sizeof ppid) == sizeof ppid);
    CHECK_EQ(ppid, getpid());
    CHECK_EQ(stat_field(grandchild, 4, NULL), getpid());
    close(go[1]);
    CHECK_EQ(waitpid(grandchild, &status, 0), grandchild);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    close(report[0]);
    close(report[1]);
    CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
}

/* What a fork's child has of a page: 0 unmapped, 1 mapped (mincore answers ENOMEM
 * for a hole), and its first byte. */
static int page_in_child(const char *p, char *first)
{
    unsigned char vec;
    if (mincore((void *)p, PG, &vec) < 0) return errno == ENOMEM ? 0 : -1;
    *first = p[0];
    return 1;
}

/* madvise DONTFORK: the child has no such mapping; WIPEONFORK: the child's copy
 * is zero-filled; DOFORK undoes DONTFORK.  The parent keeps all three. */
static void madvise_across_fork(void)
{
    char *a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(a != MAP_FAILED);
    memset(a, 'A', 3 * PG);
    CHECK_OK(madvise(a + PG, PG, MADV_DONTFORK));
    CHECK_OK(madvise(a + 2 * PG, PG, MADV_WIPEONFORK));
    for (int round = 0; round < 2; round++) {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            char c0 = 0, c1 = 0, c2 = 0;
            int ok = page_in_child(a, &c0) == 1 && c0 == 'A';
            int second = page_in_child(a + PG, &c1);
            ok &= round == 0 ? second == 0 : (second == 1 && c1 == 'A');
            ok &= page_in_child(a + 2 * PG, &c2) == 1 && c2 == 0;
            _exit(ok ? 0 : 1);
        }
        int status;
        CHECK_EQ(waitpid(pid, &status, 0), pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CHECK(a[PG] == 'A' && a[2 * PG] == 'A'); /* the parent's own are untouched */
        CHECK_OK(madvise(a + PG, PG, MADV_DOFORK));
    }
    munmap(a, 3 * PG);
}

/* A vfork child that execs (under lxrun the window: a fork that leaves the guest's
 * mappings out, and leaves them out for the next one) and a fork after it: the
 * fork's child has the memory the guest did not leave out -- mapped before the
 * vfork, after it, the heap --, and not what the guest advised out after the
 * vfork.  expect[i]: page i of a present (1) or not (0) in the child, which can
 * map a page of its own where it has none. */
static void vfork_exec_true(void)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    REQUIRE(pid > 0);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void fork_sees(char *a, const char *later, const char *heap, const int expect[3])
{
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int ok = strcmp(heap, "heap after vfork") == 0;
        for (int i = 0; i < 3; i++) {
            char c = 0;
            int in = page_in_child(a + i * PG, &c);
            ok &= in == expect[i] && (!in || c == 'A' + i);
            /* a page the child has not is free for a mapping of its own */
            if (!expect[i])
                ok &= mmap(a + i * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) ==
                      a + i * PG;
        }
        char c = 0;
        ok &= page_in_child(later, &c) == 1 && c == 'L';
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void fork_after_vfork_exec(void)
{
    char *a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(a != MAP_FAILED);
    for (int i = 0; i < 3; i++) memset(a + i * PG, 'A' + i, PG);
    CHECK_OK(madvise(a + PG, PG, MADV_DONTFORK));
    vfork_exec_true();
    char *heap = strdup("heap after vfork");
    char *later = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(heap && later != MAP_FAILED);
    later[0] = 'L';
    fork_sees(a, later, heap, (const int[3]){ 1, 0, 1 });
    vfork_exec_true();
    vfork_exec_true(); /* twice: the second finds them out already */
    CHECK_OK(madvise(a + PG, PG, MADV_DOFORK));   /* in again */
    CHECK_OK(madvise(a + 2 * PG, PG, MADV_DONTFORK)); /* out, by the guest's own word */
    fork_sees(a, later, heap, (const int[3]){ 1, 1, 0 });
    vfork_exec_true();
    CHECK_OK(madvise(a + 2 * PG, PG, MADV_DOFORK));
    fork_sees(a, later, heap, (const int[3]){ 1, 1, 1 });
    /* more separate mappings than one pass of the window's advice takes (32) */
    enum { MANY = 45 };
    char *holes = mmap(NULL, 2 * MANY * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(holes != MAP_FAILED);
    for (int i = 0; i < MANY; i++) {
        holes[2 * i * PG] = (char)('a' + i % 26);
        CHECK_OK(munmap(holes + (2 * i + 1) * PG, PG));
    }
    vfork_exec_true();
    vfork_exec_true(); /* the second leaves out what the first's pass could not */
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int ok = 1;
        for (int i = 0; i < MANY; i++) {
            char c = 0;
            ok &= page_in_child(holes + 2 * i * PG, &c) == 1 && c == (char)('a' + i % 26);
        }
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int i = 0; i < MANY; i++) munmap(holes + 2 * i * PG, PG);
    free(heap);
    munmap(later, PG);
    munmap(a, 3 * PG);
}

/* A whole field of /proc/<pid>/stat (n counts from 1), after the "(comm)". */
static long stat_field(pid_t pid, int n, char *state)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0) return -1;
    buf[len] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    if (state) *state = p[2];
    p += 2; /* field 3 */
    for (int f = 3; f < n; f++) {
        p = strchr(p, ' ');
        if (!p) return -1;
        p++;
    }
    return strtol(p, NULL, 10);
}

static int slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return (int)n;
}

static int listed(const char *dir, pid_t pid)
{
    char name[16];
    snprintf(name, sizeof name, "%d", (int)pid);
    DIR *d = opendir(dir);
    if (!d) return 0;
    int found = 0;
    for (struct dirent *e; (e = readdir(d));) found |= strcmp(e->d_name, name) == 0;
    closedir(d);
    return found;
}

/* /proc/<pid> of another process: a child that renamed itself and changed its
 * cwd, seen by its parent while it runs, as a zombie, and gone once reaped. */
static void proc_of_a_child(void)
{
    int go[2], ready[2];
    REQUIRE(pipe(go) == 0 && pipe(ready) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char c;
        close(go[1]);
        prctl(PR_SET_NAME, "kid-name");
        if (chdir("/tmp") < 0) _exit(1);
        /* what only the child knows: an fd at offset 5, a mapping of 7 pages at
         * a fixed spot, its own environment memory and limits */
        int fd = open("/proc/self/exe", O_RDONLY);
        if (fd < 0 || dup2(fd, 77) != 77 || lseek(77, 5, SEEK_SET) != 5) _exit(1);
        close(fd);
        close(ready[0]);
        if (mmap((void *)0x3a5a0000000UL, 7 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
            _exit(1);
        extern char **environ;
        if (environ[0]) environ[0][0] = '#'; /* in place: the bytes /proc/<pid>/environ shows */
        struct rlimit rl = { 123, 456 };
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0) _exit(1);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        _exit(read(go[0], &c, 1) == 0 ? 7 : 1);
    }
    close(go[0]);
    close(ready[1]);
    char c, path[64], buf[4096], mine[4096];
    REQUIRE(read(ready[0], &c, 1) == 1);

    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    CHECK(slurp(path, buf, sizeof buf) > 0 && strcmp(buf, "kid-name\n") == 0);
    char state = 0;
    CHECK_EQ(stat_field(pid, 4, &state), getpid());
    CHECK_EQ(stat_field(pid, 5, NULL), getpgid(0));
    CHECK_EQ(stat_field(pid, 6, NULL), getsid(0));
    /* blocked in read (soon, if not yet): sleeping, as another process sees it */
    for (int i = 0; i < 500 && stat_field(pid, 3, &state) >= 0 && state != 'S'; i++) usleep(10000);
    CHECK_EQ(state, 'S');
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    char want[64];
    snprintf(want, sizeof want, "\nPPid:\t%d\n", (int)getpid());
    CHECK(slurp(path, buf, sizeof buf) > 0 && strncmp(buf, "Name:\tkid-name\n", 15) == 0 && strstr(buf, want));
    snprintf(path, sizeof path, "/proc/%d/cwd", (int)pid);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    CHECK(n == 4 && memcmp(buf, "/tmp", 4) == 0);
    snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
    n = readlink(path, buf, sizeof buf - 1);
    ssize_t m = readlink("/proc/self/exe", mine, sizeof mine - 1);
    CHECK(n > 0 && n == m && memcmp(buf, mine, (size_t)n) == 0);
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int len = slurp(path, buf, sizeof buf), mylen = slurp("/proc/self/cmdline", mine, sizeof mine);
    CHECK(len > 0 && len == mylen && memcmp(buf, mine, (size_t)len) == 0); /* a fork's argv is its parent's */
    CHECK(listed("/proc", pid));
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    CHECK(listed(path, pid));

    /* fd/, fdinfo/, maps, environ, limits: the child's own, not the reader's */
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    CHECK(listed(path, 77) && listed(path, go[0]));
    CHECK(!listed(path, ready[0])); /* the child closed its copy */
    snprintf(path, sizeof path, "/proc/%d/fd/77", (int)pid);
    n = readlink(path, buf, sizeof buf - 1);
    CHECK(n > 0 && n == m && memcmp(buf, mine, (size_t)n) == 0); /* the program file */
    struct stat lst;
    CHECK(lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && (lst.st_mode & 0777) == 0500);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, ready[0]);
    CHECK_ERR(lstat(path, &lst), ENOENT);
    snprintf(path, sizeof path, "/proc/%d/fdinfo/77", (int)pid);
    CHECK(slurp(path, buf, sizeof buf) > 0 && strncmp(buf, "pos:\t5\n", 7) == 0);
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    CHECK(slurp(path, buf, sizeof buf) > 0 && strstr(buf, "3a5a0000000-3a5a0007000 r--p"));
    CHECK(slurp("/proc/self/maps", mine, sizeof mine) > 0 && !strstr(mine, "3a5a0000000-"));
    extern char **environ;
    if (environ[0]) {
        snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
        CHECK(slurp(path, buf, sizeof buf) > 0 && buf[0] == '#' && strcmp(buf + 1, environ[0] + 1) == 0);
    }
    snprintf(path, sizeof path, "/proc/%d/limits", (int)pid);
    CHECK(slurp(path, buf, sizeof buf) > 0 && strstr(buf, "Max open files            123                  456"));

    close(go[1]); /* the child exits 7: a zombie until reaped */
    for (int i = 0; i < 500 && stat_field(pid, 4, &state) >= 0 && state != 'Z'; i++) usleep(10000);
    CHECK_EQ(state, 'Z');
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    CHECK_ERR(stat(path, &st), ENOENT);
    CHECK(!listed("/proc", pid));
    close(ready[0]);
}

int main(void)
{
    check_prog = "procs";
    RUN(exit_statuses);
    RUN(output_through_a_pipe);
    RUN(death_by_signal);
    RUN(raw_calls);
    RUN(signals_between_processes);
    RUN(waitid_options);
    RUN(shared_memory_across_fork);
    RUN(parent_death_signal);
    RUN(handled_signal_does_not_kill);
    RUN(fork_on_a_new_stack);
    RUN(clone_flag_sets);
    RUN(priorities);
    RUN(proc_of_a_child);
    RUN(madvise_across_fork);
    RUN(fork_after_vfork_exec);
    RUN(pidfds);
    RUN(subreaper);
    RUN(suspending);
    return check_done();
}

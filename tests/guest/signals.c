/* signals.c — signal bookkeeping, no delivery: dispositions set and read back
 * (libc and raw kernel layout), SIG_IGN of SIGPIPE taking real effect, the
 * blocked mask, and the alternate stack. */
#include <signal.h>
#include <stdint.h>

#include "check.h"

#define SA_RESTORER_ 0x04000000UL
#define BIT(sig) (1UL << ((sig) - 1))

/* The kernel's struct sigaction on x86-64. */
struct ksigaction {
    uintptr_t handler;
    unsigned long flags;
    uintptr_t restorer;
    uint64_t mask;
};

static void on_signal(int sig) { (void)sig; }
static void fake_restorer(void) {}

static void libc_sigaction(void)
{
    struct sigaction sa, got;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    memset(&got, 0, sizeof got);
    CHECK_OK(sigaction(SIGUSR1, NULL, &got));
    CHECK(got.sa_handler == on_signal);
    CHECK(got.sa_flags & SA_RESTART);
    CHECK_EQ(sigismember(&got.sa_mask, SIGUSR2), 1);
    CHECK_EQ(sigismember(&got.sa_mask, SIGUSR1), 0);

    sa.sa_handler = SIG_DFL;
    struct sigaction old;
    CHECK_OK(sigaction(SIGUSR1, &sa, &old));
    CHECK(old.sa_handler == on_signal);
    CHECK_OK(sigaction(SIGUSR1, NULL, &got));
    CHECK(got.sa_handler == SIG_DFL);
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_OK(sigaction(SIGKILL, NULL, &got)); /* reading is allowed */
    CHECK(got.sa_handler == SIG_DFL);
}

static void raw_sigaction(void)
{
    struct ksigaction set = {
        .handler = (uintptr_t)on_signal,
        .flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK | SA_RESTORER_,
        .restorer = (uintptr_t)fake_restorer,
        .mask = BIT(SIGUSR1) | BIT(SIGTERM) | BIT(SIGKILL) | BIT(SIGSTOP),
    }, got, old;
    CHECK_OK(syscall(SYS_rt_sigaction, SIGUSR2, &set, &old, 8));
    CHECK_EQ(old.handler, (uintptr_t)SIG_DFL);
    memset(&got, 0, sizeof got);
    CHECK_OK(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &got, 8));
    CHECK_EQ(got.handler, set.handler);
    CHECK_EQ(got.flags, set.flags);
    CHECK_EQ(got.restorer, set.restorer);
    CHECK_EQ(got.mask, BIT(SIGUSR1) | BIT(SIGTERM)); /* SIGKILL/SIGSTOP cannot be masked */

    /* SIGSYS is lxrun's trap: the guest's disposition must still read back,
     * and system calls must keep working after it changes. */
    struct ksigaction ign = { .handler = (uintptr_t)SIG_IGN, .flags = SA_RESTORER_, .restorer = (uintptr_t)fake_restorer };
    CHECK_OK(syscall(SYS_rt_sigaction, SIGSYS, &ign, NULL, 8));
    CHECK_OK(syscall(SYS_rt_sigaction, SIGSYS, NULL, &got, 8));
    CHECK_EQ(got.handler, (uintptr_t)SIG_IGN);
    CHECK_EQ(syscall(SYS_getpid), getpid());
    struct ksigaction dfl = { .handler = (uintptr_t)SIG_DFL };
    CHECK_OK(syscall(SYS_rt_sigaction, SIGSYS, &dfl, NULL, 8));
    CHECK_OK(syscall(SYS_rt_sigaction, SIGUSR2, &dfl, NULL, 8));

    CHECK_ERR(syscall(SYS_rt_sigaction, 0, NULL, &got, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, 65, NULL, &got, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, &set, NULL, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGKILL, &set, NULL, 8), EINVAL);
    CHECK_OK(syscall(SYS_rt_sigaction, SIGRTMIN + 2, NULL, &got, 8)); /* real-time signals too */
    CHECK_OK(syscall(SYS_rt_sigaction, 64, NULL, &got, 8));
}

static void ignored_sigpipe(void)
{
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    /* With SIGPIPE ignored the write fails with EPIPE instead of killing us. */
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_ERR(write(p[1], "yy", 2), EPIPE);
    close(p[1]);
    CHECK(signal(SIGPIPE, SIG_DFL) == SIG_IGN);
}

static int blocked(int sig)
{
    sigset_t cur;
    sigemptyset(&cur);
    if (sigprocmask(SIG_SETMASK, NULL, &cur) != 0) return -1;
    return sigismember(&cur, sig);
}

static void blocked_mask(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &s, &old));
    CHECK_EQ(sigismember(&old, SIGUSR1), 0);
    CHECK_EQ(blocked(SIGUSR1), 1);
    CHECK_EQ(blocked(SIGUSR2), 0);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &s, NULL));
    CHECK_EQ(blocked(SIGUSR1), 0);

    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGKILL);
    sigaddset(&s, SIGSTOP);
    CHECK_OK(sigprocmask(SIG_SETMASK, &s, NULL));
    CHECK_EQ(blocked(SIGUSR2), 1);
    CHECK_EQ(blocked(SIGKILL), 0); /* silently left out */
    CHECK_EQ(blocked(SIGSTOP), 0);

    /* Raw: the 8-byte kernel mask, SIGSYS included (lxrun must keep trapping). */
    uint64_t set = BIT(SIGSYS) | BIT(SIGTERM), cur = 0;
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, 8));
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &cur, 8));
    CHECK_EQ(cur, BIT(SIGSYS) | BIT(SIGTERM));
    CHECK_EQ(syscall(SYS_getppid), getppid());
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    CHECK_EQ(blocked(SIGSYS), 0);
    CHECK_EQ(blocked(SIGUSR2), 0);
}

/* A pending signal goes when its disposition becomes one that ignores it:
 * SIG_IGN, or SIG_DFL of a signal ignored by default (SIGCHLD); not SIG_DFL of
 * one that is not (SIGUSR1 stays pending). */
static void pending_dropped_when_ignored(void)
{
    sigset_t s, old, p;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &s, &old));
    signal(SIGCHLD, on_signal);
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, on_signal);
    raise(SIGCHLD);
    raise(SIGUSR1);
    raise(SIGUSR2);
    CHECK_OK(sigpending(&p));
    CHECK(sigismember(&p, SIGCHLD) && sigismember(&p, SIGUSR1) && sigismember(&p, SIGUSR2));
    signal(SIGCHLD, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_IGN);
    CHECK_OK(sigpending(&p));
    CHECK(!sigismember(&p, SIGCHLD));
    CHECK(sigismember(&p, SIGUSR1));
    CHECK(!sigismember(&p, SIGUSR2));
    signal(SIGUSR1, SIG_IGN); /* drops it, so unblocking delivers nothing */
    CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static void alternate_stack(void)
{
    static char stack_mem[65536];
    stack_t ss = { .ss_sp = stack_mem, .ss_size = sizeof stack_mem, .ss_flags = 0 }, old, got;
    CHECK_OK(sigaltstack(NULL, &old));
    CHECK(old.ss_flags & SS_DISABLE); /* none at start */
    CHECK_OK(sigaltstack(&ss, NULL));
    memset(&got, 0, sizeof got);
    CHECK_OK(sigaltstack(NULL, &got));
    CHECK(got.ss_sp == stack_mem);
    CHECK_EQ(got.ss_size, sizeof stack_mem);
    CHECK_EQ(got.ss_flags, 0);

    stack_t small = { .ss_sp = stack_mem, .ss_size = 1024, .ss_flags = 0 };
    CHECK_ERR(sigaltstack(&small, NULL), ENOMEM);
    stack_t badflags = { .ss_sp = stack_mem, .ss_size = sizeof stack_mem, .ss_flags = 0x10 };
    CHECK_ERR(sigaltstack(&badflags, NULL), EINVAL);

    /* The kernel accepts SS_ONSTACK as "enable" (old programs pass it; musl's
     * wrapper refuses it, hence the raw call). */
    stack_t onstack = { .ss_sp = stack_mem, .ss_size = sizeof stack_mem, .ss_flags = SS_ONSTACK };
    CHECK_OK(syscall(SYS_sigaltstack, &onstack, NULL));
    CHECK_OK(sigaltstack(NULL, &got));
    CHECK_EQ(got.ss_flags, 0); /* not running on it */
    CHECK_EQ(got.ss_size, sizeof stack_mem);
    stack_t both = { .ss_sp = stack_mem, .ss_size = sizeof stack_mem, .ss_flags = SS_ONSTACK | SS_DISABLE };
    CHECK_ERR(syscall(SYS_sigaltstack, &both, NULL), EINVAL);

    ss.ss_flags = SS_DISABLE;
    CHECK_OK(sigaltstack(&ss, &got));
    CHECK(got.ss_sp == stack_mem);
    CHECK_OK(sigaltstack(NULL, &got));
    CHECK(got.ss_flags & SS_DISABLE);
}

int main(void)
{
    check_prog = "signals";
    RUN(libc_sigaction);
    RUN(raw_sigaction);
    RUN(ignored_sigpipe);
    RUN(blocked_mask);
    RUN(alternate_stack);
    RUN(pending_dropped_when_ignored);
    return check_done();
}

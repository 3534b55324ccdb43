/* poll.c — waiting for fds: poll, ppoll, select, pselect on pipes (readable,
 * writable, hang-up), bad and ignored fds, timeouts and the time left written
 * back, EFAULT and EINVAL, and a signal with a handler ending the wait (EINTR). */
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static void poll_pipe(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { -1, POLLIN, 77 } };
    CHECK_EQ(poll(f, 3, 0), 1); /* only the write end is ready */
    CHECK_EQ(f[0].revents, 0);
    CHECK_EQ(f[1].revents, POLLOUT);
    CHECK_EQ(f[2].revents, 0); /* a negative fd is ignored and its revents cleared */
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(poll(f, 1, 1000), 1);
    CHECK_EQ(f[0].revents, POLLIN);
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(poll(f, 1, 1000), 1);
    CHECK_EQ(f[0].revents, POLLHUP); /* the writer is gone */
    close(p[0]);
    struct pollfd bad = { p[0], POLLIN, 0 };
    CHECK_EQ(poll(&bad, 1, 0), 1);
    CHECK_EQ(bad.revents, POLLNVAL);
    struct pollfd high = { 1000, POLLIN, 0 }; /* not open here; lxrun's own fds look the same */
    CHECK_EQ(poll(&high, 1, 0), 1);
    CHECK_EQ(high.revents, POLLNVAL);
    CHECK_ERR(syscall(SYS_poll, 8L, 1, 0), EFAULT);
    CHECK_ERR(syscall(SYS_poll, f, 1u << 30, 0), EINVAL); /* more than RLIMIT_NOFILE */
}

static void timeouts_written_back(void)
{
    struct timespec ts = { 0, 30 * 1000000 };
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f = { p[0], POLLIN, 0 };
    CHECK_EQ(syscall(SYS_ppoll, &f, 1, &ts, NULL, 8), 0);
    CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0); /* all of it used */
    ts.tv_nsec = 1000000000;
    CHECK_ERR(syscall(SYS_ppoll, &f, 1, &ts, NULL, 8), EINVAL);
    sigset_t none;
    sigemptyset(&none);
    ts.tv_nsec = 0;
    CHECK_ERR(syscall(SYS_ppoll, &f, 1, &ts, &none, 4), EINVAL); /* the mask's size */
    struct timeval tv = { 0, 30000 };
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_EQ(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 0); /* raw: musl's select passes a copy */
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);
    CHECK(!FD_ISSET(p[0], &r)); /* cleared: not ready */
    close(p[0]);
    close(p[1]);
}

static void select_sets(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    int n = (p[0] > p[1] ? p[0] : p[1]) + 1;
    struct timeval tv = { 1, 0 };
    CHECK_EQ(select(n, &r, &w, NULL, &tv), 1);
    CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
    CHECK_EQ(write(p[1], "x", 1), 1);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    CHECK_EQ(select(n, &r, &w, NULL, NULL), 2);
    CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
    struct timespec ts = { 1, 0 };
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    CHECK_EQ(pselect(n, &r, NULL, NULL, &ts, NULL), 1);
    close(p[1]);
    FD_ZERO(&r);
    FD_SET(p[1], &r); /* closed */
    CHECK_ERR(select(n, &r, NULL, NULL, &tv), EBADF);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    close(p[0]);
}

static void on_usr1(int s) { (void)s; }

/* A child that sends SIGUSR1 to the caller 100 ms from now (by then, surely,
 * blocked in its wait); its pid. */
static pid_t usr1_soon(void)
{
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    REQUIRE(pid >= 0);
    return pid;
}

/* A signal the process handles ends a wait with EINTR. */
static void interrupted(void)
{
    signal(SIGUSR1, on_usr1);
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = usr1_soon();
    struct pollfd f = { p[0], POLLIN, 0 };
    CHECK_ERR(poll(&f, 1, 5000), EINTR);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    signal(SIGUSR1, SIG_DFL);
    close(p[0]);
    close(p[1]);
}

/* epoll: level-triggered reports while data waits, edge-triggered once per
 * change, one-shot once until re-armed; the errors Linux gives; a handled signal
 * ends a wait with EINTR even under SA_RESTART; eventfd counts, as a semaphore
 * too, and is readable to epoll while non-zero. */
static void epoll_events(void)
{
    int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    CHECK(fcntl(ep, F_GETFD) & FD_CLOEXEC);
    CHECK_ERR(syscall(SYS_epoll_create, 0), EINVAL); /* raw: musl's wrapper does not look at the size */
    CHECK_ERR(epoll_create1(1), EINVAL);
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL }, out[4];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    CHECK_EQ(write(p[1], "ab", 2), 2);
    CHECK_EQ(epoll_wait(ep, out, 4, 1000), 1);
    CHECK(out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ULL);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1); /* level-triggered: still readable */

    ev.events = EPOLLIN | EPOLLET;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0); /* edge-triggered: nothing new */
    CHECK_EQ(write(p[1], "c", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);

    ev.events = EPOLLIN | EPOLLONESHOT;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0); /* disarmed until modified again */

    /* the write end: writable; closing it makes the read end report HUP */
    struct epoll_event wev = { .events = EPOLLOUT, .data.fd = p[1] };
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &wev));
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK(out[0].events == EPOLLOUT && out[0].data.fd == p[1]);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
    ev.events = EPOLLIN;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    close(p[1]);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK(out[0].events & EPOLLHUP);

    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, 9, p[0], &ev), EINVAL);
    int unreg[2];
    REQUIRE(pipe(unreg) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, unreg[0], NULL), ENOENT);
    close(unreg[0]);
    close(unreg[1]);
    put_file("regular", "x", 1);
    int reg = CHECK_OK(open("regular", O_RDONLY));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
    CHECK_ERR(epoll_wait(ep, out, 0, 0), EINVAL);
    struct epoll_event *volatile bad = (void *)8;
    CHECK_ERR(epoll_wait(ep, bad, 4, 0), EFAULT);
    CHECK_ERR(epoll_wait(reg, out, 4, 0), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    close(reg);
    close(p[0]);

    /* a handled signal ends the wait, SA_RESTART or not */
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    int q[2];
    REQUIRE(pipe(q) == 0);
    ev.events = EPOLLIN;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
    pid_t pid = usr1_soon();
    CHECK_ERR(epoll_wait(ep, out, 4, 5000), EINTR);
    int st;
    waitpid(pid, &st, 0);
    signal(SIGUSR1, SIG_DFL);
    close(q[0]);
    close(q[1]);

    /* eventfd: a count, a semaphore, readable while non-zero */
    int efd = CHECK_OK(eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC));
    uint64_t v = 0;
    CHECK_EQ(read(efd, &v, 8), 8);
    CHECK_EQ(v, 3);
    CHECK_ERR(read(efd, &v, 8), EAGAIN);
    ev.events = EPOLLIN;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    v = 5;
    CHECK_EQ(write(efd, &v, 8), 8);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    close(efd);
    int sem = CHECK_OK(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
    CHECK_EQ(read(sem, &v, 8), 8);
    CHECK_EQ(v, 1);
    CHECK_EQ(read(sem, &v, 8), 8);
    CHECK_ERR(read(sem, &v, 8), EAGAIN);
    close(sem);
    CHECK_ERR(eventfd(0, 0x10), EINVAL);
    close(ep);
}

/* Waits on many fds at once, each count on both sides of lxrun's 64 kept on the
 * stack (syscalls/poll.c, epoll.c): 100 pipes, the even ones of the first 80
 * readable.  poll and select find exactly those; epoll_wait returns each with
 * its own data and events, as many as asked for, for every count of events the
 * host's records are turned into lxrun's in place (redox/host-linux.c). */
#define MANY 100
static void many_fds(void)
{
    int rd[MANY], wr[MANY], ready = 0;
    for (int i = 0; i < MANY; i++) {
        int p[2];
        REQUIRE(pipe(p) == 0);
        rd[i] = p[0], wr[i] = p[1];
        if (i < 80 && i % 2 == 0) CHECK_EQ(write(wr[i], "m", 1), 1), ready++;
    }
    struct pollfd f[MANY];
    for (int n = 10; n <= MANY; n += 90) { /* 10 fds, then 100 */
        for (int i = 0; i < n; i++) f[i] = (struct pollfd){ rd[i], POLLIN, 0 };
        int want = 0;
        for (int i = 0; i < n; i++) want += i < 80 && i % 2 == 0;
        CHECK_EQ(poll(f, (nfds_t)n, 0), want);
        for (int i = 0; i < n; i++) CHECK_EQ(f[i].revents, (i < 80 && i % 2 == 0) ? POLLIN : 0);
        fd_set r;
        FD_ZERO(&r);
        int top = 0;
        for (int i = 0; i < n; i++) FD_SET(rd[i], &r), top = rd[i] > top ? rd[i] : top;
        struct timeval tv = { 0, 0 };
        CHECK_EQ(select(top + 1, &r, NULL, NULL, &tv), want);
        for (int i = 0; i < n; i++) CHECK_EQ(!!FD_ISSET(rd[i], &r), i < 80 && i % 2 == 0);
    }
    int ep = CHECK_OK(epoll_create1(0));
    for (int i = 0; i < MANY; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xabc0000000000000ULL | (uint64_t)i << 8 | 0x5a };
        CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], &ev));
    }
    static struct epoll_event out[MANY + 28];
    for (int max = 16; max <= MANY + 28; max += 112) { /* fewer than ready, then room for all */
        memset(out, 0, sizeof out);
        int got = epoll_wait(ep, out, max, 0);
        CHECK_EQ(got, max < ready ? max : ready);
        for (int k = 0; k < got; k++) {
            uint64_t d = out[k].data.u64, i = d >> 8 & 0xffff;
            CHECK(out[k].events == EPOLLIN && (d & 0xfff00000000000ffULL) == 0xabc000000000005aULL);
            CHECK(i < 80 && i % 2 == 0);
        }
        for (int k = got; k < max; k++) CHECK(out[k].events == 0 && out[k].data.u64 == 0); /* nothing past them */
    }
    close(ep);
    for (int i = 0; i < MANY; i++) close(rd[i]), close(wr[i]);
}

int main(void)
{
    check_prog = "poll";
    RUN(poll_pipe);
    RUN(timeouts_written_back);
    RUN(select_sets);
    RUN(interrupted);
    RUN(epoll_events);
    RUN(many_fds);
    return check_done();
}

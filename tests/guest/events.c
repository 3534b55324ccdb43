/* events.c — event handles: timerfd (relative, periodic expiry counts, absolute,
 * gettime, errors), signalfd (reading a blocked signal's record, poll readiness,
 * replacing the mask), inotify (create, modify, close-write, moves with a shared
 * cookie, delete, IN_ISDIR, oneshot, rm_watch's IN_IGNORED), splice/tee/vmsplice
 * through pipes, and epoll of an epoll, EPOLLEXCLUSIVE and sockets under epoll
 * and poll with timeouts. */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>

#include "check.h"

static int64_t now_ns(int clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void timers(void)
{
    int t = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    CHECK(fcntl(t, F_GETFD) & FD_CLOEXEC);
    uint64_t n = 0;
    CHECK_ERR(read(t, &n, 8), EAGAIN); /* not armed */
    struct itimerspec its = { { 0, 20000000 }, { 0, 30000000 } }, cur, old;
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_OK(timerfd_settime(t, 0, &its, NULL));
    CHECK_OK(timerfd_gettime(t, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 30000000);
    CHECK_EQ(cur.it_interval.tv_nsec, 20000000);
    struct pollfd p = { t, POLLIN, 0 };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 29000000);
    struct timespec nap = { 0, 70000000 };
    nanosleep(&nap, NULL);
    CHECK_EQ(read(t, &n, 8), 8);
    CHECK(n >= 3 && n <= 6); /* 30 ms, then every 20 ms, over >= 100 ms */
    CHECK_ERR(read(t, &n, 4), EINVAL);
    its = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
    CHECK_OK(timerfd_settime(t, 0, &its, &old));
    CHECK_EQ(old.it_interval.tv_nsec, 20000000);
    CHECK_ERR(read(t, &n, 8), EAGAIN); /* disarmed */

    /* absolute, on the realtime clock, blocking read.  A clock set meanwhile (time
     * sync stepping it, or another test setting it) rightly ends the read with
     * ECANCELED: then the timer is armed again, a few times at most. */
    int a = CHECK_OK(timerfd_create(CLOCK_REALTIME, 0));
    struct timespec rt;
    long got = -1;
    for (int tries = 0; tries < 5 && got < 0; tries++) {
        clock_gettime(CLOCK_REALTIME, &rt);
        rt.tv_nsec += 40000000;
        if (rt.tv_nsec >= 1000000000) rt.tv_sec++, rt.tv_nsec -= 1000000000;
        its = (struct itimerspec){ { 0, 0 }, rt };
        CHECK_OK(timerfd_settime(a, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL));
        n = 0;
        got = read(a, &n, 8);
        if (got < 0 && errno != ECANCELED) break;
    }
    CHECK_EQ(got, 8);
    CHECK_EQ(n, 1);
    CHECK(now_ns(CLOCK_REALTIME) >= rt.tv_sec * 1000000000LL + rt.tv_nsec);
    close(a);

    its.it_value.tv_nsec = 1000000000;
    CHECK_ERR(timerfd_settime(t, 0, &its, NULL), EINVAL);
    CHECK_ERR(timerfd_settime(t, 4, &its, NULL), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL);
    CHECK_ERR(timerfd_gettime(0, &cur), EINVAL); /* not a timerfd */
    CHECK_ERR(timerfd_gettime(t, (struct itimerspec *)8), EFAULT);
    close(t);
}

static void signals(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int s = CHECK_OK(signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC));
    struct signalfd_siginfo si;
    CHECK_ERR(read(s, &si, sizeof si), EAGAIN);
    struct pollfd p = { s, POLLIN, 0 };
    CHECK_EQ(poll(&p, 1, 0), 0);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(poll(&p, 1, 1000), 1);
    CHECK_EQ(read(s, &si, sizeof si), sizeof si);
    CHECK_EQ(si.ssi_signo, SIGUSR2);
    CHECK_EQ(si.ssi_pid, getpid());
    CHECK_EQ(si.ssi_code, SI_USER);
    union sigval v = { .sival_int = 4242 };
    CHECK_OK(sigqueue(getpid(), SIGUSR1, v));
    CHECK_EQ(read(s, &si, sizeof si), sizeof si);
    CHECK_EQ(si.ssi_signo, SIGUSR1);
    CHECK_EQ(si.ssi_int, 4242);
    CHECK_EQ(si.ssi_code, SI_QUEUE);

    /* a new mask on the same fd: SIGUSR1 no longer readable */
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    CHECK_EQ(signalfd(s, &only2, 0), s);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_ERR(read(s, &si, sizeof si), EAGAIN);
    sigset_t pend;
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR1)); /* still pending, still blocked */
    signal(SIGUSR1, SIG_IGN);           /* discard it */
    signal(SIGUSR1, SIG_DFL);
    CHECK_ERR(read(s, &si, 10), EINVAL);
    CHECK_ERR(signalfd(-1, &m, 0x7), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL);
    CHECK_ERR(signalfd(0, &m, 0), EINVAL); /* not a signalfd */
    close(s);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
}

/* Reads every inotify record available; returns how many, filling masks/names. */
static int drain(int in, uint32_t *masks, uint32_t *cookies, char names[][32], int max)
{
    char buf[4096] __attribute__((aligned(8)));
    int n = 0;
    ssize_t len;
    while ((len = read(in, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + len;) {
            struct inotify_event *e = (struct inotify_event *)p;
            if (n < max) {
                masks[n] = e->mask;
                cookies[n] = e->cookie;
                snprintf(names[n], 32, "%s", e->len ? e->name : "");
                n++;
            }
            p += sizeof *e + e->len;
        }
    }
    return n;
}

static int find(int n, const uint32_t *masks, char names[][32], uint32_t mask, const char *name)
{
    for (int i = 0; i < n; i++)
        if ((masks[i] & mask) == mask && strcmp(names[i], name) == 0) return i;
    return -1;
}

static void watches(void)
{
    mkdir("w", 0755);
    int in = CHECK_OK(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    int wd = CHECK_OK(inotify_add_watch(in, "w", IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                                                   IN_DELETE | IN_ATTRIB));
    CHECK_EQ(inotify_add_watch(in, "w", IN_CREATE), wd); /* the same object: the same descriptor */
    CHECK_OK(inotify_add_watch(in, "w", IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                                            IN_DELETE | IN_ATTRIB));
    put_file("w/f", "abc", 3);
    CHECK_OK(rename("w/f", "w/g"));
    CHECK_OK(mkdir("w/d", 0755));
    CHECK_OK(unlink("w/g"));
    uint32_t masks[32], cookies[32];
    char names[32][32];
    int n = drain(in, masks, cookies, names, 32);
    int c = find(n, masks, names, IN_CREATE, "f"), mo = find(n, masks, names, IN_MODIFY, "f"),
        cw = find(n, masks, names, IN_CLOSE_WRITE, "f"), mf = find(n, masks, names, IN_MOVED_FROM, "f"),
        mt = find(n, masks, names, IN_MOVED_TO, "g"), d = find(n, masks, names, IN_CREATE | IN_ISDIR, "d"),
        del = find(n, masks, names, IN_DELETE, "g");
    CHECK(c >= 0 && mo > c && cw > mo && mf > cw && mt > mf && d > mt && del > d);
    if (mf >= 0 && mt >= 0) CHECK(cookies[mf] != 0 && cookies[mf] == cookies[mt]);

    /* oneshot, and IN_IGNORED when a watch goes */
    int wd2 = CHECK_OK(inotify_add_watch(in, "w/d", IN_CREATE | IN_ONESHOT));
    put_file("w/d/x", "", 0);
    put_file("w/d/y", "", 0);
    n = drain(in, masks, cookies, names, 32);
    CHECK(find(n, masks, names, IN_CREATE, "x") >= 0);
    CHECK(find(n, masks, names, IN_CREATE, "y") < 0);
    CHECK(find(n, masks, names, IN_IGNORED, "") >= 0);
    CHECK_ERR(inotify_rm_watch(in, wd2), EINVAL); /* a oneshot watch is gone once it fired */
    CHECK_OK(inotify_rm_watch(in, wd));
    n = drain(in, masks, cookies, names, 32);
    CHECK_EQ(n, 1);
    CHECK(n == 1 && (masks[0] & IN_IGNORED));
    CHECK_ERR(inotify_add_watch(in, "no-such", IN_CREATE), ENOENT);
    CHECK_ERR(inotify_add_watch(in, "w", 0), EINVAL);
    put_file("plain", "", 0);
    CHECK_ERR(inotify_add_watch(in, "plain", IN_CREATE | IN_ONLYDIR), ENOTDIR);
    CHECK_ERR(inotify_add_watch(in, (char *)8, IN_CREATE), EFAULT);
    CHECK_ERR(inotify_init1(0x1), EINVAL);
    close(in);
}

static void pipes(void)
{
    put_file("src", "0123456789abcdef", 16);
    int f = open("src", O_RDONLY), p[2], q[2];
    REQUIRE(f >= 0 && pipe(p) == 0 && pipe(q) == 0);
    loff_t off = 4;
    CHECK_EQ(splice(f, &off, p[1], NULL, 6, 0), 6);
    CHECK_EQ(off, 10);
    CHECK_EQ(lseek(f, 0, SEEK_CUR), 0); /* the explicit offset leaves the fd's alone */
    CHECK_EQ(tee(p[0], q[1], 100, 0), 6); /* copied, not consumed */
    char buf[32] = { 0 };
    CHECK_EQ(read(q[0], buf, sizeof buf), 6);
    CHECK(memcmp(buf, "456789", 6) == 0);
    int out = open("dst", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    loff_t oo = 2;
    CHECK_EQ(splice(p[0], NULL, out, &oo, 6, SPLICE_F_MOVE), 6);
    CHECK_EQ(oo, 8);
    close(out);
    CHECK_EQ(get_file("dst", buf, sizeof buf), 8);
    CHECK(memcmp(buf + 2, "456789", 6) == 0);
    CHECK_ERR(splice(p[0], NULL, q[1], NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    int rw = open("src", O_RDWR);
    CHECK_ERR(splice(rw, NULL, rw, NULL, 1, 0), EINVAL); /* neither end a pipe */
    close(rw);
    loff_t neg = -1;
    CHECK_ERR(splice(f, &neg, p[1], NULL, 1, 0), EINVAL);

    struct iovec v[2] = { { "vm", 2 }, { "splice", 6 } };
    CHECK_EQ(vmsplice(p[1], v, 2, 0), 8);
    char r1[4], r2[4];
    struct iovec rv[2] = { { r1, 4 }, { r2, 4 } };
    CHECK_EQ(vmsplice(p[0], rv, 2, 0), 8);
    CHECK(memcmp(r1, "vmsp", 4) == 0 && memcmp(r2, "lice", 4) == 0);
    CHECK_ERR(vmsplice(p[0], rv, 1, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK)); /* only for that call */
    CHECK_ERR(vmsplice(f, v, 1, 0), EBADF);
    close(f);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

static void epolls(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int inner = CHECK_OK(epoll_create1(0)), outer = CHECK_OK(epoll_create1(0));
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, out[2];
    CHECK_OK(epoll_ctl(inner, EPOLL_CTL_ADD, sv[0], &ev));
    ev.data.u32 = 9;
    CHECK_OK(epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev)); /* an epoll watching an epoll */
    CHECK_EQ(epoll_wait(outer, out, 2, 0), 0);
    CHECK_EQ(write(sv[1], "x", 1), 1);
    CHECK_EQ(epoll_wait(outer, out, 2, 1000), 1);
    CHECK_EQ(out[0].data.u32, 9);
    CHECK_EQ(epoll_wait(inner, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 7);
    CHECK_ERR(epoll_ctl(inner, EPOLL_CTL_ADD, outer, &ev), ELOOP); /* no cycles */

    int ex = CHECK_OK(epoll_create1(0));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK_OK(epoll_ctl(ex, EPOLL_CTL_ADD, sv[0], &ev));
    CHECK_ERR(epoll_ctl(ex, EPOLL_CTL_MOD, sv[0], &ev), EINVAL); /* exclusive cannot be modified */
    CHECK_EQ(epoll_wait(ex, out, 2, 0), 1);

    /* a socket's hang-up: EPOLLRDHUP when the peer shuts its side */
    ev.events = EPOLLIN | EPOLLRDHUP;
    CHECK_OK(epoll_ctl(inner, EPOLL_CTL_MOD, sv[0], &ev));
    char c;
    CHECK_EQ(read(sv[0], &c, 1), 1);
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK_EQ(epoll_wait(inner, out, 2, 1000), 1);
    CHECK(out[0].events & EPOLLRDHUP);

    /* poll on a socket with a timeout that runs out */
    int s2[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, s2) == 0);
    struct pollfd p = { s2[0], POLLIN, 0 };
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(poll(&p, 1, 60), 0);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 55000000);
    close(s2[0]);
    close(s2[1]);
    close(ex);
    close(outer);
    close(inner);
    close(sv[0]);
    close(sv[1]);
}

/* "cancel-wait": arms a CANCEL_ON_SET timer a day ahead, says "armed", and reports
 * what its read returns once someone sets the clock (tests/net's timerfd_cancel). */
static int cancel_wait(void)
{
    int t = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec its = { { 0, 0 }, { now.tv_sec + 86400, 0 } };
    if (t < 0 || timerfd_settime(t, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0) return 2;
    printf("armed\n");
    fflush(stdout);
    uint64_t n;
    ssize_t r = read(t, &n, sizeof n);
    printf("read: %zd %s\n", r, r < 0 ? strerror(errno) : "");
    return r < 0 && errno == ECANCELED ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "cancel-wait") == 0) return cancel_wait();
    check_prog = "events";
    RUN(timers);
    RUN(signals);
    RUN(watches);
    RUN(pipes);
    RUN(epolls);
    return check_done();
}

/* clocks.c — time: clocks and their resolution, the legacy time calls,
 * relative and absolute sleeps measured against the monotonic clock, and
 * futex waits with timeouts (what libc's own sleeping locks rest on).
 * Raw calls are used besides libc's so no vDSO answers for the kernel. */
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "check.h"

/* <linux/futex.h> values (musl ships no kernel headers). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_WAIT_BITSET_PRIVATE 137
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define MS 1000000LL

static long long ns_of(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long mono_ns(void)
{
    struct timespec t;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return ns_of(t);
}

static void reading_clocks(void)
{
    /* Monotonic never goes back. */
    struct timespec prev, now;
    CHECK_OK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &prev));
    int backwards = 0;
    for (int i = 0; i < 1000; i++) {
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
        backwards += ns_of(now) < ns_of(prev);
        prev = now;
    }
    CHECK_EQ(backwards, 0);
    CHECK(now.tv_nsec >= 0 && now.tv_nsec < 1000000000);

    /* Every clock Linux programs commonly read. */
    const clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                              CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
                              CLOCK_TAI };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct timespec t = { -1, -1 }, res = { -1, -1 };
        CHECK_OK(syscall(SYS_clock_gettime, ids[i], &t));
        CHECK(t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
        CHECK_OK(syscall(SYS_clock_getres, ids[i], &res));
        CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10 * MS);
        CHECK_OK(clock_gettime(ids[i], &t));
    }
    CHECK_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
    CHECK_ERR(syscall(SYS_clock_gettime, 12345, &now), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, 12345, &now), EINVAL);

    /* The boot clock counts suspend too, so it is never behind monotonic. */
    struct timespec mono, boot;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &mono);
    syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &boot);
    CHECK(ns_of(boot) >= ns_of(mono));
}

static void wall_clock(void)
{
    struct timespec rt;
    CHECK_OK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &rt));
    CHECK(rt.tv_sec > 1600000000); /* after 2020 */
    /* time() reads the kernel's coarse seconds, which lag CLOCK_REALTIME by up to a
     * tick: read just after a second begins it is the one before (seen natively,
     * 2026-12-06: t == rt.tv_sec - 1) */
    time_t t = time(NULL), raw = 0;
    CHECK(t >= rt.tv_sec - 1 && t <= rt.tv_sec + 2);
    CHECK_EQ(syscall(SYS_time, &raw), raw);
    CHECK(raw >= rt.tv_sec - 1 && raw <= rt.tv_sec + 2);
    CHECK(syscall(SYS_time, NULL) >= rt.tv_sec - 1);

    struct timeval tv;
    struct timezone tz = { -1, -1 };
    CHECK_OK(syscall(SYS_gettimeofday, &tv, &tz));
    CHECK(tv.tv_sec >= rt.tv_sec && tv.tv_sec <= rt.tv_sec + 2);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK_OK(syscall(SYS_gettimeofday, NULL, NULL));
    CHECK_OK(gettimeofday(&tv, NULL));
}

static void sleeping(void)
{
    /* nanosleep: at least what was asked, not absurdly more. */
    long long t0 = mono_ns();
    struct timespec req = { 0, 10 * MS }, rem = { 7, 7 };
    CHECK_OK(nanosleep(&req, &rem));
    long long slept = mono_ns() - t0;
    CHECK(slept >= 10 * MS);
    CHECK(slept < 1000 * MS);
    t0 = mono_ns();
    CHECK_OK(syscall(SYS_nanosleep, &req, NULL));
    CHECK(mono_ns() - t0 >= 10 * MS);
    struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_nanosleep, &neg, NULL), EINVAL);

    /* clock_nanosleep: relative, and TIMER_ABSTIME to a deadline. */
    t0 = mono_ns();
    CHECK_RC(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0);
    CHECK(mono_ns() - t0 >= 10 * MS);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 15 * MS;
    if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
    CHECK_RC(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
    CHECK(mono_ns() >= ns_of(deadline));
    struct timespec past = { 0, 0 };
    t0 = mono_ns();
    CHECK_RC(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0); /* already passed */
    CHECK(mono_ns() - t0 < 500 * MS);
    struct timespec rt_deadline;
    clock_gettime(CLOCK_REALTIME, &rt_deadline);
    CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &rt_deadline, NULL));
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
    /* A thread's CPU clock cannot be slept on: libc says EINVAL; the raw call's
     * errno depends on the kernel version (EINVAL, EOPNOTSUPP on recent ones). */
    CHECK_RC(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EINVAL);
    errno = 0;
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL) == -1 &&
          (errno == EINVAL || errno == EOPNOTSUPP));
    CHECK_ERR(syscall(SYS_clock_nanosleep, 12345, 0, &req, NULL), EINVAL);
}

/* CPU-time clocks named by id, as clock_getcpuclockid and
 * pthread_getcpuclockid hand them out: negative ids encoding a pid or tid. */
#define CPUCLOCK_ID(pid, kind) ((clockid_t)((~(unsigned)(pid) << 3) | (kind)))
#define CPUCLOCK_SCHED 2
#define CPUCLOCK_PERTHREAD 4

static void cpu_clocks(void)
{
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 3000000; i++) spin += i; /* some CPU time to see */
    clockid_t cid = 12345;
    struct timespec t, res;
    CHECK_RC(clock_getcpuclockid(0, &cid), 0);
    CHECK_OK(clock_gettime(cid, &t));
    CHECK(t.tv_sec > 0 || t.tv_nsec > 0);
    CHECK_RC(clock_getcpuclockid(getpid(), &cid), 0);
    CHECK_OK(clock_gettime(cid, &t));
    CHECK(t.tv_sec > 0 || t.tv_nsec > 0);
    const clockid_t own[] = {
        CPUCLOCK_ID(0, CPUCLOCK_SCHED), CPUCLOCK_ID(getpid(), CPUCLOCK_SCHED),
        CPUCLOCK_ID(0, CPUCLOCK_SCHED | CPUCLOCK_PERTHREAD),
        CPUCLOCK_ID(syscall(SYS_gettid), CPUCLOCK_SCHED | CPUCLOCK_PERTHREAD),
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        CHECK_OK(syscall(SYS_clock_gettime, own[i], &t));
        CHECK(t.tv_sec > 0 || t.tv_nsec > 0);
        CHECK_OK(syscall(SYS_clock_getres, own[i], &res));
    }
    /* PROF (kind 0) is tick-sampled: it may still read 0 here. */
    CHECK_OK(syscall(SYS_clock_gettime, CPUCLOCK_ID(getpid(), 0), &t));
    CHECK_ERR(syscall(SYS_clock_gettime, CPUCLOCK_ID(getpid(), 3), &t), EINVAL); /* no such kind */
}

static void futex_waits(void)
{
    static uint32_t word = 1;
    struct timespec rel = { 0, 10 * MS };
    /* A changed value returns at once; an unchanged one waits out the timeout. */
    CHECK_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0), EAGAIN);
    long long t0 = mono_ns();
    CHECK_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &rel, NULL, 0), ETIMEDOUT);
    CHECK(mono_ns() - t0 >= 10 * MS);
    /* FUTEX_WAIT_BITSET takes an absolute monotonic deadline. */
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 10 * MS;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    CHECK_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 1, &abs, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    CHECK(mono_ns() >= ns_of(abs));
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0); /* nobody waits */
    CHECK_ERR(syscall(SYS_futex, (char *)&word + 1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EINVAL);
    struct timespec bad = { 0, -1 };
    CHECK_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0), EINVAL);
}

/* A loop that only reads the clock through libc (the vDSO: no call) still takes
 * its timer's signals at once, all along: under lxrun the vDSO's functions run in
 * the guest's context, and a signal landing in one is delivered there (a signal
 * held back until a next call would stop the ticks: this loop makes none). */
static volatile sig_atomic_t ticks;
static void on_tick(int sig) { (void)sig; ticks++; }

static void vdso_loop_takes_signals(void)
{
    struct sigaction sa = { .sa_handler = on_tick }, old;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGALRM, &sa, &old));
    struct itimerval on = { { 0, 500 }, { 0, 500 } }, off = { { 0, 0 }, { 0, 0 } };
    ticks = 0;
    CHECK_OK(setitimer(ITIMER_REAL, &on, NULL));
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int at_200 = -1;
    do {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (at_200 < 0 && ns_of(now) - ns_of(start) >= 200 * MS) at_200 = ticks;
    } while (ns_of(now) - ns_of(start) < 300 * MS);
    int at_300 = ticks;
    CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
    CHECK_OK(sigaction(SIGALRM, &old, NULL));
    /* 600 ticks asked for; a loaded machine delivers fewer, but they keep coming */
    CHECK(at_200 >= 20);
    CHECK(at_300 - at_200 >= 10);
}

int main(void)
{
    check_prog = "clocks";
    RUN(reading_clocks);
    RUN(wall_clock);
    RUN(sleeping);
    RUN(cpu_clocks);
    RUN(futex_waits);
    RUN(vdso_loop_takes_signals);
    return check_done();
}

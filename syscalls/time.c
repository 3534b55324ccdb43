/* time.c — handles: clocks and sleeps. */
#include "handler.h"
#include "../abi/linux_time.h"

/* The rx clock a guest clockid names, or -1.  Negative ids are the CPU clocks of
 * a process or thread (clock_getcpuclockid, pthread_getcpuclockid): ~pid << 3 |
 * perthread << 2 | kind; this process's and this thread's are served by the
 * CPU-time clocks (whatever the kind: PROF, VIRT and SCHED all count its CPU). */
static int guest_clock(long clk)
{
    if (clk >= 0) return clk > 0x7fffffff ? -1 : abi_clock_to_rx((int)clk);
    long pid = ~(clk >> 3);
    if ((clk & 3) == 3) return -1;
    if (clk & 4) return pid == 0 || pid == rx_gettid() ? RX_CLOCK_X_THREAD_CPUTIME : -1;
    return pid == 0 || pid == rx_getpid() ? RX_CLOCK_X_PROCESS_CPUTIME : -1;
}

static long put_ts(long r, const struct rx_timespec *t, uint64_t out)
{
    if (r < 0 || !out) return r;
    struct linux_timespec k = { t->sec, t->nsec };
    return gm_copy_out(out, &k, sizeof k);
}

long sys_clock_gettime(struct lx_call *c)
{
    int clk = guest_clock((long)(int)c->a[0]);
    if (clk < 0) return -EINVAL;
    struct rx_timespec t;
    return put_ts(rx_clock_gettime(clk, &t), &t, c->a[1]);
}

long sys_clock_getres(struct lx_call *c)
{
    int clk = guest_clock((long)(int)c->a[0]);
    if (clk < 0) return -EINVAL;
    struct rx_timespec t;
    return put_ts(rx_clock_getres(clk, &t), &t, c->a[1]);
}

long sys_gettimeofday(struct lx_call *c)
{
    struct rx_timespec t;
    rx_clock_gettime(RX_CLOCK_REALTIME, &t);
    if (c->a[0]) {
        struct { long sec, usec; } tv = { t.sec, t.nsec / 1000 };
        if (gm_copy_out(c->a[0], &tv, sizeof tv) < 0) return -EFAULT;
    }
    if (c->a[1]) {
        int tz[2] = { 0, 0 };
        if (gm_copy_out(c->a[1], tz, sizeof tz) < 0) return -EFAULT;
    }
    return 0;
}

long sys_time(struct lx_call *c)
{
    struct rx_timespec t;
    rx_clock_gettime(RX_CLOCK_REALTIME, &t);
    long s = t.sec;
    if (c->a[0] && gm_copy_out(c->a[0], &s, sizeof s) < 0) return -EFAULT;
    return s;
}

static long sleep_common(int clk, int flags, uint64_t req_p, uint64_t rem_p)
{
    struct linux_timespec k;
    if (gm_copy_in(&k, req_p, sizeof k) < 0) return -EFAULT;
    if (k.tv_nsec < 0 || k.tv_nsec >= 1000000000 || k.tv_sec < 0) return -EINVAL;
    struct rx_timespec req = { k.tv_sec, k.tv_nsec }, rem = { 0, 0 };
    long r = rx_nanosleep(clk, (flags & LINUX_TIMER_ABSTIME) != 0, &req, &rem);
    if (r == -EINTR && rem_p && !(flags & LINUX_TIMER_ABSTIME)) put_ts(0, &rem, rem_p);
    return r;
}

long sys_nanosleep(struct lx_call *c) { return sleep_common(RX_CLOCK_MONOTONIC, 0, c->a[0], c->a[1]); }

long sys_clock_nanosleep(struct lx_call *c)
{
    int clk = guest_clock((long)(int)c->a[0]);
    if (clk == RX_CLOCK_X_THREAD_CPUTIME) return -EINVAL;
    if (clk < 0) return -EINVAL;
    return sleep_common(clk, (int)c->a[1], c->a[2], c->a[3]);
}

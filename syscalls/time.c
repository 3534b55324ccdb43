/* time.c — handles: clocks and sleeps. */
#include "handler.h"
#include "../abi/linux_time.h"
#include "../abi/linux_sys.h"

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

long lx_timespec_arg(uint64_t ptr, struct rx_timespec *out)
{
    struct linux_timespec k;
    if (gm_copy_in(&k, ptr, sizeof k) < 0) return -EFAULT;
    if (k.tv_nsec < 0 || k.tv_nsec >= 1000000000 || k.tv_sec < 0) return -EINVAL;
    out->sec = k.tv_sec;
    out->nsec = k.tv_nsec;
    return 0;
}

static long sleep_common(int clk, int flags, uint64_t req_p, uint64_t rem_p)
{
    struct rx_timespec req, rem = { 0, 0 };
    long e = lx_timespec_arg(req_p, &req);
    if (e < 0) return e;
    long r = rx_nanosleep(clk, (flags & LINUX_TIMER_ABSTIME) != 0, &req, &rem);
    /* the time left goes back as Linux writes it; a bad address then is EFAULT */
    if (r == -EINTR && rem_p && !(flags & LINUX_TIMER_ABSTIME) && put_ts(0, &rem, rem_p) < 0) return -EFAULT;
    return r;
}

long sys_nanosleep(struct lx_call *c) { return sleep_common(RX_CLOCK_MONOTONIC, 0, c->a[0], c->a[1]); }

long sys_clock_nanosleep(struct lx_call *c)
{
    int clk = guest_clock((long)(int)c->a[0]);
    if (clk == RX_CLOCK_X_THREAD_CPUTIME) return -EOPNOTSUPP; /* as the kernel (libcs turn it into EINVAL) */
    if (clk < 0) return -EINVAL;
    return sleep_common(clk, (int)c->a[1], c->a[2], c->a[3]);
}

/* ---- interval timers: the system's, raising SIGALRM, SIGVTALRM, SIGPROF ---- */

static void itimer_to_linux(const struct rx_itimer *r, struct linux_itimerval *l)
{
    l->it_interval.tv_sec = r->interval.sec;
    l->it_interval.tv_usec = r->interval.nsec / 1000;
    l->it_value.tv_sec = r->value.sec;
    l->it_value.tv_usec = r->value.nsec / 1000;
}

static int itimer_which(uint64_t which)
{
    return which == LINUX_ITIMER_REAL ? RX_ITIMER_REAL : which == LINUX_ITIMER_VIRTUAL ? RX_ITIMER_VIRTUAL
         : which == LINUX_ITIMER_PROF ? RX_ITIMER_PROF : -1;
}

long sys_setitimer(struct lx_call *c)
{
    int which = itimer_which(c->a[0]);
    if (which < 0) return -EINVAL;
    struct linux_itimerval in;
    struct rx_itimer nw = { { 0, 0 }, { 0, 0 } }, old;
    if (c->a[1]) { /* NULL disarms, as Linux has allowed since 4.x */
        if (gm_copy_in(&in, c->a[1], sizeof in) < 0) return -EFAULT;
        if (in.it_value.tv_usec < 0 || in.it_value.tv_usec >= 1000000 || in.it_interval.tv_usec < 0 ||
            in.it_interval.tv_usec >= 1000000)
            return -EINVAL;
        nw.interval.sec = in.it_interval.tv_sec;
        nw.interval.nsec = in.it_interval.tv_usec * 1000;
        nw.value.sec = in.it_value.tv_sec;
        nw.value.nsec = in.it_value.tv_usec * 1000;
    }
    long r = rx_setitimer(which, &nw, &old);
    if (r < 0) return r;
    struct linux_itimerval out;
    itimer_to_linux(&old, &out);
    return c->a[2] && gm_copy_out(c->a[2], &out, sizeof out) < 0 ? -EFAULT : 0;
}

long sys_getitimer(struct lx_call *c)
{
    int which = itimer_which(c->a[0]);
    if (which < 0) return -EINVAL;
    struct rx_itimer cur;
    long r = rx_getitimer(which, &cur);
    if (r < 0) return r;
    struct linux_itimerval out;
    itimer_to_linux(&cur, &out);
    return gm_copy_out(c->a[1], &out, sizeof out);
}

/* alarm: ITIMER_REAL in whole seconds; the old one's seconds left, rounded as
 * Linux's alarm_setitimer rounds them (a fraction of half or more counts, and
 * never 0 while one is armed). */
long sys_alarm(struct lx_call *c)
{
    struct rx_itimer nw = { { 0, 0 }, { (int64_t)(uint32_t)c->a[0], 0 } }, old;
    long r = rx_setitimer(RX_ITIMER_REAL, &nw, &old);
    if (r < 0) return r;
    long secs = (long)old.value.sec;
    if ((secs == 0 && old.value.nsec) || old.value.nsec >= 500000000) secs++;
    return secs;
}

/* timer.c — handles: per-process POSIX timers (timer_create, timer_settime,
 * timer_gettime, timer_getoverrun, timer_delete).  They are the system's timers
 * (rx_timer_*), with the ids it gives; the signal one raises reaches the guest as
 * any other, with si_code SI_TIMER, si_timerid, si_overrun and the value. */
#include "../abi/linux_signal.h"
#include "../abi/linux_time.h"
#include "handler.h"

static long sigevent_in(uint64_t ptr, struct rx_sigevent *ev)
{
    struct linux_sigevent k;
    if (gm_copy_in(&k, ptr, sizeof k) < 0) return -EFAULT;
    ev->value = k.value;
    ev->signo = k.signo;
    ev->tid = 0;
    switch (k.notify) {
    case LINUX_SIGEV_NONE: ev->notify = RX_SIGEV_NONE; return 0;
    case LINUX_SIGEV_SIGNAL: case LINUX_SIGEV_THREAD: ev->notify = RX_SIGEV_SIGNAL; break;
    case LINUX_SIGEV_THREAD_ID | LINUX_SIGEV_SIGNAL: ev->notify = RX_SIGEV_THREAD_ID; ev->tid = k.un.tid; break;
    default: return -EINVAL;
    }
    return k.signo < 1 || k.signo > LINUX_NSIG ? -EINVAL : 0;
}

long sys_timer_create(struct lx_call *c)
{
    int clock = abi_clock_to_rx((int)c->a[0]);
    if (clock < 0) return -EINVAL;
    struct rx_sigevent ev;
    if (c->a[1]) {
        long r = sigevent_in(c->a[1], &ev);
        if (r < 0) return r;
    }
    long id = rx_timer_create(clock, c->a[1] ? &ev : NULL);
    if (id < 0) return id;
    int out = (int)id;
    if (out >= lx_proc.timer_ids) lx_proc.timer_ids = out + 1;
    if (gm_copy_out(c->a[2], &out, sizeof out) < 0) {
        rx_timer_delete(out);
        return -EFAULT;
    }
    return 0;
}

static int timespec_valid(const struct linux_timespec *t) { return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < 1000000000; }

long lx_itimerspec_in(uint64_t ptr, struct rx_itimer *out)
{
    struct linux_itimerspec k;
    if (gm_copy_in(&k, ptr, sizeof k) < 0) return -EFAULT;
    if (!timespec_valid(&k.it_interval) || !timespec_valid(&k.it_value)) return -EINVAL;
    *out = (struct rx_itimer){ { k.it_interval.tv_sec, k.it_interval.tv_nsec }, { k.it_value.tv_sec, k.it_value.tv_nsec } };
    return 0;
}

long lx_itimerspec_out(uint64_t ptr, const struct rx_itimer *r)
{
    struct linux_itimerspec k = { { r->interval.sec, r->interval.nsec }, { r->value.sec, r->value.nsec } };
    return gm_copy_out(ptr, &k, sizeof k);
}

long sys_timer_settime(struct lx_call *c)
{
    struct rx_itimer nw, old;
    if (!c->a[2]) return -EINVAL;
    long r = lx_itimerspec_in(c->a[2], &nw);
    if (r < 0) return r;
    r = rx_timer_settime((int)c->a[0], (c->a[1] & LINUX_TIMER_ABSTIME) != 0, &nw, &old);
    if (r < 0) return r;
    return c->a[3] && lx_itimerspec_out(c->a[3], &old) < 0 ? -EFAULT : 0;
}

long sys_timer_gettime(struct lx_call *c)
{
    struct rx_itimer cur;
    long r = rx_timer_gettime((int)c->a[0], &cur);
    return r < 0 ? r : lx_itimerspec_out(c->a[1], &cur);
}

long sys_timer_getoverrun(struct lx_call *c) { return rx_timer_getoverrun((int)c->a[0]); }
long sys_timer_delete(struct lx_call *c) { return rx_timer_delete((int)c->a[0]); }

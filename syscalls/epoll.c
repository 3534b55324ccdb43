/* epoll.c — handles: epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait, epoll_pwait2 (an event queue, rx_event_*), eventfd and eventfd2
 * (a counter handle).  Both are real handles: dup, fork, exec and close need
 * nothing of lxrun.  lxrun's own fds cannot be registered (EBADF, from the
 * table's fd guard); a wait ends with EINTR when a caught signal comes. */
#include <stdlib.h>

#include "../abi/linux_fcntl.h"
#include "../abi/linux_poll.h"
#include "../abi/linux_time.h"
#include "handler.h"

static long queue_new(int cloexec)
{
    long fd = rx_event_queue(cloexec);
    return fd < 0 ? fd : lx_fd_accept(fd);
}

long sys_epoll_create(struct lx_call *c) { return (int)c->a[0] <= 0 ? -EINVAL : queue_new(0); }

long sys_epoll_create1(struct lx_call *c)
{
    if (c->a[0] & ~(uint64_t)LINUX_EPOLL_CLOEXEC) return -EINVAL;
    return queue_new((c->a[0] & LINUX_EPOLL_CLOEXEC) != 0);
}

long sys_epoll_ctl(struct lx_call *c)
{
    int epfd = (int)c->a[0], op = (int)c->a[1], fd = (int)c->a[2];
    struct linux_epoll_event ev = { 0, 0 };
    static const enum rx_event_op ops[] = { [LINUX_EPOLL_CTL_ADD] = RX_EVENT_ADD, [LINUX_EPOLL_CTL_DEL] = RX_EVENT_DEL,
                                            [LINUX_EPOLL_CTL_MOD] = RX_EVENT_MOD };
    if (op != LINUX_EPOLL_CTL_DEL && gm_copy_in(&ev, c->a[3], sizeof ev) < 0) return -EFAULT;
    if (op < LINUX_EPOLL_CTL_ADD || op > LINUX_EPOLL_CTL_MOD) return -EINVAL;
    if (epfd == fd) return -EINVAL;
    /* EPOLLEXCLUSIVE only with ADD, and with no flag beyond the plain events and EPOLLET/WAKEUP */
    if ((ev.events & LINUX_EPOLLEXCLUSIVE) &&
        (op == LINUX_EPOLL_CTL_MOD || (ev.events & (LINUX_EPOLLONESHOT | LINUX_POLLRDHUP | LINUX_POLLPRI))))
        return -EINVAL;
    return rx_event_ctl(epfd, ops[op], fd, abi_epoll_to_rx(ev.events), ev.data);
}

/* The wait itself: ready events copied out as Linux's packed structs. */
static long wait_events(int epfd, uint64_t out, int max, const struct rx_timespec *timeout, const uint64_t *mask)
{
    if (max <= 0 || (size_t)max > (size_t)INT_MAX / sizeof(struct linux_epoll_event)) return -EINVAL;
    struct linux_epoll_event *g = gm_lock_write(out, (size_t)max * sizeof *g);
    if (!g) return -EFAULT;
    struct rx_event room[LX_WAIT_ON_STACK];
    struct rx_event *ev = (size_t)max <= sizeof room / sizeof room[0] ? room : malloc((size_t)max * sizeof *ev);
    if (!ev) return -ENOMEM;
    long r = rx_event_wait(epfd, ev, max, timeout, mask);
    for (long i = 0; i < r; i++) {
        struct linux_epoll_event k = { abi_epoll_from_rx(ev[i].events), ev[i].data };
        memcpy(&g[i], &k, sizeof k);
    }
    if (ev != room) free(ev);
    return r;
}

static long ms_timeout(int ms, struct rx_timespec *ts, struct rx_timespec **tp)
{
    *tp = NULL;
    if (ms < 0) return 0;
    *ts = (struct rx_timespec){ ms / 1000, (long)(ms % 1000) * 1000000 };
    *tp = ts;
    return 0;
}

long sys_epoll_wait(struct lx_call *c)
{
    struct rx_timespec ts, *tp;
    ms_timeout((int)c->a[3], &ts, &tp);
    return wait_events((int)c->a[0], c->a[1], (int)c->a[2], tp, NULL);
}

long sys_epoll_pwait(struct lx_call *c)
{
    struct rx_timespec ts, *tp;
    uint64_t m;
    const uint64_t *mask;
    ms_timeout((int)c->a[3], &ts, &tp);
    long r = lx_wait_sigmask_begin(c, c->a[4], c->a[5], &m, &mask);
    if (r == 0) r = wait_events((int)c->a[0], c->a[1], (int)c->a[2], tp, mask);
    return lx_wait_sigmask_end(c, r);
}

long sys_epoll_pwait2(struct lx_call *c)
{
    struct rx_timespec ts, *tp = NULL;
    uint64_t m;
    const uint64_t *mask;
    long r;
    if (c->a[3]) {
        if ((r = lx_timespec_arg(c->a[3], &ts)) < 0) return r;
        tp = &ts;
    }
    if ((r = lx_wait_sigmask_begin(c, c->a[4], c->a[5], &m, &mask)) == 0)
        r = wait_events((int)c->a[0], c->a[1], (int)c->a[2], tp, mask);
    return lx_wait_sigmask_end(c, r);
}

static long counter_new(unsigned initial, uint64_t flags)
{
    if (flags & ~(uint64_t)(LINUX_EFD_SEMAPHORE | LINUX_EFD_NONBLOCK | LINUX_EFD_CLOEXEC)) return -EINVAL;
    int rx = (flags & LINUX_EFD_CLOEXEC ? RX_O_CLOEXEC : 0) | (flags & LINUX_EFD_NONBLOCK ? RX_O_NONBLOCK : 0) |
             (flags & LINUX_EFD_SEMAPHORE ? RX_COUNTER_SEMAPHORE : 0);
    long fd = rx_counter(initial, rx);
    return fd < 0 ? fd : lx_fd_accept(fd);
}

long sys_eventfd(struct lx_call *c) { return counter_new((unsigned)c->a[0], 0); }
long sys_eventfd2(struct lx_call *c) { return counter_new((unsigned)c->a[0], c->a[1]); }

/* poll.c — POLL* bits between Linux's and Redox's (rx.h) numbering. */
#include "linux_poll.h"

#include "../redox/rx.h"

static const struct { int lx, rx; } bits[] = {
    { LINUX_POLLIN, RX_POLLIN },         { LINUX_POLLPRI, RX_POLLPRI },       { LINUX_POLLOUT, RX_POLLOUT },
    { LINUX_POLLERR, RX_POLLERR },       { LINUX_POLLHUP, RX_POLLHUP },       { LINUX_POLLNVAL, RX_POLLNVAL },
    { LINUX_POLLRDNORM, RX_POLLRDNORM }, { LINUX_POLLRDBAND, RX_POLLRDBAND }, { LINUX_POLLWRNORM, RX_POLLWRNORM },
    { LINUX_POLLWRBAND, RX_POLLWRBAND }, { LINUX_POLLRDHUP, RX_POLLX_RDHUP },
};

int abi_poll_to_rx(int linux_events)
{
    int out = 0;
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (linux_events & bits[i].lx) out |= bits[i].rx;
    return out;
}

int abi_poll_from_rx(int rx_events)
{
    int out = 0;
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (rx_events & bits[i].rx) out |= bits[i].lx;
    return out;
}

static const struct { unsigned lx, rx; } epoll_bits[] = {
    { LINUX_POLLIN, RX_EVENT_READ },            { LINUX_POLLOUT, RX_EVENT_WRITE },
    { LINUX_POLLPRI, RX_EVENT_X_PRI },          { LINUX_POLLERR, RX_EVENT_X_ERR },
    { LINUX_POLLHUP, RX_EVENT_X_HUP },          { LINUX_POLLRDHUP, RX_EVENT_X_RDHUP },
    { LINUX_POLLRDNORM, RX_EVENT_X_RDNORM },    { LINUX_POLLRDBAND, RX_EVENT_X_RDBAND },
    { LINUX_POLLWRNORM, RX_EVENT_X_WRNORM },    { LINUX_POLLWRBAND, RX_EVENT_X_WRBAND },
    { LINUX_EPOLLMSG, RX_EVENT_X_MSG },         { LINUX_EPOLLET, RX_EVENT_X_EDGE },
    { LINUX_EPOLLONESHOT, RX_EVENT_X_ONESHOT }, { LINUX_EPOLLEXCLUSIVE, RX_EVENT_X_EXCLUSIVE },
    { LINUX_EPOLLWAKEUP, RX_EVENT_X_WAKEUP },
};

unsigned abi_epoll_to_rx(unsigned linux_events)
{
    unsigned out = 0;
    for (unsigned i = 0; i < sizeof epoll_bits / sizeof epoll_bits[0]; i++)
        if (linux_events & epoll_bits[i].lx) out |= epoll_bits[i].rx;
    return out;
}

unsigned abi_epoll_from_rx(unsigned rx_events)
{
    unsigned out = 0;
    for (unsigned i = 0; i < sizeof epoll_bits / sizeof epoll_bits[0]; i++)
        if (rx_events & epoll_bits[i].rx) out |= epoll_bits[i].lx;
    return out;
}

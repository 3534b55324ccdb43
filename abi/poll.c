/* poll.c — POLL* and EPOLL* bits between Linux's and Redox's (rx.h) numbering. */
#include "linux_poll.h"

#include <stddef.h>

#include "../redox/rx.h"

struct bit_pair { unsigned lx, rx; };

/* Every bit of v set in one column of the table, as the other column's bits. */
static unsigned map_bits(const struct bit_pair *t, size_t n, unsigned v, int to_rx)
{
    unsigned out = 0;
    for (size_t i = 0; i < n; i++)
        if (v & (to_rx ? t[i].lx : t[i].rx)) out |= to_rx ? t[i].rx : t[i].lx;
    return out;
}

static const struct bit_pair bits[] = {
    { LINUX_POLLIN, RX_POLLIN },         { LINUX_POLLPRI, RX_POLLPRI },       { LINUX_POLLOUT, RX_POLLOUT },
    { LINUX_POLLERR, RX_POLLERR },       { LINUX_POLLHUP, RX_POLLHUP },       { LINUX_POLLNVAL, RX_POLLNVAL },
    { LINUX_POLLRDNORM, RX_POLLRDNORM }, { LINUX_POLLRDBAND, RX_POLLRDBAND }, { LINUX_POLLWRNORM, RX_POLLWRNORM },
    { LINUX_POLLWRBAND, RX_POLLWRBAND }, { LINUX_POLLRDHUP, RX_POLLX_RDHUP },
};

int abi_poll_to_rx(int linux_events) { return (int)map_bits(bits, sizeof bits / sizeof bits[0], (unsigned)linux_events, 1); }
int abi_poll_from_rx(int rx_events) { return (int)map_bits(bits, sizeof bits / sizeof bits[0], (unsigned)rx_events, 0); }

static const struct bit_pair epoll_bits[] = {
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
    return map_bits(epoll_bits, sizeof epoll_bits / sizeof epoll_bits[0], linux_events, 1);
}

unsigned abi_epoll_from_rx(unsigned rx_events)
{
    return map_bits(epoll_bits, sizeof epoll_bits / sizeof epoll_bits[0], rx_events, 0);
}

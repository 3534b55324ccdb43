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

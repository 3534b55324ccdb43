/* socket.c — socket flag and option numbers between Linux's and rx.h's. */
#include "linux_socket.h"

#include "../redox/rx.h"

static const struct { int lx, rx; } msg_bits[] = {
    { LINUX_MSG_OOB, RX_MSG_OOB },         { LINUX_MSG_PEEK, RX_MSG_PEEK },       { LINUX_MSG_CTRUNC, RX_MSG_CTRUNC },
    { LINUX_MSG_TRUNC, RX_MSG_TRUNC },     { LINUX_MSG_DONTWAIT, RX_MSG_X_DONTWAIT }, { LINUX_MSG_EOR, RX_MSG_EOR },
    { LINUX_MSG_WAITALL, RX_MSG_WAITALL }, { LINUX_MSG_NOSIGNAL, RX_MSG_X_NOSIGNAL },
};

int abi_msg_flags_to_rx(int linux_flags)
{
    int out = 0, known = 0;
    for (unsigned i = 0; i < sizeof msg_bits / sizeof msg_bits[0]; i++) {
        known |= msg_bits[i].lx;
        if (linux_flags & msg_bits[i].lx) out |= msg_bits[i].rx;
    }
    return linux_flags & ~known ? -1 : out;
}

int abi_msg_flags_from_rx(int rx_flags)
{
    int out = 0;
    for (unsigned i = 0; i < sizeof msg_bits / sizeof msg_bits[0]; i++)
        if (rx_flags & msg_bits[i].rx) out |= msg_bits[i].lx;
    return out;
}

static const struct { int lx, rx; } options[] = {
    { LINUX_SO_TYPE, RX_SO_TYPE },         { LINUX_SO_ERROR, RX_SO_ERROR },       { LINUX_SO_SNDBUF, RX_SO_SNDBUF },
    { LINUX_SO_RCVBUF, RX_SO_RCVBUF },     { LINUX_SO_PASSCRED, RX_SO_PASSCRED }, { LINUX_SO_PEERCRED, RX_SO_PEERCRED },
    { LINUX_SO_RCVTIMEO, RX_SO_RCVTIMEO }, { LINUX_SO_SNDTIMEO, RX_SO_SNDTIMEO }, { LINUX_SO_ACCEPTCONN, RX_SO_ACCEPTCONN },
    { LINUX_SO_PROTOCOL, RX_SO_PROTOCOL }, { LINUX_SO_DOMAIN, RX_SO_DOMAIN },
};

int abi_sockopt_to_rx(int linux_opt)
{
    for (unsigned i = 0; i < sizeof options / sizeof options[0]; i++)
        if (options[i].lx == linux_opt) return options[i].rx;
    return -1;
}

/* oflags.c — open flags between Linux's values and rx.h's (Redox's), by table. */
#include "linux_fcntl.h"

#include "../redox/rx.h"

static const struct { int linux_bit, rx_bit; } oflag_bits[] = {
    { LINUX_O_CREAT, RX_O_CREAT },         { LINUX_O_EXCL, RX_O_EXCL },
    { LINUX_O_NOCTTY, RX_O_NOCTTY },       { LINUX_O_TRUNC, RX_O_TRUNC },
    { LINUX_O_APPEND, RX_O_APPEND },       { LINUX_O_NONBLOCK, RX_O_NONBLOCK },
    { LINUX_O_DSYNC, RX_O_X_DSYNC },       { LINUX_FASYNC, RX_O_ASYNC },
    { LINUX_O_DIRECT, RX_O_X_DIRECT },     { LINUX_O_LARGEFILE, RX_O_X_LARGEFILE },
    { LINUX_O_DIRECTORY, RX_O_DIRECTORY }, { LINUX_O_NOFOLLOW, RX_O_NOFOLLOW },
    { LINUX_O_NOATIME, RX_O_X_NOATIME },   { LINUX_O_CLOEXEC, RX_O_CLOEXEC },
    { LINUX___O_SYNC, RX_O_FSYNC },        { LINUX_O_PATH, RX_O_PATH },
    { LINUX___O_TMPFILE, RX_O_X_TMPFILE },
};
#define NBITS (sizeof oflag_bits / sizeof oflag_bits[0])

int abi_oflags_to_rx(int linux_flags)
{
    static const int acc[4] = { RX_O_RDONLY, RX_O_WRONLY, RX_O_RDWR, RX_O_RDWR };
    int r = acc[linux_flags & LINUX_O_ACCMODE];
    for (unsigned i = 0; i < NBITS; i++)
        if (linux_flags & oflag_bits[i].linux_bit) r |= oflag_bits[i].rx_bit;
    return r;
}

int abi_oflags_from_rx(int rx_flags)
{
    int acc = rx_flags & RX_O_ACCMODE;
    int r = acc == RX_O_WRONLY ? LINUX_O_WRONLY : acc == RX_O_RDWR ? LINUX_O_RDWR : LINUX_O_RDONLY;
    for (unsigned i = 0; i < NBITS; i++)
        if (rx_flags & oflag_bits[i].rx_bit) r |= oflag_bits[i].linux_bit;
    return r;
}

int abi_fdflags_to_rx(int linux_fdflags) { return linux_fdflags & LINUX_FD_CLOEXEC ? RX_FD_CLOEXEC : 0; }
int abi_fdflags_from_rx(int rx_fdflags) { return rx_fdflags & RX_FD_CLOEXEC ? LINUX_FD_CLOEXEC : 0; }

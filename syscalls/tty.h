/* tty.h — the terminal's ioctl requests. */
#ifndef LXRUN_TTY_H
#define LXRUN_TTY_H

#include <stdint.h>

/* Serves req on fd as a terminal's (ENOTTY from the handle if it is none), or
 * returns LX_IOCTL_NOT_MINE for a request that is not a terminal's; nr is the
 * call's number, for what is recorded. */
long lx_tty_ioctl(long nr, int fd, unsigned req, uint64_t arg);
/* TCGETS alone: TLS-free, so sys_ioctl serves it on the guest's FS. */
long lx_tty_tcgets(int fd, uint64_t arg);

/* The interface requests on a socket (net_ioctl.c), or LX_IOCTL_NOT_MINE. */
long lx_net_ioctl(long nr, int fd, unsigned req, uint64_t arg);

#endif

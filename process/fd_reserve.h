/* fd_reserve.h — lxrun's own fds live at the top of the fd space, above a floor
 * the guest never sees (DESIGN invariant 4). */
#ifndef LXRUN_FD_RESERVE_H
#define LXRUN_FD_RESERVE_H

#include <errno.h>
#include <stdint.h>

#include "../redox/rx.h"

#define LX_FD_RESERVED 64 /* how many fds at the top are lxrun's */

extern int lx_fd_floor;   /* guest fds are < lx_fd_floor */
extern int lx_fd_limit;   /* the guest's soft RLIMIT_NOFILE (<= floor): new guest fds are below it */
/* Every guest fd is below it: the highest soft limit the guest has had, or above
 * an fd it inherited at start.  What an exec scans for close-on-exec fds. */
extern int lx_fd_scan_end;
/* The guest's soft limit is now limit (raised, or lowered: fds above it stay). */
void lx_fd_limit_set(int limit);

/* Raises lxrun's soft fd limit to the hard one and sets the floor below it. */
int lx_fd_reserve_init(void);
/* Moves one of lxrun's fds above the floor (close-on-exec); the new fd or -errno. */
int lx_fd_move_high(int fd);

static inline int lx_fd_is_guest(long fd) { return fd >= 0 && fd < lx_fd_floor; }

/* A new guest fd as the kernel would hand it out: one at or above the guest's
 * RLIMIT_NOFILE is closed again and the call fails with EMFILE. */
static inline long lx_fd_accept(long fd)
{
    if (fd >= lx_fd_limit) { rx_close((int)fd); return -EMFILE; }
    return fd;
}

#endif

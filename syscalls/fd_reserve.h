/* fd_reserve.h — lxrun's own fds live at the top of the fd space, above a floor
 * the guest never sees (DESIGN invariant 4). */
#ifndef LXRUN_FD_RESERVE_H
#define LXRUN_FD_RESERVE_H

#include <stdint.h>

#define LX_FD_RESERVED 64 /* how many fds at the top are lxrun's */

extern int lx_fd_floor;   /* guest fds are < lx_fd_floor */
extern uint64_t lx_fd_guest_soft; /* the soft RLIMIT_NOFILE the guest started with */

/* Raises lxrun's soft fd limit to the hard one and sets the floor below it. */
int lx_fd_reserve_init(void);
/* Moves one of lxrun's fds above the floor (close-on-exec); the new fd or -errno. */
int lx_fd_move_high(int fd);

static inline int lx_fd_is_guest(long fd) { return fd >= 0 && fd < lx_fd_floor; }

#endif

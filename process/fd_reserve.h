/* fd_reserve.h — lxrun's own fds live just above the guest's, above a floor the
 * guest never sees (DESIGN invariant 4).  The floor starts above every fd the
 * guest inherited and rises, moving lxrun's fds, only when the guest reaches it:
 * the kernel's file table stays as wide as the guest's use of it, where fds at
 * the top of a hard limit of a million made every fork copy a table that wide. */
#ifndef LXRUN_FD_RESERVE_H
#define LXRUN_FD_RESERVE_H

#include <errno.h>
#include <stdint.h>

#include "../redox/rx.h"

#define LX_FD_RESERVED 64  /* room kept above the highest floor for lxrun's fds */
#define LX_FD_FLOOR_MIN 256 /* the lowest floor: most programs never reach it (bash's 255 included) */

extern int lx_fd_floor;   /* every guest fd is below it; lxrun's are at or above it */
extern int lx_fd_ceiling; /* the highest floor: the guest's hard RLIMIT_NOFILE */
extern int lx_fd_limit;   /* the guest's soft RLIMIT_NOFILE (<= ceiling): new guest fds are below it */

/* The guest's soft limit is now limit (raised, or lowered: fds above it stay). */
void lx_fd_limit_set(int limit);

/* Raises lxrun's soft fd limit to the hard one and sets the floor: `floor`
 * (handed over by the lxrun before an exec), or 0 for above every inherited fd. */
int lx_fd_reserve_init(int floor);
/* Moves one of lxrun's fds above the floor (close-on-exec); the new fd or -errno. */
int lx_fd_move_high(int fd);
/* Makes fd a possible guest fd: the floor rises above it (doubling, at most to
 * the ceiling) and every fd lxrun keeps moves above the new floor.  0 or -EMFILE. */
int lx_fd_make_room(int fd);
/* A new guest fd the kernel placed at or above the floor (every lower one was in
 * use): the floor rises and the fd takes the lowest number a table without
 * lxrun's fds would have given it. */
long lx_fd_settle(long fd);

static inline int lx_fd_is_guest(long fd) { return fd >= 0 && fd < lx_fd_floor; }

/* A new guest fd as the kernel would hand it out: one at or above the guest's
 * RLIMIT_NOFILE is closed again and the call fails with EMFILE. */
static inline long lx_fd_accept(long fd)
{
    if (fd >= lx_fd_floor) fd = lx_fd_settle(fd);
    if (fd >= lx_fd_limit) { rx_close((int)fd); return -EMFILE; }
    return fd;
}

/* Both fds of a new pair (pipe, socketpair), as lx_fd_accept; 0 or -errno (both closed). */
static inline long lx_fd_accept_pair(int fds[2])
{
    long a = lx_fd_accept(fds[0]);
    if (a < 0) {
        rx_close(fds[1]);
        return a;
    }
    long b = lx_fd_accept(fds[1]);
    if (b < 0) {
        rx_close((int)a);
        return b;
    }
    fds[0] = (int)a;
    fds[1] = (int)b;
    return 0;
}

#endif

/* handler.h — what every handler file includes: the call, guest memory access,
 * the OS door, the guest's namespace, and the recorder. */
#ifndef LXRUN_HANDLER_H
#define LXRUN_HANDLER_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../guestmem/access.h"
#include "../process/fd_table.h"
#include "../redox/rx.h"
#include "../report/record.h"
#include "../vfs-map/vfs.h"
#include "dispatch.h"
#include "../process/fd_reserve.h"
#include "../trap/fs_call.h"
#include "table.h"

#define LX_AT_FDCWD (-100)

/* A guest path argument copied in and resolved; on error returns a negative errno. */
struct lx_path {
    char guest[PATH_MAX];
    struct vfs_target t;
};
long lx_path_arg(uint64_t guest_ptr, int dirfd, struct lx_path *p);
/* The same for a name operation (mkdir, unlink, rename, link, symlink, readlink,
 * mknod): p->t is then (parent directory, last component), see vfs_parent; the
 * caller ends with vfs_release(&p->t) once it returned 0. */
long lx_name_arg(uint64_t guest_ptr, int dirfd, struct lx_path *p);
/* The stat of a guest path argument relative to dirfd, as the stat family sees it
 * (atflags: LINUX_AT_SYMLINK_NOFOLLOW, LINUX_AT_EMPTY_PATH); 0 or a negative errno. */
long lx_stat_at(int dirfd, uint64_t path_ptr, int atflags, struct rx_stat *st);
/* A guest struct timespec argument, checked as Linux checks it (-EFAULT, -EINVAL
 * for a negative or out-of-range value); 0. */
long lx_timespec_arg(uint64_t ptr, struct rx_timespec *out);
/* The blocked set a wait takes from its caller (ppoll, pselect6, epoll_pwait,
 * epoll_pwait2; Linux's set_user_sigmask): the guest sigset at ptr (0: none, then
 * *host is NULL; its size must be 8) is the guest's until the call returns -- a
 * handler's frame then holds the set before -- and *host, in room, the set the
 * host waits with.  0, or -errno for the call to return through
 * lx_wait_sigmask_end: -EINTR when the set lets through a signal lxrun holds. */
long lx_wait_sigmask_begin(struct lx_call *c, uint64_t ptr, uint64_t size, uint64_t *room, const uint64_t **host);
/* The end of such a wait with r: the set before comes back at once unless r is
 * -EINTR, whose handler's frame brings it back (Linux's
 * restore_saved_sigmask_unless).  r. */
long lx_wait_sigmask_end(struct lx_call *c, long r);

/* A wait on this many fds (poll.c) or for this many events (epoll.c) or fewer
 * allocates nothing: a calloc and a free were a third of a poll's added cost
 * (~300 ns), and the first ones a mapping each. */
#define LX_WAIT_ON_STACK 64
/* CLOCK_MONOTONIC in nanoseconds, for deadlines (poll.c). */
int64_t lx_monotonic_ns(void);
/* A guest struct itimerspec in (-EFAULT, or -EINVAL for a value Linux refuses) and
 * out (timer.c). */
struct rx_itimer;
long lx_itimerspec_in(uint64_t ptr, struct rx_itimer *out);
long lx_itimerspec_out(uint64_t ptr, const struct rx_itimer *r);
/* readv/writev (writing) on fd from a guest iovec array of cnt entries, at off
 * (-1: the fd's offset): bytes moved or a negative errno (fs_rw.c). */
long lx_vector_io(int fd, uint64_t iov_ptr, long cnt, int64_t off, int writing);

#endif

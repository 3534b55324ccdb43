/* fs_open.c — handles: open, close, dup, pipes, fcntl, flock. */
#include <fcntl.h>

#include "handler.h"

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

static long do_openat(int dirfd, uint64_t path, int flags, unsigned mode)
{
    struct lx_path p;
    long r = lx_path_arg(path, dirfd, &p);
    if (r < 0) return r;
    return lx_fd_accept(vfs_open(&p.t, flags, mode));
}

long sys_open(struct lx_call *c) { return do_openat(LX_AT_FDCWD, c->a[0], (int)c->a[1], (unsigned)c->a[2]); }
long sys_openat(struct lx_call *c) { return do_openat((int)c->a[0], c->a[1], (int)c->a[2], (unsigned)c->a[3]); }
long sys_creat(struct lx_call *c)
{
    return do_openat(LX_AT_FDCWD, c->a[0], O_CREAT | O_WRONLY | O_TRUNC, (unsigned)c->a[1]);
}

long sys_close(struct lx_call *c) { return rx_close((int)c->a[0]); }

long sys_close_range(struct lx_call *c)
{
    unsigned lo = (unsigned)c->a[0], hi = (unsigned)c->a[1], flags = (unsigned)c->a[2];
    if (lo > hi || (flags & ~6u)) return -EINVAL;
    if (flags & 2u) lx_record_partial(c->nr, "CLOSE_RANGE_UNSHARE");
    if (lo >= (unsigned)lx_fd_floor) return 0;
    if (hi >= (unsigned)lx_fd_floor) hi = (unsigned)lx_fd_floor - 1;
    return rx_close_range((int)lo, (int)hi, (flags & 4u) != 0);
}

long sys_dup(struct lx_call *c)
{
    long fd = rx_dup((int)c->a[0], "");
    return lx_fd_accept(fd);
}

static long do_dup3(int old, int new, int flags)
{
    if (new < 0 || new >= lx_fd_limit) return -EBADF; /* as Linux: beyond RLIMIT_NOFILE */
    return rx_dup2(old, new, (flags & O_CLOEXEC) != 0);
}

long sys_dup2(struct lx_call *c)
{
    int old = (int)c->a[0], new = (int)c->a[1];
    if (old == new) return rx_fcntl(old, F_GETFD, 0) < 0 ? -EBADF : new;
    return do_dup3(old, new, 0);
}

long sys_dup3(struct lx_call *c)
{
    int flags = (int)c->a[2];
    if (c->a[0] == c->a[1] || (flags & ~O_CLOEXEC)) return -EINVAL;
    return do_dup3((int)c->a[0], (int)c->a[1], flags);
}

static long do_pipe2(uint64_t ptr, int flags)
{
    int fds[2];
    if (!gm_lock_write(ptr, sizeof fds)) return -EFAULT;
    long r = rx_pipe2(fds, flags);
    if (r < 0) return r;
    if (fds[0] >= lx_fd_limit || fds[1] >= lx_fd_limit) { rx_close(fds[0]); rx_close(fds[1]); return -EMFILE; }
    return gm_copy_out(ptr, fds, sizeof fds);
}

long sys_pipe(struct lx_call *c) { return do_pipe2(c->a[0], 0); }
long sys_pipe2(struct lx_call *c) { return do_pipe2(c->a[0], (int)c->a[1]); }

long sys_fcntl(struct lx_call *c)
{
    int fd = (int)c->a[0], cmd = (int)c->a[1];
    uint64_t arg = c->a[2];
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if ((long)arg < 0 || (long)arg >= lx_fd_limit) return -EINVAL;
        long r = rx_fcntl(fd, cmd, (long)arg);
        return lx_fd_accept(r);
    }
    case F_GETLK: case F_SETLK: case F_SETLKW:
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
        struct flock fl;
        if (gm_copy_in(&fl, arg, sizeof fl) < 0) return -EFAULT;
        long r = rx_fcntl(fd, cmd, (long)&fl);
        if (r >= 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK) && gm_copy_out(arg, &fl, sizeof fl) < 0)
            return -EFAULT;
        return r;
    }
    case F_GETFD: case F_SETFD: case F_GETFL: case F_SETFL:
    case F_GETPIPE_SZ: case F_SETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
    case F_GETOWN: case F_SETOWN: case F_GETSIG: case F_SETSIG:
    case F_GETLEASE: case F_SETLEASE: case F_NOTIFY:
        return rx_fcntl(fd, cmd, (long)arg);
    default:
        lx_record_partial(c->nr, "unknown fcntl command");
        return -EINVAL;
    }
}

long sys_flock(struct lx_call *c) { return rx_flock((int)c->a[0], (int)c->a[1]); }

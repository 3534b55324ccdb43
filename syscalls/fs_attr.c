/* fs_attr.c — handles: mode, owner, times, umask.  Path forms open the target
 * with O_PATH and act on the handle, as relibc does on Redox. */
#include "../abi/linux_fcntl.h"

#include "handler.h"

#ifndef UTIME_NOW
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

static long open_path(int dirfd, uint64_t path, int nofollow, int empty_ok, int *owned)
{
    struct lx_path p;
    *owned = 0;
    long r = gm_string_in(p.guest, path, sizeof p.guest);
    if (r < 0) return r;
    if (r == 0) {
        if (!empty_ok) return -ENOENT;
        if (dirfd == LX_AT_FDCWD) strcpy(p.guest, ".");
        else return lx_fd_is_guest(dirfd) ? dirfd : -EBADF;
    }
    if (dirfd != LX_AT_FDCWD && !lx_fd_is_guest(dirfd) && p.guest[0] != '/') return -EBADF;
    r = vfs_resolve(dirfd == LX_AT_FDCWD ? RX_AT_CWD : dirfd, p.guest, &p.t);
    if (r < 0) return r;
    long fd = vfs_open(&p.t, RX_O_PATH | RX_O_CLOEXEC | (nofollow ? RX_O_NOFOLLOW : 0), 0);
    if (fd >= 0) *owned = 1;
    return fd;
}

static long chmod_at(int dirfd, uint64_t path, unsigned mode, int flags)
{
    if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) return -EINVAL;
    int owned, nofollow = (flags & LINUX_AT_SYMLINK_NOFOLLOW) != 0;
    long fd = open_path(dirfd, path, nofollow, (flags & LINUX_AT_EMPTY_PATH) != 0, &owned);
    if (fd < 0) return fd;
    struct rx_stat st;
    long r = 0;
    /* a link's own mode cannot change (fchmodat2's EOPNOTSUPP) */
    if (nofollow && (r = rx_fstat((int)fd, &st)) == 0 && RX_MODE_IS(st.mode, RX_MODE_SYMLINK)) r = -EOPNOTSUPP;
    if (r == 0) r = rx_fchmod((int)fd, mode & 07777);
    if (owned) rx_close((int)fd);
    return r;
}

long sys_chmod(struct lx_call *c) { return chmod_at(LX_AT_FDCWD, c->a[0], (unsigned)c->a[1], 0); }
long sys_fchmodat(struct lx_call *c) { return chmod_at((int)c->a[0], c->a[1], (unsigned)c->a[2], 0); }
long sys_fchmodat2(struct lx_call *c) { return chmod_at((int)c->a[0], c->a[1], (unsigned)c->a[2], (int)c->a[3]); }

/* Linux refuses O_PATH handles to fchmod, fchown and futimens (EBADF); the
 * backend's handle operations accept them, as the path forms above need. */
static long not_opath(int fd)
{
    long fl = rx_fcntl(fd, RX_F_GETFL, 0);
    if (fl < 0) return fl;
    return (fl & RX_O_PATH) ? -EBADF : 0;
}

long sys_fchmod(struct lx_call *c)
{
    long r = not_opath((int)c->a[0]);
    return r < 0 ? r : rx_fchmod((int)c->a[0], (unsigned)c->a[1] & 07777);
}

static long chown_at(int dirfd, uint64_t path, long uid, long gid, int flags)
{
    if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) return -EINVAL;
    int owned;
    long fd = open_path(dirfd, path, (flags & LINUX_AT_SYMLINK_NOFOLLOW) != 0, (flags & LINUX_AT_EMPTY_PATH) != 0, &owned);
    if (fd < 0) return fd;
    long r = rx_fchown((int)fd, (int)uid, (int)gid);
    if (owned) rx_close((int)fd);
    return r;
}

long sys_chown(struct lx_call *c) { return chown_at(LX_AT_FDCWD, c->a[0], (long)c->a[1], (long)c->a[2], 0); }
long sys_lchown(struct lx_call *c)
{
    return chown_at(LX_AT_FDCWD, c->a[0], (long)c->a[1], (long)c->a[2], LINUX_AT_SYMLINK_NOFOLLOW);
}
long sys_fchownat(struct lx_call *c)
{
    return chown_at((int)c->a[0], c->a[1], (long)c->a[2], (long)c->a[3], (int)c->a[4]);
}
long sys_fchown(struct lx_call *c)
{
    long r = not_opath((int)c->a[0]);
    return r < 0 ? r : rx_fchown((int)c->a[0], (int)c->a[1], (int)c->a[2]);
}

/* The access and modification times (tp: both, or NULL for now) of path at
 * dirfd, or of dirfd itself when path is NULL, as utimensat sets them. */
static long set_times(int dirfd, uint64_t path, const struct rx_timespec *tp, int flags)
{
    if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) return -EINVAL;
    int owned = 0;
    long fd;
    if (path == 0) { /* utimensat(fd, NULL, …): the fd itself, as futimens */
        if (dirfd == LX_AT_FDCWD) return -EFAULT;
        if (!lx_fd_is_guest(dirfd)) return -EBADF;
        if (flags) return -EINVAL;
        long r = not_opath(dirfd);
        if (r < 0) return r;
        fd = dirfd;
    } else
        fd = open_path(dirfd, path, (flags & LINUX_AT_SYMLINK_NOFOLLOW) != 0, (flags & LINUX_AT_EMPTY_PATH) != 0, &owned);
    if (fd < 0) return fd;
    long r = rx_futimens((int)fd, tp);
    if (owned) rx_close((int)fd);
    return r;
}

long sys_utimensat(struct lx_call *c)
{
    struct rx_timespec ts[2], *tp = NULL;
    if (c->a[2]) {
        struct { int64_t sec, nsec; } k[2];
        if (gm_copy_in(k, c->a[2], sizeof k) < 0) return -EFAULT;
        for (int i = 0; i < 2; i++) {
            if (k[i].nsec != UTIME_NOW && k[i].nsec != UTIME_OMIT && (k[i].nsec < 0 || k[i].nsec >= 1000000000))
                return -EINVAL;
            ts[i].sec = k[i].sec;
            ts[i].nsec = k[i].nsec;
        }
        tp = ts;
    }
    return set_times((int)c->a[0], c->a[1], tp, (int)c->a[3]);
}

/* utimes and futimesat: two struct timevals (microseconds below a million). */
static long set_times_tv(int dirfd, uint64_t path, uint64_t tvs)
{
    struct rx_timespec ts[2], *tp = NULL;
    if (tvs) {
        struct { int64_t sec, usec; } k[2];
        if (gm_copy_in(k, tvs, sizeof k) < 0) return -EFAULT;
        for (int i = 0; i < 2; i++) {
            if (k[i].usec < 0 || k[i].usec >= 1000000) return -EINVAL;
            ts[i].sec = k[i].sec;
            ts[i].nsec = k[i].usec * 1000;
        }
        tp = ts;
    }
    return set_times(dirfd, path, tp, 0);
}

long sys_utimes(struct lx_call *c) { return set_times_tv(LX_AT_FDCWD, c->a[0], c->a[1]); }
long sys_futimesat(struct lx_call *c) { return set_times_tv((int)c->a[0], c->a[1], c->a[2]); }

/* utime: struct utimbuf, whole seconds. */
long sys_utime(struct lx_call *c)
{
    struct rx_timespec ts[2], *tp = NULL;
    if (c->a[1]) {
        int64_t k[2]; /* actime, modtime */
        if (gm_copy_in(k, c->a[1], sizeof k) < 0) return -EFAULT;
        ts[0] = (struct rx_timespec){ k[0], 0 };
        ts[1] = (struct rx_timespec){ k[1], 0 };
        tp = ts;
    }
    return set_times(LX_AT_FDCWD, c->a[0], tp, 0);
}

long sys_umask(struct lx_call *c) { return rx_umask((unsigned)c->a[0] & 0777); }

/* fs_open.c — handles: open, close, dup, pipes, fcntl, flock. */
#include "handler.h"
#include "../procfs/procfs.h"
#include "../abi/linux_fcntl.h"
#include "../process/ptable.h"

struct open_args { int dirfd; uint64_t path; int flags; };

static long text_busy_look(void *a)
{
    struct open_args *o = a;
    struct rx_stat st;
    if (lx_stat_at(o->dirfd, o->path, o->flags & LINUX_O_NOFOLLOW ? LINUX_AT_SYMLINK_NOFOLLOW : 0, &st) < 0) return 0;
    return (st.mode & RX_MODE_TYPE) == RX_MODE_FILE && lx_ptable_text_busy(st.dev, st.ino) ? -ETXTBSY : 0;
}

/* Writing to a program that a process of the session runs: ETXTBSY, as Linux
 * denies it (checked before the open, which could truncate it). */
static long text_busy(int dirfd, uint64_t path, int flags)
{
    if ((flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY && !(flags & LINUX_O_TRUNC)) return 0;
    if (lx_proc.opts.ptable_fd < 0) return 0; /* no session table: nothing runs but this */
    struct open_args o = { dirfd, path, flags };
    return lx_fs_call(text_busy_look, &o); /* the table may have to be mapped */
}

static long claim(void *fd) { return procfs_claim_open((long)fd); }

static long do_openat(int dirfd, uint64_t path, int flags, unsigned mode)
{
    struct lx_path p;
    long r = lx_path_arg(path, dirfd, &p);
    if (r < 0) return r;
    if ((r = text_busy(dirfd, path, flags)) < 0) return r;
    long fd = lx_fd_accept(vfs_open(&p.t, abi_oflags_to_rx(flags), mode));
    if (fd >= 0 && p.t.node) lx_fs_call(claim, (void *)fd); /* an emulated node: its fd-table entry */
    if (fd >= 0 && ((flags & LINUX_O_PATH) || p.t.node)) lx_proc.path_fds = 1; /* an exec's poll would miss it */
    return fd;
}

long sys_open(struct lx_call *c) { return do_openat(LX_AT_FDCWD, c->a[0], (int)c->a[1], (unsigned)c->a[2]); }
long sys_openat(struct lx_call *c) { return do_openat((int)c->a[0], c->a[1], (int)c->a[2], (unsigned)c->a[3]); }
long sys_creat(struct lx_call *c)
{
    return do_openat(LX_AT_FDCWD, c->a[0], LINUX_O_CREAT | LINUX_O_WRONLY | LINUX_O_TRUNC, (unsigned)c->a[1]);
}

long sys_close(struct lx_call *c)
{
    long r = rx_close((int)c->a[0]);
    if (r == 0 || r == -EINTR) lx_fd_release((int)c->a[0]); /* Linux frees the fd even on EINTR */
    return r;
}

long sys_close_range(struct lx_call *c)
{
    unsigned lo = (unsigned)c->a[0], hi = (unsigned)c->a[1], flags = (unsigned)c->a[2];
    if (lo > hi || (flags & ~6u)) return -EINVAL;
    if (flags & 2u) lx_record_partial(c->nr, "CLOSE_RANGE_UNSHARE");
    if (lo >= (unsigned)lx_fd_floor) return 0;
    if (hi >= (unsigned)lx_fd_floor) hi = (unsigned)lx_fd_floor - 1;
    long r = rx_close_range((int)lo, (int)hi, (flags & 4u) != 0);
    if (r == 0 && !(flags & 4u)) lx_fd_release_range(lo, hi);
    return r;
}

long sys_dup(struct lx_call *c)
{
    long fd = lx_fd_accept(rx_dup((int)c->a[0], ""));
    if (fd >= 0) lx_fd_dup((int)c->a[0], (int)fd);
    return fd;
}

static long do_dup3(int old, int new, int flags)
{
    if (new < 0 || new >= lx_fd_limit) return -EBADF; /* as Linux: beyond RLIMIT_NOFILE */
    long r;
    if (new >= lx_fd_floor) { /* room first, for an old fd that is open */
        if ((r = rx_fcntl(old, RX_F_GETFD, 0)) < 0) return r;
        if ((r = lx_fd_make_room(new)) < 0) return r;
    }
    r = rx_dup2(old, new, (flags & LINUX_O_CLOEXEC) != 0);
    if (r >= 0) lx_fd_dup(old, new);
    return r;
}

long sys_dup2(struct lx_call *c)
{
    int old = (int)c->a[0], new = (int)c->a[1];
    if (old == new) return rx_fcntl(old, RX_F_GETFD, 0) < 0 ? -EBADF : new;
    return do_dup3(old, new, 0);
}

long sys_dup3(struct lx_call *c)
{
    int flags = (int)c->a[2];
    if (c->a[0] == c->a[1] || (flags & ~LINUX_O_CLOEXEC)) return -EINVAL;
    return do_dup3((int)c->a[0], (int)c->a[1], flags);
}

static long do_pipe2(uint64_t ptr, int flags)
{
    int fds[2];
    if (!gm_lock_write(ptr, sizeof fds)) return -EFAULT;
    if (flags & ~(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_O_DIRECT)) return -EINVAL;
    long r = rx_pipe2(fds, abi_oflags_to_rx(flags) & ~RX_O_ACCMODE);
    if (r < 0) return r;
    if ((r = lx_fd_accept_pair(fds)) < 0) return r;
    return gm_copy_out(ptr, fds, sizeof fds);
}

long sys_pipe(struct lx_call *c) { return do_pipe2(c->a[0], 0); }
long sys_pipe2(struct lx_call *c) { return do_pipe2(c->a[0], (int)c->a[1]); }

/* Linux's fcntl commands as rx.h's; -1 for one lxrun does not know. */
static int rx_fcntl_cmd(int cmd)
{
    static const struct { int linux_cmd, rx_cmd; } cmds[] = {
        { LINUX_F_DUPFD, RX_F_DUPFD },         { LINUX_F_DUPFD_CLOEXEC, RX_F_DUPFD_CLOEXEC },
        { LINUX_F_GETFD, RX_F_GETFD },         { LINUX_F_SETFD, RX_F_SETFD },
        { LINUX_F_GETFL, RX_F_GETFL },         { LINUX_F_SETFL, RX_F_SETFL },
        { LINUX_F_GETLK, RX_F_GETLK },         { LINUX_F_SETLK, RX_F_SETLK },
        { LINUX_F_SETLKW, RX_F_SETLKW },       { LINUX_F_OFD_GETLK, RX_F_X_OFD_GETLK },
        { LINUX_F_OFD_SETLK, RX_F_X_OFD_SETLK }, { LINUX_F_OFD_SETLKW, RX_F_X_OFD_SETLKW },
        { LINUX_F_GETPIPE_SZ, RX_F_X_GETPIPE_SZ }, { LINUX_F_SETPIPE_SZ, RX_F_X_SETPIPE_SZ },
        { LINUX_F_ADD_SEALS, RX_F_X_ADD_SEALS }, { LINUX_F_GET_SEALS, RX_F_X_GET_SEALS },
        { LINUX_F_GETOWN, RX_F_X_GETOWN },     { LINUX_F_SETOWN, RX_F_X_SETOWN },
        { LINUX_F_GETSIG, RX_F_X_GETSIG },     { LINUX_F_SETSIG, RX_F_X_SETSIG },
        { LINUX_F_GETLEASE, RX_F_X_GETLEASE }, { LINUX_F_SETLEASE, RX_F_X_SETLEASE },
        { LINUX_F_NOTIFY, RX_F_X_NOTIFY },
    };
    for (unsigned i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (cmds[i].linux_cmd == cmd) return cmds[i].rx_cmd;
    return -1;
}

/* struct flock as Linux x86-64 lays it out */
struct linux_flock { int16_t l_type, l_whence; int64_t l_start, l_len; int32_t l_pid; };

long sys_fcntl(struct lx_call *c)
{
    int fd = (int)c->a[0], cmd = (int)c->a[1], rcmd = rx_fcntl_cmd(cmd);
    uint64_t arg = c->a[2];
    long r;
    if (rcmd < 0) {
        lx_record_partial(c->nr, "unknown fcntl command");
        return -EINVAL;
    }
    switch (cmd) {
    case LINUX_F_DUPFD:
    case LINUX_F_DUPFD_CLOEXEC:
        if ((long)arg < 0 || (long)arg >= lx_fd_limit) return -EINVAL;
        if ((r = lx_fd_make_room((int)arg)) < 0) return r;
        r = lx_fd_accept(rx_fcntl(fd, rcmd, (long)arg));
        if (r >= 0) lx_fd_dup(fd, (int)r);
        return r;
    case LINUX_F_GETLK: case LINUX_F_SETLK: case LINUX_F_SETLKW:
    case LINUX_F_OFD_GETLK: case LINUX_F_OFD_SETLK: case LINUX_F_OFD_SETLKW: {
        struct linux_flock k;
        if (gm_copy_in(&k, arg, sizeof k) < 0) return -EFAULT;
        struct rx_flock fl = { k.l_type, k.l_whence, k.l_start, k.l_len, k.l_pid };
        r = rx_fcntl(fd, rcmd, (long)&fl);
        if (r < 0 || (cmd != LINUX_F_GETLK && cmd != LINUX_F_OFD_GETLK)) return r;
        k = (struct linux_flock){ fl.type, fl.whence, fl.start, fl.len, fl.pid };
        return gm_copy_out(arg, &k, sizeof k) < 0 ? -EFAULT : r;
    }
    case LINUX_F_GETFD:
        r = rx_fcntl(fd, rcmd, 0);
        return r < 0 ? r : abi_fdflags_from_rx((int)r);
    case LINUX_F_SETFD: return rx_fcntl(fd, rcmd, abi_fdflags_to_rx((int)arg));
    case LINUX_F_GETFL:
        r = rx_fcntl(fd, rcmd, 0);
        return r < 0 ? r : abi_oflags_from_rx((int)r);
    case LINUX_F_SETFL: return rx_fcntl(fd, rcmd, abi_oflags_to_rx((int)arg));
    default:
        return rx_fcntl(fd, rcmd, (long)arg);
    }
}

long sys_flock(struct lx_call *c) { return rx_flock((int)c->a[0], (int)c->a[1]); }

/* ioctl.c — handles: ioctl.  A request goes first to the fd's type (an fd-table
 * entry with an ioctl op), then to the requests every handle answers (FIONBIO,
 * FIOCLEX, FIONCLEX, FIONREAD), then to the terminal's set (tty.c), which fails
 * ENOTTY on a handle that is not a terminal.  What no one serves is ENOTTY,
 * recorded with the request. */
#include "../abi/linux_misc.h"
#include "handler.h"
#include "tty.h"

static long fd_ioctl(int fd, unsigned req, uint64_t arg)
{
    long r;
    switch (req) {
    case LINUX_FIONREAD: {
        if ((r = rx_fionread(fd)) < 0) return r;
        int n = (int)r;
        return gm_copy_out(arg, &n, sizeof n);
    }
    case LINUX_FIONBIO: {
        int on;
        if (gm_copy_in(&on, arg, sizeof on) < 0) return -EFAULT;
        long fl = rx_fcntl(fd, RX_F_GETFL, 0);
        if (fl < 0) return fl;
        return rx_fcntl(fd, RX_F_SETFL, on ? fl | RX_O_NONBLOCK : fl & ~RX_O_NONBLOCK);
    }
    case LINUX_FIOCLEX: return rx_fcntl(fd, RX_F_SETFD, RX_FD_CLOEXEC);
    case LINUX_FIONCLEX: return rx_fcntl(fd, RX_F_SETFD, 0);
    default: return LX_IOCTL_NOT_MINE;
    }
}

static long ioctl_served(void *call)
{
    struct lx_call *c = call;
    int fd = (int)c->a[0];
    unsigned req = (unsigned)c->a[1];
    uint64_t arg = c->a[2];
    struct lx_file *f = lx_fd_get(fd);
    long r = LX_IOCTL_NOT_MINE;
    if (f && f->ops->ioctl) r = f->ops->ioctl(f, fd, req, arg);
    if (r == LX_IOCTL_NOT_MINE) r = fd_ioctl(fd, req, arg);
    if (r == LX_IOCTL_NOT_MINE) r = lx_tty_ioctl(c->nr, fd, req, arg);
    if (r == LX_IOCTL_NOT_MINE) r = lx_net_ioctl(c->nr, fd, req, arg);
    if (r != LX_IOCTL_NOT_MINE) return r;
    lx_record_ioctl(req);
    if ((r = rx_fcntl(fd, RX_F_GETFD, 0)) < 0) return r;
    return -ENOTTY;
}

/* TCGETS on an fd without a table entry (isatty: every stdio stream asks it once)
 * is served on the guest's FS; every other request on lxrun's. */
long sys_ioctl(struct lx_call *c)
{
    int fd = (int)c->a[0];
    if ((unsigned)c->a[1] == LINUX_TCGETS && !lx_fd_get(fd)) return lx_tty_tcgets(fd, c->a[2]);
    return lx_fs_call(ioctl_served, c);
}

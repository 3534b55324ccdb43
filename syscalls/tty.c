/* tty.c — handles: ioctl.  Terminal requests go through the handles Redox
 * derives with dup(fd, "termios") and dup(fd, "winsize"); nothing else passes. */
#include "../abi/linux_misc.h"
#include "handler.h"

long sys_ioctl(struct lx_call *c)
{
    int fd = (int)c->a[0];
    unsigned req = (unsigned)c->a[1];
    uint64_t arg = c->a[2];
    struct rx_termios t;
    struct linux_termios k;
    struct rx_winsize w;
    struct linux_winsize kw;
    long r;
    switch (req) {
    case LINUX_TCGETS:
        if ((r = rx_termios_get(fd, &t)) < 0) return r;
        memset(&k, 0, sizeof k);
        k.iflag = t.iflag; k.oflag = t.oflag; k.cflag = t.cflag; k.lflag = t.lflag; k.line = t.line;
        memcpy(k.cc, t.cc, sizeof k.cc);
        return gm_copy_out(arg, &k, sizeof k);
    case LINUX_TCSETS: case LINUX_TCSETSW: case LINUX_TCSETSF:
        if (gm_copy_in(&k, arg, sizeof k) < 0) return -EFAULT;
        if ((r = rx_termios_get(fd, &t)) < 0) return r;
        t.iflag = k.iflag; t.oflag = k.oflag; t.cflag = k.cflag; t.lflag = k.lflag; t.line = k.line;
        memcpy(t.cc, k.cc, sizeof k.cc);
        return rx_termios_set(fd, (int)(req - LINUX_TCSETS), &t); /* TCSANOW, TCSADRAIN, TCSAFLUSH */
    case LINUX_TIOCGWINSZ:
        if ((r = rx_winsize_get(fd, &w)) < 0) return r;
        kw = (struct linux_winsize){ w.row, w.col, w.xpixel, w.ypixel };
        return gm_copy_out(arg, &kw, sizeof kw);
    case LINUX_TIOCSWINSZ:
        if (gm_copy_in(&kw, arg, sizeof kw) < 0) return -EFAULT;
        w = (struct rx_winsize){ kw.row, kw.col, kw.xpixel, kw.ypixel };
        return rx_winsize_set(fd, &w);
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
    default:
        lx_record_ioctl(req);
        if ((r = rx_fcntl(fd, RX_F_GETFD, 0)) < 0) return r;
        return -ENOTTY;
    }
}

/* tty.c — the terminal's ioctl requests.  A terminal is a plain handle (Redox's
 * pty: or console scheme), so it needs no fd-table entry: its state lives behind
 * handles derived from it (rx.h: termios, winsize, pgrp, flush), and each request
 * here is one such operation, converted between Linux's structs and rx's. */
#include "../abi/linux_fcntl.h"
#include "../abi/linux_misc.h"
#include "handler.h"
#include "tty.h"

long lx_tty_tcgets(int fd, uint64_t arg)
{
    struct rx_termios t;
    struct linux_termios k;
    long r = rx_termios_get(fd, &t);
    if (r < 0) return r;
    memset(&k, 0, sizeof k);
    k.iflag = t.iflag; k.oflag = t.oflag; k.cflag = t.cflag; k.lflag = t.lflag; k.line = t.line;
    memcpy(k.cc, t.cc, sizeof k.cc);
    return gm_copy_out(arg, &k, sizeof k);
}

/* TCSETS, TCSETSW, TCSETSF: now, after output drains, after it drains and input is dropped */
static long tcsets(int fd, int when, uint64_t arg)
{
    struct rx_termios t;
    struct linux_termios k;
    if (gm_copy_in(&k, arg, sizeof k) < 0) return -EFAULT;
    long r = rx_termios_get(fd, &t); /* keeps what Linux's struct does not carry (cc[19] on) */
    if (r < 0) return r;
    t.iflag = k.iflag; t.oflag = k.oflag; t.cflag = k.cflag; t.lflag = k.lflag; t.line = k.line;
    memcpy(t.cc, k.cc, sizeof k.cc);
    /* the speeds are the guest's too: Linux keeps them in c_cflag */
    t.ospeed = k.cflag & LINUX_CBAUD;
    t.ispeed = k.cflag & LINUX_CIBAUD ? (k.cflag & LINUX_CIBAUD) >> LINUX_IBSHIFT : t.ospeed;
    return rx_termios_set(fd, when, &t);
}

static long winsize_get(int fd, uint64_t arg)
{
    struct rx_winsize w;
    long r = rx_winsize_get(fd, &w);
    if (r < 0) return r;
    struct linux_winsize k = { w.row, w.col, w.xpixel, w.ypixel };
    return gm_copy_out(arg, &k, sizeof k);
}

static long winsize_set(int fd, uint64_t arg)
{
    struct linux_winsize k;
    if (gm_copy_in(&k, arg, sizeof k) < 0) return -EFAULT;
    struct rx_winsize w = { k.row, k.col, k.xpixel, k.ypixel };
    return rx_winsize_set(fd, &w);
}

/* TIOCGPGRP, TIOCGSID: an int written to arg */
static long int_out(long r, uint64_t arg)
{
    if (r < 0) return r;
    int v = (int)r;
    return gm_copy_out(arg, &v, sizeof v);
}

static long pgrp_set(int fd, uint64_t arg)
{
    int pgid;
    if (gm_copy_in(&pgid, arg, sizeof pgid) < 0) return -EFAULT;
    if (pgid < 0) return -EINVAL;
    return rx_tty_pgrp_set(fd, pgid);
}

static long flush(int fd, uint64_t queue)
{
    /* Linux's TCIFLUSH, TCOFLUSH, TCIOFLUSH are 0, 1, 2, as Redox's selector */
    if (queue > RX_TTY_FLUSH_BOTH) return -EINVAL;
    return rx_tty_flush(fd, (int)queue);
}

/* TCSBRK: tcdrain passes 1; 0 asks for a break after draining as well */
static long drain(long nr, int fd, uint64_t arg)
{
    long r = rx_tty_drain(fd);
    if (r == 0 && arg == 0) lx_record_partial(nr, "TCSBRK 0 drains output but sends no break");
    return r;
}

static long pty_lock(int fd, uint64_t arg)
{
    int v;
    if (gm_copy_in(&v, arg, sizeof v) < 0) return -EFAULT;
    return rx_pty_lock(fd, v != 0);
}

/* TIOCGPTPEER: the slave, opened with the open flags given as the argument (the
 * ones an open of a terminal heeds; Linux ignores the rest) */
static long pty_peer(int fd, uint64_t arg)
{
    const uint64_t heeded = LINUX_O_ACCMODE | LINUX_O_NOCTTY | LINUX_O_NONBLOCK | LINUX_O_CLOEXEC;
    return lx_fd_accept(rx_pty_peer(fd, abi_oflags_to_rx((int)(arg & heeded))));
}

long lx_tty_ioctl(long nr, int fd, unsigned req, uint64_t arg)
{
    switch (req) {
    case LINUX_TCGETS: return lx_tty_tcgets(fd, arg);
    case LINUX_TCSETS: case LINUX_TCSETSW: case LINUX_TCSETSF:
        return tcsets(fd, (int)(req - LINUX_TCSETS), arg); /* rx: TCSANOW, TCSADRAIN, TCSAFLUSH */
    case LINUX_TIOCGWINSZ: return winsize_get(fd, arg);
    case LINUX_TIOCSWINSZ: return winsize_set(fd, arg);
    case LINUX_TIOCGPGRP: return int_out(rx_tty_pgrp_get(fd), arg);
    case LINUX_TIOCSPGRP: return pgrp_set(fd, arg);
    case LINUX_TIOCGSID: return int_out(rx_tty_session(fd), arg);
    case LINUX_TIOCSCTTY: return rx_tty_claim(fd, arg == 1);
    case LINUX_TIOCNOTTY: return rx_tty_release(fd);
    case LINUX_TCFLSH: return flush(fd, arg);
    case LINUX_TCSBRK: return drain(nr, fd, arg);
    case LINUX_TIOCGPTN: return int_out(rx_pty_number(fd), arg);
    case LINUX_TIOCGPTLCK: return int_out(rx_pty_locked(fd), arg);
    case LINUX_TIOCSPTLCK: return pty_lock(fd, arg);
    case LINUX_TIOCGPTPEER: return pty_peer(fd, arg);
    default: return LX_IOCTL_NOT_MINE;
    }
}

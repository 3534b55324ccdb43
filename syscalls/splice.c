/* splice.c — handles: splice, tee, vmsplice.  Pipe contents moved or copied by
 * rx_splice/rx_tee; vmsplice is a non-blocking readv or writev on the pipe,
 * waited for only while nothing moves (the pages are copied, as Linux does for a
 * pipe that is read: SPLICE_F_GIFT is only a hint). */
#include "../abi/linux_notify.h"
#include "handler.h"

static long offset_in(uint64_t ptr, int64_t *off, int64_t **use)
{
    *use = NULL;
    if (!ptr) return 0;
    if (gm_copy_in(off, ptr, sizeof *off) < 0) return -EFAULT;
    if (*off < 0) return -EINVAL;
    *use = off;
    return 0;
}

static int splice_flags(uint64_t f)
{
    return (f & LINUX_SPLICE_F_NONBLOCK ? RX_SPLICE_X_NONBLOCK : 0) | (f & LINUX_SPLICE_F_MORE ? RX_SPLICE_X_MORE : 0);
}

#define SPLICE_BITS (LINUX_SPLICE_F_MOVE | LINUX_SPLICE_F_NONBLOCK | LINUX_SPLICE_F_MORE | LINUX_SPLICE_F_GIFT)

long sys_splice(struct lx_call *c)
{
    if (c->a[5] & ~(uint64_t)SPLICE_BITS) return -EINVAL;
    int64_t oin, oout, *pin, *pout;
    long r;
    if ((r = offset_in(c->a[1], &oin, &pin)) < 0 || (r = offset_in(c->a[3], &oout, &pout)) < 0) return r;
    r = rx_splice((int)c->a[0], pin, (int)c->a[2], pout, c->a[4], splice_flags(c->a[5]));
    if (r < 0) return r;
    if ((pin && gm_copy_out(c->a[1], pin, sizeof *pin) < 0) || (pout && gm_copy_out(c->a[3], pout, sizeof *pout) < 0))
        return -EFAULT;
    return r;
}

long sys_tee(struct lx_call *c)
{
    if (c->a[3] & ~(uint64_t)SPLICE_BITS) return -EINVAL;
    return rx_tee((int)c->a[0], (int)c->a[1], c->a[2], splice_flags(c->a[3]));
}

long sys_vmsplice(struct lx_call *c)
{
    if (c->a[3] & ~(uint64_t)SPLICE_BITS) return -EINVAL;
    int fd = (int)c->a[0];
    struct rx_stat st;
    long r = rx_fstat(fd, &st);
    if (r < 0) return r;
    if (!RX_MODE_IS(st.mode, RX_MODE_FIFO)) return -EBADF; /* Linux: the fd must be a pipe */
    long fl = rx_fcntl(fd, RX_F_GETFL, 0);
    if (fl < 0) return fl;
    int writing = (fl & RX_O_ACCMODE) != RX_O_RDONLY;
    if (c->a[2] > 1024) return -EINVAL;
    /* Linux moves what the pipe has room (or data) for and returns; it waits only
     * while nothing could move, unless SPLICE_F_NONBLOCK or O_NONBLOCK says not to */
    int wait = !(c->a[3] & LINUX_SPLICE_F_NONBLOCK) && !(fl & RX_O_NONBLOCK);
    if (!(fl & RX_O_NONBLOCK)) rx_fcntl(fd, RX_F_SETFL, fl | RX_O_NONBLOCK);
    for (;;) {
        r = lx_vector_io(fd, c->a[1], (long)c->a[2], -1, writing);
        if (r != -EAGAIN || !wait) break;
        struct rx_pollfd p = { fd, (short)(writing ? RX_POLLOUT : RX_POLLIN), 0 };
        long w = rx_ppoll(&p, 1, NULL, NULL);
        if (w < 0) {
            r = w;
            break;
        }
    }
    if (!(fl & RX_O_NONBLOCK)) rx_fcntl(fd, RX_F_SETFL, fl);
    return r;
}

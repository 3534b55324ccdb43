/* socket.c — handles: socketpair (AF_UNIX), sendto, recvfrom, sendmsg, recvmsg
 * on connected sockets, shutdown, getsockopt and setsockopt (SOL_SOCKET).
 * Sockets are real handles (Redox's uds_stream:/uds_dgram: schemes): read,
 * write, poll, epoll, dup, fork and exec need nothing more.  Named sockets
 * (socket, bind, connect, listen, accept) and ancillary data are not served yet:
 * refused and recorded. */
#include <stdlib.h>

#include "../abi/linux_misc.h"
#include "../abi/linux_socket.h"
#include "../abi/linux_sys.h"
#include "../abi/linux_time.h"
#include "handler.h"

#define IOV_MAX_LINUX 1024

long sys_socketpair(struct lx_call *c)
{
    int domain = (int)c->a[0], type = (int)c->a[1], kind = type & LINUX_SOCK_TYPE_MASK;
    if (domain != LINUX_AF_UNIX) {
        lx_record_partial(c->nr, "socket pairs other than AF_UNIX");
        return domain == 2 || domain == 10 ? -EOPNOTSUPP : -EAFNOSUPPORT; /* AF_INET/INET6: as Linux */
    }
    if (type & ~(LINUX_SOCK_TYPE_MASK | LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)) return -EINVAL;
    if (kind != LINUX_SOCK_STREAM && kind != LINUX_SOCK_DGRAM && kind != LINUX_SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
    if (c->a[2] != 0 && c->a[2] != LINUX_AF_UNIX) return -EPROTONOSUPPORT;
    int *out = gm_lock_write(c->a[3], 2 * sizeof(int));
    if (!out) return -EFAULT;
    int rxtype = kind == LINUX_SOCK_STREAM ? RX_SOCK_STREAM : kind == LINUX_SOCK_DGRAM ? RX_SOCK_DGRAM : RX_SOCK_SEQPACKET;
    int flags = (type & LINUX_SOCK_CLOEXEC ? RX_O_CLOEXEC : 0) | (type & LINUX_SOCK_NONBLOCK ? RX_O_NONBLOCK : 0);
    int fds[2];
    long r = rx_socketpair_unix(rxtype, flags, fds);
    if (r < 0) return r;
    long a = lx_fd_accept(fds[0]), b = lx_fd_accept(fds[1]);
    if (a < 0 || b < 0) {
        if (a >= 0) rx_close((int)a);
        if (b >= 0) rx_close((int)b);
        return a < 0 ? a : b;
    }
    int pair[2] = { (int)a, (int)b };
    return gm_copy_out(c->a[3], pair, sizeof pair);
}

static long msg_flags(struct lx_call *c, int linux_flags, int ignore)
{
    int rx = abi_msg_flags_to_rx(linux_flags & ~ignore);
    if (rx < 0) {
        lx_record_partial(c->nr, "message flags beyond PEEK, WAITALL, DONTWAIT, NOSIGNAL, TRUNC, EOR, OOB");
        return -EINVAL;
    }
    return rx;
}

/* The guest's iovec array as rx's, each buffer checked for the direction. */
static long iov_in(uint64_t ptr, uint64_t n, int for_write, struct rx_iovec **out)
{
    if (n > IOV_MAX_LINUX) return -EMSGSIZE;
    struct linux_iovec *g = n ? malloc(n * sizeof *g) : NULL;
    struct rx_iovec *v = calloc(n ? n : 1, sizeof *v);
    long r = (!n || g) && v ? 0 : -ENOMEM;
    if (r == 0 && n && gm_copy_in(g, ptr, n * sizeof *g) < 0) r = -EFAULT;
    for (uint64_t i = 0; r == 0 && i < n; i++) {
        void *p = for_write ? gm_lock_write(g[i].iov_base, g[i].iov_len) : gm_lock_read(g[i].iov_base, g[i].iov_len);
        if (!p) r = -EFAULT;
        v[i] = (struct rx_iovec){ p, g[i].iov_len };
    }
    free(g);
    if (r < 0) {
        free(v);
        return r;
    }
    *out = v;
    return 0;
}

/* A socket pair's peer has no name: Linux leaves the address alone and says its
 * length is 0. */
static long unnamed_peer(uint64_t lenp)
{
    if (!lenp) return 0;
    int len;
    if (gm_copy_in(&len, lenp, sizeof len) < 0) return -EFAULT;
    if (len < 0) return -EINVAL;
    len = 0;
    return gm_copy_out(lenp, &len, sizeof len);
}

long sys_sendto(struct lx_call *c)
{
    if (c->a[4]) {
        lx_record_partial(c->nr, "sends to an address (named sockets)");
        return -EOPNOTSUPP;
    }
    long fl = msg_flags(c, (int)c->a[3], 0);
    if (fl < 0) return fl;
    void *p = gm_lock_read(c->a[1], c->a[2]);
    if (!p) return -EFAULT;
    struct rx_iovec v = { p, c->a[2] };
    return rx_sock_send((int)c->a[0], &v, 1, (int)fl);
}

long sys_recvfrom(struct lx_call *c)
{
    long fl = msg_flags(c, (int)c->a[3], 0);
    if (fl < 0) return fl;
    void *p = gm_lock_write(c->a[1], c->a[2]);
    if (!p) return -EFAULT;
    struct rx_iovec v = { p, c->a[2] };
    long r = rx_sock_recv((int)c->a[0], &v, 1, (int)fl, NULL);
    if (r < 0) return r;
    long e = c->a[4] ? unnamed_peer(c->a[5]) : 0;
    return e < 0 ? e : r;
}

long sys_sendmsg(struct lx_call *c)
{
    struct linux_msghdr m;
    if (gm_copy_in(&m, c->a[1], sizeof m) < 0) return -EFAULT;
    if (m.name && m.namelen) {
        lx_record_partial(c->nr, "sends to an address (named sockets)");
        return -EOPNOTSUPP;
    }
    if (m.controllen) {
        lx_record_partial(c->nr, "ancillary data (SCM_RIGHTS, SCM_CREDENTIALS)");
        return -EOPNOTSUPP;
    }
    long fl = msg_flags(c, (int)c->a[2], 0);
    if (fl < 0) return fl;
    struct rx_iovec *v;
    long r = iov_in(m.iov, m.iovlen, 0, &v);
    if (r < 0) return r;
    r = rx_sock_send((int)c->a[0], v, (int)m.iovlen, (int)fl);
    free(v);
    return r;
}

long sys_recvmsg(struct lx_call *c)
{
    struct linux_msghdr m;
    struct linux_msghdr *g = gm_lock_write(c->a[1], sizeof m);
    if (!g || gm_copy_in(&m, c->a[1], sizeof m) < 0) return -EFAULT;
    long fl = msg_flags(c, (int)c->a[2], LINUX_MSG_CMSG_CLOEXEC); /* no handles are passed: nothing to mark */
    if (fl < 0) return fl;
    struct rx_iovec *v;
    long r = iov_in(m.iov, m.iovlen, 1, &v);
    if (r < 0) return r;
    int out = 0;
    r = rx_sock_recv((int)c->a[0], v, (int)m.iovlen, (int)fl, &out);
    free(v);
    if (r < 0) return r;
    m.controllen = 0; /* no ancillary data is received */
    m.flags = abi_msg_flags_from_rx(out);
    m.namelen = 0; /* a socket pair's peer has no name */
    return gm_copy_out(c->a[1], &m, sizeof m) < 0 ? -EFAULT : r;
}

long sys_shutdown(struct lx_call *c)
{
    int how = (int)c->a[1];
    if (how < 0 || how > 2) return -EINVAL;
    return rx_sock_shutdown((int)c->a[0], how == 0 ? RX_SHUT_RD : how == 1 ? RX_SHUT_WR : RX_SHUT_RDWR);
}

long sys_getsockopt(struct lx_call *c)
{
    int opt = abi_sockopt_to_rx((int)c->a[2]);
    if ((int)c->a[1] != LINUX_SOL_SOCKET || opt < 0) {
        lx_record_partial(c->nr, "socket options beyond SOL_SOCKET's common ones");
        return -ENOPROTOOPT;
    }
    int len;
    if (gm_copy_in(&len, c->a[4], sizeof len) < 0) return -EFAULT;
    if (len < 0) return -EINVAL;
    union { int i; struct rx_timespec t; struct rx_ucred u; } v;
    long r = rx_sockopt_get((int)c->a[0], opt, &v, sizeof v);
    if (r < 0) return r;
    union { int i; struct linux_timeval tv; struct linux_ucred u; } k;
    size_t n = sizeof(int);
    if (opt == RX_SO_RCVTIMEO || opt == RX_SO_SNDTIMEO) {
        k.tv = (struct linux_timeval){ v.t.sec, v.t.nsec / 1000 };
        n = sizeof k.tv;
    } else if (opt == RX_SO_PEERCRED) {
        k.u = (struct linux_ucred){ v.u.pid, v.u.uid, v.u.gid };
        n = sizeof k.u;
    } else {
        k.i = opt == RX_SO_TYPE ? (v.i == RX_SOCK_STREAM ? LINUX_SOCK_STREAM : v.i == RX_SOCK_DGRAM ? LINUX_SOCK_DGRAM
                                                                                                  : LINUX_SOCK_SEQPACKET)
                                : v.i;
    }
    if ((size_t)len < n) n = (size_t)len; /* truncated, as Linux copies at most what the caller has room for */
    if (gm_copy_out(c->a[3], &k, n) < 0) return -EFAULT;
    int outlen = (int)n;
    return gm_copy_out(c->a[4], &outlen, sizeof outlen);
}

long sys_setsockopt(struct lx_call *c)
{
    int opt = abi_sockopt_to_rx((int)c->a[2]);
    int settable = opt == RX_SO_SNDBUF || opt == RX_SO_RCVBUF || opt == RX_SO_PASSCRED || opt == RX_SO_RCVTIMEO ||
                   opt == RX_SO_SNDTIMEO;
    if ((int)c->a[1] != LINUX_SOL_SOCKET || opt < 0 || !settable) {
        lx_record_partial(c->nr, "socket options beyond SOL_SOCKET's buffer sizes, timeouts and PASSCRED");
        return -ENOPROTOOPT;
    }
    unsigned len = (unsigned)c->a[4];
    if (opt == RX_SO_RCVTIMEO || opt == RX_SO_SNDTIMEO) {
        struct linux_timeval tv;
        if (len < sizeof tv) return -EINVAL;
        if (gm_copy_in(&tv, c->a[3], sizeof tv) < 0) return -EFAULT;
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) return -EDOM;
        struct rx_timespec t = { tv.tv_sec, tv.tv_usec * 1000 };
        return rx_sockopt_set((int)c->a[0], opt, &t, sizeof t);
    }
    int v;
    if (len < sizeof v) return -EINVAL;
    if (gm_copy_in(&v, c->a[3], sizeof v) < 0) return -EFAULT;
    return rx_sockopt_set((int)c->a[0], opt, &v, sizeof v);
}

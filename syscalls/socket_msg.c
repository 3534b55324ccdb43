/* socket_msg.c — handles: sendto, recvfrom, sendmsg, recvmsg, sendmmsg,
 * recvmmsg.  Each becomes one rx message (data, an address, and on unix sockets
 * the handles of SCM_RIGHTS and the credentials of SCM_CREDENTIALS). */
#include <stdlib.h>

#include "../abi/linux_socket.h"
#include "../abi/linux_misc.h"
#include "../abi/linux_time.h"
#include "handler.h"
#include "netlink.h"
#include "socket_addr.h"

#define IOV_MAX_LINUX 1024

static long msg_flags(struct lx_call *c, int linux_flags)
{
    int rx = abi_msg_flags_to_rx(linux_flags);
    if (rx < 0) {
        lx_record_partial(c->nr, "message flags beyond PEEK, WAITALL, DONTWAIT, NOSIGNAL, TRUNC, EOR, OOB, CMSG_CLOEXEC, CONFIRM, ERRQUEUE, MORE");
        return -EINVAL;
    }
    return rx;
}

/* A message of this many buffers or fewer, and a control buffer this long, take
 * no allocation (poll.c's reason: a malloc and free a call were ~300 ns). */
#define IOV_ON_STACK 8
#define CONTROL_ON_STACK 512

/* The guest's iovec array as rx's in *out (room when it fits: IOV_ON_STACK),
 * each buffer checked for the direction; iov_done gives it back. */
static long iov_in(uint64_t ptr, uint64_t n, int for_write, struct rx_iovec *room, struct rx_iovec **out)
{
    if (n > IOV_MAX_LINUX) return -EMSGSIZE;
    struct linux_iovec g_room[IOV_ON_STACK];
    int small = n <= IOV_ON_STACK;
    struct linux_iovec *g = small ? g_room : malloc(n * sizeof *g);
    struct rx_iovec *v = small ? room : calloc(n, sizeof *v);
    long r = g && v ? 0 : -ENOMEM;
    if (r == 0 && n && gm_copy_in(g, ptr, n * sizeof *g) < 0) r = -EFAULT;
    for (uint64_t i = 0; r == 0 && i < n; i++) {
        void *p = for_write ? gm_lock_write(g[i].iov_base, g[i].iov_len) : gm_lock_read(g[i].iov_base, g[i].iov_len);
        if (!p && g[i].iov_len) r = -EFAULT;
        v[i] = (struct rx_iovec){ p, g[i].iov_len };
    }
    if (!small) free(g);
    if (r < 0) {
        if (!small) free(v);
        return r;
    }
    *out = v;
    return 0;
}

static void iov_done(struct rx_iovec *v, struct rx_iovec *room)
{
    if (v != room) free(v);
}

/* SCM_RIGHTS and SCM_CREDENTIALS from the guest's control buffer. */
static long control_in(struct lx_call *c, uint64_t ptr, uint64_t len, struct rx_msg *m, int *fds, struct rx_ucred *cred)
{
    if (!len) return 0;
    if (len > 64 * 1024) return -ENOBUFS;
    unsigned char room[CONTROL_ON_STACK];
    unsigned char *buf = len <= sizeof room ? room : malloc(len);
    if (!buf) return -ENOMEM;
    long r = gm_copy_in(buf, ptr, len) < 0 ? -EFAULT : 0;
    for (uint64_t off = 0; r == 0 && off + sizeof(struct linux_cmsghdr) <= len;) {
        struct linux_cmsghdr h;
        memcpy(&h, buf + off, sizeof h);
        if (h.len < sizeof h || h.len > len - off) {
            r = -EINVAL;
            break;
        }
        uint64_t data = h.len - sizeof h;
        if (h.level == LINUX_SOL_SOCKET && h.type == LINUX_SCM_RIGHTS) {
            int n = (int)(data / sizeof(int));
            if (m->nfds + n > LINUX_SCM_MAX_FD) r = -EINVAL;
            for (int i = 0; r == 0 && i < n; i++) {
                int fd;
                memcpy(&fd, buf + off + sizeof h + (size_t)i * sizeof fd, sizeof fd);
                if (!lx_fd_is_guest(fd) || rx_fcntl(fd, RX_F_GETFD, 0) < 0) r = -EBADF;
                fds[m->nfds++] = fd;
            }
        } else if (h.level == LINUX_SOL_SOCKET && h.type == LINUX_SCM_CREDENTIALS && data >= sizeof(struct linux_ucred)) {
            struct linux_ucred u;
            memcpy(&u, buf + off + sizeof h, sizeof u);
            *cred = (struct rx_ucred){ u.pid, u.uid, u.gid };
            m->cred = cred;
        } else {
            lx_record_partial(c->nr, "ancillary data beyond SCM_RIGHTS and SCM_CREDENTIALS");
            r = -EINVAL;
        }
        off += LINUX_CMSG_ALIGN(h.len);
    }
    if (buf != room) free(buf);
    m->fds = fds;
    return r;
}

/* TCP ignores a destination, even one it could not read: the connection has one
 * (tcp_sendmsg).  Asked only of an address that does not convert or is
 * AF_UNSPEC, so a datagram send to an address pays nothing for it. */
static int inet_stream(int fd)
{
    int domain = -1, type = -1;
    rx_sockopt_get(fd, RX_SOL_SOCKET, RX_SO_DOMAIN, &domain, sizeof domain);
    rx_sockopt_get(fd, RX_SOL_SOCKET, RX_SO_TYPE, &type, sizeof type);
    return (domain == RX_AF_INET || domain == RX_AF_INET6) && type == RX_SOCK_STREAM;
}

/* One message sent: the guest's msghdr fields, flags already rx's. */
static long send_one(struct lx_call *c, int fd, const struct linux_msghdr *g, int flags)
{
    struct rx_msg m = { 0 };
    struct rx_sockaddr to;
    struct rx_ucred cred;
    int fds[LINUX_SCM_MAX_FD];
    long r = 0;
    if (g->name && g->namelen) {
        r = lx_sockaddr_in(c->nr, g->name, g->namelen, &to);
        if ((r < 0 || to.family == RX_X_AF_UNSPEC) && inet_stream(fd)) r = 0; /* ignored */
        else if (r == 0) m.addr = &to;
    }
    if (r == 0) r = control_in(c, g->control, g->controllen, &m, fds, &cred);
    struct rx_iovec room[IOV_ON_STACK];
    if (r == 0) r = iov_in(g->iov, g->iovlen, 0, room, &m.iov);
    if (r < 0) return r;
    m.iovlen = (int)g->iovlen;
    r = rx_sock_sendmsg(fd, &m, flags);
    iov_done(m.iov, room);
    return r;
}

/* The received credentials and handles as the guest's control messages, in
 * Linux's order; MSG_CTRUNC (returned) when they do not all fit, handles that
 * do not fit closed as Linux closes them. */
static int control_out(const struct rx_msg *m, uint64_t ptr, uint64_t *len)
{
    unsigned char buf[sizeof(struct linux_cmsghdr) * 2 + sizeof(struct linux_ucred) + LINUX_SCM_MAX_FD * sizeof(int) + 16];
    uint64_t used = 0, room = *len;
    int trunc = 0;
    if (m->cred_valid) {
        uint64_t need = sizeof(struct linux_cmsghdr) + sizeof(struct linux_ucred);
        if (LINUX_CMSG_ALIGN(need) <= room) {
            struct linux_cmsghdr h = { need, LINUX_SOL_SOCKET, LINUX_SCM_CREDENTIALS };
            struct linux_ucred u = { m->cred->pid, m->cred->uid, m->cred->gid };
            memcpy(buf, &h, sizeof h);
            memcpy(buf + sizeof h, &u, sizeof u);
            used = LINUX_CMSG_ALIGN(need);
        } else {
            trunc = 1;
        }
    }
    if (m->nfds) {
        int fit = room > used + sizeof(struct linux_cmsghdr) ? (int)((room - used - sizeof(struct linux_cmsghdr)) / sizeof(int)) : 0;
        if (fit > m->nfds) fit = m->nfds;
        for (int i = fit; i < m->nfds; i++) rx_close(m->fds[i]);
        if (fit < m->nfds) trunc = 1;
        if (fit) {
            struct linux_cmsghdr h = { sizeof h + (uint64_t)fit * sizeof(int), LINUX_SOL_SOCKET, LINUX_SCM_RIGHTS };
            memcpy(buf + used, &h, sizeof h);
            memcpy(buf + used + sizeof h, m->fds, (size_t)fit * sizeof(int));
            used += LINUX_CMSG_ALIGN(h.len) < room - used ? LINUX_CMSG_ALIGN(h.len) : h.len;
        }
    }
    if (used && gm_copy_out(ptr, buf, used) < 0) trunc = -1;
    *len = used;
    return trunc;
}

/* One message received into the guest's msghdr g (its namelen, controllen and
 * flags updated); flags already rx's. */
static long recv_one(struct lx_call *c, int fd, struct linux_msghdr *g, int flags)
{
    (void)c;
    struct rx_msg m = { 0 };
    struct rx_sockaddr from;
    struct rx_ucred cred;
    int fds[LINUX_SCM_MAX_FD];
    if (g->name && (int32_t)g->namelen < 0) return -EINVAL;
    struct rx_iovec room[IOV_ON_STACK];
    long r = iov_in(g->iov, g->iovlen, 1, room, &m.iov);
    if (r < 0) return r;
    m.iovlen = (int)g->iovlen;
    m.addr = g->name ? &from : NULL;
    m.fds = fds;
    m.nfds = g->controllen > sizeof(struct linux_cmsghdr) ? LINUX_SCM_MAX_FD : 0;
    m.cred = g->controllen ? &cred : NULL;
    struct lx_file *nl = lx_netlink_of(fd);
    if (nl) lx_netlink_pump(nl);
    r = rx_sock_recvmsg(fd, &m, flags);
    if (nl) lx_netlink_pump(nl);
    iov_done(m.iov, room);
    if (r < 0) return r;
    int out_flags = abi_msg_flags_from_rx(m.flags_out);
    for (int i = 0; i < m.nfds; i++) {
        long fd = lx_fd_accept(fds[i]);
        if (fd < 0) { /* no room for it in the guest's table */
            fds[i--] = fds[--m.nfds];
            out_flags |= LINUX_MSG_CTRUNC;
        } else {
            fds[i] = (int)fd;
        }
    }
    if (m.nfds) lx_proc.path_fds = 1; /* a sender's O_PATH fd, for all lxrun knows */
    int t = control_out(&m, g->control, &g->controllen);
    if (t < 0) return -EFAULT;
    if (t) out_flags |= LINUX_MSG_CTRUNC;
    g->flags = out_flags;
    if (g->name && lx_netlink_of(fd)) {
        if (lx_netlink_source(g->name, &g->namelen) < 0) return -EFAULT;
    } else if (g->name) {
        long e = lx_sockaddr_out_len(&from, g->name, &g->namelen, LX_SOCKADDR_SOURCE);
        if (e < 0) return e;
    } else {
        g->namelen = 0;
    }
    return r;
}

long sys_sendto(struct lx_call *c)
{
    struct lx_file *nl = lx_netlink_of((int)c->a[0]);
    if (nl) return lx_netlink_send(c, nl, 0, 0, c->a[1], c->a[2]);
    long fl = msg_flags(c, (int)c->a[3]);
    if (fl < 0) return fl;
    void *p = gm_lock_read(c->a[1], c->a[2]);
    if (!p && c->a[2]) return -EFAULT;
    struct rx_iovec rv = { p, c->a[2] };
    struct rx_msg m = { .iov = &rv, .iovlen = 1 };
    struct rx_sockaddr to;
    if (c->a[4] && c->a[5]) {
        long r = lx_sockaddr_in(c->nr, c->a[4], c->a[5], &to);
        if ((r < 0 || to.family == RX_X_AF_UNSPEC) && inet_stream((int)c->a[0])) r = 0; /* ignored */
        else if (r < 0) return r;
        else m.addr = &to;
    }
    return rx_sock_sendmsg((int)c->a[0], &m, (int)fl);
}

long sys_recvfrom(struct lx_call *c)
{
    long fl = msg_flags(c, (int)c->a[3]);
    if (fl < 0) return fl;
    void *p = gm_lock_write(c->a[1], c->a[2]);
    if (!p && c->a[2]) return -EFAULT;
    uint32_t room = 0;
    if (c->a[4] && gm_copy_in(&room, c->a[5], sizeof room) < 0) return -EFAULT;
    if (c->a[4] && (int32_t)room < 0) return -EINVAL;
    struct rx_iovec rv = { p, c->a[2] };
    struct rx_sockaddr from;
    struct rx_msg m = { .iov = &rv, .iovlen = 1, .addr = c->a[4] ? &from : NULL };
    struct lx_file *nl = lx_netlink_of((int)c->a[0]);
    if (nl) lx_netlink_pump(nl);
    long r = rx_sock_recvmsg((int)c->a[0], &m, (int)fl);
    if (nl) lx_netlink_pump(nl);
    if (r < 0 || !c->a[4]) return r;
    if (nl) {
        uint32_t len = room;
        if (lx_netlink_source(c->a[4], &len) < 0 || gm_copy_out(c->a[5], &len, sizeof len) < 0) return -EFAULT;
        return r;
    }
    long e = lx_sockaddr_out(&from, c->a[4], c->a[5], LX_SOCKADDR_SOURCE);
    return e < 0 ? e : r;
}

long sys_sendmsg(struct lx_call *c)
{
    struct linux_msghdr g;
    if (gm_copy_in(&g, c->a[1], sizeof g) < 0) return -EFAULT;
    struct lx_file *nl = lx_netlink_of((int)c->a[0]);
    if (nl) return lx_netlink_send(c, nl, g.iov, g.iovlen, 0, 0);
    long fl = msg_flags(c, (int)c->a[2]);
    return fl < 0 ? fl : send_one(c, (int)c->a[0], &g, (int)fl);
}

long sys_recvmsg(struct lx_call *c)
{
    struct linux_msghdr g;
    if (!gm_lock_write(c->a[1], sizeof g) || gm_copy_in(&g, c->a[1], sizeof g) < 0) return -EFAULT;
    long fl = msg_flags(c, (int)c->a[2]);
    if (fl < 0) return fl;
    long r = recv_one(c, (int)c->a[0], &g, (int)fl);
    if (r < 0) return r;
    return gm_copy_out(c->a[1], &g, sizeof g) < 0 ? -EFAULT : r;
}

#define LINUX_UIO_MAXIOV 1024
#define LINUX_MSG_WAITFORONE 0x10000

long sys_sendmmsg(struct lx_call *c)
{
    unsigned n = (unsigned)c->a[2] > LINUX_UIO_MAXIOV ? LINUX_UIO_MAXIOV : (unsigned)c->a[2];
    long fl = msg_flags(c, (int)c->a[3]);
    if (fl < 0) return fl;
    unsigned done = 0;
    long r = 0;
    for (; done < n; done++) {
        uint64_t at = c->a[1] + (uint64_t)done * sizeof(struct linux_mmsghdr);
        struct linux_mmsghdr e;
        if (gm_copy_in(&e, at, sizeof e) < 0) { r = -EFAULT; break; }
        r = send_one(c, (int)c->a[0], &e.hdr, (int)fl);
        if (r < 0) break;
        uint32_t len = (uint32_t)r;
        if (gm_copy_out(at + offsetof(struct linux_mmsghdr, len), &len, sizeof len) < 0) { r = -EFAULT; break; }
    }
    return done ? (long)done : r; /* Linux reports the error only when nothing was sent */
}

long sys_recvmmsg(struct lx_call *c)
{
    unsigned n = (unsigned)c->a[2] > LINUX_UIO_MAXIOV ? LINUX_UIO_MAXIOV : (unsigned)c->a[2];
    int lflags = (int)c->a[3];
    long fl = msg_flags(c, lflags & ~LINUX_MSG_WAITFORONE);
    if (fl < 0) return fl;
    int64_t deadline = 0;
    int timed = c->a[4] != 0;
    if (timed) {
        struct rx_timespec t;
        long e = lx_timespec_arg(c->a[4], &t);
        if (e < 0) return e;
        deadline = lx_monotonic_ns() + (t.sec > INT64_MAX / 2000000000 ? INT64_MAX / 2 : t.sec * 1000000000 + t.nsec);
    }
    unsigned done = 0;
    long r = 0;
    for (; done < n; done++) {
        uint64_t at = c->a[1] + (uint64_t)done * sizeof(struct linux_mmsghdr);
        struct linux_mmsghdr e;
        if (gm_copy_in(&e, at, sizeof e) < 0) { r = -EFAULT; break; }
        int f = (int)fl | (done && (lflags & LINUX_MSG_WAITFORONE) ? RX_MSG_X_DONTWAIT : 0);
        r = recv_one(c, (int)c->a[0], &e.hdr, f);
        if (r < 0) break;
        e.len = (uint32_t)r;
        if (gm_copy_out(at, &e, sizeof e) < 0) { r = -EFAULT; break; }
        if (timed && lx_monotonic_ns() >= deadline) { /* Linux checks the timeout only after each datagram */
            done++;
            break;
        }
    }
    return done ? (long)done : r;
}

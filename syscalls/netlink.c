/* netlink.c — NETLINK_ROUTE and NETLINK_SOCK_DIAG sockets, answered by lxrun
 * from the host backend's network facts (netlink_route.c, netlink_diag.c).  The
 * guest's fd is one end of a datagram socket pair (a real fd: poll, epoll and
 * close work as for any socket); lxrun keeps the other end, answers each request
 * the guest sends into it, and queues the answers a batch at a time as the
 * kernel hands a dump over. */
#include <stdlib.h>

#include "../abi/linux_misc.h"
#include "../abi/linux_netlink.h"
#include "../abi/linux_socket.h"
#include "handler.h"
#include "netlink.h"
#include "netlink_reply.h"

/* What is still to be queued of the answers: the kernel, too, hands a dump over
 * a batch at a time, as the reader makes room. */
struct pending { unsigned char *buf; size_t len, off; int lock; };

static void release(struct lx_file *f)
{
    struct pending *p = f->priv;
    if (p) free(p->buf);
    free(p);
}

static const struct lx_file_ops netlink_ops = { .name = "netlink", .release = release };

struct lx_file *lx_netlink_of(int fd)
{
    struct lx_file *f = lx_fd_get(fd);
    return f && f->ops == &netlink_ops ? f : NULL;
}

long lx_netlink_socket(struct lx_call *c, int protocol, int flags)
{
    if (protocol != LINUX_NETLINK_ROUTE && protocol != LINUX_NETLINK_SOCK_DIAG) {
        lx_record_partial(c->nr, "netlink protocols other than NETLINK_ROUTE and NETLINK_SOCK_DIAG (audit, uevent, generic…)");
        return -EPROTONOSUPPORT;
    }
    int fds[2];
    long r = rx_socketpair_unix(RX_SOCK_DGRAM, flags, fds);
    if (r < 0) return r;
    long mine = lx_fd_move_high(fds[1]); /* lxrun's end, out of the guest's sight */
    if (mine < 0) {
        rx_close(fds[0]);
        return mine;
    }
    long fd = lx_fd_accept(fds[0]);
    if (fd < 0) {
        rx_close((int)mine);
        return fd;
    }
    if ((r = lx_fd_install((int)fd, &netlink_ops, protocol == LINUX_NETLINK_ROUTE ? "route" : "sock_diag")) < 0) {
        rx_close((int)fd);
        rx_close((int)mine);
        return r;
    }
    struct lx_file *f = lx_fd_get((int)fd);
    f->peer = (int)mine;
    f->priv = calloc(1, sizeof(struct pending));
    return fd;
}

/* Batches of whole messages no longer than NLMSG_GOODSIZE (a page less the
 * kernel's overhead), as the kernel's dumps arrive, queued while there is room. */
#define BATCH 3776

static void plock(struct pending *p)
{
    while (__atomic_exchange_n(&p->lock, 1, __ATOMIC_ACQUIRE)) rx_sched_yield();
}

void lx_netlink_pump(struct lx_file *f)
{
    struct pending *p = f->priv;
    if (!p) return;
    plock(p);
    while (p->off < p->len) {
        size_t n = 0;
        while (p->off + n + sizeof(struct linux_nlmsghdr) <= p->len) {
            struct linux_nlmsghdr h;
            memcpy(&h, p->buf + p->off + n, sizeof h);
            size_t m = LINUX_NLMSG_ALIGN(h.len);
            if (n && n + m > BATCH) break;
            n += m;
        }
        if (!n) { /* malformed: drop the rest */
            p->off = p->len;
            break;
        }
        struct rx_iovec v = { p->buf + p->off, n };
        struct rx_msg m = { .iov = &v, .iovlen = 1 };
        if (rx_sock_sendmsg(f->peer, &m, RX_MSG_X_DONTWAIT) < 0) break; /* full: the next receive makes room */
        p->off += n;
    }
    if (p->off == p->len) p->off = p->len = 0;
    __atomic_store_n(&p->lock, 0, __ATOMIC_RELEASE);
}

/* The guest sent bytes (one or more requests): each answered into lxrun's end. */
static long serve(struct lx_call *c, struct lx_file *f, const unsigned char *buf, size_t len)
{
    struct reply r = { .port = f->port ? f->port : (uint32_t)rx_getpid(), .diag = strcmp(f->path, "sock_diag") == 0 };
    for (size_t off = 0; off + sizeof(struct linux_nlmsghdr) <= len;) {
        struct linux_nlmsghdr h;
        memcpy(&h, buf + off, sizeof h);
        if (h.len < sizeof h || h.len > len - off) break;
        if ((h.flags & LINUX_NLM_F_REQUEST) && r.diag) nl_diag_answer(c, &r, &h, buf + off + sizeof h, h.len - sizeof h);
        else if (h.flags & LINUX_NLM_F_REQUEST) nl_route_answer(c, &r, &h, buf + off + sizeof h, h.len - sizeof h);
        off += LINUX_NLMSG_ALIGN(h.len);
    }
    struct pending *p = f->priv;
    if (p && r.len) {
        plock(p);
        unsigned char *nb = realloc(p->buf, p->len + r.len);
        if (nb) {
            memcpy(nb + p->len, r.buf, r.len);
            p->buf = nb, p->len += r.len;
        }
        __atomic_store_n(&p->lock, 0, __ATOMIC_RELEASE);
    }
    free(r.buf);
    lx_netlink_pump(f);
    return (long)len;
}

long lx_netlink_send(struct lx_call *c, struct lx_file *f, uint64_t iov, uint64_t iovlen, uint64_t buf, uint64_t len)
{
    unsigned char *data = NULL;
    size_t total = 0;
    if (iov) {
        if (iovlen > 1024) return -EMSGSIZE;
        for (uint64_t i = 0; i < iovlen; i++) {
            struct linux_iovec v;
            if (gm_copy_in(&v, iov + i * sizeof v, sizeof v) < 0) { free(data); return -EFAULT; }
            if (v.iov_len > (1u << 20) || total + v.iov_len > (1u << 20)) { free(data); return -EMSGSIZE; }
            unsigned char *nd = realloc(data, total + v.iov_len + 1);
            if (!nd) { free(data); return -ENOMEM; }
            data = nd;
            if (v.iov_len && gm_copy_in(data + total, v.iov_base, v.iov_len) < 0) { free(data); return -EFAULT; }
            total += v.iov_len;
        }
    } else {
        if (len > (1u << 20)) return -EMSGSIZE;
        data = malloc(len + 1);
        if (!data) return -ENOMEM;
        if (len && gm_copy_in(data, buf, len) < 0) { free(data); return -EFAULT; }
        total = len;
    }
    long r = serve(c, f, data, total);
    free(data);
    return r;
}

long lx_netlink_name(struct lx_file *f, int peer, uint64_t addr, uint64_t lenp)
{
    struct linux_sockaddr_nl a = { 16 /* AF_NETLINK */, 0, peer ? 0 : f->port ? f->port : (uint32_t)rx_getpid(), 0 };
    uint32_t len;
    if (gm_copy_in(&len, lenp, sizeof len) < 0) return -EFAULT;
    if ((int32_t)len < 0) return -EINVAL;
    if (gm_copy_out(addr, &a, len < sizeof a ? len : sizeof a) < 0) return -EFAULT;
    len = sizeof a;
    return gm_copy_out(lenp, &len, sizeof len);
}

long lx_netlink_bind(struct lx_file *f, uint64_t addr, uint64_t len)
{
    struct linux_sockaddr_nl a;
    if (len < sizeof a) return -EINVAL;
    if (gm_copy_in(&a, addr, sizeof a) < 0) return -EFAULT;
    if (a.family != 16) return -EINVAL;
    f->port = a.pid ? a.pid : (uint32_t)rx_getpid();
    return 0;
}

/* The kernel is the only peer a reply comes from: port 0. */
long lx_netlink_source(uint64_t addr, uint32_t *len)
{
    struct linux_sockaddr_nl a = { 16, 0, 0, 0 };
    if ((int32_t)*len < 0) return -EINVAL;
    if (addr && gm_copy_out(addr, &a, *len < sizeof a ? *len : sizeof a) < 0) return -EFAULT;
    *len = sizeof a;
    return 0;
}

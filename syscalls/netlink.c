/* netlink.c — NETLINK_ROUTE and NETLINK_SOCK_DIAG sockets, answered by lxrun
 * from the host backend's network facts (rx_net_ifaces, rx_net_routes: Redox's
 * netcfg:; rx_net_sockets: the schemes' socket handles).  The guest's fd is
 * one end of a datagram socket pair (a real fd: poll, epoll and close work as for
 * any socket); lxrun keeps the other end, and each request the guest sends is
 * answered there at once, as the kernel answers a dump: RTM_GETLINK, RTM_GETADDR,
 * RTM_GETROUTE (dumps and single lookups), SOCK_DIAG_BY_FAMILY dumps of inet and
 * unix sockets, NLMSG_ERROR EOPNOTSUPP for the rest. */
#include <stdlib.h>

#include "../abi/linux_misc.h"
#include "../abi/linux_netlink.h"
#include "../abi/linux_socket.h"
#include "../procfs/procfs.h"
#include "handler.h"
#include "netlink.h"

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

/* ---- building replies ---- */
struct reply { unsigned char *buf; size_t len, cap, msg; uint32_t port; int diag; };

static void *grow(struct reply *r, size_t n)
{
    n = LINUX_NLMSG_ALIGN(n);
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8192;
        while (cap < r->len + n) cap *= 2;
        unsigned char *b = realloc(r->buf, cap);
        if (!b) return NULL;
        r->buf = b, r->cap = cap;
    }
    void *p = r->buf + r->len;
    memset(p, 0, n);
    r->len += n;
    return p;
}

static void *msg_start(struct reply *r, const struct linux_nlmsghdr *req, uint16_t type, uint16_t flags, size_t body)
{
    r->msg = r->len;
    struct linux_nlmsghdr *h = grow(r, sizeof *h);
    if (!h) return NULL;
    *h = (struct linux_nlmsghdr){ 0, type, flags, req->seq, r->port }; /* to the asking socket, as the kernel addresses it */
    return grow(r, body);
}

static void msg_end(struct reply *r)
{
    if (r->buf) ((struct linux_nlmsghdr *)(r->buf + r->msg))->len = (uint32_t)(r->len - r->msg);
}

static void attr(struct reply *r, uint16_t type, const void *data, size_t n)
{
    struct linux_rtattr *a = grow(r, sizeof *a + n);
    if (!a) return;
    a->len = (uint16_t)(sizeof *a + n), a->type = type;
    memcpy(a + 1, data, n);
}

static void attr_u32(struct reply *r, uint16_t type, uint32_t v) { attr(r, type, &v, sizeof v); }
static void attr_u8(struct reply *r, uint16_t type, uint8_t v) { attr(r, type, &v, sizeof v); }

static void error_msg(struct reply *r, const struct linux_nlmsghdr *req, int err)
{
    struct linux_nlmsgerr *e = msg_start(r, req, LINUX_NLMSG_ERROR, 0, sizeof *e);
    if (e) *e = (struct linux_nlmsgerr){ err, *req };
    msg_end(r);
}

static void done_msg(struct reply *r, const struct linux_nlmsghdr *req)
{
    int32_t *z = msg_start(r, req, LINUX_NLMSG_DONE, LINUX_NLM_F_MULTI, sizeof *z);
    if (z) *z = 0;
    msg_end(r);
}

/* ---- the facts ---- */
#define MAX_IFACES 64
#define MAX_ROUTES 256

static int ifaces(struct rx_net_iface **out)
{
    *out = malloc(MAX_IFACES * sizeof **out);
    if (!*out) return -ENOMEM;
    long n = rx_net_ifaces(*out, MAX_IFACES);
    return n < 0 ? (int)n : n > MAX_IFACES ? MAX_IFACES : (int)n;
}

static void link_msg(struct reply *r, const struct linux_nlmsghdr *req, const struct rx_net_iface *f, uint16_t flags)
{
    struct linux_ifinfomsg *i = msg_start(r, req, LINUX_RTM_NEWLINK, flags, sizeof *i);
    if (!i) return;
    int loop = (f->flags & RX_IFF_X_LOOPBACK) != 0;
    i->type = loop ? LINUX_ARPHRD_LOOPBACK : f->has_mac ? LINUX_ARPHRD_ETHER : LINUX_ARPHRD_NONE;
    i->index = (int32_t)f->index;
    i->flags = f->flags; /* RX_IFF_X_* are Linux's IFF_* */
    attr(r, LINUX_IFLA_IFNAME, f->name, strlen(f->name) + 1);
    attr_u32(r, LINUX_IFLA_MTU, f->mtu);
    attr_u32(r, LINUX_IFLA_TXQLEN, f->tx_queue_len);
    attr_u8(r, LINUX_IFLA_OPERSTATE, loop ? LINUX_IF_OPER_UNKNOWN
                                          : f->flags & RX_IFF_X_LOWER_UP ? LINUX_IF_OPER_UP : LINUX_IF_OPER_DOWN);
    attr_u8(r, LINUX_IFLA_LINKMODE, 0);
    attr_u32(r, LINUX_IFLA_GROUP, 0);
    if (f->has_mac) {
        attr(r, LINUX_IFLA_ADDRESS, f->mac, 6);
        attr(r, LINUX_IFLA_BROADCAST, f->broadcast_mac, 6);
    }
    struct linux_link_stats64 st = { { f->rx_packets, f->tx_packets, f->rx_bytes, f->tx_bytes, f->rx_errors,
                                       f->tx_errors, f->rx_dropped, f->tx_dropped } };
    attr(r, LINUX_IFLA_STATS64, &st, sizeof st);
    msg_end(r);
}

static void addr_msg(struct reply *r, const struct linux_nlmsghdr *req, const struct rx_net_iface *f,
                     const struct rx_net_addr *a)
{
    struct linux_ifaddrmsg *m = msg_start(r, req, LINUX_RTM_NEWADDR, LINUX_NLM_F_MULTI, sizeof *m);
    if (!m) return;
    int v4 = a->family == RX_AF_INET;
    m->family = v4 ? LINUX_AF_INET : LINUX_AF_INET6;
    m->prefixlen = (uint8_t)a->prefix;
    m->flags = LINUX_IFA_F_PERMANENT;
    m->scope = (uint8_t)a->scope;
    m->index = f->index;
    attr(r, LINUX_IFA_ADDRESS, a->addr, v4 ? 4 : 16);
    if (v4) {
        attr(r, LINUX_IFA_LOCAL, a->addr, 4);
        if (a->has_peer) attr(r, LINUX_IFA_BROADCAST, a->peer, 4);
        attr(r, LINUX_IFA_LABEL, f->name, strlen(f->name) + 1);
    }
    struct linux_ifa_cacheinfo ci = { 0xffffffffu, 0xffffffffu, 0, 0 };
    attr(r, LINUX_IFA_CACHEINFO, &ci, sizeof ci);
    attr_u32(r, LINUX_IFA_FLAGS, LINUX_IFA_F_PERMANENT);
    msg_end(r);
}

static void route_msg(struct reply *r, const struct linux_nlmsghdr *req, const struct rx_net_route *x)
{
    struct linux_rtmsg *m = msg_start(r, req, LINUX_RTM_NEWROUTE, LINUX_NLM_F_MULTI, sizeof *m);
    if (!m) return;
    int alen = x->family == RX_AF_INET ? 4 : 16;
    m->family = x->family == RX_AF_INET ? LINUX_AF_INET : LINUX_AF_INET6;
    m->dst_len = (uint8_t)x->dst_len;
    m->table = (uint8_t)(x->table < 256 ? x->table : 252);
    m->protocol = (uint8_t)x->protocol, m->scope = (uint8_t)x->scope, m->type = (uint8_t)x->type;
    attr_u32(r, LINUX_RTA_TABLE, x->table);
    if (x->dst_len) attr(r, LINUX_RTA_DST, x->dst, (size_t)alen);
    if (x->metric) attr_u32(r, LINUX_RTA_PRIORITY, x->metric);
    if (x->has_prefsrc) attr(r, LINUX_RTA_PREFSRC, x->prefsrc, (size_t)alen);
    if (x->has_gateway) attr(r, LINUX_RTA_GATEWAY, x->gateway, (size_t)alen);
    if (x->oif) attr_u32(r, LINUX_RTA_OIF, x->oif);
    if (x->family == RX_AF_INET6) attr_u8(r, LINUX_RTA_PREF, 0); /* router preference: medium */
    msg_end(r);
}

/* ---- NETLINK_SOCK_DIAG: the system's sockets (rx_net_sockets) ---- */
static void inet_id(const struct rx_sockaddr *a, uint16_t *port, uint32_t addr[4])
{
    unsigned char sa[LINUX_SOCKADDR_MAX] = { 0 };
    long n = abi_inet_addr_from_rx(a, sa);
    memcpy(port, sa + 2, 2); /* already in network order */
    memcpy(addr, n == LINUX_SOCKADDR_IN_LEN ? sa + 4 : sa + 8, n == LINUX_SOCKADDR_IN_LEN ? 4 : n > 0 ? 16 : 0);
}

static void diag_inet(struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen)
{
    struct linux_inet_diag_req_v2 q = { 0 };
    memcpy(&q, body, blen < sizeof q ? blen : sizeof q);
    int family = q.family == LINUX_AF_INET ? RX_AF_INET : RX_AF_INET6;
    int type = q.protocol == LINUX_IPPROTO_TCP ? RX_SOCK_STREAM : q.protocol == LINUX_IPPROTO_UDP ? RX_SOCK_DGRAM : -1;
    long n = 0;
    struct rx_sock_info *s = type < 0 ? NULL : procfs_net_sockets(family, type, &n);
    for (long i = 0; i < n; i++) {
        if (s[i].state < 32 && !(q.states & (1u << s[i].state))) continue;
        struct linux_inet_diag_msg *m = msg_start(r, h, LINUX_SOCK_DIAG_BY_FAMILY, LINUX_NLM_F_MULTI, sizeof *m);
        if (!m) break;
        m->family = q.family, m->state = (uint8_t)s[i].state;
        inet_id(&s[i].local, &m->id.sport, m->id.src);
        inet_id(&s[i].peer, &m->id.dport, m->id.dst);
        m->id.cookie[0] = m->id.cookie[1] = 0xffffffffu; /* INET_DIAG_NOCOOKIE */
        m->rqueue = (uint32_t)s[i].rx_queue, m->wqueue = (uint32_t)s[i].tx_queue;
        m->uid = s[i].uid, m->inode = (uint32_t)s[i].inode;
        if (q.family == LINUX_AF_INET6 && (s[i].state == 10 || s[i].state == 7)) /* as the kernel adds it */
            attr_u8(r, LINUX_INET_DIAG_SKV6ONLY, (uint8_t)s[i].v6only);
        msg_end(r);
    }
    free(s);
    done_msg(r, h);
}

static void diag_unix(struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen)
{
    struct linux_unix_diag_req q = { 0 };
    memcpy(&q, body, blen < sizeof q ? blen : sizeof q);
    static const int types[] = { RX_SOCK_STREAM, RX_SOCK_DGRAM, RX_SOCK_SEQPACKET }, ltypes[] = { 1, 2, 5 };
    for (int t = 0; t < 3; t++) {
        long n;
        struct rx_sock_info *s = procfs_net_sockets(RX_AF_UNIX, types[t], &n);
        for (long i = 0; i < n; i++) {
            unsigned state = s[i].listening ? 10 : (unsigned)s[i].state;
            if (!(q.states & (1u << state)) || (q.ino && q.ino != (uint32_t)s[i].inode)) continue;
            struct linux_unix_diag_msg *m = msg_start(r, h, LINUX_SOCK_DIAG_BY_FAMILY, LINUX_NLM_F_MULTI, sizeof *m);
            if (!m) break;
            m->family = LINUX_AF_UNIX, m->type = (uint8_t)ltypes[t], m->state = (uint8_t)state;
            m->ino = (uint32_t)s[i].inode, m->cookie[0] = m->cookie[1] = 0xffffffffu;
            const struct rx_sockaddr *a = &s[i].local;
            if ((q.show & LINUX_UDIAG_SHOW_NAME) && a->len) {
                char name[RX_SOCKADDR_MAX + PATH_MAX], url[RX_SOCKADDR_MAX + 8];
                size_t len = a->len;
                memcpy(name, a->text, len);
                snprintf(url, sizeof url, "file:%.*s", (int)a->len, a->text);
                if (a->text[0] == '/' && vfs_guest_path(url, name, sizeof name) >= 0) len = strlen(name);
                attr(r, LINUX_UNIX_DIAG_NAME, name, len);
            }
            if (q.show & LINUX_UDIAG_SHOW_RQLEN) {
                uint32_t ql[2] = { (uint32_t)s[i].rx_queue, (uint32_t)s[i].tx_queue };
                attr(r, LINUX_UNIX_DIAG_RQLEN, ql, sizeof ql);
            }
            msg_end(r);
        }
        free(s);
    }
    done_msg(r, h);
}

/* A request's answer; family filters the dump as the kernel does (AF_UNSPEC: all). */
static void answer(struct lx_call *c, struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen)
{
    int dump = (h->flags & LINUX_NLM_F_DUMP) == LINUX_NLM_F_DUMP;
    unsigned family = blen >= 1 ? body[0] : 0;
    if (r->diag) {
        if (h->type == LINUX_SOCK_DIAG_BY_FAMILY && dump && (family == LINUX_AF_INET || family == LINUX_AF_INET6))
            return diag_inet(r, h, body, blen);
        if (h->type == LINUX_SOCK_DIAG_BY_FAMILY && dump && family == LINUX_AF_UNIX) return diag_unix(r, h, body, blen);
        lx_record_partial(c->nr, "sock_diag requests beyond dumps of inet and unix sockets");
        error_msg(r, h, -EOPNOTSUPP);
        return;
    }
    if (h->type == LINUX_RTM_GETLINK || h->type == LINUX_RTM_GETADDR) {
        struct rx_net_iface *fs;
        int n = ifaces(&fs);
        if (n < 0) {
            error_msg(r, h, n);
            return;
        }
        if (h->type == LINUX_RTM_GETLINK && !dump) { /* one interface, by index or IFLA_IFNAME */
            struct linux_ifinfomsg want = { 0 };
            memcpy(&want, body, blen < sizeof want ? blen : sizeof want);
            char name[16] = "";
            for (size_t off = LINUX_NLMSG_ALIGN(sizeof want); off + sizeof(struct linux_rtattr) <= blen;) {
                struct linux_rtattr a;
                memcpy(&a, body + off, sizeof a);
                if (a.len < sizeof a || a.len > blen - off) break;
                if (a.type == LINUX_IFLA_IFNAME && a.len - sizeof a < sizeof name)
                    memcpy(name, body + off + sizeof a, a.len - sizeof a);
                off += LINUX_NLMSG_ALIGN(a.len);
            }
            int found = 0;
            for (int i = 0; i < n && !found; i++)
                if ((want.index && (unsigned)want.index == fs[i].index) || (!want.index && strcmp(name, fs[i].name) == 0))
                    link_msg(r, h, &fs[i], 0), found = 1;
            if (!found) error_msg(r, h, -ENODEV);
            free(fs);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (h->type == LINUX_RTM_GETLINK) {
                link_msg(r, h, &fs[i], LINUX_NLM_F_MULTI);
                continue;
            }
            for (int k = 0; k < fs[i].naddrs; k++) {
                const struct rx_net_addr *a = &fs[i].addrs[k];
                if (family == LINUX_AF_INET && a->family != RX_AF_INET) continue;
                if (family == LINUX_AF_INET6 && a->family != RX_AF_INET6) continue;
                addr_msg(r, h, &fs[i], a);
            }
        }
        free(fs);
        done_msg(r, h);
        return;
    }
    if (h->type == LINUX_RTM_GETROUTE && dump) {
        struct rx_net_route *rs = malloc(MAX_ROUTES * sizeof *rs);
        long n = rs ? rx_net_routes(rs, MAX_ROUTES) : -ENOMEM;
        if (n < 0) {
            free(rs);
            error_msg(r, h, (int)n);
            return;
        }
        for (long i = 0; i < n && i < MAX_ROUTES; i++) {
            if (family == LINUX_AF_INET && rs[i].family != RX_AF_INET) continue;
            if (family == LINUX_AF_INET6 && rs[i].family != RX_AF_INET6) continue;
            route_msg(r, h, &rs[i]);
        }
        free(rs);
        done_msg(r, h);
        return;
    }
    lx_record_partial(c->nr, "netlink requests beyond RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE dumps (changes, neighbours…)");
    error_msg(r, h, -EOPNOTSUPP);
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
        if (h.flags & LINUX_NLM_F_REQUEST) answer(c, &r, &h, buf + off + sizeof h, h.len - sizeof h);
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

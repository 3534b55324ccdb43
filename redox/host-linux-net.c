/* host-linux-net.c — rx.h's sockets carried out on Linux: the tcp:, udp: and
 * uds_* schemes' handles are the host's sockets, their path-text addresses the
 * host's sockaddrs, handles and credentials travelling as SCM_RIGHTS and
 * SCM_CREDENTIALS. */

#include "rx.h"
#include "host-linux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>


_Static_assert(RX_SOCK_STREAM == SOCK_STREAM && RX_SOCK_DGRAM == SOCK_DGRAM && RX_SOCK_SEQPACKET == SOCK_SEQPACKET,
               "Redox's socket types are the host's");
_Static_assert(RX_AF_UNIX == AF_UNIX && RX_AF_INET == AF_INET && RX_AF_INET6 == AF_INET6,
               "relibc's families are the host's");
_Static_assert(RX_MSG_PEEK == MSG_PEEK && RX_MSG_WAITALL == MSG_WAITALL && RX_MSG_X_DONTWAIT == MSG_DONTWAIT &&
                   RX_MSG_X_NOSIGNAL == MSG_NOSIGNAL && RX_MSG_OOB == MSG_OOB && RX_MSG_EOR == MSG_EOR &&
                   RX_MSG_TRUNC == MSG_TRUNC && RX_MSG_CTRUNC == MSG_CTRUNC && RX_MSG_X_CMSG_CLOEXEC == MSG_CMSG_CLOEXEC &&
                   RX_MSG_X_CONFIRM == MSG_CONFIRM && RX_MSG_X_ERRQUEUE == MSG_ERRQUEUE && RX_MSG_X_MORE == MSG_MORE,
               "Redox's message flags are the host's");
_Static_assert(RX_SO_TYPE == SO_TYPE && RX_SO_ERROR == SO_ERROR && RX_SO_SNDBUF == SO_SNDBUF && RX_SO_RCVBUF == SO_RCVBUF &&
                   RX_SO_PASSCRED == SO_PASSCRED && RX_SO_PEERCRED == SO_PEERCRED && RX_SO_RCVTIMEO == SO_RCVTIMEO &&
                   RX_SO_SNDTIMEO == SO_SNDTIMEO && RX_SO_ACCEPTCONN == SO_ACCEPTCONN && RX_SO_PROTOCOL == SO_PROTOCOL &&
                   RX_SO_DOMAIN == SO_DOMAIN && RX_SO_X_REUSEADDR == SO_REUSEADDR && RX_SO_X_BROADCAST == SO_BROADCAST &&
                   RX_SO_X_KEEPALIVE == SO_KEEPALIVE && RX_SO_X_OOBINLINE == SO_OOBINLINE && RX_SO_X_LINGER == SO_LINGER &&
                   RX_SO_X_REUSEPORT == SO_REUSEPORT && RX_SO_X_RCVLOWAT == SO_RCVLOWAT &&
                   RX_SO_X_SNDBUFFORCE == SO_SNDBUFFORCE && RX_SO_X_RCVBUFFORCE == SO_RCVBUFFORCE,
               "Redox's socket options are the host's");
_Static_assert(RX_SOL_SOCKET == SOL_SOCKET && RX_SOL_X_IP == IPPROTO_IP && RX_SOL_X_TCP == IPPROTO_TCP &&
                   RX_SOL_X_IPV6 == IPPROTO_IPV6 && RX_IP_X_TOS == IP_TOS && RX_IP_X_TTL == IP_TTL &&
                   RX_IP_X_MULTICAST_TTL == IP_MULTICAST_TTL && RX_IP_X_MULTICAST_LOOP == IP_MULTICAST_LOOP &&
                   RX_TCP_X_NODELAY == TCP_NODELAY && RX_TCP_X_MAXSEG == TCP_MAXSEG && RX_TCP_X_KEEPIDLE == TCP_KEEPIDLE &&
                   RX_TCP_X_KEEPINTVL == TCP_KEEPINTVL && RX_TCP_X_KEEPCNT == TCP_KEEPCNT &&
                   RX_IPV6_X_UNICAST_HOPS == IPV6_UNICAST_HOPS && RX_IPV6_X_V6ONLY == IPV6_V6ONLY && RX_IPV6_X_ADDRFORM == IPV6_ADDRFORM &&
                   RX_IP_X_ADD_MEMBERSHIP == IP_ADD_MEMBERSHIP && RX_IP_X_DROP_MEMBERSHIP == IP_DROP_MEMBERSHIP &&
                   RX_IPV6_X_ADD_MEMBERSHIP == IPV6_ADD_MEMBERSHIP && RX_IPV6_X_DROP_MEMBERSHIP == IPV6_DROP_MEMBERSHIP &&
                   RX_X_MCAST_JOIN_GROUP == MCAST_JOIN_GROUP && RX_X_MCAST_LEAVE_GROUP == MCAST_LEAVE_GROUP,
               "relibc's option numbers are the host's");
_Static_assert(sizeof(struct rx_iovec) == sizeof(struct iovec), "iovec layout");

static int sock_flags(int flags)
{
    return (flags & RX_O_CLOEXEC ? SOCK_CLOEXEC : 0) | (flags & RX_O_NONBLOCK ? SOCK_NONBLOCK : 0);
}

long rx_socketpair_unix(int type, int flags, int fds[2]) { return R(socketpair(AF_UNIX, type | sock_flags(flags), 0, fds)); }

long rx_socket(int family, int type, int flags)
{
    if (family != AF_UNIX && family != AF_INET && family != AF_INET6) return -EAFNOSUPPORT;
    if (type != SOCK_STREAM && type != SOCK_DGRAM && (type != SOCK_SEQPACKET || family != AF_UNIX)) return -ESOCKTNOSUPPORT;
    return R(socket(family, type | sock_flags(flags), 0));
}

/* ---- path text <-> the host's sockaddr ---- */
union host_addr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage ss;
};

/* "a.b.c.d:port", "[v6%scope]:port", a path, or NUL + an abstract name. */
static long addr_to_host(const struct rx_sockaddr *a, union host_addr *h, socklen_t *len)
{
    memset(h, 0, sizeof *h);
    if (a->len > sizeof a->text) return -EINVAL;
    if (a->family == AF_UNIX) {
        if (a->len > sizeof h->un.sun_path) return -ENAMETOOLONG;
        h->un.sun_family = AF_UNIX;
        memcpy(h->un.sun_path, a->text, a->len);
        *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + a->len +
                          (a->len && a->text[0] && a->len < sizeof h->un.sun_path ? 1 : 0));
        return 0;
    }
    char text[RX_SOCKADDR_MAX + 1];
    memcpy(text, a->text, a->len);
    text[a->len] = 0;
    char *colon = strrchr(text, ':'), *host = text, *end;
    if (!colon) return -EINVAL;
    *colon = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port > 65535) return -EINVAL;
    if (a->family == AF_INET) {
        h->in.sin_family = AF_INET;
        h->in.sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &h->in.sin_addr) != 1) return -EINVAL;
        *len = sizeof h->in;
        return 0;
    }
    if (a->family != AF_INET6 || host[0] != '[' || colon[-1] != ']') return -EINVAL;
    colon[-1] = 0;
    host++;
    char *pct = strchr(host, '%');
    if (pct) {
        *pct = 0;
        h->in6.sin6_scope_id = (uint32_t)strtoul(pct + 1, NULL, 10);
    }
    h->in6.sin6_family = AF_INET6;
    h->in6.sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &h->in6.sin6_addr) != 1) return -EINVAL;
    *len = sizeof h->in6;
    return 0;
}

static void addr_from_host(const union host_addr *h, socklen_t len, struct rx_sockaddr *a)
{
    memset(a, 0, sizeof *a);
    a->family = h->sa.sa_family;
    char ip[INET6_ADDRSTRLEN];
    int n = 0;
    if (h->sa.sa_family == AF_INET) {
        inet_ntop(AF_INET, &h->in.sin_addr, ip, sizeof ip);
        n = snprintf(a->text, sizeof a->text, "%s:%u", ip, ntohs(h->in.sin_port));
    } else if (h->sa.sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &h->in6.sin6_addr, ip, sizeof ip);
        if (h->in6.sin6_scope_id)
            n = snprintf(a->text, sizeof a->text, "[%s%%%u]:%u", ip, h->in6.sin6_scope_id, ntohs(h->in6.sin6_port));
        else
            n = snprintf(a->text, sizeof a->text, "[%s]:%u", ip, ntohs(h->in6.sin6_port));
    } else if (h->sa.sa_family == AF_UNIX) {
        size_t l = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (l && h->un.sun_path[0]) l = strnlen(h->un.sun_path, l);
        if (l > sizeof a->text) l = sizeof a->text;
        memcpy(a->text, h->un.sun_path, l);
        n = (int)l;
    } else {
        a->family = AF_UNIX; /* unnamed */
    }
    a->len = n < 0 ? 0 : (unsigned)n;
}

long rx_sock_bind(int fd, const struct rx_sockaddr *a)
{
    union host_addr h;
    socklen_t len;
    long r = addr_to_host(a, &h, &len);
    return r < 0 ? r : R(bind(fd, &h.sa, len));
}

long rx_sock_connect(int fd, const struct rx_sockaddr *a)
{
    union host_addr h;
    socklen_t len;
    if (a->family == RX_X_AF_UNSPEC) {
        h.sa.sa_family = AF_UNSPEC; /* dissolves a datagram socket's association */
        return host_wait_call(SYS_connect, fd, (long)&h.sa, sizeof h.sa, 0, 0, 0);
    }
    long r = addr_to_host(a, &h, &len);
    return r < 0 ? r : host_wait_call(SYS_connect, fd, (long)&h.sa, len, 0, 0, 0);
}

long rx_sock_listen(int fd, int backlog) { return R(listen(fd, backlog)); }

long rx_sock_accept(int fd, int flags) { return host_wait_call(SYS_accept4, fd, 0, 0, sock_flags(flags), 0, 0); }

long rx_sock_name(int fd, int peer, struct rx_sockaddr *out)
{
    union host_addr h;
    socklen_t len = sizeof h;
    memset(&h, 0, sizeof h);
    long r = R(peer ? getpeername(fd, &h.sa, &len) : getsockname(fd, &h.sa, &len));
    if (r < 0) return r;
    addr_from_host(&h, len, out);
    return 0;
}

/* ---- messages ---- */
#define MAX_FDS 253 /* Linux's SCM_MAX_FD */

long rx_sock_sendmsg(int fd, struct rx_msg *m, int flags)
{
    union host_addr h;
    socklen_t hlen = 0;
    if (m->addr) {
        long r = addr_to_host(m->addr, &h, &hlen);
        if (r < 0) return r;
    }
    if (m->nfds < 0 || m->nfds > MAX_FDS) return -EINVAL;
    size_t clen = (m->nfds ? CMSG_SPACE(m->nfds * sizeof(int)) : 0) + (m->cred ? CMSG_SPACE(sizeof(struct ucred)) : 0);
    /* room for every fd a message takes and credentials: no heap (a page of
     * malloc's written after a fork is a page copy) */
    _Alignas(struct cmsghdr) char room[CMSG_SPACE(MAX_FDS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
    char *control = clen ? room : NULL;
    if (clen) memset(room, 0, clen);
    struct msghdr mh = { .msg_name = m->addr ? &h : NULL, .msg_namelen = hlen, .msg_iov = (struct iovec *)m->iov,
                         .msg_iovlen = (size_t)m->iovlen, .msg_control = control, .msg_controllen = clen };
    struct cmsghdr *c = clen ? CMSG_FIRSTHDR(&mh) : NULL;
    if (m->nfds) {
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(m->nfds * sizeof(int));
        memcpy(CMSG_DATA(c), m->fds, m->nfds * sizeof(int));
        c = CMSG_NXTHDR(&mh, c);
    }
    if (m->cred) {
        struct ucred u = { m->cred->pid, m->cred->uid, m->cred->gid };
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        c->cmsg_len = CMSG_LEN(sizeof u);
        memcpy(CMSG_DATA(c), &u, sizeof u);
    }
    return host_wait_call(SYS_sendmsg, fd, (long)&mh, flags, 0, 0, 0);
}

long rx_sock_recvmsg(int fd, struct rx_msg *m, int flags)
{
    union host_addr h;
    memset(&h, 0, sizeof h);
    int room = m->nfds > 0 ? m->nfds : 0;
    if (room > MAX_FDS) room = MAX_FDS; /* the kernel passes no more */
    size_t clen = CMSG_SPACE((room ? room : 1) * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred));
    /* on the stack, as sendmsg's: a spare child's first allocation here took
     * malloc's first mapping (six calls and five faults an exec in a shell's loop) */
    _Alignas(struct cmsghdr) char control[CMSG_SPACE(MAX_FDS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
    memset(control, 0, clen);
    struct msghdr mh = { .msg_name = m->addr ? &h : NULL, .msg_namelen = m->addr ? sizeof h : 0,
                         .msg_iov = (struct iovec *)m->iov, .msg_iovlen = (size_t)m->iovlen,
                         .msg_control = control, .msg_controllen = room || m->cred ? clen : 0 };
    long r = host_wait_call(SYS_recvmsg, fd, (long)&mh, flags, 0, 0, 0);
    if (r < 0) return r;
    m->nfds = 0;
    m->cred_valid = 0;
    m->flags_out = mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC | MSG_EOR | MSG_OOB);
    for (struct cmsghdr *c = mh.msg_controllen ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SCM_RIGHTS) {
            int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < n; i++) {
                int got;
                memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
                if (m->nfds < room) m->fds[m->nfds++] = got;
                else close(got);
            }
        } else if (c->cmsg_type == SCM_CREDENTIALS && m->cred) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(c), sizeof u);
            *m->cred = (struct rx_ucred){ u.pid, u.uid, u.gid };
            m->cred_valid = 1;
        }
    }
    if (m->addr) addr_from_host(&h, mh.msg_namelen, m->addr);
    return r;
}

long rx_sock_shutdown(int fd, int how) { return R(shutdown(fd, how)); }

/* ---- options ---- */
long rx_sockopt_get(int fd, int level, int opt, void *val, size_t len)
{
    if (level == SOL_SOCKET && (opt == RX_SO_RCVTIMEO || opt == RX_SO_SNDTIMEO)) {
        struct timeval tv;
        socklen_t l = sizeof tv;
        if (len < sizeof(struct rx_timespec)) return -EINVAL;
        if (getsockopt(fd, SOL_SOCKET, opt, &tv, &l) < 0) return -errno;
        *(struct rx_timespec *)val = (struct rx_timespec){ tv.tv_sec, tv.tv_usec * 1000 };
        return sizeof(struct rx_timespec);
    }
    if (level == SOL_SOCKET && opt == RX_SO_PEERCRED) {
        struct ucred u;
        socklen_t l = sizeof u;
        if (len < sizeof(struct rx_ucred)) return -EINVAL;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &u, &l) < 0) return -errno;
        *(struct rx_ucred *)val = (struct rx_ucred){ u.pid, u.uid, u.gid };
        return sizeof(struct rx_ucred);
    }
    if (level == SOL_SOCKET && opt == RX_SO_X_LINGER) {
        struct linger lg;
        socklen_t l = sizeof lg;
        if (len < sizeof(struct rx_linger)) return -EINVAL;
        if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &l) < 0) return -errno;
        *(struct rx_linger *)val = (struct rx_linger){ lg.l_onoff, lg.l_linger };
        return sizeof(struct rx_linger);
    }
    int v;
    socklen_t l = sizeof v;
    if (len < sizeof v) return -EINVAL;
    if (getsockopt(fd, level, opt, &v, &l) < 0) return -errno;
    if (level == SOL_SOCKET && opt == RX_SO_TYPE && v != SOCK_STREAM && v != SOCK_DGRAM && v != SOCK_SEQPACKET)
        return -ENOPROTOOPT;
    memcpy(val, &v, sizeof v);
    return sizeof v;
}

/* A membership change in the host's struct for the option: ip_mreqn, ipv6_mreq
 * or group_req. */
static long mcast_set(int fd, int level, int opt, const struct rx_mcast *m)
{
    union host_addr g;
    socklen_t gl;
    long r = addr_to_host(&m->group, &g, &gl);
    if (r < 0) return r;
    if (opt == RX_X_MCAST_JOIN_GROUP || opt == RX_X_MCAST_LEAVE_GROUP) {
        struct group_req q = { .gr_interface = m->ifindex };
        memcpy(&q.gr_group, &g, gl);
        return R(setsockopt(fd, level, opt, &q, sizeof q));
    }
    if (level == IPPROTO_IP) {
        struct ip_mreqn q = { .imr_multiaddr = g.in.sin_addr, .imr_ifindex = (int)m->ifindex };
        memcpy(&q.imr_address, m->local, 4);
        return R(setsockopt(fd, level, opt, &q, sizeof q));
    }
    struct ipv6_mreq q = { .ipv6mr_multiaddr = g.in6.sin6_addr, .ipv6mr_interface = m->ifindex };
    return R(setsockopt(fd, level, opt, &q, sizeof q));
}

long rx_sockopt_set(int fd, int level, int opt, const void *val, size_t len)
{
    if (len == sizeof(struct rx_mcast) &&
        (((level == IPPROTO_IP || level == IPPROTO_IPV6) && (opt == RX_X_MCAST_JOIN_GROUP || opt == RX_X_MCAST_LEAVE_GROUP)) ||
         (level == IPPROTO_IP && (opt == RX_IP_X_ADD_MEMBERSHIP || opt == RX_IP_X_DROP_MEMBERSHIP)) ||
         (level == IPPROTO_IPV6 && (opt == RX_IPV6_X_ADD_MEMBERSHIP || opt == RX_IPV6_X_DROP_MEMBERSHIP))))
        return mcast_set(fd, level, opt, val);
    if (level == SOL_SOCKET && (opt == RX_SO_RCVTIMEO || opt == RX_SO_SNDTIMEO)) {
        if (len < sizeof(struct rx_timespec)) return -EINVAL;
        const struct rx_timespec *t = val;
        struct timeval tv = { t->sec, t->nsec / 1000 };
        return R(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv));
    }
    if (level == SOL_SOCKET && opt == RX_SO_X_LINGER) {
        if (len < sizeof(struct rx_linger)) return -EINVAL;
        const struct rx_linger *g = val;
        struct linger lg = { g->on, g->seconds };
        return R(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    }
    if (len < sizeof(int)) return -EINVAL;
    return R(setsockopt(fd, level, opt, val, sizeof(int)));
}

/* ---- network configuration: the host's interfaces (getifaddrs) and routes (a
 * NETLINK_ROUTE dump), as netcfg: would list them ---- */
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>

_Static_assert(RX_IFF_X_UP == IFF_UP && RX_IFF_X_BROADCAST == IFF_BROADCAST && RX_IFF_X_LOOPBACK == IFF_LOOPBACK &&
                   RX_IFF_X_POINTOPOINT == IFF_POINTOPOINT && RX_IFF_X_RUNNING == IFF_RUNNING &&
                   RX_IFF_X_NOARP == IFF_NOARP && RX_IFF_X_PROMISC == IFF_PROMISC &&
                   RX_IFF_X_MULTICAST == IFF_MULTICAST && RX_IFF_X_LOWER_UP == 0x10000,
               "interface flags are Linux's");

static unsigned mask_prefix(const uint8_t *m, int bytes)
{
    unsigned n = 0;
    for (int i = 0; i < bytes; i++)
        for (int b = 7; b >= 0 && (m[i] >> b & 1); b--) n++;
    return n;
}

static struct rx_net_iface *iface_of(struct rx_net_iface *out, int *n, int max, const char *name)
{
    for (int i = 0; i < *n && i < max; i++)
        if (strcmp(out[i].name, name) == 0) return &out[i];
    if (*n >= max) {
        (*n)++;
        return NULL;
    }
    struct rx_net_iface *f = &out[(*n)++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    f->index = if_nametoindex(name);
    return f;
}

long rx_net_ifaces(struct rx_net_iface *out, int max)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) < 0) return -errno;
    int n = 0;
    for (struct ifaddrs *a = all; a; a = a->ifa_next) {
        struct rx_net_iface *f = iface_of(out, &n, max, a->ifa_name);
        if (!f) continue;
        f->flags = a->ifa_flags;
        if (!a->ifa_addr) continue;
        int fam = a->ifa_addr->sa_family;
        if (fam == AF_PACKET) {
            const struct sockaddr_ll *ll = (const void *)a->ifa_addr;
            if (ll->sll_halen == 6) {
                memcpy(f->mac, ll->sll_addr, 6);
                f->has_mac = 1;
            }
            if (a->ifa_broadaddr && ((const struct sockaddr_ll *)(const void *)a->ifa_broadaddr)->sll_halen == 6)
                memcpy(f->broadcast_mac, ((const struct sockaddr_ll *)(const void *)a->ifa_broadaddr)->sll_addr, 6);
            const struct rtnl_link_stats *st = a->ifa_data;
            if (st) {
                f->rx_bytes = st->rx_bytes, f->rx_packets = st->rx_packets, f->rx_errors = st->rx_errors;
                f->rx_dropped = st->rx_dropped, f->tx_bytes = st->tx_bytes, f->tx_packets = st->tx_packets;
                f->tx_errors = st->tx_errors, f->tx_dropped = st->tx_dropped;
            }
        } else if ((fam == AF_INET || fam == AF_INET6) && f->naddrs < RX_NET_MAX_ADDRS) {
            struct rx_net_addr *x = &f->addrs[f->naddrs++];
            memset(x, 0, sizeof *x);
            x->family = fam;
            if (fam == AF_INET) {
                memcpy(x->addr, &((const struct sockaddr_in *)(const void *)a->ifa_addr)->sin_addr, 4);
                if (a->ifa_netmask)
                    x->prefix = mask_prefix((const uint8_t *)&((const struct sockaddr_in *)(const void *)a->ifa_netmask)->sin_addr, 4);
                if ((a->ifa_flags & IFF_BROADCAST) && a->ifa_broadaddr) {
                    memcpy(x->peer, &((const struct sockaddr_in *)(const void *)a->ifa_broadaddr)->sin_addr, 4);
                    x->has_peer = 1;
                }
                x->scope = x->addr[0] == 127 ? 254 : 0;
            } else {
                const struct in6_addr *v6 = &((const struct sockaddr_in6 *)(const void *)a->ifa_addr)->sin6_addr;
                memcpy(x->addr, v6, 16);
                if (a->ifa_netmask)
                    x->prefix = mask_prefix((const uint8_t *)&((const struct sockaddr_in6 *)(const void *)a->ifa_netmask)->sin6_addr, 16);
                x->scope = IN6_IS_ADDR_LOOPBACK(v6) ? 254 : IN6_IS_ADDR_LINKLOCAL(v6) ? 253 : 0;
            }
        }
    }
    freeifaddrs(all);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (int i = 0; i < n && i < max; i++) {
        struct ifreq r;
        memset(&r, 0, sizeof r);
        snprintf(r.ifr_name, sizeof r.ifr_name, "%s", out[i].name);
        out[i].mtu = s >= 0 && ioctl(s, SIOCGIFMTU, &r) == 0 ? (unsigned)r.ifr_mtu : 0;
        out[i].tx_queue_len = s >= 0 && ioctl(s, SIOCGIFTXQLEN, &r) == 0 ? (unsigned)r.ifr_qlen : 0;
    }
    if (s >= 0) close(s);
    return n;
}

/* One NETLINK_ROUTE dump of the routes of family fam into out. */
static int route_dump(int fam, struct rx_net_route *out, int n, int max)
{
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0) return -errno;
    struct { struct nlmsghdr h; struct rtmsg r; } req = {
        { sizeof req, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 }, { .rtm_family = (unsigned char)fam } };
    if (send(s, &req, sizeof req, 0) < 0) {
        int e = errno;
        close(s);
        return -e;
    }
    char *buf = malloc(32768);
    if (!buf) {
        close(s);
        return -ENOMEM;
    }
    for (int done = 0; !done;) {
        ssize_t len = recv(s, buf, 32768, 0);
        if (len <= 0) break;
        for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (unsigned)len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWROUTE) continue;
            struct rtmsg *rt = NLMSG_DATA(h);
            struct rx_net_route x;
            memset(&x, 0, sizeof x);
            x.family = rt->rtm_family;
            x.dst_len = rt->rtm_dst_len, x.table = rt->rtm_table, x.scope = rt->rtm_scope;
            x.protocol = rt->rtm_protocol, x.type = rt->rtm_type;
            int alen = rt->rtm_family == AF_INET ? 4 : 16, attrlen = (int)RTM_PAYLOAD(h);
            for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, attrlen); a = RTA_NEXT(a, attrlen)) {
                int pl = (int)RTA_PAYLOAD(a);
                switch (a->rta_type) {
                case RTA_DST: if (pl == alen) memcpy(x.dst, RTA_DATA(a), (size_t)alen); break;
                case RTA_GATEWAY: if (pl == alen) memcpy(x.gateway, RTA_DATA(a), (size_t)alen), x.has_gateway = 1; break;
                case RTA_PREFSRC: if (pl == alen) memcpy(x.prefsrc, RTA_DATA(a), (size_t)alen), x.has_prefsrc = 1; break;
                case RTA_OIF: if (pl == 4) memcpy(&x.oif, RTA_DATA(a), 4); break;
                case RTA_PRIORITY: if (pl == 4) memcpy(&x.metric, RTA_DATA(a), 4); break;
                case RTA_TABLE: if (pl == 4) memcpy(&x.table, RTA_DATA(a), 4); break;
                }
            }
            if (n < max) out[n] = x;
            n++;
        }
    }
    free(buf);
    close(s);
    return n;
}

long rx_net_routes(struct rx_net_route *out, int max)
{
    int n = route_dump(AF_INET, out, 0, max);
    if (n < 0) return n;
    int m = route_dump(AF_INET6, out, n, max);
    return m < 0 ? n : m;
}

/* ---- the system's sockets: a sock_diag dump ---- */
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

static void inet_text(int fam, const uint32_t *addr, uint16_t port_be, struct rx_sockaddr *a)
{
    union host_addr h;
    memset(&h, 0, sizeof h);
    if (fam == AF_INET) {
        h.in.sin_family = AF_INET, h.in.sin_port = port_be;
        memcpy(&h.in.sin_addr, addr, 4);
        addr_from_host(&h, sizeof h.in, a);
    } else {
        h.in6.sin6_family = AF_INET6, h.in6.sin6_port = port_be;
        memcpy(&h.in6.sin6_addr, addr, 16);
        addr_from_host(&h, sizeof h.in6, a);
    }
}

/* One dump request; each reply message handed to take. */
static long diag_dump(const void *req, size_t len, void (*take)(const struct nlmsghdr *, void *), void *arg)
{
    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (s < 0) return -errno;
    struct nlmsghdr h = { (uint32_t)(NLMSG_HDRLEN + len), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 };
    struct iovec v[2] = { { &h, NLMSG_HDRLEN }, { (void *)req, len } };
    struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };
    long r = 0;
    char *buf = malloc(65536);
    if (!buf || sendmsg(s, &m, 0) < 0) r = buf ? -errno : -ENOMEM;
    for (int done = r < 0; !done;) {
        ssize_t n = recv(s, buf, 65536, 0);
        if (n <= 0) break;
        for (struct nlmsghdr *p = (void *)buf; NLMSG_OK(p, (unsigned)n); p = NLMSG_NEXT(p, n)) {
            if (p->nlmsg_type == NLMSG_DONE || p->nlmsg_type == NLMSG_ERROR) {
                done = 1;
                break;
            }
            take(p, arg);
        }
    }
    free(buf);
    close(s);
    return r;
}

struct diag_out { struct rx_sock_info *out; int n, max, type; };

static void take_inet(const struct nlmsghdr *p, void *arg)
{
    struct diag_out *d = arg;
    const struct inet_diag_msg *m = NLMSG_DATA(p);
    if (d->n < d->max) {
        struct rx_sock_info *x = &d->out[d->n];
        memset(x, 0, sizeof *x);
        x->family = m->idiag_family, x->type = d->type, x->state = m->idiag_state;
        x->listening = m->idiag_state == 10;
        inet_text(m->idiag_family, m->id.idiag_src, m->id.idiag_sport, &x->local);
        inet_text(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport, &x->peer);
        x->inode = m->idiag_inode, x->uid = m->idiag_uid, x->rx_queue = m->idiag_rqueue, x->tx_queue = m->idiag_wqueue;
        int len = (int)(p->nlmsg_len - NLMSG_LENGTH(sizeof *m));
        for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len))
            if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1) x->v6only = *(const uint8_t *)RTA_DATA(a);
    }
    d->n++;
}

static void take_unix(const struct nlmsghdr *p, void *arg)
{
    struct diag_out *d = arg;
    const struct unix_diag_msg *m = NLMSG_DATA(p);
    if (m->udiag_type != d->type) return;
    if (d->n < d->max) {
        struct rx_sock_info *x = &d->out[d->n];
        memset(x, 0, sizeof *x);
        x->family = AF_UNIX, x->type = m->udiag_type, x->inode = m->udiag_ino;
        x->listening = m->udiag_state == 10;
        x->state = m->udiag_state == 1 ? 1 : 7;
        x->local.family = x->peer.family = AF_UNIX;
        int len = (int)(p->nlmsg_len - NLMSG_LENGTH(sizeof *m));
        for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
            if (a->rta_type == UNIX_DIAG_NAME) {
                size_t n = RTA_PAYLOAD(a) < sizeof x->local.text ? RTA_PAYLOAD(a) : sizeof x->local.text;
                memcpy(x->local.text, RTA_DATA(a), n);
                x->local.len = (unsigned)n;
            } else if (a->rta_type == UNIX_DIAG_RQLEN && RTA_PAYLOAD(a) >= sizeof(struct unix_diag_rqlen)) {
                const struct unix_diag_rqlen *q = RTA_DATA(a);
                x->rx_queue = q->udiag_rqueue, x->tx_queue = q->udiag_wqueue;
            }
        }
    }
    d->n++;
}

long rx_net_sockets(int family, int type, struct rx_sock_info *out, int max)
{
    struct diag_out d = { out, 0, max, type };
    long r;
    if (family == AF_UNIX) {
        struct unix_diag_req q = { .sdiag_family = AF_UNIX, .udiag_states = ~0u,
                                   .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_RQLEN };
        d.type = type; /* the dump gives every type: take_unix keeps the one asked for */
        r = diag_dump(&q, sizeof q, take_unix, &d);
    } else {
        struct inet_diag_req_v2 q = { .sdiag_family = (uint8_t)family,
                                      .sdiag_protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP,
                                      .idiag_states = ~0u };
        r = diag_dump(&q, sizeof q, take_inet, &d);
    }
    return r < 0 ? r : d.n;
}

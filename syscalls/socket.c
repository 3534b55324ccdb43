/* socket.c — handles: socket, socketpair, bind, listen, accept, accept4,
 * connect, getsockname, getpeername, shutdown, getsockopt, setsockopt.  Sockets
 * are real handles of Redox's tcp:, udp: and uds_* schemes (rx.h): read, write,
 * poll, epoll, dup, fork and exec need nothing more.  Messages: socket_msg.c. */
#include "../abi/linux_misc.h"
#include "../abi/linux_socket.h"
#include "../abi/linux_sys.h"
#include "../abi/linux_time.h"
#include "handler.h"
#include "netlink.h"
#include "socket_addr.h"

/* Linux's type word: the kind and SOCK_NONBLOCK/SOCK_CLOEXEC as rx's. */
static long type_arg(int type, int *rxtype, int *flags)
{
    int kind = type & LINUX_SOCK_TYPE_MASK;
    if (type & ~(LINUX_SOCK_TYPE_MASK | LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)) return -EINVAL;
    *flags = (type & LINUX_SOCK_CLOEXEC ? RX_O_CLOEXEC : 0) | (type & LINUX_SOCK_NONBLOCK ? RX_O_NONBLOCK : 0);
    *rxtype = kind == LINUX_SOCK_STREAM ? RX_SOCK_STREAM : kind == LINUX_SOCK_DGRAM ? RX_SOCK_DGRAM
            : kind == LINUX_SOCK_SEQPACKET ? RX_SOCK_SEQPACKET : -1;
    return 0;
}

/* What Linux checks of socket()'s arguments, in its order (__sock_create, then
 * the family's create: inet_create's protocol match, raw sockets' CAP_NET_RAW):
 * 0 with rx's family, type and flags, or the errno. */
static long socket_args(struct lx_call *c, int domain, int type, int proto, int *family, int *rxtype, int *flags)
{
    *family = domain == LINUX_AF_UNIX ? RX_AF_UNIX : domain == LINUX_AF_INET ? RX_AF_INET
            : domain == LINUX_AF_INET6 ? RX_AF_INET6 : -1;
    if (*family < 0 && domain != LINUX_AF_NETLINK) {
        lx_record_partial(c->nr, domain == LINUX_AF_PACKET ? "AF_PACKET sockets"
                                                           : "address families beyond UNIX, INET, INET6, NETLINK, PACKET");
        return -EAFNOSUPPORT;
    }
    if (type_arg(type, rxtype, flags) < 0) return -EINVAL;
    int kind = type & LINUX_SOCK_TYPE_MASK;
    if (domain == LINUX_AF_NETLINK) return kind == LINUX_SOCK_RAW || kind == LINUX_SOCK_DGRAM ? 0 : -ESOCKTNOSUPPORT;
    if (*family == RX_AF_UNIX) {
        if (proto != 0 && proto != LINUX_AF_UNIX) return -EPROTONOSUPPORT;
        return *rxtype < 0 ? -ESOCKTNOSUPPORT : 0;
    }
    if (kind == LINUX_SOCK_RAW) {
        if (proto == 0) return -EPROTONOSUPPORT; /* raw sockets name their protocol */
        lx_record_partial(c->nr, "raw sockets");
        return -EPERM;
    }
    if (*rxtype < 0 || *rxtype == RX_SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
    int want = *rxtype == RX_SOCK_STREAM ? LINUX_IPPROTO_TCP : LINUX_IPPROTO_UDP;
    return proto != 0 && proto != want ? -EPROTONOSUPPORT : 0;
}

long sys_socket(struct lx_call *c)
{
    int domain = (int)c->a[0], proto = (int)c->a[2], family, rxtype, flags;
    long r = socket_args(c, domain, (int)c->a[1], proto, &family, &rxtype, &flags);
    if (r < 0) return r;
    if (domain == LINUX_AF_NETLINK) return lx_netlink_socket(c, proto, flags);
    return lx_fd_accept(rx_socket(family, rxtype, flags));
}

long sys_socketpair(struct lx_call *c)
{
    int domain = (int)c->a[0], family, rxtype, flags;
    long r = socket_args(c, domain, (int)c->a[1], (int)c->a[2], &family, &rxtype, &flags);
    if (r < 0) return r;
    if (family != RX_AF_UNIX) return -EOPNOTSUPP; /* as Linux's sock_no_socketpair */
    if (!gm_lock_write(c->a[3], 2 * sizeof(int))) return -EFAULT;
    int fds[2];
    r = rx_socketpair_unix(rxtype, flags, fds);
    if (r < 0) return r;
    if ((r = lx_fd_accept_pair(fds)) < 0) return r;
    return gm_copy_out(c->a[3], fds, sizeof fds);
}

/* The address checks a family makes before anything else (inet_bind,
 * inet6_bind, unix_bind and their connects): its length, then its family. */
static long family_check(int fd, uint64_t addr, uint64_t len, int for_connect)
{
    int domain;
    if (rx_sockopt_get(fd, RX_SOL_SOCKET, RX_SO_DOMAIN, &domain, sizeof domain) < 0) return 0; /* not a socket: rx says */
    uint16_t fam;
    if ((int64_t)len < 2 || len > LINUX_SOCKADDR_MAX) return -EINVAL;
    if (gm_copy_in(&fam, addr, sizeof fam) < 0) return -EFAULT;
    if (for_connect && fam == LINUX_AF_UNSPEC) return 0;
    if (domain == RX_AF_UNIX) return fam == LINUX_AF_UNIX ? 0 : -EINVAL;
    unsigned need = domain == RX_AF_INET ? LINUX_SOCKADDR_IN_LEN : 24; /* SIN6_LEN_RFC2133 */
    if (len < need) return -EINVAL;
    if (fam != (domain == RX_AF_INET ? LINUX_AF_INET : LINUX_AF_INET6)) return -EAFNOSUPPORT;
    return 0;
}

long sys_bind(struct lx_call *c)
{
    struct lx_file *nl = lx_netlink_of((int)c->a[0]);
    if (nl) return lx_netlink_bind(nl, c->a[1], c->a[2]);
    struct rx_sockaddr a;
    long r = family_check((int)c->a[0], c->a[1], c->a[2], 0);
    if (r == 0) r = lx_sockaddr_in(c->nr, c->a[1], c->a[2], &a);
    if (r < 0) return r;
    if (a.family == RX_X_AF_UNSPEC) return -EAFNOSUPPORT;
    return rx_sock_bind((int)c->a[0], &a);
}

long sys_connect(struct lx_call *c)
{
    if (lx_netlink_of((int)c->a[0])) return 0; /* the kernel is the only peer there is */
    struct rx_sockaddr a;
    long r = family_check((int)c->a[0], c->a[1], c->a[2], 1);
    if (r == 0) r = lx_sockaddr_in(c->nr, c->a[1], c->a[2], &a);
    return r < 0 ? r : rx_sock_connect((int)c->a[0], &a);
}

long sys_listen(struct lx_call *c) { return rx_sock_listen((int)c->a[0], (int)c->a[1]); }

static long accept_common(struct lx_call *c, int linux_flags)
{
    if (linux_flags & ~(LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)) return -EINVAL;
    int flags = (linux_flags & LINUX_SOCK_CLOEXEC ? RX_O_CLOEXEC : 0) | (linux_flags & LINUX_SOCK_NONBLOCK ? RX_O_NONBLOCK : 0);
    uint32_t room = 0;
    if (c->a[1] && (gm_copy_in(&room, c->a[2], sizeof room) < 0 || !gm_lock_write(c->a[2], sizeof room))) return -EFAULT;
    if (c->a[1] && (int32_t)room < 0) return -EINVAL;
    long fd = lx_fd_accept(rx_sock_accept((int)c->a[0], flags));
    if (fd < 0 || !c->a[1]) return fd;
    struct rx_sockaddr a;
    long r = rx_sock_name((int)fd, 1, &a);
    if (r == 0) r = lx_sockaddr_out(&a, c->a[1], c->a[2], LX_SOCKADDR_NAME);
    if (r < 0) {
        rx_close((int)fd); /* Linux, too, drops the connection when the address cannot be written */
        return r;
    }
    return fd;
}

long sys_accept(struct lx_call *c) { return accept_common(c, 0); }
long sys_accept4(struct lx_call *c) { return accept_common(c, (int)c->a[3]); }

static long name_common(struct lx_call *c, int peer)
{
    struct lx_file *nl = lx_netlink_of((int)c->a[0]);
    if (nl) return lx_netlink_name(nl, peer, c->a[1], c->a[2]);
    struct rx_sockaddr a;
    long r = rx_sock_name((int)c->a[0], peer, &a);
    if (r < 0) return r;
    if (!c->a[1]) return -EFAULT;
    return lx_sockaddr_out(&a, c->a[1], c->a[2], LX_SOCKADDR_NAME);
}

long sys_getsockname(struct lx_call *c) { return name_common(c, 0); }
long sys_getpeername(struct lx_call *c) { return name_common(c, 1); }

long sys_shutdown(struct lx_call *c)
{
    int how = (int)c->a[1];
    if (how < 0 || how > 2) return -EINVAL;
    return rx_sock_shutdown((int)c->a[0], how == 0 ? RX_SHUT_RD : how == 1 ? RX_SHUT_WR : RX_SHUT_RDWR);
}

#define LINUX_SOL_NETLINK 270

/* A level the socket's protocol answers for: an unknown option there is
 * ENOPROTOOPT; getsockopt at any other level is EOPNOTSUPP (ip_getsockopt),
 * setsockopt there ENOPROTOOPT (ip_setsockopt): Linux's two differ. */
static int level_known(int fd, int level)
{
    int domain = -1, type = -1;
    if (level == LINUX_SOL_SOCKET) return 1;
    rx_sockopt_get(fd, RX_SOL_SOCKET, RX_SO_DOMAIN, &domain, sizeof domain);
    rx_sockopt_get(fd, RX_SOL_SOCKET, RX_SO_TYPE, &type, sizeof type);
    if (domain != RX_AF_INET && domain != RX_AF_INET6) return 0;
    if (level == RX_SOL_X_IP || (domain == RX_AF_INET6 && level == RX_SOL_X_IPV6)) return 1;
    return type == RX_SOCK_STREAM ? level == LINUX_IPPROTO_TCP : level == LINUX_IPPROTO_UDP;
}

static long option_arg(struct lx_call *c, struct abi_sockopt *o, int for_get)
{
    if (abi_sockopt_to_rx((int)c->a[1], (int)c->a[2], o) == 0) return 0;
    long r = rx_fcntl((int)c->a[0], RX_F_GETFD, 0);
    if (r < 0) return r;
    int known = level_known((int)c->a[0], (int)c->a[1]);
    if (known) lx_record_partial(c->nr, "socket options beyond the SOL_SOCKET, IP, TCP and IPV6 ones listed in docs/syscalls.md");
    return known || !for_get ? -ENOPROTOOPT : -EOPNOTSUPP;
}

long sys_getsockopt(struct lx_call *c)
{
    struct abi_sockopt o;
    long r = option_arg(c, &o, 1);
    if (r < 0) return r;
    int len;
    if (gm_copy_in(&len, c->a[4], sizeof len) < 0) return -EFAULT;
    if (len < 0) return -EINVAL;
    union { int i; struct rx_timespec t; struct rx_ucred u; struct rx_linger l; } v;
    r = rx_sockopt_get((int)c->a[0], o.level, o.opt, &v, sizeof v);
    if (r < 0) return r;
    union { int i; struct linux_timeval tv; struct linux_ucred u; struct linux_linger l; } k;
    size_t n = sizeof(int);
    switch (o.kind) {
    case ABI_OPT_TIMEVAL: k.tv = (struct linux_timeval){ v.t.sec, v.t.nsec / 1000 }, n = sizeof k.tv; break;
    case ABI_OPT_UCRED: k.u = (struct linux_ucred){ v.u.pid, v.u.uid, v.u.gid }, n = sizeof k.u; break;
    case ABI_OPT_LINGER: k.l = (struct linux_linger){ v.l.on, v.l.seconds }, n = sizeof k.l; break;
    case ABI_OPT_TYPE:
        k.i = v.i == RX_SOCK_STREAM ? LINUX_SOCK_STREAM : v.i == RX_SOCK_DGRAM ? LINUX_SOCK_DGRAM : LINUX_SOCK_SEQPACKET;
        break;
    case ABI_OPT_INT: k.i = v.i; break;
    case ABI_OPT_MCAST: return -ENOPROTOOPT; /* memberships are set, never read */
    }
    if ((size_t)len < n) n = (size_t)len; /* truncated, as Linux copies at most what the caller has room for */
    if (gm_copy_out(c->a[3], &k, n) < 0) return -EFAULT;
    int outlen = (int)n;
    return gm_copy_out(c->a[4], &outlen, sizeof outlen);
}

long sys_setsockopt(struct lx_call *c)
{
    if ((int)c->a[1] == LINUX_SOL_NETLINK && lx_netlink_of((int)c->a[0])) {
        lx_record_partial(c->nr, "SOL_NETLINK options (membership, extended acks): accepted, no notifications are sent");
        return 0;
    }
    struct abi_sockopt o;
    long r = option_arg(c, &o, 0);
    if (r < 0) return r;
    if (!o.settable) return -ENOPROTOOPT;
    unsigned len = (unsigned)c->a[4];
    if (o.kind == ABI_OPT_TIMEVAL) {
        struct linux_timeval tv;
        if (len < sizeof tv) return -EINVAL;
        if (gm_copy_in(&tv, c->a[3], sizeof tv) < 0) return -EFAULT;
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) return -EDOM;
        struct rx_timespec t = { tv.tv_sec, tv.tv_usec * 1000 };
        return rx_sockopt_set((int)c->a[0], o.level, o.opt, &t, sizeof t);
    }
    if (o.kind == ABI_OPT_LINGER) {
        struct linux_linger l;
        if (len < sizeof l) return -EINVAL;
        if (gm_copy_in(&l, c->a[3], sizeof l) < 0) return -EFAULT;
        struct rx_linger x = { l.onoff, l.linger };
        return rx_sockopt_set((int)c->a[0], o.level, o.opt, &x, sizeof x);
    }
    if (o.kind == ABI_OPT_MCAST) {
        unsigned char buf[256];
        struct rx_mcast m;
        if (len > sizeof buf) len = sizeof buf;
        if (gm_copy_in(buf, c->a[3], len) < 0) return -EFAULT;
        long r2 = abi_mcast_to_rx((int)c->a[1], (int)c->a[2], buf, len, &m);
        return r2 < 0 ? r2 : rx_sockopt_set((int)c->a[0], o.level, o.opt, &m, sizeof m);
    }
    int v = 0;
    if (len == 0 || (len < sizeof v && o.level == RX_SOL_SOCKET)) return -EINVAL;
    /* IP-level ints may come as a single byte (Linux's do_ip_setsockopt) */
    if (gm_copy_in(&v, c->a[3], len < sizeof v ? len : sizeof v) < 0) return -EFAULT;
    return rx_sockopt_set((int)c->a[0], o.level, o.opt, &v, sizeof v);
}

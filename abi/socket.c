/* socket.c — socket flags, options and addresses between Linux's and rx.h's. */
#include "linux_socket.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../redox/rx.h"

static const struct { int lx, rx; } msg_bits[] = {
    { LINUX_MSG_OOB, RX_MSG_OOB },         { LINUX_MSG_PEEK, RX_MSG_PEEK },       { LINUX_MSG_CTRUNC, RX_MSG_CTRUNC },
    { LINUX_MSG_TRUNC, RX_MSG_TRUNC },     { LINUX_MSG_DONTWAIT, RX_MSG_X_DONTWAIT }, { LINUX_MSG_EOR, RX_MSG_EOR },
    { LINUX_MSG_WAITALL, RX_MSG_WAITALL }, { LINUX_MSG_NOSIGNAL, RX_MSG_X_NOSIGNAL },
    { LINUX_MSG_CMSG_CLOEXEC, RX_MSG_X_CMSG_CLOEXEC }, { LINUX_MSG_CONFIRM, RX_MSG_X_CONFIRM },
    { LINUX_MSG_ERRQUEUE, RX_MSG_X_ERRQUEUE },         { LINUX_MSG_MORE, RX_MSG_X_MORE },
};

int abi_msg_flags_to_rx(int linux_flags)
{
    int out = 0, known = 0;
    for (unsigned i = 0; i < sizeof msg_bits / sizeof msg_bits[0]; i++) {
        known |= msg_bits[i].lx;
        if (linux_flags & msg_bits[i].lx) out |= msg_bits[i].rx;
    }
    return linux_flags & ~known ? -1 : out;
}

int abi_msg_flags_from_rx(int rx_flags)
{
    int out = 0;
    for (unsigned i = 0; i < sizeof msg_bits / sizeof msg_bits[0]; i++)
        if (rx_flags & msg_bits[i].rx) out |= msg_bits[i].lx;
    return out;
}

/* Linux's levels and numbers (asm-generic/socket.h, in.h, in6.h, tcp.h). */
#define L_SOL_IP 0
#define L_SOL_TCP 6
#define L_SOL_IPV6 41
static const struct { int lx_level, lx; struct abi_sockopt rx; } options[] = {
    { LINUX_SOL_SOCKET, LINUX_SO_TYPE, { RX_SOL_SOCKET, RX_SO_TYPE, ABI_OPT_TYPE, 0 } },
    { LINUX_SOL_SOCKET, LINUX_SO_ERROR, { RX_SOL_SOCKET, RX_SO_ERROR, ABI_OPT_INT, 0 } },
    { LINUX_SOL_SOCKET, LINUX_SO_SNDBUF, { RX_SOL_SOCKET, RX_SO_SNDBUF, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, LINUX_SO_RCVBUF, { RX_SOL_SOCKET, RX_SO_RCVBUF, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, LINUX_SO_PASSCRED, { RX_SOL_SOCKET, RX_SO_PASSCRED, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, LINUX_SO_PEERCRED, { RX_SOL_SOCKET, RX_SO_PEERCRED, ABI_OPT_UCRED, 0 } },
    { LINUX_SOL_SOCKET, LINUX_SO_RCVTIMEO, { RX_SOL_SOCKET, RX_SO_RCVTIMEO, ABI_OPT_TIMEVAL, 1 } },
    { LINUX_SOL_SOCKET, LINUX_SO_SNDTIMEO, { RX_SOL_SOCKET, RX_SO_SNDTIMEO, ABI_OPT_TIMEVAL, 1 } },
    { LINUX_SOL_SOCKET, LINUX_SO_ACCEPTCONN, { RX_SOL_SOCKET, RX_SO_ACCEPTCONN, ABI_OPT_INT, 0 } },
    { LINUX_SOL_SOCKET, LINUX_SO_PROTOCOL, { RX_SOL_SOCKET, RX_SO_PROTOCOL, ABI_OPT_INT, 0 } },
    { LINUX_SOL_SOCKET, LINUX_SO_DOMAIN, { RX_SOL_SOCKET, RX_SO_DOMAIN, ABI_OPT_INT, 0 } },
    { LINUX_SOL_SOCKET, 2 /* SO_REUSEADDR */, { RX_SOL_SOCKET, RX_SO_X_REUSEADDR, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 6 /* SO_BROADCAST */, { RX_SOL_SOCKET, RX_SO_X_BROADCAST, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 9 /* SO_KEEPALIVE */, { RX_SOL_SOCKET, RX_SO_X_KEEPALIVE, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 10 /* SO_OOBINLINE */, { RX_SOL_SOCKET, RX_SO_X_OOBINLINE, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 13 /* SO_LINGER */, { RX_SOL_SOCKET, RX_SO_X_LINGER, ABI_OPT_LINGER, 1 } },
    { LINUX_SOL_SOCKET, 15 /* SO_REUSEPORT */, { RX_SOL_SOCKET, RX_SO_X_REUSEPORT, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 18 /* SO_RCVLOWAT */, { RX_SOL_SOCKET, RX_SO_X_RCVLOWAT, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 32 /* SO_SNDBUFFORCE */, { RX_SOL_SOCKET, RX_SO_X_SNDBUFFORCE, ABI_OPT_INT, 1 } },
    { LINUX_SOL_SOCKET, 33 /* SO_RCVBUFFORCE */, { RX_SOL_SOCKET, RX_SO_X_RCVBUFFORCE, ABI_OPT_INT, 1 } },
    { L_SOL_IP, 1 /* IP_TOS */, { RX_SOL_X_IP, RX_IP_X_TOS, ABI_OPT_INT, 1 } },
    { L_SOL_IP, 2 /* IP_TTL */, { RX_SOL_X_IP, RX_IP_X_TTL, ABI_OPT_INT, 1 } },
    { L_SOL_IP, 33 /* IP_MULTICAST_TTL */, { RX_SOL_X_IP, RX_IP_X_MULTICAST_TTL, ABI_OPT_INT, 1 } },
    { L_SOL_IP, 34 /* IP_MULTICAST_LOOP */, { RX_SOL_X_IP, RX_IP_X_MULTICAST_LOOP, ABI_OPT_INT, 1 } },
    { L_SOL_TCP, 1 /* TCP_NODELAY */, { RX_SOL_X_TCP, RX_TCP_X_NODELAY, ABI_OPT_INT, 1 } },
    { L_SOL_TCP, 2 /* TCP_MAXSEG */, { RX_SOL_X_TCP, RX_TCP_X_MAXSEG, ABI_OPT_INT, 1 } },
    { L_SOL_TCP, 4 /* TCP_KEEPIDLE */, { RX_SOL_X_TCP, RX_TCP_X_KEEPIDLE, ABI_OPT_INT, 1 } },
    { L_SOL_TCP, 5 /* TCP_KEEPINTVL */, { RX_SOL_X_TCP, RX_TCP_X_KEEPINTVL, ABI_OPT_INT, 1 } },
    { L_SOL_TCP, 6 /* TCP_KEEPCNT */, { RX_SOL_X_TCP, RX_TCP_X_KEEPCNT, ABI_OPT_INT, 1 } },
    { L_SOL_IP, 35 /* IP_ADD_MEMBERSHIP */, { RX_SOL_X_IP, RX_IP_X_ADD_MEMBERSHIP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IP, 36 /* IP_DROP_MEMBERSHIP */, { RX_SOL_X_IP, RX_IP_X_DROP_MEMBERSHIP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IP, 42 /* MCAST_JOIN_GROUP */, { RX_SOL_X_IP, RX_X_MCAST_JOIN_GROUP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IP, 45 /* MCAST_LEAVE_GROUP */, { RX_SOL_X_IP, RX_X_MCAST_LEAVE_GROUP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IPV6, 20 /* IPV6_ADD_MEMBERSHIP */, { RX_SOL_X_IPV6, RX_IPV6_X_ADD_MEMBERSHIP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IPV6, 21 /* IPV6_DROP_MEMBERSHIP */, { RX_SOL_X_IPV6, RX_IPV6_X_DROP_MEMBERSHIP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IPV6, 42 /* MCAST_JOIN_GROUP */, { RX_SOL_X_IPV6, RX_X_MCAST_JOIN_GROUP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IPV6, 45 /* MCAST_LEAVE_GROUP */, { RX_SOL_X_IPV6, RX_X_MCAST_LEAVE_GROUP, ABI_OPT_MCAST, 1 } },
    { L_SOL_IPV6, 1 /* IPV6_ADDRFORM */, { RX_SOL_X_IPV6, RX_IPV6_X_ADDRFORM, ABI_OPT_INT, 1 } },
    { L_SOL_IPV6, 16 /* IPV6_UNICAST_HOPS */, { RX_SOL_X_IPV6, RX_IPV6_X_UNICAST_HOPS, ABI_OPT_INT, 1 } },
    { L_SOL_IPV6, 26 /* IPV6_V6ONLY */, { RX_SOL_X_IPV6, RX_IPV6_X_V6ONLY, ABI_OPT_INT, 1 } },
};

int abi_sockopt_to_rx(int linux_level, int linux_opt, struct abi_sockopt *out)
{
    for (unsigned i = 0; i < sizeof options / sizeof options[0]; i++)
        if (options[i].lx_level == linux_level && options[i].lx == linux_opt) {
            *out = options[i].rx;
            return 0;
        }
    return -1;
}

/* ---- addresses ---- */
static uint16_t be16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }

long abi_inet_addr_to_rx(const void *sa, unsigned len, struct rx_sockaddr *out)
{
    const unsigned char *b = sa;
    if (len < 2) return -EINVAL;
    unsigned family = (unsigned)(b[0] | b[1] << 8);
    memset(out, 0, sizeof *out);
    int n;
    if (family == LINUX_AF_INET) {
        if (len < LINUX_SOCKADDR_IN_LEN) return -EINVAL;
        out->family = RX_AF_INET;
        n = snprintf(out->text, sizeof out->text, "%u.%u.%u.%u:%u", b[4], b[5], b[6], b[7], be16(b + 2));
    } else if (family == LINUX_AF_INET6) {
        if (len < LINUX_SOCKADDR_IN6_LEN) return -EINVAL;
        out->family = RX_AF_INET6;
        char *t = out->text;
        n = snprintf(t, sizeof out->text, "[");
        for (int i = 0; i < 8; i++) n += snprintf(t + n, sizeof out->text - (size_t)n, i ? ":%x" : "%x", be16(b + 8 + 2 * i));
        uint32_t scope = (uint32_t)(b[24] | b[25] << 8 | b[26] << 16 | (uint32_t)b[27] << 24);
        if (scope) n += snprintf(t + n, sizeof out->text - (size_t)n, "%%%u", scope);
        n += snprintf(t + n, sizeof out->text - (size_t)n, "]:%u", be16(b + 2));
    } else {
        return -EAFNOSUPPORT;
    }
    out->len = (unsigned)n;
    return 0;
}

static int parse_v4(const char *s, const char *end, unsigned char out[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (s < end && *s >= '0' && *s <= '9' && digits < 4) v = v * 10 + (unsigned)(*s++ - '0'), digits++;
        if (!digits || v > 255) return -1;
        out[i] = (unsigned char)v;
        if (i < 3 && (s >= end || *s++ != '.')) return -1;
    }
    return s == end ? 0 : -1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The text forms inet_ntop writes: groups, one "::", a dotted IPv4 tail. */
static int parse_v6(const char *s, const char *end, unsigned char out[16])
{
    uint16_t g[8] = { 0 };
    int n = 0, gap = -1;
    if (end - s >= 2 && s[0] == ':' && s[1] == ':') gap = 0, s += 2;
    while (s < end && n < 8) {
        const char *q = s;
        unsigned v = 0;
        while (q < end && hexval(*q) >= 0 && q - s < 4) v = v * 16 + (unsigned)hexval(*q++);
        if (q < end && *q == '.' && n <= 6) { /* ::ffff:a.b.c.d */
            unsigned char v4[4];
            if (parse_v4(s, end, v4) < 0) return -1;
            g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
            g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
            s = end;
            break;
        }
        if (q == s) return -1;
        g[n++] = (uint16_t)v;
        s = q;
        if (s == end) break;
        if (*s++ != ':') return -1;
        if (s < end && *s == ':') {
            if (gap >= 0) return -1;
            gap = n;
            s++;
        } else if (s == end) {
            return -1;
        }
    }
    if (s != end || (gap < 0 && n != 8) || (gap >= 0 && n > 7)) return -1;
    uint16_t full[8] = { 0 };
    int tail = gap < 0 ? 0 : n - gap;
    for (int i = 0; i < (gap < 0 ? n : gap); i++) full[i] = g[i];
    for (int i = 0; i < tail; i++) full[8 - tail + i] = g[gap + i];
    for (int i = 0; i < 8; i++) out[2 * i] = (unsigned char)(full[i] >> 8), out[2 * i + 1] = (unsigned char)full[i];
    return 0;
}

long abi_inet_addr_from_rx(const struct rx_sockaddr *a, void *out)
{
    unsigned char *b = out;
    const char *t = a->text, *end = a->text + (a->len < sizeof a->text ? a->len : sizeof a->text);
    const char *colon = end;
    while (colon > t && colon[-1] != ':') colon--;
    if (colon == t) return -EINVAL;
    unsigned port = 0;
    for (const char *p = colon; p < end; p++) {
        if (*p < '0' || *p > '9' || port > 65535) return -EINVAL;
        port = port * 10 + (unsigned)(*p - '0');
    }
    if (port > 65535 || colon == end) return -EINVAL;
    const char *host_end = colon - 1;
    if (a->family == RX_AF_INET) {
        memset(b, 0, LINUX_SOCKADDR_IN_LEN);
        b[0] = LINUX_AF_INET;
        if (parse_v4(t, host_end, b + 4) < 0) return -EINVAL;
        b[2] = (unsigned char)(port >> 8), b[3] = (unsigned char)port;
        return LINUX_SOCKADDR_IN_LEN;
    }
    if (a->family != RX_AF_INET6 || *t != '[' || host_end[-1] != ']') return -EINVAL;
    memset(b, 0, LINUX_SOCKADDR_IN6_LEN);
    b[0] = LINUX_AF_INET6;
    b[2] = (unsigned char)(port >> 8), b[3] = (unsigned char)port;
    const char *h = t + 1, *he = host_end - 1, *pct = h;
    while (pct < he && *pct != '%') pct++;
    if (pct < he) {
        uint32_t scope = 0;
        for (const char *p = pct + 1; p < he; p++) {
            if (*p < '0' || *p > '9') return -EINVAL;
            scope = scope * 10 + (uint32_t)(*p - '0');
        }
        for (int i = 0; i < 4; i++) b[24 + i] = (unsigned char)(scope >> (8 * i));
    }
    if (parse_v6(h, pct, b + 8) < 0) return -EINVAL;
    return LINUX_SOCKADDR_IN6_LEN;
}

long abi_unix_name(const void *sa, unsigned len, char *name, int *abstract)
{
    const char *b = sa;
    if (len < 2) return -EINVAL;
    if ((unsigned char)b[0] != LINUX_AF_UNIX || b[1]) return -EINVAL;
    if (len > 2 + LINUX_SOCKADDR_UN_PATH) len = 2 + LINUX_SOCKADDR_UN_PATH;
    unsigned n = len - 2;
    *abstract = n > 0 && b[2] == 0;
    if (*abstract) {
        memcpy(name, b + 3, n - 1);
        return n - 1;
    }
    unsigned l = 0;
    while (l < n && b[2 + l]) l++;
    memcpy(name, b + 2, l);
    name[l] = 0;
    return l;
}

unsigned abi_unix_addr(const char *name, unsigned len, int abstract, void *out)
{
    char *b = out;
    memset(b, 0, 2 + LINUX_SOCKADDR_UN_PATH);
    b[0] = LINUX_AF_UNIX;
    if (abstract) {
        if (len > LINUX_SOCKADDR_UN_PATH - 1) len = LINUX_SOCKADDR_UN_PATH - 1;
        memcpy(b + 3, name, len);
        return 3 + len;
    }
    if (!len) return 2; /* unnamed */
    if (len > LINUX_SOCKADDR_UN_PATH) len = LINUX_SOCKADDR_UN_PATH;
    memcpy(b + 2, name, len);
    return 2 + len + (len < LINUX_SOCKADDR_UN_PATH ? 1 : 0);
}

long abi_mcast_to_rx(int level, int opt, const void *val, unsigned len, struct rx_mcast *out)
{
    const unsigned char *b = val;
    memset(out, 0, sizeof *out);
    unsigned char sa[LINUX_SOCKADDR_MAX] = { 0 };
    if (opt == 42 || opt == 45) { /* group_req: the interface, then a sockaddr_storage at offset 8 */
        if (len < 8 + LINUX_SOCKADDR_MAX) return -EINVAL;
        memcpy(&out->ifindex, b, 4);
        unsigned fam = (unsigned)(b[8] | b[9] << 8);
        if (fam != LINUX_AF_INET && fam != LINUX_AF_INET6) return -EAFNOSUPPORT;
        return abi_inet_addr_to_rx(b + 8, LINUX_SOCKADDR_MAX, &out->group);
    }
    if (level == L_SOL_IP) { /* ip_mreq (8 bytes) or ip_mreqn (12) */
        if (len < 8) return -EINVAL;
        sa[0] = LINUX_AF_INET;
        memcpy(sa + 4, b, 4);
        if (len >= 12) {
            memcpy(out->local, b + 4, 4);
            memcpy(&out->ifindex, b + 8, 4);
        } else {
            memcpy(out->local, b + 4, 4);
        }
        return abi_inet_addr_to_rx(sa, LINUX_SOCKADDR_IN_LEN, &out->group);
    }
    if (len < 20) return -EINVAL; /* ipv6_mreq */
    sa[0] = LINUX_AF_INET6;
    memcpy(sa + 8, b, 16);
    memcpy(&out->ifindex, b + 16, 4);
    return abi_inet_addr_to_rx(sa, LINUX_SOCKADDR_IN6_LEN, &out->group);
}

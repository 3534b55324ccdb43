/* render_net.c — /proc/net: dev, route and if_inet6 from the host backend's
 * interface and route lists (rx_net_ifaces, rx_net_routes: Redox's netcfg:), and
 * tcp, tcp6, udp, udp6, unix from its socket list (rx_net_sockets), so ss and
 * netstat see the sockets (and, through /proc/<pid>/fd, which guest holds
 * them).  What lxrun cannot know (timers, retransmits, kernel pointers) reads 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../abi/linux_socket.h"
#include "../process/fd_table.h"
#include "pid.h"
#include "render.h"

#define MAX_IFACES 64
#define MAX_ROUTES 256

void render_net_dev(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_puts(o, "Inter-|   Receive                                                |  Transmit\n"
                " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
    struct rx_net_iface *fs = malloc(MAX_IFACES * sizeof *fs);
    long n = fs ? rx_net_ifaces(fs, MAX_IFACES) : 0;
    for (long i = 0; i < n && i < MAX_IFACES; i++) {
        const struct rx_net_iface *x = &fs[i];
        out_printf(o, "%6s: %7llu %7llu %4llu %4llu    0     0          0         0 %8llu %7llu %4llu %4llu    0     0       0          0\n",
                   x->name, (unsigned long long)x->rx_bytes, (unsigned long long)x->rx_packets,
                   (unsigned long long)x->rx_errors, (unsigned long long)x->rx_dropped, (unsigned long long)x->tx_bytes,
                   (unsigned long long)x->tx_packets, (unsigned long long)x->tx_errors, (unsigned long long)x->tx_dropped);
    }
    free(fs);
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static const char *ifname(const struct rx_net_iface *fs, long n, unsigned index)
{
    for (long i = 0; i < n; i++)
        if (fs[i].index == index) return fs[i].name;
    return "*";
}

/* net/ipv4/fib_trie.c's fib_route_seq_show: the main table's IPv4 routes. */
void render_net_route(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_printf(o, "%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    struct rx_net_iface *fs = malloc(MAX_IFACES * sizeof *fs);
    struct rx_net_route *rs = malloc(MAX_ROUTES * sizeof *rs);
    long ni = fs ? rx_net_ifaces(fs, MAX_IFACES) : 0, nr = rs ? rx_net_routes(rs, MAX_ROUTES) : 0;
    if (ni > MAX_IFACES) ni = MAX_IFACES;
    for (long i = 0; i < nr && i < MAX_ROUTES; i++) {
        const struct rx_net_route *r = &rs[i];
        if (r->family != RX_AF_INET || r->table != 254 || r->type != 1 /* unicast */) continue;
        uint32_t mask = r->dst_len ? 0xffffffffu << (32 - r->dst_len) : 0;
        uint8_t m[4] = { (uint8_t)(mask >> 24), (uint8_t)(mask >> 16), (uint8_t)(mask >> 8), (uint8_t)mask };
        unsigned flags = 0x1 | (r->has_gateway ? 0x2 : 0); /* RTF_UP, RTF_GATEWAY */
        char line[160];
        snprintf(line, sizeof line, "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u", ifname(fs, ni, r->oif),
                 le32(r->dst), le32(r->gateway), flags, 0, 0u, (int)r->metric, le32(m), 0, 0u, 0u);
        out_printf(o, "%-127s\n", line);
    }
    free(fs);
    free(rs);
}

/* net/ipv6/addrconf.c's if6_seq_show. */
void render_net_if_inet6(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    struct rx_net_iface *fs = malloc(MAX_IFACES * sizeof *fs);
    long n = fs ? rx_net_ifaces(fs, MAX_IFACES) : 0;
    for (long i = 0; i < n && i < MAX_IFACES; i++)
        for (int k = 0; k < fs[i].naddrs; k++) {
            const struct rx_net_addr *a = &fs[i].addrs[k];
            if (a->family != RX_AF_INET6) continue;
            for (int b = 0; b < 16; b++) out_printf(o, "%02x", a->addr[b]);
            out_printf(o, " %02x %02x %02x %02x %8s\n", fs[i].index, a->prefix, a->scope == 254 ? 0x10 : a->scope == 253 ? 0x20 : 0,
                       0x80 /* IFA_F_PERMANENT */, fs[i].name);
        }
    free(fs);
}

/* ---- sockets ---- */
enum net_kind { NET_TCP, NET_TCP6, NET_UDP, NET_UDP6, NET_UNIX };
static const struct { int family, type; } kinds[] = {
    { RX_AF_INET, RX_SOCK_STREAM }, { RX_AF_INET6, RX_SOCK_STREAM }, { RX_AF_INET, RX_SOCK_DGRAM },
    { RX_AF_INET6, RX_SOCK_DGRAM }, { RX_AF_UNIX, 0 },
};

/* "a.b.c.d:port" / "[v6]:port" as /proc/net's hex words: each 32-bit word of
 * the address as the kernel's u32 prints it (%08X of the in-memory value). */
static void inet_hex(const struct rx_sockaddr *a, int v6, char *out, size_t cap)
{
    unsigned char sa[LINUX_SOCKADDR_MAX] = { 0 };
    if (abi_inet_addr_from_rx(a, sa) < 0) memset(sa, 0, sizeof sa);
    unsigned port = (unsigned)sa[2] << 8 | sa[3];
    if (!v6) snprintf(out, cap, "%08X:%04X", le32(sa + 4), port);
    else snprintf(out, cap, "%08X%08X%08X%08X:%04X", le32(sa + 8), le32(sa + 12), le32(sa + 16), le32(sa + 20), port);
}

static void inet_line(struct procfs_out *o, int sl, const struct rx_sock_info *s, int kind)
{
    int v6 = kind == NET_TCP6 || kind == NET_UDP6;
    char local[64], peer[64];
    inet_hex(&s->local, v6, local, sizeof local);
    inet_hex(&s->peer, v6, peer, sizeof peer);
    out_printf(o, kind == NET_UDP || kind == NET_UDP6 ? "%5d: " : "%4d: ", sl);
    out_printf(o, "%s %s %02X %08llX:%08llX 00:00000000 00000000 %5u        0 %llu 2 0000000000000000",
               local, peer, (unsigned)s->state, (unsigned long long)(s->listening ? 0 : s->tx_queue), /* a listener's is its backlog */
               (unsigned long long)s->rx_queue,
               s->uid, (unsigned long long)s->inode);
    out_puts(o, kind == NET_UDP || kind == NET_UDP6 ? " 0\n" : " 100 0 0 10 0\n");
}

/* net/unix/af_unix.c's unix_seq_show; a path shown as the guest's. */
static void unix_line(struct procfs_out *o, const struct rx_sock_info *s, unsigned type)
{
    char path[4096 + 16] = "";
    if (s->local.len && s->local.text[0]) {
        char url[RX_SOCKADDR_MAX + 8];
        snprintf(url, sizeof url, "file:%.*s", (int)s->local.len, s->local.text);
        if (s->local.text[0] != '/' || procfs_guest_path(url, path, sizeof path) < 0)
            snprintf(path, sizeof path, "%.*s", (int)s->local.len, s->local.text);
    } else if (s->local.len) { /* abstract: '@' and the name */
        snprintf(path, sizeof path, "@%.*s", (int)s->local.len - 1, s->local.text + 1);
    }
    out_printf(o, "0000000000000000: %08X %08X %08X %04X %02X %5llu%s%s\n", 2u, 0u, s->listening ? 0x10000u : 0u,
               type, s->state == 1 ? 3u : 1u, (unsigned long long)s->inode, path[0] ? " " : "", path);
}

/* The socket pairs behind this process's netlink sockets are lxrun's means, not
 * sockets the guest made: no listing shows them. */
static void hide_netlink_pairs(struct rx_sock_info *s, long *n)
{
    uint64_t hidden[16];
    int nh = 0;
    for (int fd = 0, end = procfs_fd_scan_end(); fd < end && nh + 2 <= 16; fd++) {
        struct lx_file *f = lx_fd_get(fd);
        struct rx_stat a, b;
        if (!f || f->peer < 0 || strcmp(f->ops->name, "netlink") != 0) continue;
        if (rx_fstat(fd, &a) == 0) hidden[nh++] = a.ino;
        if (rx_fstat(f->peer, &b) == 0) hidden[nh++] = b.ino;
    }
    long k = 0;
    for (long i = 0; i < *n; i++) {
        int hide = 0;
        for (int j = 0; j < nh && !hide; j++) hide = s[i].inode == hidden[j];
        if (!hide) s[k++] = s[i];
    }
    *n = k;
}

struct rx_sock_info *procfs_net_sockets(int family, int type, long *n)
{
    long cap = 256;
    for (;;) {
        struct rx_sock_info *s = malloc((size_t)cap * sizeof *s);
        *n = s ? rx_net_sockets(family, type, s, (int)cap) : -ENOMEM;
        if (*n <= cap) {
            if (*n < 0) *n = 0;
            if (family == RX_AF_UNIX && s) hide_netlink_pairs(s, n);
            return s;
        }
        free(s);
        cap = *n + 64; /* more came meanwhile: ask again with room */
    }
}

static void render_sockets(struct procfs_out *o, int kind)
{
    static const char *const head[] = {
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n",
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n",
        "Num       RefCount Protocol Flags    Type St Inode Path\n",
    };
    out_puts(o, head[kind]);
    long n;
    if (kind == NET_UNIX) {
        static const unsigned types[] = { RX_SOCK_STREAM, RX_SOCK_DGRAM, RX_SOCK_SEQPACKET }, linux_type[] = { 1, 2, 5 };
        for (int t = 0; t < 3; t++) {
            struct rx_sock_info *s = procfs_net_sockets(RX_AF_UNIX, (int)types[t], &n);
            for (long i = 0; i < n; i++) unix_line(o, &s[i], linux_type[t]);
            free(s);
        }
    } else {
        struct rx_sock_info *s = procfs_net_sockets(kinds[kind].family, kinds[kind].type, &n);
        for (long i = 0; i < n; i++) inet_line(o, (int)i, &s[i], kind);
        free(s);
    }
}

void render_net_tcp(struct procfs_out *o, const struct procfs_facts *f, unsigned n) { (void)f; (void)n; render_sockets(o, NET_TCP); }
void render_net_tcp6(struct procfs_out *o, const struct procfs_facts *f, unsigned n) { (void)f; (void)n; render_sockets(o, NET_TCP6); }
void render_net_udp(struct procfs_out *o, const struct procfs_facts *f, unsigned n) { (void)f; (void)n; render_sockets(o, NET_UDP); }
void render_net_udp6(struct procfs_out *o, const struct procfs_facts *f, unsigned n) { (void)f; (void)n; render_sockets(o, NET_UDP6); }
void render_net_unix(struct procfs_out *o, const struct procfs_facts *f, unsigned n) { (void)f; (void)n; render_sockets(o, NET_UNIX); }

/* netlink_route.c — NETLINK_ROUTE's answers from the host backend's interface
 * and route lists (rx_net_ifaces, rx_net_routes; Redox's netcfg:): RTM_GETLINK
 * (dump, or one interface by index or name), RTM_GETADDR and RTM_GETROUTE dumps,
 * filtered by family as the kernel does; EOPNOTSUPP for everything else. */
#include <stdlib.h>

#include "../abi/linux_socket.h"
#include "handler.h"
#include "netlink_reply.h"

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
    struct linux_ifinfomsg *i = nl_msg_start(r, req, LINUX_RTM_NEWLINK, flags, sizeof *i);
    if (!i) return;
    int loop = (f->flags & RX_IFF_X_LOOPBACK) != 0;
    i->type = loop ? LINUX_ARPHRD_LOOPBACK : f->has_mac ? LINUX_ARPHRD_ETHER : LINUX_ARPHRD_NONE;
    i->index = (int32_t)f->index;
    i->flags = f->flags; /* RX_IFF_X_* are Linux's IFF_* */
    nl_attr(r, LINUX_IFLA_IFNAME, f->name, strlen(f->name) + 1);
    nl_attr_u32(r, LINUX_IFLA_MTU, f->mtu);
    nl_attr_u32(r, LINUX_IFLA_TXQLEN, f->tx_queue_len);
    nl_attr_u8(r, LINUX_IFLA_OPERSTATE, loop ? LINUX_IF_OPER_UNKNOWN
                                          : f->flags & RX_IFF_X_LOWER_UP ? LINUX_IF_OPER_UP : LINUX_IF_OPER_DOWN);
    nl_attr_u8(r, LINUX_IFLA_LINKMODE, 0);
    nl_attr_u32(r, LINUX_IFLA_GROUP, 0);
    if (f->has_mac) {
        nl_attr(r, LINUX_IFLA_ADDRESS, f->mac, 6);
        nl_attr(r, LINUX_IFLA_BROADCAST, f->broadcast_mac, 6);
    }
    struct linux_link_stats64 st = { { f->rx_packets, f->tx_packets, f->rx_bytes, f->tx_bytes, f->rx_errors,
                                       f->tx_errors, f->rx_dropped, f->tx_dropped } };
    nl_attr(r, LINUX_IFLA_STATS64, &st, sizeof st);
    nl_msg_end(r);
}

static void addr_msg(struct reply *r, const struct linux_nlmsghdr *req, const struct rx_net_iface *f,
                     const struct rx_net_addr *a)
{
    struct linux_ifaddrmsg *m = nl_msg_start(r, req, LINUX_RTM_NEWADDR, LINUX_NLM_F_MULTI, sizeof *m);
    if (!m) return;
    int v4 = a->family == RX_AF_INET;
    m->family = v4 ? LINUX_AF_INET : LINUX_AF_INET6;
    m->prefixlen = (uint8_t)a->prefix;
    m->flags = LINUX_IFA_F_PERMANENT;
    m->scope = (uint8_t)a->scope;
    m->index = f->index;
    nl_attr(r, LINUX_IFA_ADDRESS, a->addr, v4 ? 4 : 16);
    if (v4) {
        nl_attr(r, LINUX_IFA_LOCAL, a->addr, 4);
        if (a->has_peer) nl_attr(r, LINUX_IFA_BROADCAST, a->peer, 4);
        nl_attr(r, LINUX_IFA_LABEL, f->name, strlen(f->name) + 1);
    }
    struct linux_ifa_cacheinfo ci = { 0xffffffffu, 0xffffffffu, 0, 0 };
    nl_attr(r, LINUX_IFA_CACHEINFO, &ci, sizeof ci);
    nl_attr_u32(r, LINUX_IFA_FLAGS, LINUX_IFA_F_PERMANENT);
    nl_msg_end(r);
}

static void route_msg(struct reply *r, const struct linux_nlmsghdr *req, const struct rx_net_route *x)
{
    struct linux_rtmsg *m = nl_msg_start(r, req, LINUX_RTM_NEWROUTE, LINUX_NLM_F_MULTI, sizeof *m);
    if (!m) return;
    int alen = x->family == RX_AF_INET ? 4 : 16;
    m->family = x->family == RX_AF_INET ? LINUX_AF_INET : LINUX_AF_INET6;
    m->dst_len = (uint8_t)x->dst_len;
    m->table = (uint8_t)(x->table < 256 ? x->table : 252);
    m->protocol = (uint8_t)x->protocol, m->scope = (uint8_t)x->scope, m->type = (uint8_t)x->type;
    nl_attr_u32(r, LINUX_RTA_TABLE, x->table);
    if (x->dst_len) nl_attr(r, LINUX_RTA_DST, x->dst, (size_t)alen);
    if (x->metric) nl_attr_u32(r, LINUX_RTA_PRIORITY, x->metric);
    if (x->has_prefsrc) nl_attr(r, LINUX_RTA_PREFSRC, x->prefsrc, (size_t)alen);
    if (x->has_gateway) nl_attr(r, LINUX_RTA_GATEWAY, x->gateway, (size_t)alen);
    if (x->oif) nl_attr_u32(r, LINUX_RTA_OIF, x->oif);
    if (x->family == RX_AF_INET6) nl_attr_u8(r, LINUX_RTA_PREF, 0); /* router preference: medium */
    nl_msg_end(r);
}

void nl_route_answer(struct lx_call *c, struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen)
{
    int dump = (h->flags & LINUX_NLM_F_DUMP) == LINUX_NLM_F_DUMP;
    unsigned family = blen >= 1 ? body[0] : 0;
    if (h->type == LINUX_RTM_GETLINK || h->type == LINUX_RTM_GETADDR) {
        struct rx_net_iface *fs;
        int n = ifaces(&fs);
        if (n < 0) {
            nl_error(r, h, n);
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
            if (!found) nl_error(r, h, -ENODEV);
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
        nl_done(r, h);
        return;
    }
    if (h->type == LINUX_RTM_GETROUTE && dump) {
        struct rx_net_route *rs = malloc(MAX_ROUTES * sizeof *rs);
        long n = rs ? rx_net_routes(rs, MAX_ROUTES) : -ENOMEM;
        if (n < 0) {
            free(rs);
            nl_error(r, h, (int)n);
            return;
        }
        for (long i = 0; i < n && i < MAX_ROUTES; i++) {
            if (family == LINUX_AF_INET && rs[i].family != RX_AF_INET) continue;
            if (family == LINUX_AF_INET6 && rs[i].family != RX_AF_INET6) continue;
            route_msg(r, h, &rs[i]);
        }
        free(rs);
        nl_done(r, h);
        return;
    }
    lx_record_partial(c->nr, "netlink requests beyond RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE dumps (changes, neighbours…)");
    nl_error(r, h, -EOPNOTSUPP);
}

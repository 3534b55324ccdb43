/* netlink_diag.c — NETLINK_SOCK_DIAG's answers from the host backend's socket
 * list (rx_net_sockets): SOCK_DIAG_BY_FAMILY dumps of inet sockets (by protocol
 * and state) and unix sockets (names as guest paths, queue lengths), what ss
 * asks for; EOPNOTSUPP for anything else. */
#include <stdlib.h>

#include "../abi/linux_socket.h"
#include "../procfs/procfs.h"
#include "handler.h"
#include "netlink_reply.h"

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
        struct linux_inet_diag_msg *m = nl_msg_start(r, h, LINUX_SOCK_DIAG_BY_FAMILY, LINUX_NLM_F_MULTI, sizeof *m);
        if (!m) break;
        m->family = q.family, m->state = (uint8_t)s[i].state;
        inet_id(&s[i].local, &m->id.sport, m->id.src);
        inet_id(&s[i].peer, &m->id.dport, m->id.dst);
        m->id.cookie[0] = m->id.cookie[1] = 0xffffffffu; /* INET_DIAG_NOCOOKIE */
        m->rqueue = (uint32_t)s[i].rx_queue, m->wqueue = (uint32_t)s[i].tx_queue;
        m->uid = s[i].uid, m->inode = (uint32_t)s[i].inode;
        if (q.family == LINUX_AF_INET6 && (s[i].state == 10 || s[i].state == 7)) /* as the kernel adds it */
            nl_attr_u8(r, LINUX_INET_DIAG_SKV6ONLY, (uint8_t)s[i].v6only);
        nl_msg_end(r);
    }
    free(s);
    nl_done(r, h);
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
            struct linux_unix_diag_msg *m = nl_msg_start(r, h, LINUX_SOCK_DIAG_BY_FAMILY, LINUX_NLM_F_MULTI, sizeof *m);
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
                nl_attr(r, LINUX_UNIX_DIAG_NAME, name, len);
            }
            if (q.show & LINUX_UDIAG_SHOW_RQLEN) {
                uint32_t ql[2] = { (uint32_t)s[i].rx_queue, (uint32_t)s[i].tx_queue };
                nl_attr(r, LINUX_UNIX_DIAG_RQLEN, ql, sizeof ql);
            }
            nl_msg_end(r);
        }
        free(s);
    }
    nl_done(r, h);
}

void nl_diag_answer(struct lx_call *c, struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen)
{
    int dump = (h->flags & LINUX_NLM_F_DUMP) == LINUX_NLM_F_DUMP;
    unsigned family = blen >= 1 ? body[0] : 0;
    if (h->type == LINUX_SOCK_DIAG_BY_FAMILY && dump && (family == LINUX_AF_INET || family == LINUX_AF_INET6))
        return diag_inet(r, h, body, blen);
    if (h->type == LINUX_SOCK_DIAG_BY_FAMILY && dump && family == LINUX_AF_UNIX) return diag_unix(r, h, body, blen);
    lx_record_partial(c->nr, "sock_diag requests beyond dumps of inet and unix sockets");
    nl_error(r, h, -EOPNOTSUPP);
}

/* net_ioctl.c — the interface requests on a socket (SIOCGIFCONF, SIOCGIFNAME,
 * SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK,
 * SIOCGIFMTU, SIOCGIFTXQLEN, SIOCGIFHWADDR), answered from the host backend's
 * interface list (rx_net_ifaces; Redox's netcfg:).  Setting anything is EPERM:
 * the guest may look at the network, not reconfigure it. */
#include <stdlib.h>

#include "../abi/linux_netlink.h"
#include "../abi/linux_socket.h"
#include "handler.h"
#include "tty.h"

#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMTU 0x8921
#define SIOCSIFMTU 0x8922
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942

struct linux_ifreq { char name[16]; union { unsigned char addr[16]; int16_t flags; int32_t value; } u; char pad[8]; };
struct linux_ifconf { int32_t len, pad; uint64_t buf; };

#define MAX_IFACES 64

static void sockaddr_in_of(unsigned char out[16], const uint8_t *a)
{
    memset(out, 0, 16);
    out[0] = LINUX_AF_INET;
    memcpy(out + 4, a, 4);
}

static const struct rx_net_addr *first_v4(const struct rx_net_iface *f)
{
    for (int i = 0; i < f->naddrs; i++)
        if (f->addrs[i].family == RX_AF_INET) return &f->addrs[i];
    return NULL;
}

static long ifconf(const struct rx_net_iface *fs, int n, uint64_t arg)
{
    struct linux_ifconf ic;
    if (gm_copy_in(&ic, arg, sizeof ic) < 0) return -EFAULT;
    int32_t used = 0;
    for (int i = 0; i < n; i++) {
        const struct rx_net_addr *a = first_v4(&fs[i]);
        if (!a) continue;
        if (ic.buf) {
            if (used + (int32_t)sizeof(struct linux_ifreq) > ic.len) break;
            struct linux_ifreq r;
            memset(&r, 0, sizeof r);
            snprintf(r.name, sizeof r.name, "%s", fs[i].name);
            sockaddr_in_of(r.u.addr, a->addr);
            if (gm_copy_out(ic.buf + (uint64_t)used, &r, sizeof r) < 0) return -EFAULT;
        }
        used += (int32_t)sizeof(struct linux_ifreq);
    }
    ic.len = used;
    return gm_copy_out(arg, &ic, sizeof ic);
}

static long ifreq(unsigned req, const struct rx_net_iface *fs, int n, uint64_t arg)
{
    struct linux_ifreq r;
    if (gm_copy_in(&r, arg, sizeof r) < 0) return -EFAULT;
    const struct rx_net_iface *f = NULL;
    r.name[sizeof r.name - 1] = 0;
    for (int i = 0; i < n && !f; i++)
        if (req == SIOCGIFNAME ? (unsigned)r.u.value == fs[i].index : strcmp(r.name, fs[i].name) == 0) f = &fs[i];
    if (!f) return -ENODEV;
    const struct rx_net_addr *a = first_v4(f);
    switch (req) {
    case SIOCGIFNAME: snprintf(r.name, sizeof r.name, "%s", f->name); break;
    case SIOCGIFINDEX: r.u.value = (int32_t)f->index; break;
    case SIOCGIFFLAGS: r.u.flags = (int16_t)(f->flags & 0xffff); break; /* RX_IFF_X_* are Linux's */
    case SIOCGIFMTU: r.u.value = (int32_t)f->mtu; break;
    case SIOCGIFTXQLEN: r.u.value = (int32_t)f->tx_queue_len; break;
    case SIOCGIFHWADDR:
        memset(r.u.addr, 0, sizeof r.u.addr);
        r.u.addr[0] = (unsigned char)((f->flags & RX_IFF_X_LOOPBACK) ? LINUX_ARPHRD_LOOPBACK & 0xff : LINUX_ARPHRD_ETHER);
        r.u.addr[1] = (unsigned char)((f->flags & RX_IFF_X_LOOPBACK) ? LINUX_ARPHRD_LOOPBACK >> 8 : 0);
        if (f->has_mac) memcpy(r.u.addr + 2, f->mac, 6);
        break;
    case SIOCGIFADDR: case SIOCGIFBRDADDR: case SIOCGIFNETMASK: {
        if (!a) return -EADDRNOTAVAIL;
        uint8_t v[4] = { 0 };
        if (req == SIOCGIFADDR) memcpy(v, a->addr, 4);
        else if (req == SIOCGIFBRDADDR) memcpy(v, a->peer, 4);
        else
            for (unsigned b = 0; b < a->prefix && b < 32; b++) v[b / 8] |= (uint8_t)(0x80 >> (b % 8));
        sockaddr_in_of(r.u.addr, v);
        break;
    }
    }
    return gm_copy_out(arg, &r, sizeof r);
}

long lx_net_ioctl(long nr, int fd, unsigned req, uint64_t arg)
{
    switch (req) {
    case SIOCGIFNAME: case SIOCGIFCONF: case SIOCGIFFLAGS: case SIOCGIFADDR: case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK: case SIOCGIFMTU: case SIOCGIFHWADDR: case SIOCGIFINDEX: case SIOCGIFTXQLEN: break;
    case SIOCSIFFLAGS: case SIOCSIFADDR: case SIOCSIFMTU:
        lx_record_partial(nr, "interface changes (SIOCSIF*): EPERM");
        return -EPERM;
    default: return LX_IOCTL_NOT_MINE;
    }
    int type;
    if (rx_sockopt_get(fd, RX_SOL_SOCKET, RX_SO_TYPE, &type, sizeof type) < 0) return LX_IOCTL_NOT_MINE; /* not a socket */
    struct rx_net_iface *fs = malloc(MAX_IFACES * sizeof *fs);
    if (!fs) return -ENOMEM;
    long n = rx_net_ifaces(fs, MAX_IFACES);
    long r = n < 0 ? n : req == SIOCGIFCONF ? ifconf(fs, n > MAX_IFACES ? MAX_IFACES : (int)n, arg)
                                            : ifreq(req, fs, n > MAX_IFACES ? MAX_IFACES : (int)n, arg);
    free(fs);
    return r;
}

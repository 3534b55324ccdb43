/* linux_netlink.h — the guest's NETLINK_ROUTE ABI (include/uapi/linux/netlink.h,
 * rtnetlink.h, if_link.h, if_addr.h): message and attribute headers, the request
 * and reply types lxrun serves, and the attributes it writes. */
#ifndef LXRUN_ABI_LINUX_NETLINK_H
#define LXRUN_ABI_LINUX_NETLINK_H

#include <stdint.h>

#define LINUX_NETLINK_ROUTE 0
#define LINUX_SOL_NETLINK 270

struct linux_sockaddr_nl { uint16_t family, pad; uint32_t pid, groups; };
struct linux_nlmsghdr { uint32_t len; uint16_t type, flags; uint32_t seq, pid; };
struct linux_nlmsgerr { int32_t error; struct linux_nlmsghdr msg; };
struct linux_rtattr { uint16_t len, type; };
struct linux_ifinfomsg { uint8_t family, pad; uint16_t type; int32_t index; uint32_t flags, change; };
struct linux_ifaddrmsg { uint8_t family, prefixlen, flags, scope; uint32_t index; };
struct linux_rtmsg { uint8_t family, dst_len, src_len, tos, table, protocol, scope, type; uint32_t flags; };
struct linux_ifa_cacheinfo { uint32_t prefered, valid, cstamp, tstamp; };
struct linux_link_stats64 { uint64_t v[24]; }; /* rx/tx packets, bytes, errors, dropped first */

#define LINUX_NLMSG_ALIGN(n) (((n) + 3u) & ~3u)
#define LINUX_NLMSG_ERROR 2
#define LINUX_NLMSG_DONE 3
#define LINUX_NLM_F_REQUEST 0x1
#define LINUX_NLM_F_MULTI 0x2
#define LINUX_NLM_F_ACK 0x4
#define LINUX_NLM_F_DUMP 0x300

#define LINUX_RTM_NEWLINK 16
#define LINUX_RTM_GETLINK 18
#define LINUX_RTM_NEWADDR 20
#define LINUX_RTM_GETADDR 22
#define LINUX_RTM_NEWROUTE 24
#define LINUX_RTM_GETROUTE 26

#define LINUX_IFLA_ADDRESS 1
#define LINUX_IFLA_BROADCAST 2
#define LINUX_IFLA_IFNAME 3
#define LINUX_IFLA_MTU 4
#define LINUX_IFLA_TXQLEN 13
#define LINUX_IFLA_OPERSTATE 16
#define LINUX_IFLA_LINKMODE 17
#define LINUX_IFLA_STATS64 23
#define LINUX_IFLA_GROUP 27
#define LINUX_IF_OPER_UNKNOWN 0
#define LINUX_IF_OPER_DOWN 2
#define LINUX_IF_OPER_UP 6
#define LINUX_ARPHRD_ETHER 1
#define LINUX_ARPHRD_LOOPBACK 772
#define LINUX_ARPHRD_NONE 0xfffe

#define LINUX_IFA_ADDRESS 1
#define LINUX_IFA_LOCAL 2
#define LINUX_IFA_LABEL 3
#define LINUX_IFA_BROADCAST 4
#define LINUX_IFA_CACHEINFO 6
#define LINUX_IFA_FLAGS 8
#define LINUX_IFA_F_PERMANENT 0x80

#define LINUX_RTA_DST 1
#define LINUX_RTA_OIF 4
#define LINUX_RTA_GATEWAY 5
#define LINUX_RTA_PRIORITY 6
#define LINUX_RTA_PREFSRC 7
#define LINUX_RTA_TABLE 15
#define LINUX_RTA_PREF 20

/* NETLINK_SOCK_DIAG (sock_diag.h, inet_diag.h, unix_diag.h) */
#define LINUX_NETLINK_SOCK_DIAG 4
#define LINUX_SOCK_DIAG_BY_FAMILY 20
struct linux_inet_diag_sockid { uint16_t sport, dport; uint32_t src[4], dst[4]; uint32_t ifindex, cookie[2]; };
struct linux_inet_diag_req_v2 { uint8_t family, protocol, ext, pad; uint32_t states; struct linux_inet_diag_sockid id; };
struct linux_inet_diag_msg {
    uint8_t family, state, timer, retrans;
    struct linux_inet_diag_sockid id;
    uint32_t expires, rqueue, wqueue, uid, inode;
};
struct linux_unix_diag_req { uint8_t family, protocol; uint16_t pad; uint32_t states, ino, show, cookie[2]; };
struct linux_unix_diag_msg { uint8_t family, type, state, pad; uint32_t ino, cookie[2]; };
#define LINUX_INET_DIAG_SKV6ONLY 11
#define LINUX_UNIX_DIAG_NAME 0
#define LINUX_UNIX_DIAG_RQLEN 4
#define LINUX_UDIAG_SHOW_NAME 0x1
#define LINUX_UDIAG_SHOW_RQLEN 0x10

#endif

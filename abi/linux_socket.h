/* linux_socket.h — the guest's socket ABI (include/linux/socket.h, net.h,
 * asm-generic/socket.h): families, types and their flags, message flags, the
 * SOL_SOCKET options lxrun serves, struct msghdr, struct ucred, and their
 * conversion to rx.h's values. */
#ifndef LXRUN_ABI_LINUX_SOCKET_H
#define LXRUN_ABI_LINUX_SOCKET_H

#include <stdint.h>

#include "../redox/rx.h"

#define LINUX_AF_UNSPEC 0
#define LINUX_AF_UNIX 1
#define LINUX_AF_INET 2
#define LINUX_AF_INET6 10
#define LINUX_AF_NETLINK 16
#define LINUX_AF_PACKET 17
#define LINUX_SOCK_STREAM 1
#define LINUX_SOCK_DGRAM 2
#define LINUX_SOCK_RAW 3
#define LINUX_SOCK_SEQPACKET 5
#define LINUX_IPPROTO_TCP 6
#define LINUX_IPPROTO_UDP 17
#define LINUX_SOCK_TYPE_MASK 0xf
#define LINUX_SOCK_NONBLOCK 04000
#define LINUX_SOCK_CLOEXEC 02000000

#define LINUX_MSG_OOB 0x1
#define LINUX_MSG_PEEK 0x2
#define LINUX_MSG_CTRUNC 0x8
#define LINUX_MSG_TRUNC 0x20
#define LINUX_MSG_DONTWAIT 0x40
#define LINUX_MSG_EOR 0x80
#define LINUX_MSG_WAITALL 0x100
#define LINUX_MSG_CONFIRM 0x800
#define LINUX_MSG_ERRQUEUE 0x2000
#define LINUX_MSG_NOSIGNAL 0x4000
#define LINUX_MSG_MORE 0x8000
#define LINUX_MSG_CMSG_CLOEXEC 0x40000000

#define LINUX_SOL_SOCKET 1
#define LINUX_SO_TYPE 3
#define LINUX_SO_ERROR 4
#define LINUX_SO_SNDBUF 7
#define LINUX_SO_RCVBUF 8
#define LINUX_SO_PASSCRED 16
#define LINUX_SO_PEERCRED 17
#define LINUX_SO_RCVTIMEO 20
#define LINUX_SO_SNDTIMEO 21
#define LINUX_SO_ACCEPTCONN 30
#define LINUX_SO_PROTOCOL 38
#define LINUX_SO_DOMAIN 39

struct linux_msghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov, iovlen, control, controllen;
    int32_t flags, pad1;
};
struct linux_ucred { int32_t pid; uint32_t uid, gid; };
struct linux_mmsghdr { struct linux_msghdr hdr; uint32_t len, pad; };
struct linux_cmsghdr { uint64_t len; int32_t level, type; };
#define LINUX_CMSG_ALIGN(n) (((n) + 7) & ~(uint64_t)7)
#define LINUX_SCM_RIGHTS 1
#define LINUX_SCM_CREDENTIALS 2
#define LINUX_SCM_MAX_FD 253
struct linux_linger { int32_t onoff, linger; };

#define LINUX_SOCKADDR_UN_PATH 108 /* sizeof sun_path */
#define LINUX_SOCKADDR_IN_LEN 16
#define LINUX_SOCKADDR_IN6_LEN 28
#define LINUX_SOCKADDR_MAX 128 /* struct sockaddr_storage */

/* An AF_INET or AF_INET6 sockaddr (len bytes) as rx's path text; -EINVAL when
 * too short, -EAFNOSUPPORT for other families. */
long abi_inet_addr_to_rx(const void *sa, unsigned len, struct rx_sockaddr *out);
/* rx's path text as the sockaddr Linux would give (16 or 28 bytes written to out,
 * which has LINUX_SOCKADDR_MAX); its length, or -EINVAL for text it cannot read. */
long abi_inet_addr_from_rx(const struct rx_sockaddr *a, void *out);
/* An AF_UNIX sockaddr's name: *abstract set and the bytes after the NUL, or the
 * path up to its first NUL; its length (0: unnamed), -EINVAL when too short. */
long abi_unix_name(const void *sa, unsigned len, char *name, int *abstract);
/* sockaddr_un for a path (NUL-terminated as Linux returns it) or an abstract
 * name; its length as Linux reports it. */
unsigned abi_unix_addr(const char *name, unsigned len, int abstract, void *out);

/* A membership request (ip_mreq, ip_mreqn, ipv6_mreq or group_req by the option,
 * len bytes) as rx's; -EINVAL when too short, -EAFNOSUPPORT for a group_req whose
 * address is neither AF_INET nor AF_INET6. */
long abi_mcast_to_rx(int level, int opt, const void *val, unsigned len, struct rx_mcast *out);

/* A socket option: rx's level and number, how its value is shaped and whether
 * lxrun passes a set on; 0, or -1 for an option lxrun does not serve. */
enum abi_optkind { ABI_OPT_INT, ABI_OPT_TIMEVAL, ABI_OPT_UCRED, ABI_OPT_LINGER, ABI_OPT_TYPE, ABI_OPT_MCAST };
struct abi_sockopt { int level, opt; enum abi_optkind kind; int settable; };
int abi_sockopt_to_rx(int linux_level, int linux_opt, struct abi_sockopt *out);

/* Message flags to rx.h's and back; -1 (to rx) when a bit lxrun does not serve
 * is set. */
int abi_msg_flags_to_rx(int linux_flags);
int abi_msg_flags_from_rx(int rx_flags);

#endif

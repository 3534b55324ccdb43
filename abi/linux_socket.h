/* linux_socket.h — the guest's socket ABI (include/linux/socket.h, net.h,
 * asm-generic/socket.h): families, types and their flags, message flags, the
 * SOL_SOCKET options lxrun serves, struct msghdr, struct ucred, and their
 * conversion to rx.h's values. */
#ifndef LXRUN_ABI_LINUX_SOCKET_H
#define LXRUN_ABI_LINUX_SOCKET_H

#include <stdint.h>

#define LINUX_AF_UNIX 1
#define LINUX_SOCK_STREAM 1
#define LINUX_SOCK_DGRAM 2
#define LINUX_SOCK_SEQPACKET 5
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
#define LINUX_MSG_NOSIGNAL 0x4000
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

/* Message flags to rx.h's and back; -1 (to rx) when a bit lxrun does not serve
 * is set. */
int abi_msg_flags_to_rx(int linux_flags);
int abi_msg_flags_from_rx(int rx_flags);
/* A SOL_SOCKET option's rx number, or -1. */
int abi_sockopt_to_rx(int linux_opt);

#endif

/* netlink.h — NETLINK_ROUTE sockets lxrun answers itself (netlink.c); the socket
 * handlers hand a netlink fd's calls here. */
#ifndef LXRUN_NETLINK_H
#define LXRUN_NETLINK_H

#include <stdint.h>

#include "dispatch.h"

struct lx_file;
/* The socket's description when fd is such a socket, else NULL. */
struct lx_file *lx_netlink_of(int fd);
/* A new one (flags: RX_O_CLOEXEC, RX_O_NONBLOCK): the guest's fd or -errno. */
long lx_netlink_socket(struct lx_call *c, int protocol, int flags);
/* A request sent: from a guest iovec array (iov != 0) or a buffer; bytes taken. */
long lx_netlink_send(struct lx_call *c, struct lx_file *f, uint64_t iov, uint64_t iovlen, uint64_t buf, uint64_t len);
long lx_netlink_bind(struct lx_file *f, uint64_t addr, uint64_t len);
/* getsockname (peer 0: its port id) and getpeername (the kernel, port 0). */
long lx_netlink_name(struct lx_file *f, int peer, uint64_t addr, uint64_t lenp);
/* Queues what fits of the answers still pending: before and after each receive,
 * so a reader (or a poll) always finds the next batch. */
void lx_netlink_pump(struct lx_file *f);
/* The source address of a reply, into a guest buffer of *len bytes (updated). */
long lx_netlink_source(uint64_t addr, uint32_t *len);

#endif

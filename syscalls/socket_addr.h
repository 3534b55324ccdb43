/* socket_addr.h — guest socket addresses and rx.h's: AF_INET/AF_INET6 through
 * abi/, AF_UNIX paths through the guest's namespace (vfs-map), so a path under
 * --root names a socket inside the root, and names read back are guest paths. */
#ifndef LXRUN_SOCKET_ADDR_H
#define LXRUN_SOCKET_ADDR_H

#include <stdint.h>

#include "../redox/rx.h"

/* The guest's sockaddr (len bytes at ptr) as rx's: 0, -EFAULT, -EINVAL (too
 * short), -EAFNOSUPPORT, -ENAMETOOLONG (the path's host form does not fit),
 * -ENOENT (a path into an emulated tree); nr is the call, for the record.  AF_UNSPEC becomes RX_X_AF_UNSPEC. */
long lx_sockaddr_in(long nr, uint64_t ptr, uint64_t len, struct rx_sockaddr *out);
/* Writes a as Linux would (truncated to the guest's *lenp, which then holds the
 * full length); message sources with no name get length 0, names of unnamed
 * sockets 2 (the family alone).  ptr 0: nothing written. */
enum lx_sockaddr_use { LX_SOCKADDR_NAME, LX_SOCKADDR_SOURCE };
long lx_sockaddr_out(const struct rx_sockaddr *a, uint64_t ptr, uint64_t lenp, enum lx_sockaddr_use use);
/* The same into a length the caller holds (msghdr's namelen). */
long lx_sockaddr_out_len(const struct rx_sockaddr *a, uint64_t ptr, uint32_t *len, enum lx_sockaddr_use use);

#endif

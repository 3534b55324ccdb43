/* linux_poll.h — poll's and select's guest-visible layouts (include/uapi/asm-generic/
 * poll.h, linux/posix_types.h): struct pollfd, the POLL* bits, fd_set of 1024 bits
 * as 16 longs. */
#ifndef LXRUN_ABI_LINUX_POLL_H
#define LXRUN_ABI_LINUX_POLL_H

#include <stdint.h>

#define LINUX_POLLIN 0x001
#define LINUX_POLLPRI 0x002
#define LINUX_POLLOUT 0x004
#define LINUX_POLLERR 0x008
#define LINUX_POLLHUP 0x010
#define LINUX_POLLNVAL 0x020
#define LINUX_POLLRDNORM 0x040
#define LINUX_POLLRDBAND 0x080
#define LINUX_POLLWRNORM 0x100
#define LINUX_POLLWRBAND 0x200
#define LINUX_POLLRDHUP 0x2000

struct linux_pollfd { int32_t fd; int16_t events, revents; };

#define LINUX_FD_SETSIZE 1024
struct linux_fd_set { uint64_t bits[LINUX_FD_SETSIZE / 64]; };

/* Poll bits to rx.h's and back: 0 for none; unknown bits are dropped (Linux
 * ignores events it does not know). */
int abi_poll_to_rx(int linux_events);
int abi_poll_from_rx(int rx_events);

/* epoll (include/uapi/linux/eventpoll.h): the poll bits above, EPOLLMSG, and the
 * registration flags; struct epoll_event is packed on x86-64 (12 bytes). */
#define LINUX_EPOLLMSG 0x400
#define LINUX_EPOLLEXCLUSIVE (1u << 28)
#define LINUX_EPOLLWAKEUP (1u << 29)
#define LINUX_EPOLLONESHOT (1u << 30)
#define LINUX_EPOLLET (1u << 31)
#define LINUX_EPOLL_CLOEXEC 02000000
#define LINUX_EPOLL_CTL_ADD 1
#define LINUX_EPOLL_CTL_DEL 2
#define LINUX_EPOLL_CTL_MOD 3
struct linux_epoll_event { uint32_t events; uint64_t data; } __attribute__((packed));
/* eventfd2's flags (O_CLOEXEC, O_NONBLOCK and its own) */
#define LINUX_EFD_SEMAPHORE 1
#define LINUX_EFD_NONBLOCK 04000
#define LINUX_EFD_CLOEXEC 02000000

/* epoll event bits to rx.h's event bits and back (unknown bits dropped). */
unsigned abi_epoll_to_rx(unsigned linux_events);
unsigned abi_epoll_from_rx(unsigned rx_events);

#endif

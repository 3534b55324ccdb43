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

#endif

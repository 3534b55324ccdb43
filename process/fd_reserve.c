#include "fd_reserve.h"


#include "../redox/rx.h"

int lx_fd_floor = 1024;
int lx_fd_limit = 1024;
int lx_fd_scan_end = 1024;

void lx_fd_limit_set(int limit)
{
    lx_fd_limit = limit;
    if (limit > lx_fd_scan_end) lx_fd_scan_end = limit;
}

int lx_fd_reserve_init(void)
{
    uint64_t cur, max;
    if (rx_getrlimit(RX_RLIMIT_NOFILE, &cur, &max) < 0) return -1;
    if (max > (1u << 20)) max = 1u << 20;
    uint64_t soft = cur;
    if (cur < max) rx_setrlimit(RX_RLIMIT_NOFILE, max, max);
    lx_fd_floor = (int)max - LX_FD_RESERVED;
    lx_fd_limit = lx_fd_scan_end = soft > (uint64_t)lx_fd_floor ? lx_fd_floor : (int)soft;
    return lx_fd_floor > 3 ? 0 : -1;
}

int lx_fd_move_high(int fd)
{
    long nfd = rx_fcntl(fd, RX_F_DUPFD_CLOEXEC, lx_fd_floor);
    rx_close(fd);
    return (int)nfd;
}

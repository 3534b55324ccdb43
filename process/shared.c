/* shared.c — the session's shared memory objects (shared.h). */
#include "shared.h"

#include "fd_reserve.h"

void *lx_shared_map(int fd, size_t len)
{
    long p = rx_mmap(0, len, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_SHARED, fd, 0);
    return p < 0 && p >= -4095 ? NULL : (void *)p;
}

long lx_shared_create(const char *name, size_t len, void **map)
{
    long fd = rx_shm_anon(name, len);
    if (fd >= 0) fd = lx_fd_move_high((int)fd);
    if (fd < 0) return fd;
    *map = lx_shared_map((int)fd, len);
    if (!*map) {
        rx_close((int)fd);
        return -ENOMEM;
    }
    return fd;
}

/* shared.c — the session's shared memory objects (shared.h). */
#include "shared.h"

#include "fd_reserve.h"

/* Gone, or a child of ours that ended and waits to be reaped (which this very
 * waiter may be the one to do). */
static int dead(int pid)
{
    struct rx_wait_status st;
    return rx_kill(pid, 0) == -ESRCH || rx_waitpid(pid, &st, RX_WNOHANG | RX_WX_NOWAIT) == pid;
}

void lx_shared_lock(int *word)
{
    int self = (int)rx_getpid();
    for (unsigned tries = 1;; tries++) {
        int holder = 0;
        if (__atomic_compare_exchange_n(word, &holder, self, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
        if (tries % 64 == 0 && holder != self && dead(holder) &&
            __atomic_compare_exchange_n(word, &holder, self, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return; /* its holder died holding it */
        rx_sched_yield();
    }
}

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

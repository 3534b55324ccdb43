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
    int self = (int)rx_getpid(), v = 0;
    if (__atomic_compare_exchange_n(word, &v, self, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    for (unsigned tries = 1;; tries++) {
        if (v == 0) { /* taken as contended: another waiter may sleep behind this one */
            if (__atomic_compare_exchange_n(word, &v, self | LX_SHARED_WAITERS, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return;
            continue;
        }
        if (!(v & LX_SHARED_WAITERS) &&
            !__atomic_compare_exchange_n(word, &v, v | LX_SHARED_WAITERS, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            continue;
        v |= LX_SHARED_WAITERS;
        int holder = v & ~LX_SHARED_WAITERS;
        if (tries % 8 == 0 && holder != self && dead(holder) &&
            __atomic_compare_exchange_n(word, &v, self | LX_SHARED_WAITERS, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return; /* its holder died holding it */
        /* asleep until the holder lets go (or 10 ms pass: a holder killed meanwhile
         * wakes nobody) -- yielding instead, hundreds of waiters starved a holder
         * that had been descheduled */
        struct rx_timespec ten_ms = { 0, 10 * 1000 * 1000 };
        rx_futex_wait((uint32_t *)word, (uint32_t)v, &ten_ms, -1, 1);
        v = __atomic_load_n(word, __ATOMIC_RELAXED);
    }
}

void lx_shared_unlock(int *word)
{
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) & LX_SHARED_WAITERS) rx_futex_wake((uint32_t *)word, 1, 1);
}

void *lx_shared_map(int fd, size_t len)
{
    uintptr_t room = rx_session_room(len); /* beside the session's busy pages */
    long p = room ? rx_mmap(room, len, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_SHARED | RX_MAP_FIXED, fd, 0) : -1;
    if (p < 0) p = rx_mmap(0, len, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_SHARED, fd, 0);
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

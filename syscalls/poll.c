/* poll.c — handles: poll, ppoll, select, pselect6, all as one wait on an rx_pollfd
 * array (relibc's ppoll).  lxrun's own fds are invisible (POLLNVAL, EBADF for
 * select); a signal caught during the wait ends it with EINTR, as on Linux. */
#include <stdlib.h>

#include "../abi/linux_poll.h"
#include "../abi/linux_sys.h"
#include "../abi/linux_time.h"
#include "handler.h"
#include "process.h"

/* The deadline arithmetic Linux does for the timeouts it writes back. */
int64_t lx_monotonic_ns(void)
{
    struct rx_timespec t;
    rx_clock_gettime(RX_CLOCK_MONOTONIC, &t);
    return t.sec * 1000000000 + t.nsec;
}

/* One wait: fds[i].fd < 0 are ignored, lxrun's fds answer POLLNVAL without
 * reaching the system.  timeout_ns < 0: none.  Returns the ready count or -errno;
 * *left_ns gets the time not used. */
static long wait_fds(struct rx_pollfd *fds, unsigned long n, int64_t timeout_ns, const uint64_t *mask, int64_t *left_ns)
{
    int nval = 0;
    int *hidden = NULL;
    for (unsigned long i = 0; i < n; i++)
        if (fds[i].fd >= 0 && !lx_fd_is_guest(fds[i].fd)) nval++;
    if (nval && !(hidden = calloc(n, sizeof *hidden))) return -ENOMEM;
    for (unsigned long i = 0; nval && i < n; i++)
        if (fds[i].fd >= 0 && !lx_fd_is_guest(fds[i].fd)) { hidden[i] = 1; fds[i].fd = -1; }
    struct rx_timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };
    int timed = left_ns && timeout_ns > 0; /* the time left asked for: two clock reads */
    int64_t start = timed ? lx_monotonic_ns() : 0;
    /* an lxrun fd makes the answer immediate, as POLLNVAL does on Linux */
    if (nval) ts.sec = ts.nsec = 0;
    long r = rx_ppoll(fds, n, timeout_ns >= 0 || nval ? &ts : NULL, mask);
    for (unsigned long i = 0; nval && i < n; i++)
        if (hidden[i]) { fds[i].revents = RX_POLLNVAL; if (r >= 0) r++; }
    free(hidden);
    if (left_ns && timeout_ns >= 0) {
        int64_t left = timed ? timeout_ns - (lx_monotonic_ns() - start) : 0;
        *left_ns = left > 0 ? left : 0;
    }
    return r;
}

static long timespec_ns(uint64_t ptr, int64_t *ns)
{
    struct rx_timespec t;
    if (!ptr) { *ns = -1; return 0; }
    long e = lx_timespec_arg(ptr, &t);
    if (e < 0) return e;
    *ns = t.sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX : t.sec * 1000000000 + t.nsec;
    return 0;
}

static long do_poll(uint64_t ufds, uint64_t nfds, int64_t timeout_ns, const uint64_t *mask, int64_t *left)
{
    if (nfds > (uint64_t)lx_fd_limit) return -EINVAL;
    struct linux_pollfd *g = nfds ? gm_lock_write(ufds, nfds * sizeof *g) : NULL;
    if (nfds && !g) return -EFAULT;
    struct rx_pollfd room[LX_WAIT_ON_STACK];
    struct rx_pollfd *fds = nfds <= LX_WAIT_ON_STACK ? room : calloc(nfds, sizeof *fds);
    if (!fds) return -ENOMEM;
    for (uint64_t i = 0; i < nfds; i++) {
        fds[i].fd = g[i].fd;
        /* POLLERR, POLLHUP and POLLNVAL are always reported */
        fds[i].events = (short)abi_poll_to_rx((uint16_t)g[i].events);
    }
    long r = wait_fds(fds, nfds, timeout_ns, mask, left);
    for (uint64_t i = 0; r >= 0 && i < nfds; i++) g[i].revents = (int16_t)abi_poll_from_rx((uint16_t)fds[i].revents);
    if (fds != room) free(fds);
    return r;
}

long sys_poll(struct lx_call *c)
{
    int ms = (int)c->a[2];
    return do_poll(c->a[0], (uint32_t)c->a[1], ms < 0 ? -1 : (int64_t)ms * 1000000, NULL, NULL);
}

/* STICKY_TIMEOUTS (personality): the timeout is left as given, not the time left */
static int time_left_written(void) { return !(lx_proc.personality & LINUX_STICKY_TIMEOUTS); }

long sys_ppoll(struct lx_call *c)
{
    int64_t ns, left;
    uint64_t m;
    const uint64_t *mask = NULL;
    long r = timespec_ns(c->a[2], &ns);
    if (r < 0) return r;
    left = ns; /* ended before the wait: all of it */
    if ((r = lx_wait_sigmask_begin(c, c->a[3], c->a[4], &m, &mask)) == 0)
        r = do_poll(c->a[0], (uint32_t)c->a[1], ns, mask, &left);
    else if (r != -EINTR)
        return r; /* the set refused: nothing written back, as Linux */
    if (ns >= 0 && r != -EFAULT && time_left_written()) { /* the time left, as Linux writes it back */
        struct linux_timespec t = { left / 1000000000, left % 1000000000 };
        gm_copy_out(c->a[2], &t, sizeof t);
    }
    return lx_wait_sigmask_end(c, r);
}

/* select's three sets as one pollfd array, and back.  Linux's readable set is
 * POLLIN|POLLHUP|POLLERR, writable POLLOUT|POLLERR, exceptional POLLPRI. */
static long do_select(int nfds, uint64_t rp, uint64_t wp, uint64_t ep, int64_t timeout_ns, const uint64_t *mask,
                      int64_t *left)
{
    if (nfds < 0) return -EINVAL;
    if (nfds > lx_fd_limit) nfds = lx_fd_limit; /* fds past the table cannot be open */
    size_t words = ((size_t)nfds + 63) / 64, bytes = words * 8;
    uint64_t *sets[3] = { 0 }, ptrs[3] = { rp, wp, ep };
    /* FD_SETSIZE's 1024 and a few fds asked for: on the stack */
    uint64_t in_room[3 * 16 + 1] = { 0 };
    struct rx_pollfd fds_room[LX_WAIT_ON_STACK];
    uint64_t *in = words <= 16 ? in_room : calloc(3 * words + 1, 8);
    struct rx_pollfd *fds = NULL;
    long r = in ? 0 : -ENOMEM;
    for (int k = 0; r == 0 && k < 3; k++)
        if (ptrs[k]) {
            sets[k] = gm_lock_write(ptrs[k], bytes);
            if (bytes && !sets[k]) r = -EFAULT;
            else memcpy(in + k * words, sets[k], bytes);
        }
    size_t asked = 0; /* the fds below nfds in any set */
    for (size_t w = 0; r == 0 && w < words; w++) {
        uint64_t any = in[w] | in[words + w] | in[2 * words + w];
        if (w == words - 1 && nfds % 64) any &= (1ULL << (nfds % 64)) - 1;
        asked += (size_t)__builtin_popcountll(any);
    }
    if (r == 0 && !(fds = asked <= LX_WAIT_ON_STACK ? fds_room : calloc(asked, sizeof *fds))) r = -ENOMEM;
    unsigned long n = 0;
    static const short ev[3] = { RX_POLLIN, RX_POLLOUT, RX_POLLPRI };
    for (int fd = 0; r == 0 && fd < nfds; fd++) {
        short want = 0;
        for (int k = 0; k < 3; k++)
            if (in[k * words + fd / 64] >> (fd % 64) & 1) want |= ev[k];
        if (want) fds[n++] = (struct rx_pollfd){ fd, want, 0 };
    }
    if (r == 0) r = wait_fds(fds, n, timeout_ns, mask, left);
    for (unsigned long i = 0; r >= 0 && i < n; i++)
        if (fds[i].revents & RX_POLLNVAL) r = -EBADF;
    if (r >= 0) {
        for (int k = 0; k < 3; k++)
            if (sets[k]) memset(sets[k], 0, bytes);
        static const short got[3] = { RX_POLLIN | RX_POLLHUP | RX_POLLERR, RX_POLLOUT | RX_POLLERR, RX_POLLPRI };
        r = 0;
        for (unsigned long i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
                if (sets[k] && (fds[i].events & ev[k]) && (fds[i].revents & got[k])) {
                    sets[k][fds[i].fd / 64] |= 1ULL << (fds[i].fd % 64);
                    r++;
                }
    }
    if (in != in_room) free(in);
    if (fds != fds_room) free(fds);
    return r;
}

long sys_select(struct lx_call *c)
{
    int64_t ns = -1, left = 0;
    struct linux_timeval tv;
    if (c->a[4]) {
        if (gm_copy_in(&tv, c->a[4], sizeof tv) < 0) return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0) return -EINVAL;
        /* Linux normalises microseconds past a second */
        ns = tv.tv_sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX : tv.tv_sec * 1000000000 + tv.tv_usec * 1000;
    }
    long r = do_select((int)c->a[0], c->a[1], c->a[2], c->a[3], ns, NULL, &left);
    if (ns >= 0 && r != -EFAULT && time_left_written()) {
        struct linux_timeval t = { left / 1000000000, left % 1000000000 / 1000 };
        gm_copy_out(c->a[4], &t, sizeof t);
    }
    return r;
}

long sys_pselect6(struct lx_call *c)
{
    int64_t ns, left;
    uint64_t m;
    const uint64_t *mask = NULL;
    long r = timespec_ns(c->a[4], &ns);
    if (r < 0) return r;
    uint64_t arg[2] = { 0, 0 }; /* { const sigset_t *ss; size_t ss_len } */
    if (c->a[5] && gm_copy_in(arg, c->a[5], sizeof arg) < 0) return -EFAULT;
    left = ns; /* ended before the wait: all of it */
    if ((r = lx_wait_sigmask_begin(c, arg[0], arg[1], &m, &mask)) == 0)
        r = do_select((int)c->a[0], c->a[1], c->a[2], c->a[3], ns, mask, &left);
    else if (r != -EINTR)
        return r; /* the set refused: nothing written back, as Linux */
    if (ns >= 0 && r != -EFAULT && time_left_written()) {
        struct linux_timespec t = { left / 1000000000, left % 1000000000 };
        gm_copy_out(c->a[4], &t, sizeof t);
    }
    return lx_wait_sigmask_end(c, r);
}

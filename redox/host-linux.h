/* host-linux.h — what the host backend's files share (private to redox/). */
#ifndef LXRUN_HOST_LINUX_H
#define LXRUN_HOST_LINUX_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A host call's result as rx.h returns it: the value, or -errno. */
#define R(expr) ({ long r_ = (long)(expr); r_ < 0 ? -(long)errno : r_; })

#include "rx.h"

/* Calls the fast path reaches go to the kernel directly: -errno comes back in rax,
 * and no errno, cancellation point or TLS is touched (the fast path's GUESTFS calls
 * run on the guest's FS: trap/fs_call.h; and glibc's wrappers touch both once lxrun
 * has a second thread). */
static inline long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
    long r;
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return r;
}
/* A call that may wait, through the door that a caught signal on the way to it
 * ends (rx_wait.h; host-linux-wait.S): -errno in rax, TLS-free as raw6. */
long host_wait_call(long nr, long a, long b, long c, long d, long e, long f);

static inline long raw5(long nr, long a, long b, long c, long d, long e) { return raw6(nr, a, b, c, d, e, 0); }
static inline long raw4(long nr, long a, long b, long c, long d) { return raw5(nr, a, b, c, d, 0); }
static inline long raw3(long nr, long a, long b, long c) { return raw5(nr, a, b, c, 0, 0); }

/* Redox's clock ids (and the backend's extensions) as the host's; -1 if none.
 * Inline: the guest-callable time functions (host-linux-vdso.c) use it too. */
__attribute__((always_inline)) static inline clockid_t host_clock(int rx_clock)
{
    switch (rx_clock) {
    case RX_CLOCK_REALTIME: return CLOCK_REALTIME;
    case RX_CLOCK_MONOTONIC: return CLOCK_MONOTONIC;
    case RX_CLOCK_X_PROCESS_CPUTIME: return CLOCK_PROCESS_CPUTIME_ID;
    case RX_CLOCK_X_THREAD_CPUTIME: return CLOCK_THREAD_CPUTIME_ID;
    case RX_CLOCK_X_MONOTONIC_RAW: return CLOCK_MONOTONIC_RAW;
    case RX_CLOCK_X_REALTIME_COARSE: return CLOCK_REALTIME_COARSE;
    case RX_CLOCK_X_MONOTONIC_COARSE: return CLOCK_MONOTONIC_COARSE;
    case RX_CLOCK_X_BOOTTIME: return CLOCK_BOOTTIME;
    case RX_CLOCK_X_TAI: return CLOCK_TAI;
    default: return (clockid_t)-1;
    }
}

/* The session's memory (host-linux.c), for host-linux-learned.c: its memfd, where
 * it is mapped, the sizes of its parts, its head (in the kept part's first page).
 * 1 in the session's first process, else 0. */
struct host_session_head {
    uint64_t pages_used; /* the stored pages' next free offset (may pass the end: full) */
    uint32_t full;       /* a table or the store was found full (rx_learned_full) */
};
struct host_session { int fd; uintptr_t at; size_t kept, shared, pages; struct host_session_head *head; };
int host_session(struct host_session *s);
/* A handle just opened (or -errno) moved above the fd floor, among lxrun's own. */
long host_own_fd(long fresh);
/* host-linux-learned.c: the learned file, when the store is there, *off made its
 * offset in it; or -1 (the memfd's). */
int host_learned_pages(uint64_t *off);
void host_learned_own_fds(void (*each)(int *fd, void *ctx), void *ctx);

/* Before each fork (host-linux-fork-pins.c): once a process, lxrun's pages both
 * sides write pinned, so that the fork copies them rather than sharing them. */
void host_fork_pins(void);
/* In a forked child, or as an exec in place replaces the program: the pins let go. */
void host_fork_pins_drop(void);

#endif

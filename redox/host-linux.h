/* host-linux.h — what the host backend's files share (private to redox/). */
#ifndef LXRUN_HOST_LINUX_H
#define LXRUN_HOST_LINUX_H

#include <errno.h>
#include <time.h>

/* A host call's result as rx.h returns it: the value, or -errno. */
#define R(expr) ({ long r_ = (long)(expr); r_ < 0 ? -(long)errno : r_; })

#include "rx.h"

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

#endif

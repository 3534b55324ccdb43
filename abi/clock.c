/* clock.c — Linux clock ids to and from rx.h's. */
#include "linux_time.h"

#include "../redox/rx.h"

static const struct { int linux_id, rx_id; } clocks[] = {
    { LINUX_CLOCK_REALTIME, RX_CLOCK_REALTIME },
    { LINUX_CLOCK_MONOTONIC, RX_CLOCK_MONOTONIC },
    { LINUX_CLOCK_PROCESS_CPUTIME_ID, RX_CLOCK_X_PROCESS_CPUTIME },
    { LINUX_CLOCK_THREAD_CPUTIME_ID, RX_CLOCK_X_THREAD_CPUTIME },
    { LINUX_CLOCK_MONOTONIC_RAW, RX_CLOCK_X_MONOTONIC_RAW },
    { LINUX_CLOCK_REALTIME_COARSE, RX_CLOCK_X_REALTIME_COARSE },
    { LINUX_CLOCK_MONOTONIC_COARSE, RX_CLOCK_X_MONOTONIC_COARSE },
    { LINUX_CLOCK_BOOTTIME, RX_CLOCK_X_BOOTTIME },
    { LINUX_CLOCK_TAI, RX_CLOCK_X_TAI },
};

int abi_clock_to_rx(int linux_clock)
{
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
        if (clocks[i].linux_id == linux_clock) return clocks[i].rx_id;
    return -1;
}

int abi_clock_from_rx(int rx_clock)
{
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
        if (clocks[i].rx_id == rx_clock) return clocks[i].linux_id;
    return -1;
}

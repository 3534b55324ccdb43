/* linux_time.h — Linux's clock ids as the guest passes them (include/uapi/linux/time.h),
 * and their conversion to rx.h's clocks. */
#ifndef LXRUN_ABI_LINUX_TIME_H
#define LXRUN_ABI_LINUX_TIME_H

#define LINUX_CLOCK_REALTIME 0
#define LINUX_CLOCK_MONOTONIC 1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID 3
#define LINUX_CLOCK_MONOTONIC_RAW 4
#define LINUX_CLOCK_REALTIME_COARSE 5
#define LINUX_CLOCK_MONOTONIC_COARSE 6
#define LINUX_CLOCK_BOOTTIME 7
#define LINUX_CLOCK_REALTIME_ALARM 8
#define LINUX_CLOCK_BOOTTIME_ALARM 9
#define LINUX_CLOCK_TAI 11
#define LINUX_TIMER_ABSTIME 1

#include <stdint.h>
struct linux_timespec { int64_t tv_sec, tv_nsec; };
struct linux_itimerspec { struct linux_timespec it_interval, it_value; };

/* timer_create's notification (include/uapi/asm-generic/siginfo.h): 64 bytes. */
#define LINUX_SIGEV_SIGNAL 0
#define LINUX_SIGEV_NONE 1
#define LINUX_SIGEV_THREAD 2     /* a signal to the process, as far as the kernel is concerned */
#define LINUX_SIGEV_THREAD_ID 4
struct linux_sigevent {
    uint64_t value;
    int32_t signo, notify;
    union { int32_t tid; char pad[48]; } un;
};

/* The rx clock for a Linux clock id, or -1 for one lxrun does not serve (the
 * alarm clocks, unknown ids).  The per-process and per-thread CPU clocks of other
 * processes (negative ids) are the caller's to resolve first. */
int abi_clock_to_rx(int linux_clock);
/* The Linux clock id for an rx clock, or -1. */
int abi_clock_from_rx(int rx_clock);

#endif

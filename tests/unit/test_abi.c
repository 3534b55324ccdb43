/* test_abi.c — abi/: Linux's values to rx.h's (Redox's) and back, and handlers
 * checked against a recording rx backend: the rx calls they make are wrapped at
 * link time (-Wl,--wrap), so what is asserted is the Redox value a handler passes,
 * not only the round trip through the host backend. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "../../abi/linux_time.h"
#include "../../guestmem/vma.h"
#include "../../redox/rx.h"
#include "../../syscalls/dispatch.h"

long sys_clock_gettime(struct lx_call *c);
long sys_clock_getres(struct lx_call *c);
long sys_nanosleep(struct lx_call *c);
long sys_clock_nanosleep(struct lx_call *c);
long sys_gettimeofday(struct lx_call *c);

/* ---- the recording backend ---- */
static int last_clock = -999, last_abstime = -1, calls;

long __wrap_rx_clock_gettime(int clock, struct rx_timespec *ts)
{
    last_clock = clock;
    calls++;
    ts->sec = 12;
    ts->nsec = 345;
    return 0;
}
long __wrap_rx_clock_getres(int clock, struct rx_timespec *ts)
{
    last_clock = clock;
    calls++;
    ts->sec = 0;
    ts->nsec = 1;
    return 0;
}
long __wrap_rx_nanosleep(int clock, int abstime, const struct rx_timespec *req, struct rx_timespec *rem)
{
    (void)req;
    (void)rem;
    last_clock = clock;
    last_abstime = abstime;
    calls++;
    return 0;
}

/* ---- clocks ---- */

/* Redox's ids (redox_syscall src/flag.rs): REALTIME 1, MONOTONIC 4. */
Test(clock, linux_to_redox_values)
{
    cr_assert_eq(RX_CLOCK_REALTIME, 1);
    cr_assert_eq(RX_CLOCK_MONOTONIC, 4);
    cr_assert_eq(abi_clock_to_rx(LINUX_CLOCK_REALTIME), RX_CLOCK_REALTIME);
    cr_assert_eq(abi_clock_to_rx(LINUX_CLOCK_MONOTONIC), RX_CLOCK_MONOTONIC);
    cr_assert_eq(abi_clock_to_rx(LINUX_CLOCK_BOOTTIME), RX_CLOCK_X_BOOTTIME);
    cr_assert_eq(abi_clock_to_rx(LINUX_CLOCK_PROCESS_CPUTIME_ID), RX_CLOCK_X_PROCESS_CPUTIME);
    cr_assert_eq(abi_clock_to_rx(LINUX_CLOCK_REALTIME_ALARM), -1);
    cr_assert_eq(abi_clock_to_rx(LINUX_CLOCK_BOOTTIME_ALARM), -1);
    cr_assert_eq(abi_clock_to_rx(10), -1);
    cr_assert_eq(abi_clock_to_rx(12), -1);
    cr_assert_eq(abi_clock_to_rx(-1), -1);
}

Test(clock, every_served_clock_round_trips)
{
    int served = 0;
    for (int id = 0; id < 16; id++) {
        int rx = abi_clock_to_rx(id);
        if (rx < 0) continue;
        served++;
        cr_assert_eq(abi_clock_from_rx(rx), id, "Linux clock %d -> rx %d -> %d", id, rx, abi_clock_from_rx(rx));
    }
    cr_assert_eq(served, 9);
    cr_assert_eq(abi_clock_from_rx(0), -1, "0 is no Redox clock");
}

static uint64_t guest_buf(void)
{
    static struct linux_timespec buf[4] __attribute__((aligned(4096)));
    gm_add((uintptr_t)buf, sizeof buf, PROT_READ | PROT_WRITE, 0, GM_ANON, 0, 0, 0, NULL);
    return (uint64_t)(uintptr_t)buf;
}

Test(clock_handlers, gettime_passes_redox_ids)
{
    uint64_t out = guest_buf();
    struct { int linux_id, rx_id; } cases[] = {
        { LINUX_CLOCK_REALTIME, RX_CLOCK_REALTIME },   { LINUX_CLOCK_MONOTONIC, RX_CLOCK_MONOTONIC },
        { LINUX_CLOCK_MONOTONIC_RAW, RX_CLOCK_X_MONOTONIC_RAW }, { LINUX_CLOCK_TAI, RX_CLOCK_X_TAI },
        { LINUX_CLOCK_THREAD_CPUTIME_ID, RX_CLOCK_X_THREAD_CPUTIME },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lx_call c = { .nr = 228, .a = { (uint64_t)cases[i].linux_id, out } };
        cr_assert_eq(sys_clock_gettime(&c), 0);
        cr_assert_eq(last_clock, cases[i].rx_id, "Linux clock %d reached rx as %d", cases[i].linux_id, last_clock);
        struct linux_timespec *ts = (void *)(uintptr_t)out;
        cr_assert(ts->tv_sec == 12 && ts->tv_nsec == 345, "the Linux timespec is filled");
        cr_assert_eq(sys_clock_getres(&c), 0);
        cr_assert_eq(last_clock, cases[i].rx_id);
    }
    int before = calls;
    struct lx_call bad = { .nr = 228, .a = { LINUX_CLOCK_REALTIME_ALARM, out } };
    cr_assert_eq(sys_clock_gettime(&bad), -EINVAL);
    cr_assert_eq(calls, before, "an unserved clock never reaches rx");
}

Test(clock_handlers, sleeps_and_wall_time)
{
    uint64_t req = guest_buf();
    struct linux_timespec *ts = (void *)(uintptr_t)req;
    ts->tv_sec = 0;
    ts->tv_nsec = 1000;
    struct lx_call n = { .nr = 35, .a = { req, 0 } };
    cr_assert_eq(sys_nanosleep(&n), 0);
    cr_assert(last_clock == RX_CLOCK_MONOTONIC && last_abstime == 0, "nanosleep: clock %d", last_clock);
    struct lx_call cn = { .nr = 230, .a = { LINUX_CLOCK_REALTIME, LINUX_TIMER_ABSTIME, req, 0 } };
    cr_assert_eq(sys_clock_nanosleep(&cn), 0);
    cr_assert(last_clock == RX_CLOCK_REALTIME && last_abstime == 1);
    struct lx_call cpu = { .nr = 230, .a = { LINUX_CLOCK_THREAD_CPUTIME_ID, 0, req, 0 } };
    cr_assert_eq(sys_clock_nanosleep(&cpu), -EINVAL);
    struct lx_call tod = { .nr = 96, .a = { req + 16, 0 } };
    cr_assert_eq(sys_gettimeofday(&tod), 0);
    cr_assert_eq(last_clock, RX_CLOCK_REALTIME);
}

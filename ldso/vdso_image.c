/* vdso_image.c — lxrun's vDSO, as the guest sees it: an ELF image of its own
 * (built by itself, no libc, linked by vdso_image.lds, exported as the kernel's
 * are: version LINUX_2.6), which glibc and musl find through AT_SYSINFO_EHDR.
 * Each function answers from the backend's time functions (rx_guest_time) through
 * the data page below the image, counts the answer when a report is asked for, and
 * otherwise makes the ordinary call, which lxrun traps and serves (and counts).
 * It runs in the guest's context: the guest's FS, stack and signal mask.  Linux's
 * values stop here: clock ids become rx clocks by the table abi/ filled in.  Its
 * `syscall` instructions are the guest's own calls, trapped like any (not lxrun
 * reaching the system: DESIGN invariant 1 is about lxrun's code). */
#include "vdso_data.h"
#include "../abi/linux_sys.h"
#include "../abi/linux_time.h"

static const int nr[LX_VDSO_NFN] = LX_VDSO_NRS;
#define NR_clock_gettime nr[LX_VDSO_CLOCK_GETTIME]
#define NR_gettimeofday nr[LX_VDSO_GETTIMEOFDAY]
#define NR_time nr[LX_VDSO_TIME]
#define NR_getcpu nr[LX_VDSO_GETCPU]
#define NR_clock_getres nr[LX_VDSO_CLOCK_GETRES]

extern const char __ehdr_start[] __attribute__((visibility("hidden")));

/* The page below the image (ldso/vdso.c maps them together). */
static inline const struct lx_vdso_data *data(void)
{
    const char *image = __ehdr_start;
    __asm__("" : "+r"(image)); /* an address, not an array the compiler could bound */
    return (const struct lx_vdso_data *)(const void *)(image - 4096);
}

static inline void counted(const struct lx_vdso_data *d, enum lx_vdso_fn fn)
{
    if (d->counting) __atomic_fetch_add((uint64_t *)&d->counts[fn], 1, __ATOMIC_RELAXED);
}

static inline long call3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

/* The time on Linux clock id, 0; -1 when only the call can tell. */
static inline int clock_now(const struct lx_vdso_data *d, int clock, struct rx_timespec *t)
{
    if ((unsigned)clock >= LX_VDSO_CLOCKS || d->clock_rx[clock] < 0 || !d->fn.clock_gettime) return -1;
    return d->fn.clock_gettime(d->clock_rx[clock], t) == 0 ? 0 : -1;
}

long __vdso_clock_gettime(int clock, struct linux_timespec *ts)
{
    const struct lx_vdso_data *d = data();
    struct rx_timespec t;
    if (clock_now(d, clock, &t) < 0) return call3(NR_clock_gettime, clock, (long)ts, 0);
    ts->tv_sec = t.sec;
    ts->tv_nsec = t.nsec;
    counted(d, LX_VDSO_CLOCK_GETTIME);
    return 0;
}

long __vdso_gettimeofday(struct linux_timeval *tv, void *tz)
{
    const struct lx_vdso_data *d = data();
    struct rx_timespec t;
    if (tz || clock_now(d, LINUX_CLOCK_REALTIME, &t) < 0) return call3(NR_gettimeofday, (long)tv, (long)tz, 0);
    if (tv) {
        tv->tv_sec = t.sec;
        tv->tv_usec = t.nsec / 1000;
    }
    counted(d, LX_VDSO_GETTIMEOFDAY);
    return 0;
}

long __vdso_time(long *out)
{
    const struct lx_vdso_data *d = data();
    struct rx_timespec t;
    if (clock_now(d, LINUX_CLOCK_REALTIME, &t) < 0) return call3(NR_time, (long)out, 0, 0);
    if (out) *out = t.sec;
    counted(d, LX_VDSO_TIME);
    return t.sec;
}

long __vdso_clock_getres(int clock, struct linux_timespec *res)
{
    const struct lx_vdso_data *d = data();
    struct rx_timespec t;
    if ((unsigned)clock >= LX_VDSO_CLOCKS || d->clock_rx[clock] < 0 || !d->fn.clock_getres ||
        d->fn.clock_getres(d->clock_rx[clock], &t) != 0)
        return call3(NR_clock_getres, clock, (long)res, 0);
    if (res) {
        res->tv_sec = t.sec;
        res->tv_nsec = t.nsec;
    }
    counted(d, LX_VDSO_CLOCK_GETRES);
    return 0;
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    const struct lx_vdso_data *d = data();
    unsigned c, n;
    if (!d->fn.getcpu || d->fn.getcpu(&c, &n) != 0) return call3(NR_getcpu, (long)cpu, (long)node, (long)unused);
    if (cpu) *cpu = c;
    if (node) *node = n;
    counted(d, LX_VDSO_GETCPU);
    return 0;
}

/* The unprefixed names, as the kernel's image has them. */
long clock_gettime(int, struct linux_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
long gettimeofday(struct linux_timeval *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long clock_getres(int, struct linux_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));

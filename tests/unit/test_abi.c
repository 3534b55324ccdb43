/* test_abi.c — abi/: Linux's values to rx.h's (Redox's) and back, and handlers
 * checked against a recording rx backend: the rx calls they make are wrapped at
 * link time (-Wl,--wrap), so what is asserted is the Redox value a handler passes,
 * not only the round trip through the host backend. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "../../abi/linux_cpu.h"
#include "../../abi/linux_errno.h"
#include "../../abi/linux_fcntl.h"
#include "../../abi/linux_mman.h"
#include "../../abi/linux_stat.h"
#include "../../abi/linux_time.h"
#include "../../guestmem/vma.h"
#include "../../redox/rx.h"
#include "../../syscalls/dispatch.h"

long sys_clock_gettime(struct lx_call *c);
long sys_clock_getres(struct lx_call *c);
long sys_nanosleep(struct lx_call *c);
long sys_clock_nanosleep(struct lx_call *c);
long sys_gettimeofday(struct lx_call *c);
long sys_openat(struct lx_call *c);
long sys_fcntl(struct lx_call *c);
long sys_pipe2(struct lx_call *c);
long sys_mmap(struct lx_call *c);
long sys_mprotect(struct lx_call *c);
long sys_msync(struct lx_call *c);

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
/* the call's way (abi_tsc_mark): counted, and made to last slow_cycles */
static int entry_calls;
static uint64_t slow_cycles;
long __wrap_rx_clock_gettime_entry(int clock, struct rx_timespec *ts)
{
    last_clock = clock;
    entry_calls++;
    for (uint64_t t0 = __builtin_ia32_rdtsc(); __builtin_ia32_rdtsc() - t0 < slow_cycles;) {}
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

static int last_oflags, last_cmd, opens;
static long last_arg;
static char last_path[256];
long __wrap_rx_openat(int dirfd, const char *path, int flags, unsigned mode)
{
    (void)dirfd;
    (void)mode;
    last_oflags = flags;
    snprintf(last_path, sizeof last_path, "%s", path);
    opens++;
    return 7;
}
long __wrap_rx_fcntl(int fd, int cmd, long arg)
{
    (void)fd;
    last_cmd = cmd;
    last_arg = arg;
    if (cmd == RX_F_GETFL) return RX_O_RDWR | RX_O_APPEND | RX_O_NONBLOCK | RX_O_X_LARGEFILE;
    if (cmd == RX_F_GETFD) return RX_FD_CLOEXEC;
    return 0;
}
long __wrap_rx_pipe2(int fds[2], int flags)
{
    last_oflags = flags;
    fds[0] = 5;
    fds[1] = 6;
    return 0;
}

/* ---- open flags ---- */

/* Redox's values, relibc src/header/fcntl/redox.rs. */
/* lxrun's start marks the TSC against the clock read by a system call, not the
 * vDSO (whose first read in a process costs its pages' faults); where calls are
 * slow (a tracer), by the vDSO's reads around one rdtsc. */
Test(tsc_mark, a_call_not_the_vdso)
{
    calls = entry_calls = 0, slow_cycles = 0;
    abi_tsc_mark();
    cr_assert_eq(calls, 0, "the vDSO's clock read %d times", calls);
    cr_assert(entry_calls >= 2, "%d calls (a warm-up, then the bracketed one)", entry_calls);
    cr_assert_eq(last_clock, RX_CLOCK_X_MONOTONIC_RAW);
}

Test(tsc_mark, slow_calls_fall_back_to_the_vdso)
{
    calls = entry_calls = 0, slow_cycles = 200000;
    abi_tsc_mark();
    slow_cycles = 0;
    cr_assert(calls >= 2, "the vDSO's clock read %d times after slow calls", calls);
}

Test(oflags, redox_values)
{
    cr_assert_eq(RX_O_RDONLY, 0x10000);
    cr_assert_eq(RX_O_CREAT, 0x02000000);
    cr_assert_eq(RX_O_CLOEXEC, 0x01000000);
    cr_assert_eq(RX_FD_CLOEXEC, 0x01000000);
    cr_assert_eq((unsigned)RX_O_NOFOLLOW, 0x80000000u);
    cr_assert_eq(RX_O_NOCTTY, 0x200);
}

static const struct { int linux_flag, rx_flag; } every_flag[] = {
    { LINUX_O_CREAT, RX_O_CREAT },         { LINUX_O_EXCL, RX_O_EXCL },
    { LINUX_O_NOCTTY, RX_O_NOCTTY },       { LINUX_O_TRUNC, RX_O_TRUNC },
    { LINUX_O_APPEND, RX_O_APPEND },       { LINUX_O_NONBLOCK, RX_O_NONBLOCK },
    { LINUX_O_DSYNC, RX_O_X_DSYNC },       { LINUX_FASYNC, RX_O_ASYNC },
    { LINUX_O_DIRECT, RX_O_X_DIRECT },     { LINUX_O_LARGEFILE, RX_O_X_LARGEFILE },
    { LINUX_O_DIRECTORY, RX_O_DIRECTORY }, { LINUX_O_NOFOLLOW, RX_O_NOFOLLOW },
    { LINUX_O_NOATIME, RX_O_X_NOATIME },   { LINUX_O_CLOEXEC, RX_O_CLOEXEC },
    { LINUX_O_PATH, RX_O_PATH },           { LINUX_O_SYNC, RX_O_FSYNC | RX_O_X_DSYNC },
    { LINUX_O_TMPFILE, RX_O_X_TMPFILE | RX_O_DIRECTORY },
};

Test(oflags, every_flag_both_ways)
{
    for (size_t i = 0; i < sizeof every_flag / sizeof every_flag[0]; i++) {
        int l = every_flag[i].linux_flag, r = every_flag[i].rx_flag;
        cr_assert_eq(abi_oflags_to_rx(l), RX_O_RDONLY | r, "Linux %#o -> %#x, want %#x", l, abi_oflags_to_rx(l),
                     RX_O_RDONLY | r);
        cr_assert_eq(abi_oflags_from_rx(RX_O_RDONLY | r), l, "rx %#x -> Linux %#o", r, abi_oflags_from_rx(r));
        cr_assert_eq(abi_oflags_to_rx(LINUX_O_RDWR | l), RX_O_RDWR | r);
    }
    int all = 0;
    for (size_t i = 0; i < sizeof every_flag / sizeof every_flag[0]; i++) all |= every_flag[i].linux_flag;
    cr_assert_eq(abi_oflags_from_rx(abi_oflags_to_rx(all | LINUX_O_WRONLY)), all | LINUX_O_WRONLY);
}

Test(oflags, access_modes_and_unknown_bits)
{
    cr_assert_eq(abi_oflags_to_rx(LINUX_O_RDONLY), RX_O_RDONLY);
    cr_assert_eq(abi_oflags_to_rx(LINUX_O_WRONLY), RX_O_WRONLY);
    cr_assert_eq(abi_oflags_to_rx(LINUX_O_RDWR), RX_O_RDWR);
    cr_assert_eq(abi_oflags_to_rx(3), RX_O_RDWR, "Linux's access mode 3 asks for both permissions");
    /* open(2) ignores bits it does not know; so does the conversion */
    cr_assert_eq(abi_oflags_to_rx(LINUX_O_WRONLY | 040000000 | 0100000000), RX_O_WRONLY);
    cr_assert_eq(abi_oflags_from_rx(RX_O_RDONLY | RX_O_SHLOCK | RX_O_SYMLINK), LINUX_O_RDONLY,
                 "Redox-only flags have no Linux meaning");
    cr_assert_eq(abi_fdflags_to_rx(LINUX_FD_CLOEXEC), RX_FD_CLOEXEC);
    cr_assert_eq(abi_fdflags_to_rx(2), 0);
    cr_assert_eq(abi_fdflags_from_rx(RX_FD_CLOEXEC), LINUX_FD_CLOEXEC);
}

static uint64_t guest_str(const char *text)
{
    static char buf[4096] __attribute__((aligned(4096)));
    snprintf(buf, sizeof buf, "%s", text);
    gm_add((uintptr_t)buf, sizeof buf, PROT_READ | PROT_WRITE, 0, GM_ANON, 0, 0, 0, NULL);
    return (uint64_t)(uintptr_t)buf;
}

Test(open_handlers, openat_passes_redox_flags)
{
    uint64_t path = guest_str("/tmp/lxrun-abi-test");
    struct lx_call c = { .nr = 257, .a = { (uint64_t)LINUX_AT_FDCWD, path,
                                           LINUX_O_WRONLY | LINUX_O_CREAT | LINUX_O_CLOEXEC | LINUX_O_TRUNC, 0644 } };
    cr_assert_eq(sys_openat(&c), 7);
    cr_assert_eq(last_oflags, RX_O_WRONLY | RX_O_CREAT | RX_O_CLOEXEC | RX_O_TRUNC, "rx_openat got %#x", last_oflags);
    cr_assert_str_eq(last_path, "file:/tmp/lxrun-abi-test");
    c.a[2] = LINUX_O_RDONLY | LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW;
    cr_assert_eq(sys_openat(&c), 7);
    cr_assert_eq(last_oflags, RX_O_RDONLY | RX_O_DIRECTORY | RX_O_NOFOLLOW);
}

Test(open_handlers, fcntl_converts_both_ways)
{
    struct lx_call c = { .nr = 72, .a = { 3, LINUX_F_SETFD, LINUX_FD_CLOEXEC } };
    cr_assert_eq(sys_fcntl(&c), 0);
    cr_assert(last_cmd == RX_F_SETFD && last_arg == RX_FD_CLOEXEC, "cmd %d arg %#lx", last_cmd, last_arg);
    c.a[1] = LINUX_F_GETFD;
    cr_assert_eq(sys_fcntl(&c), LINUX_FD_CLOEXEC);
    c.a[1] = LINUX_F_GETFL;
    cr_assert_eq(sys_fcntl(&c), LINUX_O_RDWR | LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_LARGEFILE);
    c.a[1] = LINUX_F_SETFL;
    c.a[2] = LINUX_O_NONBLOCK | LINUX_O_APPEND;
    cr_assert_eq(sys_fcntl(&c), 0);
    cr_assert(last_cmd == RX_F_SETFL && last_arg == (RX_O_RDONLY | RX_O_NONBLOCK | RX_O_APPEND), "arg %#lx", last_arg);
    c.a[1] = LINUX_F_GETPIPE_SZ;
    sys_fcntl(&c);
    cr_assert_eq(last_cmd, RX_F_X_GETPIPE_SZ);
    c.a[1] = 9999;
    cr_assert_eq(sys_fcntl(&c), -EINVAL);
}

Test(open_handlers, pipe2_flags)
{
    uint64_t fds = guest_str("");
    struct lx_call c = { .nr = 293, .a = { fds, LINUX_O_CLOEXEC | LINUX_O_NONBLOCK } };
    cr_assert_eq(sys_pipe2(&c), 0);
    cr_assert_eq(last_oflags, RX_O_CLOEXEC | RX_O_NONBLOCK);
    c.a[1] = LINUX_O_APPEND;
    cr_assert_eq(sys_pipe2(&c), -EINVAL);
}

/* ---- memory ---- */
static int last_prot, last_mflags;
long __wrap_rx_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    (void)fd;
    (void)off;
    (void)len;
    last_prot = prot;
    last_mflags = flags;
    return addr ? (long)addr : 0x50000000L;
}
long __wrap_rx_mprotect(uintptr_t addr, size_t len, int prot)
{
    (void)addr;
    (void)len;
    last_prot = prot;
    return 0;
}
long __wrap_rx_msync(uintptr_t addr, size_t len, int flags)
{
    (void)addr;
    (void)len;
    last_mflags = flags;
    return 0;
}

/* Redox's values, relibc src/header/sys_mman/{mod,redox}.rs: READ and EXEC swap
 * places with Linux's, MAP_FIXED is 4, MAP_FIXED_NOREPLACE 0xc. */
Test(mman, prot_and_flags)
{
    cr_assert_eq(abi_prot_to_rx(LINUX_PROT_READ), 0x4);
    cr_assert_eq(abi_prot_to_rx(LINUX_PROT_WRITE), 0x2);
    cr_assert_eq(abi_prot_to_rx(LINUX_PROT_EXEC), 0x1);
    cr_assert_eq(abi_prot_to_rx(LINUX_PROT_NONE), RX_PROT_NONE);
    cr_assert_eq(abi_prot_to_rx(LINUX_PROT_READ | LINUX_PROT_EXEC), RX_PROT_READ | RX_PROT_EXEC);
    int unknown = -1;
    cr_assert_eq(abi_mmap_flags_to_rx(LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, &unknown), 0x2 | 0x20);
    cr_assert_eq(unknown, 0);
    cr_assert_eq(abi_mmap_flags_to_rx(LINUX_MAP_SHARED | LINUX_MAP_FIXED, &unknown), 0x1 | 0x4);
    cr_assert_eq(abi_mmap_flags_to_rx(LINUX_MAP_SHARED_VALIDATE, &unknown), RX_MAP_SHARED);
    cr_assert_eq(abi_mmap_flags_to_rx(LINUX_MAP_PRIVATE | LINUX_MAP_FIXED_NOREPLACE, &unknown), 0x2 | 0xc);
    cr_assert_eq(abi_mmap_flags_to_rx(LINUX_MAP_PRIVATE | LINUX_MAP_NORESERVE | LINUX_MAP_POPULATE, &unknown),
                 RX_MAP_PRIVATE | RX_MAP_X_NORESERVE | RX_MAP_X_POPULATE);
    cr_assert_eq(abi_mmap_flags_to_rx(LINUX_MAP_PRIVATE | LINUX_MAP_DENYWRITE | LINUX_MAP_EXECUTABLE, &unknown),
                 RX_MAP_PRIVATE, "flags Linux ignores");
    cr_assert_eq(unknown, 0);
    abi_mmap_flags_to_rx(LINUX_MAP_SHARED | 0x200, &unknown);
    cr_assert_eq(unknown, 0x200, "an undefined bit is reported");
    cr_assert_eq(abi_msync_flags_to_rx(LINUX_MS_SYNC | LINUX_MS_INVALIDATE), RX_MS_SYNC | RX_MS_INVALIDATE);
}

Test(mman_handlers, mmap_mprotect_msync_pass_redox_values)
{
    struct lx_call c = { .nr = 9, .a = { 0, 8192, LINUX_PROT_READ | LINUX_PROT_WRITE,
                                         LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, (uint64_t)-1, 0 } };
    cr_assert_eq(sys_mmap(&c), 0x50000000L);
    cr_assert_eq(last_prot, RX_PROT_READ | RX_PROT_WRITE, "prot %#x", last_prot);
    cr_assert_eq(last_mflags, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS, "flags %#x", last_mflags);
    c.a[3] = LINUX_MAP_SHARED_VALIDATE | LINUX_MAP_ANONYMOUS | 0x200;
    cr_assert_eq(sys_mmap(&c), -EOPNOTSUPP);
    struct lx_call p = { .nr = 10, .a = { 0x50000000, 4096, LINUX_PROT_READ | LINUX_PROT_EXEC } };
    cr_assert_eq(sys_mprotect(&p), 0);
    cr_assert_eq(last_prot, RX_PROT_READ | RX_PROT_EXEC);
    p.a[2] = 0x10;
    cr_assert_eq(sys_mprotect(&p), -EINVAL, "an unknown PROT bit");
    struct lx_call m = { .nr = 26, .a = { 0x50000000, 4096, LINUX_MS_SYNC } };
    cr_assert_eq(sys_msync(&m), 0);
    cr_assert_eq(last_mflags, RX_MS_SYNC);
    m.a[2] = LINUX_MS_SYNC | LINUX_MS_ASYNC;
    cr_assert_eq(sys_msync(&m), -EINVAL);
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
    cr_assert_eq(sys_clock_nanosleep(&cpu), -EOPNOTSUPP); /* the kernel's answer; libcs make it EINVAL */
    struct lx_call tod = { .nr = 96, .a = { req + 16, 0 } };
    cr_assert_eq(sys_gettimeofday(&tod), 0);
    cr_assert_eq(last_clock, RX_CLOCK_REALTIME);
}

/* ---- file status: abi/'s layouts are checked against the host's own headers
 * (this test is a Linux program; lxrun's code never includes them). ---- */
Test(stat, layouts_match_linux)
{
    cr_assert_eq(sizeof(struct linux_stat), sizeof(struct stat));
    cr_assert_eq(sizeof(struct linux_statx), sizeof(struct statx));
    cr_assert_eq(sizeof(struct linux_statfs), sizeof(struct statfs));
    struct rx_stat r = { .dev = makedev(259, 3), .ino = 77, .mode = RX_MODE_FILE | 0640, .nlink = 2, .uid = 1000,
                         .gid = 100, .rdev = makedev(4, 65), .size = 12345, .blksize = 4096, .blocks = 24,
                         .atime_sec = 1, .mtime_sec = 2, .ctime_sec = 3, .btime_sec = 4,
                         .atime_nsec = 5, .mtime_nsec = 6, .ctime_nsec = 7, .btime_nsec = 8 };
    struct linux_stat k;
    abi_stat_from_rx(&k, &r);
    struct stat h;
    memcpy(&h, &k, sizeof h);
    cr_assert(h.st_dev == r.dev && h.st_ino == 77 && h.st_mode == (S_IFREG | 0640) && h.st_nlink == 2 &&
              h.st_uid == 1000 && h.st_gid == 100 && h.st_rdev == r.rdev && h.st_size == 12345 &&
              h.st_blksize == 4096 && h.st_blocks == 24);
    cr_assert(h.st_atim.tv_sec == 1 && h.st_atim.tv_nsec == 5 && h.st_mtim.tv_sec == 2 && h.st_mtim.tv_nsec == 6 &&
              h.st_ctim.tv_sec == 3 && h.st_ctim.tv_nsec == 7);
    struct linux_statx x;
    abi_statx_from_rx(&x, &r);
    struct statx hx;
    memcpy(&hx, &x, sizeof hx);
    cr_assert(hx.stx_mode == (S_IFREG | 0640) && hx.stx_ino == 77 && hx.stx_size == 12345);
    cr_assert(hx.stx_dev_major == 259 && hx.stx_dev_minor == 3 && hx.stx_rdev_major == 4 && hx.stx_rdev_minor == 65);
    cr_assert(hx.stx_btime.tv_sec == 4 && hx.stx_btime.tv_nsec == 8 && (hx.stx_mask & STATX_BTIME));
    cr_assert_eq(hx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
    struct rx_statvfs v = { .bsize = 4096, .frsize = 1024, .blocks = 10, .bfree = 5, .bavail = 4, .files = 9,
                            .ffree = 8, .namemax = 255, .flags = RX_ST_RDONLY, .fstype = 0xEF53 };
    struct linux_statfs f;
    abi_statfs_from_rx(&f, &v);
    struct statfs hf;
    memcpy(&hf, &f, sizeof hf);
    cr_assert(hf.f_type == 0xEF53 && hf.f_bsize == 4096 && hf.f_frsize == 1024 && hf.f_blocks == 10 &&
              hf.f_bavail == 4 && hf.f_namelen == 255 && (hf.f_flags & ST_RDONLY));
}

Test(stat, mode_types)
{
    static const unsigned linux_types[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK };
    for (size_t i = 0; i < sizeof linux_types / sizeof linux_types[0]; i++) {
        cr_assert_eq(abi_mode_from_rx(abi_mode_to_rx(linux_types[i] | 0755)), linux_types[i] | 0755);
    }
    cr_assert_eq(abi_mode_to_rx(S_IFDIR | 0700), RX_MODE_DIR | 0700);
    cr_assert(RX_MODE_IS(RX_MODE_SYMLINK | 0777, RX_MODE_SYMLINK));
    cr_assert(!RX_MODE_IS(RX_MODE_X_SOCK, RX_MODE_FILE), "SOCK (0xC000) is not FILE (0x8000)");
}

/* ---- socket addresses: Linux's sockaddrs <-> the netstack's path text ---- */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "../../abi/linux_socket.h"

static void v6_round_trip(const char *text_in, uint16_t port, uint32_t scope)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_scope_id = scope };
    cr_assert_eq(inet_pton(AF_INET6, text_in, &a.sin6_addr), 1);
    struct rx_sockaddr r;
    cr_assert_eq(abi_inet_addr_to_rx(&a, sizeof a, &r), 0);
    cr_assert_eq(r.family, RX_AF_INET6);
    /* the text reads back through the host's parser to the same address */
    char host[64];
    cr_assert_eq(r.text[0], '[');
    const char *close = memchr(r.text, ']', r.len);
    cr_assert_not_null(close);
    size_t hl = strcspn(r.text + 1, "%]");
    memcpy(host, r.text + 1, hl);
    host[hl] = 0;
    struct in6_addr back;
    cr_assert_eq(inet_pton(AF_INET6, host, &back), 1, "%s", r.text);
    cr_assert(memcmp(&back, &a.sin6_addr, sizeof back) == 0);
    /* and the host's own compressed form parses to the same sockaddr */
    char ntop[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a.sin6_addr, ntop, sizeof ntop);
    struct rx_sockaddr h = { .family = RX_AF_INET6 };
    h.len = (unsigned)(scope ? snprintf(h.text, sizeof h.text, "[%s%%%u]:%u", ntop, scope, port)
                             : snprintf(h.text, sizeof h.text, "[%s]:%u", ntop, port));
    unsigned char out[LINUX_SOCKADDR_MAX];
    cr_assert_eq(abi_inet_addr_from_rx(&h, out), LINUX_SOCKADDR_IN6_LEN, "%s", h.text);
    cr_assert(memcmp(out, &a, sizeof a) == 0, "%s", h.text);
}

Test(sockaddr, inet6_both_ways)
{
    const char *forms[] = { "::1", "::", "fe80::1", "2001:db8::8:800:200c:417a", "::ffff:192.0.2.1", "1::",
                            "1:2:3:4:5:6:7:8", "ff02::1:ff00:0", "1:0:0:2::3", "::2:3:4:5:6:7:8" };
    for (unsigned i = 0; i < sizeof forms / sizeof forms[0]; i++) v6_round_trip(forms[i], (uint16_t)(i * 1000 + 1), 0);
    v6_round_trip("fe80::abcd", 8080, 3);
}

Test(sockaddr, inet4_both_ways)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(65535) };
    inet_pton(AF_INET, "10.200.3.4", &a.sin_addr);
    struct rx_sockaddr r;
    cr_assert_eq(abi_inet_addr_to_rx(&a, sizeof a, &r), 0);
    cr_assert_str_eq(r.text, "10.200.3.4:65535");
    unsigned char out[LINUX_SOCKADDR_MAX];
    cr_assert_eq(abi_inet_addr_from_rx(&r, out), LINUX_SOCKADDR_IN_LEN);
    cr_assert(memcmp(out, &a, sizeof a) == 0);
    cr_assert_eq(abi_inet_addr_to_rx(&a, 15, &r), -EINVAL); /* shorter than sockaddr_in */
    a.sin_family = 99;
    cr_assert_eq(abi_inet_addr_to_rx(&a, sizeof a, &r), -EAFNOSUPPORT);
    const char *bad[] = { "1.2.3:80", "1.2.3.4", "1.2.3.256:1", "1.2.3.4:65536", "1.2.3.4:x", ":80" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct rx_sockaddr b = { .family = RX_AF_INET };
        b.len = (unsigned)snprintf(b.text, sizeof b.text, "%s", bad[i]);
        cr_assert_eq(abi_inet_addr_from_rx(&b, out), -EINVAL, "%s", bad[i]);
    }
}

Test(sockaddr, unix_names)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/tmp/s" };
    char name[LINUX_SOCKADDR_UN_PATH + 1];
    int abstract;
    cr_assert_eq(abi_unix_name(&a, sizeof a, name, &abstract), 6);
    cr_assert(!abstract);
    cr_assert_str_eq(name, "/tmp/s");
    memcpy(a.sun_path, "\0ab\0c", 5);
    cr_assert_eq(abi_unix_name(&a, 2 + 5, name, &abstract), 4); /* abstract names keep their NULs */
    cr_assert(abstract);
    cr_assert(memcmp(name, "ab\0c", 4) == 0);
    cr_assert_eq(abi_unix_name(&a, 2, name, &abstract), 0); /* unnamed */
    struct sockaddr_un out;
    cr_assert_eq(abi_unix_addr("ab\0c", 4, 1, &out), 2 + 5);
    cr_assert(memcmp(out.sun_path, "\0ab\0c", 5) == 0);
    cr_assert_eq(abi_unix_addr("/x", 2, 0, &out), 2 + 3); /* with its NUL, as Linux counts it */
    cr_assert_eq(abi_unix_addr("", 0, 0, &out), 2);
}

Test(sockopt, levels_and_shapes)
{
    struct abi_sockopt o;
    cr_assert_eq(abi_sockopt_to_rx(6 /* SOL_TCP */, 1 /* TCP_NODELAY */, &o), 0);
    cr_assert_eq(o.level, RX_SOL_X_TCP);
    cr_assert_eq(o.opt, RX_TCP_X_NODELAY);
    cr_assert_eq(abi_sockopt_to_rx(1, 13 /* SO_LINGER */, &o), 0);
    cr_assert_eq(o.kind, ABI_OPT_LINGER);
    cr_assert_eq(abi_sockopt_to_rx(1, 17 /* SO_PEERCRED */, &o), 0);
    cr_assert(!o.settable);
    cr_assert_eq(abi_sockopt_to_rx(1, 25 /* SO_BINDTODEVICE */, &o), -1);
    cr_assert_eq(abi_sockopt_to_rx(41, 26 /* IPV6_V6ONLY */, &o), 0);
    cr_assert_eq(o.opt, RX_IPV6_X_V6ONLY);
}

/* Messages name errnos as glibc does (strace and glibc programs print those), also
 * when lxrun's own libc is musl, whose texts differ for ~70 of them. */
Test(abi, errno_texts_are_glibcs)
{
    for (int e = 0; e <= 200; e++) cr_expect_str_eq(abi_errno_text(e), strerror(e), "errno %d", e);
    cr_expect_str_eq(abi_errno_text(-3), strerror(-3));
}

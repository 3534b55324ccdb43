/* tls.c — the guest's FS base survives every trapped call, on either of lxrun's FS
 * paths: TLS variables keep their values across thousands of raw syscalls,
 * arch_prctl(ARCH_GET_FS) returns what the guest set, and a guest that points FS at
 * a block of its own finds it there after each call.  Where AT_HWCAP2 offers
 * FSGSBASE, a guest that changes FS with wrfsbase itself is followed too. */
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/utsname.h>

#include "check.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define HWCAP2_FSGSBASE 2
#define ROUNDS 5000

static __thread uint64_t tls_counter = 7;
static __thread char tls_name[32] = "thread-local";

/* Raw calls, so no libc wrapper (and no TLS errno) is involved while FS is ours. */
static long raw1(long nr, long a)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
    return r;
}

static long raw2(long nr, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

static uint64_t fs_word(long off)
{
    uint64_t v;
    __asm__ volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"(off));
    return v;
}

/* glibc and musl both keep the thread block's own address at %fs:0. */
static void tls_survives_calls(void)
{
    uint64_t self = fs_word(0), got = 0;
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &got));
    CHECK_EQ(got, self);
    int bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        raw1(SYS_getppid, 0);
        tls_counter++;
        if (fs_word(0) != self) bad++;
        syscall(SYS_getpid); /* through libc: its errno is TLS too */
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(tls_counter, 7 + ROUNDS);
    CHECK(strcmp(tls_name, "thread-local") == 0);
    errno = 0;
    CHECK_EQ(syscall(SYS_close, -1), -1);
    CHECK_EQ(errno, EBADF);
}

/* FS at a block of the guest's own: every call leaves it there, ARCH_GET_FS says
 * so; then the libc's block is put back. */
static void guest_sets_fs(void)
{
    static uint64_t block[8];
    uint64_t libc_fs = fs_word(0), got = 0;
    block[0] = (uint64_t)block;
    block[1] = 0x5eed5eed5eed5eedULL;
    long set = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)block);
    int bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        raw1(SYS_getppid, 0);
        if (fs_word(0) != (uint64_t)block || fs_word(8) != block[1]) bad++;
    }
    long get = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
    long back = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)libc_fs);
    CHECK_EQ(set, 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(get, 0);
    CHECK_EQ(got, (uint64_t)block);
    CHECK_EQ(back, 0);
    CHECK_EQ(fs_word(0), libc_fs);
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &got));
    CHECK_EQ(got, libc_fs);
}

/* Bases outside user space are refused; the old base stays. */
static void bad_bases(void)
{
    uint64_t before = fs_word(0), got = 0;
    CHECK_EQ(raw2(SYS_arch_prctl, ARCH_SET_FS, (long)0xffff800000000000ULL), -EPERM);
    CHECK_EQ(raw2(SYS_arch_prctl, ARCH_SET_FS, (long)0x8000000000000000ULL), -EPERM);
    CHECK_EQ(fs_word(0), before);
    CHECK_EQ(raw2(SYS_arch_prctl, ARCH_GET_FS, 8), -EFAULT);
    CHECK_EQ(raw2(SYS_arch_prctl, 0x1fff, (long)&got), -EINVAL);
}

/* Only where the system says FSGSBASE is usable (lxrun hides it when it switches
 * FS with arch_prctl): the guest's own wrfsbase is seen by the next call, whether
 * lxrun serves it on the guest's FS (getppid) or switches to its own and back
 * (uname: the switch must take the guest's base from the CPU, not from its record). */
static void guest_wrfsbase(void)
{
    if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)) {
        printf("tls: AT_HWCAP2 has no FSGSBASE, wrfsbase part skipped\n");
        return;
    }
    static uint64_t block[8];
    static struct utsname u;
    uint64_t libc_fs = fs_word(0), got = 0, got_after = 0, seen, seen_after;
    long named;
    block[0] = (uint64_t)block;
    __asm__ volatile("wrfsbase %0" ::"r"(block) : "memory");
    raw1(SYS_getppid, 0);
    raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
    raw1(SYS_getppid, 0);
    __asm__ volatile("rdfsbase %0" : "=r"(seen));
    __asm__ volatile("wrfsbase %0" ::"r"(&block[4]) : "memory");
    named = raw1(SYS_uname, (long)&u);
    raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&got_after);
    __asm__ volatile("rdfsbase %0" : "=r"(seen_after));
    __asm__ volatile("wrfsbase %0" ::"r"(libc_fs) : "memory");
    CHECK_EQ(got, (uint64_t)block);
    CHECK_EQ(seen, (uint64_t)block);
    CHECK_EQ(named, 0);
    CHECK_EQ(seen_after, (uint64_t)&block[4]);
    CHECK_EQ(got_after, (uint64_t)&block[4]);
}

int main(void)
{
    check_prog = "tls";
    RUN(tls_survives_calls);
    RUN(guest_sets_fs);
    RUN(bad_bases);
    RUN(guest_wrfsbase);
    return check_done();
}

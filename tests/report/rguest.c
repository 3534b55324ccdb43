/* rguest.c — a guest whose system calls are known exactly, for the --report and
 * --check tests (report_cases.py).  Built with musl-gcc -static: musl's start-up
 * makes only arch_prctl and set_tid_address, and every call below is a raw
 * syscall instruction, so libc adds nothing of its own.
 *
 *   rguest counts       5 getppid, 2 close(-1) (EBADF), acct(0) (unsupported),
 *                       syscall 1000 (outside the table), then exit 0
 *   rguest served       3 getppid, write(1, "served\n"), exit 0: only served calls
 *   rguest closeall     close_range(0, ~0U, 0): every fd the guest can see, then exit 3
 *   rguest marker FILE  creates FILE (to show that --check runs nothing), exit 0
 *   rguest crash        2 getppid, then a store to address 8: killed by SIGSEGV
 *   rguest vdso         7 clock_gettime through musl (the vDSO answers: no trap), 1 raw
 *                       one, then a fork whose child makes 2 more through musl and
 *                       exits; the parent waits and exits 0
 */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <string.h>
#include <sys/syscall.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* A raw syscall: the result is the kernel's (-errno on failure), untouched by libc. */
static long sc(long nr, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "counts")) {
        for (int i = 0; i < 5; i++) sc(SYS_getppid, 0, 0, 0, 0);
        for (int i = 0; i < 2; i++) sc(SYS_close, -1, 0, 0, 0);
        sc(SYS_acct, 0, 0, 0, 0);
        sc(1000, 0, 0, 0, 0);
        return 0;
    }
    if (!strcmp(mode, "served")) {
        for (int i = 0; i < 3; i++) sc(SYS_getppid, 0, 0, 0, 0);
        sc(SYS_write, 1, (long)"served\n", 7, 0);
        return 0;
    }
    if (!strcmp(mode, "closeall")) {
        long r = sc(SYS_close_range, 0, ~0U, 0, 0);
        sc(SYS_exit_group, r == 0 ? 3 : 4, 0, 0, 0);
        return 99; /* not reached */
    }
    if (!strcmp(mode, "vdso")) {
        struct timespec ts;
        for (int i = 0; i < 7; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
        sc(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0);
        long pid = sc(SYS_clone, SIGCHLD, 0, 0, 0);
        if (pid == 0) {
            for (int i = 0; i < 2; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
            sc(SYS_exit_group, 0, 0, 0, 0);
        }
        int status = -1;
        sc(SYS_wait4, pid, (long)&status, 0, 0);
        return status == 0 ? 0 : 6;
    }
    if (!strcmp(mode, "crash")) {
        sc(SYS_getppid, 0, 0, 0, 0);
        sc(SYS_getppid, 0, 0, 0, 0);
        int *volatile bad = (int *)8; /* volatile: the compiler may not see through it */
        *bad = 1;
        return 98; /* not reached */
    }
    if (!strcmp(mode, "marker") && argc > 2) {
        long fd = sc(SYS_openat, AT_FDCWD, (long)argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return 5;
        sc(SYS_close, fd, 0, 0, 0);
        return 0;
    }
    return 2;
}

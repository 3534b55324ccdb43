/* syscall_loop.c — the per-call cost of one system call, for bench/run: N calls of
 * getppid (glibc's `mov $110,%eax; syscall` site), a 1-byte read of /dev/zero
 * (glibc's read: `xor %eax,%eax; syscall`) or clock_gettime (the vDSO), or N
 * rounds of 4 pthread_create then 4 pthread_join of threads that return at once
 * (as git's preload: clone3, the threads' start and end side by side, futex);
 * prints nanoseconds per call (per thread). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *returns(void *arg) { return arg; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    long n = atol(argv[2]);
    int fd = open("/dev/zero", O_RDONLY);
    char c;
    struct timespec ts;
    double t0 = now();
    if (!strcmp(argv[1], "getppid"))
        for (long i = 0; i < n; i++) getppid();
    else if (!strcmp(argv[1], "read"))
        for (long i = 0; i < n; i++) {
            if (read(fd, &c, 1) != 1) return 1;
        }
    else if (!strcmp(argv[1], "clock_gettime"))
        for (long i = 0; i < n; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
    else if (!strcmp(argv[1], "pthread_create+join")) {
        for (long i = 0; i < n; i++) {
            pthread_t t[4];
            for (int k = 0; k < 4; k++)
                if (pthread_create(&t[k], NULL, returns, NULL) != 0) return 1;
            for (int k = 0; k < 4; k++)
                if (pthread_join(t[k], NULL) != 0) return 1;
        }
        n *= 4;
    }
    else
        return 2;
    printf("%.1f\n", (now() - t0) / n);
    return 0;
}

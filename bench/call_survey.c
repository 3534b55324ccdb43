/* call_survey.c — ns per call of ~50 common system calls and call pairs, one
 * line each ("name<TAB>ns"), for bench/call_survey to set native against lxrun:
 * what one of them adds shows there, where a benchmark of whole programs hides
 * it (a poll that allocated, a pwrite left on the trap).  Run in a scratch
 * directory (argv[2]), which it fills. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

#define CALL(name, body)                                 \
    do {                                                 \
        double t0 = now_ns();                            \
        for (long i = 0; i < n; i++) { body; }           \
        printf("%s\t%.1f\n", name, (now_ns() - t0) / n); \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 3 || chdir(argv[2]) != 0) return 2;
    long n = atol(argv[1]);
    static char buf[4096];
    int null = open("/dev/null", O_WRONLY), zero = open("/dev/zero", O_RDONLY);
    int file = open("survey.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (null < 0 || zero < 0 || file < 0 || write(file, buf, sizeof buf) != sizeof buf) return 1;
    mkdir("sub", 0700);
    close(open("sub/f", O_WRONLY | O_CREAT, 0600));
    int pp[2], sv[2], dg[2];
    if (pipe(pp) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg)) return 1;
    int efd = eventfd(0, EFD_NONBLOCK), ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN }, out[4];
    epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev);
    if (write(pp[1], "x", 1) != 1) return 1; /* pp[0] stays readable for the waits */
    struct stat st;
    struct statfs sfs;
    struct utsname u;
    struct rusage ru;
    struct tms tm;
    struct rlimit rl;
    struct termios tio;
    sigset_t ss;
    struct sigaction sa;
    struct timespec ts = { 0, 0 };
    struct iovec iov = { buf, 1 };
    struct pollfd pf[2] = { { pp[0], POLLIN, 0 }, { pp[1], POLLOUT, 0 } };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    int word = 0;
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    CALL("write /dev/null 1 byte", write(null, buf, 1));
    CALL("read /dev/zero 1 byte", read(zero, buf, 1));
    CALL("pread file 64", pread(file, buf, 64, 0));
    CALL("pwrite file 64", pwrite(file, buf, 64, 0));
    CALL("lseek", lseek(file, 0, SEEK_SET));
    CALL("readv /dev/zero", readv(zero, &iov, 1));
    CALL("writev /dev/null", writev(null, &iov, 1));
    CALL("fstat", fstat(file, &st));
    CALL("stat absolute", stat("/etc/passwd", &st));
    CALL("lstat relative", lstat("sub/f", &st));
    CALL("access", access("/etc/passwd", R_OK));
    CALL("open+close absolute", close(open("/etc/passwd", O_RDONLY)));
    CALL("openat+close relative", close(openat(AT_FDCWD, "sub/f", O_RDONLY)));
    CALL("open+getdents+close", ({
             int d = open("sub", O_RDONLY | O_DIRECTORY);
             syscall(SYS_getdents64, d, buf, sizeof buf);
             close(d);
         }));
    CALL("readlink /proc/self/exe", readlink("/proc/self/exe", buf, sizeof buf));
    CALL("readlink /bin", readlink("/bin", buf, sizeof buf));
    CALL("getcwd", syscall(SYS_getcwd, buf, sizeof buf));
    CALL("chdir .", chdir("."));
    CALL("rename and back", (rename("sub/f", "sub/g"), rename("sub/g", "sub/f")));
    CALL("statfs", statfs(".", &sfs));
    CALL("ftruncate", ftruncate(file, 4096));
    CALL("dup+close", close(dup(file)));
    CALL("fcntl F_GETFL", fcntl(file, F_GETFL));
    CALL("ioctl TCGETS (ENOTTY)", ioctl(file, TCGETS, &tio));
    CALL("getpid (raw)", syscall(SYS_getpid));
    CALL("gettid", syscall(SYS_gettid));
    CALL("uname", uname(&u));
    CALL("sigprocmask", sigprocmask(SIG_BLOCK, NULL, &ss));
    CALL("sigaction (read)", sigaction(SIGUSR1, NULL, &sa));
    CALL("sched_yield", sched_yield());
    CALL("futex wake", syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    CALL("getrusage", getrusage(RUSAGE_SELF, &ru));
    CALL("times", times(&tm));
    CALL("getrlimit", getrlimit(RLIMIT_NOFILE, &rl));
    CALL("prctl PR_GET_NAME", prctl(PR_GET_NAME, buf));
    CALL("clock_gettime (raw)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));
    CALL("kill 0 to self", kill(getpid(), 0));
    CALL("wait4 (ECHILD)", wait4(-1, NULL, WNOHANG, NULL));
    CALL("mmap+munmap", munmap(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 4096));
    CALL("mprotect", mprotect(page, 4096, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE));
    CALL("madvise DONTNEED", madvise(page, 4096, MADV_DONTNEED));
    CALL("poll 2 fds", poll(pf, 2, 0));
    CALL("select 1 fd", ({
             fd_set r;
             FD_ZERO(&r);
             FD_SET(pp[0], &r);
             struct timeval tv = { 0, 0 };
             select(pp[0] + 1, &r, NULL, NULL, &tv);
         }));
    CALL("epoll_wait", epoll_wait(ep, out, 4, 0));
    CALL("pipe write+read", (write(sv[0], buf, 1), read(sv[1], buf, 1)));
    CALL("eventfd write+read", ({
             uint64_t v = 1;
             write(efd, &v, 8);
             read(efd, &v, 8);
         }));
    CALL("sendmsg+recvmsg (dgram)", (sendmsg(dg[0], &mh, 0), recvmsg(dg[1], &mh, 0)));
    CALL("pipe2+close+close", ({
             int q[2];
             pipe(q);
             close(q[0]);
             close(q[1]);
         }));
    CALL("socket+close", close(socket(AF_UNIX, SOCK_STREAM, 0)));
    CALL("getrandom 16", syscall(SYS_getrandom, buf, 16, 0));
    CALL("copy_file_range 4 KiB", ({
             loff_t a = 0, b = 0;
             copy_file_range(file, &a, null, &b, 4096, 0);
         }));
    return 0;
}

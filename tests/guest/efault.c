/* efault.c — bad guest pointers: every call given an address it may not use
 * (never mapped, kernel space, unmapped, PROT_NONE; read-only for outputs)
 * must fail with EFAULT, natively and under lxrun alike, and never crash.
 * Raw syscall() throughout so libc neither checks nor dereferences first. */
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "check.h"

#define ARCH_GET_FS 0x1003
#define FUTEX_WAIT_PRIVATE 128
#define KSTATX_BASIC_STATS 0x7ffu

static void *bad[4];        /* inputs and outputs */
static const char *bad_name[4] = { "address 1", "kernel address", "unmapped page", "PROT_NONE page" };
static void *read_only;     /* outputs only */

static int fd, dirfd_, pipe_r, pipe_w;

#define EACH_BAD(p) for (int i_ = 0; i_ < 4 && (check_section = bad_name[i_], (p) = bad[i_], 1); i_++)

static void setup(void)
{
    bad[0] = (void *)1;
    bad[1] = (void *)0xffff800000000000UL;
    bad[2] = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(bad[2] != MAP_FAILED && munmap(bad[2], PG) == 0);
    bad[3] = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(bad[3] != MAP_FAILED);
    read_only = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(read_only != MAP_FAILED);

    static char data[100];
    memset(data, 'd', sizeof data);
    put_file("data", data, sizeof data);
    REQUIRE(symlink("data", "link") == 0);
    REQUIRE(mkdir("dir", 0755) == 0);
    fd = open("data", O_RDWR);
    dirfd_ = open("dir", O_RDONLY | O_DIRECTORY);
    int p[2];
    REQUIRE(fd >= 0 && dirfd_ >= 0 && pipe(p) == 0);
    pipe_r = p[0];
    pipe_w = p[1];
    REQUIRE(write(pipe_w, "pipe data", 9) == 9);
}

static void data_transfer(void)
{
    void *b;
    EACH_BAD(b) {
        CHECK_ERR(syscall(SYS_read, fd, b, 10), EFAULT); /* the file has data to give */
        CHECK_ERR(syscall(SYS_read, pipe_r, b, 4), EFAULT);
        CHECK_ERR(syscall(SYS_write, fd, b, 10), EFAULT);
        CHECK_ERR(syscall(SYS_pread64, fd, b, 10, 0L), EFAULT);
        CHECK_ERR(syscall(SYS_pwrite64, fd, b, 10, 0L), EFAULT);
        struct iovec iov = { b, 10 };
        CHECK_ERR(syscall(SYS_readv, fd, &iov, 1), EFAULT);
        CHECK_ERR(syscall(SYS_writev, fd, &iov, 1), EFAULT);
        CHECK_ERR(syscall(SYS_preadv, fd, &iov, 1, 0L, 0L), EFAULT);
        CHECK_ERR(syscall(SYS_readv, fd, b, 1), EFAULT); /* the vector itself */
        CHECK_ERR(syscall(SYS_pwritev, fd, b, 1, 0L, 0L), EFAULT);
        CHECK_ERR(syscall(SYS_getdents64, dirfd_, b, 4096), EFAULT);
        CHECK_ERR(syscall(SYS_getrandom, b, 16, 0), EFAULT);
        CHECK_ERR(syscall(SYS_sendfile, pipe_w, fd, b, 10), EFAULT);
        CHECK_ERR(syscall(SYS_copy_file_range, fd, b, fd, NULL, 10, 0), EFAULT);
    }
    check_section = "read-only page";
    CHECK_ERR(syscall(SYS_read, fd, read_only, 10), EFAULT);
    CHECK_ERR(syscall(SYS_getrandom, read_only, 16, 0), EFAULT);
    /* The file offset did not move on any failed read. */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    char buf[16];
    CHECK_EQ(read(pipe_r, buf, sizeof buf), 9); /* nor did the pipe lose data */
}

static void paths(void)
{
    void *b;
    struct stat st;
    char buf[64];
    EACH_BAD(b) {
        CHECK_ERR(syscall(SYS_open, b, O_RDONLY), EFAULT);
        CHECK_ERR(syscall(SYS_openat, AT_FDCWD, b, O_RDONLY), EFAULT);
        CHECK_ERR(syscall(SYS_creat, b, 0644), EFAULT);
        CHECK_ERR(syscall(SYS_stat, b, &st), EFAULT);
        CHECK_ERR(syscall(SYS_lstat, b, &st), EFAULT);
        CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, b, &st, 0), EFAULT);
        CHECK_ERR(syscall(SYS_statx, AT_FDCWD, b, 0, KSTATX_BASIC_STATS, buf), EFAULT);
        CHECK_ERR(syscall(SYS_access, b, F_OK), EFAULT);
        CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, b, F_OK, 0), EFAULT);
        CHECK_ERR(syscall(SYS_chdir, b), EFAULT);
        CHECK_ERR(syscall(SYS_mkdir, b, 0755), EFAULT);
        CHECK_ERR(syscall(SYS_rmdir, b), EFAULT);
        CHECK_ERR(syscall(SYS_unlink, b), EFAULT);
        CHECK_ERR(syscall(SYS_unlinkat, AT_FDCWD, b, 0), EFAULT);
        CHECK_ERR(syscall(SYS_rename, b, "x"), EFAULT);
        CHECK_ERR(syscall(SYS_rename, "data", b), EFAULT);
        CHECK_ERR(syscall(SYS_link, "data", b), EFAULT);
        CHECK_ERR(syscall(SYS_symlink, b, "x"), EFAULT);
        CHECK_ERR(syscall(SYS_symlink, "data", b), EFAULT);
        CHECK_ERR(syscall(SYS_readlink, b, buf, sizeof buf), EFAULT);
        CHECK_ERR(syscall(SYS_chmod, b, 0644), EFAULT);
        CHECK_ERR(syscall(SYS_chown, b, -1, -1), EFAULT);
        CHECK_ERR(syscall(SYS_truncate, b, 0L), EFAULT);
        CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, b, NULL, 0), EFAULT);
        CHECK_ERR(syscall(SYS_statfs, b, buf), EFAULT);
    }
    /* Nothing was created or removed by any of them. */
    check_section = "paths";
    CHECK(access("x", F_OK) == -1 && access("data", F_OK) == 0);
}

static void output_structs(void)
{
    void *b;
    EACH_BAD(b) {
        CHECK_ERR(syscall(SYS_stat, "data", b), EFAULT);
        CHECK_ERR(syscall(SYS_fstat, fd, b), EFAULT);
        CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "data", b, 0), EFAULT);
        CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "data", 0, KSTATX_BASIC_STATS, b), EFAULT);
        CHECK_ERR(syscall(SYS_fstatfs, fd, b), EFAULT);
        CHECK_ERR(syscall(SYS_readlink, "link", b, 10), EFAULT);
        CHECK_ERR(syscall(SYS_getcwd, b, 256), EFAULT);
        CHECK_ERR(syscall(SYS_pipe, b), EFAULT);
        CHECK_ERR(syscall(SYS_pipe2, b, 0), EFAULT);
        CHECK_ERR(syscall(SYS_uname, b), EFAULT);
        CHECK_ERR(syscall(SYS_sysinfo, b), EFAULT);
        CHECK_ERR(syscall(SYS_times, b), EFAULT);
        CHECK_ERR(syscall(SYS_getrusage, RUSAGE_SELF, b), EFAULT);
        CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, b), EFAULT);
        CHECK_ERR(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, b), EFAULT);
        CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, b), EFAULT);
        CHECK_ERR(syscall(SYS_clock_getres, CLOCK_MONOTONIC, b), EFAULT);
        CHECK_ERR(syscall(SYS_gettimeofday, b, NULL), EFAULT);
        CHECK_ERR(syscall(SYS_time, b), EFAULT);
        CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 128, b), EFAULT);
        CHECK_ERR(syscall(SYS_getresuid, b, b, b), EFAULT);
        CHECK_ERR(syscall(SYS_getresgid, b, b, b), EFAULT);
        CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, b, 8), EFAULT);
        CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, b, 8), EFAULT);
        CHECK_ERR(syscall(SYS_sigaltstack, NULL, b), EFAULT);
        CHECK_ERR(syscall(SYS_ioctl, pipe_r, FIONREAD, b), EFAULT);
        CHECK_ERR(syscall(SYS_fcntl, fd, F_GETLK, b), EFAULT);
        CHECK_ERR(syscall(SYS_prctl, PR_GET_NAME, b, 0, 0, 0), EFAULT);
        CHECK_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, b), EFAULT);
        unsigned char *page = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_ERR(syscall(SYS_mincore, page, PG, b), EFAULT);
        munmap(page, PG);
        /* getgroups writes only when there are groups to write. */
        long ngroups = syscall(SYS_getgroups, 0, NULL);
        if (ngroups > 0) CHECK_ERR(syscall(SYS_getgroups, 64, b), EFAULT);
    }
    check_section = "read-only page";
    CHECK_ERR(syscall(SYS_fstat, fd, read_only), EFAULT);
    CHECK_ERR(syscall(SYS_uname, read_only), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_REALTIME, read_only), EFAULT);
    CHECK_ERR(syscall(SYS_pipe, read_only), EFAULT);
}

static void input_structs(void)
{
    void *b;
    EACH_BAD(b) {
        CHECK_ERR(syscall(SYS_nanosleep, b, NULL), EFAULT);
        CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, b, NULL), EFAULT);
        CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_CORE, b), EFAULT);
        CHECK_ERR(syscall(SYS_prlimit64, 0, RLIMIT_CORE, b, NULL), EFAULT);
        CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, b, NULL, 8), EFAULT);
        CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, b, NULL, 8), EFAULT);
        CHECK_ERR(syscall(SYS_sigaltstack, b, NULL), EFAULT);
        CHECK_ERR(syscall(SYS_fcntl, fd, F_SETLK, b), EFAULT);
        CHECK_ERR(syscall(SYS_ioctl, pipe_r, FIONBIO, b), EFAULT);
        CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "data", b, 0), EFAULT);
        CHECK_ERR(syscall(SYS_prctl, PR_SET_NAME, b, 0, 0, 0), EFAULT);
        CHECK_ERR(syscall(SYS_futex, b == (void *)1 ? (void *)4 : b, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
    }
    /* The process is unchanged: no mask, no handler, no name were taken. */
    check_section = "after bad inputs";
    sigset_t cur;
    CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &cur));
    CHECK_EQ(sigismember(&cur, SIGUSR1), 0);
    struct sigaction sa;
    CHECK_OK(sigaction(SIGUSR1, NULL, &sa));
    CHECK(sa.sa_handler == SIG_DFL);
}

/* A buffer running off the end of the mapped memory: Linux may transfer the
 * part before the hole (a short count) or fail with EFAULT; nothing more. */
static void straddling(void)
{
    char *two = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(two != MAP_FAILED && munmap(two + PG, PG) == 0);
    char *edge = two + PG - 10;
    memset(edge, 'e', 10);
    errno = 0;
    long r = syscall(SYS_write, fd, edge, 20);
    CHECK((r == -1 && errno == EFAULT) || (r >= 0 && r <= 10));
    errno = 0;
    r = syscall(SYS_pread64, fd, edge, 20, 0L);
    CHECK((r == -1 && errno == EFAULT) || (r >= 0 && r <= 10));
    errno = 0;
    r = syscall(SYS_open, edge, O_RDONLY); /* a name without its NUL in memory */
    CHECK(r == -1 && errno == EFAULT);
    munmap(two, PG);
}

int main(void)
{
    check_prog = "efault";
    setup();
    RUN(data_transfer);
    RUN(paths);
    RUN(output_structs);
    RUN(input_structs);
    RUN(straddling);
    return check_done();
}

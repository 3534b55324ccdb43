/* fileio.c — descriptors and data transfer: the open family, read/write and
 * their positioned and vectored forms, offsets, dup family, pipes, fcntl
 * (flags, record and OFD locks), flock, truncation, syncing, in-kernel copies,
 * fadvise, and the /dev nodes lxrun maps to Redox schemes. */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#endif
#define CLOSE_RANGE_CLOEXEC_ 4u

static int same_file(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void open_family(void)
{
    int fd = CHECK_OK(open("f", O_CREAT | O_EXCL | O_RDWR, 0644));
    CHECK_ERR(open("f", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);
    CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open("f/below", O_RDONLY), ENOTDIR);
    CHECK_EQ(write(fd, "hello world", 11), 11);
    CHECK_OK(close(fd));
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(write(fd, "x", 1), EBADF);

    /* creat: write-only, truncating. */
    fd = CHECK_OK(creat("f", 0644));
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_EQ(size_of("f"), 0);
    char c;
    CHECK_ERR(read(fd, &c, 1), EBADF);
    close(fd);

    /* The raw open and creat calls (glibc routes both through openat). */
    fd = CHECK_OK(syscall(SYS_open, "g", O_CREAT | O_WRONLY | O_TRUNC, 0600));
    CHECK_EQ(write(fd, "abc", 3), 3);
    close(fd);
    CHECK_EQ(size_of("g"), 3);
    fd = CHECK_OK(syscall(SYS_creat, "g", 0600));
    CHECK_EQ(size_of("g"), 0);
    close(fd);

    /* O_APPEND writes at the end whatever the offset; O_TRUNC empties. */
    put_file("t", "0123456789", 10);
    fd = CHECK_OK(open("t", O_WRONLY | O_APPEND));
    CHECK_EQ(write(fd, "AB", 2), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(write(fd, "CD", 2), 2);
    close(fd);
    char buf[32] = { 0 };
    CHECK_EQ(get_file("t", buf, sizeof buf), 14);
    CHECK(memcmp(buf, "0123456789ABCD", 14) == 0);
    fd = CHECK_OK(open("t", O_RDWR | O_TRUNC));
    CHECK_EQ(size_of("t"), 0);
    close(fd);

    /* openat: relative to a directory fd; absolute paths ignore it. */
    CHECK_OK(mkdir("dir", 0755));
    int dfd = CHECK_OK(open("dir", O_RDONLY | O_DIRECTORY));
    fd = CHECK_OK(openat(dfd, "inner", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    CHECK_EQ(size_of("dir/inner"), 0);
    fd = CHECK_OK(openat(dfd, "/dev/null", O_RDONLY));
    close(fd);
    CHECK_ERR(openat(999, "inner", O_RDONLY), EBADF);
    CHECK_ERR(openat(fd /* closed */, "inner", O_RDONLY), EBADF);
    int file = CHECK_OK(open("f", O_RDONLY));
    CHECK_ERR(openat(file, "inner", O_RDONLY), ENOTDIR);
    close(file);
    close(dfd);

    /* A directory opens read-only but cannot be read as data. */
    dfd = CHECK_OK(open("dir", O_RDONLY));
    CHECK_ERR(read(dfd, &c, 1), EISDIR);
    CHECK_ERR(pread(dfd, &c, 1, 0), EISDIR);
    close(dfd);
    CHECK_ERR(open("dir", O_WRONLY), EISDIR);

    /* O_TMPFILE: an unnamed file in a directory. */
    fd = CHECK_OK(open(".", O_TMPFILE | O_RDWR, 0600));
    CHECK_EQ(write(fd, "tmp", 3), 3);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode) && st.st_nlink == 0 && st.st_size == 3);
    close(fd);
    CHECK_OK(symlink("f", "sym"));
    CHECK_ERR(open("sym", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_OK(symlink("loop", "loop"));
    CHECK_ERR(open("loop", O_RDONLY), ELOOP);
}

static void read_write_offsets(void)
{
    char buf[64];
    int fd = CHECK_OK(open("rw", O_CREAT | O_RDWR | O_TRUNC, 0644));
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    CHECK_EQ(read(fd, buf, sizeof buf), 0); /* at EOF */
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    CHECK_EQ(read(fd, buf, 3), 3);
    CHECK(memcmp(buf, "234", 3) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
    CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, 0, 99), EINVAL);
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 100); /* past EOF is allowed */
    CHECK_EQ(lseek(fd, 9, SEEK_SET), 9);

    /* pread/pwrite leave the offset alone. */
    CHECK_EQ(pread(fd, buf, 4, 6), 4);
    CHECK(memcmp(buf, "6789", 4) == 0);
    CHECK_EQ(pwrite(fd, "xy", 2, 0), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 9);
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(memcmp(buf, "xy23", 4) == 0);
    CHECK_EQ(pread(fd, buf, 4, 1000), 0);
    CHECK_ERR(syscall(SYS_pread64, fd, buf, 4, -1L), EINVAL);
    CHECK_ERR(syscall(SYS_pwrite64, fd, buf, 4, -1L), EINVAL);

    /* writev/readv: empty vectors are skipped, data split across buffers. */
    CHECK_OK(ftruncate(fd, 0));
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    struct iovec w[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
    CHECK_EQ(writev(fd, w, 3), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    char a[1], b[3], c[10];
    struct iovec r[3] = { { a, 1 }, { b, 3 }, { c, 10 } };
    CHECK_EQ(readv(fd, r, 3), 6);
    CHECK(a[0] == 'a' && memcmp(b, "bcd", 3) == 0 && memcmp(c, "ef", 2) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    CHECK_ERR(syscall(SYS_writev, fd, w, -1), EINVAL);
    CHECK_ERR(readv(999, r, 3), EBADF);

    /* pwritev/preadv at an offset past EOF: the gap reads as zeros. */
    CHECK_EQ(syscall(SYS_pwritev, fd, w, 3, 100L, 0L), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 106);
    memset(c, 'z', sizeof c);
    struct iovec hole[2] = { { a, 1 }, { c, 10 } };
    CHECK_EQ(syscall(SYS_preadv, fd, hole, 2, 95L, 0L), 11);
    CHECK(a[0] == 0 && c[0] == 0 && c[3] == 0 && memcmp(c + 4, "abcdef", 6) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    CHECK_ERR(syscall(SYS_preadv, fd, hole, 2, -5L, 0L), EINVAL);
    close(fd);
}

static void dup_family(void)
{
    int fd = CHECK_OK(open("d", O_CREAT | O_RDWR | O_TRUNC, 0644));
    int other = CHECK_OK(open("d2", O_CREAT | O_RDWR | O_TRUNC, 0644));
    int d = CHECK_OK(dup(fd));
    CHECK(d != fd && same_file(d, fd));
    CHECK_EQ(write(fd, "12345", 5), 5);
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 5); /* one open file description */
    CHECK_EQ(fcntl(d, F_GETFD) & FD_CLOEXEC, 0);
    CHECK_OK(close(d));
    CHECK_EQ(dup(fd), d); /* lowest free number */
    close(d);
    CHECK_ERR(dup(999), EBADF);

    CHECK_EQ(dup2(fd, 100), 100);
    CHECK(same_file(100, fd));
    CHECK_EQ(dup2(fd, fd), fd);
    CHECK_ERR(dup2(999, 101), EBADF);
    CHECK_ERR(dup2(999, 999), EBADF);
    CHECK_EQ(dup2(other, 100), 100); /* replaces the open 100 silently */
    CHECK(same_file(100, other));
    CHECK_EQ(dup3(fd, 101, O_CLOEXEC), 101);
    CHECK(fcntl(101, F_GETFD) & FD_CLOEXEC);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, fd, 102, 1), EINVAL);
    CHECK_ERR(syscall(SYS_dup2, fd, -1), EBADF);

    int hi = CHECK_OK(fcntl(fd, F_DUPFD, 50));
    CHECK(hi >= 50 && same_file(hi, fd));
    CHECK_EQ(fcntl(hi, F_GETFD) & FD_CLOEXEC, 0);
    int hc = CHECK_OK(fcntl(fd, F_DUPFD_CLOEXEC, 60));
    CHECK(hc >= 60 && (fcntl(hc, F_GETFD) & FD_CLOEXEC));
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);

    /* The descriptor table ends at RLIMIT_NOFILE, wherever that is. */
    struct rlimit lim;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &lim));
    int top = (int)(lim.rlim_cur > 65536 ? 65536 : lim.rlim_cur);
    CHECK_EQ(dup2(fd, top - 1), top - 1);
    CHECK(same_file(top - 1, fd));
    CHECK_OK(close(top - 1));
    if (lim.rlim_cur <= 65536) {
        CHECK_ERR(dup2(fd, top), EBADF);
        CHECK_ERR(fcntl(fd, F_DUPFD, top), EINVAL);
        CHECK_ERR(fcntl(top, F_GETFD), EBADF);
    }

    /* close_range: a span, the cloexec-only form, an open-ended span. */
    CHECK_OK(syscall(SYS_close_range, 100u, 110u, 0u));
    CHECK_ERR(fcntl(100, F_GETFD), EBADF);
    CHECK_ERR(fcntl(101, F_GETFD), EBADF);
    CHECK_EQ(dup2(fd, 120), 120);
    CHECK_OK(syscall(SYS_close_range, 120u, 120u, CLOSE_RANGE_CLOEXEC_));
    CHECK(fcntl(120, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(dup2(fd, 300), 300);
    CHECK_OK(syscall(SYS_close_range, 200u, ~0u, 0u));
    CHECK_ERR(fcntl(300, F_GETFD), EBADF);
    CHECK(fcntl(120, F_GETFD) >= 0);
    CHECK_ERR(syscall(SYS_close_range, 10u, 5u, 0u), EINVAL);
    close(120);
    close(hi);
    close(hc);
    close(other);
    close(fd);
}

static void pipes(void)
{
    int p[2];
    char buf[16];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "hello", 5), 5);
    CHECK_EQ(read(p[0], buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_ERR(read(p[1], buf, 1), EBADF);
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK_ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE);
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_EQ(fcntl(p[0], F_GETFD) & FD_CLOEXEC, 0);
    int sz = fcntl(p[0], F_GETPIPE_SZ);
    CHECK(sz >= 4096);
    CHECK(fcntl(p[0], F_SETPIPE_SZ, 65536) >= 65536);
    CHECK_OK(close(p[1]));
    CHECK_EQ(read(p[0], buf, 1), 0); /* EOF once the writer is gone */
    close(p[0]);

    CHECK_OK(pipe2(p, O_CLOEXEC | O_NONBLOCK));
    CHECK((fcntl(p[0], F_GETFD) & FD_CLOEXEC) && (fcntl(p[1], F_GETFD) & FD_CLOEXEC));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    close(p[0]);
    close(p[1]);
    CHECK_ERR(syscall(SYS_pipe2, p, 1), EINVAL);

    CHECK_OK(syscall(SYS_pipe, p));
    CHECK_EQ(write(p[1], "z", 1), 1);
    CHECK_EQ(read(p[0], buf, 1), 1);
    close(p[0]);
    close(p[1]);
}

static void fcntl_flags_and_locks(void)
{
    int fd = CHECK_OK(open("l", O_CREAT | O_RDWR | O_APPEND | O_TRUNC, 0644));
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_APPEND);
    CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_NONBLOCK);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_OK(fcntl(fd, F_SETFD, 0));
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_ERR(fcntl(fd, 9999), EINVAL);
    CHECK_ERR(fcntl(999, F_GETFL), EBADF);
    /* O_NOFOLLOW stays in the open flags (Redox's value of it is the sign bit: the
     * flags came back as an error, and cp -r's copy_file_range from such an fd as EBADF) */
    int nf = CHECK_OK(open("l", O_RDONLY | O_NOFOLLOW));
    CHECK_EQ(fcntl(nf, F_GETFL) & (O_ACCMODE | O_NOFOLLOW | O_APPEND), O_RDONLY | O_NOFOLLOW);
    CHECK_EQ(syscall(SYS_copy_file_range, nf, NULL, fd, NULL, 10, 0u), 0); /* "l" is empty */
    close(nf);
    CHECK_OK(ftruncate(fd, 100));

    /* A process's own POSIX locks never conflict with themselves. */
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    CHECK_OK(fcntl(fd, F_SETLK, &fl));
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    CHECK_OK(fcntl(fd, F_GETLK, &fl));
    CHECK_EQ(fl.l_type, F_UNLCK);

    /* OFD locks belong to the open file description, so two opens conflict,
     * and they conflict with this process's POSIX locks too. */
    int a = CHECK_OK(open("l", O_RDWR)), b = CHECK_OK(open("l", O_RDWR));
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 10 };
    CHECK_OK(fcntl(a, F_OFD_SETLK, &fl));
    fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 25, .l_len = 1 };
    CHECK_OK(fcntl(b, F_OFD_GETLK, &fl));
    CHECK_EQ(fl.l_type, F_WRLCK);
    CHECK_EQ(fl.l_start, 20);
    CHECK_EQ(fl.l_len, 10);
    CHECK_EQ(fl.l_pid, -1);
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 25, .l_len = 1 };
    CHECK_ERR(fcntl(b, F_OFD_SETLK, &fl), EAGAIN);
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 10 };
    CHECK_ERR(fcntl(fd, F_SETLK, &fl), EAGAIN);
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    CHECK_OK(fcntl(fd, F_GETLK, &fl));
    CHECK_EQ(fl.l_type, F_WRLCK);
    CHECK_EQ(fl.l_pid, -1);
    fl = (struct flock){ .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    CHECK_OK(fcntl(a, F_OFD_SETLK, &fl));
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 25, .l_len = 1 };
    CHECK_OK(fcntl(b, F_OFD_SETLK, &fl));
    fl = (struct flock){ .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    CHECK_OK(fcntl(fd, F_SETLK, &fl));
    close(a);
    close(b);
    close(fd);
}

static void flock_locks(void)
{
    int a = CHECK_OK(open("fl", O_CREAT | O_RDWR, 0644)), b = CHECK_OK(open("fl", O_RDWR));
    CHECK_OK(flock(a, LOCK_EX));
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_OK(flock(a, LOCK_UN));
    CHECK_OK(flock(b, LOCK_SH | LOCK_NB));
    CHECK_OK(flock(a, LOCK_SH | LOCK_NB)); /* shared locks coexist */
    CHECK_ERR(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERR(flock(999, LOCK_SH), EBADF);
    CHECK_ERR(flock(a, 0x100), EINVAL);
    close(a);
    close(b);
}

static void truncate_and_sync(void)
{
    char buf[16];
    put_file("tr", "abcdef", 6);
    int fd = CHECK_OK(open("tr", O_RDWR));
    CHECK_OK(ftruncate(fd, 3));
    CHECK_EQ(size_of("tr"), 3);
    CHECK_OK(ftruncate(fd, 4096));
    CHECK_EQ(size_of("tr"), 4096);
    CHECK_EQ(pread(fd, buf, 5, 0), 5);
    CHECK(memcmp(buf, "abc\0\0", 5) == 0);
    CHECK_OK(truncate("tr", 1));
    CHECK_EQ(size_of("tr"), 1);
    CHECK_ERR(truncate("missing", 0), ENOENT);
    CHECK_ERR(truncate(".", 0), EISDIR);
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    int ro = CHECK_OK(open("tr", O_RDONLY));
    errno = 0;
    CHECK(ftruncate(ro, 0) == -1 && (errno == EINVAL || errno == EBADF));
    close(ro);

    CHECK_OK(fsync(fd));
    CHECK_OK(fdatasync(fd));
    CHECK_ERR(fsync(999), EBADF);
    CHECK_ERR(fdatasync(999), EBADF);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(fsync(p[0]), EINVAL);
    CHECK_ERR(ftruncate(p[1], 0), EINVAL);

    /* fallocate: the size grows (mode 0) or stays (KEEP_SIZE); a punched range
     * reads back as zeros; posix_fallocate rests on it (util-linux's fallocate
     * failed with ENOSYS) */
    put_file("fa", "abcdefgh", 8);
    int fa = CHECK_OK(open("fa", O_RDWR));
    CHECK_OK(fallocate(fa, 0, 4, 8192));
    CHECK_EQ(size_of("fa"), 8196);
    CHECK_EQ(pread(fa, buf, 8, 0), 8);
    CHECK(memcmp(buf, "abcdefgh", 8) == 0);
    CHECK_OK(fallocate(fa, FALLOC_FL_KEEP_SIZE, 0, 65536));
    CHECK_EQ(size_of("fa"), 8196);
    CHECK_OK(fallocate(fa, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 3));
    CHECK_EQ(size_of("fa"), 8196);
    CHECK_EQ(pread(fa, buf, 8, 0), 8);
    CHECK(memcmp(buf, "ab\0\0\0fgh", 8) == 0);
    CHECK_EQ(posix_fallocate(fa, 0, 10000), 0);
    CHECK_EQ(size_of("fa"), 10000);
    CHECK_ERR(fallocate(fa, FALLOC_FL_PUNCH_HOLE, 0, 1), EOPNOTSUPP);
    CHECK_ERR(fallocate(fa, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(fa, 0, -1, 1), EINVAL);
    CHECK_ERR(fallocate(p[1], 0, 0, 1), ESPIPE);
    CHECK_ERR(fallocate(999, 0, 0, 1), EBADF);
    int fro = CHECK_OK(open("fa", O_RDONLY));
    CHECK_ERR(fallocate(fro, 0, 0, 1), EBADF);
    close(fro);
    close(fa);

    /* sync cannot fail; syncfs and readahead check their fd as Linux does
     * (readahead: open for reading, on a regular file) */
    sync();
    CHECK_OK(syscall(SYS_syncfs, fd));
    CHECK_ERR(syscall(SYS_syncfs, 999), EBADF);
    int rd = CHECK_OK(open("tr", O_RDONLY));
    CHECK_OK(syscall(SYS_readahead, rd, 0L, 4096L));
    close(rd);
    int wo = CHECK_OK(open("tr", O_WRONLY));
    CHECK_ERR(syscall(SYS_readahead, wo, 0L, 4096L), EBADF);
    close(wo);
    CHECK_ERR(syscall(SYS_readahead, p[0], 0L, 4096L), EINVAL);
    CHECK_ERR(syscall(SYS_readahead, 999, 0L, 4096L), EBADF);
    /* sync_file_range: the fd first, then flags and range, then the kind of file */
    CHECK_OK(syscall(SYS_sync_file_range, fd, 0L, 0L, 2 /* WRITE */));
    CHECK_OK(syscall(SYS_sync_file_range, fd, 0L, 100L, 7));
    CHECK_ERR(syscall(SYS_sync_file_range, fd, 0L, 0L, 8), EINVAL);
    CHECK_ERR(syscall(SYS_sync_file_range, fd, -1L, 0L, 2), EINVAL);
    CHECK_ERR(syscall(SYS_sync_file_range, 999, 0L, 0L, 8), EBADF);
    CHECK_ERR(syscall(SYS_sync_file_range, p[1], 0L, 0L, 2), ESPIPE);
    close(p[0]);
    close(p[1]);
    close(fd);
}

/* preadv2 and pwritev2: -1 is the file position (moved), another offset is not;
 * RWF_DSYNC syncs; a flag Linux does not know is EOPNOTSUPP. */
static void vectored_with_flags(void)
{
    put_file("v2", "0123456789", 10);
    int fd = CHECK_OK(open("v2", O_RDWR));
    char a[4] = { 0 }, b[4] = { 0 };
    struct iovec iov[2] = { { a, 3 }, { b, 2 } };
    CHECK_EQ(syscall(SYS_preadv2, fd, iov, 2, -1L, 0L, 0), 5);
    CHECK(memcmp(a, "012", 3) == 0 && memcmp(b, "34", 2) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    CHECK_EQ(syscall(SYS_preadv2, fd, iov, 1, 7L, 0L, 1 /* RWF_HIPRI */), 3);
    CHECK(memcmp(a, "789", 3) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    struct iovec w = { "AB", 2 };
    CHECK_EQ(syscall(SYS_pwritev2, fd, &w, 1, 1L, 0L, 2 /* RWF_DSYNC */), 2);
    CHECK_EQ(syscall(SYS_pwritev2, fd, &w, 1, -1L, 0L, 4 /* RWF_SYNC */), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7);
    char all[11] = { 0 };
    CHECK_EQ(pread(fd, all, 10, 0), 10);
    CHECK(memcmp(all, "0AB34AB789", 10) == 0);
    CHECK_ERR(syscall(SYS_preadv2, fd, iov, 1, 0L, 0L, 0x100000), EOPNOTSUPP);
    CHECK_ERR(syscall(SYS_preadv2, fd, iov, 1, -2L, 0L, 0), EINVAL);
    CHECK_ERR(syscall(SYS_preadv2, 999, iov, 1, 0L, 0L, 0), EBADF);
    close(fd);
}

/* The older time setters: utime (whole seconds), utimes and futimesat (struct
 * timeval; a NULL path: the fd itself); NULL times: now. */
static void old_time_setters(void)
{
    put_file("ut", "x", 1);
    struct stat st;
    struct { long actime, modtime; } ub = { 1000, 2000 };
    CHECK_OK(syscall(SYS_utime, "ut", &ub));
    CHECK_OK(stat("ut", &st));
    CHECK(st.st_atime == 1000 && st.st_mtime == 2000 && st.st_mtim.tv_nsec == 0);
    struct timeval tv[2] = { { 3000, 250000 }, { 4000, 500000 } };
    CHECK_OK(syscall(SYS_utimes, "ut", tv));
    CHECK_OK(stat("ut", &st));
    CHECK(st.st_atime == 3000 && st.st_mtime == 4000 && st.st_mtim.tv_nsec == 500000000);
    int fd = CHECK_OK(open("ut", O_RDONLY));
    tv[1].tv_sec = 5000;
    CHECK_OK(syscall(SYS_futimesat, fd, NULL, tv));
    CHECK_OK(stat("ut", &st));
    CHECK_EQ(st.st_mtime, 5000);
    tv[1].tv_sec = 6000;
    CHECK_OK(syscall(SYS_futimesat, AT_FDCWD, "ut", tv));
    CHECK_OK(stat("ut", &st));
    CHECK_EQ(st.st_mtime, 6000);
    tv[1].tv_usec = 1000000;
    CHECK_ERR(syscall(SYS_utimes, "ut", tv), EINVAL);
    time_t before = time(NULL);
    CHECK_OK(syscall(SYS_utime, "ut", NULL));
    CHECK_OK(stat("ut", &st));
    /* a file's time is the kernel's coarse clock, which may still be a second behind */
    CHECK(st.st_mtime >= before - 1 && st.st_mtime <= time(NULL));
    CHECK_ERR(syscall(SYS_utime, "missing", &ub), ENOENT);
    CHECK_ERR(syscall(SYS_utime, NULL, &ub), EFAULT);
    CHECK_ERR(syscall(SYS_utimes, "ut", (void *)8), EFAULT);
    close(fd);
}

static char pattern[100000];

static void in_kernel_copies(void)
{
    for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (char)('a' + i % 23);
    put_file("src", pattern, sizeof pattern);
    static char got[sizeof pattern];
    int in = CHECK_OK(open("src", O_RDONLY)), out = CHECK_OK(open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644));

    /* sendfile with an offset: the offset moves, the file position does not. */
    off_t off = 10;
    CHECK_EQ(sendfile(out, in, &off, 1000), 1000);
    CHECK_EQ(off, 1010);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 0);
    CHECK_EQ(pread(out, got, 1000, 0), 1000);
    CHECK(memcmp(got, pattern + 10, 1000) == 0);
    /* Without one, the file position moves. */
    CHECK_EQ(lseek(in, 5, SEEK_SET), 5);
    CHECK_EQ(sendfile(out, in, NULL, 20), 20);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 25);
    CHECK_EQ(pread(out, got, 20, 1000), 20);
    CHECK(memcmp(got, pattern + 5, 20) == 0);
    off = sizeof pattern - 10;
    CHECK_EQ(sendfile(out, in, &off, 100), 10); /* stops at EOF */
    CHECK_OK(ftruncate(out, 0));
    CHECK_EQ(lseek(out, 0, SEEK_SET), 0);
    off = 0;
    CHECK_EQ(sendfile(out, in, &off, sizeof pattern), (long)sizeof pattern);
    CHECK_EQ(pread(out, got, sizeof got, 0), (long)sizeof got);
    CHECK(memcmp(got, pattern, sizeof pattern) == 0);
    int p[2];
    CHECK_OK(pipe(p));
    off = 50;
    CHECK_EQ(sendfile(p[1], in, &off, 100), 100);
    CHECK_EQ(read(p[0], got, sizeof got), 100);
    CHECK(memcmp(got, pattern + 50, 100) == 0);
    CHECK_ERR(sendfile(out, 999, NULL, 10), EBADF);
    close(p[0]);
    close(p[1]);

    /* copy_file_range: explicit offsets advance, positions stay; it may copy
     * less than asked, so loop as its callers must. */
    int out2 = CHECK_OK(open("dst2", O_CREAT | O_RDWR | O_TRUNC, 0644));
    loff_t ioff = 100, ooff = 7;
    long total = 0, n;
    do {
        n = syscall(SYS_copy_file_range, in, &ioff, out2, &ooff, 50000 - total, 0u);
        if (n > 0) total += n;
    } while (n > 0 && total < 50000);
    CHECK_EQ(total, 50000);
    CHECK_EQ(ioff, 50100);
    CHECK_EQ(ooff, 50007);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 25);
    CHECK_EQ(lseek(out2, 0, SEEK_CUR), 0);
    CHECK_EQ(pread(out2, got, 50000, 7), 50000);
    CHECK(memcmp(got, pattern + 100, 50000) == 0);
    /* Without offsets the file positions are used and advance. */
    CHECK_EQ(lseek(in, 0, SEEK_SET), 0);
    CHECK_EQ(lseek(out2, 0, SEEK_SET), 0);
    CHECK_EQ(syscall(SYS_copy_file_range, in, NULL, out2, NULL, 3, 0u), 3);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 3);
    CHECK_EQ(lseek(out2, 0, SEEK_CUR), 3);
    CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, out2, NULL, 3, 1u), EINVAL);
    CHECK_ERR(syscall(SYS_copy_file_range, 999, NULL, out2, NULL, 3, 0u), EBADF);
    /* Regular files only, into a writable fd that is not in append mode. */
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "piped", 5), 5);
    CHECK_ERR(syscall(SYS_copy_file_range, p[0], NULL, out2, NULL, 5, 0u), EINVAL);
    CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, p[1], NULL, 5, 0u), EINVAL);
    close(p[0]);
    close(p[1]);
    int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_ERR(syscall(SYS_copy_file_range, dir, NULL, out2, NULL, 5, 0u), EISDIR);
    close(dir);
    int append = CHECK_OK(open("dst2", O_WRONLY | O_APPEND));
    CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, append, NULL, 5, 0u), EBADF);
    CHECK_ERR(sendfile(append, in, NULL, 5), EINVAL);
    close(append);
    int ro = CHECK_OK(open("dst2", O_RDONLY));
    CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, ro, NULL, 5, 0u), EBADF);
    close(ro);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 3); /* nothing was read by the refused calls */

    /* fadvise: accepted on files, bad advice and fds refused. */
    CHECK_RC(posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
    CHECK_RC(posix_fadvise(in, 0, 4096, POSIX_FADV_DONTNEED), 0);
    CHECK_RC(posix_fadvise(in, 0, 0, 99), EINVAL);
    CHECK_RC(posix_fadvise(999, 0, 0, POSIX_FADV_NORMAL), EBADF);
    CHECK_OK(syscall(SYS_fadvise64, in, 0L, 0L, POSIX_FADV_WILLNEED));
    CHECK_OK(pipe(p));
    CHECK_RC(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL), ESPIPE);
    close(p[0]);
    close(p[1]);
    close(in);
    close(out);
    close(out2);
}

/* /dev/null, /dev/zero and /dev/urandom are Redox schemes under lxrun. */
static void device_nodes(void)
{
    char buf[32];
    int fd = CHECK_OK(open("/dev/null", O_RDWR));
    CHECK_EQ(write(fd, "hello", 5), 5);
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode));
    close(fd);

    fd = CHECK_OK(open("/dev/zero", O_RDWR));
    /* The old way to get zeroed memory. */
    unsigned char *z = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(z != MAP_FAILED && z[0] == 0 && z[8191] == 0);
    if (z != MAP_FAILED) munmap(z, 8192);
    CHECK_EQ(write(fd, "abc", 3), 3); /* accepted and discarded */
    CHECK_OK(lseek(fd, 0, SEEK_SET));
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(read(fd, buf, sizeof buf), (long)sizeof buf);
    int zeros = 1;
    /* A character device that discards writes, not a file that keeps them. */
    for (size_t i = 0; i < sizeof buf; i++) zeros &= buf[i] == 0;
    CHECK(zeros);
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(read(fd, buf, sizeof buf), (long)sizeof buf);
    zeros = 1;
    for (size_t i = 0; i < sizeof buf; i++) zeros &= buf[i] == 0;
    CHECK(zeros);
    close(fd);

    fd = CHECK_OK(open("/dev/urandom", O_RDONLY));
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read(fd, buf, sizeof buf), (long)sizeof buf);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof buf; i++) nonzero += buf[i] != 0;
    CHECK(nonzero > 0);
    close(fd);
}

/* Each open of a device is an open file description of its own, as on Linux:
 * the flags given at open show in F_GETFL, and O_NONBLOCK set on one open is not
 * another's (opens that shared one description saw each other's). */
static void device_opens_apart(void)
{
    const char *devs[] = { "/dev/null", "/dev/zero", "/dev/urandom", "/dev/full" };
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++) {
        int a = CHECK_OK(open(devs[i], O_WRONLY | O_APPEND));
        int b = CHECK_OK(open(devs[i], O_WRONLY));
        CHECK_EQ(fcntl(a, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_WRONLY | O_APPEND);
        CHECK_OK(fcntl(b, F_SETFL, O_NONBLOCK));
        CHECK_EQ(fcntl(b, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_WRONLY | O_NONBLOCK);
        CHECK_EQ(fcntl(a, F_GETFL) & O_NONBLOCK, 0);
        int c = CHECK_OK(open(devs[i], O_RDONLY | O_NONBLOCK));
        CHECK_EQ(fcntl(c, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
        CHECK_ERR(open(devs[i], O_RDONLY | O_CREAT | O_EXCL, 0600), EEXIST);
        CHECK_ERR(open(devs[i], O_RDONLY | O_DIRECTORY), ENOTDIR);
        close(a), close(b), close(c);
    }
}

/* close_range over the whole fd space (INT_MAX, ~0U) succeeds and spares nothing
 * of the guest's in range; dirfds at the top of the fd space (where lxrun keeps its
 * own fds) are ignored for absolute paths and EBADF for relative ones, as on Linux. */
/* The lowest free number after `after`, as fcntl sees the table. */
static int next_free(int after)
{
    int k = after + 1;
    while (fcntl(k, F_GETFD) >= 0) k++;
    return k;
}

static int fds_listed(void)
{
    int n = 0, dirfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    REQUIRE(dirfd >= 0);
    char buf[4096];
    long got;
    while ((got = syscall(SYS_getdents64, dirfd, buf, sizeof buf)) > 0)
        for (long off = 0; off < got;) {
            struct { unsigned long ino; long off; unsigned short reclen; unsigned char type; char name[]; } *d =
                (void *)(buf + off);
            off += d->reclen;
            if (d->name[0] != '.') n++;
        }
    close(dirfd);
    return n - 1; /* its own listing handle */
}

/* Hundreds of fds, each the lowest free number as the kernel hands them out,
 * wherever lxrun keeps its own (they move out of the way); the files lxrun opens
 * for the guest (/dev/zero), a child's exec and /proc/self/fd still work after. */
static void fds_lowest_free(void)
{
    struct rlimit lim;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &lim));
    if (lim.rlim_cur < 2048 && lim.rlim_max >= 2048) {
        lim.rlim_cur = 2048;
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &lim));
    }
    if (lim.rlim_cur < 2048) return; /* no room to test in */

    /* a vfork child taking fds 256..400 (lxrun's own move out of its way, its
     * way back to the parent among them) then exec'ing: all still open there */
    int null = open("/dev/null", O_RDONLY);
    REQUIRE(null >= 0);
    pid_t v = vfork();
    if (v == 0) {
        for (int k = 256; k <= 400; k++)
            if (dup2(null, k) != k) _exit(2);
        execl("/bin/sh", "sh", "-c", "for i in $(seq 256 400); do [ -e /proc/$$/fd/$i ] || exit 1; done", (char *)NULL);
        _exit(3);
    }
    int vst;
    CHECK_EQ(waitpid(v, &vst, 0), v);
    CHECK(WIFEXITED(vst) && WEXITSTATUS(vst) == 0);
    close(null);

    enum { N = 700 };
    static int fds[N + 4];
    int n = 0, prev = -1;
    for (int i = 0; i < N; i++) {
        int want = next_free(prev);
        if (i == N / 2) { /* a pair: the two lowest free numbers */
            int p[2], s[2], w1 = next_free(want), w2 = next_free(w1), w3 = next_free(w2);
            CHECK_OK(pipe(p));
            CHECK_EQ(p[0], want);
            CHECK_EQ(p[1], w1);
            CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
            CHECK_EQ(s[0], w2);
            CHECK_EQ(s[1], w3);
            fds[n++] = p[0], fds[n++] = p[1], fds[n++] = s[0], fds[n++] = s[1];
            prev = s[1];
            want = next_free(prev);
        }
        int fd = open("/dev/null", O_RDONLY | (i % 2 ? O_CLOEXEC : 0));
        CHECK_EQ(fd, want);
        if (fd < 0) break;
        CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, i % 2 ? FD_CLOEXEC : 0);
        fds[n++] = prev = fd;
    }
    int open_now = 0;
    for (int k = 0; k < 4096; k++) open_now += fcntl(k, F_GETFD) >= 0;
    CHECK_EQ(fds_listed(), open_now);
    int z = CHECK_OK(open("/dev/zero", O_RDONLY));
    unsigned char b[4] = { 1, 1, 1, 1 };
    CHECK_EQ(read(z, b, 4), 4);
    CHECK(!b[0] && !b[3]);
    close(z);
    int want_hi = next_free(1499), hi = fcntl(fds[0], F_DUPFD, 1500);
    CHECK_EQ(hi, want_hi);
    CHECK_EQ(dup2(fds[0], 1800), 1800);
    CHECK(same_file(1800, fds[0]));
    pid_t child = fork();
    if (child == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(child, &st, 0), child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(1800);
    close(hi);
    for (int i = 0; i < n; i++) CHECK_OK(close(fds[i]));
}

static void fd_space_edges(void)
{
    int fd = open("/dev/null", O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(dup2(fd, 500), 500);
    CHECK_EQ(dup2(fd, 501), 501);
    CHECK_EQ(syscall(SYS_close_range, 500u, 0x7fffffffu, 0u), 0);
    CHECK_ERR(fcntl(500, F_GETFD), EBADF);
    CHECK_ERR(fcntl(501, F_GETFD), EBADF);
    CHECK_EQ(dup2(fd, 510), 510);
    CHECK_EQ(syscall(SYS_close_range, 510u, ~0u, CLOSE_RANGE_CLOEXEC_), 0);
    CHECK(fcntl(510, F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(fd, F_GETFD) >= 0 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC));
    close(510);

    struct rlimit lim;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &lim));
    int tops[] = { (int)(lim.rlim_max > 1 << 20 ? 1 << 20 : lim.rlim_max) - 1,
                   (int)(lim.rlim_max > 1 << 20 ? 1 << 20 : lim.rlim_max) - 64, 1 << 20, 0x7ffffff0 };
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        int d = tops[i];
        int f = openat(d, "/dev/null", O_RDONLY);
        CHECK(f >= 0);
        if (f >= 0) close(f);
        struct stat st;
        CHECK_OK(fstatat(d, "/dev/null", &st, 0));
        CHECK_ERR(openat(d, "dev/null", O_RDONLY), EBADF);
        CHECK_ERR(fstatat(d, "", &st, AT_EMPTY_PATH), EBADF);
        CHECK_ERR(mkdirat(d, "newdir", 0700), EBADF);
        CHECK_ERR(syscall(SYS_utimensat, d, NULL, NULL, 0), EBADF);
    }
    close(fd);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    check_prog = "fileio";
    RUN(fds_lowest_free); /* first: before another section moves lxrun's fds */
    RUN(open_family);
    RUN(read_write_offsets);
    RUN(dup_family);
    RUN(pipes);
    RUN(fcntl_flags_and_locks);
    RUN(flock_locks);
    RUN(truncate_and_sync);
    RUN(old_time_setters);
    RUN(vectored_with_flags);
    RUN(in_kernel_copies);
    RUN(device_nodes);
    RUN(device_opens_apart);
    RUN(fd_space_edges);
    return check_done();
}

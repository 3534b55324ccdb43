/* metadata.c — what a file says about itself: the stat family (raw calls, as
 * glibc reroutes stat to newfstatat), statx, access checks, modes, owners,
 * timestamps, umask and filesystem statistics. */
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "check.h"

/* The kernel's struct statx (musl 1.2.3 has no declaration of its own). */
struct kstatx_ts { int64_t sec; uint32_t nsec; int32_t reserved; };
struct kstatx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, spare0;
    uint64_t ino, size, blocks, attributes_mask;
    struct kstatx_ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};
#define KSTATX_BASIC_STATS 0x7ffu

static const char content[] = "12345";

static void umask_round_trip(void)
{
    umask(022);
    CHECK_EQ(umask(027), 022);
    CHECK_EQ(syscall(SYS_umask, 0777 | 07000), 027); /* only the 0777 bits are kept */
    CHECK_EQ(umask(022), 0777);
}

static void stat_family(void)
{
    put_file("file", content, 5);
    CHECK_OK(symlink("file", "link"));
    struct stat st, fst, lst;
    CHECK_OK(syscall(SYS_stat, "file", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0644); /* 0644 under umask 022 */
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(st.st_uid, geteuid());
    CHECK(st.st_blksize > 0);
    CHECK(st.st_mtime >= time(NULL) - 60 && st.st_mtime <= time(NULL) + 1);

    int fd = CHECK_OK(open("file", O_RDONLY));
    CHECK_OK(syscall(SYS_fstat, fd, &fst));
    CHECK(fst.st_ino == st.st_ino && fst.st_dev == st.st_dev && fst.st_size == 5);

    /* A symlink: lstat sees the link, stat its target. */
    CHECK_OK(syscall(SYS_lstat, "link", &lst));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_EQ(lst.st_size, 4); /* strlen("file") */
    CHECK(lst.st_ino != st.st_ino);
    CHECK_OK(syscall(SYS_stat, "link", &lst));
    CHECK_EQ(lst.st_ino, st.st_ino);
    CHECK_ERR(syscall(SYS_stat, "missing", &lst), ENOENT);
    CHECK_ERR(syscall(SYS_stat, "file/below", &lst), ENOTDIR);
    CHECK_ERR(syscall(SYS_stat, "", &lst), ENOENT);
    CHECK_ERR(syscall(SYS_fstat, 999, &lst), EBADF);

    /* newfstatat: dirfd, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
    int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_OK(syscall(SYS_newfstatat, dfd, "link", &lst, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_OK(syscall(SYS_newfstatat, dfd, "link", &lst, 0));
    CHECK_EQ(lst.st_ino, st.st_ino);
    CHECK_OK(syscall(SYS_newfstatat, fd, "", &lst, AT_EMPTY_PATH));
    CHECK_EQ(lst.st_ino, st.st_ino);
    CHECK_ERR(syscall(SYS_newfstatat, fd, "", &lst, 0), ENOENT);
    CHECK_OK(syscall(SYS_newfstatat, AT_FDCWD, "", &lst, AT_EMPTY_PATH)); /* the cwd */
    CHECK(S_ISDIR(lst.st_mode));
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "file", &lst, 0x1), EINVAL);
    CHECK_ERR(syscall(SYS_newfstatat, 999, "file", &lst, 0), EBADF);
    CHECK_ERR(syscall(SYS_newfstatat, fd, "file", &lst, 0), ENOTDIR);
    /* The libc entry points, whatever call they become. */
    CHECK_OK(stat("link", &lst));
    CHECK_EQ(lst.st_ino, st.st_ino);
    CHECK_OK(lstat("link", &lst));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_OK(fstatat(dfd, "file", &lst, 0));
    CHECK_EQ(lst.st_size, 5);
    close(dfd);

    /* statx agrees with stat. */
    struct kstatx sx;
    memset(&sx, 0xff, sizeof sx);
    CHECK_OK(syscall(SYS_statx, AT_FDCWD, "file", 0, KSTATX_BASIC_STATS, &sx));
    CHECK_EQ(sx.mask & KSTATX_BASIC_STATS, KSTATX_BASIC_STATS);
    CHECK_EQ(sx.ino, st.st_ino);
    CHECK_EQ(sx.size, 5);
    CHECK_EQ(sx.mode, st.st_mode);
    CHECK_EQ(sx.nlink, 1);
    CHECK_EQ(sx.uid, st.st_uid);
    CHECK_EQ(sx.mtime.sec, st.st_mtim.tv_sec);
    CHECK_EQ(sx.mtime.nsec, st.st_mtim.tv_nsec);
    CHECK_OK(syscall(SYS_statx, AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW, KSTATX_BASIC_STATS, &sx));
    CHECK(S_ISLNK(sx.mode));
    CHECK_OK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, KSTATX_BASIC_STATS, &sx));
    CHECK_EQ(sx.ino, st.st_ino);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "missing", 0, KSTATX_BASIC_STATS, &sx), ENOENT);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "file", 0x1, KSTATX_BASIC_STATS, &sx), EINVAL);
    close(fd);
}

static void access_checks(void)
{
    put_file("acc", content, 5);
    CHECK_OK(chmod("acc", 0644));
    CHECK_OK(access("acc", F_OK));
    CHECK_OK(access("acc", R_OK | W_OK));
    CHECK_ERR(access("acc", X_OK), EACCES); /* no x bit: refused even to root */
    CHECK_ERR(access("missing", F_OK), ENOENT);
    CHECK_ERR(access("acc", 8), EINVAL);
    CHECK_OK(access(".", X_OK));
    CHECK_OK(syscall(SYS_access, "acc", R_OK));
    CHECK_OK(chmod("acc", 0));
    if (geteuid() == 0) {
        CHECK_OK(access("acc", R_OK | W_OK));
    } else {
        CHECK_ERR(access("acc", R_OK), EACCES);
        CHECK_ERR(access("acc", W_OK), EACCES);
    }
    CHECK_OK(chmod("acc", 0755));
    CHECK_OK(access("acc", X_OK));

    int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_OK(syscall(SYS_faccessat, dfd, "acc", R_OK));
    CHECK_ERR(syscall(SYS_faccessat, dfd, "missing", R_OK), ENOENT);
    CHECK_OK(symlink("missing", "dangling"));
    CHECK_ERR(syscall(SYS_faccessat2, dfd, "dangling", F_OK, 0), ENOENT);
    CHECK_OK(syscall(SYS_faccessat2, dfd, "dangling", F_OK, AT_SYMLINK_NOFOLLOW));
    CHECK_OK(syscall(SYS_faccessat2, dfd, "acc", R_OK | X_OK, AT_EACCESS));
    CHECK_ERR(syscall(SYS_faccessat2, dfd, "acc", R_OK, 0x1), EINVAL);
    int fd = CHECK_OK(open("acc", O_RDONLY));
    CHECK_OK(syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));
    close(fd);
    CHECK_OK(faccessat(dfd, "acc", W_OK, 0));
    close(dfd);
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : 0xffffu;
}

static void modes_and_owners(void)
{
    put_file("m", content, 5);
    CHECK_OK(chmod("m", 0600));
    CHECK_EQ(mode_of("m"), 0600);
    CHECK_OK(syscall(SYS_chmod, "m", 0751));
    CHECK_EQ(mode_of("m"), 0751);
    int fd = CHECK_OK(open("m", O_RDONLY));
    CHECK_OK(fchmod(fd, 0640));
    CHECK_EQ(mode_of("m"), 0640);
    int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_OK(syscall(SYS_fchmodat, dfd, "m", 0604));
    CHECK_EQ(mode_of("m"), 0604);
    /* fchmodat2 (452, Linux 6.6): flags; a link's own mode cannot change */
    if (syscall(452, dfd, "m", 0614, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOSYS && !kernel_at_least(6, 6))
        goto no_fchmodat2; /* natively on an older kernel (the VM tests') */
    CHECK_EQ(mode_of("m"), 0614);
    CHECK_OK(syscall(452, fd, "", 0624, AT_EMPTY_PATH));
    CHECK_EQ(mode_of("m"), 0624);
    CHECK_OK(symlink("m", "m-link"));
    CHECK_ERR(syscall(452, dfd, "m-link", 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
    CHECK_OK(syscall(452, dfd, "m-link", 0604, 0)); /* followed: the file's */
    CHECK_EQ(mode_of("m"), 0604);
    CHECK_ERR(syscall(452, dfd, "m", 0604, 0x8000), EINVAL);
    unlink("m-link");
no_fchmodat2:
    CHECK_OK(chmod("m", 01644)); /* sticky bit kept */
    CHECK_EQ(mode_of("m"), 01644);
    CHECK_ERR(chmod("missing", 0644), ENOENT);
    CHECK_ERR(fchmod(999, 0644), EBADF);

    /* An O_PATH handle names a file without opening it: fstat and the *at
     * forms with AT_EMPTY_PATH work on it, fchmod/fchown/futimens do not. */
    int opath = CHECK_OK(open("m", O_PATH));
    struct stat ps;
    CHECK_OK(fstat(opath, &ps));
    CHECK_EQ(ps.st_mode & 07777, 01644);
    CHECK_ERR(syscall(SYS_fchmod, opath, 0600), EBADF); /* musl's fchmod retries via /proc */
    CHECK_ERR(syscall(SYS_fchown, opath, -1, -1), EBADF);
    CHECK_ERR(syscall(SYS_utimensat, opath, NULL, NULL, 0), EBADF);
    CHECK_OK(syscall(SYS_fchownat, opath, "", -1, -1, AT_EMPTY_PATH));
    CHECK_OK(syscall(SYS_utimensat, opath, "", NULL, AT_EMPTY_PATH));
    char c;
    CHECK_ERR(read(opath, &c, 1), EBADF);
    CHECK_EQ(mode_of("m"), 01644);
    close(opath);

    /* chown to what the file already has, by every route. */
    uid_t u = geteuid();
    gid_t g = getegid();
    CHECK_OK(symlink("m", "mlink"));
    CHECK_OK(syscall(SYS_chown, "m", u, g));
    CHECK_OK(syscall(SYS_fchown, fd, -1, -1));
    CHECK_OK(syscall(SYS_lchown, "mlink", u, g));
    CHECK_OK(syscall(SYS_fchownat, dfd, "mlink", u, -1, AT_SYMLINK_NOFOLLOW));
    CHECK_OK(syscall(SYS_fchownat, fd, "", -1, g, AT_EMPTY_PATH));
    CHECK_ERR(syscall(SYS_fchownat, dfd, "m", u, g, 0x1), EINVAL);
    CHECK_ERR(syscall(SYS_chown, "missing", u, g), ENOENT);
    struct stat st;
    CHECK_OK(lstat("mlink", &st));
    CHECK_EQ(st.st_uid, u);
    CHECK_EQ(st.st_gid, g);
    close(dfd);
    close(fd);
}

static void timestamps(void)
{
    put_file("ts", content, 5);
    struct stat st;
    struct timespec t[2] = { { 1000000000, 123456789 }, { 1100000000, 987654321 } };
    CHECK_OK(utimensat(AT_FDCWD, "ts", t, 0));
    CHECK_OK(stat("ts", &st));
    CHECK_EQ(st.st_atim.tv_sec, 1000000000);
    CHECK_EQ(st.st_atim.tv_nsec, 123456789);
    CHECK_EQ(st.st_mtim.tv_sec, 1100000000);
    CHECK_EQ(st.st_mtim.tv_nsec, 987654321);

    /* UTIME_OMIT keeps a time, UTIME_NOW takes the clock. */
    struct timespec keep_now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    time_t before = time(NULL);
    CHECK_OK(syscall(SYS_utimensat, AT_FDCWD, "ts", keep_now, 0));
    CHECK_OK(stat("ts", &st));
    CHECK_EQ(st.st_atim.tv_sec, 1000000000);
    CHECK(st.st_mtim.tv_sec >= before - 1 && st.st_mtim.tv_sec <= time(NULL) + 1);

    /* On an fd (futimens), and the NULL times form (both now). */
    int fd = CHECK_OK(open("ts", O_RDWR));
    CHECK_OK(futimens(fd, t));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_mtim.tv_sec, 1100000000);
    CHECK_OK(syscall(SYS_utimensat, fd, NULL, NULL, 0));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_atim.tv_sec >= before - 1);
    CHECK(st.st_mtim.tv_sec >= before - 1);
    CHECK_ERR(syscall(SYS_utimensat, fd, NULL, NULL, AT_SYMLINK_NOFOLLOW), EINVAL); /* no flags on an fd */
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), EFAULT);
    close(fd);

    /* AT_SYMLINK_NOFOLLOW sets the link's own times, not its target's. */
    CHECK_OK(symlink("ts", "tslink"));
    struct timespec old[2] = { { 900000000, 0 }, { 900000000, 0 } };
    CHECK_OK(utimensat(AT_FDCWD, "tslink", old, AT_SYMLINK_NOFOLLOW));
    CHECK_OK(lstat("tslink", &st));
    CHECK_EQ(st.st_mtim.tv_sec, 900000000);
    CHECK_OK(stat("tslink", &st));
    CHECK(st.st_mtim.tv_sec >= before - 1);

    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    CHECK_ERR(utimensat(AT_FDCWD, "ts", bad, 0), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "missing", t, 0), ENOENT);
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "ts", t, 0x1), EINVAL);
}

static void filesystem_stats(void)
{
    struct statfs a, b;
    put_file("fs", content, 5);
    CHECK_OK(statfs(".", &a));
    CHECK(a.f_bsize > 0);
    CHECK(a.f_blocks > 0);
    CHECK(a.f_bfree <= a.f_blocks && a.f_bavail <= a.f_blocks);
    CHECK(a.f_namelen > 0);
    int fd = CHECK_OK(open("fs", O_RDONLY));
    CHECK_OK(fstatfs(fd, &b));
    CHECK_EQ(b.f_type, a.f_type);
    CHECK_EQ(b.f_bsize, a.f_bsize);
    CHECK_EQ(b.f_blocks, a.f_blocks);
    CHECK(memcmp(&a.f_fsid, &b.f_fsid, sizeof a.f_fsid) == 0);
    close(fd);
    CHECK_ERR(statfs("missing", &a), ENOENT);
    CHECK_ERR(fstatfs(999, &a), EBADF);
}

int main(void)
{
    check_prog = "metadata";
    RUN(umask_round_trip);
    RUN(stat_family);
    RUN(access_checks);
    RUN(modes_and_owners);
    RUN(timestamps);
    RUN(filesystem_stats);
    return check_done();
}

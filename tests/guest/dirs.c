/* dirs.c — the namespace: the cwd, directory creation, listing and removal,
 * renames (with RENAME_NOREPLACE and RENAME_EXCHANGE), hard and symbolic
 * links, and the errno each misuse must give. */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "check.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

struct kdirent64 {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static ino_t ino_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void cwd_moves(void)
{
    char cwd[PATH_MAX], again[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(cwd[0] == '/');
    CHECK_EQ(ino_of(cwd), ino_of("."));
    const char *tmp = getenv("GUEST_TMPDIR"); /* set by run-in-tmp.sh */
    if (tmp) CHECK_EQ(ino_of(cwd), ino_of(tmp));
    long n = CHECK_OK(syscall(SYS_getcwd, again, sizeof again));
    CHECK_EQ(n, (long)strlen(cwd) + 1); /* the raw call counts the NUL */
    CHECK(strcmp(again, cwd) == 0);
    CHECK_ERR(syscall(SYS_getcwd, again, 1), ERANGE);

    int here = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_OK(mkdir("sub", 0755));
    CHECK_OK(chdir("sub"));
    CHECK(getcwd(again, sizeof again) != NULL);
    CHECK(strlen(again) == strlen(cwd) + 4 && strncmp(again, cwd, strlen(cwd)) == 0 &&
          strcmp(again + strlen(cwd), "/sub") == 0);
    put_file("inside", "x", 1);
    CHECK_OK(chdir(".."));
    CHECK(exists("sub/inside"));
    CHECK_OK(chdir("sub"));
    CHECK_OK(fchdir(here));
    CHECK(getcwd(again, sizeof again) != NULL);
    CHECK(strcmp(again, cwd) == 0);
    CHECK_ERR(chdir("missing"), ENOENT);
    CHECK_ERR(chdir("sub/inside"), ENOTDIR);
    CHECK_ERR(fchdir(999), EBADF);
    int file = CHECK_OK(open("sub/inside", O_RDONLY));
    CHECK_ERR(fchdir(file), ENOTDIR);
    close(file);

    /* A removed cwd has no name any more, and nothing can be made in it. */
    CHECK_OK(mkdir("doomed", 0755));
    CHECK_OK(chdir("doomed"));
    CHECK_OK(rmdir("../doomed"));
    CHECK_ERR(syscall(SYS_getcwd, again, sizeof again), ENOENT);
    CHECK_ERR(mkdir("x", 0755), ENOENT);
    CHECK_OK(fchdir(here));
    CHECK(getcwd(again, sizeof again) && strcmp(again, cwd) == 0);
    close(here);
}

/* Absolute paths are resolved component by component: "." and ".." work
 * everywhere, also inside the trees lxrun serves itself (/dev, /proc). */
static void dot_components(void)
{
    char cwd[PATH_MAX], path[PATH_MAX + 64];
    REQUIRE(getcwd(cwd, sizeof cwd) != NULL);
    put_file("dotted", "x", 1);
    snprintf(path, sizeof path, "%s/./sub/../dotted", cwd);
    CHECK_OK(access(path, F_OK));
    snprintf(path, sizeof path, "/..%s/dotted", cwd); /* /.. is / */
    CHECK_OK(access(path, F_OK));
    CHECK_ERR(access("dotted/", F_OK), ENOTDIR);
    CHECK_OK(access("/dev/null", W_OK));
    /* "." and ".." around the emulated trees resolve as on Linux. */
    snprintf(path, sizeof path, "/dev/..%s/dotted", cwd);
    CHECK_OK(access(path, F_OK));
    snprintf(path, sizeof path, "/proc/..%s/dotted", cwd);
    CHECK_OK(access(path, F_OK));
    CHECK_OK(access("/dev/./null", W_OK));
    CHECK_ERR(access("/dev/null/", F_OK), ENOTDIR);
}

/* Names and types read from a directory with the raw getdents64. */
static int list_dir(const char *path, char names[][16], unsigned char *types, int cap)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    char buf[256]; /* small, so several calls are needed */
    int count = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            struct kdirent64 *d = (struct kdirent64 *)(buf + at);
            if (count < cap) {
                snprintf(names[count], 16, "%s", d->name);
                types[count] = d->type;
            }
            count++;
            at += d->reclen;
        }
    }
    close(fd);
    return n < 0 ? -1 : count;
}

static int find_name(char names[][16], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

static void listing(void)
{
    CHECK_OK(mkdir("ls", 0755));
    const char *files[] = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel" };
    char path[64];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "ls/%s", files[i]);
        put_file(path, "x", 1);
    }
    CHECK_OK(mkdir("ls/subdir", 0755));
    CHECK_OK(symlink("alpha", "ls/symlink"));

    char names[32][16];
    unsigned char types[32];
    int n = list_dir("ls", names, types, 32);
    CHECK_EQ(n, 2 + 8 + 2);
    int i;
    CHECK((i = find_name(names, n, ".")) >= 0 && (types[i] == DT_DIR || types[i] == DT_UNKNOWN));
    CHECK(find_name(names, n, "..") >= 0);
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        CHECK((i = find_name(names, n, files[k])) >= 0 && (types[i] == DT_REG || types[i] == DT_UNKNOWN));
    CHECK((i = find_name(names, n, "subdir")) >= 0 && (types[i] == DT_DIR || types[i] == DT_UNKNOWN));
    CHECK((i = find_name(names, n, "symlink")) >= 0 && (types[i] == DT_LNK || types[i] == DT_UNKNOWN));

    /* The old getdents lists the same names and types: linux_dirent, the type in
     * the record's last byte. */
    int ofd = CHECK_OK(open("ls", O_RDONLY | O_DIRECTORY));
    char obuf[256];
    int oldn = 0, same = 0;
    long got;
    while ((got = syscall(SYS_getdents, ofd, obuf, sizeof obuf)) > 0)
        for (long at = 0; at < got;) {
            unsigned short reclen;
            memcpy(&reclen, obuf + at + 16, 2);
            const char *name = obuf + at + 18;
            unsigned char type = (unsigned char)obuf[at + reclen - 1];
            int k = find_name(names, n, name);
            if (k >= 0 && types[k] == type) same++;
            oldn++;
            at += reclen;
        }
    CHECK_EQ(got, 0);
    CHECK_EQ(oldn, n);
    CHECK_EQ(same, n);
    close(ofd);

    /* The libc reader (getdents64 underneath) sees the same entries. */
    DIR *d = opendir("ls");
    CHECK(d != NULL);
    int seen = 0;
    for (struct dirent *e; d && (e = readdir(d));) seen++;
    if (d) closedir(d);
    CHECK_EQ(seen, n);
    /* Rewinding the directory lists it again. */
    int dfd = CHECK_OK(open("ls", O_RDONLY | O_DIRECTORY));
    char first[4096];
    long a = syscall(SYS_getdents64, dfd, first, sizeof first);
    CHECK(a > 0);
    CHECK_EQ(syscall(SYS_getdents64, dfd, first, sizeof first), 0); /* at the end */
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0);
    CHECK_EQ(syscall(SYS_getdents64, dfd, first, sizeof first), a);
    /* One record per call goes on where the last ended, also through a dup (one
     * open file, one position); seeking to a record's d_off lists what follows it. */
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0);
    int twin = CHECK_OK(dup(dfd));
    char one[40]; /* a record here is 24 to 40 bytes */
    int count = 0;
    long long after_first = -1;
    for (long r; (r = syscall(SYS_getdents64, count & 1 ? twin : dfd, one, sizeof one)) > 0; count++) {
        struct { unsigned long long ino; long long off; unsigned short reclen; } h;
        memcpy(&h, one, sizeof h);
        CHECK_EQ(r, h.reclen); /* one record fits, two do not */
        if (count == 0) after_first = h.off;
    }
    CHECK_EQ(count, n);
    CHECK(lseek(dfd, after_first, SEEK_SET) == after_first);
    count = 0;
    for (long r; (r = syscall(SYS_getdents64, twin, first, sizeof first)) > 0;)
        for (long at = 0; at < r; count++) {
            unsigned short reclen;
            memcpy(&reclen, first + at + 16, sizeof reclen);
            at += reclen ? reclen : r;
        }
    CHECK_EQ(count, n - 1);
    close(twin);
    close(dfd);

    /* Edge cases: a file is not a directory, a tiny buffer is refused. */
    int fd = CHECK_OK(open("ls/alpha", O_RDONLY));
    char buf[256];
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);
    fd = CHECK_OK(open("ls", O_RDONLY | O_DIRECTORY));
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
    CHECK_ERR(syscall(SYS_getdents64, 999, buf, sizeof buf), EBADF);
    close(fd);
}

static void make_and_remove(void)
{
    CHECK_OK(mkdir("d", 0750));
    struct stat st;
    CHECK_OK(stat("d", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0750);
    CHECK_ERR(mkdir("d", 0755), EEXIST);
    CHECK_ERR(mkdir("missing/d", 0755), ENOENT);
    CHECK_OK(syscall(SYS_mkdir, "d2", 0755));
    int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    CHECK_OK(mkdirat(dfd, "inner", 0755));
    CHECK(exists("d/inner"));
    CHECK_ERR(mkdirat(dfd, "inner", 0755), EEXIST);
    put_file("d/file", "x", 1);
    CHECK_ERR(mkdir("d/file/x", 0755), ENOTDIR);

    CHECK_ERR(rmdir("d"), ENOTEMPTY);
    CHECK_ERR(rmdir("d/file"), ENOTDIR);
    CHECK_ERR(rmdir("missing"), ENOENT);
    CHECK_ERR(unlink("d"), EISDIR);
    CHECK_ERR(unlink("missing"), ENOENT);
    CHECK_ERR(unlinkat(dfd, "inner", 0), EISDIR);
    CHECK_ERR(unlinkat(dfd, "file", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERR(unlinkat(dfd, "file", 0x1), EINVAL);
    CHECK_OK(unlinkat(dfd, "inner", AT_REMOVEDIR));
    CHECK_OK(unlinkat(dfd, "file", 0));
    CHECK(!exists("d/inner") && !exists("d/file"));
    CHECK_OK(syscall(SYS_rmdir, "d2"));
    close(dfd);
    CHECK_OK(rmdir("d"));
    CHECK(!exists("d"));

    put_file("gone", "x", 1);
    CHECK_OK(syscall(SYS_unlink, "gone"));
    CHECK(!exists("gone"));

    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_ERR(mkdir(longname, 0755), ENAMETOOLONG);
}

static void renames(void)
{
    char buf[8] = { 0 };
    put_file("a", "A", 1);
    ino_t a = ino_of("a");
    CHECK_OK(rename("a", "b"));
    CHECK(!exists("a"));
    CHECK_EQ(ino_of("b"), a);
    put_file("c", "C", 1);
    CHECK_OK(syscall(SYS_rename, "c", "b")); /* replaces b */
    CHECK_EQ(get_file("b", buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'C');
    CHECK_ERR(rename("missing", "x"), ENOENT);
    CHECK_OK(mkdir("rd", 0755));
    CHECK_OK(mkdir("rd2", 0755));
    put_file("rd2/f", "x", 1);
    CHECK_ERR(rename("b", "rd"), EISDIR);
    CHECK_ERR(rename("rd", "b"), ENOTDIR);
    CHECK_ERR(rename("rd", "rd2"), ENOTEMPTY);

    int dfd = CHECK_OK(open("rd", O_RDONLY | O_DIRECTORY));
    CHECK_OK(renameat(AT_FDCWD, "b", dfd, "moved"));
    CHECK(exists("rd/moved") && !exists("b"));

    /* renameat2: NOREPLACE refuses an existing target; EXCHANGE swaps. */
    put_file("rd/other", "O", 1);
    CHECK_ERR(syscall(SYS_renameat2, dfd, "moved", dfd, "other", RENAME_NOREPLACE), EEXIST);
    CHECK_OK(syscall(SYS_renameat2, dfd, "moved", dfd, "fresh", RENAME_NOREPLACE));
    CHECK(exists("rd/fresh") && !exists("rd/moved"));
    CHECK_OK(syscall(SYS_renameat2, dfd, "fresh", dfd, "other", RENAME_EXCHANGE));
    CHECK_EQ(get_file("rd/fresh", buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'O');
    CHECK_EQ(get_file("rd/other", buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'C');
    CHECK_ERR(syscall(SYS_renameat2, dfd, "fresh", dfd, "nothing", RENAME_EXCHANGE), ENOENT);
    CHECK_ERR(syscall(SYS_renameat2, dfd, "fresh", dfd, "x", RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
    CHECK_ERR(syscall(SYS_renameat2, dfd, "fresh", dfd, "x", 0x80), EINVAL);
    close(dfd);
}

static void links(void)
{
    char buf[64];
    put_file("orig", "data", 4);
    CHECK_OK(link("orig", "hard"));
    struct stat st;
    CHECK_OK(stat("orig", &st));
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(ino_of("hard"), st.st_ino);
    CHECK_ERR(link("orig", "hard"), EEXIST);
    CHECK_ERR(link("missing", "x"), ENOENT);
    CHECK_OK(mkdir("ld", 0755));
    int dfd = CHECK_OK(open("ld", O_RDONLY | O_DIRECTORY));
    CHECK_OK(linkat(AT_FDCWD, "orig", dfd, "hard2", 0));
    CHECK_OK(syscall(SYS_link, "orig", "hard3"));
    CHECK_OK(stat("orig", &st));
    CHECK_EQ(st.st_nlink, 4);
    CHECK_ERR(linkat(AT_FDCWD, "orig", dfd, "x", 0x1), EINVAL);
    CHECK_OK(unlink("hard3"));

    /* Symlinks store their target as written; readlink does not NUL-terminate. */
    CHECK_OK(symlink("orig", "sym"));
    CHECK_OK(symlinkat("../orig", dfd, "sym2"));
    CHECK_OK(syscall(SYS_symlink, "nowhere", "dangling"));
    CHECK_ERR(symlink("orig", "sym"), EEXIST);
    CHECK_ERR(symlink("", "empty"), ENOENT);
    memset(buf, '#', sizeof buf);
    CHECK_EQ(readlink("sym", buf, sizeof buf), 4);
    CHECK(memcmp(buf, "orig#", 5) == 0);
    CHECK_EQ(readlink("sym", buf, 2), 2); /* truncated */
    CHECK(memcmp(buf, "or", 2) == 0);
    CHECK_EQ(readlinkat(dfd, "sym2", buf, sizeof buf), 7);
    CHECK(memcmp(buf, "../orig", 7) == 0);
    CHECK_EQ(syscall(SYS_readlink, "dangling", buf, sizeof buf), 7);
    CHECK_ERR(readlink("orig", buf, sizeof buf), EINVAL);
    CHECK_ERR(readlink("missing", buf, sizeof buf), ENOENT);
    CHECK_ERR(syscall(SYS_readlink, "sym", buf, 0), EINVAL);
    CHECK_EQ(get_file("ld/sym2", buf, sizeof buf), 4); /* followed relative to ld */
    CHECK_ERR(open("dangling", O_RDONLY), ENOENT);
    CHECK_ERR(open("sym", O_RDONLY | O_NOFOLLOW), ELOOP);
    int fd = CHECK_OK(open("sym", O_RDONLY));
    CHECK_EQ(read(fd, buf, sizeof buf), 4);
    close(fd);

    /* linkat AT_SYMLINK_FOLLOW links the target; without it, the link itself. */
    CHECK_OK(linkat(AT_FDCWD, "sym", AT_FDCWD, "via_follow", AT_SYMLINK_FOLLOW));
    CHECK_EQ(ino_of("via_follow"), ino_of("orig"));
    CHECK_OK(linkat(AT_FDCWD, "sym", AT_FDCWD, "via_nofollow", 0));
    CHECK_EQ(ino_of("via_nofollow"), ino_of("sym"));
    close(dfd);
}

/* The file "inner" (holding "deep") read through the /proc path fmt makes of fd. */
static void reads_deep(const char *fmt, int fd)
{
    char path[64], got[8] = { 0 };
    snprintf(path, sizeof path, fmt, fd);
    CHECK_EQ(get_file(path, got, sizeof got), 4);
    CHECK(memcmp(got, "deep", 4) == 0);
}

/* The links of /proc: readlink truncates an emulated one as a file's; a path
 * through /proc/self/cwd or /proc/self/fd/N whose expansion is long (past 255
 * bytes) resolves. */
static void proc_links(void)
{
    char whole[4096], buf[16];
    ssize_t w = readlink("/proc/self/exe", whole, sizeof whole);
    CHECK(w > 3);
    memset(buf, '#', sizeof buf);
    CHECK_EQ(readlink("/proc/self/exe", buf, 3), 3);
    CHECK(memcmp(buf, whole, 3) == 0 && buf[3] == '#');

    char here[4096], deep[4096];
    CHECK(getcwd(here, sizeof here) != NULL);
    const char *part = "a-directory-name-of-forty-characters-xx";
    for (int i = 0; i < 8; i++) {
        mkdir(part, 0755);
        CHECK_OK(chdir(part));
    }
    CHECK(getcwd(deep, sizeof deep) != NULL && strlen(deep) > 300);
    put_file("inner", "deep", 4);
    char got[8] = { 0 };
    CHECK_EQ(get_file("/proc/self/cwd/inner", got, sizeof got), 4);
    CHECK(memcmp(got, "deep", 4) == 0);
    CHECK_EQ(readlink("/proc/self/cwd", whole, sizeof whole), (ssize_t)strlen(deep));
    int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY)); /* the same through a directory's fd */
    reads_deep("/proc/self/fd/%d/inner", dfd);
    close(dfd);
    /* the links themselves opened, their targets over 300 bytes: the file's fd,
     * and the cwd as a directory */
    int ifd = CHECK_OK(open("inner", O_RDONLY));
    reads_deep("/proc/self/fd/%d", ifd);
    close(ifd);
    int cfd = CHECK_OK(open("/proc/self/cwd", O_RDONLY | O_DIRECTORY));
    struct stat a, b;
    CHECK_OK(fstat(cfd, &a));
    CHECK_OK(stat(".", &b));
    CHECK(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    close(cfd);
    CHECK_OK(unlink("inner"));
    for (int i = 0; i < 8; i++) {
        CHECK_OK(chdir(".."));
        CHECK_OK(rmdir(part));
    }
    CHECK_OK(chdir(here));
}

int main(void)
{
    check_prog = "dirs";
    RUN(cwd_moves);
    RUN(dot_components);
    RUN(listing);
    RUN(make_and_remove);
    RUN(renames);
    RUN(links);
    RUN(proc_links);
    return check_done();
}

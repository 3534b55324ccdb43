/* escape.c — a hostile guest for lxrun --root: every way out of the root it knows,
 * through dirfds, the cwd, '..' chains, symlinks (absolute, relative, dangling,
 * looping), /proc/self/root and /proc/self/cwd, and the name operations (mkdirat,
 * openat O_CREAT, renameat, renameat2, linkat, symlinkat, unlinkat, mknodat,
 * truncate, chmod, utimensat, fstatat, faccessat).
 *
 *     escape OUTSIDE     (run as: lxrun --root R escape OUTSIDE)
 *
 * OUTSIDE is a host directory outside R holding "marker" (OUTSIDE) and "keep";
 * R mirrors it at the same path with only "marker" (MIRROR), and R/work holds the
 * symlinks the test suite (root_cases.py) made.  Whatever this program does must
 * land in R: it checks what it can see (never OUTSIDE's bytes, never "keep"), and
 * the suite checks afterwards that OUTSIDE is unchanged.  Prints one line per
 * check; exits 0 when all hold.  Meaningless natively: there it would escape. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;
static const char *outside; /* absolute, e.g. /tmp/lxrun-root-x/outside */

static void report(int ok, const char *what, const char *detail)
{
    printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail ? ": " : "", detail ? detail : "");
    if (!ok) failures++;
}

/* Reads what dirfd/path leads to: "" on error (errno kept). */
static const char *read_at(int dirfd, const char *path)
{
    static char buf[64];
    buf[0] = 0;
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "";
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

/* The content must be `want` ("" = must fail with errno `err`), and never OUTSIDE's. */
static void expect_read(int dirfd, const char *path, const char *want, int err)
{
    errno = 0;
    const char *got = read_at(dirfd, path);
    int e = errno;
    char what[512], detail[256];
    snprintf(what, sizeof what, "read %s", path);
    snprintf(detail, sizeof detail, "got \"%.*s\" errno %d (%s)", (int)strcspn(got, "\n"), got, e, strerror(e));
    int ok = strncmp(got, "OUTSIDE", 7) != 0 && (*want ? strcmp(got, want) == 0 : (*got == 0 && e == err));
    report(ok, what, detail);
}

/* A call that must fail with `err` (0: must succeed). */
static void expect_rc(long r, int err, const char *what)
{
    int e = r < 0 ? errno : 0;
    char detail[128];
    snprintf(detail, sizeof detail, "= %ld errno %d (%s)", r, e, e ? strerror(e) : "none");
    report(err ? (r < 0 && e == err) : r >= 0, what, detail);
}

static void same_dir(int fd, int root, const char *what)
{
    struct stat a, b;
    int ok = fd >= 0 && fstat(fd, &a) == 0 && fstat(root, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    report(ok, what, fd < 0 ? strerror(errno) : NULL);
    if (fd >= 0) close(fd);
}

static void expect_cwd(const char *want, const char *what)
{
    char cwd[4096], link[4096];
    const char *r = getcwd(cwd, sizeof cwd);
    ssize_t n = readlink("/proc/self/cwd", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    char detail[8300];
    snprintf(detail, sizeof detail, "getcwd \"%s\", /proc/self/cwd \"%s\"", r ? cwd : strerror(errno), link);
    report(r && strcmp(cwd, want) == 0 && strcmp(link, want) == 0, what, detail);
}

static char *cat(const char *a, const char *b)
{
    char *s;
    if (asprintf(&s, "%s%s", a, b) < 0) exit(2);
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] != '/') {
        fprintf(stderr, "usage: escape /ABSOLUTE/OUTSIDE\n");
        return 2;
    }
    outside = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *dots = "../../../../../../../../../../../..";
    char *marker = cat(outside, "/marker"), *keep = cat(outside, "/keep");
    char *dots_marker = cat(dots, marker), *dots_keep = cat(dots, keep);

    int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int work = open("/work", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0 || work < 0) { perror("open / or /work"); return 2; }

    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", work);
    ssize_t tn = readlink(link, target, sizeof target - 1);
    target[tn > 0 ? tn : 0] = 0;
    report(tn > 0 && strcmp(target, "/work") == 0, "/proc/self/fd/N of /work is /work", target);

    /* ---- reading: '..' chains from dirfds and the cwd, symlinks, /proc ---- */
    expect_read(root, "etc/marker", "inside\n", 0);
    expect_read(root, "../../../../etc/marker", "inside\n", 0);
    expect_read(work, "../../../../../etc/marker", "inside\n", 0);
    expect_read(root, dots_marker, "MIRROR\n", 0);
    expect_read(AT_FDCWD, marker, "MIRROR\n", 0);
    expect_read(AT_FDCWD, dots_marker, "MIRROR\n", 0);
    expect_read(root, dots_keep, "", ENOENT);
    expect_read(work, "up/etc/marker", "inside\n", 0);
    expect_read(work, "esc/marker", "MIRROR\n", 0);
    expect_read(work, "rel/marker", "MIRROR\n", 0);
    expect_read(work, "esc/keep", "", ENOENT);
    expect_read(work, "rel/keep", "", ENOENT);
    expect_read(work, "escfile", "", ENOENT);
    expect_read(work, "chain/etc/marker", "inside\n", 0);
    expect_read(work, "loop", "", ELOOP);
    expect_read(work, "loop/x", "", ELOOP);
    expect_read(AT_FDCWD, cat("/proc/self/root/../../../..", marker), "MIRROR\n", 0);
    expect_read(AT_FDCWD, "/proc/self/root/../../etc/marker", "inside\n", 0);
    expect_read(AT_FDCWD, "/proc/self/cwd/../../../../etc/marker", "inside\n", 0);
    same_dir(openat(root, "..", O_RDONLY | O_DIRECTORY), root, "openat(/, \"..\") is /");
    same_dir(openat(root, dots, O_RDONLY | O_DIRECTORY), root, "openat(/, \"../../..\") is /");
    same_dir(openat(work, "up", O_RDONLY | O_DIRECTORY), root, "/work/up is /");
    same_dir(open("/proc/self/root/../..", O_RDONLY | O_DIRECTORY), root, "/proc/self/root/../.. is /");
    int proot = open("/proc/self/root", O_RDONLY | O_DIRECTORY);
    same_dir(proot >= 0 ? openat(proot, "../..", O_RDONLY | O_DIRECTORY) : -1, root, "openat(/proc/self/root, \"../..\") is /");
    struct stat st;
    expect_rc(fstatat(root, dots_keep, &st, 0), ENOENT, "fstatat ../…/keep");
    expect_rc(fstatat(work, "escfile", &st, 0), ENOENT, "fstatat escfile (→ keep)");
    expect_rc(faccessat(root, dots_keep, F_OK, 0), ENOENT, "faccessat ../…/keep");
    expect_rc(syscall(SYS_statx, work, "esc/keep", 0, 0xfff, &st), ENOENT, "statx esc/keep");

    /* ---- the cwd ---- */
    expect_rc(chdir("/work"), 0, "chdir /work");
    expect_cwd("/work", "cwd /work");
    expect_rc(chdir(dots), 0, "chdir ../../..");
    expect_cwd("/", "cwd after chdir ../.. is /");
    expect_read(AT_FDCWD, "etc/marker", "inside\n", 0);
    expect_rc(chdir("/work/up/../../.."), 0, "chdir /work/up/../../..");
    expect_cwd("/", "cwd after chdir through up is /");
    expect_rc(chdir("/work/esc"), 0, "chdir /work/esc");
    expect_cwd(outside, "cwd in the mirror");
    expect_read(AT_FDCWD, "marker", "MIRROR\n", 0);
    expect_rc(mkdir("made_in_cwd", 0755), 0, "mkdir made_in_cwd (mirror)");
    expect_rc(mkdir(cat(dots, "/made_dots_cwd"), 0755), 0, "mkdir ../…/made_dots_cwd (inside /)");
    expect_rc(fchdir(root), 0, "fchdir /");
    expect_cwd("/", "cwd after fchdir");
    expect_rc(fchdir(work), 0, "fchdir /work");
    expect_cwd("/work", "cwd after fchdir /work");

    /* ---- names: nothing may be created, renamed, linked or removed outside ---- */
    expect_rc(mkdirat(work, "esc/made_mkdir", 0755), 0, "mkdirat esc/made_mkdir (mirror)");
    expect_rc(mkdirat(root, cat(dots, cat(outside, "/made_mkdir2")), 0755), 0, "mkdirat ../…/made_mkdir2 (mirror)");
    expect_rc(mkdirat(work, "rel/made_mkdir3", 0755), 0, "mkdirat rel/made_mkdir3 (mirror)");
    int fd = openat(work, "rel/made_creat", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    expect_rc(fd, 0, "openat rel/made_creat O_CREAT (mirror)");
    if (fd >= 0) close(fd);
    fd = openat(work, "dang", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    expect_rc(fd, 0, "openat dang O_CREAT (through a dangling absolute link, mirror)");
    if (fd >= 0) close(fd);
    fd = openat(work, "tomove", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
    expect_rc(renameat(work, "tomove", work, "esc/moved_in"), 0, "renameat tomove → esc/moved_in (mirror)");
    expect_rc(renameat(root, dots_keep, work, "stolen"), ENOENT, "renameat ../…/keep → stolen");
    expect_rc(renameat(work, "esc/keep", work, "stolen2"), ENOENT, "renameat esc/keep → stolen2");
    expect_rc(renameat(AT_FDCWD, "rel/keep", AT_FDCWD, "stolen3"), ENOENT, "renameat rel/keep (cwd) → stolen3");
    fd = openat(work, "swapme", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
    expect_rc(syscall(SYS_renameat2, work, "swapme", work, "esc/keep", 2 /* RENAME_EXCHANGE */), ENOENT,
              "renameat2 RENAME_EXCHANGE swapme ↔ esc/keep");
    expect_rc(linkat(work, "esc/keep", work, "hard_keep", 0), ENOENT, "linkat esc/keep → hard_keep");
    expect_rc(linkat(work, "escfile", work, "hard_keep2", AT_SYMLINK_FOLLOW), ENOENT,
              "linkat escfile (→ keep) AT_SYMLINK_FOLLOW");
    expect_rc(linkat(root, dots_keep, root, "hard_keep3", 0), ENOENT, "linkat ../…/keep");
    expect_rc(linkat(work, "esc/marker", work, "hard_mirror", 0), 0, "linkat esc/marker → hard_mirror (mirror)");
    expect_rc(linkat(work, "swapme", work, "rel/linked_in", 0), 0, "linkat swapme → rel/linked_in (mirror)");
    expect_rc(symlinkat("x", work, "esc/sym_made"), 0, "symlinkat esc/sym_made (mirror)");
    expect_rc(unlinkat(work, "esc/keep", 0), ENOENT, "unlinkat esc/keep");
    expect_rc(unlinkat(root, dots_keep, 0), ENOENT, "unlinkat ../…/keep");
    expect_rc(unlinkat(AT_FDCWD, "escfile/", 0), ENOTDIR, "unlinkat escfile/ (a link, not followed)");
    expect_rc(mknodat(work, "esc/fifo", S_IFIFO | 0644, 0), 0, "mknodat esc/fifo (mirror)");
    expect_rc(truncate("/work/escfile", 0), ENOENT, "truncate escfile (→ keep)");
    expect_rc(truncate(cat(dots, keep), 0), ENOENT, "truncate ../…/keep (cwd)");
    expect_rc(chmod("/work/escfile", 0), ENOENT, "chmod escfile (→ keep)");
    expect_rc(fchmodat(root, dots_keep, 0, 0), ENOENT, "fchmodat ../…/keep");
    expect_rc(utimensat(work, "escfile", NULL, 0), ENOENT, "utimensat escfile (→ keep)");
    expect_rc(fchownat(work, "esc/keep", getuid(), getgid(), 0), ENOENT, "fchownat esc/keep");
    expect_rc(open("/work/escfile", O_WRONLY | O_TRUNC), ENOENT, "open escfile O_TRUNC (→ keep)");
    expect_rc(open(keep, O_WRONLY | O_CREAT | O_EXCL, 0600), 0, "open OUTSIDE/keep O_CREAT|O_EXCL (mirror)");
    int tmp = open("/work", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600); /* named through /proc/self/fd/N */
    snprintf(link, sizeof link, "/proc/self/fd/%d", tmp);
    expect_rc(tmp < 0 ? tmp : linkat(AT_FDCWD, link, work, "from_tmpfile", AT_SYMLINK_FOLLOW), 0,
              "linkat /proc/self/fd/N (O_TMPFILE) → from_tmpfile");
    char lnk[4096];
    ssize_t n = readlinkat(work, "esc", lnk, sizeof lnk - 1);
    lnk[n > 0 ? n : 0] = 0;
    report(n > 0 && strcmp(lnk, outside) == 0, "readlinkat esc is the link's text", lnk);

    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}

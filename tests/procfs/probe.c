/* probe.c — a glibc (dynamic) program that looks at its own /proc/self, run under
 * lxrun by procfs_cases.py.  Each mode checks what it can itself and prints
 * what the driver checks against the outside ("ok" last when all went well):
 *
 *   probe maps      prints /proc/self/maps
 *   probe stack     pthread_getattr_np on the main thread (glibc reads
 *                   /proc/self/maps for it): the stack holds a local variable
 *   probe links     /proc/self, exe, cwd, root, fd/N: readlink, stat, lstat, open
 *   probe dirs      /proc/self/fd opened as a directory: getdents64 in small
 *                   steps, lseek rewind, fstat, dup, openat from it
 *   probe files     stat/statm/status/cmdline/limits agree with getpid() and argv
 *   probe brand     prints the CPU's name as CPUID gives it now (leaf 0x80000002-4,
 *                   spaces trimmed), for the driver's lscpu check */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            printf("FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
            failures++;                                                             \
        }                                                                           \
    } while (0)

static long slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t n = 0;
    for (long r; n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0;) n += (size_t)r;
    buf[n] = 0;
    close(fd);
    return (long)n;
}

static void maps(void)
{
    static char buf[1 << 20];
    CHECK(slurp("/proc/self/maps", buf, sizeof buf) > 0);
    fputs(buf, stdout);
}

static void stack(void)
{
    pthread_attr_t a;
    void *addr = NULL;
    size_t size = 0;
    int local = 0;
    CHECK(pthread_getattr_np(pthread_self(), &a) == 0);
    CHECK(pthread_attr_getstack(&a, &addr, &size) == 0);
    CHECK(size >= 64 * 1024);
    CHECK((char *)&local >= (char *)addr && (char *)&local < (char *)addr + size);
    pthread_attr_destroy(&a);
    printf("stack %zu\n", size);
}

static void links(const char *argv0)
{
    char buf[4096], want[64];
    struct stat st, st2;
    ssize_t n = readlink("/proc/self", buf, sizeof buf);
    snprintf(want, sizeof want, "%d", (int)getpid());
    CHECK(n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0);
    CHECK(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode));
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n > 0 ? n : 0] = 0;
    char *real = realpath(argv0, NULL);
    CHECK(real && strcmp(real, buf) == 0);
    CHECK(lstat("/proc/self/exe", &st) == 0 && st.st_mode == (S_IFLNK | 0777));
    CHECK(stat("/proc/self/exe", &st) == 0 && S_ISREG(st.st_mode) && stat(real, &st2) == 0 &&
          st.st_ino == st2.st_ino);
    free(real);
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = { 0 };
    CHECK(fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0);
    close(fd);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strcmp(buf, cwd) == 0);
    CHECK(readlink("/proc/self/root", buf, sizeof buf) == 1 && buf[0] == '/');
    CHECK(access("/proc/self/root/etc/passwd", R_OK) == 0);
    CHECK(readlink("/proc/self/maps", buf, sizeof buf) < 0 && errno == EINVAL);
    /* fd/N: the file reopened with a fresh offset, a pipe reached again */
    int f = open("probe-data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(f >= 0 && write(f, "hello", 5) == 5);
    snprintf(want, sizeof want, "/proc/self/fd/%d", f);
    n = readlink(want, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    char expect[4200];
    snprintf(expect, sizeof expect, "%s/probe-data.txt", cwd);
    CHECK(strcmp(buf, expect) == 0);
    CHECK(lstat(want, &st) == 0 && st.st_mode == (S_IFLNK | 0700));
    int g = open(want, O_RDONLY);
    char got[8] = { 0 };
    CHECK(g >= 0 && g != f && read(g, got, 5) == 5 && memcmp(got, "hello", 5) == 0);
    close(g);
    int p[2];
    CHECK(pipe(p) == 0);
    snprintf(want, sizeof want, "/proc/self/fd/%d", p[0]);
    n = readlink(want, buf, sizeof buf - 1);
    CHECK(n > 6 && memcmp(buf, "pipe:[", 6) == 0);
    int q = open(want, O_RDONLY);
    char c = 0;
    CHECK(q >= 0 && write(p[1], "x", 1) == 1 && read(q, &c, 1) == 1 && c == 'x');
    snprintf(want, sizeof want, "/proc/self/fd/%d/x", p[0]);
    CHECK(open(want, O_RDONLY) < 0 && errno == ENOTDIR);
    CHECK(open("/proc/self/fd/999", O_RDONLY) < 0 && errno == ENOENT);
    CHECK(open("/proc/self/exe", O_RDONLY | O_NOFOLLOW) < 0 && errno == ELOOP);
    printf("links\n");
}

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Counts entries with getdents64 and a buffer that holds about one record. */
static int count_small(int fd, int *saw_self, int self_fd)
{
    char buf[40];
    int n = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < r;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            char fdname[16];
            snprintf(fdname, sizeof fdname, "%d", self_fd);
            if (strcmp(d->d_name, fdname) == 0 && d->d_type == DT_LNK) *saw_self = 1;
            n++;
            off += d->d_reclen;
        }
    CHECK(r == 0);
    return n;
}

static void dirs(void)
{
    int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
    int saw = 0;
    int n = count_small(fd, &saw, fd);
    CHECK(saw);
    CHECK(n >= 2 + 4); /* ".", "..", 0, 1, 2, fd */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(count_small(fd, &saw, fd) == n);
    int copy = dup(fd);
    CHECK(lseek(copy, 0, SEEK_SET) == 0);
    CHECK(count_small(copy, &saw, fd) == n + 1); /* the dup is listed too */
    close(copy);
    int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
    int comm = openat(self, "comm", O_RDONLY);
    char buf[64] = { 0 };
    CHECK(comm >= 0 && read(comm, buf, sizeof buf - 1) > 0 && strcmp(buf, "probe\n") == 0);
    CHECK(fstatat(self, "fd", &st, 0) == 0 && S_ISDIR(st.st_mode));
    DIR *d = fdopendir(self);
    int entries = 0, has_maps = 0;
    for (struct dirent *e; (e = readdir(d));) {
        entries++;
        has_maps |= strcmp(e->d_name, "maps") == 0 && e->d_type == DT_REG;
    }
    CHECK(has_maps && entries > 10);
    rewinddir(d);
    int again = 0;
    while (readdir(d)) again++;
    CHECK(again == entries);
    closedir(d);
    CHECK(open("/proc/self", O_WRONLY | O_DIRECTORY) < 0 && errno == EISDIR);
    CHECK(open("/proc/self/maps", O_RDONLY | O_DIRECTORY) < 0 && errno == ENOTDIR);
    printf("dirs %d\n", n);
}

static int count_fields(char *s)
{
    char *close = strrchr(s, ')');
    if (!close) return 0;
    int n = 2;
    for (char *t = strtok(close + 1, " \n"); t; t = strtok(NULL, " \n")) n++;
    return n;
}

static void files(int argc, char **argv)
{
    static char buf[1 << 16];
    char want[64];
    CHECK(slurp("/proc/self/stat", buf, sizeof buf) > 0);
    snprintf(want, sizeof want, "%d (probe) R %d ", (int)getpid(), (int)getppid());
    CHECK(strncmp(buf, want, strlen(want)) == 0);
    CHECK(count_fields(buf) == 52);
    CHECK(slurp("/proc/self/status", buf, sizeof buf) > 0);
    snprintf(want, sizeof want, "\nPid:\t%d\n", (int)getpid());
    CHECK(strncmp(buf, "Name:\tprobe\n", 12) == 0 && strstr(buf, want));
    CHECK(strstr(buf, "\nThreads:\t1\n") && strstr(buf, "\nVmRSS:\t") && strstr(buf, "\nSigBlk:\t"));
    long n = slurp("/proc/self/cmdline", buf, sizeof buf);
    long off = 0;
    for (int i = 0; i < argc; i++) {
        CHECK(off < n && strcmp(buf + off, argv[i]) == 0);
        off += (long)strlen(argv[i]) + 1;
    }
    CHECK(off == n);
    n = slurp("/proc/self/environ", buf, sizeof buf);
    CHECK(n > 0 && memmem(buf, (size_t)n, "PROBE_ENV=yes", 14) != NULL);
    CHECK(slurp("/proc/self/limits", buf, sizeof buf) > 0 && strncmp(buf, "Limit ", 6) == 0);
    CHECK(slurp("/proc/self/statm", buf, sizeof buf) > 0);
    CHECK(slurp("/proc/self/mounts", buf, sizeof buf) > 0 && strstr(buf, "proc /proc proc "));
    CHECK(slurp("/proc/mounts", buf, sizeof buf) > 0 && strstr(buf, "proc /proc proc "));
    CHECK(slurp("/proc/self/mountinfo", buf, sizeof buf) > 0 && strstr(buf, " / / "));
    CHECK(slurp("/proc/self/cgroup", buf, sizeof buf) > 0 && strncmp(buf, "0::/", 4) == 0);
    CHECK(slurp("/proc/thread-self/comm", buf, sizeof buf) > 0 && strcmp(buf, "probe\n") == 0);
    long a = slurp("/proc/self/auxv", buf, sizeof buf);
    CHECK(a > 16 && a % 16 == 0);
    int fd = open("/proc/self/maps", O_RDONLY);
    snprintf(want, sizeof want, "/proc/self/fdinfo/%d", fd);
    CHECK(slurp(want, buf, sizeof buf) > 0 && strncmp(buf, "pos:\t0\nflags:\t", 14) == 0);
    printf("files\n");
}

static void brand(void)
{
    unsigned w[12] = { 0 };
    if (__get_cpuid_max(0x80000000, NULL) >= 0x80000004)
        for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002 + i, &w[4 * i], &w[4 * i + 1], &w[4 * i + 2], &w[4 * i + 3]);
    char raw[49];
    memcpy(raw, w, 48);
    raw[48] = 0;
    const char *p = raw;
    while (*p == ' ') p++;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == ' ') n--;
    printf("%.*s\n", (int)n, p);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "maps")) maps();
    else if (!strcmp(mode, "stack")) stack();
    else if (!strcmp(mode, "links")) links(argv[0]);
    else if (!strcmp(mode, "dirs")) dirs();
    else if (!strcmp(mode, "files")) files(argc, argv);
    else if (!strcmp(mode, "brand")) brand();
    else {
        fprintf(stderr, "usage: probe maps|stack|links|dirs|files|brand\n");
        return 2;
    }
    if (failures) return 1;
    printf("ok\n");
    return 0;
}

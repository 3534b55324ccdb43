/* vfs.c — the mount table is the built-in defaults for now: "/" is "file:/",
 * the /dev nodes Redox has as schemes become those schemes. */
#include "vfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "../procfs/procfs.h"
#include "../report/record.h"

static const struct { const char *guest, *url; } dev_schemes[] = {
    { "/dev/null", "null:" },
    { "/dev/zero", "zero:" },
    { "/dev/urandom", "rand:" },
    { "/dev/random", "rand:" },
    { "/dev/full", "full:" },
};

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* "/a//b/./c/../d" → "/a/b/d".  Lexical: used only to decide whether a path
 * lands in an emulated tree (/proc, /sys, /dev are plain directories, so ".."
 * out of them is lexical); other paths go to the scheme as written, which
 * resolves symlinks and ".." itself. */
static void normalise(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    out[n++] = '/';
    while (*p) {
        while (*p == '/') p++;
        const char *e = p;
        while (*e && *e != '/') e++;
        size_t len = (size_t)(e - p);
        if (len == 0) break;
        if (len == 1 && p[0] == '.') {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 1 && out[n - 1] != '/') n--;
            if (n > 1) n--;
        } else if (n + len + 2 < cap) {
            if (n > 1) out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        p = e;
    }
    out[n] = 0;
}

/* Paths are recorded for the reports as the guest's own process writes them:
 * /proc/<its pid>/x as /proc/self/x, the same in every run. */
static void record(const char *path, int served)
{
    char self[PATH_MAX];
    if (strncmp(path, "/proc/", 6) == 0 && path[6] >= '1' && path[6] <= '9') {
        char *end;
        long pid = strtol(path + 6, &end, 10);
        if ((*end == 0 || *end == '/') && pid == rx_getpid() &&
            (size_t)snprintf(self, sizeof self, "/proc/self%s", end) < sizeof self)
            path = self;
    }
    lx_record_path(path, served);
}

#define MAX_LINKS 8 /* emulated symlinks followed in one resolution (Linux allows 40) */

static int resolve(int dirfd, const char *p, struct vfs_target *out, int depth);

/* A path relative to an emulated directory the guest opened: resolved from
 * that directory's path.  1 if dirfd is one (out filled), 0 if not. */
static int resolve_in_emulated_dir(int dirfd, const char *p, struct vfs_target *out, int depth, int *r)
{
    char dir[256];
    if (dirfd == RX_AT_CWD || !procfs_dir_of(dirfd, dir, sizeof dir)) return 0;
    char *abs = malloc(PATH_MAX);
    if (!abs) *r = -ENOMEM;
    else if ((size_t)snprintf(abs, PATH_MAX, "%s/%s", dir, p) >= PATH_MAX) *r = -ENAMETOOLONG;
    else *r = resolve(RX_AT_CWD, abs, out, depth);
    free(abs);
    return 1;
}

int vfs_resolve(int dirfd, const char *p, struct vfs_target *out) { return resolve(dirfd, p, out, 0); }

static int resolve(int dirfd, const char *p, struct vfs_target *out, int depth)
{
    out->dirfd = dirfd;
    out->node = NULL;
    if (p[0] != '/') {
        int r;
        if (p[0] && resolve_in_emulated_dir(dirfd, p, out, depth, &r)) return r;
        out->path = p;
        return 0;
    }
    out->dirfd = RX_AT_CWD;
    char norm[PATH_MAX];
    normalise(p, norm, sizeof norm);
    size_t plen = strlen(p);
    int trailing_slash = plen > 1 && p[plen - 1] == '/';
    /* Symlinks inside /proc (self, fd/N, cwd…) met before the last component
     * are followed here; the last one is the opener's to follow or not. */
    if (under(norm, "/proc") || under(norm, "/dev")) {
        char *next = malloc(PATH_MAX); /* recursion: kept off the signal stack */
        if (!next) return -ENOMEM;
        int r = procfs_resolve(norm, next, PATH_MAX);
        if (r > 0 && depth >= MAX_LINKS) r = -ELOOP;
        if (r > 0) {
            if (trailing_slash && strlen(next) + 1 < PATH_MAX) strcat(next, "/");
            r = resolve(RX_AT_CWD, next, out, depth + 1);
            free(next);
            return r;
        }
        free(next);
        if (r < 0) return r;
    }
    for (size_t i = 0; i < sizeof dev_schemes / sizeof dev_schemes[0]; i++)
        if (strcmp(norm, dev_schemes[i].guest) == 0) {
            record(norm, 1);
            if (trailing_slash) return -ENOTDIR; /* a device, not a directory */
            out->path = dev_schemes[i].url;
            return 0;
        }
    /* The host's /proc, /sys and /dev are never handed to the guest: lxrun's own
     * nodes are, where it has them. */
    if (under(norm, "/proc") || under(norm, "/sys") || under(norm, "/dev")) {
        out->node = procfs_lookup(norm, procfs_ncpu(), &out->cpu);
        if (!out->node) {
            record(norm, 0);
            return -ENOENT;
        }
        if (trailing_slash && out->node->kind == PROCFS_SYMLINK) { /* "/proc/self/": the link's directory */
            char *target = malloc(PATH_MAX);
            if (!target) return -ENOMEM;
            int fd;
            long r = procfs_link_target(out->node, out->cpu, norm, target, PATH_MAX - 1, &fd);
            if (r == 1) r = -ENOTDIR;
            else if (r == 0 && depth >= MAX_LINKS) r = -ELOOP;
            if (r == 0) {
                strcat(target, "/");
                r = resolve(RX_AT_CWD, target, out, depth + 1);
            }
            free(target);
            return (int)r;
        }
        if (trailing_slash && out->node->kind != PROCFS_DIR) return -ENOTDIR;
        snprintf(out->buf, sizeof out->buf, "%s", norm);
        out->path = out->buf;
        return 0;
    }
    size_t n = strlen(p);
    if (n + 6 > sizeof out->buf) return -ENAMETOOLONG;
    memcpy(out->buf, "file:", 5);
    memcpy(out->buf + 5, p, n + 1);
    out->path = out->buf;
    return 0;
}

/* Where an emulated symlink leads: *next resolved (0), or 1 with *fd the guest
 * fd it names when that has no path to open, or a negative errno. */
static long follow(const struct vfs_target *t, struct vfs_target *next, int depth, int *fd)
{
    char *target = malloc(PATH_MAX);
    if (!target) return -ENOMEM;
    long r = procfs_link_target(t->node, t->cpu, t->path, target, PATH_MAX, fd);
    if (r == 0 && depth >= MAX_LINKS) r = -ELOOP;
    if (r == 0) r = resolve(RX_AT_CWD, target, next, depth + 1);
    free(target);
    return r;
}

/* An fd's open file, reached again through /proc/self/fd/N without a path
 * (a pipe, a deleted file): a new handle to the same file. */
static long reopen_fd(int fd, int flags)
{
    char url[64];
    if (rx_fpath(fd, url, sizeof url) >= 0 && (strncmp(url, "file:socket:", 12) == 0 ||
                                               strncmp(url, "tcp:", 4) == 0 || strncmp(url, "udp:", 4) == 0))
        return -ENXIO; /* Linux cannot open a socket by path either */
    long nfd = rx_dup(fd, "");
    if (nfd >= 0 && (flags & O_CLOEXEC)) rx_fcntl((int)nfd, F_SETFD, FD_CLOEXEC);
    return nfd;
}

static long open_at_depth(const struct vfs_target *t, int flags, unsigned mode, int depth)
{
    if (t->node && t->node->kind == PROCFS_SYMLINK && !(flags & O_NOFOLLOW)) {
        record(t->path, 1);
        struct vfs_target *next = malloc(sizeof *next); /* links chain: not on the signal stack */
        if (!next) return -ENOMEM;
        int fd = -1;
        long how = follow(t, next, depth, &fd), r = how;
        if (how == 0) r = open_at_depth(next, flags, mode, depth + 1);
        free(next);
        if (fd >= 0 && (how == 1 || r == -ENOENT)) r = reopen_fd(fd, flags);
        return r;
    }
    if (t->node) {
        long fd = procfs_open(t->node, t->cpu, t->path, flags);
        record(t->path, fd >= 0);
        return fd;
    }
    return rx_openat(t->dirfd, t->path, flags, mode);
}

long vfs_open(const struct vfs_target *t, int flags, unsigned mode) { return open_at_depth(t, flags, mode, 0); }

static long stat_at_depth(const struct vfs_target *t, struct rx_stat *st, int follow_link, int depth)
{
    if (t->node->kind != PROCFS_SYMLINK || !follow_link) return procfs_stat(t->node, t->path, st);
    /* stat through the link: the target's stat, whatever it is */
    struct vfs_target *next = malloc(sizeof *next);
    if (!next) return -ENOMEM;
    int fd = -1;
    long how = follow(t, next, depth, &fd), r = how;
    if (how == 0 && next->node) {
        r = stat_at_depth(next, st, 1, depth + 1);
    } else if (how == 0) {
        long h = rx_openat(next->dirfd, next->path, O_PATH | O_CLOEXEC, 0);
        r = h < 0 ? h : rx_fstat((int)h, st);
        if (h >= 0) rx_close((int)h);
    }
    free(next);
    if (fd >= 0 && (how == 1 || r == -ENOENT)) { /* a pipe, a deleted file: the fd's own stat */
        r = rx_fstat(fd, st);
        if (r == 0) procfs_dir_fstat(fd, st);
    }
    return r;
}

long vfs_stat_node(const struct vfs_target *t, struct rx_stat *st, int follow_link)
{
    record(t->path, 1);
    return stat_at_depth(t, st, follow_link, 0);
}

int vfs_guest_path(const char *url, char *out, unsigned long cap)
{
    if (strncmp(url, "file:", 5) != 0) return -ENOENT;
    size_t n = strlen(url + 5);
    if (n + 1 > cap) return -ERANGE;
    memcpy(out, url + 5, n + 1);
    return (int)n;
}

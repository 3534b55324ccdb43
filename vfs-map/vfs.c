/* vfs.c — the mount table is the built-in defaults for now: "/" is "file:/",
 * the /dev nodes Redox has as schemes become those schemes. */
#include "vfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../redox/rx.h"
#include "../procfs/procfs.h"
#include "../report/record.h"

static const struct { const char *guest, *url; } dev_schemes[] = {
    { "/dev/null", "null:" },
    { "/dev/zero", "zero:" },
    { "/dev/urandom", "rand:" },
    { "/dev/random", "rand:" },
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

int vfs_resolve(int dirfd, const char *p, struct vfs_target *out)
{
    out->dirfd = dirfd;
    out->node = NULL;
    if (p[0] != '/') {
        out->path = p;
        return 0;
    }
    out->dirfd = RX_AT_CWD;
    char norm[PATH_MAX];
    normalise(p, norm, sizeof norm);
    size_t plen = strlen(p);
    int trailing_slash = plen > 1 && p[plen - 1] == '/';
    for (size_t i = 0; i < sizeof dev_schemes / sizeof dev_schemes[0]; i++)
        if (strcmp(norm, dev_schemes[i].guest) == 0) {
            lx_record_path(norm, 1);
            if (trailing_slash) return -ENOTDIR; /* a device, not a directory */
            out->path = dev_schemes[i].url;
            return 0;
        }
    /* The host's /proc, /sys and /dev are never handed to the guest: lxrun's own
     * nodes are, where it has them. */
    if (under(norm, "/proc") || under(norm, "/sys")) {
        out->node = procfs_lookup(norm, procfs_ncpu(), &out->cpu);
        if (!out->node) {
            lx_record_path(norm, 0);
            return -ENOENT;
        }
        if (trailing_slash && out->node->kind != PROCFS_DIR) return -ENOTDIR;
        snprintf(out->buf, sizeof out->buf, "%s", norm);
        out->path = out->buf;
        return 0;
    }
    if (under(norm, "/dev")) {
        lx_record_path(norm, 0);
        return -ENOENT;
    }
    size_t n = strlen(p);
    if (n + 6 > sizeof out->buf) return -ENAMETOOLONG;
    memcpy(out->buf, "file:", 5);
    memcpy(out->buf + 5, p, n + 1);
    out->path = out->buf;
    return 0;
}

long vfs_open(const struct vfs_target *t, int flags, unsigned mode)
{
    if (t->node) {
        long fd = procfs_open(t->node, t->cpu, t->path, flags);
        lx_record_path(t->path, fd >= 0);
        return fd;
    }
    return rx_openat(t->dirfd, t->path, flags, mode);
}

long vfs_stat_node(const struct vfs_target *t, struct rx_stat *st)
{
    lx_record_path(t->path, 1);
    return procfs_stat(t->node, t->path, st);
}

int vfs_guest_path(const char *url, char *out, unsigned long cap)
{
    if (strncmp(url, "file:", 5) != 0) return -ENOENT;
    size_t n = strlen(url + 5);
    if (n + 1 > cap) return -ERANGE;
    memcpy(out, url + 5, n + 1);
    return (int)n;
}

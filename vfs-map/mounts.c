/* mounts.c — the namespace's mount table: host directories, scheme nodes and
 * emulated trees at guest paths, longest-prefix lookup, and the way back from a
 * host path to its guest path. */
#include "vfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../process/fs.h"
#include "../redox/rx.h"
#include "vfs_internal.h"

/* ---- the confined namespace (--root, --mount) ---- */

int vfs_mount_special(const char *guest, const char *target)
{
    static const struct { const char *name, *root; } trees[] = {
        { "procfs", "/proc" }, { "sysfs", "/sys" }, { "devfs", "/dev" },
    };
    if (guest[0] != '/' || lx_fs.nspecials == LX_MAX_SPECIAL) return -EINVAL;
    int tree = -1;
    for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++)
        if (strcmp(target, trees[i].name) == 0) tree = (int)i;
    size_t tl = strlen(target);
    if (tree < 0 && (tl < 2 || target[tl - 1] != ':' || strchr(target, '/'))) return -EINVAL;
    if (tree < 0) { /* the scheme must answer */
        long fd = rx_openat(RX_AT_CWD, target, RX_O_RDONLY | RX_O_CLOEXEC, 0);
        if (fd < 0) return (int)fd;
        rx_close((int)fd);
    }
    vfs_normalise(guest, lx_fs.specials[lx_fs.nspecials].guest, sizeof lx_fs.specials[lx_fs.nspecials].guest);
    snprintf(lx_fs.specials[lx_fs.nspecials].target, sizeof lx_fs.specials[lx_fs.nspecials].target, "%s", tree < 0 ? target : trees[tree].root);
    lx_fs.specials[lx_fs.nspecials].tree = tree >= 0;
    lx_fs.nspecials++;
    return 0;
}

/* A path under a special mount: 1 with out resolved, 0 when none applies. */
int vfs_resolve_special(const char *norm, int trailing_slash, struct vfs_target *out, int depth, int *r)
{
    int best = -1;
    size_t blen = 0;
    for (int i = 0; i < lx_fs.nspecials; i++) {
        size_t n = strlen(lx_fs.specials[i].guest);
        if (vfs_under(norm, lx_fs.specials[i].guest) && n > blen) { best = i; blen = n; }
    }
    if (best < 0) return 0;
    if (!lx_fs.specials[best].tree) {
        if (norm[blen] || trailing_slash) { *r = -ENOTDIR; return 1; } /* a node, not a directory */
        out->path = lx_fs.specials[best].target;
        *r = 0;
        return 1;
    }
    char *next = malloc(PATH_MAX);
    if (!next) { *r = -ENOMEM; return 1; }
    snprintf(next, PATH_MAX, "%s%s%s", lx_fs.specials[best].target, norm + blen, trailing_slash ? "/" : "");
    *r = depth >= MAX_LINKS ? -ELOOP : vfs_resolve_depth(RX_AT_CWD, next, out, depth + 1);
    free(next);
    return 1;
}

void vfs_set_shm(const char *host_dir) { snprintf(lx_fs.shm_host, sizeof lx_fs.shm_host, "%s", host_dir); }

int vfs_confined(void) { return lx_fs.confined; }

/* The mount serving a normalised guest path: the longest guest prefix. */
const struct lx_mount *vfs_mount_of(const char *norm)
{
    const struct lx_mount *best = NULL;
    for (int i = 0; i < lx_fs.nmounts; i++) {
        const struct lx_mount *m = &lx_fs.mounts[i];
        if (m->glen && !vfs_under(norm, m->guest)) continue;
        if (!best || m->glen > best->glen) best = m;
    }
    return best;
}

int vfs_mount(const char *guest, int dirfd)
{
    if (guest[0] != '/') return -EINVAL;
    if (lx_fs.nmounts == LX_MAX_MOUNTS) return -ENOSPC;
    char norm[PATH_MAX], url[PATH_MAX + 16];
    vfs_normalise(guest, norm, sizeof norm);
    long r = rx_fpath(dirfd, url, sizeof url);
    if (r < 0) return (int)r;
    if (strncmp(url, "file:/", 6) != 0) return -ENOTDIR;
    const char *host = url + 5;
    if (strcmp(host, "/") == 0) host = "";
    for (int i = 0; i < lx_fs.nmounts; i++)
        if (strcmp(lx_fs.mounts[i].guest, norm) == 0) { /* given twice: the later one wins */
            free(lx_fs.mounts[i].guest);
            free(lx_fs.mounts[i].host);
            rx_close(lx_fs.mounts[i].fd);
            lx_fs.mounts[i] = lx_fs.mounts[--lx_fs.nmounts];
            break;
        }
    struct lx_mount *m = &lx_fs.mounts[lx_fs.nmounts];
    m->guest = strdup(norm);
    m->host = strdup(host);
    if (!m->guest || !m->host) return -ENOMEM;
    m->glen = strcmp(norm, "/") == 0 ? 0 : strlen(norm);
    m->hlen = strlen(host);
    m->fd = dirfd;
    lx_fs.nmounts++;
    return 0;
}

int vfs_host_under(const char *h, const struct lx_mount *m)
{
    return strncmp(h, m->host, m->hlen) == 0 && (h[m->hlen] == 0 || h[m->hlen] == '/');
}

/* a then b into out (cap bytes): the length, or -ERANGE.  By hand, not
 * snprintf: getcwd serves on the guest's FS (GUESTFS), where glibc's printf
 * reads its locale through lxrun's TLS. */
static int concat_into(char *out, size_t cap, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na + nb + 1 > cap) return -ERANGE;
    memcpy(out, a, na);
    memcpy(out + na, b, nb + 1);
    return (int)(na + nb);
}

/* A host path → the guest path of the mount it lies in (the longest host
 * prefix), or -ENOENT. */
int vfs_guest_of_host(const char *h, char *out, size_t cap)
{
    const struct lx_mount *best = NULL;
    for (int i = 0; i < lx_fs.nmounts; i++)
        if (vfs_host_under(h, &lx_fs.mounts[i]) && (!best || lx_fs.mounts[i].hlen > best->hlen)) best = &lx_fs.mounts[i];
    if (!best) return -ENOENT;
    const char *rest = h + best->hlen;
    return best->glen ? concat_into(out, cap, best->guest, rest) : concat_into(out, cap, "", *rest ? rest : "/");
}

/* An absolute guest path outside the emulated trees → (mount handle, path inside
 * it) in out.  Beneath the root the path goes to the kernel as written, so '..'
 * after a symlink is physical, as Linux resolves it; a path in a mount has no '..'
 * by now (resolve walked it) and its normalised remainder is used. */
int vfs_confined_target(const char *p, const char *norm, int trailing_slash, struct vfs_target *out)
{
    const struct lx_mount *m = vfs_mount_of(norm);
    if (!m) return -ENOENT;
    const char *rel = m->glen ? norm + m->glen : p;
    while (*rel == '/') rel++;
    size_t n = strlen(rel);
    if (n + 3 > sizeof out->buf) return -ENAMETOOLONG;
    if (n == 0) strcpy(out->buf, ".");
    else {
        memcpy(out->buf, rel, n + 1);
        if (trailing_slash && rel[n - 1] != '/') strcpy(out->buf + n, "/");
    }
    out->dirfd = m->fd;
    out->beneath = 1;
    out->mount = (int)(m - lx_fs.mounts);
    out->path = out->buf;
    return 0;
}

/* The part of a normalised guest path inside its mount, for the backend. */
const char *vfs_inside_mount(const char *g, const struct lx_mount *m)
{
    const char *rel = g + m->glen;
    while (*rel == '/') rel++;
    return *rel ? rel : ".";
}

int vfs_guest_path(const char *url, char *out, unsigned long cap)
{
    if (strncmp(url, "file:", 5) != 0) return -ENOENT;
    if (lx_fs.confined) return vfs_guest_of_host(url + 5, out, cap);
    size_t sl = strlen(lx_fs.shm_host);
    if (sl && strncmp(url + 5, lx_fs.shm_host, sl) == 0 && (url[5 + sl] == 0 || url[5 + sl] == '/')) {
        return concat_into(out, cap, "/dev/shm", url + 5 + sl);
    }
    size_t n = strlen(url + 5);
    if (n + 1 > cap) return -ERANGE;
    memcpy(out, url + 5, n + 1);
    return (int)n;
}

const char *vfs_fd_guest_path(int fd, const struct rx_stat *st, char *buf, unsigned long cap)
{
    if (rx_fpath_stat(fd, st, buf, cap) < 0) return NULL;
    size_t n = strlen(buf) + 1;
    return vfs_guest_path(buf, buf + n, cap - n) >= 0 ? buf + n : NULL;
}

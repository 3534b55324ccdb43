/* vfs.c — resolving a guest path: the /dev nodes Redox has as schemes become those
 * schemes, /proc /sys /dev are lxrun's, and the rest is either the host's "/"
 * ("file:/…", the default) or, with --root/--mount, looked up beneath lxrun's
 * handle on the directory serving that part of the tree; symlinks walked across
 * mounts; opening and stat of what a path names (docs/design-notes.md).  The mount
 * table is mounts.c, the cwd cwd.c, lexical path work path.c. */
#include "vfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../process/fd_table.h"
#include "../process/fs.h"
#include "../procfs/procfs.h"
#include "../redox/rx.h"
#include "../report/record.h"
#include "../trap/fs_call.h"
#include "vfs_internal.h"

static int resolve_ex(int dirfd, const char *p, struct vfs_target *out, int depth, int walked);

/* /dev/pts/N is a pseudo-terminal's slave: Redox's "pty:N". */
static int pts_url(const char *norm, char *out, size_t cap)
{
    const char *n = norm + 9;
    if (strncmp(norm, "/dev/pts/", 9) != 0 || *n < '0' || *n > '9' || (n[0] == '0' && n[1])) return 0;
    for (const char *q = n; *q; q++)
        if (*q < '0' || *q > '9') return 0;
    return (size_t)snprintf(out, cap, "pty:%s", n) < cap;
}

/* A target with nothing found yet: dirfd, no node, not beneath a root. */
static void target_start(struct vfs_target *out, int dirfd)
{
    out->dirfd = dirfd;
    out->node = NULL;
    out->beneath = 0;
    out->owned = -1;
    out->mount = -1;
}

/* The host's "/" serves absolute path p: its file: URL in out->buf. */
static int file_url(const char *p, struct vfs_target *out)
{
    size_t n = strlen(p);
    if (n + 6 > sizeof out->buf) return -ENAMETOOLONG;
    memcpy(out->buf, "file:", 5);
    memcpy(out->buf + 5, p, n + 1);
    out->path = out->buf;
    return 0;
}

/* Whether path p's first component is name.  (By hand: this runs on the guest's
 * FS, where libc's string functions with a stack guard cannot.) */
static int first_is(const char *p, const char *name)
{
    while (*name && *p == *name) p++, name++;
    return !*name && (!*p || *p == '/');
}

/* Whether component c (followed by '/' or the end) names an emulated tree. */
static int names_emulated_tree(const char *c)
{
    return first_is(c, "proc") || first_is(c, "sys") || first_is(c, "dev");
}

/* Whether absolute path p, with no "..", lies in /proc, /sys or /dev: its first
 * component past empty and "." ones, as vfs_normalise would leave it (read in
 * place: a path buffer here was a page of every path call's stack). */
static int in_emulated_tree(const char *p)
{
    for (;;) {
        while (*p == '/') p++;
        if (p[0] != '.' || (p[1] && p[1] != '/')) break;
        p++;
    }
    return names_emulated_tree(p);
}

/* Whether absolute path p, taken lexically as vfs_normalise takes it ("." and
 * ".." away), lies in /proc, /sys or /dev: its first component as the components
 * are pushed and popped, read in place. */
static int normalised_in_emulated_tree(const char *p)
{
    const char *first = p;
    int depth = 0;
    for (;;) {
        while (*p == '/') p++;
        if (!*p) break;
        size_t n = 0;
        while (p[n] && p[n] != '/') n++;
        if (n == 2 && p[0] == '.' && p[1] == '.') depth -= depth > 0;
        else if (n != 1 || p[0] != '.') first = depth++ ? first : p;
        p += n;
    }
    return depth && names_emulated_tree(first);
}

/* The common case, on any FS (a GUESTFS call's path: trap/fs_call.h): with no
 * --root, --mount or special mount, a relative path not from an emulated
 * directory stays relative, and an absolute one outside /proc, /sys and /dev
 * becomes a file: URL.  With a "..", the host resolves it as Linux would, where
 * resolve_ex would hand it on unchanged: the part before the first ".." outside
 * the emulated trees (no /proc/self/cwd/..), and the whole, taken lexically, too
 * (gcc's include and library paths: /usr/lib/gcc/x86_64-linux-gnu/12/../../../..,
 * each a switch to lxrun's FS and an 8 KiB allocation before).  1 when the path
 * needs resolve_ex. */
static int resolve_plain(int dirfd, const char *p, struct vfs_target *out)
{
    if (lx_fs.confined || lx_fs.nspecials) return 1;
    if (p[0] != '/') {
        if (!p[0] || (dirfd == RX_AT_CWD ? lx_fs.virtual_cwd[0] != 0 : lx_fd_get(dirfd) != NULL)) return 1;
        for (const char *q = p; *q && *q != '/'; q++)
            if (*q == ':') return 1; /* "a:b" must not be read as a scheme URL */
        target_start(out, dirfd);
        out->path = p;
        return 0;
    }
    if (in_emulated_tree(p) || (vfs_has_component(p, 0) && normalised_in_emulated_tree(p))) return 1;
    target_start(out, RX_AT_CWD);
    return file_url(p, out);
}

struct resolve_args { int dirfd; const char *p; struct vfs_target *out; int depth; };

static long resolve_any(void *a)
{
    struct resolve_args *r = a;
    return resolve_ex(r->dirfd, r->p, r->out, r->depth, 0);
}

int vfs_resolve_depth(int dirfd, const char *p, struct vfs_target *out, int depth)
{
    int r = resolve_plain(dirfd, p, out);
    if (r <= 0) return r;
    struct resolve_args a = { dirfd, p, out, depth };
    return (int)lx_fs_call(resolve_any, &a);
}

/* ---- symlinks, resolved by lxrun across mounts and into lxrun's trees ----
 * The backend resolves a path beneath one directory.  When a lookup meets a
 * symlink (RX_BENEATH_NO_SYMLINKS answered ELOOP), the link may lead into another
 * mount or into /proc: the path is then walked here, one component at a time,
 * each step itself a lookup beneath the mount serving it, with links read and
 * their text continued from the guest's "/" or the link's directory. */

#define MAX_SYMLINKS 40 /* as Linux */

/* The guest path a beneath target names (its mount's prefix and its path). */
static int target_guest_path(const struct vfs_target *t, const char *rel, char *out, size_t cap)
{
    const struct lx_mount *m = &lx_fs.mounts[t->mount];
    while (*rel == '/') rel++;
    int n = snprintf(out, cap, "%s/%s", m->glen ? m->guest : "", rel);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Resolves the symlinks of guest path g (absolute): *out is the same file's path
 * with none left but the last component when !follow_last; from lxrun's trees on
 * the rest is left to vfs_resolve, as are components that do not exist. */
static int walk(const char *g, int follow_last, char *out, size_t cap)
{
    char *cur = malloc(3 * PATH_MAX), *rest = cur + PATH_MAX, *link = rest + PATH_MAX;
    if (!cur) return -ENOMEM;
    size_t glen = strlen(g);
    int trailing = glen > 1 && g[glen - 1] == '/', links = 0, r = 0;
    cur[0] = 0; /* "" is "/" */
    snprintf(rest, PATH_MAX, "%s", g);
    const char *p = rest;
    for (;;) {
        while (*p == '/') p++;
        if (!*p) break;
        size_t n = strcspn(p, "/"), clen = strlen(cur);
        const char *after = p + n;
        while (*after == '/') after++;
        int last = *after == 0;
        if (n == 1 && p[0] == '.') { p += n; continue; }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (clen > 0 && cur[clen - 1] != '/') clen--;
            cur[clen ? clen - 1 : 0] = 0;
            p += n;
            continue;
        }
        if (clen + n + 2 > PATH_MAX) { r = -ENAMETOOLONG; break; }
        cur[clen] = '/';
        memcpy(cur + clen + 1, p, n);
        cur[clen + 1 + n] = 0;
        p += n;
        if (vfs_under(cur, "/proc") || vfs_under(cur, "/sys") || vfs_under(cur, "/dev")) break; /* the rest: lxrun's */
        if (last && !follow_last && !trailing) break;
        const struct lx_mount *m = vfs_mount_of(cur);
        long fd = m ? rx_open_beneath(m->fd, vfs_inside_mount(cur, m), RX_O_PATH | RX_O_NOFOLLOW | RX_O_CLOEXEC, 0,
                                      RX_BENEATH_NO_SYMLINKS) : -ENOENT;
        if (fd < 0) break; /* the caller's own lookup reports it */
        struct rx_stat st;
        long ln = rx_fstat((int)fd, &st) == 0 && RX_MODE_IS(st.mode, RX_MODE_SYMLINK) ? rx_readlinkat((int)fd, "", link, PATH_MAX - 1) : -1;
        rx_close((int)fd);
        if (ln < 0) continue;
        if (++links > MAX_SYMLINKS) { r = -ELOOP; break; }
        if (ln == 0) { r = -ENOENT; break; }
        link[ln] = 0;
        while (*p == '/') p++;
        if ((size_t)ln + strlen(p) + 2 > PATH_MAX) { r = -ENAMETOOLONG; break; }
        /* the link's text replaces its name: from "/" or from its directory */
        size_t plen = strlen(p);
        memmove(rest + ln + (plen ? 1 : 0), p, plen + 1);
        memcpy(rest, link, (size_t)ln);
        if (plen) rest[ln] = '/';
        p = rest;
        if (link[0] == '/') cur[0] = 0;
        else cur[clen] = 0;
    }
    while (*p == '/') p++;
    if (r == 0) {
        int w = snprintf(out, cap, "%s%s%s", cur[0] ? cur : "/", *p && cur[0] ? "/" : "", p);
        if (w < 0 || (size_t)w >= cap) r = -ENAMETOOLONG;
        else if (trailing && !*p && w > 1 && (size_t)w + 1 < cap) strcat(out, "/");
    }
    free(cur);
    return r;
}

static long open_at_depth(const struct vfs_target *t, int flags, unsigned mode, int depth);

/* Opens rel (beneath t's mount) after resolving its symlinks here (walk).  A
 * directory for a name operation (dir_only) must not be one of lxrun's. */
static long open_walked(const struct vfs_target *t, const char *rel, int flags, unsigned mode, int dir_only)
{
    static __thread int nesting; /* a link into /proc leading back to a link */
    if (nesting >= 4) return -ELOOP;
    char *g = malloc(2 * PATH_MAX), *w = g + PATH_MAX;
    if (!g) return -ENOMEM;
    nesting++;
    long r = target_guest_path(t, rel, g, PATH_MAX);
    if (r == 0) r = walk(g, !(flags & RX_O_NOFOLLOW), w, PATH_MAX);
    struct vfs_target *next = r == 0 ? malloc(sizeof *next) : NULL;
    if (r == 0 && !next) r = -ENOMEM;
    if (r == 0) r = resolve_ex(RX_AT_CWD, w, next, 0, 1);
    if (r == 0 && !next->beneath) r = dir_only ? -EACCES : open_at_depth(next, flags, mode, 1);
    else if (r == 0) r = rx_open_beneath(next->dirfd, next->path, flags, mode, RX_BENEATH_NO_SYMLINKS);
    free(next);
    free(g);
    nesting--;
    return r;
}

long vfs_parent(struct vfs_target *t)
{
    if (!t->beneath) {
        /* lxrun's /proc, /sys and /dev nodes are not the host's: a name operation
         * there must never reach the host's.  Linux's procfs and sysfs have no
         * create, unlink, rename or link operations: EPERM. */
        return t->node ? -EPERM : 0;
    }
    char *p = t->buf; /* beneath: path is buf, relative to the mount */
    size_t n = strlen(p), end = n;
    while (end > 1 && p[end - 1] == '/') end--;
    size_t start = end;
    while (start > 0 && p[start - 1] != '/') start--;
    char last[NAME_MAX + 8];
    size_t llen = n - start;
    if (llen + 3 > sizeof last) return -ENAMETOOLONG;
    last[0] = '.';
    last[1] = '/';
    memcpy(last + 2, p + start, llen + 1); /* "./name": never read as a scheme URL */
    if (start > 0) {
        p[start] = 0; /* the directory part, with its '/' */
        long fd = rx_open_beneath(t->dirfd, p, RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0, RX_BENEATH_NO_SYMLINKS);
        if (fd == -ELOOP) fd = open_walked(t, p, RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0, 1);
        if (fd < 0) return fd;
        t->owned = (int)fd;
        t->dirfd = (int)fd;
    }
    memcpy(p, last, llen + 3);
    t->path = p;
    t->beneath = 0;
    return 0;
}

void vfs_release(struct vfs_target *t)
{
    if (t->owned >= 0) rx_close(t->owned);
    t->owned = -1;
}

/* Paths are recorded for the reports as the guest's own process writes them:
 * /proc/<its pid>/x as /proc/self/x, the same in every run. */
void vfs_record(const char *path, int served)
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

/* A path relative to an emulated directory the guest opened: resolved from
 * that directory's path.  1 if dirfd is one (out filled), 0 if not. */
static int resolve_in_emulated_dir(int dirfd, const char *p, struct vfs_target *out, int depth, int *r)
{
    char dir[256];
    if (dirfd == RX_AT_CWD || !procfs_dir_of(dirfd, dir, sizeof dir)) return 0;
    char *abs = malloc(PATH_MAX);
    if (!abs) *r = -ENOMEM;
    else if ((size_t)snprintf(abs, PATH_MAX, "%s/%s", dir, p) >= PATH_MAX) *r = -ENAMETOOLONG;
    else *r = vfs_resolve_depth(RX_AT_CWD, abs, out, depth);
    free(abs);
    return 1;
}

int vfs_resolve(int dirfd, const char *p, struct vfs_target *out) { return vfs_resolve_depth(dirfd, p, out, 0); }

/* Under a confined namespace: a relative path joined to the guest path of its
 * start directory, then resolved as an absolute one. */
static int resolve_relative_confined(int dirfd, const char *p, struct vfs_target *out, int depth)
{
    if (!p[0]) return -ENOENT;
    char *abs = malloc(PATH_MAX);
    if (!abs) return -ENOMEM;
    int r = vfs_dir_guest_path(dirfd, abs, PATH_MAX);
    size_t n = strlen(abs), len = strlen(p);
    if (r == 0 && n + len + 2 > PATH_MAX) r = -ENAMETOOLONG;
    if (r == 0) {
        if (n > 1) abs[n++] = '/';
        memcpy(abs + n, p, len + 1);
        r = vfs_resolve_depth(RX_AT_CWD, abs, out, depth);
    }
    free(abs);
    return r;
}

/* A '..' after one of lxrun's symlinks (/proc/self/root/.., /proc/self/cwd/..,
 * /usr/../proc/self/cwd/..) goes up from where the link leads, as Linux resolves
 * it: the path before the first such '..' is expanded first.  0 when done (out
 * filled) or a negative errno; 1 when no '..' follows such a link. */
static int dotdot_after_link(const char *p, struct vfs_target *out, int depth)
{
    char *head = NULL, *next = NULL;
    int r = 1;
    for (const char *dd = p;;) {
        while (*dd == '/') dd++;
        if (!*dd) break;
        size_t n = strcspn(dd, "/");
        if (n != 2 || dd[0] != '.' || dd[1] != '.') {
            dd += n;
            continue;
        }
        if (!head && !(head = malloc(2 * PATH_MAX))) return -ENOMEM;
        next = head + PATH_MAX;
        if ((size_t)(dd - p) >= PATH_MAX) break;
        memcpy(next, p, (size_t)(dd - p));
        next[dd - p] = 0;
        vfs_normalise(next, head, PATH_MAX - 1);
        if (vfs_under(head, "/proc") || vfs_under(head, "/dev")) {
            strcat(head, "/");
            r = procfs_resolve(head, next, PATH_MAX);
            if (r > 0 && depth >= MAX_LINKS) r = -ELOOP;
            if (r > 0 && strlen(next) + strlen(dd) + 2 > PATH_MAX) r = -ENAMETOOLONG;
            if (r > 0) {
                strcat(strcat(next, "/"), dd);
                r = vfs_resolve_depth(RX_AT_CWD, next, out, depth + 1);
                break;
            }
            if (r < 0) break;
            r = 1; /* no link before this '..': a later one may follow one */
        }
        dd += n;
    }
    free(head);
    return r;
}

static int resolve_ex(int dirfd, const char *p, struct vfs_target *out, int depth, int walked)
{
    target_start(out, dirfd);
    if (p[0] != '/' && dirfd == RX_AT_CWD && lx_fs.virtual_cwd[0] && depth < MAX_LINKS) {
        char *joined = malloc(PATH_MAX); /* relative to an emulated cwd: made absolute */
        if (!joined) return -ENOMEM;
        int r = (size_t)snprintf(joined, PATH_MAX, "%s/%s", lx_fs.virtual_cwd, p) >= PATH_MAX ? -ENAMETOOLONG
                                                                                       : vfs_resolve_depth(RX_AT_CWD, joined, out, depth + 1);
        free(joined);
        return r;
    }
    if (p[0] != '/') {
        int r;
        if (p[0] && resolve_in_emulated_dir(dirfd, p, out, depth, &r)) return r;
        if (lx_fs.confined) return resolve_relative_confined(dirfd, p, out, depth);
        out->path = p;
        /* A relative "a:b" is a file name, never a scheme URL: say so with "./". */
        const char *colon = strchr(p, ':'), *slash = strchr(p, '/');
        if (colon && (!slash || colon < slash)) {
            if (strlen(p) + 3 > sizeof out->buf) return -ENAMETOOLONG;
            snprintf(out->buf, sizeof out->buf, "./%s", p);
            out->path = out->buf;
        }
        return 0;
    }
    out->dirfd = RX_AT_CWD;
    int r = dotdot_after_link(p, out, depth);
    if (r <= 0) return r;
    size_t plen = strlen(p);
    char norm[plen < PATH_MAX ? plen + 3 : PATH_MAX]; /* never longer than p: a frame no deeper than it needs */
    vfs_normalise(p, norm, sizeof norm);
    int trailing_slash = plen > 1 && p[plen - 1] == '/';
    /* Symlinks inside /proc (self, fd/N, cwd…) met before the last component
     * are followed here; the last one is the opener's to follow or not. */
    if (vfs_under(norm, "/proc") || vfs_under(norm, "/dev")) {
        /* A usual link's expansion (/proc/self -> /proc/1234) fits the small buffer;
         * a longer one is made again on the heap: recursion, kept off the signal
         * stack, where a first malloc of PATH_MAX was three page faults in a new
         * process (the allocator's group and its pages). */
        char small[256], *next = small;
        size_t cap = sizeof small;
        int r = procfs_resolve(norm, next, cap - 1); /* room for a trailing slash, as below */
        if (r == -ENAMETOOLONG) {
            if (!(next = malloc(PATH_MAX))) return -ENOMEM;
            cap = PATH_MAX;
            r = procfs_resolve(norm, next, cap);
        }
        if (r > 0 && depth >= MAX_LINKS) r = -ELOOP;
        int followed = r > 0;
        if (followed) {
            if (trailing_slash && strlen(next) + 1 < cap) strcat(next, "/");
            r = vfs_resolve_depth(RX_AT_CWD, next, out, depth + 1);
        }
        if (next != small) free(next);
        if (followed || r < 0) return r;
    }
    if (lx_fs.nspecials && vfs_resolve_special(norm, trailing_slash, out, depth, &r)) return r;
    /* /dev/shm is a real directory of lxrun's, where POSIX shared memory lives
     * (a confined namespace mounts it like any other). */
    if (!lx_fs.confined && lx_fs.shm_host[0] && vfs_under(norm, "/dev/shm")) {
        if ((size_t)snprintf(out->buf, sizeof out->buf, "file:%s%s", lx_fs.shm_host, norm + 8) >= sizeof out->buf)
            return -ENAMETOOLONG;
        out->path = out->buf;
        return 0;
    }
    /* The host's /proc, /sys and /dev are never handed to the guest: lxrun's own
     * nodes are, where it has them, and a /dev node Redox has as a scheme opens it. */
    if (pts_url(norm, out->buf, sizeof out->buf)) {
        vfs_record(norm, 1);
        if (trailing_slash) return -ENOTDIR;
        out->path = out->buf;
        return 0;
    }
    if (vfs_under(norm, "/proc") || vfs_under(norm, "/sys") || vfs_under(norm, "/dev")) {
        out->node = procfs_lookup(norm, PROCFS_NCPU_ASK, &out->cpu);
        if (out->node && out->node->scheme) {
            vfs_record(norm, 1);
            if (trailing_slash) return -ENOTDIR; /* a device, not a directory */
            out->path = out->node->scheme;
            out->node = NULL;
            return 0;
        }
        if (!out->node) {
            vfs_record(norm, 0);
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
                r = vfs_resolve_depth(RX_AT_CWD, target, out, depth + 1);
            }
            free(target);
            return (int)r;
        }
        if (trailing_slash && out->node->kind != PROCFS_DIR) return -ENOTDIR;
        snprintf(out->buf, sizeof out->buf, "%s", norm);
        out->path = out->buf;
        return 0;
    }
    if (lx_fs.confined && !walked && vfs_has_component(p, 0) && (lx_fs.nmounts > 1 || vfs_has_component(p, 1))) {
        /* a '..' that may cross a mount or an emulated tree: physically, by a walk */
        char *w = malloc(PATH_MAX);
        if (!w) return -ENOMEM;
        r = walk(p, 0, w, PATH_MAX);
        if (r == 0) r = resolve_ex(RX_AT_CWD, w, out, depth, 1);
        free(w);
        return r;
    }
    if (lx_fs.confined) return vfs_confined_target(p, norm, trailing_slash, out);
    return file_url(p, out);
}

/* Where an emulated symlink leads: *next resolved (0), or 1 with *fd the guest
 * fd it names when that has no path to open, or a negative errno.  The target in
 * 256 bytes first, the heap only beyond (procfs_link_target says when it filled
 * its room): in a new process a first malloc of a page is three faults (busybox
 * execs each applet through /proc/self/exe). */
static long follow(const struct vfs_target *t, struct vfs_target *next, int depth, int *fd)
{
    char small[256], *target = small;
    long r = procfs_link_target(t->node, t->cpu, t->path, target, sizeof small, fd);
    if (r == -ENAMETOOLONG) {
        if (!(target = malloc(PATH_MAX))) return -ENOMEM;
        r = procfs_link_target(t->node, t->cpu, t->path, target, PATH_MAX, fd);
    }
    if (r == 0 && depth >= MAX_LINKS) r = -ELOOP;
    if (r == 0) r = vfs_resolve_depth(RX_AT_CWD, target, next, depth + 1);
    if (target != small) free(target);
    return r;
}

/* An fd's open file, reached again through /proc/self/fd/N without a path
 * (a pipe, a deleted file): a new handle to the same file. */
static long reopen_fd(int fd, int flags)
{
    char url[64];
    if (rx_fpath(fd, url, sizeof url) >= 0 &&
        (strncmp(url, "uds_", 4) == 0 || strncmp(url, "tcp:", 4) == 0 || strncmp(url, "udp:", 4) == 0))
        return -ENXIO; /* Linux cannot open a socket by path either */
    long nfd = rx_dup(fd, "");
    if (nfd >= 0 && (flags & RX_O_CLOEXEC)) rx_fcntl((int)nfd, RX_F_SETFD, RX_FD_CLOEXEC);
    /* O_TRUNC as a new open does it (a memfd reopened to empty it); the handle is a
     * copy, not a new open: it shares the offset and access mode */
    if (nfd >= 0 && (flags & RX_O_TRUNC) && (flags & RX_O_ACCMODE) != RX_O_RDONLY) {
        long r = rx_ftruncate((int)nfd, 0);
        if (r < 0) {
            rx_close((int)nfd);
            return r;
        }
    }
    return nfd;
}

/* A target that is not an emulated node: a URL, a path relative to a guest dirfd,
 * or a path beneath a confinement root. */
static long open_plain(const struct vfs_target *t, int flags, unsigned mode)
{
    if (!t->beneath) return rx_openat(t->dirfd, t->path, flags, mode);
    long fd = rx_open_beneath(t->dirfd, t->path, flags, mode, RX_BENEATH_NO_SYMLINKS);
    return fd == -ELOOP ? open_walked(t, t->path, flags, mode, 0) : fd;
}

static long open_at_depth(const struct vfs_target *t, int flags, unsigned mode, int depth);

/* An emulated link opened: its target's file.  The first link's target on the
 * stack, a chain's further ones on the heap (not 40 deep on the signal stack): a
 * first malloc of a page is three faults in a new process, a page of stack one.
 * Its own frame, so that other opens do not run that much deeper. */
static __attribute__((noinline)) long open_link(const struct vfs_target *t, int flags, unsigned mode, int depth)
{
    vfs_record(t->path, 1);
    struct vfs_target first, *next = depth == 0 ? &first : malloc(sizeof *next);
    if (!next) return -ENOMEM;
    int fd = -1;
    long how = follow(t, next, depth, &fd), r = how;
    if (how == 0) r = open_at_depth(next, flags, mode, depth + 1);
    if (next != &first) free(next);
    if (fd >= 0 && (how == 1 || r == -ENOENT)) r = reopen_fd(fd, flags);
    return r;
}

static long open_at_depth(const struct vfs_target *t, int flags, unsigned mode, int depth)
{
    if (t->node && t->node->kind == PROCFS_SYMLINK && !(flags & RX_O_NOFOLLOW)) return open_link(t, flags, mode, depth);
    if (t->node) {
        long fd = procfs_open(t->node, t->cpu, t->path, flags);
        vfs_record(t->path, fd >= 0);
        return fd;
    }
    return open_plain(t, flags, mode);
}

struct open_args { const struct vfs_target *t; int flags; unsigned mode; };

static long open_any(void *a)
{
    struct open_args *o = a;
    return open_at_depth(o->t, o->flags, o->mode, 0);
}

long vfs_open(const struct vfs_target *t, int flags, unsigned mode)
{
    if (!t->node && !t->beneath) return rx_openat(t->dirfd, t->path, flags, mode); /* as open_plain */
    struct open_args a = { t, flags, mode };
    return lx_fs_call(open_any, &a);
}

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
        long h = open_plain(next, RX_O_PATH | RX_O_CLOEXEC, 0);
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

struct stat_args { const struct vfs_target *t; struct rx_stat *st; int follow_link; };

static long stat_any(void *a)
{
    struct stat_args *o = a;
    if (o->t->node) return vfs_stat_node(o->t, o->st, o->follow_link);
    long fd = open_plain(o->t, RX_O_PATH | RX_O_CLOEXEC | (o->follow_link ? 0 : RX_O_NOFOLLOW), 0);
    if (fd < 0) return fd;
    long r = rx_fstat((int)fd, o->st);
    rx_close((int)fd);
    return r;
}

long vfs_stat(const struct vfs_target *t, struct rx_stat *st, int follow_link)
{
    if (!t->node && !t->beneath) return rx_stat_at(t->dirfd, t->path, !follow_link, st);
    struct stat_args a = { t, st, follow_link };
    return lx_fs_call(stat_any, &a);
}

long vfs_stat_node(const struct vfs_target *t, struct rx_stat *st, int follow_link)
{
    vfs_record(t->path, 1);
    return stat_at_depth(t, st, follow_link, 0);
}


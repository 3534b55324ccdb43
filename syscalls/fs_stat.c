/* fs_stat.c — handles: the stat family, statfs, access, readlink.
 * Redox has no stat-by-path: each becomes open(O_PATH) + fstat, as relibc does. */

#include "../abi/linux_fcntl.h"
#include "../abi/linux_stat.h"

#include "handler.h"
#include "../process/process.h"
#include "../procfs/procfs.h"

/* Resolves a path-or-fd argument (LINUX_AT_EMPTY_PATH).  Returns 1 when the argument
 * names the fd *direct itself, 0 when p->t is the target, or a negative errno. */
static long resolve_target(int dirfd, uint64_t path_ptr, int atflags, struct lx_path *p, int *direct)
{
    long r = gm_string_in(p->guest, path_ptr, sizeof p->guest);
    if (r < 0) return r;
    if (p->guest[0] == 0) {
        if (!(atflags & LINUX_AT_EMPTY_PATH)) return -ENOENT;
        if (dirfd != LX_AT_FDCWD) {
            if (!lx_fd_is_guest(dirfd)) return -EBADF;
            *direct = dirfd;
            return 1;
        }
        strcpy(p->guest, ".");
    }
    if (dirfd != LX_AT_FDCWD && !lx_fd_is_guest(dirfd) && p->guest[0] != '/') return -EBADF;
    r = vfs_resolve(dirfd == LX_AT_FDCWD ? RX_AT_CWD : dirfd, p->guest, &p->t);
    return r < 0 ? r : 0;
}

/* The handle a path-or-fd argument names, opened O_PATH.  *owned tells whether
 * the caller must close it. */
static long open_target(int dirfd, uint64_t path_ptr, int atflags, int *owned)
{
    struct lx_path p;
    int direct;
    *owned = 0;
    long r = resolve_target(dirfd, path_ptr, atflags, &p, &direct);
    if (r < 0) return r;
    if (r == 1) return direct;
    long fd = vfs_open(&p.t, RX_O_PATH | RX_O_CLOEXEC | (atflags & LINUX_AT_SYMLINK_NOFOLLOW ? RX_O_NOFOLLOW : 0), 0);
    if (fd >= 0) *owned = 1;
    return fd;
}

struct emulated_fstat { struct lx_file *f; struct rx_stat *st; };

static long emulated_fstat(void *a)
{
    struct emulated_fstat *e = a;
    return e->f->ops->fstat(e->f, e->st);
}

/* fstat, where an fd that is an emulated directory the guest opened (an empty
 * snapshot) is shown as that directory. */
static long fstat_fd(int fd, struct rx_stat *st)
{
    long r = rx_fstat(fd, st);
    struct lx_file *f = r == 0 ? lx_fd_get(fd) : NULL;
    if (!f || !f->ops->fstat) return r;
    struct emulated_fstat e = { f, st };
    return lx_fs_call(emulated_fstat, &e);
}

long lx_stat_at(int dirfd, uint64_t path_ptr, int atflags, struct rx_stat *st)
{
    struct lx_path p;
    int direct;
    long r = resolve_target(dirfd, path_ptr, atflags, &p, &direct);
    if (r < 0) return r;
    if (r == 1) return fstat_fd(direct, st);
    return vfs_stat(&p.t, st, !(atflags & LINUX_AT_SYMLINK_NOFOLLOW)); /* emulated nodes: their own mode, size 0 */
}

static long put_stat(long r, const struct rx_stat *s, uint64_t out)
{
    if (r < 0) return r;
    struct linux_stat k;
    abi_stat_from_rx(&k, s);
    return gm_copy_out(out, &k, sizeof k);
}

long sys_stat(struct lx_call *c)
{
    struct rx_stat s;
    return put_stat(lx_stat_at(LX_AT_FDCWD, c->a[0], 0, &s), &s, c->a[1]);
}

long sys_lstat(struct lx_call *c)
{
    struct rx_stat s;
    return put_stat(lx_stat_at(LX_AT_FDCWD, c->a[0], LINUX_AT_SYMLINK_NOFOLLOW, &s), &s, c->a[1]);
}

long sys_fstat(struct lx_call *c)
{
    struct rx_stat s;
    return put_stat(fstat_fd((int)c->a[0], &s), &s, c->a[1]);
}

long sys_newfstatat(struct lx_call *c)
{
    int fl = (int)c->a[3];
    if (fl & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | LINUX_AT_NO_AUTOMOUNT)) return -EINVAL;
    struct rx_stat s;
    return put_stat(lx_stat_at((int)c->a[0], c->a[1], fl, &s), &s, c->a[2]);
}

long sys_statx(struct lx_call *c)
{
    int fl = (int)c->a[2];
    if (fl & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | LINUX_AT_NO_AUTOMOUNT | LINUX_AT_STATX_SYNC_TYPE)) return -EINVAL;
    struct rx_stat s;
    long r = lx_stat_at((int)c->a[0], c->a[1], fl, &s);
    if (r < 0) return r;
    struct linux_statx x;
    abi_statx_from_rx(&x, &s);
    return gm_copy_out(c->a[4], &x, sizeof x);
}

static long put_statfs(long r, const struct rx_statvfs *v, uint64_t out)
{
    if (r < 0) return r;
    struct linux_statfs k;
    abi_statfs_from_rx(&k, v);
    return gm_copy_out(out, &k, sizeof k);
}

long sys_fstatfs(struct lx_call *c)
{
    struct rx_statvfs v;
    return put_statfs(rx_fstatvfs((int)c->a[0], &v), &v, c->a[1]);
}

long sys_statfs(struct lx_call *c)
{
    int owned;
    long fd = open_target(LX_AT_FDCWD, c->a[0], 0, &owned);
    if (fd < 0) return fd;
    struct rx_statvfs v;
    long r = rx_fstatvfs((int)fd, &v);
    if (owned) rx_close((int)fd);
    return put_statfs(r, &v, c->a[1]);
}

/* Permission check from mode bits, as the kernel's generic_permission (no ACLs). */
static long access_at(int dirfd, uint64_t path, int mode, int atflags)
{
    if (mode & ~7) return -EINVAL;
    struct rx_stat s;
    long r = lx_stat_at(dirfd, path, atflags, &s); /* emulated nodes too */
    if (r < 0) return r;
    if (mode == LINUX_F_OK) return 0;
    int ro = 0;
    if (mode & LINUX_W_OK) { /* a read-only mount refuses writing whatever the mode bits */
        int owned;
        long fd = open_target(dirfd, path, atflags, &owned);
        struct rx_statvfs v;
        ro = fd >= 0 && rx_fstatvfs((int)fd, &v) == 0 && (v.flags & RX_ST_RDONLY);
        if (fd >= 0 && owned) rx_close((int)fd);
    }
    if (ro && !RX_MODE_IS(s.mode, RX_MODE_CHR) && !RX_MODE_IS(s.mode, RX_MODE_X_BLK) && !RX_MODE_IS(s.mode, RX_MODE_FIFO) && !RX_MODE_IS(s.mode, RX_MODE_X_SOCK)) return -EROFS;
    int eff = (atflags & LINUX_AT_EACCESS) != 0;
    struct lx_ids id;
    lx_process_ids(&id); /* asked once, not a call or two per access() */
    uint32_t uid = eff ? id.euid : id.uid;
    if (uid == 0) {
        if ((mode & LINUX_X_OK) && !RX_MODE_IS(s.mode, RX_MODE_DIR) && !(s.mode & 0111)) return -EACCES;
        return 0;
    }
    uint32_t gid = eff ? id.egid : id.gid;
    unsigned bits = rx_mode_bits_for(s.mode, s.uid, s.gid, uid, gid);
    return ((unsigned)mode & ~bits) ? -EACCES : 0;
}

long sys_access(struct lx_call *c) { return access_at(LX_AT_FDCWD, c->a[0], (int)c->a[1], 0); }
long sys_faccessat(struct lx_call *c) { return access_at((int)c->a[0], c->a[1], (int)c->a[2], 0); }
long sys_faccessat2(struct lx_call *c)
{
    int fl = (int)c->a[3];
    if (fl & ~(LINUX_AT_EACCESS | LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) return -EINVAL;
    return access_at((int)c->a[0], c->a[1], (int)c->a[2], fl);
}

struct link_args { struct vfs_target *t; char *out; size_t cap; };

/* An emulated link (/proc/self/exe…): its target, rendered; or a link beneath a
 * confining root or mount, whose parent is opened first.  On lxrun's FS. */
static long readlink_any(void *a)
{
    struct link_args *l = a;
    if (l->t->node) return procfs_readlink(l->t->node, l->t->cpu, l->t->path, l->out, l->cap);
    long r = vfs_parent(l->t);
    if (r == 0) {
        r = rx_readlinkat(l->t->dirfd, l->t->path, l->out, l->cap);
        vfs_release(l->t);
    }
    return r;
}

/* The common case (a host path, no root or mount) on any FS: GUESTFS (gcc's driver
 * and collect2 make ~10 000 of these per make of 20 files, most failing EINVAL). */
static long readlink_at(int dirfd, uint64_t path, uint64_t buf, long len)
{
    if (len <= 0) return -EINVAL;
    struct lx_path p;
    long r = lx_path_arg(path, dirfd, &p);
    if (r < 0) return r;
    /* what the caller takes (and a NUL): a frame no deeper than that */
    char out[(len < PATH_MAX ? len : PATH_MAX) + 1];
    if (p.t.node || p.t.beneath) {
        struct link_args a = { &p.t, out, sizeof out };
        r = lx_fs_call(readlink_any, &a);
        /* an emulated link longer than the room: its first bytes, as Linux truncates */
        if (r == -ERANGE && p.t.node) r = (long)sizeof out - 1;
    } else {
        r = rx_readlinkat(p.t.dirfd, p.t.path, out, sizeof out);
    }
    if (r < 0) return r;
    if (r > len) r = len;
    return gm_copy_out(buf, out, (size_t)r) < 0 ? -EFAULT : r;
}

long sys_readlink(struct lx_call *c) { return readlink_at(LX_AT_FDCWD, c->a[0], c->a[1], (long)c->a[2]); }
long sys_readlinkat(struct lx_call *c) { return readlink_at((int)c->a[0], c->a[1], c->a[2], (long)c->a[3]); }

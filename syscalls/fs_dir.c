/* fs_dir.c — handles: directories, the cwd, and names (link, unlink, rename). */
#include "../abi/linux_fcntl.h"
#include "../abi/linux_stat.h"

#include "handler.h"
#include "../procfs/procfs.h"
#include "../process/ptable.h"

struct emulated_getdents { struct lx_file *f; int fd; void *buf; uint64_t len; };

static long emulated_getdents(void *a)
{
    struct emulated_getdents *e = a;
    return e->f->ops->getdents(e->f, e->fd, e->buf, e->len);
}

long sys_getdents64(struct lx_call *c)
{
    void *buf = gm_lock_write(c->a[1], c->a[2]);
    if (!buf) return -EFAULT;
    int fd = (int)c->a[0];
    struct lx_file *f = lx_fd_get(fd);
    if (f && f->ops->getdents) { /* an emulated directory */
        struct emulated_getdents e = { f, fd, buf, c->a[2] };
        return lx_fs_call(emulated_getdents, &e);
    }
    return rx_getdents(fd, buf, c->a[2]); /* from the fd's position, as Linux lists */
}

/* The old getdents: getdents64's records rewritten in place as linux_dirent
 * (ino, off, reclen, name, then the type in the record's last byte), which is
 * the same size for the same name: ALIGN(19 + len + 1, 8) == ALIGN(18 + len + 2, 8). */
long sys_getdents(struct lx_call *c)
{
    long n = sys_getdents64(c);
    if (n <= 0) return n;
    unsigned char *buf = gm_lock_write(c->a[1], (size_t)n);
    if (!buf) return -EFAULT;
    for (long at = 0; at + 19 <= n;) {
        unsigned char *r = buf + at;
        uint16_t reclen;
        memcpy(&reclen, r + 16, 2);
        if (reclen < 20 || at + reclen > n) break;
        unsigned char type = r[18];
        memmove(r + 18, r + 19, reclen - 19); /* the name and its NUL, one byte down */
        r[reclen - 1] = type;
        at += reclen;
    }
    return n;
}

long sys_getcwd(struct lx_call *c)
{
    char path[PATH_MAX];
    long r = vfs_getcwd(path, sizeof path);
    if (r == -ERANGE) return -ENAMETOOLONG;
    if (r < 0) return r;
    if ((uint64_t)r + 1 > c->a[1]) return -ERANGE;
    return gm_copy_out(c->a[0], path, (size_t)r + 1) < 0 ? -EFAULT : r + 1;
}

/* After a change of cwd, the session's process table shows the new one. */
static long cwd_changed(long r)
{
    char cwd[LX_PT_PATH];
    if (r == 0 && vfs_getcwd(cwd, sizeof cwd) >= 0) lx_ptable_set_cwd(cwd);
    return r;
}

long sys_chdir(struct lx_call *c)
{
    struct lx_path p;
    long r = lx_path_arg(c->a[0], LX_AT_FDCWD, &p);
    if (r < 0) return r;
    long fd = vfs_open(&p.t, RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0);
    if (fd < 0) return fd;
    int emulated = p.t.node && procfs_claim_open(fd); /* for the moment vfs_chdir_fd looks */
    r = vfs_chdir_fd((int)fd);
    if (emulated) lx_fd_release((int)fd);
    rx_close((int)fd);
    return cwd_changed(r);
}

long sys_fchdir(struct lx_call *c) { return cwd_changed(vfs_chdir_fd((int)c->a[0])); }

static long mkdir_at(int dirfd, uint64_t path, unsigned mode)
{
    struct lx_path p;
    long r = lx_name_arg(path, dirfd, &p);
    if (r < 0) return r;
    r = rx_mkdirat(p.t.dirfd, p.t.path, mode);
    vfs_release(&p.t);
    return r;
}

long sys_mkdir(struct lx_call *c) { return mkdir_at(LX_AT_FDCWD, c->a[0], (unsigned)c->a[1]); }
long sys_mkdirat(struct lx_call *c) { return mkdir_at((int)c->a[0], c->a[1], (unsigned)c->a[2]); }

/* FIFOs and regular files (type 0 means regular); Redox has no device nodes, so
 * LINUX_S_IFCHR/LINUX_S_IFBLK/LINUX_S_IFSOCK get EPERM, as for an unprivileged Linux process. */
static long mknod_at(struct lx_call *c, int dirfd, uint64_t path, unsigned mode)
{
    unsigned type = mode & LINUX_S_IFMT;
    if (type == 0) mode |= LINUX_S_IFREG;
    else if (type == LINUX_S_IFDIR) return -EINVAL;
    else if (type != LINUX_S_IFIFO && type != LINUX_S_IFREG && type != LINUX_S_IFCHR && type != LINUX_S_IFBLK &&
             type != LINUX_S_IFSOCK) return -EINVAL;
    struct lx_path p;
    long r = lx_path_arg(path, dirfd, &p);
    if (r < 0) return r;
    if (type != 0 && type != LINUX_S_IFIFO && type != LINUX_S_IFREG) {
        lx_record_partial(c->nr, "device and socket nodes do not exist on Redox");
        return -EPERM;
    }
    if ((r = vfs_parent(&p.t)) < 0) return r;
    r = rx_mknodat(p.t.dirfd, p.t.path, abi_mode_to_rx(mode & (LINUX_S_IFMT | 07777)));
    vfs_release(&p.t);
    return r;
}

long sys_mknod(struct lx_call *c) { return mknod_at(c, LX_AT_FDCWD, c->a[0], (unsigned)c->a[1]); }
long sys_mknodat(struct lx_call *c) { return mknod_at(c, (int)c->a[0], c->a[1], (unsigned)c->a[2]); }

static long unlink_at(int dirfd, uint64_t path, int rmdir)
{
    struct lx_path p;
    long r = lx_name_arg(path, dirfd, &p);
    if (r < 0) return r;
    r = rx_unlinkat(p.t.dirfd, p.t.path, rmdir);
    vfs_release(&p.t);
    return r;
}

long sys_unlink(struct lx_call *c) { return unlink_at(LX_AT_FDCWD, c->a[0], 0); }
long sys_rmdir(struct lx_call *c) { return unlink_at(LX_AT_FDCWD, c->a[0], 1); }
long sys_unlinkat(struct lx_call *c)
{
    int fl = (int)c->a[2];
    if (fl & ~LINUX_AT_REMOVEDIR) return -EINVAL;
    return unlink_at((int)c->a[0], c->a[1], (fl & LINUX_AT_REMOVEDIR) != 0);
}

static long rename_at(int od, uint64_t op, int nd, uint64_t np, unsigned flags)
{
    struct lx_path a, b; /* 8 KiB each: the trap runs on a 256 KiB stack of its own */
    long r = lx_name_arg(op, od, &a);
    if (r < 0) return r;
    r = lx_name_arg(np, nd, &b);
    if (r >= 0) {
        r = rx_renameat(a.t.dirfd, a.t.path, b.t.dirfd, b.t.path, flags);
        vfs_release(&b.t);
        if (r == 0) vfs_cwd_moved(); /* the cwd may have been inside what moved */
    }
    vfs_release(&a.t);
    return r;
}

long sys_rename(struct lx_call *c) { return rename_at(LX_AT_FDCWD, c->a[0], LX_AT_FDCWD, c->a[1], 0); }
long sys_renameat(struct lx_call *c) { return rename_at((int)c->a[0], c->a[1], (int)c->a[2], c->a[3], 0); }
long sys_renameat2(struct lx_call *c)
{
    unsigned fl = (unsigned)c->a[4];
    if (fl & ~7u) return -EINVAL;
    if (fl & 6u) lx_record_partial(c->nr, "RENAME_EXCHANGE/RENAME_WHITEOUT passed to the scheme");
    return rename_at((int)c->a[0], c->a[1], (int)c->a[2], c->a[3], fl);
}

static long link_at(int od, uint64_t op, int nd, uint64_t np, int flags)
{
    struct lx_path a, b; /* 8 KiB each: the trap runs on a 256 KiB stack of its own */
    if (flags & ~(LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH)) return -EINVAL;
    long r = gm_string_in(a.guest, op, sizeof a.guest);
    if (r < 0) return r;
    long old_fd = -1;
    int own_old = 0;
    if (r == 0) { /* LINUX_AT_EMPTY_PATH: the file od is open on */
        if (!(flags & LINUX_AT_EMPTY_PATH)) return -ENOENT;
        if (od != LX_AT_FDCWD && !lx_fd_is_guest(od)) return -EBADF;
        old_fd = od == LX_AT_FDCWD ? RX_AT_CWD : od;
        a.t.owned = -1;
    } else if ((r = lx_path_arg(op, od, &a)) < 0) {
        return r;
    } else if ((flags & LINUX_AT_SYMLINK_FOLLOW) && (a.t.beneath || (a.t.node && vfs_confined()))) {
        /* Following the old name beneath a root (or through /proc/self/fd/N, as
         * for an O_TMPFILE): the file is opened there, following links inside
         * the root, and the handle is linked. */
        old_fd = vfs_open(&a.t, RX_O_PATH | RX_O_CLOEXEC, 0);
        if (old_fd < 0) return old_fd;
        own_old = 1;
    } else if ((r = vfs_parent(&a.t)) < 0) {
        return r;
    }
    r = lx_name_arg(np, nd, &b);
    if (r >= 0) {
        r = old_fd != -1 ? rx_linkat((int)old_fd, "", b.t.dirfd, b.t.path, 0)
                        : rx_linkat(a.t.dirfd, a.t.path, b.t.dirfd, b.t.path, (flags & LINUX_AT_SYMLINK_FOLLOW) != 0);
        vfs_release(&b.t);
    }
    if (own_old) rx_close((int)old_fd);
    vfs_release(&a.t);
    return r;
}

long sys_link(struct lx_call *c) { return link_at(LX_AT_FDCWD, c->a[0], LX_AT_FDCWD, c->a[1], 0); }
long sys_linkat(struct lx_call *c) { return link_at((int)c->a[0], c->a[1], (int)c->a[2], c->a[3], (int)c->a[4]); }

static long symlink_at(uint64_t target, int dirfd, uint64_t path)
{
    char t[PATH_MAX];
    long r = gm_string_in(t, target, sizeof t);
    if (r < 0) return r;
    if (r == 0) return -ENOENT;
    struct lx_path p;
    r = lx_name_arg(path, dirfd, &p);
    if (r < 0) return r;
    /* The target is stored as the guest wrote it: it is resolved at use. */
    r = rx_symlinkat(t, p.t.dirfd, p.t.path);
    vfs_release(&p.t);
    return r;
}

long sys_symlink(struct lx_call *c) { return symlink_at(c->a[0], LX_AT_FDCWD, c->a[1]); }
long sys_symlinkat(struct lx_call *c) { return symlink_at(c->a[0], (int)c->a[1], c->a[2]); }

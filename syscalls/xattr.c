/* xattr.c — handles: extended attributes.  Redox's file schemes keep none, so
 * every call answers as Linux does on a filesystem without xattr support
 * (EOPNOTSUPP), after the usual checks on the path or fd. */

#include "handler.h"

static long path_exists(uint64_t path, int nofollow)
{
    struct lx_path p;
    long r = lx_path_arg(path, LX_AT_FDCWD, &p);
    if (r < 0) return r;
    long fd = vfs_open(&p.t, RX_O_PATH | RX_O_CLOEXEC | (nofollow ? RX_O_NOFOLLOW : 0), 0);
    if (fd < 0) return fd;
    rx_close((int)fd);
    return 0;
}

static long fd_exists(int fd) { return rx_fcntl(fd, RX_F_GETFD, 0) < 0 ? -EBADF : 0; }

static long no_xattrs(long r) { return r < 0 ? r : -EOPNOTSUPP; }

long sys_getxattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 0)); }
long sys_lgetxattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 1)); }
long sys_fgetxattr(struct lx_call *c) { return no_xattrs(fd_exists((int)c->a[0])); }
long sys_setxattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 0)); }
long sys_lsetxattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 1)); }
long sys_fsetxattr(struct lx_call *c) { return no_xattrs(fd_exists((int)c->a[0])); }
long sys_removexattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 0)); }
long sys_lremovexattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 1)); }
long sys_fremovexattr(struct lx_call *c) { return no_xattrs(fd_exists((int)c->a[0])); }
long sys_listxattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 0)); }
long sys_llistxattr(struct lx_call *c) { return no_xattrs(path_exists(c->a[0], 1)); }
long sys_flistxattr(struct lx_call *c) { return no_xattrs(fd_exists((int)c->a[0])); }

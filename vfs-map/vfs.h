/* vfs.h — the guest's path namespace: guest path → what rx.h opens.
 * Absolute guest paths become URLs ("file:/…", "null:", …); relative ones stay
 * relative to the guest's dirfd, which is a real fd under the same namespace. */
#ifndef LXRUN_VFS_H
#define LXRUN_VFS_H

#include <limits.h>

#include "../redox/rx.h"

struct procfs_node;

struct vfs_target {
    int dirfd;                 /* RX_AT_CWD, a guest fd, or a confinement root (beneath) */
    const char *path;          /* URL or relative path, points into buf or the input */
    const struct procfs_node *node; /* an emulated /proc or /sys node, or NULL */
    unsigned cpu;              /* the CPU number of a per-CPU node */
    int beneath;               /* path lies inside dirfd, lxrun's handle on the guest root
                                  or a mount (--root, --mount): opened with rx_open_beneath */
    int owned;                 /* a parent directory vfs_parent opened (== dirfd), or -1 */
    int mount;                 /* beneath: which mount dirfd is (vfs.c's table) */
    char buf[PATH_MAX + 16];
};

/* 0, or -ENOENT for emulated trees not served yet (recorded), -ENAMETOOLONG.
 * Under a confined namespace a relative path is first made absolute from the
 * guest's cwd or dirfd, and "" is -ENOENT. */
int vfs_resolve(int dirfd, const char *guest_path, struct vfs_target *out);

/* Opens what a target names: a scheme URL or path through rx.h, or an emulated
 * node as a snapshot.  Returns the fd or a negative errno. */
long vfs_open(const struct vfs_target *t, int flags, unsigned mode);

/* For the name operations (mkdir, unlink, rename, link, symlink, readlink, mknod),
 * which act on a directory entry and never follow the last component: a target
 * inside a confinement root becomes (its parent directory, opened beneath the
 * root, "./last") so the *at call cannot leave the root.  Other targets are left
 * as they are.  0 or a negative errno; pair with vfs_release. */
long vfs_parent(struct vfs_target *t);
void vfs_release(struct vfs_target *t); /* closes what vfs_parent opened; idempotent */

/* The stat of an emulated node (t->node set), as Linux shows /proc and /sys;
 * a symlink node's target's when follow_link. */
long vfs_stat_node(const struct vfs_target *t, struct rx_stat *st, int follow_link);
/* The stat of any target: an emulated node, a path beneath a confined root (opened
 * there), or a plain one (rx_stat_at: no handle opened). */
long vfs_stat(const struct vfs_target *t, struct rx_stat *st, int follow_link);

/* The guest-visible path for a URL from rx_fpath ("file:/x" → "/x", a host path
 * under the guest root or a mount → its guest path); -ENOENT if the URL is not
 * inside the guest's namespace. */
int vfs_guest_path(const char *url, char *out, unsigned long cap);
/* An open file's URL (rx_fpath) at buf and its guest path right after it, in one
 * buffer of cap bytes (what they write is then one run, most often within one
 * page); the guest path, or NULL.  st: the file's status when the caller has it
 * (rx_fpath_stat), else NULL. */
const char *vfs_fd_guest_path(int fd, const struct rx_stat *st, char *buf, unsigned long cap);

/* Hands procfs what it needs of the namespace (its cwd, guest paths, the root);
 * called once at start-up, before the guest runs. */
void vfs_start(void);

/* ---- the namespace: lxrun --root and --mount ----
 * Without either, "/" is the host's "/" and paths go to the file: scheme as the
 * guest writes them.  With them, every guest path is looked up beneath lxrun's
 * handle on the directory that serves it (longest guest prefix wins), by the
 * backend, so neither '..' nor symlinks lead out. */

/* Serves guest path `guest` ("/" for the root) from the directory handle dirfd
 * (lxrun's own, above the guest fds; kept open).  0 or a negative errno. */
int vfs_mount(const char *guest, int dirfd);
/* A mount whose target is a scheme URL ("null:", "zero:", "rand:"…: the guest
 * path is that one node) or an emulated tree ("procfs", "sysfs", "devfs": lxrun's
 * /proc, /sys or /dev shown at the guest path too).  Needs no root.  0, -EINVAL
 * for an unknown target, or the scheme's error. */
int vfs_mount_special(const char *guest, const char *target);
/* Without a root: the host directory that serves the guest's /dev/shm. */
void vfs_set_shm(const char *host_dir);
/* After the mounts: the guest's cwd is the host cwd when that lies inside the
 * namespace, else "/" (and the process moves there).  0 or a negative errno. */
int vfs_confine(void);
int vfs_confined(void);
/* The guest's cwd as a guest path: its length, -ENOENT (removed), -ERANGE. */
long vfs_getcwd(char *out, unsigned long cap);
/* chdir/fchdir: an emulated directory becomes a virtual cwd (relative paths
 * start there); otherwise a directory outside the namespace is refused (EACCES),
 * the process moves and the guest cwd's path is kept. */
long vfs_chdir_fd(int fd);
/* Something the cwd's path may depend on was renamed: the guest cwd is read again. */
void vfs_cwd_moved(void);

#endif

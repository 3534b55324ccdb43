/* vfs.h — the guest's path namespace: guest path → what rx.h opens.
 * Absolute guest paths become URLs ("file:/…", "null:", …); relative ones stay
 * relative to the guest's dirfd, which is a real fd under the same namespace. */
#ifndef LXRUN_VFS_H
#define LXRUN_VFS_H

#include <limits.h>

#include "../redox/rx.h"

struct procfs_node;

struct vfs_target {
    int dirfd;                 /* RX_AT_CWD or a guest fd */
    const char *path;          /* URL or relative path, points into buf or the input */
    const struct procfs_node *node; /* an emulated /proc or /sys node, or NULL */
    unsigned cpu;              /* the CPU number of a per-CPU node */
    char buf[PATH_MAX + 16];
};

/* 0, or -ENOENT for emulated trees not served yet (recorded), -ENAMETOOLONG. */
int vfs_resolve(int dirfd, const char *guest_path, struct vfs_target *out);

/* Opens what a target names: a scheme URL or path through rx.h, or an emulated
 * node as a snapshot.  Returns the fd or a negative errno. */
long vfs_open(const struct vfs_target *t, int flags, unsigned mode);

/* The stat of an emulated node (t->node set), as Linux shows /proc and /sys;
 * a symlink node's target's when follow_link. */
long vfs_stat_node(const struct vfs_target *t, struct rx_stat *st, int follow_link);

/* The guest-visible path for a URL from rx_fpath ("file:/x" → "/x"); -ENOENT if
 * the URL is not inside the guest's namespace. */
int vfs_guest_path(const char *url, char *out, unsigned long cap);

#endif

/* vfs.h — the guest's path namespace: guest path → what rx.h opens.
 * Absolute guest paths become URLs ("file:/…", "null:", …); relative ones stay
 * relative to the guest's dirfd, which is a real fd under the same namespace. */
#ifndef LXRUN_VFS_H
#define LXRUN_VFS_H

#include <limits.h>

struct vfs_target {
    int dirfd;                 /* RX_AT_CWD or a guest fd */
    const char *path;          /* URL or relative path, points into buf or the input */
    char buf[PATH_MAX + 16];
};

/* 0, or -ENOENT for emulated trees not served yet (recorded), -ENAMETOOLONG. */
int vfs_resolve(int dirfd, const char *guest_path, struct vfs_target *out);

/* The guest-visible path for a URL from rx_fpath ("file:/x" → "/x"); -ENOENT if
 * the URL is not inside the guest's namespace. */
int vfs_guest_path(const char *url, char *out, unsigned long cap);

#endif

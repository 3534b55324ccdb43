/* vfs_internal.h — what the parts of vfs-map share (not for other directories). */
#ifndef LXRUN_VFS_INTERNAL_H
#define LXRUN_VFS_INTERNAL_H

#include <stddef.h>

#include "../process/fs.h"
#include "vfs.h"

#define MAX_LINKS 8 /* emulated symlinks followed in one resolution (Linux allows 40) */

/* path.c */
int vfs_under(const char *path, const char *dir);
void vfs_normalise(const char *p, char *out, size_t cap);
int vfs_has_component(const char *p, int emulated);

/* mounts.c */
const struct lx_mount *vfs_mount_of(const char *norm);
int vfs_host_under(const char *h, const struct lx_mount *m);
int vfs_guest_of_host(const char *h, char *out, size_t cap);
const char *vfs_inside_mount(const char *g, const struct lx_mount *m);
int vfs_confined_target(const char *p, const char *norm, int trailing_slash, struct vfs_target *out);
int vfs_resolve_special(const char *norm, int trailing_slash, struct vfs_target *out, int depth, int *r);

/* cwd.c */
int vfs_dir_guest_path(int dirfd, char *out, size_t cap);

/* vfs.c */
int vfs_resolve_depth(int dirfd, const char *p, struct vfs_target *out, int depth);
void vfs_record(const char *path, int served);

#endif

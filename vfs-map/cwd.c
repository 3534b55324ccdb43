/* cwd.c — the guest's current directory: a guest path kept by lxrun (or a
 * virtual one inside an emulated tree), getcwd, chdir/fchdir. */
#include "vfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../process/fs.h"
#include "../redox/rx.h"
#include "vfs_internal.h"
#include "../procfs/procfs.h"

static long vfs_chdir_fd_real(int fd);

/* The guest path of the directory a relative path starts from. */
int vfs_dir_guest_path(int dirfd, char *out, size_t cap)
{
    if (dirfd == RX_AT_CWD) {
        if (strlen(lx_fs.guest_cwd) >= cap) return -ENAMETOOLONG;
        strcpy(out, lx_fs.guest_cwd);
        return 0;
    }
    char *url = malloc(PATH_MAX + 16);
    if (!url) return -ENOMEM;
    long r = rx_fpath(dirfd, url, PATH_MAX + 16);
    if (r < 0 && rx_fcntl(dirfd, RX_F_GETFD, 0) < 0) r = -EBADF;
    if (r >= 0 && vfs_guest_path(url, out, cap) < 0) {
        /* not a directory of the guest's namespace: a pipe, a file, or a directory
         * the guest inherited from outside */
        struct rx_stat st;
        r = rx_fstat(dirfd, &st) == 0 && !RX_MODE_IS(st.mode, RX_MODE_DIR) ? -ENOTDIR : -ENOENT;
    }
    free(url);
    return r < 0 ? (int)r : 0;
}

int vfs_confine(void)
{
    if (!vfs_mount_of("/")) return -ENOENT;
    lx_fs.confined = 1;
    char *url = malloc(PATH_MAX + 16);
    if (!url) return -ENOMEM;
    long fd = rx_openat(RX_AT_CWD, ".", RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0);
    long r = fd < 0 ? fd : rx_fpath((int)fd, url, PATH_MAX + 16);
    if (fd >= 0) rx_close((int)fd);
    if (r < 0 || vfs_guest_path(url, lx_fs.guest_cwd, sizeof lx_fs.guest_cwd) < 0) {
        strcpy(lx_fs.guest_cwd, "/");
        r = rx_chdir_fd(vfs_mount_of("/")->fd);
    } else {
        r = 0;
    }
    free(url);
    return (int)r;
}

long vfs_getcwd(char *out, unsigned long cap)
{
    if (lx_fs.virtual_cwd[0]) {
        size_t n = strlen(lx_fs.virtual_cwd);
        if (n + 1 > cap) return -ERANGE;
        memcpy(out, lx_fs.virtual_cwd, n + 1);
        return (long)n;
    }
    char url[PATH_MAX + 16];
    long r = rx_getcwd(url, sizeof url); /* -ENOENT for a removed directory, as Linux */
    if (r < 0) return r;
    r = vfs_guest_path(url, out, cap);
    return r < 0 ? (r == -ERANGE ? r : -ENOENT) : r;
}

long vfs_chdir_fd(int fd)
{
    char vdir[PATH_MAX];
    if (procfs_dir_of(fd, vdir, sizeof vdir)) { /* an emulated directory: a virtual cwd */
        snprintf(lx_fs.virtual_cwd, sizeof lx_fs.virtual_cwd, "%s", vdir);
        return 0;
    }
    long r0 = vfs_chdir_fd_real(fd);
    if (r0 == 0) lx_fs.virtual_cwd[0] = 0;
    return r0;
}

static long vfs_chdir_fd_real(int fd)
{
    if (!lx_fs.confined) return rx_chdir_fd(fd);
    char *path = malloc(PATH_MAX);
    if (!path) return -ENOMEM;
    long r = vfs_dir_guest_path(fd, path, PATH_MAX);
    if (r == -ENOENT) r = -EACCES; /* a directory outside the namespace */
    if (r == 0) r = rx_chdir_fd(fd);
    if (r == 0) snprintf(lx_fs.guest_cwd, sizeof lx_fs.guest_cwd, "%s", path);
    free(path);
    return r;
}

void vfs_cwd_moved(void)
{
    if (!lx_fs.confined) return;
    long fd = rx_openat(RX_AT_CWD, ".", RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0);
    if (fd < 0) return;
    char *path = malloc(PATH_MAX);
    if (path && vfs_dir_guest_path((int)fd, path, PATH_MAX) == 0) snprintf(lx_fs.guest_cwd, sizeof lx_fs.guest_cwd, "%s", path);
    free(path);
    rx_close((int)fd);
}

static long open_guest_root(void)
{
    struct vfs_target root;
    long r = vfs_resolve(RX_AT_CWD, "/", &root);
    return r < 0 ? r : vfs_open(&root, RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0);
}

void vfs_start(void)
{
    static const struct procfs_namespace ns = { vfs_getcwd, vfs_guest_path, open_guest_root };
    procfs_set_namespace(&ns);
}

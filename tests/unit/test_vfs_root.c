/* test_vfs_root.c — vfs-map with a guest root and mounts (lxrun --root, --mount):
 * guest paths become paths beneath lxrun's handle on the directory serving them,
 * host paths map back to guest paths, and name operations get a parent handle.
 * Criterion runs each test in its own process, so each sets up its own namespace. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../redox/rx.h"
#include "../../vfs-map/vfs.h"

static struct vfs_target t;
static char top[256], root[300], data[300];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* top/R (the root: etc/marker, work/, work/up -> ../../.., work/todata -> /data/sub) and
 * top/D mounted at /data (sub/f, abs -> /etc/marker); the cwd starts outside both. */
static void setup(void)
{
    snprintf(top, sizeof top, "/tmp/lxrun-unit-vfsroot-XXXXXX");
    cr_assert_not_null(mkdtemp(top));
    snprintf(root, sizeof root, "%s/R", top);
    snprintf(data, sizeof data, "%s/D", top);
    char p[512];
    mkdir(root, 0755);
    snprintf(p, sizeof p, "%s/etc", root), mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/etc/marker", root), write_file(p, "inside\n");
    snprintf(p, sizeof p, "%s/work", root), mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/work/up", root);
    cr_assert_eq(symlink("../../..", p), 0);
    snprintf(p, sizeof p, "%s/work/todata", root);
    cr_assert_eq(symlink("/data/sub", p), 0);
    snprintf(p, sizeof p, "%s/data", root), mkdir(p, 0755);
    mkdir(data, 0755);
    snprintf(p, sizeof p, "%s/sub", data), mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/sub/f", data), write_file(p, "data f\n");
    snprintf(p, sizeof p, "%s/abs", data);
    cr_assert_eq(symlink("/etc/marker", p), 0);
    cr_assert_eq(chdir("/"), 0);
    int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), dfd = open(data, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert(rfd >= 0 && dfd >= 0);
    cr_assert_eq(vfs_mount("/", rfd), 0);
    cr_assert_eq(vfs_mount("/data/", dfd), 0);
    cr_assert_eq(vfs_confine(), 0);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    (void)!system(cmd);
}

TestSuite(vfs_root, .init = setup, .fini = teardown);

static const char *read_guest(const char *path)
{
    static char buf[64];
    buf[0] = 0;
    if (vfs_resolve(RX_AT_CWD, path, &t) < 0) return "";
    long fd = vfs_open(&t, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return "";
    long n = rx_read((int)fd, buf, sizeof buf - 1);
    rx_close((int)fd);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

Test(vfs_root, absolute_paths_are_beneath_the_root)
{
    cr_assert(vfs_confined());
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/etc/marker", &t), 0);
    cr_assert(t.beneath);
    cr_assert_str_eq(t.path, "etc/marker");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/", &t), 0);
    cr_assert_str_eq(t.path, ".");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/data/sub/f", &t), 0);
    cr_assert_str_eq(t.path, "sub/f", "inside the mount");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/dev/null", &t), 0);
    cr_assert_str_eq(t.path, "null:", "the schemes stay");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "", &t), -ENOENT);
}

Test(vfs_root, reads_stay_inside)
{
    cr_assert_str_eq(read_guest("/etc/marker"), "inside\n");
    cr_assert_str_eq(read_guest("/../../../../etc/marker"), "inside\n");
    cr_assert_str_eq(read_guest("/work/up/etc/marker"), "inside\n");
    cr_assert_str_eq(read_guest("/work/todata/f"), "data f\n", "a link in the root into a mount");
    cr_assert_str_eq(read_guest("/data/abs"), "inside\n", "an absolute link in a mount: the guest's /");
    cr_assert_str_eq(read_guest("/data/sub/../../etc/marker"), "inside\n", "'..' out of a mount");
    cr_assert_str_eq(read_guest("/work/todata/../abs"), "inside\n", "'..' after a link is physical");
    cr_assert_str_eq(read_guest("/proc/self/root/../../etc/marker"), "inside\n");
}

Test(vfs_root, relative_paths_join_the_guest_cwd)
{
    char cwd[256];
    long fd = rx_openat(RX_AT_CWD, "/", O_PATH | O_DIRECTORY, 0); /* the host's /: outside */
    cr_assert_geq(fd, 0);
    cr_assert_eq(vfs_chdir_fd((int)fd), -EACCES, "a directory outside the namespace");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/data/sub", &t), 0);
    fd = vfs_open(&t, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(vfs_chdir_fd((int)fd), 0);
    cr_assert_str_eq(read_guest("f"), "data f\n");
    cr_assert_str_eq(read_guest("../../etc/marker"), "inside\n");
    cr_assert_str_eq(read_guest("../../../../../etc/marker"), "inside\n");
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char url[512], guest[256];
    snprintf(url, sizeof url, "file:%s", cwd);
    cr_assert_geq(vfs_guest_path(url, guest, sizeof guest), 0);
    cr_assert_str_eq(guest, "/data/sub");
}

Test(vfs_root, host_paths_map_back)
{
    char url[512], out[256];
    snprintf(url, sizeof url, "file:%s/etc/marker", root);
    cr_assert_eq(vfs_guest_path(url, out, sizeof out), 11);
    cr_assert_str_eq(out, "/etc/marker");
    snprintf(url, sizeof url, "file:%s", root);
    cr_assert_eq(vfs_guest_path(url, out, sizeof out), 1);
    cr_assert_str_eq(out, "/");
    snprintf(url, sizeof url, "file:%s/sub/f", data);
    cr_assert_geq(vfs_guest_path(url, out, sizeof out), 0);
    cr_assert_str_eq(out, "/data/sub/f");
    snprintf(url, sizeof url, "file:%s/outside", top);
    cr_assert_eq(vfs_guest_path(url, out, sizeof out), -ENOENT);
    snprintf(url, sizeof url, "file:%sX/etc", root);
    cr_assert_eq(vfs_guest_path(url, out, sizeof out), -ENOENT, "a prefix, not a component");
    cr_assert_eq(vfs_guest_path("file:/etc/passwd", out, sizeof out), -ENOENT);
}

Test(vfs_root, name_operations_get_a_parent_handle)
{
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/work/up/etc/new:dir/", &t), 0);
    cr_assert_eq(vfs_parent(&t), 0);
    cr_assert_geq(t.owned, 0);
    cr_assert_str_eq(t.path, "./new:dir/", "the last component, never read as a URL");
    cr_assert_eq(rx_mkdirat(t.dirfd, t.path, 0755), 0);
    vfs_release(&t);
    cr_assert_eq(t.owned, -1);
    char p[512];
    struct stat st;
    snprintf(p, sizeof p, "%s/etc/new:dir", root);
    cr_assert_eq(stat(p, &st), 0, "made in the root's /etc");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/work/up", &t), 0);
    cr_assert_eq(vfs_parent(&t), 0);
    char link[64];
    long n = rx_readlinkat(t.dirfd, t.path, link, sizeof link);
    vfs_release(&t);
    cr_assert_eq(n, 8, "the link itself, not followed");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/proc/cpuinfo", &t), 0);
    cr_assert_eq(vfs_parent(&t), -EPERM, "lxrun's /proc is not the host's: no name operations");
}

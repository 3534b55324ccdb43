/* test_vfs.c — vfs-map/vfs.c: guest paths become what rx.h opens. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "../../procfs/procfs.h"

#include "../../redox/rx.h"
#include "../../vfs-map/vfs.h"
#include "../../vfs-map/vfs_internal.h"

static struct vfs_target t;

static void expect_url(const char *guest, const char *url)
{
    cr_assert_eq(vfs_resolve(RX_AT_CWD, guest, &t), 0, "%s refused", guest);
    cr_assert_eq(t.dirfd, RX_AT_CWD, "%s", guest);
    cr_assert_str_eq(t.path, url);
}

Test(vfs, absolute_becomes_file_url)
{
    expect_url("/etc/passwd", "file:/etc/passwd");
    expect_url("/", "file:/");
    expect_url("/usr/lib/x86_64-linux-gnu/libc.so.6", "file:/usr/lib/x86_64-linux-gnu/libc.so.6");
}

Test(vfs, dev_nodes_become_schemes)
{
    expect_url("/dev/null", "null:");
    expect_url("/dev/zero", "zero:");
    expect_url("/dev/urandom", "rand:");
    expect_url("/dev/random", "rand:");
}

/* The host's /proc, /sys and /dev are never passed through: what lxrun does not
 * emulate is absent. */
Test(vfs, host_pseudo_trees_refused)
{
    const char *refused[] = { "/proc/self/nothing", "/proc/1/maps", "/proc/x", "/sys/x", "/dev/sda", "/dev/null/x" };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        cr_assert_eq(vfs_resolve(RX_AT_CWD, refused[i], &t), -ENOENT, "%s", refused[i]);
}

/* What lxrun emulates resolves to its own nodes, never to a host path or URL. */
Test(vfs, emulated_nodes)
{
    const char *served[] = { "/proc/cpuinfo", "/proc/./meminfo", "/sys/devices/system/cpu/online", "/proc", "/dev" };
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) {
        cr_assert_eq(vfs_resolve(RX_AT_CWD, served[i], &t), 0, "%s", served[i]);
        cr_assert_not_null(t.node, "%s", served[i]);
        cr_assert(strncmp(t.path, "file:", 5) != 0, "%s", served[i]);
    }
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/proc/cpuinfo/", &t), -ENOTDIR);
}

/* Name operations (unlink, rename, mkdir…) on lxrun's nodes never reach the
 * host's /proc, /sys or /dev: EPERM, as procfs answers. */
Test(vfs, no_name_operations_on_emulated_nodes)
{
    const char *nodes[] = { "/proc/cpuinfo", "/sys/devices/system/cpu/online", "/dev/stdin", "/proc/sys" };
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        cr_assert_eq(vfs_resolve(RX_AT_CWD, nodes[i], &t), 0, "%s", nodes[i]);
        cr_assert_eq(vfs_parent(&t), -EPERM, "%s", nodes[i]);
    }
}

/* A ".." the host resolves as Linux would (gcc's /usr/lib/gcc/.../12/../../../..
 * paths) is handed on unchanged; one that leads into /proc, /sys or /dev, taken
 * lexically, or that follows one of lxrun's own links, is lxrun's to resolve. */
Test(vfs, dotdot_outside_the_emulated_trees_stays_the_hosts)
{
    expect_url("/usr/lib/gcc/x86_64-linux-gnu/12/../../../../include", "file:/usr/lib/gcc/x86_64-linux-gnu/12/../../../../include");
    expect_url("/usr/./../etc/hostname", "file:/usr/./../etc/hostname");
    expect_url("/../etc", "file:/../etc");
    expect_url("/proc/../etc/passwd", "file:/proc/../etc/passwd");
    expect_url("/usr/../procfoo/..", "file:/usr/../procfoo/..");
    const char *served[] = { "/usr/../proc/cpuinfo", "/etc/../sys/devices/system/cpu/online", "/../proc",
                             "/usr/lib/../../dev" };
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) {
        cr_assert_eq(vfs_resolve(RX_AT_CWD, served[i], &t), 0, "%s", served[i]);
        cr_assert_not_null(t.node, "%s: not lxrun's node", served[i]);
    }
    expect_url("/usr/../dev/null", "null:");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/etc/../proc/x", &t), -ENOENT);
}

/* Only whole path components count: /procfoo is an ordinary directory. */
Test(vfs, prefix_is_not_a_component)
{
    expect_url("/procfoo/x", "file:/procfoo/x");
    expect_url("/system", "file:/system");
    expect_url("/devices", "file:/devices");
}

Test(vfs, relative_stays_relative_with_dirfd)
{
    const char *rel = "sub/file.txt";
    cr_assert_eq(vfs_resolve(5, rel, &t), 0);
    cr_assert_eq(t.dirfd, 5);
    cr_assert_eq(t.path, rel, "the input itself, not a copy");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "proc/self", &t), 0, "relative proc is a plain directory");
    cr_assert_eq(t.dirfd, RX_AT_CWD);
    cr_assert_str_eq(t.path, "proc/self");
}

Test(vfs, absolute_ignores_dirfd)
{
    cr_assert_eq(vfs_resolve(7, "/tmp/x", &t), 0);
    cr_assert_eq(t.dirfd, RX_AT_CWD);
    cr_assert_str_eq(t.path, "file:/tmp/x");
}

Test(vfs, too_long)
{
    static char p[PATH_MAX + 64];
    memset(p, 'a', sizeof p - 1);
    p[0] = '/';
    cr_assert_eq(vfs_resolve(RX_AT_CWD, p, &t), -ENAMETOOLONG);
}

Test(vfs, guest_path_of_url)
{
    char out[64];
    cr_assert_eq(vfs_guest_path("file:/etc/hosts", out, sizeof out), 10);
    cr_assert_str_eq(out, "/etc/hosts");
    cr_assert_eq(vfs_guest_path("null:", out, sizeof out), -ENOENT);
    cr_assert_eq(vfs_guest_path("pipe:12", out, sizeof out), -ENOENT);
    cr_assert_eq(vfs_guest_path("file:/etc/hosts", out, 10), -ERANGE, "no room for the NUL");
    cr_assert_eq(vfs_guest_path("file:/etc/hosts", out, 11), 10);
}

/* Links inside /proc are followed on the way (/proc/self/…, root/, fd/N/);
 * the last component stays the link, for the opener to follow or not. */
Test(vfs, proc_links_followed_on_the_way)
{
    char want[64];
    snprintf(want, sizeof want, "/proc/%d/maps", (int)getpid());
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/proc/self/maps", &t), 0);
    cr_assert_not_null(t.node);
    cr_assert_str_eq(t.path, want);
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/proc/self", &t), 0);
    cr_assert_eq(t.node->kind, PROCFS_SYMLINK, "the last component is not followed");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/proc/self/", &t), 0);
    cr_assert_eq(t.node->kind, PROCFS_DIR, "a trailing slash follows it");
    expect_url("/proc/self/root/etc/passwd", "file:/etc/passwd");
    expect_url("/proc/thread-self/root/dev/null", "null:");
    cr_assert_eq(vfs_resolve(RX_AT_CWD, "/proc/self/root/dev/sda", &t), -ENOENT, "still never the host's /dev");
    int p[2];
    cr_assert_eq(pipe(p), 0);
    char fdp[64];
    snprintf(fdp, sizeof fdp, "/proc/self/fd/%d/x", p[0]);
    cr_assert_eq(vfs_resolve(RX_AT_CWD, fdp, &t), -ENOTDIR);
}

/* A relative path from an emulated directory the guest opened resolves inside it. */
Test(vfs, relative_to_an_open_emulated_dir)
{
    long fd = procfs_dir_open("/proc/sys", O_RDONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(procfs_claim_open(fd), 1);
    cr_assert_eq(vfs_resolve((int)fd, "kernel/ostype", &t), 0);
    cr_assert_not_null(t.node);
    cr_assert_str_eq(t.path, "/proc/sys/kernel/ostype");
    cr_assert_eq(vfs_resolve((int)fd, "nothing", &t), -ENOENT);
}

/* vfs_has_component(p, 0), which reads eight bytes a round: ".." only as a whole
 * component, wherever it falls against the words, and no read past the page
 * that holds the string's end (the next page is PROT_NONE here). */
Test(vfs, dotdot_component_found_by_words)
{
    static const struct { const char *p; int dotdot; } cases[] = {
        { "..", 1 },           { "../a", 1 },          { "a/..", 1 },             { "a/../b", 1 },
        { "/usr/include/..", 1 }, { "/usr/include/../x", 1 }, { "/a/b/c/d/e/f/g/..", 1 }, { "//..//", 1 },
        { ".", 0 },            { "...", 0 },           { "a..", 0 },              { "..a", 0 },
        { "a/..b/c", 0 },      { "a/b../c", 0 },       { "/usr/include/stdio.h", 0 }, { "", 0 },
        { "/.../x", 0 },       { "x/.", 0 },           { "/usr/lib/gcc/x86_64-linux-gnu/12/../../../..", 1 },
    };
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(m, MAP_FAILED);
    cr_assert_eq(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].p) + 1;
        for (size_t shift = 0; shift < 8; shift++) { /* every alignment, the NUL the page's last bytes */
            char *at = m + pg - n - shift;
            memset(m, 'x', (size_t)pg);
            memcpy(at, cases[i].p, n);
            cr_assert_eq(vfs_has_component(at, 0), cases[i].dotdot, "\"%s\" shifted %zu", cases[i].p, shift);
        }
    }
    munmap(m, 2 * (size_t)pg);
}

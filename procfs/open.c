/* open.c — an emulated node opened by the guest: its text rendered now and
 * handed out as a snapshot fd, as reading a /proc file gives one consistent view. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../redox/rx.h"
#include "procfs.h"

unsigned procfs_ncpu(void)
{
    struct rx_sysfacts f;
    rx_sysfacts(&f);
    return f.ncpu ? (unsigned)f.ncpu : 1;
}

long procfs_open(const struct procfs_node *node, unsigned cpu, const char *path, int flags)
{
    if (node->kind == PROCFS_DIR) {
        /* Virtual directories need lxrun's side table of open directories, not
         * built yet: only O_PATH handles (stat, chdir checks) are served. */
        if (!(flags & O_PATH)) return -EACCES;
        return rx_snapshot(path, "", 0, (flags & O_CLOEXEC) != 0);
    }
    if ((flags & O_ACCMODE) != O_RDONLY) return -EACCES;
    static struct procfs_facts facts; /* large: kept off the signal stack */
    procfs_facts_gather(&facts);
    size_t cap = 16384;
    for (;;) {
        char *buf = malloc(cap);
        if (!buf) return -ENOMEM;
        size_t n = procfs_render(node, &facts, cpu, buf, cap);
        if (n < cap) {
            long fd = rx_snapshot(path, buf, n, (flags & O_CLOEXEC) != 0);
            free(buf);
            return fd;
        }
        free(buf);
        cap = n + 1;
    }
}

long procfs_stat(const struct procfs_node *node, const char *path, struct rx_stat *st)
{
    memset(st, 0, sizeof *st);
    unsigned type = node->kind == PROCFS_DIR ? S_IFDIR : node->kind == PROCFS_SYMLINK ? S_IFLNK : S_IFREG;
    st->mode = type | node->mode;
    st->nlink = node->kind == PROCFS_DIR ? 2 : 1;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: stable inode numbers per path */
    for (const char *p = path; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    st->ino = h >> 1;
    st->dev = path[1] == 's' ? 0x16 : 0x15; /* sysfs and proc get distinct devices */
    st->blksize = 1024;
    struct rx_timespec now;
    rx_clock_gettime(0, &now);
    st->atime_sec = st->mtime_sec = st->ctime_sec = now.sec;
    return 0;
}

/* open.c — an emulated node opened by the guest: its text rendered now and
 * handed out as a snapshot fd, as reading a /proc file gives one consistent view. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "../process/process.h"
#include "pid.h"

unsigned procfs_ncpu(void)
{
    struct rx_sysfacts f;
    rx_sysfacts(&f, RX_FACTS_CPUS);
    return f.ncpu ? (unsigned)f.ncpu : 1;
}

long procfs_open(const struct procfs_node *node, unsigned cpu, const char *path, int flags)
{
    if (node->kind == PROCFS_DIR) {
        if (!(flags & RX_O_PATH) && ((flags & RX_O_ACCMODE) != RX_O_RDONLY || (flags & RX_O_CREAT))) return -EISDIR;
        /* Registered in the open-directory table, RX_O_PATH handles too: fstat
         * says directory, and *at calls may start from them. */
        return procfs_dir_open(path, flags);
    }
    if (node->kind == PROCFS_SYMLINK) { /* vfs-map follows links: only RX_O_NOFOLLOW gets here */
        if (!(flags & RX_O_PATH)) return -ELOOP;
        char target[4096];
        long n = procfs_readlink(node, cpu, path, target, sizeof target);
        return n < 0 ? n : rx_snapshot(path, target, (size_t)n, (flags & RX_O_CLOEXEC) != 0);
    }
    if (flags & RX_O_DIRECTORY) return -ENOTDIR;
    int foreign = procfs_pid_foreign(node, cpu);
    if (foreign && (flags & RX_O_ACCMODE) != RX_O_RDONLY) return -EACCES;
    /* comm and oom_score_adj take writes (writable.c); the other writable nodes
     * (hostname…) are served read-only. */
    if ((flags & RX_O_ACCMODE) != RX_O_RDONLY)
        return procfs_node_writable(path) && (flags & RX_O_ACCMODE) == RX_O_WRONLY ? procfs_open_for_write(path, flags)
                                                                            : -EACCES;
    if (foreign && procfs_pid_remote(node)) return procfs_remote_snapshot(procfs_pid_of(node, cpu), path, flags);
    static struct procfs_facts facts; /* large: kept off the signal stack */
    size_t cap = 16384;
    for (;;) {
        char *buf = malloc(cap);
        if (!buf) return -ENOMEM;
        long n = procfs_render_file(node, cpu, &facts, buf, cap);
        if (n < 0 || (size_t)n >= cap) {
            free(buf);
            if (n < 0) return n;
            cap = (size_t)n + 1;
            continue;
        }
        if (node->flags & PROCFS_GZIP) {
            char *gz = malloc((size_t)n + 1024); /* deflate never grows text by more than a few bytes per 16 KiB */
            long z = gz ? procfs_gzip(buf, (size_t)n, gz, (size_t)n + 1024) : -1;
            long fd = z < 0 ? -EIO : rx_snapshot(path, gz, (size_t)z, (flags & RX_O_CLOEXEC) != 0);
            free(gz);
            free(buf);
            return fd;
        }
        long fd = rx_snapshot(path, buf, (size_t)n, (flags & RX_O_CLOEXEC) != 0);
        free(buf);
        return fd;
    }
}

long procfs_render_file(const struct procfs_node *node, unsigned num, struct procfs_facts *facts, char *buf, size_t cap)
{
    procfs_facts_gather(facts);
    if ((node->flags & PROCFS_CPU) && procfs_facts_gather_cpu(facts) < 0) return -EIO;
    int pid = procfs_pid_of(node, num);
    if (procfs_pid_node(node) && procfs_task_gather_pid(&facts->task, pid, procfs_pid_wants_fds(node)) < 0)
        return -ENOENT; /* it ended since the lookup */
    char state = pid != (int)num && procfs_pid_node(node) ? lx_process_thread_state((int)num) : 0;
    if (state) { /* task/<tid>/… of another thread: its id and state */
        facts->task.tid = (int)num;
        facts->task.state = state;
    }
    return (long)procfs_render(node, facts, num, buf, cap);
}

long procfs_stat(const struct procfs_node *node, const char *path, struct rx_stat *st)
{
    memset(st, 0, sizeof *st);
    unsigned type = node->kind == PROCFS_DIR ? RX_MODE_DIR : node->kind == PROCFS_SYMLINK ? RX_MODE_SYMLINK : RX_MODE_FILE;
    st->mode = type | node->mode;
    st->nlink = node->kind == PROCFS_DIR ? 2 : 1;
    st->ino = procfs_ino(path);
    if (node->kind == PROCFS_SYMLINK && procfs_pid_node(node) && node->mode == 0700 && node->render) {
        /* fd/N: l-wx------, lr-x------ or lrwx------ by the fd's access mode */
        unsigned num = 0;
        const struct procfs_node *n = procfs_lookup(path, 1, &num);
        long fl = n == node ? procfs_fd_flags((int)num) : -1;
        if (fl >= 0) {
            int acc = (int)fl & RX_O_ACCMODE;
            st->mode = RX_MODE_SYMLINK | (acc == RX_O_RDONLY ? 0500u : acc == RX_O_WRONLY ? 0300u : 0700u);
        }
        st->size = 64;
    } else if (node->kind == PROCFS_SYMLINK && procfs_pid_node(node) && node->mode == 0700) {
        st->mode = RX_MODE_SYMLINK | procfs_remote_fd_perm(path); /* a sibling's fd/N: it knows the access mode */
        st->size = 64;
    }
    if (procfs_pid_node(node)) { /* a process's files belong to its owner */
        st->uid = (uint32_t)rx_geteuid();
        st->gid = (uint32_t)rx_getegid();
    }
    st->dev = path[1] == 's' ? 0x16 : 0x15; /* sysfs and proc get distinct devices */
    st->blksize = 1024;
    struct rx_timespec now;
    rx_clock_gettime(RX_CLOCK_REALTIME, &now);
    st->atime_sec = st->mtime_sec = st->ctime_sec = now.sec;
    return 0;
}

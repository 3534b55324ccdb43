/* writable.c — the guest writing to an emulated file (/proc/self/comm,
 * /proc/self/oom_score_adj, the limits in /proc/sys/fs/inotify).  Opening
 * one for writing gives a real fd (a sealed empty snapshot); once the guest holds
 * it, its fd-table entry (process/fd_table.h) sends every write-family call
 * (write, writev, pwrite64, pwritev) here, which applies the text to lxrun's state. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../process/fd_table.h"
#include "../redox/rx.h"
#include "../process/process.h"
#include "../process/ptable.h"
#include "procfs.h"

static const char *last_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* comm: the first 15 bytes as written, a newline included (Linux's comm_write
 * copies them as they are; `echo x > comm` names the process "x\n") */
static long comm_write(struct lx_file *f, const void *buf, size_t len)
{
    (void)f;
    char name[16];
    size_t n = len < 15 ? len : 15;
    memcpy(name, buf, n);
    name[n] = 0;
    memcpy(lx_proc.comm, name, sizeof lx_proc.comm);
    lx_ptable_set_comm(lx_proc.comm);
    return (long)len;
}

/* oom_score_adj: one decimal number from -1000 to 1000 (surrounding blanks and a
 * newline allowed); lowering it needs root (Linux: CAP_SYS_RESOURCE). */
static long oom_write(struct lx_file *f, const void *buf, size_t len)
{
    (void)f;
    char text[24];
    if (len >= sizeof text) return -EINVAL;
    memcpy(text, buf, len);
    text[len] = 0;
    char *p = text, *end;
    while (*p == ' ' || *p == '\t') p++;
    long v = strtol(p, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\n') end++;
    if (end == p || *end || v < -1000 || v > 1000) return -EINVAL;
    if (v < lx_proc.oom_score_adj && rx_geteuid() != 0) return -EACCES;
    lx_proc.oom_score_adj = (int)v;
    return (long)len;
}

/* fs/inotify's limits: one non-negative decimal, applied to the watch queues'
 * (the sysctl's proc_dointvec_minmax: at least 0). */
static long watch_limit_write(int which, const void *buf, size_t len)
{
    char text[24];
    if (len >= sizeof text) return -EINVAL;
    memcpy(text, buf, len);
    text[len] = 0;
    char *end;
    long v = strtol(text, &end, 10);
    while (*end == ' ' || *end == '\n') end++;
    if (end == text || *end || v < 0 || v > 0x7fffffff) return -EINVAL;
    long r = rx_watch_limit_set(which, v);
    return r < 0 ? r : (long)len;
}
static long events_write(struct lx_file *f, const void *b, size_t n) { (void)f; return watch_limit_write(RX_WATCH_X_MAX_EVENTS, b, n); }
static long queues_write(struct lx_file *f, const void *b, size_t n) { (void)f; return watch_limit_write(RX_WATCH_X_MAX_QUEUES, b, n); }
static long watches_write(struct lx_file *f, const void *b, size_t n) { (void)f; return watch_limit_write(RX_WATCH_X_MAX_WATCHES, b, n); }

static const struct { const char *name; struct lx_file_ops ops; } writable[] = {
    { "comm", { .name = "procfs-comm", .write = comm_write } },
    { "oom_score_adj", { .name = "procfs-oom_score_adj", .write = oom_write } },
    { "max_queued_events", { .name = "procfs-inotify-events", .write = events_write } },
    { "max_user_instances", { .name = "procfs-inotify-queues", .write = queues_write } },
    { "max_user_watches", { .name = "procfs-inotify-watches", .write = watches_write } },
};

static const struct lx_file_ops *ops_of(const char *path)
{
    const char *name = last_name(path);
    for (size_t i = 0; i < sizeof writable / sizeof writable[0]; i++)
        if (!strcmp(name, writable[i].name)) return &writable[i].ops;
    return NULL;
}

int procfs_node_writable(const char *path) { return ops_of(path) != NULL; }

long procfs_open_for_write(const char *path, int flags)
{
    long fd = rx_snapshot(path, "", 0, (flags & RX_O_CLOEXEC) != 0);
    if (fd >= 0) procfs_pending_open(fd, ops_of(path), path);
    return fd;
}

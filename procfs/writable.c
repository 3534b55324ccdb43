/* writable.c — the guest writing to an emulated file (/proc/self/comm,
 * /proc/self/oom_score_adj).  Opening
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

static const struct lx_file_ops writable_ops[] = {
    { .name = "procfs-comm", .write = comm_write },
    { .name = "procfs-oom_score_adj", .write = oom_write },
};

static const struct lx_file_ops *ops_of(const char *path)
{
    const char *name = last_name(path);
    return !strcmp(name, "comm") ? &writable_ops[0] : !strcmp(name, "oom_score_adj") ? &writable_ops[1] : NULL;
}

int procfs_node_writable(const char *path) { return ops_of(path) != NULL; }

long procfs_open_for_write(const char *path, int flags)
{
    long fd = rx_snapshot(path, "", 0, (flags & RX_O_CLOEXEC) != 0);
    if (fd >= 0) procfs_pending_open(fd, ops_of(path), path);
    return fd;
}

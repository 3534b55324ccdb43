/* writable.c — the guest writing to an emulated file (/proc/self/comm).  Opening
 * one for writing gives a real fd (a sealed empty snapshot); once the guest holds
 * it, its fd-table entry (process/fd_table.h) sends every write-family call
 * (write, writev, pwrite64, pwritev) here, which applies the text to lxrun's state. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../process/fd_table.h"
#include "../redox/rx.h"
#include "../process/process.h"
#include "procfs.h"

static int is_comm(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && strcmp(slash + 1, "comm") == 0;
}

int procfs_node_writable(const char *path) { return is_comm(path); }

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
    return (long)len;
}

static const struct lx_file_ops comm_ops = { .name = "procfs-comm", .write = comm_write };

long procfs_open_for_write(const char *path, int flags)
{
    long fd = rx_snapshot(path, "", 0, (flags & RX_O_CLOEXEC) != 0);
    if (fd >= 0) procfs_pending_open(fd, &comm_ops, path);
    return fd;
}

/* writable.c — the guest writing to an emulated file (/proc/self/comm).  Opening
 * one for writing gives a real fd (a sealed empty snapshot) flagged here; the
 * write-family handlers hand flagged fds to procfs_write, which applies the text
 * to lxrun's state.  The flag is checked against the fd's inode, so a closed and
 * reused fd number falls back to a plain write. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../redox/rx.h"
#include "../syscalls/process.h"
#include "procfs.h"

unsigned char procfs_write_flagged[PROCFS_WRITE_FDS];
static uint64_t flagged_ino[PROCFS_WRITE_FDS];

static int is_comm(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && strcmp(slash + 1, "comm") == 0;
}

int procfs_node_writable(const char *path) { return is_comm(path); }

long procfs_open_for_write(const char *path, int flags)
{
    long fd = rx_snapshot(path, "", 0, (flags & RX_O_CLOEXEC) != 0);
    if (fd < 0) return fd;
    struct rx_stat st;
    if (fd >= PROCFS_WRITE_FDS || rx_fstat((int)fd, &st) < 0) {
        rx_close((int)fd);
        return -EMFILE;
    }
    procfs_write_flagged[fd] = 1;
    flagged_ino[fd] = st.ino;
    return fd;
}

long procfs_write(int fd, const void *buf, unsigned long len)
{
    struct rx_stat st;
    if (rx_fstat(fd, &st) < 0 || st.ino != flagged_ino[fd]) {
        procfs_write_flagged[fd] = 0; /* the fd now names something else */
        return -ENOSYS;
    }
    /* comm: the first 15 bytes, a trailing newline dropped, as Linux's proc_comm_write */
    char name[16];
    size_t n = len < 15 ? len : 15;
    memcpy(name, buf, n);
    name[n] = 0;
    char *nl = strchr(name, '\n');
    if (nl) *nl = 0;
    memcpy(lx_proc.comm, name, sizeof lx_proc.comm);
    return (long)len;
}

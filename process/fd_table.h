/* fd_table.h — the guest's file descriptors that are more than a Redox handle.
 *
 * Every guest fd is a real fd (DESIGN invariant 4); one whose behaviour lxrun adds
 * to (an emulated directory, a writable /proc file; later sockets, epoll, eventfd…)
 * also has an entry here: { ops, the open file description }.  A plain handle has
 * no entry and costs one array read.  Entries follow the fd through dup, dup2/3,
 * F_DUPFD*, close and close_range; descriptions are shared and counted as the
 * kernel's are. */
#ifndef LXRUN_FD_TABLE_H
#define LXRUN_FD_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../redox/rx.h"

struct lx_file;

struct lx_file_ops {
    const char *name;
    /* each may be NULL: the call then goes to the Redox handle as for a plain fd */
    long (*write)(struct lx_file *f, const void *buf, size_t len);
    long (*getdents)(struct lx_file *f, int fd, void *buf, size_t len);
    long (*fstat)(struct lx_file *f, struct rx_stat *st);
    /* a request the type serves (LX_IOCTL_NOT_MINE: try the requests every handle
     * answers, as for a plain fd) */
    long (*ioctl)(struct lx_file *f, int fd, unsigned req, uint64_t arg);
    void (*release)(struct lx_file *f); /* the last reference went: free priv */
};
#define LX_IOCTL_NOT_MINE (-515L) /* Linux's kernel-internal ENOIOCTLCMD */

struct lx_file {                /* an open file description */
    const struct lx_file_ops *ops;
    int refs;
    char path[256];             /* the emulated node's path */
    int peer;                   /* a socket lxrun answers (netlink): lxrun's end of the pair, or -1 */
    uint32_t port;              /* netlink: the port id the socket is bound to (0: none yet) */
    void *priv;                 /* the type's own state (ops->release frees it) */
};

/* Gives fd a new description with ops (peer -1); 0 or -ENOMEM/-EBADF.  A peer
 * set afterwards is closed with the description's last reference. */
int lx_fd_install(int fd, const struct lx_file_ops *ops, const char *path);
/* The description of fd, or NULL for a plain handle. */
struct lx_file *lx_fd_get(int fd);
/* fd was closed: its description loses a reference. */
void lx_fd_release(int fd);
/* Every fd in [lo, hi] was closed. */
void lx_fd_release_range(unsigned lo, unsigned hi);
/* newfd became a copy of oldfd (dup, dup2/3, F_DUPFD*); newfd's old entry is
 * released first. */
void lx_fd_dup(int oldfd, int newfd);
/* Each description's peer (lxrun's fd) to each(&peer, ctx), under the table's lock
 * (fd_reserve.c moves them as the floor rises). */
void lx_fd_table_peers(void (*each)(int *fd, void *ctx), void *ctx);

#endif

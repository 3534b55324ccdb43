/* dirfd.c — emulated directories the guest opened (DESIGN invariant 4: a real
 * fd, here an empty snapshot, plus an entry in the guest's fd table,
 * process/fd_table.h, with the directory's path).  The listing position is the
 * fd's own offset, so lseek/rewinddir/seekdir need nothing.
 *
 * Opening does not make the entry: procfs_claim_open does, when a handler hands
 * the fd to the guest, so lxrun's own short-lived opens of emulated nodes (stat,
 * access, chdir by path) leave nothing behind. */
#include "pid.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../process/fd_table.h"
#include "../redox/rx.h"

static long listing_getdents(struct lx_file *f, int fd, const char *path, void *buf, size_t len);
static long dir_getdents(struct lx_file *f, int fd, void *buf, size_t len)
{
    return listing_getdents(f, fd, f->path, buf, len);
}

static long dir_fstat(struct lx_file *f, struct rx_stat *st)
{
    unsigned num;
    const struct procfs_node *n = procfs_lookup(f->path, PROCFS_NCPU_ASK, &num);
    if (!n) return -ENOENT; /* gone (a closed fd's fd/ directory stays, but a pid's would not) */
    procfs_stat(n, f->path, st);
    return 0;
}

static void listing_release(struct lx_file *f);
const struct lx_file_ops procfs_dir_ops = {
    .name = "procfs-dir", .getdents = dir_getdents, .fstat = dir_fstat, .release = listing_release
};

/* The last emulated node this thread opened, for procfs_claim_open.  Its path on
 * the heap: lxrun's thread-local data must stay within the ~100 bytes musl keeps
 * for the main thread in its own .bss (on the fork-hot page, cmake/
 * lxrun_fork_hot.lds), where more is a page of its own that every fork's child
 * copies and every start maps. */
#define PENDING_PATH_MAX 256
static _Thread_local struct { long fd; const struct lx_file_ops *ops; char *path; } pending = { -1, 0, 0 };

void procfs_pending_open(long fd, const struct lx_file_ops *ops, const char *path)
{
    free(pending.path);
    pending.path = strdup(path);
    pending.fd = pending.path ? fd : -1;
    pending.ops = ops;
}

int procfs_claim_open(long fd)
{
    if (fd < 0 || fd != pending.fd) return 0;
    pending.fd = -1;
    int r = lx_fd_install((int)fd, pending.ops, pending.path);
    free(pending.path);
    pending.path = NULL;
    return r == 0;
}

long procfs_dir_open(const char *path, int flags)
{
    if (strlen(path) >= PENDING_PATH_MAX) return -ENAMETOOLONG;
    long fd = rx_snapshot(path, "", 0, (flags & RX_O_CLOEXEC) != 0);
    if (fd >= 0) procfs_pending_open(fd, &procfs_dir_ops, path);
    return fd;
}

int procfs_dir_of(int fd, char *path, size_t cap)
{
    struct lx_file *f = lx_fd_get(fd);
    if (!f || f->ops != &procfs_dir_ops || strlen(f->path) >= cap) return 0;
    strcpy(path, f->path);
    return 1;
}

int procfs_dir_fstat(int fd, struct rx_stat *st)
{
    struct lx_file *f = lx_fd_get(fd);
    return f && f->ops == &procfs_dir_ops && dir_fstat(f, st) == 0;
}

/* ---- getdents64 ----
 * The listing is rendered whole as the guest reads from its start (a rewind
 * renders it again) and kept with the description, the position an index into
 * it: rendered again at each read, a listing that lost entries meanwhile moved
 * the rest under the index -- CPython's subprocess, closing the fds it reads in
 * /proc/self/fd a few at a time, skipped one (test_subprocess's
 * test_pass_fds_redirected kept fd 10 open in the child). */

struct listing {
    char *recs;   /* linux_dirent64 records, d_off the next one's index */
    size_t used, cap;
    long count;
    const char *dir;
    int failed;   /* no memory */
};

struct dirent64_head { /* linux_dirent64 without its name */
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
} __attribute__((packed));

#define DT_DIR_ 4
#define DT_REG_ 8
#define DT_LNK_ 10

static int put(struct listing *l, const char *name, uint64_t ino, unsigned char type)
{
    size_t nlen = strlen(name);
    size_t reclen = (offsetof(struct dirent64_head, d_type) + 1 + nlen + 1 + 7) & ~(size_t)7;
    if (l->used + reclen > l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        char *grown = realloc(l->recs, cap);
        if (!grown) {
            l->failed = 1;
            return 1;
        }
        l->recs = grown;
        l->cap = cap;
    }
    struct dirent64_head h = { ino, ++l->count, (uint16_t)reclen, type };
    char *rec = l->recs + l->used;
    memset(rec, 0, reclen);
    memcpy(rec, &h, sizeof h);
    memcpy(rec + sizeof h, name, nlen);
    l->used += reclen;
    return 0;
}

static int put_entry(void *arg, const char *name, enum procfs_kind kind)
{
    struct listing *l = arg;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", l->dir, name);
    unsigned char type = kind == PROCFS_DIR ? DT_DIR_ : kind == PROCFS_SYMLINK ? DT_LNK_ : DT_REG_;
    return put(l, name, procfs_ino(path), type);
}

static long listing_render(const char *path, struct listing *l)
{
    *l = (struct listing){ .dir = path }; /* the path only while rendering */
    char parent[256];
    const char *slash = strrchr(path, '/');
    snprintf(parent, sizeof parent, "%.*s", slash && slash != path ? (int)(slash - path) : 1, path);
    long r = 0;
    if (put(l, ".", procfs_ino(path), DT_DIR_) == 0 && put(l, "..", procfs_ino(parent), DT_DIR_) == 0)
        r = procfs_readdir(path, PROCFS_NCPU_ASK, put_entry, l);
    if (l->failed) r = -ENOMEM;
    if (r < 0) free(l->recs);
    return r < 0 ? r : 0;
}

static void listing_release(struct lx_file *f)
{
    struct listing *l = f->priv;
    if (l) free(l->recs);
    free(l);
    f->priv = NULL;
}

/* The records from index pos that fit in len, and the fd's position past them. */
static long listing_serve(const struct listing *l, int fd, long pos, void *buf, size_t len)
{
    size_t off = 0, used = 0;
    long i = 0;
    for (; i < pos && off < l->used; i++) off += ((const struct dirent64_head *)(const void *)(l->recs + off))->d_reclen;
    while (off + used < l->used) {
        size_t reclen = ((const struct dirent64_head *)(const void *)(l->recs + off + used))->d_reclen;
        if (used + reclen > len) break;
        used += reclen;
        i++;
    }
    if (!used && off < l->used) return -EINVAL; /* not even one record fits */
    memcpy(buf, l->recs + off, used);
    if (used) {
        long r = rx_lseek(fd, i, RX_SEEK_SET);
        if (r < 0) return r;
    }
    return (long)used;
}

/* f: the guest's description of fd, which keeps the listing (NULL: none). */
static long listing_getdents(struct lx_file *f, int fd, const char *path, void *buf, size_t len)
{
    long pos = rx_lseek(fd, 0, RX_SEEK_CUR);
    if (pos < 0) return pos;
    if (!f) { /* not the guest's: nowhere to keep it */
        struct listing l;
        long r = listing_render(path, &l);
        if (r < 0) return r;
        r = listing_serve(&l, fd, pos, buf, len);
        free(l.recs);
        return r;
    }
    if (pos == 0 || !f->priv) {
        struct listing *l = malloc(sizeof *l);
        if (!l) return -ENOMEM;
        long r = listing_render(path, l);
        if (r < 0) {
            free(l);
            return r;
        }
        listing_release(f);
        f->priv = l;
    }
    return listing_serve(f->priv, fd, pos, buf, len);
}

long procfs_getdents(int fd, const char *path, void *buf, size_t len)
{
    struct lx_file *f = lx_fd_get(fd);
    return listing_getdents(f && f->ops == &procfs_dir_ops ? f : NULL, fd, path, buf, len);
}

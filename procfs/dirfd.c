/* dirfd.c — emulated directories the guest opened (DESIGN invariant 4: a real
 * fd, plus a small side table).
 *
 * The fd is an empty snapshot; the table maps its inode to the directory's
 * path.  Matching by inode rather than by fd number makes dup'd fds list too
 * and leaves nothing to undo at close, dup2 or close_range: the entry of a
 * closed snapshot is never matched again (its inode is not reused while lxrun
 * runs) and is the first to be recycled.  The listing position is the fd's own
 * offset, so lseek/rewinddir/seekdir need nothing either. */
#include "pid.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../redox/rx.h"

#define NDIRS 128

struct open_dir {
    uint64_t dev, ino;   /* the snapshot's; ino 0: a free slot */
    int fd;              /* the fd it was opened as, to find stale entries */
    uint64_t last_use;
    char path[256];
};

static struct open_dir dirs[NDIRS];
static int ndirs;        /* slots ever used */
static uint64_t uses;

/* A slot for a new entry: a free one, else one whose original fd no longer
 * holds its snapshot, else the least recently used. */
static struct open_dir *slot(void)
{
    if (ndirs < NDIRS) return &dirs[ndirs++];
    struct open_dir *lru = &dirs[0];
    for (int i = 0; i < NDIRS; i++) {
        struct rx_stat st;
        if (dirs[i].ino == 0 || rx_fstat(dirs[i].fd, &st) < 0 || st.ino != dirs[i].ino || st.dev != dirs[i].dev)
            return &dirs[i];
        if (dirs[i].last_use < lru->last_use) lru = &dirs[i];
    }
    return lru;
}

long procfs_dir_open(const char *path, int flags)
{
    if (strlen(path) >= sizeof dirs[0].path) return -ENAMETOOLONG;
    long fd = rx_snapshot(path, "", 0, (flags & RX_O_CLOEXEC) != 0);
    if (fd < 0) return fd;
    struct rx_stat st;
    long r = rx_fstat((int)fd, &st);
    if (r < 0) {
        rx_close((int)fd);
        return r;
    }
    struct open_dir *d = slot();
    d->dev = st.dev;
    d->ino = st.ino;
    d->fd = (int)fd;
    d->last_use = ++uses;
    snprintf(d->path, sizeof d->path, "%s", path);
    return fd;
}

static struct open_dir *find(int fd, struct rx_stat *st)
{
    if (ndirs == 0 || rx_fstat(fd, st) < 0 || !RX_MODE_IS(st->mode, RX_MODE_FILE) || st->size != 0) return NULL;
    for (int i = 0; i < ndirs; i++)
        if (dirs[i].ino == st->ino && dirs[i].dev == st->dev) {
            dirs[i].last_use = ++uses;
            return &dirs[i];
        }
    return NULL;
}

int procfs_dir_of(int fd, char *path, size_t cap)
{
    struct rx_stat st;
    struct open_dir *d = find(fd, &st);
    if (!d || strlen(d->path) >= cap) return 0;
    strcpy(path, d->path);
    return 1;
}

int procfs_dir_fstat(int fd, struct rx_stat *st)
{
    struct rx_stat snap;
    struct open_dir *d = find(fd, &snap);
    if (!d) return 0;
    unsigned num;
    const struct procfs_node *n = procfs_lookup(d->path, procfs_ncpu(), &num);
    if (!n) return 0; /* gone (a closed fd's fd/ directory stays, but a pid's would not) */
    procfs_stat(n, d->path, st);
    return 1;
}

/* ---- getdents64 ---- */

struct dirent_out {
    char *buf;
    size_t cap, used;
    long index, from;   /* entry index; the first to write */
    const char *dir;
    int full;           /* a record did not fit */
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

static int put(struct dirent_out *o, const char *name, uint64_t ino, unsigned char type)
{
    if (o->index++ < o->from) return 0;
    size_t nlen = strlen(name);
    size_t reclen = (offsetof(struct dirent64_head, d_type) + 1 + nlen + 1 + 7) & ~(size_t)7;
    if (o->used + reclen > o->cap) {
        o->full = 1;
        return 1;
    }
    struct dirent64_head h = { ino, o->index, (uint16_t)reclen, type };
    char *rec = o->buf + o->used;
    memset(rec, 0, reclen);
    memcpy(rec, &h, sizeof h);
    memcpy(rec + sizeof h, name, nlen);
    o->used += reclen;
    return 0;
}

static int put_entry(void *arg, const char *name, enum procfs_kind kind)
{
    struct dirent_out *o = arg;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", o->dir, name);
    unsigned char type = kind == PROCFS_DIR ? DT_DIR_ : kind == PROCFS_SYMLINK ? DT_LNK_ : DT_REG_;
    return put(o, name, procfs_ino(path), type);
}

long procfs_getdents(int fd, const char *path, void *buf, size_t len)
{
    long pos = rx_lseek(fd, 0, SEEK_CUR);
    if (pos < 0) return pos;
    struct dirent_out o = { buf, len, 0, 0, pos, path, 0 };
    char parent[256];
    const char *slash = strrchr(path, '/');
    snprintf(parent, sizeof parent, "%.*s", slash && slash != path ? (int)(slash - path) : 1, path);
    if (put(&o, ".", procfs_ino(path), DT_DIR_) == 0 && put(&o, "..", procfs_ino(parent), DT_DIR_) == 0) {
        long r = procfs_readdir(path, procfs_ncpu(), put_entry, &o);
        if (r < 0 && !o.full) return r;
    }
    if (o.full && o.used == 0) return -EINVAL; /* not even one record fits */
    if (o.used) {
        long r = rx_lseek(fd, o.from + (long)(o.index - o.from - (o.full ? 1 : 0)), SEEK_SET);
        if (r < 0) return r;
    }
    return (long)o.used;
}

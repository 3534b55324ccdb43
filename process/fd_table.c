/* fd_table.c — the guest's fd entries (fd_table.h): an array indexed by fd,
 * grown on demand; one lock for changes, none for lookups of plain fds.  Other
 * guest threads look up without the lock, so a grown array never frees the one
 * before it (the arrays double: what stays behind is less than the last one). */
#include "fd_table.h"

#include "../trap/fs_call.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct lx_file **slots RX_EXEC_READ; /* read by most calls */
static int nslots RX_EXEC_READ;
static int lock_word RX_FORK_HOT; /* taken by a forked child's first fd operations */

static void lock(void)
{
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
}
static void unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }

static void put(struct lx_file *f)
{
    if (!f || --f->refs) return;
    if (f->ops->release) f->ops->release(f);
    if (f->peer >= 0) rx_close(f->peer);
    free(f);
}

static int grow(int fd)
{
    if (fd < nslots) return 0;
    int n = nslots ? nslots : 64;
    while (n <= fd) n *= 2;
    struct lx_file **s = calloc((size_t)n, sizeof *s);
    if (!s) return -ENOMEM;
    if (nslots) memcpy(s, slots, (size_t)nslots * sizeof *s);
    __atomic_store_n(&slots, s, __ATOMIC_RELEASE); /* the array before nslots grows over it */
    __atomic_store_n(&nslots, n, __ATOMIC_RELEASE);
    return 0;
}

int lx_fd_install(int fd, const struct lx_file_ops *ops, const char *path)
{
    if (fd < 0) return -EBADF;
    struct lx_file *f = calloc(1, sizeof *f);
    if (!f) return -ENOMEM;
    f->ops = ops;
    f->refs = 1;
    f->peer = -1;
    strncpy(f->path, path, sizeof f->path - 1);
    lock();
    int r = grow(fd);
    if (r == 0) {
        put(slots[fd]);
        slots[fd] = f;
    } else {
        free(f);
    }
    unlock();
    return r;
}

struct lx_file *lx_fd_get(int fd)
{
    if (fd < 0 || fd >= __atomic_load_n(&nslots, __ATOMIC_ACQUIRE)) return NULL;
    return __atomic_load_n(&__atomic_load_n(&slots, __ATOMIC_ACQUIRE)[fd], __ATOMIC_ACQUIRE);
}

static long release(void *fdp)
{
    int fd = (int)(long)fdp;
    lock();
    if (fd < nslots) {
        put(slots[fd]);
        slots[fd] = NULL;
    }
    unlock();
    return 0;
}

/* A plain fd (no entry) costs a look; the rest frees, so runs on lxrun's FS. */
void lx_fd_release(int fd)
{
    if (lx_fd_get(fd)) lx_fs_call(release, (void *)(long)fd);
}

void lx_fd_release_range(unsigned lo, unsigned hi)
{
    lock();
    for (unsigned fd = lo; fd <= hi && fd < (unsigned)nslots; fd++) {
        put(slots[fd]);
        slots[fd] = NULL;
    }
    unlock();
}

struct dup_args { int oldfd, newfd; };

static long dup_entry(void *a);

void lx_fd_dup(int oldfd, int newfd)
{
    if (newfd < 0 || oldfd == newfd) return;
    /* neither has an entry: nothing to share or drop (the common case, with no lock) */
    if (!lx_fd_get(oldfd) && !lx_fd_get(newfd)) return;
    struct dup_args a = { oldfd, newfd };
    lx_fs_call(dup_entry, &a);
}

static long dup_entry(void *args)
{
    int oldfd = ((struct dup_args *)args)->oldfd, newfd = ((struct dup_args *)args)->newfd;
    lock();
    struct lx_file *f = oldfd >= 0 && oldfd < nslots ? slots[oldfd] : NULL;
    if (f || newfd < nslots) {
        if (grow(newfd) == 0) {
            if (f) f->refs++;
            put(slots[newfd]);
            slots[newfd] = f;
        }
    }
    unlock();
    return 0;
}

void lx_fd_table_peers(void (*each)(int *fd, void *ctx), void *ctx)
{
    lock();
    for (int fd = 0; fd < nslots; fd++)
        if (slots[fd] && slots[fd]->peer >= 0) each(&slots[fd]->peer, ctx);
    unlock();
}

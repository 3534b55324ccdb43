/* fs_rw.c — handles: data transfer, offsets, syncing, truncation. */
#include "../abi/linux_fcntl.h"
#include "../abi/linux_misc.h"

#include "../procfs/procfs.h"
#include <stdlib.h>

#include "handler.h"

#define IOV_MAX_ 1024
#define COPY_CHUNK 65536

long sys_read(struct lx_call *c)
{
    void *buf = gm_lock_write(c->a[1], c->a[2]);
    return buf ? rx_read((int)c->a[0], buf, c->a[2]) : -EFAULT;
}

long sys_write(struct lx_call *c)
{
    const void *buf = gm_lock_read(c->a[1], c->a[2]);
    if (!buf) return -EFAULT;
    struct lx_file *f = lx_fd_get((int)c->a[0]);
    if (f && f->ops->write) return f->ops->write(f, buf, c->a[2]); /* an emulated file (/proc/self/comm) */
    return rx_write((int)c->a[0], buf, c->a[2]);
}

long sys_pread64(struct lx_call *c)
{
    if ((int64_t)c->a[3] < 0) return -EINVAL;
    void *buf = gm_lock_write(c->a[1], c->a[2]);
    return buf ? rx_pread((int)c->a[0], buf, c->a[2], (int64_t)c->a[3]) : -EFAULT;
}

long sys_pwrite64(struct lx_call *c)
{
    if ((int64_t)c->a[3] < 0) return -EINVAL;
    const void *buf = gm_lock_read(c->a[1], c->a[2]);
    if (!buf) return -EFAULT;
    struct lx_file *f = lx_fd_get((int)c->a[0]);
    if (f && f->ops->write) return -ESPIPE; /* emulated files are streams, as Linux's comm */
    return rx_pwrite((int)c->a[0], buf, c->a[2], (int64_t)c->a[3]);
}

/* Vectored I/O as a loop of plain transfers, stopping at the first short one,
 * which is what the guest can observe of a single readv on a pipe or file. */
long lx_vector_io(int fd, uint64_t iov_ptr, long cnt, int64_t off, int writing)
{
    if (cnt < 0 || cnt > IOV_MAX_) return -EINVAL;
    if (off < -1) return -EINVAL;
    struct linux_iovec iov[cnt > 0 ? cnt : 1];
    if (gm_copy_in(iov, iov_ptr, (size_t)cnt * sizeof *iov) < 0) return -EFAULT;
    for (long i = 0; i < cnt; i++) {
        if ((long)iov[i].iov_len < 0) return -EINVAL;
        void *p = writing ? gm_lock_read((uintptr_t)iov[i].iov_base, iov[i].iov_len)
                          : gm_lock_write((uintptr_t)iov[i].iov_base, iov[i].iov_len);
        if (!p) return -EFAULT;
    }
    struct lx_file *f = writing ? lx_fd_get(fd) : NULL;
    if (f && f->ops->write) { /* an emulated file: one write per vector, as Linux loops ->write */
        if (off >= 0) return -ESPIPE;
        long total = 0;
        for (long i = 0; i < cnt; i++) {
            if (iov[i].iov_len == 0) continue;
            long r = f->ops->write(f, (const void *)(uintptr_t)iov[i].iov_base, iov[i].iov_len);
            if (r < 0) return total ? total : r;
            total += r;
        }
        return total;
    }
    long total = 0;
    for (long i = 0; i < cnt; i++) {
        if (iov[i].iov_len == 0) continue;
        long r;
        if (writing)
            r = off < 0 ? rx_write(fd, (const void *)(uintptr_t)iov[i].iov_base, iov[i].iov_len)
                        : rx_pwrite(fd, (const void *)(uintptr_t)iov[i].iov_base, iov[i].iov_len, off + total);
        else
            r = off < 0 ? rx_read(fd, (void *)(uintptr_t)iov[i].iov_base, iov[i].iov_len)
                        : rx_pread(fd, (void *)(uintptr_t)iov[i].iov_base, iov[i].iov_len, off + total);
        if (r < 0) return total ? total : r;
        total += r;
        if ((size_t)r < iov[i].iov_len) break;
    }
    if (cnt > 0 && total == 0 && !writing) {
        /* All-empty vectors still tell a bad fd apart. */
        long r = rx_fcntl(fd, RX_F_GETFL, 0);
        if (r < 0) return r;
    }
    return total;
}

long sys_readv(struct lx_call *c) { return lx_vector_io((int)c->a[0], c->a[1], (long)c->a[2], -1, 0); }
long sys_writev(struct lx_call *c) { return lx_vector_io((int)c->a[0], c->a[1], (long)c->a[2], -1, 1); }
long sys_preadv(struct lx_call *c)
{
    if ((int64_t)c->a[3] < 0) return -EINVAL;
    return lx_vector_io((int)c->a[0], c->a[1], (long)c->a[2], (int64_t)c->a[3], 0);
}
long sys_pwritev(struct lx_call *c)
{
    if ((int64_t)c->a[3] < 0) return -EINVAL;
    return lx_vector_io((int)c->a[0], c->a[1], (long)c->a[2], (int64_t)c->a[3], 1);
}

/* preadv2 and pwritev2: an offset of -1 is the file position (readv, writev);
 * RWF_HIPRI is a hint, RWF_DSYNC and RWF_SYNC sync what was written; the other
 * flags Linux knows answer EOPNOTSUPP, as from a file without them. */
#define RWF_HIPRI_ 0x1u
#define RWF_DSYNC_ 0x2u
#define RWF_SYNC_ 0x4u
static long vector_io2(struct lx_call *c, int writing)
{
    int fd = (int)c->a[0];
    uint64_t flags = c->a[5];
    if (flags & ~(uint64_t)(RWF_HIPRI_ | RWF_DSYNC_ | RWF_SYNC_)) return -EOPNOTSUPP;
    long r = lx_vector_io(fd, c->a[1], (long)c->a[2], (int64_t)c->a[3], writing);
    if (r > 0 && writing && (flags & (RWF_DSYNC_ | RWF_SYNC_))) {
        long s = (flags & RWF_SYNC_) ? rx_fsync(fd) : rx_fdatasync(fd);
        if (s < 0 && s != -EINVAL) return s; /* EINVAL: a pipe or socket, nothing to sync */
    }
    return r;
}

long sys_preadv2(struct lx_call *c) { return vector_io2(c, 0); }
long sys_pwritev2(struct lx_call *c) { return vector_io2(c, 1); }

/* Linux's whence values are Redox's (SEEK_DATA/HOLE: the host backend's extensions). */
_Static_assert(LINUX_SEEK_SET == RX_SEEK_SET && LINUX_SEEK_CUR == RX_SEEK_CUR && LINUX_SEEK_END == RX_SEEK_END &&
                   LINUX_SEEK_DATA == RX_SEEK_X_DATA && LINUX_SEEK_HOLE == RX_SEEK_X_HOLE,
               "whence numbers differ: convert them here");
long sys_lseek(struct lx_call *c) { return rx_lseek((int)c->a[0], (int64_t)c->a[1], (int)c->a[2]); }
long sys_fsync(struct lx_call *c) { return rx_fsync((int)c->a[0]); }
long sys_fdatasync(struct lx_call *c) { return rx_fdatasync((int)c->a[0]); }
long sys_syncfs(struct lx_call *c) { return rx_syncfs((int)c->a[0]); }

/* sync_file_range: Linux's checks, then a data sync of the whole file when the
 * range is to be written or waited for (Redox syncs files, not ranges). */
#define SYNC_FILE_RANGE_ALL_ 7u
#define SYNC_FILE_RANGE_WAIT_BEFORE_ 1u
long sys_sync_file_range(struct lx_call *c)
{
    int fd = (int)c->a[0];
    int64_t off = (int64_t)c->a[1], n = (int64_t)c->a[2];
    unsigned flags = (unsigned)c->a[3];
    struct rx_stat st;
    if (rx_fstat(fd, &st) < 0) return -EBADF; /* the fd first, as Linux looks it up before the rest */
    if (flags & ~SYNC_FILE_RANGE_ALL_) return -EINVAL;
    if (off < 0 || n < 0 || (n && off > INT64_MAX - n)) return -EINVAL;
    if (!RX_MODE_IS(st.mode, RX_MODE_FILE) && !RX_MODE_IS(st.mode, RX_MODE_X_BLK) && !RX_MODE_IS(st.mode, RX_MODE_DIR) &&
        !RX_MODE_IS(st.mode, RX_MODE_SYMLINK))
        return -ESPIPE;
    if (!(flags & ~SYNC_FILE_RANGE_WAIT_BEFORE_)) return 0; /* only waits for writes already started */
    long r = rx_fdatasync(fd);
    return r == -EINVAL ? 0 : r;
}

long sys_sync(struct lx_call *c)
{
    (void)c;
    rx_sync();
    return 0;
}

/* readahead: Linux's checks (an fd open for reading, on a regular file or a block
 * device), then nothing: Redox takes no page cache hints. */
long sys_readahead(struct lx_call *c)
{
    int fd = (int)c->a[0];
    long fl = rx_fcntl(fd, RX_F_GETFL, 0);
    if (fl < 0 || (fl & RX_O_PATH) || !(fl & RX_O_RDONLY)) return -EBADF;
    struct rx_stat st;
    if (rx_fstat(fd, &st) < 0) return -EBADF;
    return RX_MODE_IS(st.mode, RX_MODE_FILE) || RX_MODE_IS(st.mode, RX_MODE_X_BLK) ? 0 : -EINVAL;
}

long sys_ftruncate(struct lx_call *c)
{
    if ((int64_t)c->a[1] < 0) return -EINVAL;
    return rx_ftruncate((int)c->a[0], (int64_t)c->a[1]);
}

/* fallocate: Redox has no block reservation.  Mode 0 extends the size as Linux's
 * does (the blocks are not reserved: a later write may still find the disk full);
 * KEEP_SIZE alone has nothing left to do; PUNCH_HOLE and ZERO_RANGE write zeros
 * (the range reads back as zeros; no hole is made).  COLLAPSE, INSERT and UNSHARE
 * answer EOPNOTSUPP, as a Linux filesystem without them.  Checked first as
 * vfs_fallocate checks. */
static long zero_range(int fd, int64_t off, int64_t len)
{
    static const char zeros[16384];
    while (len > 0) {
        long n = rx_pwrite(fd, zeros, len < (int64_t)sizeof zeros ? (size_t)len : sizeof zeros, off);
        if (n <= 0) return n < 0 ? n : -EIO;
        off += n;
        len -= n;
    }
    return 0;
}

long sys_fallocate(struct lx_call *c)
{
    int fd = (int)c->a[0], mode = (int)c->a[1];
    int64_t off = (int64_t)c->a[2], len = (int64_t)c->a[3];
    const int known = LINUX_FALLOC_FL_KEEP_SIZE | LINUX_FALLOC_FL_PUNCH_HOLE | LINUX_FALLOC_FL_NO_HIDE_STALE |
                      LINUX_FALLOC_FL_COLLAPSE_RANGE | LINUX_FALLOC_FL_ZERO_RANGE | LINUX_FALLOC_FL_INSERT_RANGE |
                      LINUX_FALLOC_FL_UNSHARE_RANGE;
    if (off < 0 || len <= 0) return -EINVAL;
    if (mode & ~known) return -EOPNOTSUPP;
    int punch = mode & LINUX_FALLOC_FL_PUNCH_HOLE, zero = mode & LINUX_FALLOC_FL_ZERO_RANGE;
    if (punch && zero) return -EINVAL;
    if (punch && !(mode & LINUX_FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
    long fl = rx_fcntl(fd, RX_F_GETFL, 0);
    if (fl < 0) return fl;
    if ((fl & RX_O_PATH) || (fl & RX_O_ACCMODE) == RX_O_RDONLY) return -EBADF;
    struct rx_stat st;
    long r = rx_fstat(fd, &st);
    if (r < 0) return r;
    if (RX_MODE_IS(st.mode, RX_MODE_FIFO)) return -ESPIPE;
    if (RX_MODE_IS(st.mode, RX_MODE_DIR)) return -EISDIR;
    if (!RX_MODE_IS(st.mode, RX_MODE_FILE)) return -ENODEV;
    if (off > INT64_MAX - len) return -EFBIG;
    if (mode & (LINUX_FALLOC_FL_COLLAPSE_RANGE | LINUX_FALLOC_FL_INSERT_RANGE | LINUX_FALLOC_FL_UNSHARE_RANGE |
                LINUX_FALLOC_FL_NO_HIDE_STALE))
        return -EOPNOTSUPP;
    int64_t size = (int64_t)st.size, end = off + len;
    if (punch || zero) {
        int64_t upto = end < size ? end : size; /* past the end there is nothing to zero */
        if (off < upto && (r = zero_range(fd, off, upto - off)) < 0) return r;
    }
    if (!(mode & LINUX_FALLOC_FL_KEEP_SIZE) && end > size) return rx_ftruncate(fd, end);
    return 0;
}

long sys_truncate(struct lx_call *c)
{
    struct lx_path p;
    long r = lx_path_arg(c->a[0], LX_AT_FDCWD, &p);
    if (r < 0) return r;
    if ((int64_t)c->a[1] < 0) return -EINVAL;
    long fd = vfs_open(&p.t, RX_O_WRONLY | RX_O_CLOEXEC, 0);
    if (fd < 0) return fd;
    r = rx_ftruncate((int)fd, (int64_t)c->a[1]);
    rx_close((int)fd);
    return r;
}

long sys_fadvise64(struct lx_call *c)
{
    int advice = (int)c->a[3];
    struct rx_stat st;
    if (rx_fstat((int)c->a[0], &st) < 0) return -EBADF;
    if (RX_MODE_IS(st.mode, RX_MODE_FIFO)) return -ESPIPE; /* Linux checks this before the advice */
    if (advice < 0 || advice > 5) return -EINVAL;
    return 0;
}

static long copy_chunks(int in, int64_t *in_off, int out, int64_t *out_off, size_t count, char *buf);

/* sendfile and copy_file_range: Redox has neither; a bounded copy loop.  Its
 * buffer is kept for the next copy (not thread-local: every thread's TLS would
 * carry it; a copy while another runs takes one of its own): allocated each time,
 * 64 KiB was a mapping made and unmapped per call (cp -r: two calls a file). */
static char *kept_chunk;

static long copy_loop(int in, int64_t *in_off, int out, int64_t *out_off, size_t count)
{
    char *buf = __atomic_exchange_n(&kept_chunk, NULL, __ATOMIC_ACQUIRE);
    if (!buf && !(buf = malloc(COPY_CHUNK))) return -ENOMEM;
    long r = copy_chunks(in, in_off, out, out_off, count, buf);
    char *none = NULL;
    if (!__atomic_compare_exchange_n(&kept_chunk, &none, buf, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) free(buf);
    return r;
}

static long copy_chunks(int in, int64_t *in_off, int out, int64_t *out_off, size_t count, char *buf)
{
    size_t done = 0;
    while (done < count) {
        size_t want = count - done < COPY_CHUNK ? count - done : COPY_CHUNK;
        long n = in_off ? rx_pread(in, buf, want, *in_off) : rx_read(in, buf, want);
        if (n < 0) return done ? (long)done : n;
        if (n == 0) break;
        long w = 0;
        while (w < n) {
            long k = out_off ? rx_pwrite(out, buf + w, (size_t)(n - w), *out_off + w)
                             : rx_write(out, buf + w, (size_t)(n - w));
            if (k < 0) {
                if (in_off) *in_off += w;
                if (out_off) *out_off += w;
                return done + (size_t)w ? (long)(done + (size_t)w) : k;
            }
            w += k;
        }
        if (in_off) *in_off += n;
        if (out_off) *out_off += n;
        done += (size_t)n;
        if ((size_t)n < want) break;
    }
    return (long)done;
}

long sys_sendfile(struct lx_call *c)
{
    int out = (int)c->a[0], in = (int)c->a[1];
    int64_t off, *offp = NULL;
    if (c->a[2]) {
        if (gm_copy_in(&off, c->a[2], sizeof off) < 0) return -EFAULT;
        if (off < 0) return -EINVAL;
        offp = &off;
    }
    long oflags = rx_fcntl(out, RX_F_GETFL, 0), iflags = rx_fcntl(in, RX_F_GETFL, 0);
    if (oflags < 0 || iflags < 0) return -EBADF;
    if ((oflags & RX_O_ACCMODE) == RX_O_RDONLY || (iflags & RX_O_ACCMODE) == RX_O_WRONLY) return -EBADF; /* as Linux checks first */
    if (oflags & RX_O_APPEND) return -EINVAL; /* as Linux's splice */
    long r = copy_loop(in, offp, out, NULL, c->a[3]);
    if (offp && r >= 0 && gm_copy_out(c->a[2], &off, sizeof off) < 0) return -EFAULT;
    return r;
}

/* copy_file_range copies between regular files only, from a readable fd to a
 * writable one not in append mode: what Linux checks before copying. */
static long check_file_pair(int in, int out)
{
    struct rx_stat si, so;
    long r;
    if ((r = rx_fstat(in, &si)) < 0 || (r = rx_fstat(out, &so)) < 0) return r;
    if (RX_MODE_IS(si.mode, RX_MODE_DIR) || RX_MODE_IS(so.mode, RX_MODE_DIR)) return -EISDIR;
    if (!RX_MODE_IS(si.mode, RX_MODE_FILE) || !RX_MODE_IS(so.mode, RX_MODE_FILE)) return -EINVAL;
    long fi = rx_fcntl(in, RX_F_GETFL, 0), fo = rx_fcntl(out, RX_F_GETFL, 0);
    if (fi < 0 || fo < 0 || ((fi | fo) & RX_O_PATH)) return -EBADF;
    if ((fi & RX_O_ACCMODE) == RX_O_WRONLY || (fo & RX_O_ACCMODE) == RX_O_RDONLY || (fo & RX_O_APPEND)) return -EBADF;
    return 0;
}

long sys_copy_file_range(struct lx_call *c)
{
    int in = (int)c->a[0], out = (int)c->a[2];
    int64_t ioff, ooff, *ip = NULL, *op = NULL;
    if (c->a[5]) return -EINVAL;
    if (c->a[1]) { if (gm_copy_in(&ioff, c->a[1], 8) < 0) return -EFAULT; ip = &ioff; }
    if (c->a[3]) { if (gm_copy_in(&ooff, c->a[3], 8) < 0) return -EFAULT; op = &ooff; }
    long r = check_file_pair(in, out);
    if (r < 0) return r;
    r = copy_loop(in, ip, out, op, c->a[4]);
    if (r >= 0 && ip && gm_copy_out(c->a[1], &ioff, 8) < 0) return -EFAULT;
    if (r >= 0 && op && gm_copy_out(c->a[3], &ooff, 8) < 0) return -EFAULT;
    return r;
}

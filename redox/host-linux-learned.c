/* host-linux-learned.c — the session's kept part (rx_session_kept) and its stored
 * pages as a file of the user's, shared by every session of one build and boot
 * (rx_learned_open).
 *
 * The file: a page of head (magic, the caller's key, the sizes), then the kept
 * part, mapped shared over the session's (its first page the store's counter and
 * the "full" mark), then the store of pages, written once each by pwrite and
 * mapped privately.  Its length is fixed as it is made (the kept part's blocks
 * allocated, the store a hole until written), so a session maps it whole and
 * touches only what it reads.  Nothing
 * is copied in or out: what one session learns is in the next one's memory as it
 * starts, and in a running one's at once, through the same atomic protocols the
 * processes of one session use with each other.
 *
 * Trust: what is read becomes code in every program (stored pages are patched
 * text; the kept part says where to map them), so the file must be the caller's
 * own and no one else's to write, as a shell's start-up file is; what it says is
 * checked as an earlier process's word is (each planted image's pages hashed
 * against the file mapped, each site's bytes and shape checked again).
 *
 * Made afresh (a new file renamed over the old; running sessions keep theirs)
 * when it does not fit this build's sizes, or a session found a table or the
 * store full (rx_learned_full): nothing is ever removed from them, so the next
 * session learns what its programs need, not what a year of upgrades left. */
#include "host-linux.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LEARNED_MAGIC 0x314e52414c4e5552ull /* "RUNLARN1" */
#define KEY_MAX 256

struct learned_head {
    uint64_t magic;
    uint32_t keylen;
    uint32_t unused;
    uint64_t kept_len, pages_len; /* this build's SESSION_KEPT and SESSION_PAGES */
    uint8_t key[KEY_MAX];
};

/* The file (lxrun's own fd) and where its store starts: read by every exec's
 * planting, so on the page of what a child reads at each exec. */
static int learned_fd RX_EXEC_READ = -1;
static uint64_t learned_pages RX_EXEC_READ;

__attribute__((no_stack_protector)) int host_learned_pages(uint64_t *off)
{
    if (learned_fd < 0) return -1;
    *off += learned_pages;
    return learned_fd;
}

void host_learned_own_fds(void (*each)(int *fd, void *ctx), void *ctx)
{
    if (learned_fd >= 0) each(&learned_fd, ctx);
}

static size_t file_len(const struct host_session *s) { return 4096 + s->kept + s->pages; }

/* fd's file is a regular file of the caller's with a learned file's head: the
 * head into *h and its status into *st, 1; else 0. */
static int own_head(long fd, struct stat *st, struct learned_head *h)
{
    return raw3(SYS_fstat, fd, (long)st, 0) == 0 && S_ISREG(st->st_mode) &&
           st->st_uid == (uid_t)raw3(SYS_geteuid, 0, 0, 0) &&
           raw4(SYS_pread64, fd, (long)h, sizeof *h, 0) == (long)sizeof *h && h->magic == LEARNED_MAGIC;
}

/* fd's file is the caller's own, no one else may write it, and it has the head
 * this build and key make. */
static int fits(long fd, const struct host_session *s, const void *key, size_t keylen)
{
    struct stat st;
    static struct learned_head h RX_START_WRITTEN; /* off the start-up's stack */
    return own_head(fd, &st, &h) && !(st.st_mode & 022) && (size_t)st.st_size == file_len(s) && h.keylen == keylen &&
           !memcmp(h.key, key, keylen) && h.kept_len == s->kept && h.pages_len == s->pages;
}

/* The directory of path, made if missing (and its parent: ~/.cache on a new account). */
static void learned_dir(const char *path)
{
    char dir[4096];
    size_t n = strlen(path);
    if (n >= sizeof dir) return;
    memcpy(dir, path, n + 1);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) return;
        *slash = 0;
    }
    raw3(SYS_mkdir, (long)dir, 0700, 0);
    dir[strlen(dir)] = '/';
    raw3(SYS_mkdir, (long)dir, 0700, 0);
}

/* A new, empty file renamed over path: its fd, or -errno.  Two sessions making
 * one at once: the later rename wins, the other session learns into a file no
 * later one opens. */
static long made_afresh(const char *path, const struct host_session *s, const void *key, size_t keylen)
{
    char tmp[4096 + 32];
    size_t n = strlen(path);
    if (n + 24 > sizeof tmp) return -ENAMETOOLONG;
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".new-", 5);
    long pid = raw3(SYS_getpid, 0, 0, 0), k = 0;
    char digits[24];
    do digits[k++] = (char)('0' + pid % 10), pid /= 10; while (pid);
    for (long i = 0; i < k; i++) tmp[n + 5 + i] = digits[k - 1 - i];
    tmp[n + 5 + k] = 0;
    learned_dir(path);
    long fd = raw4(SYS_openat, AT_FDCWD, (long)tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return fd;
    static struct learned_head h;
    memset(&h, 0, sizeof h);
    h.magic = LEARNED_MAGIC, h.keylen = (uint32_t)keylen, h.kept_len = s->kept, h.pages_len = s->pages;
    memcpy(h.key, key, keylen);
    long r = raw4(SYS_pwrite64, fd, (long)&h, sizeof h, 0);
    r = r == (long)sizeof h ? raw3(SYS_ftruncate, fd, (long)file_len(s), 0) : r < 0 ? r : -EIO;
    /* the kept part's blocks reserved now: a write to a hole of a shared mapping
     * on a full disk is a SIGBUS in whatever lxrun code made it */
    if (r == 0) r = raw4(SYS_fallocate, fd, 0, 4096, (long)s->kept);
    if (r == 0) r = raw3(SYS_rename, (long)tmp, (long)path, 0);
    if (r < 0) {
        raw3(SYS_close, fd, 0, 0);
        raw3(SYS_unlink, (long)tmp, 0, 0);
        return r;
    }
    return fd;
}

/* The file dirfd/name, when it is one of the caller's learned files: its head
 * into *h, 1; else 0. */
static int learned_head_of(int dirfd, const char *name, struct learned_head *h)
{
    long fd = raw4(SYS_openat, dirfd, (long)name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
    if (fd < 0) return 0;
    struct stat st;
    int ok = own_head(fd, &st, h);
    raw3(SYS_close, fd, 0, 0);
    return ok;
}

/* Neither changed nor mapped since before `since` (mapping a file sets its access
 * time, at most once a day where the mount is relatime). */
static int unused_since(long dirfd, const char *name, time_t since)
{
    struct stat st;
    if (raw4(SYS_newfstatat, dirfd, (long)name, (long)&st, AT_SYMLINK_NOFOLLOW) < 0) return 0;
    time_t last = st.st_mtim.tv_sec > st.st_atim.tv_sec ? st.st_mtim.tv_sec : st.st_atim.tv_sec;
    return last < since;
}

void rx_learned_drop_others(const char *path, const void *key, size_t keylen, size_t boot_off, size_t boot_len,
                            long unused_s)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (!n || n >= sizeof dir || keylen > KEY_MAX || boot_off + boot_len > keylen) return;
    memcpy(dir, path, n);
    dir[n] = 0;
    struct timespec now;
    if (raw3(SYS_clock_gettime, CLOCK_REALTIME, (long)&now, 0) < 0) now.tv_sec = 0; /* then none is unused */
    long dirfd = raw4(SYS_openat, AT_FDCWD, (long)dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dirfd < 0) return;
    static char buf[4096];
    static struct learned_head h;
    long got;
    while ((got = raw3(SYS_getdents64, dirfd, (long)buf, sizeof buf)) > 0)
        for (long off = 0; off < got;) {
            const struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *d =
                (const void *)(buf + off);
            off += d->reclen;
            /* learned-<16 hex digits> only: a ".new-" file may be another session's in the making */
            if (strncmp(d->name, "learned-", 8) || strlen(d->name) != 8 + 16 || !strcmp(d->name, slash + 1)) continue;
            int unused = now.tv_sec && unused_since(dirfd, d->name, now.tv_sec - unused_s); /* first: reading the head sets the access time */
            if (!learned_head_of((int)dirfd, d->name, &h) || h.keylen != keylen) continue;
            if (unused || memcmp(h.key + boot_off, (const uint8_t *)key + boot_off, boot_len) != 0)
                raw3(SYS_unlinkat, dirfd, (long)d->name, 0);
        }
    raw3(SYS_close, dirfd, 0, 0);
}

long rx_learned_exists(const char *path)
{
    struct stat st;
    if (raw4(SYS_newfstatat, AT_FDCWD, (long)path, (long)&st, AT_SYMLINK_NOFOLLOW) < 0) return 0;
    return S_ISREG(st.st_mode) && st.st_uid == (uid_t)raw3(SYS_geteuid, 0, 0, 0);
}

long rx_learned_open(const char *path, const void *key, size_t keylen)
{
    struct host_session s;
    if (!host_session(&s) || keylen > KEY_MAX || learned_fd >= 0) return 0;
    int fresh = 0;
    long fd = raw4(SYS_openat, AT_FDCWD, (long)path, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
    if (fd >= 0 && !fits(fd, &s, key, keylen)) {
        raw3(SYS_close, fd, 0, 0);
        fd = -ENOENT; /* another build's under the same name, cut short, or not the user's own: replaced */
    }
    if (fd >= 0) { /* a session found a table full: afresh */
        struct host_session_head full;
        if (raw4(SYS_pread64, fd, (long)&full, sizeof full, 4096) != (long)sizeof full || full.full) {
            raw3(SYS_close, fd, 0, 0);
            fd = -ENOENT;
        }
    }
    if (fd == -ENOENT) fd = made_afresh(path, &s, key, keylen), fresh = 1;
    if (fd < 0) return fd;
    struct statfs fs; /* its pages are mapped executable: not from a noexec mount */
    if (raw3(SYS_fstatfs, fd, (long)&fs, 0) < 0 || (fs.f_flags & ST_NOEXEC)) {
        raw3(SYS_close, fd, 0, 0);
        return -EACCES;
    }
    fd = host_own_fd(fd);
    if (fd < 0) return fd;
    /* the kept part, over the session's (what was carved from it so far holds nothing yet) */
    long m = raw6(SYS_mmap, (long)s.at, (long)s.kept, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 4096);
    if (m != (long)s.at) {
        /* the memfd's part again, as it was */
        raw6(SYS_mmap, (long)s.at, (long)s.kept, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, s.fd, 0);
        raw3(SYS_close, fd, 0, 0);
        return m < 0 ? m : -EIO;
    }
    learned_fd = (int)fd, learned_pages = 4096 + s.kept;
    return fresh ? 2 : 1;
}

void rx_learned_drop(void)
{
    struct host_session s;
    if (learned_fd < 0 || !host_session(&s)) return;
    __atomic_store_n(&s.head->full, 1, __ATOMIC_RELAXED); /* the file's: the next session makes it afresh */
    /* the memfd's part again, emptied (what was written there before the file was mapped) */
    raw4(SYS_fallocate, s.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (long)s.kept);
    if (raw6(SYS_mmap, (long)s.at, (long)s.kept, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, s.fd, 0) != (long)s.at)
        return; /* the file stays: its mark makes the next session start afresh */
    raw3(SYS_close, learned_fd, 0, 0);
    learned_fd = -1, learned_pages = 0;
}

__attribute__((no_stack_protector)) long rx_session_pages_sync(void)
{
    return learned_fd < 0 ? 0 : raw3(SYS_fdatasync, learned_fd, 0, 0);
}

__attribute__((no_stack_protector)) int64_t rx_realtime_sec(void)
{
    struct timespec t;
    return raw3(SYS_clock_gettime, CLOCK_REALTIME, (long)&t, 0) == 0 ? (int64_t)t.tv_sec : 0;
}

long rx_boot_id(uint8_t out[16])
{
    char text[40];
    long fd = raw4(SYS_openat, AT_FDCWD, (long)"/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return fd;
    long n = raw3(SYS_read, fd, (long)text, sizeof text);
    raw3(SYS_close, fd, 0, 0);
    if (n < 36) return n < 0 ? n : -EIO;
    int k = 0;
    for (int i = 0; i < 36 && k < 32; i++) {
        char c = text[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (c == '-') continue;
        if (v < 0) return -EIO;
        if (k % 2 == 0) out[k / 2] = (uint8_t)(v << 4);
        else out[k / 2] |= (uint8_t)v;
        k++;
    }
    return k == 32 ? 0 : -EIO;
}

/* host-linux.c — the Redox-shaped interface of rx.h, carried out on Linux.
 *
 * Offers only what Redox offers: URLs with a scheme are served by the scheme
 * ("file:" is the host filesystem; "null:", "zero:", "rand:" are implemented here
 * without the host's /dev), and nothing passes a raw ioctl through. */

#include "rx.h"
#include "host-linux.h"
#include "spares.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <grp.h>
#include <poll.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449 /* musl 1.2.3's list ends before it */
#endif
#ifndef STATX_BASIC_STATS
#include <linux/stat.h> /* struct statx: glibc declares it, musl does not */
#endif
#include <sys/statfs.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif



/* ---- Redox's open flags (rx.h) and the host's ---- */
/* The kernel's O_LARGEFILE: glibc defines it as 0 for x86-64 programs, yet the
 * kernel sets the bit on every open and F_GETFL reports it. */
#define KERNEL_O_LARGEFILE 0100000
static const struct { int rx_bit, host_bit; } oflag_bits[] = {
    { RX_O_NONBLOCK, O_NONBLOCK }, { RX_O_APPEND, O_APPEND },     { RX_O_ASYNC, FASYNC },
    { RX_O_FSYNC, O_SYNC & ~O_DSYNC },      { RX_O_CLOEXEC, O_CLOEXEC },   { RX_O_CREAT, O_CREAT },
    { RX_O_TRUNC, O_TRUNC },       { RX_O_EXCL, O_EXCL },         { RX_O_DIRECTORY, O_DIRECTORY },
    { RX_O_PATH, O_PATH },         { RX_O_NOFOLLOW, O_NOFOLLOW }, { RX_O_NOCTTY, O_NOCTTY },
    { RX_O_X_DSYNC, O_DSYNC },     { RX_O_X_DIRECT, O_DIRECT },   { RX_O_X_LARGEFILE, KERNEL_O_LARGEFILE },
    { RX_O_X_NOATIME, O_NOATIME }, { RX_O_X_TMPFILE, O_TMPFILE & ~O_DIRECTORY },
};

/* Open flags from one side's values to the other's: to_host, or back. */
static int convert_oflags(int v, int to_host)
{
    static const int acc_rx[3] = { RX_O_RDONLY, RX_O_WRONLY, RX_O_RDWR }, acc_host[3] = { O_RDONLY, O_WRONLY, O_RDWR };
    const int *from_acc = to_host ? acc_rx : acc_host, *to_acc = to_host ? acc_host : acc_rx;
    int acc = v & (to_host ? RX_O_ACCMODE : O_ACCMODE), r = to_acc[0];
    for (int i = 1; i < 3; i++)
        if (acc == from_acc[i]) r = to_acc[i];
    for (size_t i = 0; i < sizeof oflag_bits / sizeof oflag_bits[0]; i++)
        if (v & (to_host ? oflag_bits[i].rx_bit : oflag_bits[i].host_bit))
            r |= to_host ? oflag_bits[i].host_bit : oflag_bits[i].rx_bit;
    return r;
}
static int host_oflags(int rx) { return convert_oflags(rx, 1); }
static int rx_oflags(int host) { return convert_oflags(host, 0); }

/* "file:/x" → "/x"; "" for a path with no scheme (used relative to dirfd). */
static const char *file_path(const char *url, int *scheme)
{
    *scheme = 0;
    /* by hand: musl's strncmp went a byte a round, 77 instructions of an lstat's 1353 */
    if (url[0] == 'f' && url[1] == 'i' && url[2] == 'l' && url[3] == 'e' && url[4] == ':') return url + 5;
    const char *colon = strchr(url, ':');
    const char *slash = strchr(url, '/');
    if (colon && (!slash || colon < slash)) *scheme = 1;
    return url;
}

/* Redox's small schemes null:, zero:, rand: (and full:, which lxrun's Redox
 * backend serves itself) are character devices that Linux
 * offers only as devices: this is the backend serving those schemes, never a
 * guest path reaching the host's /dev (vfs-map decides what the guest sees). */
static const struct { const char *url, *device; } scheme_devices[] = {
    { "null:", "/dev/null" }, { "zero:", "/dev/zero" }, { "rand:", "/dev/urandom" },
    { "full:", "/dev/full" }, /* full: reads zeros, writes fail ENOSPC */
};
#define NSCHEME_DEVICES (sizeof scheme_devices / sizeof scheme_devices[0])
static void names_map(void);

/* A guest's open of one of these schemes opens its device, with the guest's
 * flags: an open file description of its own, as each open of /dev/null is on
 * Linux (its O_NONBLOCK or O_APPEND is not another open's), and nothing opened
 * at start (they were dups of 12 handles opened there, one per device and access
 * mode: 36 of a static no-op's 143 host calls).  tty: and pty: name what the
 * caller's session has at that moment (the host's pty driver serves pty:). */
static int self_exe_fd = -1;
/* /proc/self/mem for rx_poke, and whose it is: a fork's child inherits its
 * parent's (a handle on the parent's memory) and opens its own onto the same number. */
static int mem_fd RX_FORK_HOT = -1;
static long mem_fd_pid RX_FORK_HOT; /* the fork-hot page: a forked child that pokes writes it */
/* The store of rewritten text pages (rx_poke_page): a memfd, and whose it is and
 * how much of it is written, as mem_fd's: a forked child writes a store of its
 * own onto the same number before its first page, so that neither process ever
 * writes a page the other maps. */
static int text_fd RX_FORK_HOT = -1;
static long text_fd_pid RX_FORK_HOT;
static uint64_t text_used RX_FORK_HOT;
/* The session's memory and stored pages (rx_session_kept, rx_session_pages_put). */
static int session_fd = -1;
#define TEXT_STORE_MAX (16UL << 20) /* then pokes: an exec in place keeps the store (a child may map its pages) */

/* Executable where the system's default is not (vm.memfd_noexec, Linux 6.3 on;
 * before, MFD_EXEC is unknown: EINVAL). */
static long exec_memfd(const char *name)
{
    long fd = raw3(SYS_memfd_create, (long)name, MFD_CLOEXEC | 0x10 /* MFD_EXEC */, 0);
    return fd == -EINVAL ? raw3(SYS_memfd_create, (long)name, MFD_CLOEXEC, 0) : fd;
}
static long text_store_new(void) { return exec_memfd("lxrun-text"); }

/* The system's core pattern, read once as the backend starts: the host's /proc is
 * not touched while the guest runs. */
static char core_pattern[128] RX_START_WRITTEN;
static int core_pattern_err;

/* The start-up's opens, raw: musl's open() and fcntl(F_DUPFD_CLOEXEC) each add an
 * fcntl(F_SETFD) for kernels without O_CLOEXEC (a third more calls at start-up). */
static long open_cloexec(const char *path, int flags) { return raw4(SYS_openat, AT_FDCWD, (long)path, flags | O_CLOEXEC, 0); }
/* A handle just opened (or -errno), moved above the floor: the new fd, or -errno. */
static long moved_above(long fresh, int floor)
{
    if (fresh < 0) return fresh;
    long fd = raw3(SYS_fcntl, fresh, F_DUPFD_CLOEXEC, floor);
    raw3(SYS_close, fresh, 0, 0);
    return fd;
}
/* A handle just opened (or -errno) put at fd's number, in place of what a fork's
 * child inherited there: 0, or -errno. */
static long moved_onto(long fresh, int fd)
{
    if (fresh < 0) return fresh;
    long r = raw3(SYS_dup3, fresh, fd, O_CLOEXEC);
    raw3(SYS_close, fresh, 0, 0);
    return r < 0 ? r : 0;
}

static void read_core_pattern(void)
{
    long fd = open_cloexec("/proc/sys/kernel/core_pattern", O_RDONLY);
    long n = fd < 0 ? fd : raw3(SYS_read, fd, (long)core_pattern, sizeof core_pattern - 1);
    core_pattern_err = n < 0 ? (int)-n : 0;
    if (fd >= 0) raw3(SYS_close, fd, 0, 0);
    while (n > 0 && core_pattern[n - 1] == '\n') n--;
    core_pattern[n > 0 ? n : 0] = 0;
}

/* The host's file table is /proc/self/fd: each open fd (its own listing handle
 * left out) to each(fd, ctx); 0, or -1 when it cannot be read whole.  It names
 * handles, not guest paths, as readlink of /proc/self/fd/N standing in for Redox's
 * fpath does (procfs.strict_no_host_trees allows both). */
static int fd_table_walk(void (*each)(long fd, void *ctx), void *ctx)
{
    int dir = (int)open_cloexec("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    if (dir < 0) return -1;
    char buf[4096];
    long got;
    while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got;) {
            const struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *d =
                (const void *)(buf + off);
            off += d->reclen;
            long fd = d->name[0] >= '0' && d->name[0] <= '9' ? atol(d->name) : -1;
            if (fd >= 0 && fd != dir) each(fd, ctx);
        }
    }
    close(dir);
    return got < 0 ? -1 : 0;
}

struct inherited { long highest; int path_handles; };

static void note_inherited(long fd, void *ctx)
{
    struct inherited *in = ctx;
    if (fd > in->highest) in->highest = fd;
    int fl = fcntl((int)fd, F_GETFL);
    if (fl >= 0 && (fl & O_PATH)) in->path_handles = 1;
}

/* Without listing the table, which makes an inode and a dentry for each entry
 * (~25 us in a fresh process, against ~5 for this): Linux 6.2 on gives the number
 * of open fds as /proc/self/fd's size.  When a poll of the lowest finds that many
 * there, they are all, and none is an O_PATH handle (poll answers those as
 * closed).  -1 when it cannot tell (an older kernel's size is 0). */
#define INHERITED_QUICK 256
static long fds_counted_by_poll(void)
{
    struct statx sx;
    if (raw5(SYS_statx, AT_FDCWD, (long)"/proc/self/fd", 0, STATX_SIZE, (long)&sx) < 0 || !(sx.stx_mask & STATX_SIZE) ||
        sx.stx_size == 0 || sx.stx_size > INHERITED_QUICK)
        return -1;
    struct pollfd p[INHERITED_QUICK];
    for (int i = 0; i < INHERITED_QUICK; i++) p[i] = (struct pollfd){ .fd = i };
    if (raw3(SYS_poll, (long)p, INHERITED_QUICK, 0) < 0) return -1;
    long highest = -1;
    uint64_t found = 0;
    for (int i = 0; i < INHERITED_QUICK; i++)
        if (!(p[i].revents & POLLNVAL)) highest = i, found++;
    return found == sx.stx_size ? highest : -1;
}

long rx_fd_highest_open(int *path_handles)
{
    struct inherited in = { fds_counted_by_poll(), 0 };
    if (in.highest >= 0) {
        *path_handles = 0;
        return in.highest;
    }
    if (fd_table_walk(note_inherited, &in) < 0) in.path_handles = 1; /* unknown: as if */
    *path_handles = in.path_handles;
    return in.highest;
}

/* /proc/loadavg kept open and read with pread: a shell's lxrun asks before each
 * spare child (vfork_spare.c), where an open, a read and a close were three of its
 * calls an iteration of a loop.  Moved with lxrun's other fds (rx_backend_own_fds). */
static int loadavg_fd = -1;

void rx_backend_own_fds(void (*each)(int *fd, void *ctx), void *ctx)
{
    if (self_exe_fd >= 0) each(&self_exe_fd, ctx);
    if (mem_fd >= 0) each(&mem_fd, ctx);
    if (text_fd >= 0) each(&text_fd, ctx);
    if (session_fd >= 0) each(&session_fd, ctx);
    if (loadavg_fd >= 0) each(&loadavg_fd, ctx);
    host_learned_own_fds(each, ctx);
}

static int code_huge_reserve(struct dl_phdr_info *info, size_t size, void *ctx);
static void session_start(int high_fd_floor);
static int own_fd_floor;

long rx_backend_start(int high_fd_floor)
{
    own_fd_floor = high_fd_floor;
#ifdef M_ARENA_MAX
    /* One malloc arena for every thread: a new one per thread (glibc's default)
     * costs each of lxrun's threads, the guest's included, a 128 MiB reservation
     * trimmed by munmap and mprotect as it first frees memory.  (musl's has one.) */
    mallopt(M_ARENA_MAX, 1);
#endif
    dl_iterate_phdr(code_huge_reserve, NULL);
    read_core_pattern();
    long fd = moved_above(open_cloexec("/proc/self/exe", O_PATH), high_fd_floor);
    if (fd < 0) return fd;
    self_exe_fd = (int)fd;
    fd = moved_above(open_cloexec("/proc/self/mem", O_RDWR), high_fd_floor);
    if (fd >= 0) mem_fd = (int)fd, mem_fd_pid = rx_getpid(); /* else rx_poke says ENOSYS: the rewriter protects and stores */
    fd = moved_above(text_store_new(), high_fd_floor);
    if (fd >= 0) text_fd = (int)fd, text_fd_pid = rx_getpid(); /* else rx_poke_page pokes */
    session_start(high_fd_floor);
    names_map();
    return 0;
}

/* pty: is Redox's pseudo-terminal scheme: "pty:" makes a new master, "pty:N" is
 * master N's slave (relibc pty/redox.rs: the slave's URL is the master's fpath).
 * On Linux the scheme is the host's pty driver. */
static long pty_open(const char *url, int flags)
{
    if (!url[4]) return raw4(SYS_openat, AT_FDCWD, (long)"/dev/ptmx", flags, 0);
    char dev[32] = "/dev/pts/";
    size_t n = 0;
    for (const char *d = url + 4; *d; d++, n++) /* by hand: strtoul and snprintf touch TLS */
        if (*d < '0' || *d > '9' || n >= 7) return -ENOENT;
    if (!n) return -ENOENT;
    memcpy(dev + 9, url + 4, n + 1);
    return raw4(SYS_openat, AT_FDCWD, (long)dev, flags, 0);
}

static long scheme_open(const char *url, int flags)
{
    if (strncmp(url, "pty:", 4) == 0) return pty_open(url, flags);
    /* tty: is the caller's controlling terminal as it is now (a session may have
     * taken one since lxrun started): ENXIO when there is none */
    if (strcmp(url, "tty:") == 0) return raw4(SYS_openat, AT_FDCWD, (long)"/dev/tty", flags, 0);
    for (size_t i = 0; i < NSCHEME_DEVICES; i++)
        if (strcmp(url, scheme_devices[i].url) == 0)
            return raw4(SYS_openat, AT_FDCWD, (long)scheme_devices[i].device, flags | O_NOCTTY, 0);
    return -ENOENT;
}

long rx_openat(int dirfd, const char *path, int flags, unsigned mode)
{
    int scheme;
    const char *p = file_path(path, &scheme);
    flags = host_oflags(flags);
    if (scheme) return scheme_open(path, flags);
    return raw4(SYS_openat, dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, (long)p, flags, mode);
}

/* openat2(2) with RESOLVE_IN_ROOT: the kernel resolves '/', '..' and symlinks
 * with rootfd as the root.  openat2 refuses what openat ignores (unknown flag
 * bits, a mode without O_CREAT, flags beside O_PATH), so those are dropped first,
 * as openat drops them. */
long rx_open_beneath(int rootfd, const char *path, int flags, unsigned mode, unsigned resolve)
{
    struct open_how how = { .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    if (resolve & RX_BENEATH_NO_SYMLINKS) how.resolve |= RESOLVE_NO_SYMLINKS;
    flags = host_oflags(flags);
    const int valid = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |
                      O_SYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME |
                      O_CLOEXEC | O_PATH | O_TMPFILE;
    flags &= (flags & O_PATH) ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC : valid;
    how.flags = (uint64_t)(unsigned)flags;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) how.mode = mode & 07777;
    long r;
    for (int tries = 0; tries < 16; tries++) { /* EAGAIN: a concurrent rename moved something under ".." */
        r = R(syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how));
        if (r != -EAGAIN) break;
    }
    return r;
}

long rx_close(int fd) { return raw3(SYS_close, fd, 0, 0); }

long rx_shm_anon(const char *name, size_t len)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) return -errno;
    if (ftruncate(fd, (off_t)len) < 0) { int e = errno; close(fd); return -e; }
    return fd;
}

long rx_shm_handle(const char *name, int cloexec, int sealable)
{
    return raw3(SYS_memfd_create, (long)name, (cloexec ? MFD_CLOEXEC : 0) | (sealable ? MFD_ALLOW_SEALING : 0), 0);
}

long rx_snapshot(const char *name, const void *data, size_t len, int cloexec)
{
    int fd = memfd_create(name, MFD_ALLOW_SEALING | (cloexec ? MFD_CLOEXEC : 0));
    if (fd < 0) return -errno;
    for (size_t done = 0; done < len;) {
        ssize_t w = write(fd, (const char *)data + done, len - done);
        if (w <= 0) { close(fd); return -EIO; }
        done += (size_t)w;
    }
    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

long rx_dup(int fd, const char *how)
{
    if (how && *how) return -EINVAL;
    return raw3(SYS_dup, fd, 0, 0);
}

long rx_dup2(int fd, int newfd, int cloexec)
{
    if (fd == newfd) {
        long r = raw3(SYS_fcntl, fd, F_GETFD, 0);
        return r < 0 ? r : newfd;
    }
    return raw3(SYS_dup3, fd, newfd, cloexec ? O_CLOEXEC : 0);
}

static int host_fcntl_cmd(int cmd)
{
    switch (cmd) {
    case RX_F_DUPFD: return F_DUPFD;
    case RX_F_DUPFD_CLOEXEC: return F_DUPFD_CLOEXEC;
    case RX_F_GETFD: return F_GETFD;
    case RX_F_SETFD: return F_SETFD;
    case RX_F_GETFL: return F_GETFL;
    case RX_F_SETFL: return F_SETFL;
    case RX_F_GETLK: return F_GETLK;
    case RX_F_SETLK: return F_SETLK;
    case RX_F_SETLKW: return F_SETLKW;
    case RX_F_X_OFD_GETLK: return F_OFD_GETLK;
    case RX_F_X_OFD_SETLK: return F_OFD_SETLK;
    case RX_F_X_OFD_SETLKW: return F_OFD_SETLKW;
    case RX_F_X_GETPIPE_SZ: return F_GETPIPE_SZ;
    case RX_F_X_SETPIPE_SZ: return F_SETPIPE_SZ;
    case RX_F_X_ADD_SEALS: return F_ADD_SEALS;
    case RX_F_X_GET_SEALS: return F_GET_SEALS;
    case RX_F_X_GETOWN: return F_GETOWN;
    case RX_F_X_SETOWN: return F_SETOWN;
    case RX_F_X_GETSIG: return F_GETSIG;
    case RX_F_X_SETSIG: return F_SETSIG;
    case RX_F_X_GETLEASE: return F_GETLEASE;
    case RX_F_X_SETLEASE: return F_SETLEASE;
    case RX_F_X_NOTIFY: return F_NOTIFY;
    default: return -1;
    }
}

/* Arguments and results in Redox's values: FD_CLOEXEC, open flags, struct flock. */
long rx_fcntl(int fd, int cmd, long arg)
{
    int h = host_fcntl_cmd(cmd);
    if (h < 0) return -EINVAL;
    switch (h) {
    case F_GETFD: {
        long r = raw3(SYS_fcntl, fd, F_GETFD, 0);
        return r < 0 ? r : (r & FD_CLOEXEC ? RX_FD_CLOEXEC : 0);
    }
    case F_SETFD: return raw3(SYS_fcntl, fd, F_SETFD, arg & RX_FD_CLOEXEC ? FD_CLOEXEC : 0);
    case F_GETFL: {
        long r = raw3(SYS_fcntl, fd, F_GETFL, 0);
        /* unsigned: RX_O_NOFOLLOW is the sign bit, and a set of flags is no error */
        return r < 0 ? r : (long)(unsigned)rx_oflags((int)r);
    }
    case F_SETFL: return raw3(SYS_fcntl, fd, F_SETFL, host_oflags((int)arg));
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
        struct rx_flock *rl = (struct rx_flock *)arg;
        struct flock fl = { .l_type = rl->type, .l_whence = rl->whence, .l_start = rl->start,
                            .l_len = rl->len, .l_pid = rl->pid };
        long r = raw3(SYS_fcntl, fd, h, (long)&fl);
        if (r >= 0 && (h == F_GETLK || h == F_OFD_GETLK))
            *rl = (struct rx_flock){ fl.l_type, fl.l_whence, fl.l_start, fl.l_len, fl.l_pid };
        return r;
    }
    default: return raw3(SYS_fcntl, fd, h, arg);
    }
}

/* The names of files and directories found by readlink of /proc/self/fd/N, by
 * (dev, ino): a process's first look into its /proc/self/fd costs 25-130 us here
 * (its dentries are made), each later one ~5-8 us, and an exec names the program,
 * ld.so, libc and the cwd.  A name is used again only while it still leads to the
 * same file (one lstat); a hard link's other name may then be the one shown.  The
 * table is shared memory, mapped as the backend starts: every process forked
 * from this lxrun reads and adds to it (sh's children name the program their
 * siblings named).  Each entry has a sequence count (odd while written), so a
 * process killed while writing one leaves it unused, never a lock held.  The keys
 * share one page and the paths follow it: a look scans one page, where entries
 * of key and path together spread the scan over four (each page a process first
 * touches is a fault: at start-up and again in every forked child). */
#define NAME_CACHE 64
#define NAME_MAX_PATH 240
struct name_key { uint32_t seq; uint64_t dev, ino; };
struct name_table {
    struct name_key key[NAME_CACHE];
    uint32_t next; /* the slot the next name takes */
    char path[NAME_CACHE][NAME_MAX_PATH] __attribute__((aligned(4096)));
};
static struct name_table *names;

/* The session's memory: one memfd (session_fd, lxrun's own handle), its first
 * SESSION_SHARED bytes mapped shared and carved by rx_session_kept (the first
 * SESSION_KEPT of them, its head page first: the learned file's instead when
 * there is one, host-linux-learned.c) and rx_session_room (the rest: the process
 * table is mapped over it), and after
 * them, up to SESSION_PAGES bytes, the pages rx_session_pages_put stores (in the
 * learned file too when there is one), each written once, never again, and
 * mapped privately by rx_session_pages_map.  Without memfd, an anonymous shared
 * mapping and no pages. */
#define SESSION_SHARED (6UL << 20) /* room for the process table after the kept part: rx_session_room */
#define SESSION_KEPT (768UL << 10)
#define SESSION_PAGES (32UL << 20) /* a library's whole text is a copy: plant_cache.c */
static uintptr_t session_at RX_EXEC_READ; /* read at each exec (rx_stack_home) */
static uintptr_t session_used, kept_used; /* carved: from SESSION_KEPT, and from the head's page on */
static long session_owner;
static struct host_session_head *session_head; /* shared: in the kept part's first page */

static int host_prot(int rx);

/* Where the session's memory goes: half a 2 MiB range into it, below lxrun's
 * code, with the room below it free for a program's stack (rx_stack_home).  Its
 * busy pages (the kept part's first ones, the process table's head in the room
 * after it) and the stack's top then share one page-table range.  Each range a
 * process touches costs it a page-table page: a forked child of a shell's loop
 * built one for the session's shared pages and another for its new program's
 * stack (~100 us at the stack's first write, on a paravirtualised VM, in each
 * child).  0: anywhere (an address space laid out otherwise). */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));
#define PT_RANGE (2UL << 20)

static uintptr_t session_place(void)
{
    uintptr_t code = (uintptr_t)__ehdr_start & ~(PT_RANGE - 1);
    return code > SESSION_SHARED + (1UL << 32) ? code - SESSION_SHARED - PT_RANGE / 2 : 0;
}

/* Taken (glibc's build keeps its first thread's 8 MiB stack there): the same
 * offset into a range, in room the system finds -- reserved, the session's part
 * left for the caller to map over, the rest given back.  0 if none. */
static uintptr_t session_place_elsewhere(void)
{
    long r = raw6(SYS_mmap, 0, SESSION_SHARED + PT_RANGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r < 0) return 0;
    uintptr_t lo = (uintptr_t)r, hi = lo + SESSION_SHARED + PT_RANGE;
    uintptr_t at = ((lo + PT_RANGE / 2 - 1) & ~(PT_RANGE - 1)) + PT_RANGE / 2;
    if (at > lo) raw3(SYS_munmap, (long)lo, (long)(at - lo), 0);
    if (hi > at + SESSION_SHARED) raw3(SYS_munmap, (long)(at + SESSION_SHARED), (long)(hi - at - SESSION_SHARED), 0);
    return at;
}

uintptr_t rx_stack_home(size_t len) { return session_at > len + (1UL << 32) ? session_at - len : 0; }

static void session_start(int high_fd_floor)
{
    long fd = moved_above(exec_memfd("lxrun-session"), high_fd_floor);
    if (fd >= 0 && raw3(SYS_ftruncate, fd, (long)(SESSION_SHARED + SESSION_PAGES), 0) < 0) {
        raw3(SYS_close, fd, 0, 0);
        fd = -1;
    }
    int how = fd >= 0 ? MAP_SHARED : MAP_SHARED | MAP_ANONYMOUS;
    uintptr_t want = session_place();
    long m = want ? raw6(SYS_mmap, (long)want, SESSION_SHARED, PROT_READ | PROT_WRITE, how | MAP_FIXED_NOREPLACE, fd, 0) : -1;
    if (m < 0 && (want = session_place_elsewhere()) != 0 &&
        (m = raw6(SYS_mmap, (long)want, SESSION_SHARED, PROT_READ | PROT_WRITE, how | MAP_FIXED, fd, 0)) < 0)
        raw3(SYS_munmap, (long)want, SESSION_SHARED, 0); /* the reservation, given back */
    if (m < 0) m = raw6(SYS_mmap, 0, SESSION_SHARED, PROT_READ | PROT_WRITE, how, fd, 0);
    if (m < 0) {
        if (fd >= 0) raw3(SYS_close, fd, 0, 0);
        return;
    }
    session_at = (uintptr_t)m, session_owner = rx_getpid();
    session_head = (struct host_session_head *)m;
    if (fd < 0) return;
    session_fd = (int)fd;
}

int host_session(struct host_session *s)
{
    if (!session_at || session_fd < 0 || session_owner != rx_getpid()) return 0;
    *s = (struct host_session){ .fd = session_fd, .at = session_at, .kept = SESSION_KEPT, .shared = SESSION_SHARED,
                                .pages = SESSION_PAGES, .head = session_head };
    return 1;
}

/* [from, to) of the shared memory, *used of it carved.  A fork's child gets a
 * mapping of its own: its parent may carve the same bytes. */
static long session_carve(uintptr_t *used, size_t from, size_t to, size_t len)
{
    len = (len + 4095) & ~(size_t)4095;
    if (!session_at || session_owner != rx_getpid())
        return raw6(SYS_mmap, 0, (long)len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (len > to - from - *used) return -ENOMEM;
    *used += len;
    return (long)(session_at + from + *used - len);
}

long rx_session_kept(size_t len) { return session_carve(&kept_used, 4096, SESSION_KEPT, len); }

/* Once, in this process only: the caller maps over the memfd's pages there,
 * which stay untouched (a hole: no memory), and the room's rest is given back
 * (a piece of the session's mapping after the caller's would be one mapping
 * more, copied at every fork). */
uintptr_t rx_session_room(size_t len)
{
    if (!session_at || session_owner != rx_getpid() || session_used) return 0;
    long at = session_carve(&session_used, SESSION_KEPT, SESSION_SHARED, len);
    if (at < 0) return 0;
    uintptr_t end = (uintptr_t)at + ((len + 4095) & ~(size_t)4095), top = session_at + SESSION_SHARED;
    if (end < top) raw3(SYS_munmap, (long)end, (long)(top - end), 0);
    session_used = SESSION_SHARED - SESSION_KEPT;
    return (uintptr_t)at;
}

void rx_learned_full(void)
{
    if (session_head) __atomic_store_n(&session_head->full, 1, __ATOMIC_RELAXED);
}

/* Where the stored pages at off are: the learned file's store
 * (host-linux-learned.c), else the memfd's after the shared part. */
static int pages_at(uint64_t *off)
{
    int fd = host_learned_pages(off);
    if (fd >= 0) return fd;
    *off += SESSION_SHARED;
    return session_fd;
}

long rx_session_pages_put(const void *bytes, size_t len)
{
    if (session_fd < 0 || !session_head) return -ENOSYS;
    uint64_t room = (len + 4095) & ~(uint64_t)4095;
    uint64_t off = __atomic_fetch_add(&session_head->pages_used, room, __ATOMIC_RELAXED);
    if (off + room > SESSION_PAGES) { /* full: the counter stays past the end */
        rx_learned_full();
        return -ENOSPC;
    }
    uint64_t at = off;
    int fd = pages_at(&at);
    long w = raw4(SYS_pwrite64, fd, (long)bytes, (long)len, (long)at);
    return w == (long)len ? (long)off : w < 0 ? w : -EIO;
}

long rx_session_pages_map(uintptr_t addr, size_t len, int prot, uint64_t off, int populate)
{
    if (session_fd < 0) return -ENOSYS;
    int fd = pages_at(&off);
    /* populated (ld.so's few pages, run at once: one call instead of a fault
     * each), or not (a library's whole text, most of it never run) */
    long m = raw6(SYS_mmap, (long)addr, (long)len, host_prot(prot), MAP_PRIVATE | MAP_FIXED | (populate ? MAP_POPULATE : 0),
                  fd, (long)off);
    return m == (long)addr ? 0 : m < 0 ? m : -EIO;
}

long rx_session_pages_patch(uint64_t off, const void *bytes, size_t n)
{
    if (session_fd < 0) return -ENOSYS;
    int fd = pages_at(&off);
    long w = raw4(SYS_pwrite64, fd, (long)bytes, (long)n, (long)off);
    return w == (long)n ? 0 : w < 0 ? w : -EIO;
}

long rx_session_pages_read(void *to, size_t len, uint64_t off)
{
    if (session_fd < 0) return -ENOSYS;
    int fd = pages_at(&off);
    long r = raw4(SYS_pread64, fd, (long)to, (long)len, (long)off);
    return r == (long)len ? 0 : r < 0 ? r : -EIO;
}

long host_own_fd(long fresh) { return moved_above(fresh, own_fd_floor); }

static void names_map(void)
{
    /* kept: a file's name holds from one session to the next as long as its one
     * lstat says so, and a session's first program (its own file, ld.so, libc)
     * then reads no /proc/self/fd (the learned file, host-linux-learned.c) */
    long m = rx_session_kept(sizeof *names);
    if (m >= 0) names = (struct name_table *)m;
}

/* The cached name of fd's file, checked to lead there still; 0 when there is none.
 * *st is fd's status, as given (known) or asked here (st->st_ino 0: it could not be had). */
static int name_cached(int fd, const struct rx_stat *known, char *host, size_t cap, struct stat *st)
{
    struct stat at;
    st->st_ino = 0;
    if (known) st->st_dev = (dev_t)known->dev, st->st_ino = (ino_t)known->ino, st->st_mode = (mode_t)known->mode;
    if (!names || (!known && raw3(SYS_fstat, fd, (long)st, 0) < 0) || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)))
        return 0;
    for (int i = 0; i < NAME_CACHE; i++) {
        struct name_key *k = &names->key[i];
        uint32_t seq = __atomic_load_n(&k->seq, __ATOMIC_ACQUIRE);
        if ((seq & 1) || __atomic_load_n(&k->ino, __ATOMIC_RELAXED) != st->st_ino ||
            __atomic_load_n(&k->dev, __ATOMIC_RELAXED) != st->st_dev)
            continue;
        char path[NAME_MAX_PATH];
        memcpy(path, names->path[i], sizeof path);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&k->seq, __ATOMIC_RELAXED) != seq) continue; /* rewritten meanwhile */
        path[sizeof path - 1] = 0;
        if (strlen(path) >= cap) return 0;
        strcpy(host, path);
        return raw4(SYS_newfstatat, AT_FDCWD, (long)host, (long)&at, AT_SYMLINK_NOFOLLOW) == 0 && at.st_dev == st->st_dev &&
               at.st_ino == st->st_ino;
    }
    return 0;
}

/* s ends in " (deleted)": by hand, as rx_fpath_stat's other scans, since libc's
 * strstr and strcspn use the stack protector (lxrun's TLS) and rx_fpath_stat runs
 * on the guest's FS (mm.c's name_file). */
static int deleted_name(const char *s)
{
    static const char tail[] = " (deleted)";
    size_t n = strlen(s), t = sizeof tail - 1;
    return n >= t && memcmp(s + n - t, tail, t) == 0;
}

/* host names fd's file, whose status is st (from name_cached). */
static void name_remember(const struct stat *st, const char *host)
{
    if (!names || !st->st_ino || host[0] != '/' || strlen(host) >= NAME_MAX_PATH || deleted_name(host) ||
        !strncmp(host, "/proc/", 6) || !strncmp(host, "/sys/", 5) || !strncmp(host, "/dev/", 5) ||
        !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)))
        return;
    unsigned i = __atomic_fetch_add(&names->next, 1, __ATOMIC_RELAXED) % NAME_CACHE;
    struct name_key *k = &names->key[i];
    uint32_t seq = __atomic_load_n(&k->seq, __ATOMIC_RELAXED);
    if ((seq & 1) || !__atomic_compare_exchange_n(&k->seq, &seq, seq + 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return; /* another writer has it */
    __atomic_store_n(&k->dev, (uint64_t)st->st_dev, __ATOMIC_RELAXED);
    __atomic_store_n(&k->ino, (uint64_t)st->st_ino, __ATOMIC_RELAXED);
    memset(names->path[i], 0, NAME_MAX_PATH);
    strcpy(names->path[i], host);
    __atomic_store_n(&k->seq, seq + 2, __ATOMIC_RELEASE);
}

/* prefix and then n bytes of rest into buf, NUL-ended: its length, or -ERANGE.
 * (Not snprintf: its frame alone is a page of stack, each a copy-on-write fault
 * in a forked child, and rx_fpath runs on the way of every exec and mmap.) */
static long fpath_join(char *buf, size_t len, const char *prefix, const char *rest, size_t n)
{
    size_t p = strlen(prefix);
    if (p + n >= len) return -ERANGE;
    memcpy(buf, prefix, p);
    memmove(buf + p, rest, n); /* rest may lie further on in buf (rx_fpath) */
    buf[p + n] = 0;
    return (long)(p + n);
}

/* The backend's own knowledge of a handle's name; Redox answers fpath itself.
 * What Linux names without a path is given the URL of the Redox scheme that
 * would serve it, so no host naming reaches the layers above: a snapshot
 * (memfd "NAME") is "shm:NAME", a pipe "pipe:[N]", a socket "uds_stream:[N]", a
 * pty master "pty:" and its slave "pty:N",
 * an anonymous inode "eventfd:", "signalfd:", "timerfd:", "pidfd:" or "event:"
 * (epoll, Redox's event scheme). */
long rx_fpath(int fd, char *buf, size_t len) { return rx_fpath_stat(fd, NULL, buf, len); }

long rx_fpath_stat(int fd, const struct rx_stat *known, char *buf, size_t len)
{
    /* The host's name is read into buf after room for the longest prefix
     * ("uds_stream:") and moved down: no second path buffer on the stack (each
     * page of stack first touched after a fork is a fault). */
    enum { ROOM = 16 };
    if (len < ROOM + 2) return -ERANGE;
    char link[32] = "/proc/self/fd/", *host = buf + ROOM;
    size_t cap = len - ROOM;
    struct stat st;
    if (!name_cached(fd, known, host, cap, &st)) {
        char digits[12], *d = digits + sizeof digits;
        unsigned v = (unsigned)fd;
        do *--d = (char)('0' + v % 10); while (v /= 10);
        memcpy(link + 14, d, (size_t)(digits + sizeof digits - d));
        link[14 + (digits + sizeof digits - d)] = 0;
        long n = raw3(SYS_readlink, (long)link, (long)host, (long)(cap - 1)); /* raw: TLS-free (mm.c's name_file) */
        if (n < 0) return n;
        if ((size_t)n == cap - 1) return -ERANGE; /* perhaps cut short */
        host[n] = 0;
        name_remember(&st, host);
    }
    const char *deleted = " (deleted)";
    if (strncmp(host, "/memfd:", 7) == 0) {
        size_t m = strlen(host + 7), d = strlen(deleted);
        if (m > d && strcmp(host + 7 + m - d, deleted) == 0) host[7 + m - d] = 0;
        return fpath_join(buf, len, "shm:", host + 7, strlen(host + 7));
    }
    if (strcmp(host, "/dev/ptmx") == 0 || strcmp(host, "/dev/pts/ptmx") == 0) return fpath_join(buf, len, "pty:", "", 0);
    if (strncmp(host, "/dev/pts/", 9) == 0 && host[9] >= '0' && host[9] <= '9')
        return fpath_join(buf, len, "pty:", host + 9, strlen(host + 9));
    if (host[0] == '/') return fpath_join(buf, len, "file:", host, strlen(host));
    if (strncmp(host, "socket:", 7) == 0) return fpath_join(buf, len, "uds_stream:", host + 7, strlen(host + 7));
    if (strncmp(host, "anon_inode:", 11) == 0) {
        const char *kind = host + 11 + (host[11] == '[');
        size_t k = 0;
        while (kind[k] && kind[k] != ']') k++;
        if (k == 9 && strncmp(kind, "eventpoll", 9) == 0) return fpath_join(buf, len, "event:", "", 0);
        long w = fpath_join(buf, len, "", kind, k);
        return w < 0 ? w : fpath_join(buf + w, len - (size_t)w, ":", "", 0) < 0 ? -ERANGE : w + 1;
    }
    return fpath_join(buf, len, "", host, strlen(host)); /* pipe:[N] */
}

long rx_pipe2(int fds[2], int flags) { return raw3(SYS_pipe2, (long)fds, host_oflags(flags) & ~O_ACCMODE, 0); }

long rx_close_range(int lowfd, int highfd, int cloexec_only)
{
    return R(syscall(SYS_close_range, (unsigned)lowfd, (unsigned)highfd,
                     cloexec_only ? 4u /* CLOSE_RANGE_CLOEXEC */ : 0u));
}

/* poll() a batch at a time; a closed fd answers POLLNVAL -- and so does an O_PATH
 * one, which this way therefore misses (used when there is none, or no /proc).
 * A small batch: an exec's close-on-exec pass runs deep in the trap's stack, where
 * a 4 KiB one took a page more (a fault in every exec'd child) for one call fewer. */
#define POLL_BATCH 128
static long fds_open_by_poll(int below, int *out, size_t max)
{
    struct pollfd batch[POLL_BATCH];
    size_t n = 0;
    for (int lo = 0; lo < below; lo += POLL_BATCH) {
        int k = below - lo < POLL_BATCH ? below - lo : POLL_BATCH;
        for (int i = 0; i < k; i++) batch[i] = (struct pollfd){ .fd = lo + i };
        if (poll(batch, (nfds_t)k, 0) < 0) return -errno;
        for (int i = 0; i < k; i++) {
            if (batch[i].revents & POLLNVAL) continue;
            if (n < max) out[n] = lo + i;
            n++;
        }
    }
    return (long)n;
}

static int fd_order(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

struct fd_list { int below; int *out; size_t max, n; };

static void list_fd(long fd, void *ctx)
{
    struct fd_list *l = ctx;
    if (fd >= l->below) return;
    if (l->n < l->max) l->out[l->n] = (int)fd;
    l->n++;
}

long rx_fds_open(int below, int path_handles, int *out, size_t max)
{
    struct fd_list l = { below, out, max, 0 };
    if (!path_handles || fd_table_walk(list_fd, &l) < 0) return fds_open_by_poll(below, out, max);
    qsort(out, l.n < max ? l.n : max, sizeof *out, fd_order);
    return (long)l.n;
}


long rx_read(int fd, void *buf, size_t len) { return host_wait_call(SYS_read, fd, (long)buf, (long)len, 0, 0, 0); }
long rx_write(int fd, const void *buf, size_t len)
{
    return host_wait_call(SYS_write, fd, (long)buf, (long)len, 0, 0, 0);
}

long rx_pread(int fd, void *buf, size_t len, int64_t off) { return raw4(SYS_pread64, fd, (long)buf, (long)len, off); }
long rx_pwrite(int fd, const void *buf, size_t len, int64_t off)
{
    return raw4(SYS_pwrite64, fd, (long)buf, (long)len, off);
}
long rx_lseek(int fd, int64_t off, int whence) { return raw3(SYS_lseek, fd, off, whence); }
long rx_fsync(int fd) { return R(fsync(fd)); }
long rx_fdatasync(int fd) { return R(fdatasync(fd)); }
void rx_sync(void) { sync(); }
int rx_ioprio_self(void)
{
    long r = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    return r < 0 ? 0 : (int)r;
}
long rx_syncfs(int fd) { return R(syncfs(fd)); }
long rx_ftruncate(int fd, int64_t len) { return R(ftruncate(fd, len)); }
long rx_flock(int fd, int op) { return host_wait_call(SYS_flock, fd, op, 0, 0, 0, 0); }

long rx_getdents(int fd, void *buf, size_t len) { return raw3(SYS_getdents64, fd, (long)buf, (long)len); }

static void stat_from_statx(struct rx_stat *st, const struct statx *sx)
{
    memset(st, 0, sizeof *st);
    st->dev = makedev(sx->stx_dev_major, sx->stx_dev_minor);
    st->rdev = makedev(sx->stx_rdev_major, sx->stx_rdev_minor);
    st->ino = sx->stx_ino;
    st->mode = sx->stx_mode;
    st->nlink = sx->stx_nlink;
    st->uid = sx->stx_uid;
    st->gid = sx->stx_gid;
    st->size = (int64_t)sx->stx_size;
    st->blksize = sx->stx_blksize;
    st->blocks = (int64_t)sx->stx_blocks;
    st->atime_sec = sx->stx_atime.tv_sec;  st->atime_nsec = sx->stx_atime.tv_nsec;
    st->mtime_sec = sx->stx_mtime.tv_sec;  st->mtime_nsec = sx->stx_mtime.tv_nsec;
    st->ctime_sec = sx->stx_ctime.tv_sec;  st->ctime_nsec = sx->stx_ctime.tv_nsec;
    if (sx->stx_mask & STATX_BTIME) {
        st->btime_sec = sx->stx_btime.tv_sec; st->btime_nsec = sx->stx_btime.tv_nsec;
    }
}

int rx_stat_never_waits(const struct rx_stat *st)
{
    if (RX_MODE_IS(st->mode, RX_MODE_FILE)) return 1;
    unsigned minor_ = minor(st->rdev);
    return RX_MODE_IS(st->mode, RX_MODE_CHR) && major(st->rdev) == 1 &&
           (minor_ == 3 || minor_ == 5 || minor_ == 7 || minor_ == 9); /* mem devices: null zero full urandom */
}

static long statx_raw(int dirfd, const char *path, int flags, struct rx_stat *st)
{
    struct statx sx;
    long r = raw5(SYS_statx, dirfd, (long)path, flags, STATX_BASIC_STATS | STATX_BTIME, (long)&sx);
    if (r == 0) stat_from_statx(st, &sx);
    return r;
}

long rx_fstat(int fd, struct rx_stat *st) { return statx_raw(fd, "", AT_EMPTY_PATH, st); }

long rx_stat_at(int dirfd, const char *path, int nofollow, struct rx_stat *st)
{
    int scheme;
    const char *p = file_path(path, &scheme);
    if (scheme || !*p) { /* a scheme's node, or the handle itself: through a handle */
        long fd = rx_openat(dirfd, path, RX_O_PATH | RX_O_CLOEXEC | (nofollow ? RX_O_NOFOLLOW : 0), 0);
        if (fd < 0) return fd;
        long r = rx_fstat((int)fd, st);
        rx_close((int)fd);
        return r;
    }
    return statx_raw(dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, p, nofollow ? AT_SYMLINK_NOFOLLOW : 0, st);
}

long rx_fstatvfs(int fd, struct rx_statvfs *st)
{
    struct statfs s;
    long r = raw3(SYS_fstatfs, fd, (long)&s, 0);
    if (r < 0) return r;
    st->bsize = (uint64_t)s.f_bsize; st->frsize = (uint64_t)s.f_frsize;
    st->blocks = s.f_blocks; st->bfree = s.f_bfree; st->bavail = s.f_bavail;
    st->files = s.f_files; st->ffree = s.f_ffree;
    memcpy(&st->fsid, &s.f_fsid, sizeof st->fsid);
    st->namemax = (uint64_t)s.f_namelen; st->flags = (uint64_t)s.f_flags;
    st->fstype = (uint64_t)s.f_type;
    return 0;
}

long rx_fchmod(int fd, unsigned mode)
{
    if (fchmod(fd, mode) == 0) return 0;
    if (errno != EBADF) return -errno;
    /* An O_PATH handle: Redox allows fchmod on it, Linux only through fchmodat2
     * (6.6+) or the handle's /proc link. */
    if (syscall(452 /* fchmodat2 */, fd, "", mode, AT_EMPTY_PATH) == 0) return 0;
    if (errno != ENOSYS) return -errno;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    return R(chmod(link, mode));
}

long rx_fchown(int fd, int uid, int gid)
{
    /* fd may be an O_PATH handle (chown of a symlink), which fchown refuses. */
    return R(fchownat(fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH));
}

long rx_futimens(int fd, const struct rx_timespec ts[2])
{
    struct timespec t[2];
    for (int i = 0; i < 2 && ts; i++) { t[i].tv_sec = ts[i].sec; t[i].tv_nsec = ts[i].nsec; }
    return R(utimensat(fd, "", ts ? t : NULL, AT_EMPTY_PATH));
}

long rx_mkdirat(int dirfd, const char *path, unsigned mode)
{
    int s;
    const char *p = file_path(path, &s);
    return s ? -EEXIST : R(mkdirat(dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, p, mode));
}

long rx_mknodat(int dirfd, const char *path, unsigned mode)
{
    int s;
    const char *p = file_path(path, &s);
    if (s) return -EEXIST;
    if ((mode & S_IFMT) != S_IFIFO && (mode & S_IFMT) != S_IFREG) return -EPERM;
    return R(mknodat(dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, p, mode, 0));
}

long rx_unlinkat(int dirfd, const char *path, int rmdir)
{
    int s;
    const char *p = file_path(path, &s);
    return s ? -EPERM : R(unlinkat(dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, p, rmdir ? AT_REMOVEDIR : 0));
}

long rx_renameat(int olddirfd, const char *oldp, int newdirfd, const char *newp, unsigned flags)
{
    int s1, s2;
    const char *a = file_path(oldp, &s1), *b = file_path(newp, &s2);
    if (s1 || s2) return -EXDEV;
    return R(syscall(SYS_renameat2, olddirfd == RX_AT_CWD ? AT_FDCWD : olddirfd, a,
                       newdirfd == RX_AT_CWD ? AT_FDCWD : newdirfd, b, flags));
}

long rx_linkat(int olddirfd, const char *oldp, int newdirfd, const char *newp, int follow)
{
    int s1, s2;
    const char *a = file_path(oldp, &s1), *b = file_path(newp, &s2);
    if (s1 || s2) return -EXDEV;
    int od = olddirfd == RX_AT_CWD ? AT_FDCWD : olddirfd, nd = newdirfd == RX_AT_CWD ? AT_FDCWD : newdirfd;
    if (*a == 0) { /* the handle itself */
        if (linkat(od, "", nd, b, AT_EMPTY_PATH) == 0) return 0;
        if (errno != ENOENT || od == AT_FDCWD) return -errno;
        /* before Linux 6.10, AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the handle's
         * /proc link is the unprivileged way to the same file */
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", od);
        return R(linkat(AT_FDCWD, link, nd, b, AT_SYMLINK_FOLLOW));
    }
    return R(linkat(od, a, nd, b, follow ? AT_SYMLINK_FOLLOW : 0));
}

long rx_symlinkat(const char *target, int dirfd, const char *path)
{
    int s;
    const char *p = file_path(path, &s);
    return s ? -EEXIST : R(symlinkat(target, dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, p));
}

long rx_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
    int s;
    const char *p = file_path(path, &s);
    return s ? -EINVAL : raw4(SYS_readlinkat, dirfd == RX_AT_CWD ? AT_FDCWD : dirfd, (long)p, (long)buf, (long)len);
}

long rx_chdir_fd(int fd) { return R(fchdir(fd)); }

long rx_getcwd(char *buf, size_t len)
{
    if (len < 6) return -ERANGE;
    long n = raw3(SYS_getcwd, (long)(buf + 5), (long)(len - 5), 0); /* the length with its NUL */
    if (n < 0) return n;
    if (buf[5] != '/') return -ENOENT; /* "(unreachable)...": outside this root */
    memcpy(buf, "file:", 5);
    return n - 1 + 5;
}

static int host_prot(int rx)
{
    return (rx & RX_PROT_READ ? PROT_READ : 0) | (rx & RX_PROT_WRITE ? PROT_WRITE : 0) |
           (rx & RX_PROT_EXEC ? PROT_EXEC : 0);
}

static int host_map_flags(int rx)
{
    static const struct { int rx_bit, host_bit; } bits[] = {
        { RX_MAP_X_32BIT, MAP_32BIT },         { RX_MAP_X_GROWSDOWN, MAP_GROWSDOWN },
        { RX_MAP_X_LOCKED, MAP_LOCKED },       { RX_MAP_X_NORESERVE, MAP_NORESERVE },
        { RX_MAP_X_POPULATE, MAP_POPULATE },   { RX_MAP_X_NONBLOCK, MAP_NONBLOCK },
        { RX_MAP_X_HUGETLB, MAP_HUGETLB },     { RX_MAP_X_SYNC, MAP_SYNC },
        { RX_MAP_ANONYMOUS, MAP_ANONYMOUS },   { RX_MAP_STACK, MAP_STACK },
    };
    int h = (rx & RX_MAP_SHARED) ? MAP_SHARED : (rx & RX_MAP_PRIVATE) ? MAP_PRIVATE : 0;
    if ((rx & RX_MAP_FIXED_NOREPLACE) == RX_MAP_FIXED_NOREPLACE) h |= MAP_FIXED_NOREPLACE;
    else if (rx & RX_MAP_FIXED) h |= MAP_FIXED;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (rx & bits[i].rx_bit) h |= bits[i].host_bit;
    /* a shared mapping with the extensions Linux validates only under SHARED_VALIDATE */
    if ((h & MAP_SHARED) && (rx & RX_MAP_X_SYNC)) h = (h & ~MAP_SHARED) | MAP_SHARED_VALIDATE;
    return h;
}

long rx_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    return raw6(SYS_mmap, (long)addr, (long)len, host_prot(prot), host_map_flags(flags), fd, off);
}
long rx_munmap(uintptr_t addr, size_t len) { return raw3(SYS_munmap, (long)addr, (long)len, 0); }
long rx_mprotect(uintptr_t addr, size_t len, int prot) { return raw3(SYS_mprotect, (long)addr, (long)len, host_prot(prot)); }

long rx_poke(uintptr_t addr, const void *bytes, size_t n)
{
    if (mem_fd < 0) return -ENOSYS;
    if (mem_fd_pid != rx_getpid()) { /* a fork's child: its own memory, at the same fd */
        long r = moved_onto(open_cloexec("/proc/self/mem", O_RDWR), mem_fd);
        if (r < 0) return r;
        mem_fd_pid = rx_getpid();
    }
    long r = raw4(SYS_pwrite64, mem_fd, (long)bytes, (long)n, (long)addr);
    return r < 0 ? r : r == (long)n ? 0 : -EIO;
}

/* One page of a private file mapping mapped anew from the store, holding its
 * bytes as they are with [addr, addr+n) (within the page) replaced. */
static long text_page_place(uintptr_t page, uintptr_t addr, const void *bytes, size_t n, int prot)
{
    if (text_fd_pid != rx_getpid()) { /* a fork's child: a store of its own at the same fd */
        long r = moved_onto(text_store_new(), text_fd);
        if (r < 0) return r;
        text_fd_pid = rx_getpid(), text_used = 0;
    }
    if (text_used + 4096 > TEXT_STORE_MAX) return -ENOSPC;
    const struct iovec iov[3] = { { (void *)page, addr - page }, { (void *)bytes, n },
                                  { (void *)(addr + n), page + 4096 - (addr + n) } };
    long w = raw5(SYS_pwritev, text_fd, (long)iov, 3, (long)text_used, 0);
    if (w != 4096) return w < 0 ? w : -EIO;
    /* the old page leaves as the new one comes, under the address space's lock: a
     * thread meanwhile running the page waits for it in its fault and finds the
     * new page (Linux 6.12 on put the mapping back if this fails) */
    long m = raw6(SYS_mmap, (long)page, 4096, host_prot(prot), MAP_PRIVATE | MAP_FIXED, text_fd, (long)text_used);
    if (m != (long)page) return m < 0 ? m : -EIO;
    text_used += 4096;
    return 0;
}

long rx_poke_page(uintptr_t addr, const void *bytes, size_t n, int prot)
{
    if (text_fd < 0) return rx_poke(addr, bytes, n);
    while (n) {
        uintptr_t page = addr & ~(uintptr_t)4095;
        size_t here = page + 4096 - addr < n ? page + 4096 - addr : n;
        long r = text_page_place(page, addr, bytes, here, prot);
        if (r < 0) r = rx_poke(addr, bytes, here); /* full, or refused (a mapping fails before it unmaps) */
        if (r < 0) return r;
        addr += here, bytes = (const uint8_t *)bytes + here, n -= here;
    }
    return 0;
}

/* advice numbers are POSIX's, the same in relibc and Linux (MADV_NORMAL 0 .. DONTNEED 4) */
long rx_madvise(uintptr_t addr, size_t len, enum rx_madvise advice)
{
    static const int host[] = {
        [RX_MADV_NORMAL] = MADV_NORMAL,         [RX_MADV_RANDOM] = MADV_RANDOM,
        [RX_MADV_SEQUENTIAL] = MADV_SEQUENTIAL, [RX_MADV_WILLNEED] = MADV_WILLNEED,
        [RX_MADV_DONTNEED] = MADV_DONTNEED,     [RX_MADV_FREE] = MADV_FREE,
        [RX_MADV_REMOVE] = MADV_REMOVE,         [RX_MADV_DONTFORK] = MADV_DONTFORK,
        [RX_MADV_DOFORK] = MADV_DOFORK,         [RX_MADV_MERGEABLE] = MADV_MERGEABLE,
        [RX_MADV_UNMERGEABLE] = MADV_UNMERGEABLE, [RX_MADV_HUGEPAGE] = MADV_HUGEPAGE,
        [RX_MADV_NOHUGEPAGE] = MADV_NOHUGEPAGE, [RX_MADV_DONTDUMP] = MADV_DONTDUMP,
        [RX_MADV_DODUMP] = MADV_DODUMP,         [RX_MADV_WIPEONFORK] = MADV_WIPEONFORK,
        [RX_MADV_KEEPONFORK] = MADV_KEEPONFORK, [RX_MADV_COLD] = MADV_COLD,
        [RX_MADV_PAGEOUT] = MADV_PAGEOUT,       [RX_MADV_POPULATE_READ] = 22, /* glibc 2.36 lacks these names */
        [RX_MADV_POPULATE_WRITE] = 23,          [RX_MADV_DONTNEED_LOCKED] = 24,
        [RX_MADV_COLLAPSE] = 25,
    };
    if ((unsigned)advice >= sizeof host / sizeof host[0]) return -EINVAL;
    return raw3(SYS_madvise, (long)addr, (long)len, host[advice]);
}
long rx_msync(uintptr_t addr, size_t len, int flags)
{
    int h = (flags & RX_MS_ASYNC ? MS_ASYNC : 0) | (flags & RX_MS_INVALIDATE ? MS_INVALIDATE : 0) |
            (flags & RX_MS_SYNC ? MS_SYNC : 0);
    return R(msync((void *)addr, len, h));
}

/* raw, as the fast path serves them on the guest's FS (no TLS) */
/* The pid changes only with a fork (rx_fork notes the child's): lxrun asks
 * for it dozens of times per process, a kernel entry each (1.3 µs with KPTI). */
static long my_pid RX_FORK_HOT;

long rx_getpid(void)
{
    long pid = __atomic_load_n(&my_pid, __ATOMIC_RELAXED);
    if (!pid) __atomic_store_n(&my_pid, pid = raw3(SYS_getpid, 0, 0, 0), __ATOMIC_RELAXED);
    return pid;
}
long rx_getppid(void) { return raw3(SYS_getppid, 0, 0, 0); }
long rx_gettid(void) { return raw3(SYS_gettid, 0, 0, 0); }
/* Both libcs encode the id in the thread's CPU-time clock id, the kernel's (~tid
 * << 3 | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED), from the id the kernel stored in
 * their thread block as it made the thread (CLONE_PARENT_SETTID; the first
 * thread's from set_tid_address): a guest thread's set-up made a gettid. */
long rx_thread_tid(void)
{
    clockid_t clk;
    if (pthread_getcpuclockid(pthread_self(), &clk) != 0) return rx_gettid();
    return ~((long)clk >> 3);
}
long rx_getuid(void) { return raw3(SYS_getuid, 0, 0, 0); }
long rx_geteuid(void) { return raw3(SYS_geteuid, 0, 0, 0); }
long rx_getgid(void) { return raw3(SYS_getgid, 0, 0, 0); }
long rx_getegid(void) { return raw3(SYS_getegid, 0, 0, 0); }
long rx_getgroups(int n, uint32_t *list) { return raw3(SYS_getgroups, n, (long)list, 0); }
static int in_groups(uint32_t gid)
{
    uint32_t list[256];
    long n = rx_getgroups(256, list);
    for (long i = 0; i < n; i++)
        if (list[i] == gid) return 1;
    return 0;
}

unsigned rx_mode_bits_for(uint32_t mode, uint32_t owner, uint32_t group, uint32_t uid, uint32_t gid)
{
    if (uid == owner) return (mode >> 6) & 7;
    return gid == group || in_groups(group) ? (mode >> 3) & 7 : mode & 7;
}
long rx_umask(unsigned mask) { return raw3(SYS_umask, mask, 0, 0); } /* raw: musl's has an errno path */
long rx_getresuid(uint32_t ids[3]) { return R(getresuid(&ids[0], &ids[1], &ids[2])); }
long rx_getresgid(uint32_t ids[3]) { return R(getresgid(&ids[0], &ids[1], &ids[2])); }
/* Raw, for the calling thread alone, as the guest's call: a libc's setresuid
 * signals every thread of the process to change too (glibc by its signal 33, musl
 * by 34), guest threads included, whose libc sends its own round anyway. */
long rx_setresuid(long r, long e, long s) { return raw3(SYS_setresuid, (uid_t)r, (uid_t)e, (uid_t)s); }
long rx_setresgid(long r, long e, long s) { return raw3(SYS_setresgid, (gid_t)r, (gid_t)e, (gid_t)s); }
long rx_setgroups(int n, const uint32_t *list) { return raw3(SYS_setgroups, n, (long)list, 0); }
_Noreturn void rx_exit(int status) { _exit(status); }

long rx_futex_wait(uint32_t *addr, uint32_t val, const struct rx_timespec *timeout, int abs_clock, int shared)
{
    struct timespec t, *tp = NULL;
    if (timeout) { t.tv_sec = timeout->sec; t.tv_nsec = timeout->nsec; tp = &t; }
    if (abs_clock >= 0 && abs_clock != RX_CLOCK_REALTIME && abs_clock != RX_CLOCK_MONOTONIC) return -EINVAL;
    /* FUTEX_WAIT_BITSET takes an absolute time; FUTEX_WAIT a relative one. */
    int op = abs_clock >= 0 ? 9 | (abs_clock == RX_CLOCK_REALTIME ? 256 : 0) : 0;
    return host_wait_call(SYS_futex, (long)addr, op | (shared ? 0 : FUTEX_PRIVATE_FLAG), val, (long)tp, 0, ~0u);
}

long rx_futex_requeue(uint32_t *addr, int nwake, int nmove, uint32_t *addr2, int cmp, uint32_t val, int shared)
{
    int op = (cmp ? FUTEX_CMP_REQUEUE : FUTEX_REQUEUE) | (shared ? 0 : FUTEX_PRIVATE_FLAG);
    return raw6(SYS_futex, (long)(addr), (long)(op), (long)(nwake), (long)((unsigned long)nmove), (long)(addr2), (long)(val));
}

long rx_futex_wake(uint32_t *addr, int n, int shared)
{
    return raw6(SYS_futex, (long)(addr), (long)(FUTEX_WAKE | (shared ? 0 : FUTEX_PRIVATE_FLAG)), (long)(n), (long)(NULL), (long)(NULL), (long)(0));
}

static int fx(int op, int shared) { return op | (shared ? 0 : FUTEX_PRIVATE_FLAG); }

static const struct timespec *host_ts(const struct rx_timespec *t, struct timespec *h)
{
    if (!t) return NULL;
    h->tv_sec = t->sec;
    h->tv_nsec = t->nsec;
    return h;
}

long rx_futex_wait_bits(uint32_t *addr, uint32_t val, const struct rx_timespec *timeout, int abs_clock, uint32_t bits,
                        int shared)
{
    if (timeout && abs_clock < 0) return -EINVAL; /* a bitset wait's time is absolute */
    struct timespec h;
    int op = FUTEX_WAIT_BITSET | (abs_clock == RX_CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
    return host_wait_call(SYS_futex, (long)addr, fx(op, shared), val, (long)host_ts(timeout, &h), 0, bits);
}

long rx_futex_wake_bits(uint32_t *addr, int n, uint32_t bits, int shared)
{
    return raw6(SYS_futex, (long)(addr), (long)(fx(FUTEX_WAKE_BITSET, shared)), (long)(n), (long)(NULL), (long)(NULL), (long)(bits));
}

/* Linux's 12-bit signed argument, or a power of two by its shift (FUTEX_OP_OPARG_SHIFT) */
static int encode_oparg(int32_t arg, uint32_t *enc)
{
    if (arg >= -2048 && arg <= 2047) { *enc = (uint32_t)arg & 0xfff; return 0; }
    if (arg > 0 && !(arg & (arg - 1))) { *enc = (uint32_t)__builtin_ctz((unsigned)arg) | 0x8000u; return 0; }
    return -EINVAL;
}

long rx_futex_wake_op(uint32_t *addr, int n, uint32_t *addr2, int n2, const struct rx_futex_wake_op *o, int shared)
{
    static const int ops[] = { FUTEX_OP_SET, FUTEX_OP_ADD, FUTEX_OP_OR, FUTEX_OP_ANDN, FUTEX_OP_XOR };
    static const int cmps[] = { FUTEX_OP_CMP_EQ, FUTEX_OP_CMP_NE, FUTEX_OP_CMP_LT, FUTEX_OP_CMP_LE, FUTEX_OP_CMP_GT,
                                FUTEX_OP_CMP_GE };
    uint32_t arg;
    if ((unsigned)o->op > RX_FUTEX_XOR || (unsigned)o->cmp > RX_FUTEX_GE || encode_oparg((int32_t)o->arg, &arg) < 0 ||
        (int32_t)o->cmparg < -2048 || (int32_t)o->cmparg > 2047)
        return -EINVAL;
    uint32_t op = (uint32_t)ops[o->op] | (arg & 0x8000u ? (uint32_t)FUTEX_OP_OPARG_SHIFT : 0);
    uint32_t enc = (op << 28) | ((uint32_t)cmps[o->cmp] << 24) | ((arg & 0xfff) << 12) | (o->cmparg & 0xfff);
    return raw6(SYS_futex, (long)(addr), (long)(fx(FUTEX_WAKE_OP, shared)), (long)(n), (long)((unsigned long)n2), (long)(addr2), (long)(enc));
}

long rx_futex_pi(uint32_t *addr, enum rx_futex_pi what, const struct rx_timespec *abs_timeout, int clock, int shared)
{
    struct timespec h;
    switch (what) {
    case RX_FUTEX_LOCK: /* LOCK_PI times out on CLOCK_REALTIME, LOCK_PI2 on either */
        return host_wait_call(SYS_futex, (long)addr, fx(clock == RX_CLOCK_REALTIME ? FUTEX_LOCK_PI : 13 /* FUTEX_LOCK_PI2 */, shared),
                              0, (long)host_ts(abs_timeout, &h), 0, 0);
    case RX_FUTEX_TRYLOCK: return raw6(SYS_futex, (long)(addr), (long)(fx(FUTEX_TRYLOCK_PI, shared)), (long)(0), (long)(NULL), (long)(NULL), (long)(0));
    case RX_FUTEX_UNLOCK: return raw6(SYS_futex, (long)(addr), (long)(fx(FUTEX_UNLOCK_PI, shared)), (long)(0), (long)(NULL), (long)(NULL), (long)(0));
    }
    return -EINVAL;
}

long rx_futex_wait_requeue_pi(uint32_t *addr, uint32_t val, const struct rx_timespec *abs_timeout, int clock,
                              uint32_t *pi_addr, int shared)
{
    struct timespec h;
    int op = FUTEX_WAIT_REQUEUE_PI | (clock == RX_CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
    return host_wait_call(SYS_futex, (long)addr, fx(op, shared), val, (long)host_ts(abs_timeout, &h), (long)pi_addr, 0);
}

long rx_futex_requeue_pi(uint32_t *addr, int nmove, uint32_t *pi_addr, uint32_t val, int shared)
{
    return raw6(SYS_futex, (long)(addr), (long)(fx(FUTEX_CMP_REQUEUE_PI, shared)), (long)(1), (long)((unsigned long)nmove), (long)(pi_addr), (long)(val));
}

long rx_set_robust_list(uint64_t head, size_t len) { return raw3(SYS_set_robust_list, (long)head, (long)len, 0); }

long rx_get_robust_list(long tid, uint64_t *head, size_t *len)
{
    void *h;
    if (syscall(SYS_get_robust_list, tid, &h, len) < 0) return -errno;
    *head = (uint64_t)(uintptr_t)h;
    return 0;
}

long rx_futex_waitv(const struct rx_futex_waiter *w, unsigned n, const struct rx_timespec *abs_timeout, int clock)
{
    struct { uint64_t val, uaddr; uint32_t flags, reserved; } h[128];
    if (n > 128) return -EINVAL;
    for (unsigned i = 0; i < n; i++)
        h[i] = (typeof(h[0])){ w[i].val, (uint64_t)(uintptr_t)w[i].addr, 2 /* FUTEX2_SIZE_U32 */ | (w[i].shared ? 0 : 128), 0 };
    struct timespec t;
    return host_wait_call(SYS_futex_waitv, (long)h, n, 0, (long)host_ts(abs_timeout, &t),
                          clock == RX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, 0);
}

long rx_clock_gettime(int clock, struct rx_timespec *ts)
{
    struct timespec t;
    if (clock_gettime(host_clock(clock), &t) < 0) return -errno;
    ts->sec = t.tv_sec; ts->nsec = t.tv_nsec;
    return 0;
}

long rx_clock_gettime_entry(int clock, struct rx_timespec *ts)
{
    struct timespec t;
    long r = raw3(SYS_clock_gettime, host_clock(clock), (long)&t, 0);
    if (r < 0) return r;
    ts->sec = t.tv_sec; ts->nsec = t.tv_nsec;
    return 0;
}

long rx_clock_getres(int clock, struct rx_timespec *ts)
{
    struct timespec t;
    if (clock_getres(host_clock(clock), &t) < 0) return -errno;
    ts->sec = t.tv_sec; ts->nsec = t.tv_nsec;
    return 0;
}

long rx_nanosleep(int clock, int abstime, const struct rx_timespec *req, struct rx_timespec *rem)
{
    struct timespec r = { req->sec, req->nsec }, left = {0, 0};
    long e = host_wait_call(SYS_clock_nanosleep, host_clock(clock), abstime ? TIMER_ABSTIME : 0, (long)&r, (long)&left, 0, 0);
    if (rem) { rem->sec = left.tv_sec; rem->nsec = left.tv_nsec; }
    return e;
}

long rx_sysfacts(struct rx_sysfacts *f, unsigned want)
{
    struct utsname u;
    struct sysinfo si;
    memset(f, 0, sizeof *f);
    if ((want & RX_FACTS_NAMES) && uname(&u) == 0) {
        memcpy(f->sysname, u.sysname, sizeof f->sysname);
        memcpy(f->nodename, u.nodename, sizeof f->nodename);
        memcpy(f->release, u.release, sizeof f->release);
        memcpy(f->version, u.version, sizeof f->version);
        memcpy(f->machine, u.machine, sizeof f->machine);
    }
    if ((want & RX_FACTS_MEMORY) && sysinfo(&si) == 0) {
        f->mem_total = (uint64_t)si.totalram * si.mem_unit;
        f->mem_free = (uint64_t)si.freeram * si.mem_unit;
        f->uptime_sec = (uint64_t)si.uptime;
    }
    cpu_set_t set;
    if (want & RX_FACTS_CPUS) f->ncpu = sched_getaffinity(0, sizeof set, &set) == 0 ? (uint64_t)CPU_COUNT(&set) : 1;
    return 0;
}

/* Read once: the auxiliary vector lies at the top of lxrun's initial stack,
 * which nothing else of lxrun's touches after its start, so each exec in a
 * forked child read a page in a corner of its own (two page-table pages and the
 * page's first read on a paravirtualised VM: see host-linux-start.S). */
void rx_cpu_auxv(struct rx_cpu_auxv *a)
{
    static struct rx_cpu_auxv known RX_EXEC_READ;
    static int asked RX_EXEC_READ;
    if (!asked) {
        known.hwcap = getauxval(AT_HWCAP); /* a CPUID is a VM exit (~5 us in an EPYC VM) */
        known.hwcap2 = getauxval(AT_HWCAP2);
        known.minsigstksz = getauxval(AT_MINSIGSTKSZ);
        asked = 1;
    }
    *a = known;
}

long rx_core_pattern(char *buf, size_t cap)
{
    if (core_pattern_err) return -core_pattern_err;
    return snprintf(buf, cap, "%s", core_pattern);
}

long rx_sched_yield(void) { return raw3(SYS_sched_yield, 0, 0, 0); }

/* lxrun's code and constants on one huge page, when they fit one and the link
 * put them alone at the start of a 2 MiB-aligned range (LXRUN_CODE_LAYOUT in
 * CMakeLists.txt): before a process's first fork (rx_fork) an anonymous copy,
 * transparent huge pages asked for, is moved over the file's mapping.  A forked
 * child then reaches all of them through the one page-table entry its fork
 * copied.  Measured on a paravirtualised VM, where a child's first touch of each
 * 4 KiB page present in its page tables costs ~3.7 us (the hypervisor fills its
 * own tables): 100 reads 367 us in 4 KiB pages, 17 us on a huge page; sh's
 * fork+exec loop 2.41x -> 2.17x native.  Not at start-up: the copy and the huge
 * page's clearing cost ~0.4 ms, so a process that never forks keeps the file's
 * pages (the rest of the range is only reserved then, before the guest's
 * libraries can land in it).  Costs 2 MiB in the first process of a session to
 * fork (its forks share it).  Left as the file's pages wherever a step fails.
 * Redox plan: nothing of the kind (its own fork copies the address space). */
#define HUGE_PAGE (2UL << 20)
static uintptr_t code_lo, code_hi; /* the range, its rest reserved (code_huge_reserve) */
static int code_huge;              /* moved (code_huge_move) */

/* At start-up, while nothing else is mapped near lxrun: the segment checked and
 * the rest of its 2 MiB kept free (the guest's libraries would land there). */
static int code_huge_reserve(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    const ElfW(Phdr) *code = NULL;
    for (int i = 0; i < info->dlpi_phnum && !code; i++)
        if (info->dlpi_phdr[i].p_type == PT_LOAD && (info->dlpi_phdr[i].p_flags & PF_X)) code = &info->dlpi_phdr[i];
    if (!code || (code->p_flags & PF_W)) return 1;
    uintptr_t lo = info->dlpi_addr + code->p_vaddr, hi = (lo + code->p_memsz + 4095) & ~(uintptr_t)4095;
    if ((lo & (HUGE_PAGE - 1)) || hi >= lo + HUGE_PAGE) return 1;
    for (int i = 0; i < info->dlpi_phnum; i++) { /* nothing else of lxrun's in that range */
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        uintptr_t at = info->dlpi_addr + p->p_vaddr;
        if (p != code && p->p_type == PT_LOAD && at < lo + HUGE_PAGE && at + p->p_memsz > lo) return 1;
    }
    if (mmap((void *)hi, lo + HUGE_PAGE - hi, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) ==
        (void *)hi)
        code_lo = lo, code_hi = hi;
    return 1; /* the first object is lxrun's own file */
}

static void code_huge_move(void)
{
    if (!code_lo) return;
    char *raw = mmap(NULL, 2 * HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return;
    uintptr_t r = (uintptr_t)raw, copy = (r + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    madvise((void *)copy, HUGE_PAGE, MADV_HUGEPAGE);
    memcpy((void *)copy, (const void *)code_lo, code_hi - code_lo);
    /* the code runs on from the copy: the same bytes at the same addresses */
    if (mprotect((void *)copy, HUGE_PAGE, PROT_READ | PROT_EXEC) == 0 &&
        mremap((void *)copy, HUGE_PAGE, HUGE_PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)code_lo) == (void *)code_lo)
        code_huge = 1;
    else
        munmap((void *)copy, HUGE_PAGE);
    if (copy > r) munmap(raw, copy - r);
    if (copy + HUGE_PAGE < r + 2 * HUGE_PAGE) munmap((void *)(copy + HUGE_PAGE), r + HUGE_PAGE - copy);
}

/* lxrun's read-only segments (its code and constants) each given an anonymous
 * page, once, before its first fork: Linux copies at a fork the page table
 * entries of the mappings that have anonymous pages only; a child faulted each
 * page of the others in again (7 faults in each child of a shell's fork+exec
 * loop, 6% of its CPU on a VM).  A system that refuses the writable step (a W^X
 * policy) keeps the faults.  The write is of the byte already there, so a thread
 * running or reading the page meanwhile sees no change.  Not the huge page's
 * (anonymous already: a change of its protection would split it). */
static int own_segments_anon(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_LOAD || (p->p_flags & PF_W)) continue;
        if (code_huge && info->dlpi_addr + p->p_vaddr == code_lo) continue;
        uintptr_t lo = (info->dlpi_addr + p->p_vaddr) & ~(uintptr_t)4095;
        uintptr_t hi = (info->dlpi_addr + p->p_vaddr + p->p_memsz + 4095) & ~(uintptr_t)4095;
        int prot = PROT_READ | (p->p_flags & PF_X ? PROT_EXEC : 0);
        if (mprotect((void *)lo, hi - lo, prot | PROT_WRITE) < 0) continue;
        volatile char *last = (volatile char *)(hi - 1);
        *last = *last;
        mprotect((void *)lo, hi - lo, prot);
    }
    return 1; /* the first object is lxrun's own file */
}

/* The test instrument's hooks (touch_trace.c, linked into build/lxrun-touchtrace
 * only): nothing in lxrun. */
__attribute__((weak)) void rx_touch_trace_prepare(void) {}
__attribute__((weak)) void rx_touch_trace_child(void) {}

static void fork_prepare(void)
{
    static int segments_done;
    if (!segments_done) {
        segments_done = 1;
        code_huge_move();
        dl_iterate_phdr(own_segments_anon, NULL);
        rx_touch_trace_prepare();
    }
    host_fork_pins();
}

/* The child's own pid is its thread's id (the forking thread is the child's
 * only one): one gettid where the trap's tid and the pid were asked apart. */
static long forked_from RX_FORK_HOT;

static void forked_child(long parent)
{
    my_pid = raw3(SYS_gettid, 0, 0, 0), forked_from = parent;
    host_fork_pins_drop();
    rx_touch_trace_child();
}

long rx_forked_from(void) { return forked_from; }

long rx_fork(void)
{
    fork_prepare();
    long parent = rx_getpid(), r = R(fork());
    if (r == 0) forked_child(parent);
    return r;
}

/* musl's _Fork leaves the child's thread list as fork's does (the caller's
 * thread alone); glibc's leaves the other threads listed, which its fork
 * reclaims: glibc's build forks as rx_fork. */
long rx_fork_lone(void)
{
#ifdef __GLIBC__
    return rx_fork();
#else
    fork_prepare();
    long parent = rx_getpid(), r = R(_Fork());
    if (r == 0) forked_child(parent);
    return r;
#endif
}

/* A joinable thread (rx_thread_spawn) runs on a stack of lxrun's, kept for the next
 * one once it is joined: musl maps a fresh stack per thread and unmaps it at the
 * join, so each thread's first touches of its pages were faults (~12 us each on a
 * paravirtualised VM; a pthread_create and join under lxrun cost 350 us there, 210 us
 * with glibc, which keeps a cache of its own). */
#define THREAD_STACK (256 * 1024)
#define STACK_GUARD 4096
#define STACK_TOP_HOT (2 * 4096)
static void *spare_stacks[16] RX_START_WRITTEN; /* spares.h; RX_START_WRITTEN: no fault at the first thread */

static void *stack_take(void)
{
    void *st = lx_spare_take(spare_stacks, LX_SPARES_N(spare_stacks));
    if (st) return st;
    char *m = mmap(NULL, STACK_GUARD + THREAD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    if (mprotect(m, STACK_GUARD, PROT_NONE) < 0) {
        munmap(m, STACK_GUARD + THREAD_STACK);
        return NULL;
    }
    /* the pages every thread writes at once, populated: the handle at the foot
     * (host_thread), and at the top the libc's thread block and TLS and the
     * thread's first frames (a fault each, ~10 us on a paravirtualised VM) */
    rx_madvise((uintptr_t)m + STACK_GUARD, 4096, RX_MADV_POPULATE_WRITE);
    rx_madvise((uintptr_t)m + STACK_GUARD + THREAD_STACK - STACK_TOP_HOT, STACK_TOP_HOT, RX_MADV_POPULATE_WRITE);
    return m;
}

static void stack_give(void *st)
{
    if (!lx_spare_give(spare_stacks, LX_SPARES_N(spare_stacks), st)) munmap(st, STACK_GUARD + THREAD_STACK);
}

#ifdef __GLIBC__
/* glibc's first pthread_create in a process takes signal 33 for itself (setxid: a
 * handler that drops any other 33) and opens 32 and 33 in its caller: later, that
 * took the guest's 33 for good, and ate one the guest had pending.  Done before
 * lxrun sets any handler or the guest runs; a fork's child keeps it done. */
static void *no_work(void *unused) { return unused; }
__attribute__((constructor)) static void glibc_threads_early(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, no_work, NULL) == 0) pthread_join(t, NULL);
}
#endif

struct host_thread;
struct spawn { void (*fn)(void *); void *arg; int cpu; struct host_thread *h; };
/* A joinable thread's handle, at the foot of its stack (above the guard page): a
 * thread costs no allocation (musl's malloc gave such small blocks' pages back at
 * the free, in the other thread: an mmap and munmap per thread).  The stack goes
 * back at the join. */
struct host_thread { pthread_t th; void *stack; clockid_t clock; struct spawn start; };
#define HOST_THREAD_ROOM 256 /* the handle's room at the stack's foot */
_Static_assert(sizeof(struct host_thread) <= HOST_THREAD_ROOM, "the handle fits its room");
static __thread struct host_thread *self_thread;

/* A detached thread's start record until it has copied it: a static slot, not
 * malloc's (a first malloc maps three areas of the allocator's, each then copied
 * at every fork: the /proc answerer starts at a process's first fork). */
#define SPAWN_SLOTS 4
static struct spawn spawn_slots[SPAWN_SLOTS] RX_START_WRITTEN;
static int spawn_slot_taken[SPAWN_SLOTS];

static struct spawn *spawn_record(void)
{
    for (int i = 0; i < SPAWN_SLOTS; i++)
        if (!__atomic_exchange_n(&spawn_slot_taken[i], 1, __ATOMIC_ACQUIRE)) return &spawn_slots[i];
    return malloc(sizeof(struct spawn));
}

static void spawn_record_done(struct spawn *s)
{
    if (s >= spawn_slots && s < spawn_slots + SPAWN_SLOTS) __atomic_store_n(&spawn_slot_taken[s - spawn_slots], 0, __ATOMIC_RELEASE);
    else free(s);
}

static void *spawned(void *p)
{
    struct spawn s = *(struct spawn *)p;
    if (!s.h) spawn_record_done(p);
    self_thread = s.h;
    if (s.cpu >= 0) { /* pinned by itself: musl has no pthread_attr_setaffinity_np */
        cpu_set_t here;
        CPU_ZERO(&here);
        CPU_SET(s.cpu, &here);
        sched_setaffinity(0, sizeof here, &here);
    }
    s.fn(s.arg);
    return NULL;
}

/* A thread running fn(arg), kept on the calling CPU when pin is set: joinable, on
 * h's stack, when h is given; else detached, on a stack of stack_size. */
static long spawn_thread(void (*fn)(void *), void *arg, size_t stack_size, int pin, struct host_thread *h)
{
    struct spawn *s = h ? &h->start : spawn_record();
    if (!s) return -ENOMEM;
    *s = (struct spawn){ fn, arg, pin ? sched_getcpu() : -1, h };
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, h ? PTHREAD_CREATE_JOINABLE : PTHREAD_CREATE_DETACHED);
    if (h) pthread_attr_setstack(&a, (char *)h + HOST_THREAD_ROOM, THREAD_STACK - HOST_THREAD_ROOM);
    else pthread_attr_setstacksize(&a, stack_size);
    /* The thread starts with every signal blocked, until its own set-up picks its
     * mask -- but for what libc opens, which are guest signals here: musl's first
     * pthread_create in a process opens 33 and 34 in its caller, and so in the new
     * thread; glibc's opens 32 in every new thread (its first one ran before main:
     * glibc_threads_early).  A signal landing in the new thread meanwhile goes back
     * to the process (lx_trap_foreign); one the guest blocks that lands in the caller
     * waits (lx_trap_async). */
    uint64_t old;
    rx_sigmask_swap(~0ULL, &old);
    pthread_t th;
    int e = pthread_create(&th, &a, spawned, s);
    rx_sigmask_set(old);
    pthread_attr_destroy(&a);
    if (e && !h) spawn_record_done(s);
    else if (!e && h) h->th = th;
    return -e;
}

long rx_thread_spawn(void (*fn)(void *), void *arg)
{
    void *stack = stack_take();
    if (!stack) return -ENOMEM;
    struct host_thread *h = (struct host_thread *)((char *)stack + STACK_GUARD);
    h->stack = stack;
    long r = spawn_thread(fn, arg, 0, 0, h);
    if (r < 0) {
        stack_give(stack);
        return r;
    }
    /* Both libcs have the kernel store the id before pthread_create returns
     * (CLONE_PARENT_SETTID) and encode it in the thread's CPU-time clock id, the
     * kernel's (~tid << 3 | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED): a joinable thread's
     * id without waiting for it to run */
    clockid_t clk;
    if (pthread_getcpuclockid(h->th, &clk) != 0) return -EAGAIN; /* not reached: th is alive until joined */
    h->clock = clk; /* asked now: musl's answer comes from the id, which it clears as the thread ends */
    return ~((long)clk >> 3);
}

uint64_t rx_thread_self(void) { return (uint64_t)(uintptr_t)self_thread; }

long rx_thread_join(uint64_t handle)
{
    struct host_thread *h = (struct host_thread *)(uintptr_t)handle;
    /* musl's tryjoin of a thread in its exit waits for it to finish (its detach
     * state, which the system clears as the thread leaves its memory, then the
     * thread list's lock): one whose CPU clock still answers may be there yet */
    struct timespec running;
    if (clock_gettime(h->clock, &running) == 0) return -EBUSY;
    int e = pthread_tryjoin_np(h->th, NULL);
    if (e) return -e;
    stack_give(h->stack); /* the thread is gone: the system cleared its tid word */
    return 0;
}

static const int host_policy[] = { [RX_SCHED_FIFO] = SCHED_FIFO, [RX_SCHED_RR] = SCHED_RR,
                                   [RX_SCHED_OTHER] = SCHED_OTHER, [RX_SCHED_X_BATCH] = SCHED_BATCH,
                                   [4] = -1, [RX_SCHED_X_IDLE] = SCHED_IDLE, [RX_SCHED_X_DEADLINE] = 6 };

static int rx_policy(int host)
{
    for (int i = 0; i < (int)(sizeof host_policy / sizeof host_policy[0]); i++)
        if (host_policy[i] == host) return i;
    return -EINVAL;
}

static int to_host_policy(int rx)
{
    return rx >= 0 && rx < (int)(sizeof host_policy / sizeof host_policy[0]) ? host_policy[rx] : -1;
}

long rx_sched_getscheduler(long tid, int *reset_on_fork)
{
    long p = syscall(SYS_sched_getscheduler, tid);
    if (p < 0) return -errno;
    *reset_on_fork = (p & SCHED_RESET_ON_FORK) != 0;
    return rx_policy((int)(p & ~SCHED_RESET_ON_FORK));
}

long rx_sched_setscheduler(long tid, int policy, int prio, int reset_on_fork)
{
    int hp = to_host_policy(policy);
    if (hp < 0) return -EINVAL;
    struct sched_param sp = { .sched_priority = prio };
    return R(syscall(SYS_sched_setscheduler, tid, hp | (reset_on_fork ? SCHED_RESET_ON_FORK : 0), &sp));
}

long rx_sched_getparam(long tid)
{
    struct sched_param sp;
    if (syscall(SYS_sched_getparam, tid, &sp) < 0) return -errno;
    return sp.sched_priority;
}

long rx_sched_setparam(long tid, int prio)
{
    struct sched_param sp = { .sched_priority = prio };
    return R(syscall(SYS_sched_setparam, tid, &sp));
}

long rx_sched_priority_limit(int policy, int max)
{
    int hp = to_host_policy(policy);
    if (hp < 0) return -EINVAL;
    return R(max ? sched_get_priority_max(hp) : sched_get_priority_min(hp));
}

long rx_sched_rr_interval(long tid, struct rx_timespec *ts)
{
    struct timespec t;
    if (syscall(SYS_sched_rr_get_interval, tid, &t) < 0) return -errno;
    ts->sec = t.tv_sec;
    ts->nsec = t.tv_nsec;
    return 0;
}

struct host_sched_attr { /* the kernel's first version, 48 bytes */
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
};

long rx_sched_getattr(long tid, struct rx_sched_attr *a)
{
    struct host_sched_attr h;
    if (syscall(SYS_sched_getattr, tid, &h, sizeof h, 0) < 0) return -errno;
    long p = rx_policy((int)h.policy);
    if (p < 0) return p;
    *a = (struct rx_sched_attr){ (int)p, h.flags, h.nice, h.priority, h.runtime, h.deadline, h.period };
    return 0;
}

long rx_sched_setattr(long tid, const struct rx_sched_attr *a)
{
    int hp = to_host_policy(a->policy);
    if (hp < 0) return -EINVAL;
    struct host_sched_attr h = { sizeof h, (uint32_t)hp, a->flags, a->nice, a->priority, a->runtime, a->deadline, a->period };
    return R(syscall(SYS_sched_setattr, tid, &h, 0));
}

long rx_sched_getaffinity(long tid, uint64_t *mask, size_t words)
{
    return R(syscall(SYS_sched_getaffinity, tid, words * 8, mask));
}

long rx_sched_setaffinity(long tid, const uint64_t *mask, size_t words)
{
    return R(syscall(SYS_sched_setaffinity, tid, words * 8, mask));
}

long rx_getcpu(unsigned *cpu, unsigned *node) { return R(syscall(SYS_getcpu, cpu, node, NULL)); }

long rx_membarrier(int cmd, unsigned flags, int cpu) { return R(syscall(SYS_membarrier, cmd, flags, cpu)); }

long rx_thread_spawn_small(void (*fn)(void *), void *arg) { return spawn_thread(fn, arg, 64 * 1024, 1, NULL); }

long rx_set_pdeathsig(int sig) { return R(prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0)); }

long rx_child_count(void)
{
    int fd = (int)raw3(SYS_open, (long)"/proc/thread-self/children", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return fd;
    char buf[4096];
    long got, count = 0;
    int in_number = 0;
    while ((got = raw3(SYS_read, fd, (long)buf, sizeof buf)) > 0) {
        for (long i = 0; i < got; i++) {
            int digit = buf[i] >= '0' && buf[i] <= '9';
            if (digit && !in_number) count++;
            in_number = digit;
        }
    }
    raw3(SYS_close, fd, 0, 0);
    return got < 0 ? got : count;
}

long rx_cpu_free(int high_fd_floor)
{
    static int cpus; /* the caller's allowed CPUs, counted once (a fork keeps them) */
    if (!cpus) {
        cpu_set_t set;
        CPU_ZERO(&set);
        long r = raw3(SYS_sched_getaffinity, 0, sizeof set, (long)&set);
        if (r < 0) return r;
        cpus = CPU_COUNT(&set);
    }
    if (loadavg_fd < 0) {
        long fd = moved_above(open_cloexec("/proc/loadavg", O_RDONLY), high_fd_floor);
        if (fd < 0) return fd;
        loadavg_fd = (int)fd;
    }
    char buf[128];
    long got = raw4(SYS_pread64, loadavg_fd, (long)buf, sizeof buf - 1, 0);
    if (got <= 0) return got < 0 ? got : -EIO;
    buf[got] = 0;
    const char *p = buf; /* "0.52 0.58 0.59 3/312 1234": the runnable count before the slash */
    for (int fields = 0; fields < 3 && *p; p++)
        if (*p == ' ') fields++;
    long running = 0;
    for (; *p >= '0' && *p <= '9'; p++) running = running * 10 + (*p - '0');
    if (*p != '/') return -EIO;
    return running <= cpus;
}

long rx_timer_slack_get(void) { return R(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)); }
long rx_timer_slack_set(uint64_t ns) { return R(prctl(PR_SET_TIMERSLACK, (unsigned long)ns, 0, 0, 0)); }

long rx_tsc_get(void)
{
    int mode;
    if (prctl(PR_GET_TSC, &mode, 0, 0, 0) < 0) return -errno;
    return mode == PR_TSC_SIGSEGV ? RX_TSC_FAULT : RX_TSC_ALLOW;
}

long rx_tsc_set(int mode)
{
    if (mode != RX_TSC_ALLOW && mode != RX_TSC_FAULT) return -EINVAL;
    return R(prctl(PR_SET_TSC, mode == RX_TSC_FAULT ? PR_TSC_SIGSEGV : PR_TSC_ENABLE, 0, 0, 0));
}

long rx_get_pdeathsig(int *sig) { return R(prctl(PR_GET_PDEATHSIG, sig, 0, 0, 0)); }
long rx_set_child_subreaper(int on) { return R(prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)on, 0, 0, 0)); }
long rx_get_child_subreaper(int *on) { return R(prctl(PR_GET_CHILD_SUBREAPER, on, 0, 0, 0)); }

long rx_kill(long pid, int sig) { return raw3(SYS_kill, pid, sig, 0); }
long rx_tgkill(long pid, long tid, int sig) { return R(syscall(SYS_tgkill, (pid_t)pid, (pid_t)tid, sig)); }
long rx_getpriority(int which, long who, int *nice)
{
    errno = 0;
    *nice = getpriority(which, (id_t)who);
    return *nice == -1 && errno ? -errno : 0;
}
long rx_setpriority(int which, long who, int nice) { return R(setpriority(which, (id_t)who, nice)); }

long rx_self_exe(void) { return self_exe_fd >= 0 ? self_exe_fd : -ENOENT; }

long rx_fexec(int fd, char *const argv[], char *const envp[])
{
    return R(syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH));
}

static void *unforked_map(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    (void)madvise(p, len, MADV_WIPEONFORK); /* refused before Linux 4.14: copied like the rest */
    return p;
}

/* Carved, page-aligned, from one mapping (its untouched pages cost nothing): the
 * exec's packing room, the vfork window's and the spare's records, the loader's
 * check scratch were a mapping each, each a mapping more at every fork. */
#define UNFORKED_ARENA (64 * 1024)
void *rx_alloc_unforked(size_t len)
{
    static char *arena;
    static size_t used;
    static int busy; /* two threads' execs may both ask */
    len = (len + 4095) & ~(size_t)4095;
    if (len > UNFORKED_ARENA) return unforked_map(len);
    while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) sched_yield();
    if (!arena || used + len > UNFORKED_ARENA) {
        arena = unforked_map(UNFORKED_ARENA);
        used = 0;
    }
    void *p = arena ? arena + used : NULL;
    if (p) used += len;
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
    return p;
}

long rx_setpgid(long pid, long pgid) { return R(setpgid((pid_t)pid, (pid_t)pgid)); }
long rx_getpgid(long pid) { return R(getpgid((pid_t)pid)); }
long rx_getsid(long pid) { return R(getsid((pid_t)pid)); }
long rx_setsid(void) { return R(setsid()); }

static void rusage_of(const struct rusage *u, struct rx_rusage *ru)
{
    ru->utime.sec = u->ru_utime.tv_sec; ru->utime.nsec = u->ru_utime.tv_usec * 1000;
    ru->stime.sec = u->ru_stime.tv_sec; ru->stime.nsec = u->ru_stime.tv_usec * 1000;
    ru->maxrss_kb = u->ru_maxrss;
    ru->minflt = u->ru_minflt; ru->majflt = u->ru_majflt;
    ru->inblock = u->ru_inblock; ru->oublock = u->ru_oublock;
    ru->nvcsw = u->ru_nvcsw; ru->nivcsw = u->ru_nivcsw;
}

long rx_waitpid(long pid, struct rx_wait_status *st, int options)
{
    /* waitid serves waitpid's options and the two extensions alike */
    idtype_t type = pid > 0 ? P_PID : pid == -1 ? P_ALL : P_PGID;
    id_t id = pid > 0 ? (id_t)pid : pid < -1 ? (id_t)-pid : 0;
    int h = (options & RX_WNOHANG ? WNOHANG : 0) | (options & RX_WUNTRACED ? WSTOPPED : 0) |
            (options & RX_WCONTINUED ? WCONTINUED : 0) | (options & RX_WX_NOWAIT ? WNOWAIT : 0) |
            (options & RX_WX_NOEXIT ? 0 : WEXITED);
    siginfo_t si;
    struct rusage u;
    memset(&si, 0, sizeof si);
    memset(&u, 0, sizeof u);
    memset(st, 0, sizeof *st);
    long r = host_wait_call(SYS_waitid, type, id, (long)&si, h, (long)&u, 0); /* glibc's waitid drops the rusage */
    if (r < 0) return r;
    if (si.si_pid == 0) return 0;
    rusage_of(&u, &st->ru);
    st->uid = si.si_uid;
    switch (si.si_code) {
    case CLD_EXITED: st->exited = 1; st->code = si.si_status; break;
    case CLD_KILLED: st->signaled = 1; st->sig = si.si_status; break;
    case CLD_DUMPED: st->signaled = 1; st->sig = si.si_status; st->core = 1; break;
    case CLD_STOPPED: case CLD_TRAPPED: st->stopped = 1; st->sig = si.si_status; break;
    case CLD_CONTINUED: st->continued = 1; break;
    }
    return si.si_pid;
}

static void itimer_from_host(const struct itimerval *h, struct rx_itimer *r)
{
    r->interval.sec = h->it_interval.tv_sec; r->interval.nsec = h->it_interval.tv_usec * 1000;
    r->value.sec = h->it_value.tv_sec; r->value.nsec = h->it_value.tv_usec * 1000;
}

long rx_setitimer(int which, const struct rx_itimer *nw, struct rx_itimer *old)
{
    struct itimerval h = { { nw->interval.sec, nw->interval.nsec / 1000 }, { nw->value.sec, nw->value.nsec / 1000 } }, o;
    if (setitimer(which, &h, &o) < 0) return -errno;
    if (old) itimer_from_host(&o, old);
    return 0;
}

long rx_getitimer(int which, struct rx_itimer *cur)
{
    struct itimerval h;
    if (getitimer(which, &h) < 0) return -errno;
    itimer_from_host(&h, cur);
    return 0;
}

long rx_timer_create(int clock, const struct rx_sigevent *ev)
{
    struct sigevent h;
    memset(&h, 0, sizeof h);
    if (ev) {
        h.sigev_notify = ev->notify == RX_SIGEV_NONE ? SIGEV_NONE : ev->notify == RX_SIGEV_THREAD_ID ? SIGEV_THREAD_ID
                                                                                                 : SIGEV_SIGNAL;
        h.sigev_signo = ev->signo;
#ifdef sigev_notify_thread_id
        h.sigev_notify_thread_id = ev->tid;
#else
        h._sigev_un._tid = ev->tid; /* Debian 12's glibc headers name it only so */
#endif
        memcpy(&h.sigev_value, &ev->value, sizeof h.sigev_value);
    }
    int id;
    if (syscall(SYS_timer_create, host_clock(clock), ev ? &h : NULL, &id) < 0) return -errno;
    return id;
}

static void itimerspec_from_host(const struct itimerspec *h, struct rx_itimer *r)
{
    *r = (struct rx_itimer){ { h->it_interval.tv_sec, h->it_interval.tv_nsec }, { h->it_value.tv_sec, h->it_value.tv_nsec } };
}

long rx_timer_settime(int id, int absolute, const struct rx_itimer *nw, struct rx_itimer *old)
{
    struct itimerspec h = { { nw->interval.sec, nw->interval.nsec }, { nw->value.sec, nw->value.nsec } }, o;
    if (syscall(SYS_timer_settime, id, absolute ? TIMER_ABSTIME : 0, &h, &o) < 0) return -errno;
    if (old) itimerspec_from_host(&o, old);
    return 0;
}

long rx_timer_gettime(int id, struct rx_itimer *cur)
{
    struct itimerspec h;
    if (syscall(SYS_timer_gettime, id, &h) < 0) return -errno;
    itimerspec_from_host(&h, cur);
    return 0;
}

long rx_timer_getoverrun(int id) { return R(syscall(SYS_timer_getoverrun, id)); }
long rx_timer_delete(int id) { return R(syscall(SYS_timer_delete, id)); }

long rx_pidfd_open(long pid, int flags)
{
    return R(syscall(SYS_pidfd_open, (pid_t)pid, flags & RX_PIDFD_NONBLOCK ? O_NONBLOCK : 0));
}

long rx_pidfd_pid(int fd)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd); /* the host's own record of the fd */
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) return -EBADF;
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n <= 0) return -EBADF;
    buf[n] = 0;
    const char *p = strstr(buf, "\nPid:\t");
    if (!p) return -EBADF;
    long pid = strtol(p + 6, NULL, 10);
    return pid > 0 ? pid : -ESRCH;
}

long rx_pidfd_send_signal(int fd, int sig) { return R(syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0)); }

long rx_getrandom(void *buf, size_t len) { return raw3(SYS_getrandom, (long)buf, (long)len, 0); }

/* A raw TCGETS (TLS-free: isatty's request, served on the guest's FS), read as
 * glibc's tcgetattr and cfget*speed read it: both speeds from c_cflag, the input
 * one 0 where glibc's IBAUD0 mark is set. */
long rx_termios_get(int fd, struct rx_termios *t)
{
    struct { uint32_t iflag, oflag, cflag, lflag; uint8_t line, cc[19]; } k; /* the kernel's struct termios */
    long r = raw3(SYS_ioctl, fd, TCGETS, (long)&k);
    if (r < 0) return r;
    *t = (struct rx_termios){ .iflag = k.iflag, .oflag = k.oflag, .cflag = k.cflag, .lflag = k.lflag, .line = k.line };
    for (size_t i = 0; i < sizeof k.cc; i++) t->cc[i] = k.cc[i];
    t->ospeed = k.cflag & (CBAUD | CBAUDEX);
    t->ispeed = (k.iflag & 020000000000u) ? 0 : t->ospeed;
    return 0;
}

long rx_termios_set(int fd, int when, const struct rx_termios *t)
{
    struct termios k;
    memset(&k, 0, sizeof k);
    k.c_iflag = t->iflag; k.c_oflag = t->oflag; k.c_cflag = t->cflag; k.c_lflag = t->lflag;
    k.c_line = t->line;
    memcpy(k.c_cc, t->cc, sizeof k.c_cc < sizeof t->cc ? sizeof k.c_cc : sizeof t->cc);
    cfsetispeed(&k, t->ispeed); cfsetospeed(&k, t->ospeed);
    return R(tcsetattr(fd, when, &k));
}

long rx_winsize_get(int fd, struct rx_winsize *w)
{
    struct winsize k;
    if (ioctl(fd, TIOCGWINSZ, &k) < 0) return -errno;
    w->row = k.ws_row; w->col = k.ws_col; w->xpixel = k.ws_xpixel; w->ypixel = k.ws_ypixel;
    return 0;
}

long rx_winsize_set(int fd, const struct rx_winsize *w)
{
    struct winsize k = { w->row, w->col, w->xpixel, w->ypixel };
    return R(ioctl(fd, TIOCSWINSZ, &k));
}

long rx_tty_pgrp_get(int fd)
{
    int pg;
    if (ioctl(fd, TIOCGPGRP, &pg) < 0) return -errno;
    return pg;
}

long rx_tty_pgrp_set(int fd, int pgid) { return R(ioctl(fd, TIOCSPGRP, &pgid)); }

long rx_tty_flush(int fd, int queue)
{
    static const int host[] = { [RX_TTY_FLUSH_IN] = TCIFLUSH, [RX_TTY_FLUSH_OUT] = TCOFLUSH,
                                [RX_TTY_FLUSH_BOTH] = TCIOFLUSH };
    if (queue < 0 || queue > RX_TTY_FLUSH_BOTH) return -EINVAL;
    return R(ioctl(fd, TCFLSH, host[queue]));
}

long rx_tty_drain(int fd) { return R(ioctl(fd, TCSBRK, 1)); }

long rx_tty_session(int fd)
{
    int sid;
    if (ioctl(fd, TIOCGSID, &sid) < 0) return -errno;
    return sid;
}

long rx_tty_claim(int fd, int steal) { return R(ioctl(fd, TIOCSCTTY, steal)); }
long rx_tty_release(int fd) { return R(ioctl(fd, TIOCNOTTY)); }

long rx_pty_number(int master)
{
    unsigned n;
    return ioctl(master, TIOCGPTN, &n) < 0 ? (errno == ENOTTY ? -ENOTTY : -errno) : (long)n;
}

long rx_pty_lock(int master, int lock) { return R(ioctl(master, TIOCSPTLCK, &lock)); }

long rx_pty_locked(int master)
{
    int v;
    return ioctl(master, TIOCGPTLCK, &v) < 0 ? -errno : v;
}

long rx_pty_peer(int master, int flags) { return R(ioctl(master, TIOCGPTPEER, host_oflags(flags))); }

long rx_fionread(int fd)
{
    int n;
    if (ioctl(fd, FIONREAD, &n) < 0) return -errno;
    return n;
}

long rx_getrlimit(int res, uint64_t *cur, uint64_t *max)
{
    struct rlimit r;
    long e = raw4(SYS_prlimit64, 0, res, 0, (long)&r);
    if (e < 0) return e;
    *cur = r.rlim_cur; *max = r.rlim_max;
    return 0;
}

long rx_setrlimit(int res, uint64_t cur, uint64_t max)
{
    struct rlimit r = { cur, max };
    return raw4(SYS_prlimit64, 0, res, (long)&r, 0);
}

long rx_getrusage(int who, struct rx_rusage *ru)
{
    struct rusage u;
    if (getrusage(who, &u) < 0) return -errno;
    rusage_of(&u, ru);
    return 0;
}

/* The signal mask by the raw call: musl's sigprocmask leaves out of the old mask
 * the signals it keeps for itself (32-34), which are guest signals here (glibc's
 * SIGRTMIN is 34). */
long rx_sigmask_get(uint64_t *set) { return raw4(SYS_rt_sigprocmask, SIG_SETMASK, 0, (long)set, 8); }

static const struct { unsigned rx, host; } event_bits[] = {
    { RX_EVENT_READ, EPOLLIN },           { RX_EVENT_WRITE, EPOLLOUT },         { RX_EVENT_X_PRI, EPOLLPRI },
    { RX_EVENT_X_ERR, EPOLLERR },         { RX_EVENT_X_HUP, EPOLLHUP },         { RX_EVENT_X_RDHUP, EPOLLRDHUP },
    { RX_EVENT_X_RDNORM, EPOLLRDNORM },   { RX_EVENT_X_RDBAND, EPOLLRDBAND },   { RX_EVENT_X_WRNORM, EPOLLWRNORM },
    { RX_EVENT_X_WRBAND, EPOLLWRBAND },   { RX_EVENT_X_MSG, EPOLLMSG },         { RX_EVENT_X_EDGE, EPOLLET },
    { RX_EVENT_X_ONESHOT, EPOLLONESHOT }, { RX_EVENT_X_EXCLUSIVE, EPOLLEXCLUSIVE }, { RX_EVENT_X_WAKEUP, EPOLLWAKEUP },
};

static unsigned events_to_host(unsigned rx)
{
    unsigned h = 0;
    for (size_t i = 0; i < sizeof event_bits / sizeof event_bits[0]; i++)
        if (rx & event_bits[i].rx) h |= event_bits[i].host;
    return h;
}

static unsigned events_from_host(unsigned h)
{
    unsigned rx = 0;
    for (size_t i = 0; i < sizeof event_bits / sizeof event_bits[0]; i++)
        if (h & event_bits[i].host) rx |= event_bits[i].rx;
    return rx;
}

long rx_event_queue(int cloexec) { return R(epoll_create1(cloexec ? EPOLL_CLOEXEC : 0)); }

long rx_event_ctl(int queue, enum rx_event_op op, int fd, unsigned events, uint64_t data)
{
    static const int ops[] = { [RX_EVENT_ADD] = EPOLL_CTL_ADD, [RX_EVENT_MOD] = EPOLL_CTL_MOD, [RX_EVENT_DEL] = EPOLL_CTL_DEL };
    if ((unsigned)op > RX_EVENT_DEL) return -EINVAL;
    struct epoll_event ev = { .events = events_to_host(events), .data.u64 = data };
    return R(epoll_ctl(queue, ops[op], fd, &ev));
}

long rx_event_wait(int queue, struct rx_event *out, int max, const struct rx_timespec *timeout, const uint64_t *sigmask)
{
    /* the system's events land at out's start, and each becomes its rx_event from
     * the last down: the larger record never reaches one not yet read */
    _Static_assert(sizeof(struct epoll_event) <= sizeof(struct rx_event), "in place");
    struct epoll_event *ev = (struct epoll_event *)(void *)out;
    struct timespec ts;
    if (timeout) { ts.tv_sec = timeout->sec; ts.tv_nsec = timeout->nsec; }
    uint64_t mask = sigmask ? *sigmask : 0;
    /* epoll_pwait2: the timeout in nanoseconds, the mask as the kernel's 8 bytes */
    long r = host_wait_call(SYS_epoll_pwait2, queue, (long)ev, max, timeout ? (long)&ts : 0, sigmask ? (long)&mask : 0, 8);
    for (long i = r; i-- > 0;) {
        struct epoll_event e;
        memcpy(&e, &ev[i], sizeof e);
        out[i] = (struct rx_event){ events_from_host(e.events), e.data.u64 };
    }
    return r;
}

long rx_counter(unsigned initial, int flags)
{
    int h = (flags & RX_O_CLOEXEC ? EFD_CLOEXEC : 0) | (flags & RX_O_NONBLOCK ? EFD_NONBLOCK : 0) |
            (flags & RX_COUNTER_SEMAPHORE ? EFD_SEMAPHORE : 0);
    return R(eventfd(initial, h));
}

long rx_ppoll(struct rx_pollfd *fds, unsigned long n, const struct rx_timespec *timeout, const uint64_t *sigmask)
{
    /* Redox's poll values are Linux's (rx.h), and struct rx_pollfd is struct pollfd */
    _Static_assert(sizeof(struct rx_pollfd) == sizeof(struct pollfd), "pollfd layout");
    _Static_assert(RX_POLLIN == POLLIN && RX_POLLPRI == POLLPRI && RX_POLLOUT == POLLOUT && RX_POLLERR == POLLERR &&
                   RX_POLLHUP == POLLHUP && RX_POLLNVAL == POLLNVAL && RX_POLLRDNORM == POLLRDNORM &&
                   RX_POLLRDBAND == POLLRDBAND && RX_POLLWRNORM == POLLWRNORM && RX_POLLWRBAND == POLLWRBAND &&
                   RX_POLLX_RDHUP == POLLRDHUP, "Redox's poll bits are the host's");
    struct timespec ts;
    if (timeout) { ts.tv_sec = timeout->sec; ts.tv_nsec = timeout->nsec; }
    uint64_t mask = sigmask ? *sigmask : 0; /* the kernel's 8 bytes */
    return host_wait_call(SYS_ppoll, (long)fds, (long)n, timeout ? (long)&ts : 0, sigmask ? (long)&mask : 0, 8, 0);
}

long rx_ready_now(int fd, short events)
{
    struct pollfd p = { fd, events, 0 };
    struct timespec now = { 0, 0 };
    long r = raw5(SYS_ppoll, (long)&p, 1, (long)&now, 0, 8);
    return r < 0 ? r : r == 1 && (p.revents & (events | POLLHUP | POLLERR)) && !(p.revents & POLLNVAL);
}

long rx_sigpending(uint64_t *set)
{
    sigset_t cur;
    if (sigpending(&cur) < 0) return -errno;
    memcpy(set, &cur, sizeof *set);
    return 0;
}

long rx_sigtimedwait(uint64_t set, struct rx_siginfo *info, const struct rx_timespec *timeout)
{
    /* The raw call: musl's sigtimedwait retries after EINTR (a handled signal must end the
     * guest's wait), and both libcs reserve signals 32-34 that are the guest's. */
    struct timespec t = { 0, 0 };
    if (timeout) { t.tv_sec = timeout->sec; t.tv_nsec = timeout->nsec; }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    long sig = host_wait_call(SYS_rt_sigtimedwait, (long)&set, (long)&si, timeout ? (long)&t : 0, 8, 0, 0);
    if (sig < 0) return sig;
    rx_signal_requeued_info(&si);
    *info = (struct rx_siginfo){ si.si_signo, si.si_code, si.si_pid, si.si_uid, si.si_status,
                                 (uint64_t)(uintptr_t)si.si_addr, (uint64_t)(uintptr_t)si.si_value.sival_ptr };
    return sig;
}

/* The door's look at the kick byte and its `syscall` (host-linux-wait.S): a context
 * stopped at either, or at the `syscall` again because the system rewound a wait
 * to restart it, has not waited yet, or waits anew: it takes the -EINTR exit. */
extern char host_wait_look[], host_wait_enter[], host_wait_eintr[];

__attribute__((no_stack_protector)) int rx_wait_interrupt(void *host_ctx)
{
    greg_t *g = ((ucontext_t *)host_ctx)->uc_mcontext.gregs;
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    if (ip < (uintptr_t)host_wait_look || ip > (uintptr_t)host_wait_enter) return 0;
    g[REG_RIP] = (greg_t)(uintptr_t)host_wait_eintr;
    return 1;
}

long rx_sigqueue(long pid, long tid, int sig, int code, uint64_t value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = (pid_t)rx_getpid(); /* the cached id: one host call fewer a signal */
    si.si_uid = getuid();
    si.si_value.sival_ptr = (void *)(uintptr_t)value;
    return tid ? R(syscall(SYS_rt_tgsigqueueinfo, (pid_t)pid, (pid_t)tid, sig, &si))
               : R(syscall(SYS_rt_sigqueueinfo, (pid_t)pid, sig, &si));
}

long rx_sigmask_set(uint64_t set) { return raw4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&set, 0, 8); }
long rx_sigmask_swap(uint64_t set, uint64_t *old) { return raw4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&set, (long)old, 8); }

long rx_sigaction_catch(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = SA_RESTART;
    return R(sigaction(sig, &sa, NULL));
}



/* ---- system counters ---- */

long rx_sysstat(struct rx_sysstat *s)
{
    struct sysinfo si;
    memset(s, 0, sizeof *s);
    if (sysinfo(&si) < 0) return -errno;
    uint64_t unit = si.mem_unit ? si.mem_unit : 1;
    s->mem_total = (uint64_t)si.totalram * unit;
    s->mem_free = (uint64_t)si.freeram * unit;
    s->mem_shared = (uint64_t)si.sharedram * unit;
    s->mem_buffers = (uint64_t)si.bufferram * unit;
    s->swap_total = (uint64_t)si.totalswap * unit;
    s->swap_free = (uint64_t)si.freeswap * unit;
    for (int i = 0; i < 3; i++) s->loads[i] = si.loads[i];
    s->nr_tasks = si.procs;
    /* Boot time as Linux's btime computes it: now (wall clock) minus time since boot. */
    struct timespec up, now;
    if (clock_gettime(CLOCK_BOOTTIME, &up) < 0 || clock_gettime(CLOCK_REALTIME, &now) < 0) return -errno;
    s->uptime.sec = up.tv_sec;
    s->uptime.nsec = up.tv_nsec;
    int64_t ns = ((int64_t)now.tv_sec - up.tv_sec) * 1000000000 + (now.tv_nsec - up.tv_nsec);
    s->boot_time.sec = ns / 1000000000;
    s->boot_time.nsec = ns % 1000000000;
    return 0;
}

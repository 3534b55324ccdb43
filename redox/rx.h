/* rx.h — lxrun's only door to the operating system, in Redox's vocabulary.
 *
 * Every function returns a non-negative value on success and a negative errno on
 * failure (Redox's error numbers are Linux's), the way Redox's syscall ABI and
 * libredox report errors.  Resources are named by URLs "scheme:path"; a path with
 * no scheme is relative to a directory handle (the *at forms).
 *
 * Two backends implement this header:
 *   host-linux.c  Redox semantics on Linux; used by every test
 *   redox.c       libredox C ABI (needs a Redox toolchain)
 * Nothing here knows Linux syscall numbers. */
#ifndef LXRUN_RX_H
#define LXRUN_RX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rx_wait.h"

#define RX_AT_CWD (-100) /* directory handle meaning "the current directory" */

/* ---- open flags: Redox's values, relibc src/header/fcntl/redox.rs ----
 * (RX_O_X_* are host-backend extensions Redox does not name, in bits Redox leaves
 * free; each says what the Redox backend does with it.) */
#define RX_O_RDONLY 0x00010000
#define RX_O_WRONLY 0x00020000
#define RX_O_RDWR 0x00030000
#define RX_O_ACCMODE 0x00030000
#define RX_O_NONBLOCK 0x00040000
#define RX_O_APPEND 0x00080000
#define RX_O_SHLOCK 0x00100000
#define RX_O_EXLOCK 0x00200000
#define RX_O_ASYNC 0x00400000
#define RX_O_FSYNC 0x00800000
#define RX_O_CLOEXEC 0x01000000
#define RX_O_CREAT 0x02000000
#define RX_O_TRUNC 0x04000000
#define RX_O_EXCL 0x08000000
#define RX_O_DIRECTORY 0x10000000
#define RX_O_PATH 0x20000000
#define RX_O_SYMLINK 0x40000000
#define RX_O_NOFOLLOW ((int)0x80000000)
#define RX_O_NOCTTY 0x00000200
#define RX_O_X_DSYNC 0x0001     /* Redox: O_FSYNC covers it */
#define RX_O_X_DIRECT 0x0002    /* Redox: ignored (no page cache bypass) */
#define RX_O_X_LARGEFILE 0x0004 /* Redox: ignored (offsets are 64-bit) */
#define RX_O_X_NOATIME 0x0008   /* Redox: ignored (no atime updates to suppress) */
#define RX_O_X_TMPFILE 0x0010   /* Redox: EOPNOTSUPP, as a Linux filesystem without it */

/* fcntl: relibc src/header/fcntl/mod.rs and redox.rs (the commands' numbers are
 * Linux's for these; FD_CLOEXEC is not).  RX_F_X_* are host-backend extensions. */
#define RX_FD_CLOEXEC 0x01000000
#define RX_F_DUPFD 0
#define RX_F_GETFD 1
#define RX_F_SETFD 2
#define RX_F_GETFL 3
#define RX_F_SETFL 4
#define RX_F_GETLK 5
#define RX_F_SETLK 6
#define RX_F_SETLKW 7
#define RX_F_DUPFD_CLOEXEC 1030
#define RX_F_X_OFD_GETLK 0x10036  /* Redox: as F_GETLK (locks are per handle there) */
#define RX_F_X_OFD_SETLK 0x10037  /* Redox: as F_SETLK */
#define RX_F_X_OFD_SETLKW 0x10038 /* Redox: as F_SETLKW */
#define RX_F_X_GETPIPE_SZ 0x11032 /* Redox: the pipe scheme's fixed capacity */
#define RX_F_X_SETPIPE_SZ 0x11031 /* Redox: accepted up to that capacity */
#define RX_F_X_ADD_SEALS 0x11033  /* Redox: shm: handles, EINVAL elsewhere */
#define RX_F_X_GET_SEALS 0x11034
#define RX_F_X_GETOWN 0x10009     /* Redox: no async I/O signals: 0 */
#define RX_F_X_SETOWN 0x10008
#define RX_F_X_GETSIG 0x1000b
#define RX_F_X_SETSIG 0x1000a
#define RX_F_X_GETLEASE 0x11025   /* Redox: no leases: F_UNLCK */
#define RX_F_X_SETLEASE 0x11024
#define RX_F_X_NOTIFY 0x11026     /* Redox: EINVAL (the event: scheme serves watching) */
/* struct flock for the lock commands: relibc's layout, which is Linux's. */
struct rx_flock { int16_t type, whence; int64_t start, len; int32_t pid; };
#define RX_F_RDLCK 0
#define RX_F_WRLCK 1
#define RX_F_UNLCK 2

/* Mode type bits: redox_syscall src/flag.rs MODE_* (the same numbers as Linux's
 * S_IF*).  Redox has no block devices or socket nodes: RX_MODE_X_* are the host
 * backend's (the Redox backend never reports them). */
#define RX_MODE_TYPE 0xF000
#define RX_MODE_DIR 0x4000
#define RX_MODE_FILE 0x8000
#define RX_MODE_SYMLINK 0xA000
#define RX_MODE_FIFO 0x1000
#define RX_MODE_CHR 0x2000
#define RX_MODE_X_BLK 0x6000
#define RX_MODE_X_SOCK 0xC000
#define RX_MODE_IS(m, type) (((m) & RX_MODE_TYPE) == (type))

/* Redox's Stat (syscall crate data::Stat), the record fstat fills.  dev and rdev
 * hold a device number in Linux's dev_t encoding (the Redox backend: the scheme's
 * id as the major number). */
struct rx_stat {
    uint64_t dev, ino;
    uint32_t mode, nlink;
    uint32_t uid, gid;
    uint64_t rdev;
    int64_t size;
    int64_t blksize, blocks;
    int64_t atime_sec, mtime_sec, ctime_sec, btime_sec;
    uint32_t atime_nsec, mtime_nsec, ctime_nsec, btime_nsec;
};
/* The change time in ns: every write moves it and no call sets it, so with the
 * device, inode and size it names the file's bytes (trap/site_cache.c). */
static inline int64_t rx_stat_ctime_ns(const struct rx_stat *st)
{
    return st->ctime_sec * 1000000000LL + st->ctime_nsec;
}

/* Redox's StatVfs.  flags: RX_ST_RDONLY (relibc sys_statvfs ST_RDONLY 1); other
 * bits are the host backend's own mount flags. */
#define RX_ST_RDONLY 1
struct rx_statvfs {
    uint64_t bsize, frsize, blocks, bfree, bavail;
    uint64_t files, ffree, fsid, namemax, flags;
    uint64_t fstype; /* a Linux-style magic chosen by the scheme, 0 if unknown */
};

struct rx_timespec { int64_t sec; int64_t nsec; };

/* Terminal state, as read from / written to the handle dup(fd, "termios").  The
 * flag bits and cc[] indices are taken to be Linux's, which Redox's termios
 * handles follow (the redox_termios crate); a Redox backend must confirm this or
 * convert, and the guest tty tests would then show a difference. */
struct rx_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[32];
    uint32_t ispeed, ospeed;
};
struct rx_winsize { uint16_t row, col, xpixel, ypixel; };

/* ---- the backend ---- */
/* Prepares the backend before any guest code runs; its own handles go at or
 * above high_fd_floor (lxrun's reserved fds).  0 or -errno. */
long rx_backend_start(int high_fd_floor);
/* A test instrument's hooks (redox/touch_trace.c): in lxrun, nothing. */
void rx_touch_trace_prepare(void);
void rx_touch_trace_child(void);
/* Each handle the backend keeps to each(&fd, ctx): lxrun moves them when the
 * guest's fds reach them (process/fd_reserve.c). */
void rx_backend_own_fds(void (*each)(int *fd, void *ctx), void *ctx);

/* ---- handles ---- */
long rx_openat(int dirfd, const char *path, int flags, unsigned mode);
long rx_close(int fd);
long rx_dup(int fd, const char *how);        /* Redox dup(fd, buf): "" = plain copy */
long rx_dup2(int fd, int newfd, int cloexec);
long rx_fcntl(int fd, int cmd, long arg);
long rx_fpath(int fd, char *buf, size_t len); /* the handle's URL */
/* rx_fpath of a handle whose status the caller has just had (st: its device,
 * inode and type), which the backend would otherwise ask again.  Host-backend
 * extension; Redox plan: rx_fpath (fpath answers without a status). */
long rx_fpath_stat(int fd, const struct rx_stat *st, char *buf, size_t len);
long rx_pipe2(int fds[2], int flags);         /* "pipe:" and dup(fd, "write") */
/* Host-backend extension: Redox has no close_range.  Redox plan: loop close (or
 * fcntl F_SETFD) over the fds its file table reports open. */
long rx_close_range(int lowfd, int highfd, int cloexec_only);
/* The open handles below `below`, ascending, at most max of them: how many there
 * are (more than max: the list is cut).  path_handles 0: the caller knows none of
 * them is an O_PATH handle.  Host-backend extension: poll() over the range when
 * path_handles is 0 (one call; a closed and an O_PATH handle both answer
 * POLLNVAL), else the listing of /proc/self/fd (the host's file table, named by
 * no guest path; 10x the cost: each entry is made a dentry).  Redox plan: the
 * file table redox-rt keeps. */
long rx_fds_open(int below, int path_handles, int *out, size_t max);
/* The highest handle open, or -1, and in *path_handles whether any is an O_PATH
 * handle: called before lxrun opens its own, for what its parent left open.
 * Host: read from /proc/self/fd, before any guest code runs.  Redox plan: the
 * file table redox-rt keeps. */
long rx_fd_highest_open(int *path_handles);

/* len bytes (rounded up to pages) of zeroed read-write memory that this process
 * and the processes it forks from now on share, from the part of the session's
 * memory that may be shared with other sessions (rx_learned_open): what lxrun
 * learns about programs, not about processes; or -errno.  Carved in the same
 * order by every lxrun of one build, so a part is where another session's is.
 * Host: carved from one MAP_SHARED mapping made at start (each mapping a process
 * has is copied at its every fork and unmapped at its exit); a forked child that
 * asks gets a mapping of its own.  Redox plan: the same over one shm: handle. */
long rx_session_kept(size_t len);
/* len bytes of the session's shared memory's address space, for the caller to map
 * a shared object of its own over (RX_MAP_FIXED), or 0 when there is no room
 * (there is room once a session: for the process table).
 * Right after the kept part, whose busy first pages it then shares a 2 MiB
 * page-table range with (a range of its own cost a page-table page in every
 * process and every forked child that touched it: ~50-90 us to build on a
 * paravirtualised VM).  Redox plan: 0, mapped anywhere. */
uintptr_t rx_session_room(size_t len);
/* A kept part's table, or the store, was found full: the next session makes the
 * learned file afresh. */
void rx_learned_full(void);
/* 16 bytes that name this boot of the system: 0, or -errno.  Host: the kernel's
 * boot_id (/proc/sys/kernel/random), read as lxrun starts.  Redox plan: the
 * kernel's boot time (sys:), which no later boot repeats. */
long rx_boot_id(uint8_t out[16]);
/* The session's kept part and its store of pages are the file at path from now
 * on, shared with every other session that opens it: an earlier session's (1) if
 * it is the caller's own (a regular file, not a symbolic link, owned by the
 * effective user, writable by no one else) made with the same key (lxrun's
 * build, the boot, the options that shape what is kept) and no table in it was
 * found full, else a new one (2; its directory made, 0700; the file 0600) renamed
 * over it; 0 when there is none (not the session's first process), -errno.
 * Called by the session's first process before it carves a kept part.  Host: the
 * file mapped shared over the kept part.  Redox plan: the same, by fmap of a
 * file: handle. */
long rx_learned_open(const char *path, const void *key, size_t keylen);
/* The learned files beside path (named learned-*, the caller's own) whose key's
 * bytes [boot_off, boot_off+boot_len) differ from key's, and those neither changed
 * nor mapped for more than unused_s seconds: removed.  The first name another
 * boot, which no session can open again; the second another build's of this boot,
 * unused (a machine up for months kept one per lxrun installed meanwhile).  Called
 * once a session made a new file (each boot makes one per build, up to 33 MiB of
 * stored pages each). */
void rx_learned_drop_others(const char *path, const void *key, size_t keylen, size_t boot_off, size_t boot_len,
                            long unused_s);
/* 1 when path is a regular file of the caller's (not followed if a symbolic
 * link), else 0 (none, or it cannot be looked at): whether a session made a
 * learned file there. */
long rx_learned_exists(const char *path);
/* The learned file found damaged (a check failed): marked for the next session
 * to make afresh, and this session's kept part is its own (empty) memory again.
 * Before any kept part is used. */
void rx_learned_drop(void);
/* The stored pages written so far are on the disk (the learned file's: fdatasync),
 * before an entry naming them is published: 0, or -errno.  TLS-free. */
long rx_session_pages_sync(void);
/* The time of day in seconds (CLOCK_REALTIME), the clock files' change times are
 * taken from, or 0 when it cannot be read.  TLS-free: a planted copy's making
 * time (trap/plant_cache.c), on either FS. */
int64_t rx_realtime_sec(void);
/* Pages for the session: len bytes of bytes (rounded up to pages) stored once,
 * never changed after, for any process of the session to map privately: their
 * offset, or -errno (-ENOSYS without such a store, -ENOSPC once full).  Host: a
 * memfd after the session's shared memory, 32 MiB.  Redox plan: the same shm:
 * handle. */
long rx_session_pages_put(const void *bytes, size_t len);
/* [addr, addr+len) replaced by a private mapping of stored pages from off, its
 * pages present when populate (else each as first touched, as a file's); 0, or
 * -errno. */
long rx_session_pages_map(uintptr_t addr, size_t len, int prot, uint64_t off, int populate);
/* n bytes written at off into pages stored but not yet named anywhere (their
 * entry unpublished: no process maps them): 0, or -errno.  The one exception to
 * stored once, never changed. */
long rx_session_pages_patch(uint64_t off, const void *bytes, size_t n);
/* len stored bytes from off into to: 0, or -errno. */
long rx_session_pages_read(void *to, size_t len, uint64_t off);
/* An anonymous read-write memory object of len zero bytes, to map MAP_SHARED in
 * several processes (Redox: a shm: handle; host: memfd). */
long rx_shm_anon(const char *name, size_t len);
/* An anonymous memory object of size zero for the guest, named name (Redox: a shm:
 * handle; host: memfd), its seals allowed when sealable (F_ADD_SEALS). */
long rx_shm_handle(const char *name, int cloexec, int sealable);
/* An anonymous read-only file holding `data` (Redox: a shm: handle), positioned
 * at 0: how lxrun hands out synthesized files (DESIGN invariant 4). */
long rx_snapshot(const char *name, const void *data, size_t len, int cloexec);

/* ---- waiting for handles (relibc poll/ppoll; values: relibc src/header/poll/mod.rs,
 * which are Linux's) ---- */
#define RX_POLLIN 0x001
#define RX_POLLPRI 0x002
#define RX_POLLOUT 0x004
#define RX_POLLERR 0x008
#define RX_POLLHUP 0x010
#define RX_POLLNVAL 0x020
#define RX_POLLRDNORM 0x040
#define RX_POLLRDBAND 0x080
#define RX_POLLWRNORM 0x100
#define RX_POLLWRBAND 0x200
#define RX_POLLX_RDHUP 0x2000 /* host-backend extension; Redox plan: reported as POLLHUP by the scheme */
struct rx_pollfd { int fd; short events, revents; };
/* Waits until a handle is ready, the timeout (NULL: none) passes or a signal
 * arrives; with sigmask, that is the blocked set while waiting.  The number of
 * ready entries, 0 on timeout, or -errno (-EINTR). */
long rx_ppoll(struct rx_pollfd *fds, unsigned long n, const struct rx_timespec *timeout, const uint64_t *sigmask);
/* Whether a call waiting on fd for any of events would go on now (a poll that does
 * not wait): ready, hung up or in error (a read at a pipe's end, a write to one
 * without a reader); 1, 0, or -errno.  TLS-free. */
long rx_ready_now(int fd, short events);

/* ---- event queues: Redox's event: scheme.  A queue handle takes registrations
 * (a handle, the events wanted, a word of user data) and yields ready events
 * with their data.  RX_EVENT_READ and RX_EVENT_WRITE are Redox's (redox_syscall
 * src/flag.rs EVENT_READ, EVENT_WRITE); RX_EVENT_X_* are host-backend extensions,
 * Linux epoll's.  Redox plan: the scheme reports READ and WRITE, edge-triggered;
 * the Redox backend gives level-triggered registrations by polling each ready
 * handle again after a wait (zero timeout) and re-queuing what still is, ONESHOT
 * by registering no events after one is reported, and reports ERR/HUP as
 * READ|WRITE (what a read or write then returns tells them apart), PRI and the
 * RD/WR NORM/BAND bits never. ---- */
#define RX_EVENT_READ 0x1
#define RX_EVENT_WRITE 0x2
#define RX_EVENT_X_PRI 0x10
#define RX_EVENT_X_ERR 0x20
#define RX_EVENT_X_HUP 0x40
#define RX_EVENT_X_RDHUP 0x80
#define RX_EVENT_X_RDNORM 0x100
#define RX_EVENT_X_RDBAND 0x200
#define RX_EVENT_X_WRNORM 0x400
#define RX_EVENT_X_WRBAND 0x800
#define RX_EVENT_X_MSG 0x1000
#define RX_EVENT_X_EDGE 0x10000      /* report a change once, not a state while it lasts */
#define RX_EVENT_X_ONESHOT 0x20000   /* disarm after one report */
#define RX_EVENT_X_EXCLUSIVE 0x40000 /* among queues waiting on one handle, wake one */
#define RX_EVENT_X_WAKEUP 0x80000    /* keep the system awake (host: EPOLLWAKEUP) */
struct rx_event { unsigned events; uint64_t data; };
enum rx_event_op { RX_EVENT_ADD, RX_EVENT_MOD, RX_EVENT_DEL };
long rx_event_queue(int cloexec);  /* open("event:") */
long rx_event_ctl(int queue, enum rx_event_op op, int fd, unsigned events, uint64_t data);
/* Up to max ready events, waiting until the timeout (NULL: none) with the signal
 * mask sigmask meanwhile (NULL: unchanged): their number or -errno. */
long rx_event_wait(int queue, struct rx_event *out, int max, const struct rx_timespec *timeout, const uint64_t *sigmask);
/* ---- sockets: Redox's socket schemes.  relibc's socketpair(AF_UNIX) opens a
 * connected pair on the uds_stream: or uds_dgram: scheme; the values below are
 * relibc's (src/header/sys_socket/constants.rs).  RX_MSG_X_* and the options
 * marked X are host-backend extensions, with the Redox plan: DONTWAIT as a
 * non-blocking handle for the one call, NOSIGNAL as SIGPIPE held back around it,
 * CMSG_CLOEXEC by setting the flag on received handles. ---- */
#define RX_SOCK_STREAM 1
#define RX_SOCK_DGRAM 2
#define RX_SOCK_SEQPACKET 5
#define RX_MSG_OOB 0x1
#define RX_MSG_PEEK 0x2
#define RX_MSG_CTRUNC 0x8
#define RX_MSG_TRUNC 0x20
#define RX_MSG_EOR 0x80
#define RX_MSG_WAITALL 0x100
#define RX_MSG_X_DONTWAIT 0x40
#define RX_MSG_X_NOSIGNAL 0x4000
#define RX_MSG_X_CONFIRM 0x800   /* the neighbour answered: hint, ignored on Redox */
#define RX_MSG_X_ERRQUEUE 0x2000 /* the error queue: always empty on Redox (EAGAIN) */
#define RX_MSG_X_MORE 0x8000     /* more data follows: hint, ignored on Redox */
#define RX_SHUT_RD 0
#define RX_SHUT_WR 1
#define RX_SHUT_RDWR 2
struct rx_iovec { void *base; size_t len; };
/* flags: RX_O_CLOEXEC, RX_O_NONBLOCK for both handles */
long rx_socketpair_unix(int type, int flags, int fds[2]);
long rx_sock_shutdown(int fd, int how);
/* SOL_SOCKET options by Redox's numbers, as int values (the timeouts as
 * rx_timespec, PEERCRED as struct rx_ucred). */
#define RX_SO_TYPE 3
#define RX_SO_ERROR 4
#define RX_SO_SNDBUF 7
#define RX_SO_RCVBUF 8
#define RX_SO_PASSCRED 16
#define RX_SO_PEERCRED 17
#define RX_SO_RCVTIMEO 20
#define RX_SO_SNDTIMEO 21
#define RX_SO_ACCEPTCONN 30
#define RX_SO_PROTOCOL 38
#define RX_SO_DOMAIN 39
struct rx_ucred { int pid; uint32_t uid, gid; };
/* Options of the other levels, int-valued (LINGER as struct rx_linger), by
 * relibc's numbers (netinet_in, netinet_tcp constants.rs, which are Linux's).
 * Redox plan: the netstack's handles take them through dup(fd, "ttl"|"nodelay"…);
 * the ones it lacks answer ENOPROTOOPT, which programs handle. */
#define RX_SOL_X_IP 0
#define RX_SOL_X_TCP 6
#define RX_SOL_X_IPV6 41
#define RX_SO_X_REUSEADDR 2
#define RX_SO_X_BROADCAST 6
#define RX_SO_X_KEEPALIVE 9
#define RX_SO_X_OOBINLINE 10
#define RX_SO_X_LINGER 13
#define RX_SO_X_REUSEPORT 15
#define RX_SO_X_RCVLOWAT 18
#define RX_SO_X_SNDBUFFORCE 32
#define RX_SO_X_RCVBUFFORCE 33
#define RX_IP_X_TOS 1
#define RX_IP_X_TTL 2
#define RX_IP_X_MULTICAST_TTL 33
#define RX_IP_X_MULTICAST_LOOP 34
#define RX_TCP_X_NODELAY 1
#define RX_TCP_X_MAXSEG 2
#define RX_TCP_X_KEEPIDLE 4
#define RX_TCP_X_KEEPINTVL 5
#define RX_TCP_X_KEEPCNT 6
#define RX_IPV6_X_ADDRFORM 1
#define RX_IPV6_X_UNICAST_HOPS 16
#define RX_IPV6_X_V6ONLY 26
struct rx_linger { int on, seconds; };
/* Multicast membership: join or leave group on the interface of index ifindex or
 * address local (IPv4; both 0: the system's choice).  Redox plan: smolnetd has no
 * IGMP/MLD yet: EOPNOTSUPP until it has. */
#define RX_IP_X_ADD_MEMBERSHIP 35
#define RX_IP_X_DROP_MEMBERSHIP 36
#define RX_IPV6_X_ADD_MEMBERSHIP 20
#define RX_IPV6_X_DROP_MEMBERSHIP 21
#define RX_X_MCAST_JOIN_GROUP 42  /* at RX_SOL_X_IP or RX_SOL_X_IPV6 */
#define RX_X_MCAST_LEAVE_GROUP 45
#define RX_SOL_SOCKET 1
long rx_sockopt_get(int fd, int level, int opt, void *val, size_t len);
long rx_sockopt_set(int fd, int level, int opt, const void *val, size_t len);

/* ---- network configuration: Redox's netcfg: scheme (smolnetd: ifaces/<name>/
 * mac, addr/list; route/list).  What it lacks is a host-backend extension with its
 * Redox plan: flags as Redox's interfaces always are (UP|RUNNING, LOOPBACK for
 * "loopback"), MTU 1500 (65536 on loopback), counters 0, the index the place in
 * the list.  RX_IFF_* are Linux's SIOCGIFFLAGS bits, which no Redox scheme has. */
#define RX_IFF_X_UP 0x1
#define RX_IFF_X_BROADCAST 0x2
#define RX_IFF_X_LOOPBACK 0x8
#define RX_IFF_X_POINTOPOINT 0x10
#define RX_IFF_X_RUNNING 0x40
#define RX_IFF_X_NOARP 0x80
#define RX_IFF_X_PROMISC 0x100
#define RX_IFF_X_MULTICAST 0x1000
#define RX_IFF_X_LOWER_UP 0x10000
#define RX_NET_MAX_ADDRS 16
struct rx_net_addr {
    int family;                 /* RX_AF_INET or RX_AF_INET6 */
    uint8_t addr[16], peer[16]; /* peer: the broadcast address (IPv4) */
    unsigned prefix, scope;     /* scope: 0 global, 253 link, 254 host (Linux's RT_SCOPE_*) */
    int has_peer;
};
struct rx_net_iface {
    char name[16];
    unsigned index, flags, mtu, tx_queue_len;
    uint8_t mac[6], broadcast_mac[6];
    int has_mac;
    uint64_t rx_bytes, rx_packets, rx_errors, rx_dropped, tx_bytes, tx_packets, tx_errors, tx_dropped;
    int naddrs;
    struct rx_net_addr addrs[RX_NET_MAX_ADDRS];
};
/* Up to max interfaces: how many there are (more than max: the first max filled). */
long rx_net_ifaces(struct rx_net_iface *out, int max);
struct rx_net_route {
    int family;
    uint8_t dst[16], gateway[16], prefsrc[16];
    unsigned dst_len, oif, metric, table, scope, protocol, type;
    int has_gateway, has_prefsrc;
};
long rx_net_routes(struct rx_net_route *out, int max);

/* ---- named sockets: Redox's tcp:, udp: and uds_* schemes (relibc socket.rs).
 * An address is the scheme's path text: "a.b.c.d:port" or "[v6]:port" for tcp:/
 * udp: (the netstack's grammar), a file path for uds_* (the backend's own path:
 * lxrun maps guest paths in vfs-map), or an abstract name as a NUL followed by its
 * bytes (host-backend extension; Redox plan: the uds scheme keeps abstract names
 * in a table of its own, keyed by those bytes).  Families are relibc's (=Linux's).
 * On Redox: socket is open("tcp:"|"udp:"|"uds_stream:"|"uds_dgram:"), bind is
 * dup(fd, "/addr") + dup2 back onto fd, connect dup(fd, "addr") + dup2, accept
 * dup(fd, "listen"), listen implicit (the backlog is the scheme's), names fpath
 * ("tcp:remote/local"), sendto dup(fd, addr) + write. ---- */
#define RX_AF_UNIX 1
#define RX_AF_INET 2
#define RX_AF_INET6 10
#define RX_X_AF_UNSPEC 0 /* connect to it: dissolve a datagram association (Redox plan: dup(fd, "")) */
#define RX_SOCKADDR_MAX 112
struct rx_sockaddr { int family; unsigned len; char text[RX_SOCKADDR_MAX]; };
/* A multicast membership (the options RX_*_MEMBERSHIP, RX_X_MCAST_*): see above. */
struct rx_mcast { struct rx_sockaddr group; unsigned ifindex; uint8_t local[4]; };
long rx_socket(int family, int type, int flags); /* flags: RX_O_CLOEXEC, RX_O_NONBLOCK */
long rx_sock_bind(int fd, const struct rx_sockaddr *a);
long rx_sock_connect(int fd, const struct rx_sockaddr *a); /* -EINPROGRESS on a non-blocking handle */
long rx_sock_listen(int fd, int backlog);
long rx_sock_accept(int fd, int flags); /* the new handle; flags as rx_socket's */
/* The handle's own address (peer 0) or its peer's; a socket with none yields
 * len 0 (an unnamed unix socket) or the family's any-address. */
long rx_sock_name(int fd, int peer, struct rx_sockaddr *out);
/* A message: data, an address to send to or that sent it (NULL: connected), the
 * handles and credentials that travel with it on unix sockets (Redox: the uds
 * scheme passes handles with SYS_SENDFD; credentials are the sender's).  On
 * receive, nfds is in/out (room, then handles received), cred_valid says *cred
 * was filled; flags_out gets RX_MSG_TRUNC/CTRUNC/EOR/OOB. */
struct rx_msg {
    struct rx_iovec *iov;
    int iovlen;
    struct rx_sockaddr *addr;
    int *fds;
    int nfds;
    struct rx_ucred *cred;
    int cred_valid;
    int flags_out;
};
/* The system's sockets of a family and type, as /proc/net lists them (Redox:
 * the netstack's and the uds schemes' handles; host backend: Linux's sock_diag).
 * state is a TCP state by Linux's numbers (1 ESTABLISHED … 7 CLOSE … 10 LISTEN;
 * a unix socket 1 when connected, 7 when not); queues are the bytes waiting; a
 * unix name is the backend's path (or NUL + an abstract name).  How many there
 * are (more than max: the first max filled).  Redox plan: the schemes list their
 * handles by fpath; state LISTEN for a handle that accepted, queues 0. */
struct rx_sock_info {
    int family, type, state, listening, v6only;
    struct rx_sockaddr local, peer;
    uint64_t inode, rx_queue, tx_queue;
    uint32_t uid;
};
long rx_net_sockets(int family, int type, struct rx_sock_info *out, int max);
long rx_sock_sendmsg(int fd, struct rx_msg *m, int flags);
long rx_sock_recvmsg(int fd, struct rx_msg *m, int flags); /* RX_MSG_X_CMSG_CLOEXEC marks received handles */
#define RX_MSG_X_CMSG_CLOEXEC 0x40000000

/* Host-backend extension: a counter handle (Linux's eventfd: 8-byte reads take
 * the count, or 1 with SEMAPHORE, writes add to it).  Redox plan: lxrun serves
 * it over a pipe pair it keeps readable while the count is non-zero. */
#define RX_COUNTER_SEMAPHORE 1
long rx_counter(unsigned initial, int flags); /* flags: RX_O_CLOEXEC, RX_O_NONBLOCK, RX_COUNTER_SEMAPHORE */

/* ---- time handles: Redox's time: scheme.  open("time:<clock>") gives a handle;
 * writing a timespec arms it and the event: scheme reports it readable when the
 * time comes (relibc timer.rs).  Host-backend extension beyond that: intervals,
 * an 8-byte expiry count read from the handle (Linux timerfd's), absolute times
 * and cancel-on-set (reads fail ECANCELED after the clock is set).  Redox plan:
 * lxrun keeps the interval and counts expirations on a time: handle it re-arms. */
#define RX_TIME_X_ABSTIME 1
#define RX_TIME_X_CANCEL_ON_SET 2
struct rx_itimer;
long rx_time_handle(int clock, int flags); /* flags: RX_O_CLOEXEC, RX_O_NONBLOCK */
long rx_time_handle_set(int fd, int flags, const struct rx_itimer *nw, struct rx_itimer *old);
long rx_time_handle_get(int fd, struct rx_itimer *cur);

/* Host-backend extension: a signal handle (Linux's signalfd).  Reads yield one
 * 128-byte record per signal of the mask pending for the thread (Linux's struct
 * signalfd_siginfo, whose layout the guest reads unchanged).  fd -1: a new handle,
 * else the mask of an existing one replaced.  Redox plan: lxrun serves it from
 * redox-rt's pending set, writing those records into a pipe it keeps. */
long rx_signal_handle(int fd, uint64_t mask, int flags); /* flags: RX_O_CLOEXEC, RX_O_NONBLOCK */

/* Host-backend extension: file-system watches (Linux's inotify: a queue whose
 * reads yield Linux's struct inotify_event records; mask bits are Linux's IN_*,
 * which no Redox scheme has).  A watch is put on the object an open handle names.
 * Redox plan: none in the kernel; lxrun would poll watched directories' entries
 * and times from a helper thread and write the records into a pipe. */
long rx_watch_queue(int flags); /* flags: RX_O_CLOEXEC, RX_O_NONBLOCK */
long rx_watch_add(int queue, int target, uint32_t mask); /* the watch descriptor */
long rx_watch_rm(int queue, int wd);
/* The watch queues' limits (Linux's fs.inotify sysctls; Redox plan: lxrun's own
 * limits for the watcher it would run): events a queue holds, queues per user,
 * watches per user.  Setting one needs the privilege the system asks for. */
#define RX_WATCH_X_MAX_EVENTS 0
#define RX_WATCH_X_MAX_QUEUES 1
#define RX_WATCH_X_MAX_WATCHES 2
long rx_watch_limit(int which);
long rx_watch_limit_set(int which, long value);

/* Host-backend extension: moving and copying pipe contents without a user
 * buffer (Linux's splice and tee).  off NULL: the handle's own offset.  Redox
 * plan: splice as read + write through lxrun's buffer (pipes have no page
 * references to move); tee has no Redox form (EINVAL: pipes cannot be peeked). */
#define RX_SPLICE_X_NONBLOCK 2
#define RX_SPLICE_X_MORE 4
long rx_splice(int in, int64_t *off_in, int out, int64_t *off_out, size_t len, int flags);
long rx_tee(int in, int out, size_t len, int flags);

/* ---- data ---- */
long rx_read(int fd, void *buf, size_t len);
long rx_write(int fd, const void *buf, size_t len);
long rx_pread(int fd, void *buf, size_t len, int64_t off);
long rx_pwrite(int fd, const void *buf, size_t len, int64_t off);
/* whence: Redox's SEEK_SET 0, SEEK_CUR 1, SEEK_END 2 (redox_syscall flag.rs), which
 * are Linux's too; SEEK_DATA 3 and SEEK_HOLE 4 are host-backend extensions (Redox:
 * EINVAL, as a filesystem without holes may answer). */
#define RX_SEEK_SET 0
#define RX_SEEK_CUR 1
#define RX_SEEK_END 2
#define RX_SEEK_X_DATA 3
#define RX_SEEK_X_HOLE 4
long rx_lseek(int fd, int64_t off, int whence);
long rx_fsync(int fd);
long rx_fdatasync(int fd);
/* Every file system's written data out to its device (Redox plan: relibc's
 * Sys::sync); cannot fail. */
void rx_sync(void);
/* The I/O priority this process started with, as ioprio_get encodes it (class
 * << 13 | level); Redox plan: 0, as its I/O has no priorities. */
int rx_ioprio_self(void);
/* The file system holding fd written out (Redox plan: fsync of the handle, whose
 * scheme writes itself out); 0 or -errno. */
long rx_syncfs(int fd);
long rx_ftruncate(int fd, int64_t len);
/* The directory's records from the handle's position on, the position moved past
 * them (Linux's getdents64 on an open file).  Records are Redox's DirentHeader
 * (inode, next opaque offset, record length, kind) + name: linux_dirent64's
 * layout.  Bytes, 0 at the end, or -errno.  Redox plan: SYS_GETDENTS takes the
 * position as an argument (the opaque offset; the handle keeps none for
 * listing), so the handle's seek offset holds it: lseek(fd, 0, SEEK_CUR),
 * SYS_GETDENTS from there, lseek to the last record's next opaque offset.  The
 * host's getdents64 is all three in one call (find made 4 lseeks per listing). */
long rx_getdents(int fd, void *buf, size_t len);
/* Host-backend extension: Redox has no flock.  Redox plan: a whole-file fcntl lock
 * (F_SETLK/F_SETLKW on [0, EOF)) on the handle, which differs from flock only
 * between handles of one process. */
long rx_flock(int fd, int op);

/* ---- metadata ---- */
long rx_fstat(int fd, struct rx_stat *st);
/* Whether a read or write of this file never waits: a regular file, or a device
 * that answers at once (the host's /dev/null, zero, full, urandom; Redox's null:,
 * zero:, rand: schemes). */
int rx_stat_never_waits(const struct rx_stat *st);
/* The stat of path (a URL, or relative to dirfd), its last link followed unless
 * nofollow.  Host-backend extension, one system call instead of three; Redox
 * plan: open(O_PATH, O_NOFOLLOW with nofollow) + fstat + close, as relibc's stat. */
long rx_stat_at(int dirfd, const char *path, int nofollow, struct rx_stat *st);
long rx_fstatvfs(int fd, struct rx_statvfs *st);
long rx_fchmod(int fd, unsigned mode);
long rx_fchown(int fd, int uid, int gid);
long rx_futimens(int fd, const struct rx_timespec ts[2]); /* UTIME_NOW / UTIME_OMIT */

/* ---- names (relative to a directory handle) ---- */
long rx_mkdirat(int dirfd, const char *path, unsigned mode);
/* A FIFO or an empty regular file (Redox: open with O_CREAT|O_EXCL and the
 * MODE_FIFO/MODE_FILE type bits in mode, then close).  Redox has no device nodes. */
long rx_mknodat(int dirfd, const char *path, unsigned mode);
long rx_unlinkat(int dirfd, const char *path, int rmdir);
/* Name operations take (directory handle, name) pairs, the shape of Linux's *at
 * calls.  Redox renames and links an open handle (frename, flink).  Redox plan:
 * open the old name O_PATH|O_NOFOLLOW beneath olddirfd, then frename/flink that
 * handle to the new name's path.  rename flags (NOREPLACE, EXCHANGE, WHITEOUT) are
 * host-backend extensions (Redox: NOREPLACE checked before, others EINVAL). */
long rx_renameat(int olddirfd, const char *oldp, int newdirfd, const char *newp,
                 unsigned flags);
/* oldp "" names the handle olddirfd itself (Linux AT_EMPTY_PATH): a new name for
 * an open file, without looking its old name up again. */
long rx_linkat(int olddirfd, const char *oldp, int newdirfd, const char *newp,
               int follow);
long rx_symlinkat(const char *target, int dirfd, const char *path);
long rx_readlinkat(int dirfd, const char *path, char *buf, size_t len);
long rx_chdir_fd(int fd);
/* The current directory's URL into buf, as fpath of it would give it: its length,
 * -ENOENT once it was removed, -ERANGE.  Redox: relibc's getcwd, the path it keeps
 * (no handle opened); host: the getcwd call. */
long rx_getcwd(char *buf, size_t len);

/* ---- confinement: a directory handle as the root of a namespace ----
 * Opens path inside the directory handle rootfd, which acts as the root for the
 * whole lookup: a leading '/', a '/' at the start of a symlink's target and '..'
 * at rootfd all stay at rootfd, so no spelling of path and no symlink on the way
 * reaches anything outside it.  Handles whose names are not paths ("magic" links
 * such as Linux's /proc/self/fd/N) are refused (ELOOP).  path "" is rootfd itself.
 * flags and mode as rx_openat (O_PATH|O_DIRECTORY opens a directory to use as a
 * dirfd for the *at name operations above, which never follow their last
 * component).  With RX_BENEATH_NO_SYMLINKS in how, any symlink on the way (the
 * last component's too, unless O_NOFOLLOW) fails with ELOOP instead, so the caller
 * can resolve links itself.  Redox: a walk over handles from rootfd, one
 * component at a time, links read with O_SYMLINK (docs/design-notes.md). */
#define RX_BENEATH_NO_SYMLINKS 1u
long rx_open_beneath(int rootfd, const char *path, int flags, unsigned mode, unsigned how);

/* ---- memory: Redox's values, relibc src/header/sys_mman/{mod,redox}.rs ----
 * (MAP_FIXED_NOREPLACE includes MAP_FIXED's bit there.)  RX_MAP_X_* are
 * host-backend extensions, with the Redox backend's plan for each. */
#define RX_PROT_NONE 0x0
#define RX_PROT_EXEC 0x1
#define RX_PROT_WRITE 0x2
#define RX_PROT_READ 0x4
#define RX_MAP_SHARED 0x1
#define RX_MAP_PRIVATE 0x2
#define RX_MAP_FIXED 0x4
#define RX_MAP_FIXED_NOREPLACE 0xc
#define RX_MAP_ANONYMOUS 0x20
#define RX_MAP_STACK 0x20000
#define RX_MAP_X_32BIT 0x01000000     /* Redox: a hint below 2 GiB, else ENOMEM */
#define RX_MAP_X_GROWSDOWN 0x02000000 /* Redox: mapped at full size */
#define RX_MAP_X_LOCKED 0x04000000    /* Redox: ignored (no swap) */
#define RX_MAP_X_NORESERVE 0x08000000 /* Redox: ignored (memory is lazily backed) */
#define RX_MAP_X_POPULATE 0x10000000  /* Redox: ignored (prefault is an optimisation) */
#define RX_MAP_X_NONBLOCK 0x20000000  /* Redox: ignored */
#define RX_MAP_X_HUGETLB 0x40000000   /* Redox: ENOMEM (no huge page pool) */
#define RX_MAP_X_SYNC ((int)0x80000000) /* Redox: EOPNOTSUPP (no DAX) */
#define RX_MS_ASYNC 0x1
#define RX_MS_INVALIDATE 0x2
#define RX_MS_SYNC 0x4
long rx_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, int64_t off);
long rx_munmap(uintptr_t addr, size_t len);
/* Where a new program's stack of len bytes goes (for RX_MAP_FIXED_NOREPLACE; if
 * taken, anywhere), or 0 for anywhere.  Host: right below the session's memory,
 * so that the stack's top and the session's busy pages share page tables
 * (rx_session_room).  Redox plan: 0. */
uintptr_t rx_stack_home(size_t len);
long rx_mprotect(uintptr_t addr, size_t len, int prot);
/* Writes n bytes of this process's own memory at addr whatever the page's
 * protection, which stays as it was -- as a debugger pokes code.  Linux: one pwrite
 * to /proc/self/mem (a page not yet written is copied first, as by a write fault),
 * where a protection round trip was two mprotects and the fault, ~36 us against ~11
 * on a paravirtualised VM.  The bytes land in one copy, not as one store: a caller
 * with another thread that may run them keeps the round trip.  0, or -errno
 * (-ENOSYS where there is no such handle; Redox plan: the proc scheme's memory
 * handle of the process itself, ptrace's way in). */
long rx_poke(uintptr_t addr, const void *bytes, size_t n);
/* As rx_poke, for [addr, addr+n) in a private file mapping whose protection is
 * prot (RX_PROT_*): each page it touches is mapped anew from lxrun's store of
 * rewritten pages, holding its bytes with these, where rx_poke copies it into
 * anonymous memory -- and a mapping with one anonymous page has every present
 * page-table entry copied at each fork and zapped at the child's exec or exit
 * (busybox sh's text: 239 a fork).  Linux: a memfd per process, each page of it
 * written once and then only mapped (MAP_PRIVATE | MAP_FIXED over the page; a
 * fork's child starts a store of its own), up to 16 MiB, then rx_poke.  Redox
 * plan: rx_poke. */
long rx_poke_page(uintptr_t addr, const void *bytes, size_t n, int prot);
/* Host-backend extensions: Redox has no madvise and no msync.  Redox plan: advice
 * is a hint, accepted and ignored, except DONTNEED (and FREE, REMOVE), which
 * zero-fills by remapping anonymous pages, DONTFORK and WIPEONFORK, which lxrun's
 * fork applies to the child's copy of the grants (unmapped, or remapped zeroed),
 * and POPULATE_*, which touch each page; msync becomes fsync of the mapped handle
 * (shared file mappings are the scheme's pages). */
enum rx_madvise {
    RX_MADV_NORMAL, RX_MADV_RANDOM, RX_MADV_SEQUENTIAL, RX_MADV_WILLNEED, RX_MADV_DONTNEED,
    RX_MADV_FREE, RX_MADV_REMOVE, RX_MADV_DONTFORK, RX_MADV_DOFORK, RX_MADV_MERGEABLE,
    RX_MADV_UNMERGEABLE, RX_MADV_HUGEPAGE, RX_MADV_NOHUGEPAGE, RX_MADV_DONTDUMP, RX_MADV_DODUMP,
    RX_MADV_WIPEONFORK, RX_MADV_KEEPONFORK, RX_MADV_COLD, RX_MADV_PAGEOUT, RX_MADV_POPULATE_READ,
    RX_MADV_POPULATE_WRITE, RX_MADV_DONTNEED_LOCKED, RX_MADV_COLLAPSE,
};
long rx_madvise(uintptr_t addr, size_t len, enum rx_madvise advice);
long rx_msync(uintptr_t addr, size_t len, int flags);

/* ---- processes and identity (redox-rt / libredox) ---- */
long rx_getpid(void);
long rx_getppid(void);
long rx_gettid(void);
/* The calling thread's id without a system call where the libc keeps it (the
 * kernel stored it as the thread was made); else rx_gettid's. */
long rx_thread_tid(void);
/* In a forked child: the pid of the process it was forked from (its parent at the
 * fork, whoever reaps it now), known without asking the system.  Host backend
 * extension (noted by rx_fork); Redox plan: the same, kept by its fork. */
long rx_forked_from(void);
long rx_getuid(void);
long rx_geteuid(void);
long rx_getgid(void);
long rx_getegid(void);
long rx_getgroups(int n, uint32_t *list);
/* The rwx bits of mode that apply to a caller of uid and gid, as the kernel's
 * generic_permission picks them (no ACLs, root not special): the owner's, else the
 * group's (gid or a supplementary group), else the others'. */
unsigned rx_mode_bits_for(uint32_t mode, uint32_t owner, uint32_t group, uint32_t uid, uint32_t gid);
/* Real, effective and saved ids (redox-rt posix_getresugid / posix_setresugid);
 * -1 leaves an id as it is.  The kernel's rules decide who may change what. */
long rx_getresuid(uint32_t ids[3]);
long rx_getresgid(uint32_t ids[3]);
long rx_setresuid(long r, long e, long s);
long rx_setresgid(long r, long e, long s);
/* Host-backend extension: Redox keeps no supplementary groups (relibc's setgroups
 * is a stub).  Redox plan: accept a root caller's list as lxrun's own record. */
long rx_setgroups(int n, const uint32_t *list);
long rx_umask(unsigned mask);
_Noreturn void rx_exit(int status);
/* A new thread of this process running fn(arg), on a stack of its own (redox-rt
 * rlct_clone_impl, as relibc's pthread_create makes threads), to be joined
 * (rx_thread_join).  Its thread id, known before it runs (the caller need not wait
 * for it to be scheduled), or -errno. */
long rx_thread_spawn(void (*fn)(void *), void *arg);
/* The calling thread's handle, and the join of a thread spawned by rx_thread_spawn
 * that is gone -- its resources reclaimed and its id free -- without waiting: 0, or
 * -EBUSY while it still runs (relibc's pthread_self, and a look at the word its
 * exit clears, as pthread_tryjoin_np).  Each thread is joined once. */
uint64_t rx_thread_self(void);
long rx_thread_join(uint64_t handle);
/* A helper thread of lxrun's own that mostly sleeps: a 64 KiB stack, kept on the
 * CPU the caller runs on (host extension: starting it there spares a VM the
 * cross-CPU wake-ups of a new thread; Redox plan: rx_thread_spawn). */
long rx_thread_spawn_small(void (*fn)(void *), void *arg);
/* redox-rt fork_impl: a copy of the calling process (address space, handles);
 * the child's pid in the parent, 0 in the child, or -errno. */
long rx_fork(void);
/* The same when the caller knows that no other thread of the process can hold
 * a lock of libc's (none runs libc code): libc's fork preparations -- its
 * handlers and the round trip of each of its locks -- are left out (host
 * extension, Linux: _Fork), which spares each side of the fork the pages those
 * writes touch, each a page copy.  Redox plan: rx_fork. */
long rx_fork_lone(void);
/* Process groups and sessions (redox-rt posix_setpgid, posix_getpgid, posix_getsid,
 * posix_setsid): Linux's semantics and errors. */
long rx_setpgid(long pid, long pgid);
long rx_getpgid(long pid);
long rx_getsid(long pid);
long rx_setsid(void);
/* Resource use (relibc getrusage: Redox reports times only, zeros elsewhere). */
struct rx_rusage {
    struct rx_timespec utime, stime;
    long maxrss_kb, minflt, majflt, inblock, oublock, nvcsw, nivcsw;
};
/* How a child changed state, as redox-rt's waitpid reports it (decoded: the
 * status word's encoding is each system's own). */
struct rx_wait_status {
    int exited, code, signaled, sig, core, stopped, continued;
    uint32_t uid;
    /* Host-backend extension: the reaped child's resource use.  Redox's waitpid
     * reports none (zeros); Redox plan: the child's proc: metadata, read before
     * the wait reaps it. */
    struct rx_rusage ru;
};
/* waitpid options: relibc sys_wait (WNOHANG 1, WUNTRACED 2, WCONTINUED 8). */
#define RX_WNOHANG 1
#define RX_WUNTRACED 2
#define RX_WCONTINUED 8
/* Host-backend extensions for waitid: leave the child waitable (WNOWAIT), and do
 * not report exits (waitid without WEXITED).  Redox's waitpid has neither.  Redox
 * plan: lxrun keeps the statuses it reaped but may not report yet, per child, and
 * answers later waits from that record. */
#define RX_WX_NOWAIT 0x100
#define RX_WX_NOEXIT 0x200
/* pid as waitpid takes it (-1 any child, 0 the caller's group, < -1 group -pid);
 * the child's pid, 0 (WNOHANG, nothing yet) or -errno. */
long rx_waitpid(long pid, struct rx_wait_status *st, int options);
long rx_sched_yield(void); /* Redox SYS_YIELD (relibc Sys::sched_yield) */
/* Sends sig (0: only checks) to a process (pid > 0), the caller's group (0), every
 * process it may signal (-1) or group -pid (redox-rt posix_kill; Redox's signal
 * numbers 1-31 are Linux's, 32-64 the host backend's only). */
long rx_kill(long pid, int sig);
/* Host-backend extension: the interval timers (Linux's setitimer: REAL raises
 * SIGALRM, VIRTUAL SIGVTALRM, PROF SIGPROF).  Redox has none; Redox plan: a timer
 * thread of lxrun's waiting on a time: handle and raising the signal itself. */
#define RX_ITIMER_REAL 0
#define RX_ITIMER_VIRTUAL 1
#define RX_ITIMER_PROF 2
struct rx_itimer { struct rx_timespec interval, value; };
long rx_setitimer(int which, const struct rx_itimer *nw, struct rx_itimer *old);
long rx_getitimer(int which, struct rx_itimer *cur);
/* Host-backend extension: per-process timers on a clock (POSIX timer_create).
 * Redox has none; Redox plan: lxrun's timer thread waits on each timer's time:
 * handle and raises the signal with rx_sigqueue (code SI_TIMER, the value),
 * counting overruns itself.  notify: a signal to the process (SIGNAL), to one of
 * its threads (THREAD_ID, tid), or nothing (NONE); ev NULL: SIGALRM with the
 * timer's id as the value. */
#define RX_SIGEV_SIGNAL 0
#define RX_SIGEV_NONE 1
#define RX_SIGEV_THREAD_ID 4
struct rx_sigevent { int notify, signo, tid; uint64_t value; };
long rx_timer_create(int clock, const struct rx_sigevent *ev); /* the timer's id */
long rx_timer_settime(int id, int absolute, const struct rx_itimer *nw, struct rx_itimer *old);
long rx_timer_gettime(int id, struct rx_itimer *cur);
long rx_timer_getoverrun(int id);
long rx_timer_delete(int id);
/* Host-backend extension: the signal the process gets when its parent ends
 * (Linux's PR_SET_PDEATHSIG; cleared in a forked child, kept across exec).  Redox
 * has none; Redox plan: lxrun waits on its parent's proc: handle in a helper
 * thread and raises the signal itself. */
long rx_set_pdeathsig(int sig);
/* Host-backend extension: how many children the calling process has (the main
 * thread's: Linux's /proc/thread-self/children, CONFIG_PROC_CHILDREN), or a
 * negative errno.  Redox plan: the process manager's list of the caller's
 * children. */
long rx_child_count(void);
/* Host-backend extension: 1 when the system has a CPU free for one more task (its
 * runnable tasks, the caller among them, no more than the CPUs the caller may run
 * on), 0 when all are taken, or a negative errno.  Linux: /proc/loadavg's count
 * of runnable tasks, which is the whole system's.  Redox plan: the scheduler's
 * count of runnable contexts (sys:context), or "free" where none is given.
 * high_fd_floor: where a handle the backend keeps for it goes (lxrun's fds). */
long rx_cpu_free(int high_fd_floor);
/* Host-backend extensions: the calling thread's timer slack (how late a timed
 * wait may end, in ns; 0 restores the default it started with) and whether it
 * may read the time-stamp counter (RX_TSC_FAULT: rdtsc raises SIGSEGV).  Redox
 * plan: the slack kept by lxrun and shown, with no effect on Redox's timers;
 * TSC control refused (EINVAL): Redox gives user space no way to fault rdtsc. */
long rx_timer_slack_get(void);
long rx_timer_slack_set(uint64_t ns);
#define RX_TSC_ALLOW 1
#define RX_TSC_FAULT 2
long rx_tsc_get(void);
long rx_tsc_set(int mode);
long rx_get_pdeathsig(int *sig);
/* Host-backend extension: orphans of the process's descendants become its
 * children instead of init's (Linux's PR_SET_CHILD_SUBREAPER; not inherited by
 * a fork, kept across exec).  Redox's process manager reparents to init only;
 * Redox plan: the manager's reparenting walks up to the nearest process marked
 * as a reaper. */
long rx_set_child_subreaper(int on);
long rx_get_child_subreaper(int *on);
/* A handle on a process that outlives it (Linux's pidfd: readable to poll once
 * the process has ended), close-on-exec.  Redox: the process's handle from the
 * process manager (redox-rt keeps one per child from fork_impl and speaks to it
 * with ProcCall); for any pid, the manager's open of that pid. */
#define RX_PIDFD_NONBLOCK 1
long rx_pidfd_open(long pid, int flags);
/* The pid a handle names: -EBADF if fd is none, -ESRCH once it was reaped. */
long rx_pidfd_pid(int fd);
/* sig (0: only checks) to the process a handle names (ProcCall::Kill on it). */
long rx_pidfd_send_signal(int fd, int sig);
/* To one thread of a process (redox-rt posix_kill_thread). */
long rx_tgkill(long pid, long tid, int sig);
/* Host-backend extension: Redox has no scheduling priorities (relibc's
 * getpriority/setpriority are stubs).  Redox plan: lxrun keeps each process's nice
 * value itself and answers from it.  which: 0 process, 1 group, 2 user (Linux's). */
long rx_getpriority(int which, long who, int *nice); /* *nice: -20..19; 0 or -errno */
long rx_setpriority(int which, long who, int nice);
/* Scheduling policies: Redox's values (relibc src/header/sched/mod.rs), which are
 * not Linux's; RX_SCHED_X_* are host-backend extensions.  Host-backend extensions
 * all: relibc's sched_* are todo!() and Redox keeps no policy, priority or
 * affinity per context.  Redox plan: every thread RX_SCHED_OTHER at priority 0
 * on every CPU; changes to anything else refused with EPERM; getcpu from the CPU
 * the context runs on (the kernel's context info); membarrier as a full fence
 * with SYS_YIELD-free IPIs unavailable (MEMBARRIER_CMD_QUERY says so). */
#define RX_SCHED_FIFO 0
#define RX_SCHED_RR 1
#define RX_SCHED_OTHER 2
#define RX_SCHED_X_BATCH 3
#define RX_SCHED_X_IDLE 5
#define RX_SCHED_X_DEADLINE 6
/* sched_setattr's record; flags and the deadline fields are Linux's. */
struct rx_sched_attr {
    int policy;
    uint64_t flags;
    int nice;
    unsigned priority;
    uint64_t runtime, deadline, period;
};
long rx_sched_getattr(long tid, struct rx_sched_attr *a);
long rx_sched_setattr(long tid, const struct rx_sched_attr *a);
long rx_sched_getscheduler(long tid, int *reset_on_fork); /* the policy */
long rx_sched_setscheduler(long tid, int policy, int prio, int reset_on_fork);
long rx_sched_getparam(long tid);                         /* the priority */
long rx_sched_setparam(long tid, int prio);
long rx_sched_priority_limit(int policy, int max);
long rx_sched_rr_interval(long tid, struct rx_timespec *ts);
/* A thread's CPU set, bit n = CPU n in words of 64: the bytes the system's set
 * takes (at most words * 8), or -errno. */
long rx_sched_getaffinity(long tid, uint64_t *mask, size_t words);
long rx_sched_setaffinity(long tid, const uint64_t *mask, size_t words);
long rx_getcpu(unsigned *cpu, unsigned *node);
long rx_membarrier(int cmd, unsigned flags, int cpu);     /* Linux's command numbers */
/* redox-rt fexec_impl: replaces the calling process with the program in handle
 * fd, given argv and envp; handles without close-on-exec stay open.  Returns only
 * on failure (-errno). */
long rx_fexec(int fd, char *const argv[], char *const envp[]);
/* A handle on lxrun's own program file (for rx_fexec), opened once, close-on-exec.
 * Host backend: /proc/self/exe.  Redox plan: the file lxrun was started from,
 * opened at start-up (Redox has no /proc), kept as lxrun's handle. */
long rx_self_exe(void);
/* Scratch memory whose contents a fork does not copy (the child finds zeros),
 * so the parent's writes after a fork need no copy of their own: for buffers
 * filled anew at each use.  NULL if none.  Host: MADV_WIPEONFORK.  Redox plan:
 * plain memory (its fork copies it). */
void *rx_alloc_unforked(size_t len);
/* The process's program was replaced in place (an exec served inside lxrun): what
 * the backend made for the old program's forks goes, as a directly started
 * program has none of it.  Host: the ring that pins lxrun's pages for forks
 * (host-linux-fork-pins.c), made again at the new program's first fork.  Redox
 * plan: nothing. */
void rx_program_replaced(void);
/* Memory a fork had better copy at once than share: a page both sides (or every
 * child) write after a fork costs a fault and a copy on its first write there.
 * Named here, it is copied into the child at the fork where the host can; memory
 * left out of forks (MADV_WIPEONFORK, as rx_alloc_unforked's) because the parent
 * writes it after every fork is then forked after all (the child finds the
 * parent's bytes, not zeros).  A hint, once per range (a few).  TLS-free.  Host:
 * pinned (host-linux-fork-pins.c).  Redox plan: nothing (its fork copies). */
void rx_fork_copies(void *addr, size_t len);

/* ---- futexes (Redox SYS_FUTEX) ---- */
/* Sleeps while *addr == val, until woken or the timeout (absolute on clock when
 * abs_clock >= 0, else relative; NULL = none).  shared: the word may be waited on
 * from other processes (memory shared across fork); Redox keys every futex by its
 * physical address, so there it changes nothing, while the host backend uses a
 * cheaper process-private futex when it is 0. */
long rx_futex_wait(uint32_t *addr, uint32_t val, const struct rx_timespec *timeout, int abs_clock, int shared);
/* Wakes up to nwake waiters on addr and moves up to nmove others to wait on addr2
 * (Redox FUTEX_REQUEUE); with cmp, only while *addr == val (-EAGAIN otherwise).
 * The number woken (and, with cmp, moved).  Redox plan for cmp: the kernel's
 * requeue takes no expected value, so the compare is the backend's, just before. */
long rx_futex_requeue(uint32_t *addr, int nwake, int nmove, uint32_t *addr2, int cmp, uint32_t val, int shared);
/* (abs_clock: an RX_CLOCK_* id, or -1 for a relative timeout) */
long rx_futex_wake(uint32_t *addr, int n, int shared);
/* Host-backend extensions: what Redox's futex lacks.  Redox plan: bitsets kept by
 * lxrun beside each waiter (a wake with bits wakes the waiters whose bits meet
 * them); WAKE_OP's change made by lxrun with an atomic instruction, then the two
 * wakes; the PI operations as the same protocol on the tid word over plain
 * WAIT/WAKE (no priority boost: Redox schedules without priorities);
 * futex_waitv as a wait on a word of the waiter's own, after checking them all,
 * which a wake of any listed word also wakes (the backend keeps waitv waiters by
 * address: every wake of a guest's or lxrun's word passes through rx_futex_wake).
 * Waking on the second word matters: a thread's end is seen through it
 * (syscalls/thread.c), and a wait on the first word alone would miss it.
 * rx_futex_wait_bits/wake_bits: rx_futex_wait/wake that only meet waiters whose
 * bits and the waker's share one. */
long rx_futex_wait_bits(uint32_t *addr, uint32_t val, const struct rx_timespec *timeout, int abs_clock, uint32_t bits,
                        int shared);
long rx_futex_wake_bits(uint32_t *addr, int n, uint32_t bits, int shared);
/* Changes *addr2 (op with arg: SET, ADD, OR, ANDN, XOR), wakes up to n on addr,
 * and, when the old *addr2 compares (cmp with cmparg) true, up to n2 on addr2. */
enum rx_futex_change { RX_FUTEX_SET, RX_FUTEX_ADD, RX_FUTEX_OR, RX_FUTEX_ANDN, RX_FUTEX_XOR };
enum rx_futex_cmp { RX_FUTEX_EQ, RX_FUTEX_NE, RX_FUTEX_LT, RX_FUTEX_LE, RX_FUTEX_GT, RX_FUTEX_GE };
struct rx_futex_wake_op { enum rx_futex_change op; uint32_t arg; enum rx_futex_cmp cmp; uint32_t cmparg; };
long rx_futex_wake_op(uint32_t *addr, int n, uint32_t *addr2, int n2, const struct rx_futex_wake_op *o, int shared);
/* A lock whose word holds its owner's tid (0 free; bit 31 waiters, bit 30 owner
 * died): LOCK takes it, sleeping until the absolute timeout on clock; TRYLOCK
 * does not sleep; UNLOCK hands it to the next waiter. */
enum rx_futex_pi { RX_FUTEX_LOCK, RX_FUTEX_TRYLOCK, RX_FUTEX_UNLOCK };
long rx_futex_pi(uint32_t *addr, enum rx_futex_pi what, const struct rx_timespec *abs_timeout, int clock, int shared);
/* Waits on addr as rx_futex_wait, to be moved onto the PI lock pi_addr (and
 * given it) by rx_futex_requeue_pi, which wakes one and moves up to nmove
 * while *addr == val. */
long rx_futex_wait_requeue_pi(uint32_t *addr, uint32_t val, const struct rx_timespec *abs_timeout, int clock,
                              uint32_t *pi_addr, int shared);
long rx_futex_requeue_pi(uint32_t *addr, int nmove, uint32_t *pi_addr, uint32_t val, int shared);
/* The calling thread's robust-futex list (Linux's set_robust_list: the list's
 * head in the thread's memory, len its size): as the thread ends, however it
 * ends, each lock on the list it still holds is marked owner-died and one waiter
 * woken.  Host-backend extension; Redox plan: lxrun walks the list itself as a
 * thread or process exits (a death by SIGKILL then leaves the locks held). */
long rx_set_robust_list(uint64_t head, size_t len);
/* Another process's (thread tid's) list head and size, where the caller may
 * inspect it (-EPERM otherwise, -ESRCH for no such thread). */
long rx_get_robust_list(long tid, uint64_t *head, size_t *len);
/* Sleeps until one of n words changes from its value or is woken (its index),
 * until the absolute timeout on clock. */
struct rx_futex_waiter { uint32_t *addr; uint32_t val; int shared; };
long rx_futex_waitv(const struct rx_futex_waiter *w, unsigned n, const struct rx_timespec *abs_timeout, int clock);

/* ---- time ----
 * Clock ids are Redox's: redox_syscall src/flag.rs (CLOCK_REALTIME 1,
 * CLOCK_MONOTONIC 4).  RX_CLOCK_X_* are host-backend extensions, clocks Redox does
 * not name; the Redox backend's plan for each is beside it. */
#define RX_CLOCK_REALTIME 1
#define RX_CLOCK_MONOTONIC 4
#define RX_CLOCK_X_PROCESS_CPUTIME 0x101  /* Redox: the context's CPU time from proc: */
#define RX_CLOCK_X_THREAD_CPUTIME 0x102   /* Redox: likewise, per thread */
#define RX_CLOCK_X_MONOTONIC_RAW 0x103    /* Redox: MONOTONIC (no clock slewing) */
#define RX_CLOCK_X_REALTIME_COARSE 0x104  /* Redox: REALTIME */
#define RX_CLOCK_X_MONOTONIC_COARSE 0x105 /* Redox: MONOTONIC */
#define RX_CLOCK_X_BOOTTIME 0x106         /* Redox: MONOTONIC (no suspend) */
#define RX_CLOCK_X_TAI 0x107              /* Redox: REALTIME (no TAI offset kept) */
long rx_clock_gettime(int clock, struct rx_timespec *ts);
/* The same read made as a system call: a fresh process's first read through the
 * host's vDSO maps its pages and the clock's data pages (three faults, ~100 us on
 * a paravirtualised VM), which a process that never reads the clock otherwise
 * pays for nothing.  Redox plan: rx_clock_gettime itself (a call there). */
long rx_clock_gettime_entry(int clock, struct rx_timespec *ts);
long rx_clock_getres(int clock, struct rx_timespec *ts);
long rx_nanosleep(int clock, int abstime, const struct rx_timespec *req,
                  struct rx_timespec *rem);

/* ---- system facts (Redox: sys:uname, sys:stat, sys:cpu …) ---- */
struct rx_sysfacts {
    char sysname[65], nodename[65], release[65], version[65], machine[65];
    uint64_t mem_total, mem_free, uptime_sec, ncpu;
};
/* Which facts to ask for (each is a call of its own on both systems); the rest
 * stay zero. */
#define RX_FACTS_NAMES 1  /* sysname … machine (Redox: sys:uname) */
#define RX_FACTS_MEMORY 2 /* mem_*, uptime_sec (Redox: sys:stat) */
#define RX_FACTS_CPUS 4   /* ncpu (Redox: sys:cpu) */
#define RX_FACTS_ALL 7
long rx_sysfacts(struct rx_sysfacts *f, unsigned want);
/* What a new program is told of the CPU, without a system call (an exec passes it
 * on): the CPU's features as the kernel reports them (AT_HWCAP, on x86 CPUID 1's
 * edx; 0: the backend does not know, and lxrun asks CPUID), what the kernel
 * enables (AT_HWCAP2: FSGSBASE…) and its signal frame size. */
struct rx_cpu_auxv { uint64_t hwcap, hwcap2, minsigstksz; };
void rx_cpu_auxv(struct rx_cpu_auxv *a);
/* The time without a call into lxrun, for the guest's vDSO (ldso/vdso.c): each
 * function runs in the guest's context, called from lxrun's vDSO image, so it uses
 * no TLS, no errno, no lock and no signal mask, writes only its out-arguments (which
 * the image owns: never guest memory), and returns 0 or -errno.  lxrun's signal
 * handling takes an instant inside one for guest code (RX_GUEST_CALLABLE).  NULL:
 * the backend has none; the image then makes the ordinary call.  On Linux the host
 * kernel's vDSO is behind each.  Redox plan: clock_gettime as the raw SYS_CLOCK_GETTIME
 * call (Redox's is not a vDSO read), getcpu NULL. */
struct rx_guest_time {
    long (*clock_gettime)(int clock, struct rx_timespec *ts);
    long (*clock_getres)(int clock, struct rx_timespec *ts);
    long (*getcpu)(unsigned *cpu, unsigned *node);
};
long rx_guest_time(struct rx_guest_time *out);
/* 1 when a system call made at pc was made inside one of those functions (the
 * host's vDSO falling back to a call): lxrun's vDSO counted it already. */
int rx_guest_time_made(uintptr_t pc);
/* The section such functions live in: a signal that lands there finds guest code.
 * They use no vector register: lxrun's counting of GUESTFS calls with a report
 * times them by clock_gettime on the guest's vector state (syscalls/dispatch.c). */
#define RX_GUEST_CALLABLE \
    __attribute__((section("lx_guest_callable"), noinline, no_stack_protector, target("general-regs-only")))
extern const char __start_lx_guest_callable[], __stop_lx_guest_callable[];
/* Small variables every fork writes on both sides (the pid cache, guestmem's lock
 * words, the rewrite counters, the thread lists, a new program's file list and
 * command line), gathered on one page of their own (the section starts on a page:
 * cmake/lxrun_fork_hot.lds; tests/design checks it stays within one): scattered over a dozen,
 * each cost a copy-on-write fault per fork and exec (sh's loop). */
#define RX_FORK_HOT __attribute__((section("lx_fork_hot")))
/* Small variables a forked child reads at each exec or call, set before (the trap
 * mode, the fast path's bit sets, the fd table's pointer, the name cache...),
 * together after the fork-hot section (cmake/lxrun_fork_hot.lds): spread over
 * lxrun's data they were eleven pages, and on a paravirtualised VM a forked
 * child's first read of each page its fork shared costs ~6 us (the hypervisor
 * fills its tables; tests/trap fork_exec_child_reads_few_pages).  Not on the
 * fork-hot page itself: pushed over its end, the main thread's SIGCHLD details,
 * which the parent writes after each fork, cost the parent a fault more. */
#define RX_EXEC_READ __attribute__((section("lx_exec_read")))
/* Larger records every exec'd child writes and its parent does not (an exec's
 * start record), after the fork-hot and exec-read sections: in lxrun's file
 * data, which is present from start-up and, where the host pins it for forks
 * (host-linux-fork-pins.c), copied into the child at the fork -- in .bss the
 * parent never touched them, and each exec'd child took a fault for its first
 * write (~12 us on a paravirtualised VM). */
#define RX_FORK_COPIED __attribute__((section("lx_fork_copied")))
/* Variables every start writes (the program's start record, the first mapping
 * table, the cache's and configuration's records, the learned file's key...):
 * in lxrun's file data too, after the fork-copied section, where the entry's
 * one populate (host-linux-start.S) maps them with the rest of the data.  In
 * .bss each first write was a fault: eleven of a static no-op's start, ~10 us
 * each on a paravirtualised VM. */
#define RX_START_WRITTEN __attribute__((section("lx_start_written")))
/* Large buffers only a report, a check or a configuration file uses, after all of
 * lxrun's other variables (.lbss follows .bss in the linker's script): among them
 * (1.7 MiB, the largest first) they spread the variables a run does write over
 * three 2 MiB page-table ranges, each copied by every fork. */
#define RX_COLD __attribute__((section(".lbss.lx_cold")))
/* Host-backend extension: where the system writes a process's core dump (Linux's
 * core_pattern: a file name, or "|program").  Redox writes no core dumps; Redox
 * plan: "core", with lxrun writing the guest's memory there itself. */
long rx_core_pattern(char *buf, size_t cap);
long rx_getrandom(void *buf, size_t len); /* "rand:" */

/* ---- terminals: a terminal is a plain handle (Redox's pty: and console
 * schemes); its state is read and written through handles derived from it,
 * dup(fd, "termios"|"winsize"|"pgrp"|"flush") (relibc src/header/sys_ioctl/redox/
 * mod.rs).  Each fails ENOTTY on a handle that is not a terminal. ---- */
long rx_termios_get(int fd, struct rx_termios *t);
long rx_termios_set(int fd, int when, const struct rx_termios *t);
long rx_winsize_get(int fd, struct rx_winsize *w);
long rx_winsize_set(int fd, const struct rx_winsize *w);
/* The terminal's foreground process group: dup(fd, "pgrp") read / write. */
long rx_tty_pgrp_get(int fd);
long rx_tty_pgrp_set(int fd, int pgid);
/* Discards queued input (RX_TTY_FLUSH_IN), output (OUT) or both: dup(fd, "flush")
 * written with the selector, which Redox's value set shares with Linux's. */
#define RX_TTY_FLUSH_IN 0
#define RX_TTY_FLUSH_OUT 1
#define RX_TTY_FLUSH_BOTH 2
long rx_tty_flush(int fd, int queue);
/* Host-backend extensions, each with the Redox plan:
 * rx_tty_drain waits until output is written (Redox: fsync of the handle, which the
 * pty scheme answers once its output queue is read); rx_tty_session is the session
 * the terminal controls (Redox: none kept; getsid of the foreground group);
 * rx_tty_claim makes it the caller's controlling terminal (steal: take it from
 * another session, as root may) and rx_tty_release gives it up (Redox has no
 * controlling terminals: relibc's TIOCSCTTY is a TODO; plan: succeed and keep the
 * claim in lxrun's process table for TIOCGSID). */
long rx_tty_drain(int fd);
long rx_tty_session(int fd);
long rx_tty_claim(int fd, int steal);
long rx_tty_release(int fd);
/* Pseudo-terminals: Redox's pty: scheme.  open("pty:") makes a master; the URL
 * its fpath gives, "pty:N", opens the slave (relibc pty/redox.rs).  Host-backend
 * extensions, each with the Redox plan: the number (Redox: parsed from the
 * master's fpath), the lock (Redox's slaves are never locked: set succeeds, get
 * reads 0), the peer (Redox: open of the master's fpath). */
long rx_pty_number(int master);
long rx_pty_lock(int master, int lock);
long rx_pty_locked(int master);
long rx_pty_peer(int master, int flags); /* flags: Redox open flags */
/* Host-backend extension: Redox has no FIONREAD.  Redox plan: fstat's size where
 * the pipe/pty scheme reports buffered bytes there, else 0. */
long rx_fionread(int fd);

/* ---- resource limits (lxrun's own process) ----
 * Resource numbers and RUSAGE_* are Redox's (relibc src/header/sys_resource/mod.rs),
 * which follow Linux's. */
#define RX_RLIMIT_STACK 3
#define RX_RLIMIT_CORE 4
#define RX_RLIMIT_NOFILE 7
#define RX_RLIMIT_NLIMITS 15
#define RX_RLIMIT_X_RTTIME 15 /* Linux's RLIMIT_RTTIME: host backend only (Redox: EINVAL) */
#define RX_RUSAGE_SELF 0
#define RX_RUSAGE_CHILDREN (-1)
#define RX_RUSAGE_THREAD 1
/* Redox keeps no kernel rlimits (relibc's getrlimit answers RLIM_INFINITY).
 * Redox plan: a table of the backend's own that setrlimit updates; lxrun itself
 * enforces RLIMIT_NOFILE (its fd floor) and RLIMIT_STACK (the loader's stack). */
long rx_getrlimit(int res, uint64_t *cur, uint64_t *max);
long rx_setrlimit(int res, uint64_t cur, uint64_t max);
long rx_getrusage(int who, struct rx_rusage *ru);

/* ---- signals (redox-rt) ----
 * Signal numbers 1-31 are Redox's (relibc src/header/signal/redox.rs), which are
 * Linux's; 32-64 (real-time) exist only in the host backend. */
/* A handler of lxrun's own for sig, calls restarted (redox-rt sigaction, SA_RESTART).
 * fn runs on whatever stack and FS were current: it may touch neither lxrun's TLS
 * nor errno. */
long rx_sigaction_catch(int sig, void (*fn)(int));
long rx_sigmask_get(uint64_t *set); /* the calling thread's blocked set, bit sig-1 (redox-rt sigprocmask) */
long rx_sigmask_set(uint64_t set);  /* replaces it (redox-rt sigprocmask SIG_SETMASK) */
long rx_sigmask_swap(uint64_t set, uint64_t *old); /* replaces it, giving the old one in the same call */
long rx_sigpending(uint64_t *set);
/* A signal as the system reports it (the fields of relibc's siginfo_t lxrun uses). */
struct rx_siginfo { int signo, code, pid; uint32_t uid; int status; uint64_t addr, value; };
/* Takes one pending signal of set off the thread's or the process's pending set,
 * waiting up to timeout (NULL: as long as it takes): its number, -EAGAIN when the
 * time ran out, -EINTR (relibc sigtimedwait). */
long rx_sigtimedwait(uint64_t set, struct rx_siginfo *info, const struct rx_timespec *timeout);
/* A signal a handler took, queued again with its info (host_info: the system's,
 * as the handler got it) to thread tid of this process, or to the process with
 * tid 0; its further handler, or rx_sigtimedwait, gets that info back through
 * rx_signal_requeued_info.  TLS-free; 0 or -errno. */
long rx_signal_requeue(int tid, int sig, const void *host_info);
/* host_info as it was first sent, if it is a requeued signal's stand-in. TLS-free. */
void rx_signal_requeued_info(void *host_info);
/* In a forked child: the system queues none of its parent's signals to it. */
void rx_signal_requeue_forked(void);
/* Queues sig with si_code code and a value, to process pid (tid 0) or to its
 * thread tid (redox-rt posix_sigqueue; Redox's queue takes the value and code). */
long rx_sigqueue(long pid, long tid, int sig, int code, uint64_t value);  /* signals pending for the thread or its process (redox-rt sigpending) */


/* ---- system counters (Redox: sys:stat, memory: statvfs, time) ---- */
struct rx_sysstat {
    uint64_t mem_total, mem_free, mem_shared, mem_buffers; /* bytes */
    uint64_t swap_total, swap_free;                        /* bytes */
    uint64_t loads[3];          /* 1, 5, 15-minute load, 16.16 fixed point; 0 if unknown */
    uint64_t nr_tasks;          /* threads in the system */
    struct rx_timespec uptime;  /* since boot */
    struct rx_timespec boot_time; /* wall-clock time of boot */
};
long rx_sysstat(struct rx_sysstat *s);

#endif

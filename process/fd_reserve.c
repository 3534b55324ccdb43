#include "fd_reserve.h"

#include "fd_table.h"
#include "../trap/fs_call.h"
#include "fs.h"
#include "process.h"

int lx_fd_floor = LX_FD_FLOOR_MIN;
int lx_fd_ceiling = 1024;
int lx_fd_limit = 1024;

void lx_fd_limit_set(int limit) { lx_fd_limit = limit; }

int lx_fd_reserve_init(int floor)
{
    uint64_t cur, max;
    if (rx_getrlimit(RX_RLIMIT_NOFILE, &cur, &max) < 0) return -1;
    if (max > (1u << 20)) max = 1u << 20;
    uint64_t soft = cur;
    if (cur < max) rx_setrlimit(RX_RLIMIT_NOFILE, max, max);
    lx_fd_ceiling = (int)max - LX_FD_RESERVED;
    if (lx_fd_ceiling <= 3) return -1;
    lx_fd_limit = soft > (uint64_t)lx_fd_ceiling ? lx_fd_ceiling : (int)soft;
    if (floor <= 0) {
        long inherited = rx_fd_highest_open(&lx_proc.path_fds); /* before lxrun opens its own */
        floor = inherited + 1 > LX_FD_FLOOR_MIN ? (int)inherited + 1 : LX_FD_FLOOR_MIN;
    }
    lx_fd_floor = floor < lx_fd_ceiling ? floor : lx_fd_ceiling;
    return 0;
}

int lx_fd_move_high(int fd)
{
    long nfd = rx_fcntl(fd, RX_F_DUPFD_CLOEXEC, lx_fd_floor);
    rx_close(fd);
    return (int)nfd;
}

/* One rise of the floor: each fd lxrun keeps below the new floor moves once,
 * however many places hold it (the trace and the -c table share one). */
struct rise {
    int floor, old_floor, err, n;
    int from[2 * LX_FD_RESERVED], to[2 * LX_FD_RESERVED];
};

static void move_one(int *fd, void *ctx)
{
    struct rise *r = ctx;
    if (*fd < r->old_floor || *fd >= r->floor) return;
    for (int i = 0; i < r->n; i++)
        if (r->from[i] == *fd) { *fd = r->to[i]; return; }
    long fl = rx_fcntl(*fd, RX_F_GETFD, 0);
    long nfd = fl < 0 ? fl : rx_fcntl(*fd, (fl & RX_FD_CLOEXEC) ? RX_F_DUPFD_CLOEXEC : RX_F_DUPFD, r->floor);
    if (nfd < 0 || r->n == 2 * LX_FD_RESERVED) { r->err = 1; return; }
    r->from[r->n] = *fd;
    r->to[r->n++] = (int)nfd;
    *fd = (int)nfd;
}

/* Every place an fd of lxrun's is kept. */
static void each_own_fd(void (*each)(int *fd, void *ctx), void *ctx)
{
    struct lx_options *o = &lx_proc.opts;
    int *opts[] = { &o->trace.fd, &o->report.summary_fd, &o->report.json_fd, &o->report.session_fd, &o->ptable_fd };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) each(opts[i], ctx);
    for (int i = 0; i < lx_fs.nmounts; i++) each(&lx_fs.mounts[i].fd, ctx);
    if (lx_proc.vfork_parent.active) each(&lx_proc.vfork_parent.fd, ctx); /* a vfork child's way to its parent */
    if (lx_proc.vfork_waiting.active) each(&lx_proc.vfork_waiting.fd, ctx);
    lx_fd_table_peers(each, ctx);
    rx_backend_own_fds(each, ctx);
}

static long rise_floor(void *fdp)
{
    int fd = (int)(long)fdp;
    static int lock_word; /* two threads may reach the floor at once: one rise at a time */
    static struct rise r;
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
    if (fd < lx_fd_floor) { /* the other thread's rise made the room */
        __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
        return 0;
    }
    r = (struct rise){ .old_floor = lx_fd_floor, .floor = 2 * lx_fd_floor };
    if (r.floor <= fd) r.floor = fd + 1;
    if (r.floor > lx_fd_ceiling) r.floor = lx_fd_ceiling;
    each_own_fd(move_one, &r);
    for (int i = 0; i < r.n; i++) rx_close(r.from[i]); /* no holder names them now */
    if (!r.err) __atomic_store_n(&lx_fd_floor, r.floor, __ATOMIC_RELEASE); /* else: those moved stay moved */
    __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
    return r.err ? -EMFILE : 0;
}

int lx_fd_make_room(int fd)
{
    if (fd < lx_fd_floor) return 0;
    if (fd >= lx_fd_ceiling) return -EMFILE;
    return (int)lx_fs_call(rise_floor, (void *)(long)fd); /* rare: the guest reached the floor */
}

static long settle(void *fdp)
{
    long fd = (long)fdp;
    int old = lx_fd_floor;
    if (lx_fd_make_room((int)fd) < 0) {
        rx_close((int)fd);
        return -EMFILE;
    }
    long fl = rx_fcntl((int)fd, RX_F_GETFD, 0);
    long low = fl < 0 ? fl : rx_fcntl((int)fd, (fl & RX_FD_CLOEXEC) ? RX_F_DUPFD_CLOEXEC : RX_F_DUPFD, old);
    if (low < 0) return fd;
    if (low < fd) {
        rx_close((int)fd);
        return low;
    }
    rx_close((int)low);
    return fd;
}

long lx_fd_settle(long fd) { return lx_fs_call(settle, (void *)fd); }

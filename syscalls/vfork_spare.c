/* vfork_spare.c — a vfork window's waiting child, made ahead.
 *
 * A shell's vfork+exec costs lxrun a fork of itself (vfork_window.c: the guest's
 * memory left out), ~43 us of the parent's time an iteration of sh's loop on an
 * FSGSBASE Xeon, where the native vfork costs ~10.  Made right after the last
 * child took its exec -- while that child runs on the other CPU and the parent
 * only waits for it -- the next window's child is ready when the shell forks
 * again.  It is a copy of the process from before, so what could differ is sent
 * when it is taken, or makes it no copy:
 * - the guest's fds: it keeps none (a pipe's end held would keep its reader from
 *   seeing the end, a lock's description the lock): it closes them first thing
 *   and says so, and its parent waits to hear it before it closes an fd (its
 *   exit kills it; the shell meanwhile waits for its child: the spare runs then); they
 *   come over the socket when it is taken (SCM_RIGHTS, their
 *   numbers and close-on-exec flags), unless one is more than a handle to lxrun
 *   (fd_table.h) or there are more than one message carries;
 * - its process group: its own while it waits (the group's signals and waits are
 *   not for it), the parent's when taken;
 * - the rest a fork copies and an exec keeps (cwd, umask, ids, limits, groups,
 *   capabilities, priorities, personality, prctl's settings): a call that changes
 *   one (its line says FORKSTATE) makes the spare no copy, as does a rise of
 *   lxrun's fd floor (fd_reserve.h), and it goes when next wanted.  The blocked set and dispositions go with the exec as for any waiting
 *   child.
 * Until taken it is no child of the guest's: it is not in the process table, and
 * a wait for any child answers ECHILD when it is the only one (lxrun counts the
 * children, the count read once from the system when the first spare is made, and
 * again after SIGCHLD was ignored); the system's report of it (killed or stopped
 * from outside) makes it go and the wait is made again.  The parent's exit or
 * exit_group kills and reaps it first (an orphan's zombie waits for init, which a
 * container's may never reap: LTP's runner waited a second a test for them); a
 * parent killed outright takes it along (PR_SET_PDEATHSIG, cleared once taken). */
#include "vfork_spare.h"

#include <string.h>

#include "../abi/linux_sched.h"
#include "../abi/linux_signal.h"
#include "../process/fd_reserve.h"
#include "../process/fd_table.h"
#include "../report/report.h"
#include "../report/trace.h"
#include "../trap/fs_call.h"
#include "../trap/trap.h"
#include "handler.h"
#include "process.h"
#include "spare_trial.h"
#include "thread.h"

/* What goes with the spare's first message: its pgid and start, then per fd its
 * number and close-on-exec flag; the fds themselves as SCM_RIGHTS. */
#define SPARE_FDS_MAX 250
struct activation {
    int pgid, nfds;
    uint64_t start_cs;
    int fd[SPARE_FDS_MAX];
    uint8_t cloexec[SPARE_FDS_MAX];
};

static int spare_pid RX_FORK_HOT, spare_fd RX_FORK_HOT = -1, spare_stale RX_FORK_HOT;
static int spare_floor RX_FORK_HOT; /* lxrun's fd floor as the spare was made: its own fds are above it */
static int children RX_FORK_HOT; /* as counted since the last reading (counted) */
static int counted RX_FORK_HOT;  /* children is right: read from the system since SIGCHLD was last ignored */

void lx_vfork_spare_child_made(void) { children++; }
void lx_vfork_spare_child_reaped(void)
{
    if (children > 0) children--;
}

int lx_vfork_spare_pid(void) { return spare_pid; }

__attribute__((no_stack_protector)) void lx_vfork_spare_stale(void)
{
    if (spare_pid) spare_stale = 1;
}

int lx_vfork_spare_wanted(void)
{
    if (!lx_proc.opts.spare_child || spare_pid || lx_trace.on || lx_report.observe || lx_threads_ever() ||
        lx_proc.sigactions[LINUX_SIGCHLD].handler == LINUX_SIG_IGN)
        return 0;
    /* Auto: a spare only where a CPU is free to make it while the last child runs.
     * On a busy system its fork and wake-ups take the CPU from the child and the
     * shell: dash's loop of /bin/true beside one CPU-bound process was 1.37x native
     * with spares and 1.12x without; on an idle one 1.04x with, 1.24x without
     * (design-notes, thirtieth session). */
    if (lx_proc.opts.spare_child == LX_SPARE_AUTO && (!lx_spare_trial_wants() || rx_cpu_free(lx_fd_floor) == 0))
        return 0;
    if (!counted) {
        long n = rx_child_count();
        if (n < 0) return 0; /* unknown: no spare, whose waits would need the count */
        children = (int)n, counted = 1;
    }
    return 1;
}

int lx_vfork_spare_unready RX_FORK_HOT;

void lx_vfork_spare_keep(int pid, int fd)
{
    spare_pid = pid, spare_fd = fd, spare_stale = 0, spare_floor = lx_fd_floor;
    lx_vfork_spare_unready = 1;
    lx_spare_trial_made();
}

void lx_vfork_spare_window_exec(const char *path, const char *argv, size_t argv_len)
{
    if (lx_proc.opts.spare_child != LX_SPARE_AUTO || lx_spare_trial_choice() >= 0) return;
    struct rx_timespec t;
    if (rx_clock_gettime_entry(RX_CLOCK_MONOTONIC, &t) < 0) return; /* a fork's child: the vDSO's page not yet its own */
    uint64_t sig = lx_bytes_hash(path, strlen(path)) * 31 ^ lx_bytes_hash(argv, argv_len);
    lx_spare_trial_exec(sig, t.sec * 1000000000LL + t.nsec);
}

/* On lxrun's FS: close and exit come here from the guest's. */
static long settle(void *unused)
{
    (void)unused;
    char ready;
    long r;
    while ((r = rx_read(spare_fd, &ready, 1)) == -EINTR) {}
    lx_vfork_spare_unready = 0;
    if (r != 1) lx_vfork_spare_drop(); /* it went before it was ready */
    return 0;
}

void lx_vfork_spare_settle(void)
{
    if (spare_pid && lx_vfork_spare_unready) lx_fs_call(settle, NULL);
}

/* A child reaped without a trace: its SIGCHLD taken back (held on the host from
 * before its end is asked for -- its socket closed, or SIGKILL -- since the trap's
 * handler may run with it open) unless another child's is merged in it. */
void lx_child_reap_unseen(int pid, int fd, int kill)
{
    uint64_t mask;
    int held = rx_sigmask_get(&mask) == 0 && rx_sigmask_set(mask | LINUX_SIGBIT(LINUX_SIGCHLD)) == 0;
    if (fd >= 0) rx_close(fd);
    if (kill) rx_kill(pid, LINUX_SIGKILL);
    struct rx_wait_status st;
    long r;
    while ((r = rx_waitpid(pid, &st, 0)) == -EINTR) {}
    struct rx_siginfo si;
    struct rx_timespec zero = { 0, 0 };
    int took = rx_sigtimedwait(LINUX_SIGBIT(LINUX_SIGCHLD), &si, &zero) == LINUX_SIGCHLD;
    int others = took && si.pid != pid;
    if (took && !others) others = rx_waitpid(-1, &st, RX_WNOHANG | RX_WX_NOWAIT) > 0;
    if (others) rx_sigqueue(rx_getpid(), 0, LINUX_SIGCHLD, si.pid != pid ? si.code : LINUX_CLD_EXITED, 0);
    if (held) rx_sigmask_set(mask);
}

/* On lxrun's FS (libc's errno and TLS): waits and rt_sigaction come here from
 * the guest's. */
static long drop(void *unused)
{
    (void)unused;
    int pid = spare_pid, fd = spare_fd;
    spare_pid = 0, spare_fd = -1, lx_vfork_spare_unready = 0;
    lx_child_reap_unseen(pid, fd, 1);
    return 0;
}

void lx_vfork_spare_drop(void)
{
    if (spare_pid) lx_fs_call(drop, NULL);
}


void lx_vfork_spare_forked(void)
{
    if (spare_fd >= 0) rx_close(spare_fd); /* the parent's spare's socket: not this process's */
    spare_pid = 0, spare_fd = -1, spare_stale = 0, lx_vfork_spare_unready = 0;
    children = 0;
    counted = lx_proc.sigactions[LINUX_SIGCHLD].handler != LINUX_SIG_IGN;
    lx_spare_trial_forked();
}

void lx_vfork_spare_sigchld_ignored(void)
{
    counted = 0;
    lx_vfork_spare_drop();
}

long lx_vfork_spare_wait_first(void)
{
    return spare_pid && counted && children == 0 ? -ECHILD : 0;
}

/* The parent's side of the taking: the guest's fds, its pgid and the start
 * time go over; the spare enters the process table. */
int lx_vfork_spare_take(int *pid, int *fd)
{
    lx_vfork_spare_settle();
    if (!spare_pid) return 0;
    /* on a page of the parent's own (MADV_WIPEONFORK): its writes there copy no
     * page shared with the spare made after */
    static struct activation *a;
    /* a floor risen since: the guest's fds may take numbers the spare's own hold */
    if (spare_stale || spare_floor != lx_fd_floor || (!a && !(a = rx_alloc_unforked(sizeof *a)))) {
        lx_vfork_spare_drop();
        return 0;
    }
    long n = rx_fds_open(lx_fd_floor, lx_proc.path_fds, a->fd, SPARE_FDS_MAX);
    int ok = n >= 0 && n < SPARE_FDS_MAX;
    for (long i = 0; ok && i < n; i++) {
        long fl = rx_fcntl(a->fd[i], RX_F_GETFD, 0);
        ok = fl >= 0 && !lx_fd_get(a->fd[i]);
        a->cloexec[i] = fl > 0 && (fl & RX_FD_CLOEXEC);
    }
    if (!ok) {
        lx_vfork_spare_drop();
        return 0;
    }
    a->nfds = (int)n;
    a->pgid = (int)rx_getpgid(0);
    a->start_cs = lx_process_fork_time();
    struct rx_iovec iov = { a, sizeof *a };
    struct rx_msg m = { .iov = &iov, .iovlen = 1, .fds = a->fd, .nfds = (int)n };
    long r;
    while ((r = rx_sock_sendmsg(spare_fd, &m, RX_MSG_X_NOSIGNAL)) == -EINTR) {}
    if (r != (long)sizeof *a) {
        lx_vfork_spare_drop();
        return 0;
    }
    lx_process_child(spare_pid, a->start_cs);
    children++;
    *pid = spare_pid, *fd = spare_fd;
    spare_pid = 0, spare_fd = -1;
    return 1;
}

/* Whether each fd received, in order, is at or below its own number (the usual
 * case: the spare keeps no fd below the floor, so they came as 0, 1, 2...). */
static int fds_below_own(const struct activation *a, const int *got, int n)
{
    for (int i = 0; i < n; i++)
        if (got[i] < 0 || got[i] > a->fd[i] || (i && (got[i] <= got[i - 1] || a->fd[i] <= a->fd[i - 1]))) return 0;
    return 1;
}

/* The received fds (at the lowest free numbers) moved to their own.  When each
 * is at or below its own (fds_below_own), from the highest down: each target is
 * free then (a lower received one is below it, a higher one moved already) and
 * no received one is needed after its move -- two calls a moved fd, none for one
 * in place.  Else first out of the way, above every number they take, then each
 * to its place. */
static void fds_place(const struct activation *a, int *got, int n)
{
    if (fds_below_own(a, got, n)) {
        for (int i = n - 1; i >= 0; i--) {
            long r = got[i] == a->fd[i] ? (a->cloexec[i] ? rx_fcntl(got[i], RX_F_SETFD, RX_FD_CLOEXEC) : 0)
                                        : rx_dup2(got[i], a->fd[i], a->cloexec[i]);
            if (r < 0) rx_kill(rx_getpid(), LINUX_SIGKILL);
            if (got[i] != a->fd[i]) rx_close(got[i]);
        }
        return;
    }
    int top = 0;
    for (int i = 0; i < a->nfds; i++)
        if (a->fd[i] >= top) top = a->fd[i] + 1;
    for (int i = 0; i < n; i++) {
        long moved = rx_fcntl(got[i], RX_F_DUPFD_CLOEXEC, top);
        rx_close(got[i]);
        got[i] = (int)moved;
    }
    for (int i = 0; i < n; i++) {
        if (got[i] < 0 || rx_dup2(got[i], a->fd[i], a->cloexec[i]) < 0) rx_kill(rx_getpid(), LINUX_SIGKILL);
        rx_close(got[i]);
    }
}

/* What a waiting child receives from its parent: a spare's activation (a taken
 * spare's guest fds, as they came: fds_place), then the window's messages
 * (vfork_window.c's room).  From a page's start, the activation and an exec's
 * message (dispositions and request: ~3.5 KiB for a shell's command) lie on two
 * pages, each a copy-on-write fault in the child; apart in .bss they were three
 * (and the old dispositions' copy a fourth).  The taken spare knows its fds
 * until a call of the window's may change them (lx_vfork_spare_fds_changed), and
 * its exec's close-on-exec pass then needs no look at the system's table (two
 * polls of every number below the fd floor and a flag read per fd open: 7 calls
 * of each child of sh's loop). */
static struct {
    struct activation taken;
    char room[16 * 1024];
} receive __attribute__((aligned(4096)));
_Static_assert(sizeof(struct activation) + 3584 <= 2 * 4096, "an activation and a 3.5 KiB message on two pages");

char *lx_vfork_receive_room(size_t *cap)
{
    *cap = sizeof receive.room;
    return receive.room;
}
static int taken_known RX_FORK_HOT; /* read by every exec: on the page a forked child writes anyway */

void lx_vfork_spare_fds_changed(void) { taken_known = 0; }

int lx_vfork_spare_close_on_exec(void)
{
    if (!taken_known) return 0;
    taken_known = 0;
    const struct activation *a = &receive.taken;
    for (int i = 0; i < a->nfds; i++)
        if (a->cloexec[i] && rx_close(a->fd[i]) == 0) lx_fd_release(a->fd[i]);
    return 1;
}

void lx_vfork_spare_child_wait(int fd)
{
    int parent = (int)rx_getppid();
    rx_close_range(0, lx_fd_floor - 1, 0);
    lx_fd_release_range(0, (unsigned)lx_fd_floor - 1);
    rx_setpgid(0, 0);
    uint64_t mask;
    rx_sigmask_get(&mask);
    rx_sigmask_set(~0ULL);
    if (rx_set_pdeathsig(LINUX_SIGKILL) < 0 || rx_getppid() != parent) rx_exit(0);
    /* the parent waits for this before it closes an fd (its exit kills it): until
     * now the spare held copies of the guest's fds (a lock's, a pipe's end) */
    char ready = 1;
    if (rx_write(fd, &ready, 1) != 1) rx_exit(0);
    struct activation *a = &receive.taken;
    int got[SPARE_FDS_MAX];
    struct rx_iovec iov = { a, sizeof *a };
    struct rx_msg m = { .iov = &iov, .iovlen = 1, .fds = got, .nfds = SPARE_FDS_MAX };
    long r;
    while ((r = rx_sock_recvmsg(fd, &m, 0)) == -EINTR) {}
    if (r != (long)sizeof *a || m.nfds != a->nfds) rx_exit(0); /* dropped: the parent reaps it unseen */
    fds_place(a, got, m.nfds);
    taken_known = 1;
    /* a failure now would leave a child the guest sees behaving otherwise: none
     * is expected (same session, same limits), and one ends it visibly */
    if (rx_setpgid(0, a->pgid) < 0 || rx_set_pdeathsig(0) < 0) rx_kill(rx_getpid(), LINUX_SIGKILL);
    lx_process_forked(a->start_cs);
    uint64_t pending;
    struct rx_timespec zero = { 0, 0 };
    struct rx_siginfo si;
    while (rx_sigpending(&pending) == 0 && pending && rx_sigtimedwait(pending, &si, &zero) > 0) {}
    rx_sigmask_set(mask);
}

/* exec.c — handles: execve, execveat.  Everything Linux checks before the point
 * of no return is checked here, in the caller (or, for a vfork window's exec, by
 * its waiting child, which answers with the errno), so that a file that cannot
 * run fails with Linux's errno and the caller goes on.  Then the new program is loaded
 * into this very lxrun (exec_here.c) when the caller is the process's only
 * thread; otherwise it runs in a new lxrun (DESIGN invariant 6): lxrun
 * re-executes its own file with the process's state in a handover file
 * (process/handover.h), and the system ends the other threads. */
#include <stdlib.h>

#include "../abi/linux_errno.h"
#include "../abi/linux_fcntl.h"
#include "../abi/linux_sys.h"
#include "../loader/exec.h"
#include "../process/handover.h"
#include "../report/report.h"
#include "../report/trace.h"
#include "exec_here.h"
#include "handler.h"
#include "process.h"
#include "vfork_spare.h"
#include "vfork_window.h"

/* A guest argv or envp as one block of NUL-terminated strings (the form the
 * handover's environment record and the new command line both take): in room
 * the caller gives, or on the heap once they outgrow it. */
struct strblock { char *buf; size_t len, cap; int n, heap; };

/* Frees a block on the heap; the record is written only then (strblock_in starts
 * every field afresh). */
static void strblock_done(struct strblock *s)
{
    if (!s->heap) return;
    free(s->buf);
    s->heap = 0;
}

/* Copies in a guest string vector (NULL: empty, as Linux takes it), each string
 * straight into the block, which starts in room and grows when one does not fit;
 * a string's bytes are written only where they differ. */
static long strblock_fill(uint64_t guest, struct strblock *s)
{
    for (; guest; guest += 8) {
        uint64_t p;
        if (GM_GET(p, guest) < 0) return -EFAULT;
        if (!p) break;
        long n;
        for (;;) {
            size_t left = s->cap - s->len, most = left < LINUX_MAX_ARG_STRLEN ? left : LINUX_MAX_ARG_STRLEN;
            n = left ? gm_string_in_over(s->buf + s->len, p, most) : -ENAMETOOLONG;
            if (n != -ENAMETOOLONG || left >= LINUX_MAX_ARG_STRLEN) break;
            size_t cap = s->cap > 2048 ? s->cap * 2 : 4096;
            char *nb = s->heap ? realloc(s->buf, cap) : malloc(cap);
            if (!nb) return -ENOMEM;
            if (!s->heap) memcpy(nb, s->buf, s->len);
            s->buf = nb, s->cap = cap, s->heap = 1;
        }
        if (n < 0) return n == -ENAMETOOLONG ? -E2BIG : n;
        s->len += (size_t)n + 1;
        s->n++;
    }
    return 0;
}

/* strblock_fill into room, the record *out written only if it differs (exec's
 * request is built in the same place before each fork: see exec_request). */
static long strblock_in(uint64_t guest, struct strblock *out, char *room, size_t room_cap)
{
    struct strblock s = { .buf = room, .cap = room_cap };
    long r = strblock_fill(guest, &s);
    if (memcmp(out, &s, sizeof s)) *out = s;
    return r;
}

/* What the strings cost against Linux's limit: their bytes and their pointers. */
static size_t strblock_cost(const struct strblock *s) { return s->len + (size_t)s->n * sizeof(char *); }

/* Linux's bound on argv+envp: a quarter of the stack limit, at least ARG_MAX. */
static size_t args_limit(void)
{
    uint64_t cur, max;
    if (lx_guest_rlimit(LINUX_RLIMIT_STACK, &cur, &max) < 0) return LINUX_ARG_MAX;
    uint64_t l = cur / 4 < (6ULL << 20) ? cur / 4 : (6ULL << 20);
    return l < LINUX_ARG_MAX ? LINUX_ARG_MAX : (size_t)l;
}

/* One page holds what an exec writes of it when its strings are short (each
 * page written is a page copy for one side of a fork): the short fields, then
 * path, execfn, argv's and envp's strings packed one after the other in names. */
#define EXECFN_MAX (PATH_MAX + 32)
#define STRINGS_ROOM (16 * 1024)
#define SET_IF_CHANGED(field, value)                \
    do {                                            \
        __typeof__(field) v_ = (value);             \
        if ((field) != v_) (field) = v_;            \
    } while (0)

struct exec_req {
    int dirfd;               /* RX_AT_CWD, or lxrun's copy of the guest's dirfd */
    struct strblock argv, envp;
    struct lx_image_kept *kept; /* the files checked, for an exec in this lxrun or its fork
                                   (do_exec's kept_files); NULL: none, each opened by the load */
    char *path, *execfn;     /* in names: path, then execfn (room for EXECFN_MAX) */
    /* a waiting child's (lx_exec_requested): on the page of the head, which its
     * exec writes anyway (apart in .bss: a page more, a fault in every exec'd child) */
    struct lx_image_kept own_kept;
    char names[PATH_MAX + EXECFN_MAX + STRINGS_ROOM];
} __attribute__((aligned(4096)));
_Static_assert(offsetof(struct exec_req, names) <= 4096, "the head and own_kept on the request's first page");

static void clear_cloexec(const int *fds, int n, int on)
{
    for (int i = 0; i < n; i++) rx_fcntl(fds[i], RX_F_SETFD, on ? RX_FD_CLOEXEC : 0);
}

/* The state the next lxrun needs, its command line, and the exec itself.
 * Returns only on failure. */
static long reenter_lxrun(struct lx_call *c, struct exec_req *q)
{
    lx_vfork_spare_drop(); /* the next lxrun would not know it */
    struct lx_handover h = { 0 };
    lx_process_handover_put(&h);
    if (lx_report.observe) lx_record_handover_put(&h);
    lx_ho_put(&h, LX_HO_EXECFN, q->execfn, strlen(q->execfn) + 1);
    if (q->dirfd != RX_AT_CWD) lx_ho_put(&h, LX_HO_EXEC_DIRFD, &q->dirfd, sizeof q->dirfd);
    lx_ho_put(&h, LX_HO_ENV, q->envp.buf, q->envp.len);
    long hfd = lx_ho_send(&h);
    free(h.data);
    if (hfd < 0) return hfd;
    hfd = lx_fd_move_high((int)hfd);
    if (hfd < 0) return hfd;

    char opt[32];
    snprintf(opt, sizeof opt, "--handover=%ld,%d", hfd, lx_fd_floor); /* the next lxrun's floor */
    char **argv = calloc((size_t)q->argv.n + 5, sizeof *argv);
    if (!argv) { rx_close((int)hfd); return -ENOMEM; }
    int k = 0;
    argv[k++] = "lxrun";
    argv[k++] = opt;
    argv[k++] = "--";
    argv[k++] = q->path;
    /* Linux gives a program started with an empty argv one empty argument. */
    if (q->argv.n == 0) argv[k++] = "";
    for (char *a = q->argv.buf; a < q->argv.buf + q->argv.len; a += strlen(a) + 1) argv[k++] = a;
    argv[k] = NULL;

    int keep[LX_HO_MAX_FDS];
    int nkeep = lx_process_handover_fds(keep, LX_HO_MAX_FDS - 2);
    keep[nkeep++] = (int)hfd;
    if (q->dirfd != RX_AT_CWD) keep[nkeep++] = q->dirfd;
    clear_cloexec(keep, nkeep, 0);
    /* The new program starts with the guest's blocked set as the real one. */
    uint64_t handler_mask;
    rx_sigmask_swap(c->task->sigmask, &handler_mask);
    static char *const no_env[] = { NULL };
    long r = rx_fexec((int)rx_self_exe(), argv, no_env);
    rx_sigmask_set(handler_mask);
    clear_cloexec(keep, nkeep, 1);
    rx_close((int)hfd);
    free(argv);
    return r;
}

/* The request's strings as the vectors the loader takes, on the stack when
 * they are short (no allocation in a fork's child), then go(c, program): the
 * exec in place, or the window's fork that makes it. */
#define VECTORS_ON_STACK 256

static long with_program(struct lx_call *c, struct exec_req *q, long (*go)(struct lx_call *, const struct lx_program *))
{
    char *empty = "";
    size_t na = (size_t)q->argv.n + 1 + (q->argv.n == 0), ne = (size_t)q->envp.n + 1;
    int small = na + ne <= VECTORS_ON_STACK;
    char *on_stack[small ? na + ne : 1];
    char **argv = small ? on_stack : calloc(na, sizeof *argv);
    char **envp = small ? on_stack + na : calloc(ne, sizeof *envp);
    long r = -ENOMEM;
    if (argv && envp) {
        int k = 0;
        for (char *a = q->argv.buf; a && a < q->argv.buf + q->argv.len; a += strlen(a) + 1) argv[k++] = a;
        if (k == 0) argv[k++] = empty; /* Linux gives an empty argv one empty argument */
        argv[k] = NULL;
        int j = 0;
        for (char *e = q->envp.buf; e && e < q->envp.buf + q->envp.len; e += strlen(e) + 1) envp[j++] = e;
        envp[j] = NULL;
        struct lx_program p = { .prog = q->path, .execfn = q->execfn, .dirfd = q->dirfd, .argc = k, .argv = argv,
                                .envp = envp, .kept = q->kept, .in_place = 1 };
        r = go(c, &p);
    }
    if (!small) {
        free(argv);
        free(envp);
    }
    return r;
}

static long exec_here(struct lx_call *c, struct exec_req *q) { return with_program(c, q, lx_exec_here); }

/* A vfork child's exec, its code running on the parent's thread: the request
 * goes to the waiting child (vfork_window.c), packed as path, execfn, then each
 * string block as its count, its length and its bytes. */
static void pack(char **at, const void *p, size_t n)
{
    memcpy(*at, p, n);
    *at += n;
}

static void pack_block(char **at, const struct strblock *b)
{
    uint32_t head[2] = { (uint32_t)b->n, (uint32_t)b->len };
    pack(at, head, sizeof head);
    if (b->len) pack(at, b->buf, b->len);
}

/* In the window's fork: the program's vectors were made before it, so nothing
 * fails before the exec's point of no return (lx_exec_here). */
static long exec_in_fork(struct lx_call *c, void *p) { return lx_exec_here(c, p); }
static long window_exec(struct lx_call *c, const struct lx_program *p)
{
    return lx_vfork_window_exec_in_fork(c, exec_in_fork, (void *)p);
}

#define PACK_ROOM (64 * 1024)
static long exec_by_window(struct lx_call *c, struct exec_req *q)
{
    if (q->dirfd != RX_AT_CWD) return LX_EXEC_DECLINED; /* a handle of this process's */
    if (!lx_vfork_window_has_child()) return with_program(c, q, window_exec);
    size_t pl = strlen(q->path) + 1, el = strlen(q->execfn) + 1;
    size_t len = pl + el + 16 + q->argv.len + q->envp.len;
    /* packed on pages of this process's own (MADV_WIPEONFORK) when it fits: the
     * waiting child may be a spare made before, whose pages the heap's share */
    static char *own_room;
    if (!own_room) own_room = rx_alloc_unforked(PACK_ROOM);
    char *req = own_room && len <= PACK_ROOM ? own_room : malloc(len), *at = req;
    if (!req) return -ENOMEM;
    pack(&at, q->path, pl);
    pack(&at, q->execfn, el);
    pack_block(&at, &q->argv);
    pack_block(&at, &q->envp);
    long r = lx_vfork_window_exec(c, req, len);
    if (req != own_room) free(req);
    return r;
}

static int unpack_block(const char **at, const char *end, struct strblock *b)
{
    uint32_t head[2];
    if ((size_t)(end - *at) < sizeof head) return -1;
    memcpy(head, *at, sizeof head);
    *at += sizeof head;
    if ((size_t)(end - *at) < head[1] || (head[1] && (*at)[head[1] - 1])) return -1;
    b->buf = (char *)*at, b->len = b->cap = head[1], b->n = (int)head[0];
    *at += head[1];
    return 0;
}

static int unpack_string(const char **at, const char *end, char *out, size_t room)
{
    size_t n = strnlen(*at, (size_t)(end - *at));
    if (n == (size_t)(end - *at) || n >= room) return -1;
    memcpy(out, *at, n + 1);
    *at += n + 1;
    return 0;
}

long lx_exec_requested(struct lx_call *c, const char *req, size_t len)
{
    static struct exec_req q;
    const char *at = req, *end = req + len;
    q.dirfd = RX_AT_CWD;
    q.kept = &q.own_kept; /* the checks' handles, which the load takes */
    q.path = q.names;
    if (unpack_string(&at, end, q.path, PATH_MAX) < 0) return -EINVAL;
    q.execfn = q.path + strlen(q.path) + 1;
    if (unpack_string(&at, end, q.execfn, EXECFN_MAX) < 0 || unpack_block(&at, end, &q.argv) < 0 ||
        unpack_block(&at, end, &q.envp) < 0)
        return -EINVAL;
    /* the parent's thread left the files to this process (by_waiting_child) */
    struct lx_exec_error err;
    q.own_kept.floor = lx_fd_floor;
    if (lx_exec_probe(q.dirfd, q.path, q.kept, &err) < 0) return -err.errnum;
    return exec_here(c, &q); /* the blocks stay the caller's */
}

/* A path through /proc or /dev/fd names what it names in the caller (its
 * /proc/self/exe, its fd N): the file is opened here and handed over as a handle,
 * as the next lxrun would resolve such a path in a process of its own. */
static int is_magic_path(const char *path) { return !strncmp(path, "/proc/", 6) || !strncmp(path, "/dev/fd/", 8); }

/* Not inlined: its frame (a struct lx_path, 8 KiB) would deepen every exec's
 * stack by two pages, each a page copy after a fork. */
static __attribute__((noinline)) long open_magic_path(struct exec_req *q, int dirfd, uint64_t path)
{
    struct lx_path p;
    long r = lx_path_arg(path, dirfd, &p);
    if (r < 0) return r;
    long fd = vfs_open(&p.t, RX_O_PATH | RX_O_CLOEXEC, 0);
    if (fd < 0) return fd;
    long high = lx_fd_move_high((int)fd);
    if (high < 0) return high;
    if (q->dirfd != RX_AT_CWD) rx_close(q->dirfd);
    q->dirfd = (int)high;
    q->path[0] = 0;
    return 0;
}

/* Whether the files checked are kept for the load: not for a new lxrun (it
 * opens them itself) nor for a vfork child's exec with a directory handle (a
 * fork that takes over makes it).  An exec sent to a waiting child is checked
 * there (by_waiting_child). */
static int keeps_files(const struct lx_call *c, const struct exec_req *q)
{
    if (!lx_exec_here_possible(c)) return 0;
    return !lx_vfork_window_open || q->dirfd == RX_AT_CWD;
}

/* Whether a vfork window's exec goes to its waiting child (the spare taken at the
 * vfork, or one made for the child's earlier calls): that child then checks the
 * files itself and answers with the errno, which takes the checks' opens and
 * reads off the parent's way (it waits for them anyway). */
static int by_waiting_child(const struct exec_req *q)
{
    return lx_vfork_window_open && q->dirfd == RX_AT_CWD && lx_vfork_window_has_child();
}

/* Copies in and checks everything, or all but the files when a waiting child
 * checks them (by_waiting_child); 0 when q is ready to run. */
static long exec_request(struct lx_call *c, int dirfd, uint64_t path, uint64_t argv, uint64_t envp, int flags,
                         struct exec_req *q)
{
    /* Each field written only where it differs: a shell's lxrun builds the request
     * here before each fork, and a write to the page the last fork left
     * write-protected is a copy (a fault, ~18 us on a paravirtualised VM) for a
     * request that repeats (gm_string_in_over, strblock_in). */
    SET_IF_CHANGED(q->dirfd, RX_AT_CWD);
    SET_IF_CHANGED(q->path, q->names); /* execfn follows it, once it is read */
    if (flags & ~(LINUX_AT_EMPTY_PATH | LINUX_AT_SYMLINK_NOFOLLOW)) return -EINVAL;
    long n = gm_string_in_over(q->path, path, PATH_MAX);
    if (n < 0) return n;
    SET_IF_CHANGED(q->execfn, q->path + n + 1);
    if (n == 0 && !(flags & LINUX_AT_EMPTY_PATH)) return -ENOENT;
    int relative = q->path[0] != '/';
    if (relative && dirfd != LX_AT_FDCWD) {
        if (!lx_fd_is_guest(dirfd) || rx_fcntl(dirfd, RX_F_GETFD, 0) < 0) return -EBADF;
        long d = rx_fcntl(dirfd, RX_F_DUPFD_CLOEXEC, lx_fd_floor);
        if (d < 0) return d;
        q->dirfd = (int)d;
        snprintf(q->execfn, EXECFN_MAX, n ? "/dev/fd/%d/%s" : "/dev/fd/%d", dirfd, q->path);
    } else {
        if (memcmp(q->execfn, q->path, (size_t)n + 1)) memcpy(q->execfn, q->path, (size_t)n + 1); /* the path as given */
        long m = is_magic_path(q->path) ? open_magic_path(q, dirfd, path) : 0;
        if (m < 0) return m;
    }
    char *room = q->execfn + strlen(q->execfn) + 1, *end = q->names + sizeof q->names;
    long r = strblock_in(argv, &q->argv, room, (size_t)(end - room));
    if (r == 0) {
        room = q->argv.heap ? room : room + q->argv.len;
        r = strblock_in(envp, &q->envp, room, (size_t)(end - room));
    }
    if (r < 0) return r;
    if (strblock_cost(&q->argv) + strblock_cost(&q->envp) > args_limit()) return -E2BIG;
    struct rx_stat st;
    if ((flags & LINUX_AT_SYMLINK_NOFOLLOW) && n && lx_stat_at(dirfd, path, LINUX_AT_SYMLINK_NOFOLLOW, &st) == 0 &&
        RX_MODE_IS(st.mode, RX_MODE_SYMLINK))
        return -ELOOP;
    if (by_waiting_child(q)) return 0; /* it checks the files itself (lx_exec_requested) */
    struct lx_exec_error err;
    q->kept->floor = keeps_files(c, q) ? lx_fd_floor : 0;
    if (lx_exec_probe(q->dirfd, q->path, q->kept, &err) < 0) return -err.errnum;
    return 0;
}

static long do_exec(struct lx_call *c, int dirfd, uint64_t path, uint64_t argv, uint64_t envp, int flags)
{
    static struct exec_req q; /* large; one exec at a time per process */
    /* taken by a fork's child as it loads, closed by the parent after: on the
     * page both sides of a fork write anyway */
    static struct lx_image_kept kept_files RX_FORK_HOT;
    SET_IF_CHANGED(q.kept, &kept_files);
    long r = exec_request(c, dirfd, path, argv, envp, flags, &q);
    if (r == 0) {
        /* Past this point the call does not come back unless the exec itself fails:
         * the trace line and the count are the caller's, as strace shows them. */
        int traced = lx_trace.on && lx_trace.selected[c->nr];
        if (lx_report.observe) lx_record_call((unsigned long)c->nr, 0);
        if (traced) trace_syscall(c, 0);
        int here = lx_exec_here_possible(c);
        if (lx_vfork_window_open) lx_vfork_spare_window_exec(q.path, q.argv.buf, q.argv.len);
        r = lx_vfork_window_open ? exec_by_window(c, &q) : here ? exec_here(c, &q) : reenter_lxrun(c, &q);
        /* it returned (it failed, or a vfork child's exec went to its waiting child):
         * counted as it returns */
        if (lx_report.observe && !c->untraced_return) lx_my_counts()[c->nr].calls--;
        if (traced && r < 0) trace_event("execve failed: %s", abi_errno_text((int)-r));
    }
    if (q.dirfd != RX_AT_CWD) rx_close(q.dirfd);
    lx_image_kept_close(q.kept);
    strblock_done(&q.argv);
    strblock_done(&q.envp);
    return r;
}

long sys_execve(struct lx_call *c) { return do_exec(c, LX_AT_FDCWD, c->a[0], c->a[1], c->a[2], 0); }
long sys_execveat(struct lx_call *c) { return do_exec(c, (int)c->a[0], c->a[1], c->a[2], c->a[3], (int)c->a[4]); }

/* pid.c — /proc/<pid>: a process's directory, its fd/ and task/ directories and
 * its symlinks (exe, cwd, root, fd/N, /proc/self).
 *
 * The processes shown are those of the lxrun session (process/ptable.h): the
 * reader's own with everything lxrun knows of it, its siblings with what the
 * process table holds; what only a sibling knows (nodes marked PROCFS_OWN, fd/,
 * fdinfo/) it renders itself when asked (remote.c).
 * task/ lists the reader's threads (a sibling's main one only); task/<tid> shows
 * the process as its main thread's directory does.
 * Paths are looked up after procfs_resolve has expanded symlinks met on the way,
 * so "/proc/self/maps" arrives here as "/proc/<pid>/maps". */
#include "pid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "../process/fd_reserve.h"
#include "../process/process.h"
#include "../process/ptable.h"

#define F(name, mode, fn) { name, PROCFS_FILE, mode, fn, 0, NULL }
#define OWN(name, mode, fn) { name, PROCFS_FILE, mode, fn, PROCFS_OWN, NULL }
#define D(name, mode) { name, PROCFS_DIR, mode, NULL, 0, NULL }
#define L(name, fn) { name, PROCFS_SYMLINK, 0777, fn, 0, NULL }

/* /proc/<pid>'s entries, in Linux's (alphabetical) order; task/<tid> has the same
 * but "task".  Names are relative; the node's path field is only its name. */
static const struct procfs_node entries[] = {
    OWN("auxv", 0400, render_pid_auxv),
    F("cgroup", 0444, render_pid_cgroup),
    F("cmdline", 0444, render_pid_cmdline),
    F("comm", 0644, render_pid_comm),
    L("cwd", render_link_cwd),
    OWN("environ", 0400, render_pid_environ),
    L("exe", render_link_exe),
    D("fd", 0500),
    D("fdinfo", 0555),
    OWN("limits", 0444, render_pid_limits),
    OWN("maps", 0444, render_pid_maps),
    F("mountinfo", 0444, render_pid_mountinfo),
    F("mounts", 0444, render_pid_mounts),
    OWN("oom_score_adj", 0644, render_pid_oom_score_adj),
    OWN("personality", 0400, render_pid_personality),
    L("root", render_link_root),
    OWN("smaps_rollup", 0444, render_pid_smaps_rollup),
    F("stat", 0444, render_pid_stat),
    F("statm", 0444, render_pid_statm),
    F("status", 0444, render_pid_status),
    D("task", 0555),
    OWN("timerslack_ns", 0666, render_pid_timerslack),
};
#define NENTRIES (sizeof entries / sizeof entries[0])

static const struct procfs_node pid_dir = D("<pid>", 0555);
static const struct procfs_node tid_dir = D("task/<tid>", 0555);
/* fd/N: the mode Linux gives depends on the access mode (procfs_stat adjusts). */
static const struct procfs_node fd_link = { "fd/<n>", PROCFS_SYMLINK, 0700, render_link_fd, 0, NULL };
static const struct procfs_node fdinfo_file = F("fdinfo/<n>", 0444, render_pid_fdinfo);
/* A sibling's fd/N and fdinfo/N: found with the sibling's pid, read by asking it. */
static const struct procfs_node fd_link_foreign = { "fd/<n>", PROCFS_SYMLINK, 0700, NULL, PROCFS_OWN, NULL };
static const struct procfs_node fdinfo_foreign = { "fdinfo/<n>", PROCFS_FILE, 0444, NULL, PROCFS_OWN, NULL };

int procfs_pid_node(const struct procfs_node *n)
{
    return n == &pid_dir || n == &tid_dir || n == &fd_link || n == &fdinfo_file || n == &fd_link_foreign ||
           n == &fdinfo_foreign || (n >= entries && n < entries + NENTRIES);
}

int procfs_pid_wants_fds(const struct procfs_node *n) { return n->render == render_pid_status; }

int procfs_guest_fd_open(long fd) { return lx_fd_is_guest(fd) && rx_fcntl((int)fd, RX_F_GETFD, 0) >= 0; }

/* Every guest fd is below lxrun's floor. */
int procfs_fd_scan_end(void) { return lx_fd_floor; }

/* One listing, not an fcntl per fd below the floor (~260 system calls for each
 * read of /proc/self/status, each listing of fd/). */
long procfs_guest_fds(int **fds)
{
    int end = procfs_fd_scan_end();
    *fds = malloc((size_t)(end > 0 ? end : 1) * sizeof **fds);
    if (!*fds) return -ENOMEM;
    long n = rx_fds_open(end, lx_proc.path_fds, *fds, (size_t)end);
    return n > end ? end : n;
}

/* A decimal name as Linux's name_to_int accepts it: digits, no leading zero
 * (except "0" itself), fitting in an int. */
static int parse_num(const char **p, unsigned long *n)
{
    const char *s = *p;
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9')) return 0;
    unsigned long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 0x7fffffff) return 0;
    }
    *p = s;
    *n = v;
    return 1;
}

/* procfs_pid_lookup's rarer ways, with their buffers: out of its frame, which
 * every /proc/PID path's resolution puts on the trap's stack. */
static __attribute__((noinline)) int own_thread(int tid)
{
    int others[1024], k = lx_process_tids(others, 1024), found = 0;
    for (int i = 0; i < k; i++) found |= others[i] == tid;
    return found;
}

static __attribute__((noinline)) int sibling_has_fd(unsigned long pid, unsigned long n)
{
    char fdpath[64], target[4096];
    snprintf(fdpath, sizeof fdpath, "/proc/%lu/fd/%lu", pid, n);
    return procfs_remote_readlink((int)pid, fdpath, target, sizeof target) >= 0;
}

int procfs_pid_lookup(const char *path, const struct procfs_node **node, unsigned *num)
{
    if (strncmp(path, "/proc/", 6) != 0) return 0;
    const char *p = path + 6;
    if (*p < '0' || *p > '9') return 0;
    *node = NULL;
    unsigned long pid, n;
    if (!parse_num(&p, &pid) || (*p && *p != '/')) return 1;
    int own = (long)pid == rx_getpid();
    static struct lx_pt_entry e;
    if (!own && lx_ptable_get((int)pid, &e) < 0) return 1;
    if (num) *num = (unsigned)pid;
    if (!*p) { *node = &pid_dir; return 1; }
    p++;
    int in_task = 0;
    if (strncmp(p, "task/", 5) == 0) {
        p += 5;
        if (!parse_num(&p, &n) || (*p && *p != '/')) return 1;
        if (n != pid && !(own && own_thread((int)n))) return 1; /* another thread of the reader's own process */
        if (num) *num = (unsigned)n; /* the thread: procfs_pid_of finds its process */
        if (!*p) { *node = &tid_dir; return 1; }
        p++;
        in_task = 1;
    }
    int info = strncmp(p, "fdinfo/", 7) == 0;
    if (info || strncmp(p, "fd/", 3) == 0) {
        p += info ? 7 : 3;
        if (!parse_num(&p, &n) || *p) return 1;
        if (!own) { /* the sibling says whether it has fd n */
            if (sibling_has_fd(pid, n)) *node = info ? &fdinfo_foreign : &fd_link_foreign;
            return 1;
        }
        if (!procfs_guest_fd_open((long)n)) return 1;
        *node = info ? &fdinfo_file : &fd_link;
        if (num) *num = (unsigned)n;
        return 1;
    }
    for (size_t i = 0; i < NENTRIES; i++)
        if (strcmp(entries[i].path, p) == 0) {
            if (in_task && strcmp(p, "task") == 0) return 1;
            *node = &entries[i];
            return 1;
        }
    return 1;
}

static int emit_num(procfs_dirent_fn emit, void *arg, long n, enum procfs_kind kind)
{
    char name[24];
    snprintf(name, sizeof name, "%ld", n);
    return emit(arg, name, kind);
}

int procfs_pid_emit(procfs_dirent_fn emit, void *arg, long *count)
{
    static int pids[LX_PT_SLOTS + 1];
    int n = lx_ptable_pids(pids, LX_PT_SLOTS), self = (int)rx_getpid();
    int at = 0;
    while (at < n && pids[at] < self) at++;
    if (at == n || pids[at] != self) { /* the reader, even when the table could not hold it */
        memmove(pids + at + 1, pids + at, (size_t)(n - at) * sizeof *pids);
        pids[at] = self;
        n++;
    }
    for (int i = 0; i < n; i++) {
        int r = emit_num(emit, arg, pids[i], PROCFS_DIR);
        if (r) return r;
        (*count)++;
    }
    return 0;
}

int procfs_pid_foreign(const struct procfs_node *node, unsigned num)
{
    return procfs_pid_node(node) && procfs_pid_of(node, num) != (int)rx_getpid();
}

int procfs_pid_remote(const struct procfs_node *node) { return procfs_pid_node(node) && (node->flags & PROCFS_OWN); }

int procfs_pid_of(const struct procfs_node *node, unsigned num)
{
    if (node == &fd_link || node == &fdinfo_file) return (int)rx_getpid();
    return lx_process_thread_state((int)num) ? (int)rx_getpid() : (int)num; /* task/<tid> of the reader's */
}

long procfs_pid_readdir(const struct procfs_node *d, unsigned pid, procfs_dirent_fn emit, void *arg)
{
    long count = 0;
    int r;
    if (d == &pid_dir || d == &tid_dir) {
        for (size_t i = 0; i < NENTRIES; i++) {
            if (d == &tid_dir && strcmp(entries[i].path, "task") == 0) continue;
            if ((r = emit(arg, entries[i].path, entries[i].kind)) != 0) return r;
            count++;
        }
        return count;
    }
    if (d->kind != PROCFS_DIR) return -ENOTDIR;
    if (strcmp(d->path, "task") == 0) {
        if ((r = emit_num(emit, arg, pid, PROCFS_DIR)) != 0) return r;
        int others[1024], k = (long)pid == rx_getpid() ? lx_process_tids(others, 1024) : 0;
        for (int i = 0; i < k; i++)
            if ((r = emit_num(emit, arg, others[i], PROCFS_DIR)) != 0) return r;
        return 1 + k;
    }
    if ((long)pid != rx_getpid()) { /* a sibling's fds: it lists them */
        char path[64];
        snprintf(path, sizeof path, "/proc/%u/%s", pid, d->path);
        return procfs_remote_readdir((int)pid, path, emit, arg);
    }
    /* fd/ and fdinfo/: the guest's open fds, never lxrun's own above the floor. */
    int info = strcmp(d->path, "fdinfo") == 0, *fds;
    long n = procfs_guest_fds(&fds);
    r = 0;
    for (long i = 0; i < n; i++) {
        if ((r = emit_num(emit, arg, fds[i], info ? PROCFS_FILE : PROCFS_SYMLINK)) != 0) break;
        count++;
    }
    if (n >= 0) free(fds);
    return r ? r : n < 0 ? (int)n : count;
}

/* ---- symlinks ---- */

void render_link_self(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_printf(o, "%ld", rx_getpid());
}

void render_link_thread_self(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    long pid = rx_getpid();
    out_printf(o, "%ld/task/%ld", pid, pid);
}

void render_link_mounts(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_puts(o, "self/mounts");
}

/* A sibling's entry in the process table, for its links (NULL: the reader's own). */
static const struct lx_pt_entry *sibling(unsigned pid)
{
    static struct lx_pt_entry e;
    return (long)pid != rx_getpid() && lx_ptable_get((int)pid, &e) == 0 ? &e : NULL;
}

void render_link_exe(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f;
    const struct lx_pt_entry *e = sibling(num);
    out_puts(o, e ? e->exe : lx_proc.exe);
}

static const struct procfs_namespace *ns;

void procfs_set_namespace(const struct procfs_namespace *n) { ns = n; }

long procfs_open_guest_root(void) { return ns ? ns->open_root() : -ENOENT; }

long procfs_guest_cwd(char *out, size_t cap) { return ns ? ns->getcwd(out, cap) : -ENOENT; }

int procfs_guest_path(const char *url, char *out, size_t cap) { return ns ? ns->guest_path(url, out, cap) : -ENOENT; }

void render_link_cwd(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f;
    const struct lx_pt_entry *e = sibling(num);
    char cwd[4096];
    if (e) out_puts(o, e->cwd);
    else if (procfs_guest_cwd(cwd, sizeof cwd) >= 0) out_puts(o, cwd);
}

void render_link_root(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f; (void)num;
    out_puts(o, "/");
}

void render_link_fd(struct procfs_out *o, const struct procfs_facts *f, unsigned num)
{
    (void)f;
    char target[4096 + 32];
    if (procfs_fd_target((int)num, target, sizeof target) >= 0) out_puts(o, target);
}

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Redox handles are URLs of their scheme; Linux names what has no path by kind. */
static void scheme_target(int fd, const char *url, char *out, size_t cap)
{
    struct rx_stat st;
    unsigned long long ino = rx_fstat(fd, &st) == 0 ? (unsigned long long)st.ino : 0;
    size_t slen = strcspn(url, ":");
    if (starts(url, "pipe:")) snprintf(out, cap, "pipe:[%llu]", ino);
    else if (starts(url, "tcp:") || starts(url, "udp:") || starts(url, "chan:") || starts(url, "uds_"))
        snprintf(out, cap, "socket:[%llu]", ino);
    else if (starts(url, "event:")) snprintf(out, cap, "anon_inode:[eventpoll]");
    else if (starts(url, "pipe:[")) snprintf(out, cap, "%s", url); /* the host backend's own pipe number */
    else snprintf(out, cap, "anon_inode:[%.*s]", (int)slen, url);
}

int procfs_fd_target(int fd, char *out, size_t cap)
{
    if (!procfs_guest_fd_open(fd)) return -ENOENT;
    if (procfs_dir_of(fd, out, cap)) return 1;
    char url[4096 + 16];
    long r = rx_fpath(fd, url, sizeof url);
    if (r < 0) {
        snprintf(out, cap, "anon_inode:[unknown]");
        return 0;
    }
    if (starts(url, "pty:") && url[4] >= '0' && url[4] <= '9') {
        snprintf(out, cap, "/dev/pts/%s", url + 4);
        return 1;
    }
    const char *dev = procfs_dev_of_scheme(url);
    if (dev) {
        snprintf(out, cap, "%s", dev);
        return 1;
    }
    if (starts(url, "shm:")) {
        /* A snapshot lxrun made for an emulated file is named by its path:
         * reopening it renders the file afresh, as reopening a /proc file does. */
        const char *name = url + 4;
        if (strncmp(name, "/proc/", 6) == 0 || strncmp(name, "/sys/", 5) == 0) {
            snprintf(out, cap, "%s", name);
            return 1;
        }
        snprintf(out, cap, "/memfd:%s (deleted)", name); /* as Linux names a memfd */
        return 0;
    }
    if (!starts(url, "file:")) {
        scheme_target(fd, url, out, cap);
        return 0;
    }
    const char *p = url + 5;
    if (!ns || ns->guest_path(url, out, cap) < 0) {
        snprintf(out, cap, "%s", p);
        return 0;
    }
    return 1;
}

long procfs_fd_flags(int fd)
{
    long fl = rx_fcntl(fd, RX_F_GETFL, 0);
    if (fl < 0) return fl;
    char target[4096 + 32];
    if (procfs_fd_target(fd, target, sizeof target) != 1 ||
        (strncmp(target, "/proc/", 6) != 0 && strncmp(target, "/sys/", 5) != 0 && strcmp(target, "/proc") != 0 &&
         strcmp(target, "/sys") != 0))
        return fl;
    /* A snapshot is writable underneath (sealed against writes): the guest
     * opened an emulated file or directory read-only. */
    return (fl & ~RX_O_ACCMODE) | RX_O_RDONLY;
}

long procfs_readlink(const struct procfs_node *node, unsigned num, const char *path, char *buf, size_t cap)
{
    (void)path;
    if (node->kind != PROCFS_SYMLINK) return -EINVAL;
    if (node == &fd_link_foreign) return procfs_remote_readlink((int)num, path, buf, cap);
    struct procfs_out o = { buf, cap, 0 };
    if (cap) buf[0] = 0;
    node->render(&o, NULL, num);
    if (o.len == 0) return -ENOENT; /* the fd closed, the cwd removed */
    if (o.len >= cap) return -ERANGE;
    return (long)o.len;
}

long procfs_link_target(const struct procfs_node *node, unsigned num, const char *path, char *out,
                        size_t cap, int *fd)
{
    *fd = -1;
    if (node == &fd_link) {
        int r = procfs_fd_target((int)num, out, cap);
        if (r < 0) return r;
        if (strlen(out) + 1 >= cap) return -ENAMETOOLONG; /* it may have been cut short to fit */
        *fd = (int)num;
        return r == 1 ? 0 : 1;
    }
    /* straight into out: a 4 KiB buffer here took every /proc link's resolution a
     * page deeper into the trap's stack (a fault in each new process) */
    long n = procfs_readlink(node, num, path, out, cap);
    if (n == -ERANGE) return cap < 4096 ? -ENAMETOOLONG : n;
    if (n < 0) return n;
    if (node == &fd_link_foreign && out[0] != '/') return -EACCES; /* a sibling's pipe or socket: not reachable by name */
    if (out[0] == '/') return 0;
    /* Relative ("self" → "1234"): from the link's directory. */
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    if (dlen + 1 + (size_t)n >= cap) return -ENAMETOOLONG;
    memmove(out + dlen + 1, out, (size_t)n + 1);
    memcpy(out, path, dlen);
    out[dlen] = '/';
    return 0;
}

int procfs_resolve(const char *path, char *out, size_t cap)
{
    /* Links inside the tree: /proc/self…, /dev/fd…; /sys has none. */
    size_t top = strncmp(path, "/proc/", 6) == 0 ? 6 : strncmp(path, "/dev/", 5) == 0 ? 5 : 0;
    if (!top) return 0;
    for (const char *s = strchr(path + top, '/'); s; s = strchr(s + 1, '/')) {
        size_t n = (size_t)(s - path);
        if (n >= 4096) return -ENAMETOOLONG;
        char prefix[n + 1]; /* as long as it is: this runs deep in the trap's stack */
        memcpy(prefix, path, n);
        prefix[n] = 0;
        unsigned num = 0;
        const struct procfs_node *node = procfs_lookup(prefix, 1, &num);
        if (!node || node->kind == PROCFS_FILE) return 0; /* the whole lookup fails later */
        if (node->kind != PROCFS_SYMLINK) continue;
        int fd;
        long r = procfs_link_target(node, num, prefix, out, cap, &fd); /* path is not out */
        if (r < 0) return (int)r;
        if (r == 1) return -ENOTDIR;
        size_t tl = strcmp(out, "/") == 0 ? 0 : strlen(out), sl = strlen(s);
        if (tl + sl >= cap) return -ENAMETOOLONG;
        memcpy(out + tl, s, sl + 1);
        return 1;
    }
    return 0;
}

uint64_t procfs_ino(const char *path)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: stable inode numbers per path */
    for (const char *p = path; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h >> 1;
}

void out_bytes(struct procfs_out *o, const void *p, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len - 1, keep = n < room ? n : room;
        memcpy(o->buf + o->len, p, keep);
        o->buf[o->len + keep] = 0;
    }
    o->len += n;
}

/* remote.c — a sibling's /proc/<pid> files that only it can render (its fds,
 * mappings, environment, limits): asked of it through the process table
 * (process/ptable.h), answered by its own procfs on its answering thread.
 * The reader may inspect a sibling as Linux's ptrace access check would let a
 * process without capabilities beyond its uid: root, or the same effective uid. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../process/ptable.h"
#include "../redox/rx.h"
#include "pid.h"

/* ---- the answering side ---- */

struct listing { char *out; size_t cap, len; };

static int add_entry(void *arg, const char *name, enum procfs_kind kind)
{
    struct listing *l = arg;
    size_t n = strlen(name) + 2; /* the kind, the name, its NUL */
    if (l->len + n > l->cap) return -ENOSPC;
    l->out[l->len] = (char)kind;
    memcpy(l->out + l->len + 1, name, n - 1);
    l->len += n;
    return 0;
}

long procfs_answer(int op, const char *path, char *out, size_t cap)
{
    static struct procfs_facts facts; /* the answering thread's own */
    unsigned num = 0;
    const struct procfs_node *node = procfs_lookup(path, PROCFS_NCPU_ASK, &num);
    if (!node) return -ENOENT;
    switch (op) {
    case LX_ASK_READ: {
        if (node->kind != PROCFS_FILE) return -EINVAL;
        long n = procfs_render_file(node, num, &facts, out, cap);
        return n < 0 ? n : (size_t)n < cap ? n : (long)cap - 1;
    }
    case LX_ASK_READDIR: {
        struct listing l = { out, cap, 0 };
        long r = procfs_pid_readdir(node, num, add_entry, &l);
        return r < 0 && r != -ENOSPC ? r : (long)l.len;
    }
    case LX_ASK_READLINK: return procfs_readlink(node, num, path, out, cap);
    case LX_ASK_STAT: {
        struct rx_stat st;
        long r = procfs_stat(node, path, &st);
        if (r < 0) return r;
        if (cap < sizeof st) return -ERANGE;
        memcpy(out, &st, sizeof st);
        return (long)sizeof st;
    }
    default: return -EINVAL;
    }
}

/* ---- the asking side ---- */

static long may_inspect(int pid)
{
    struct lx_pt_entry *e = malloc(sizeof *e);
    if (!e) return -ENOMEM;
    long euid = rx_geteuid(), r = lx_ptable_get(pid, e) < 0 ? -ENOENT : euid == 0 || (uint32_t)euid == e->euid ? 0 : -EACCES;
    free(e);
    return r;
}

static long ask(int pid, int op, const char *path, char *out, size_t cap)
{
    long r = may_inspect(pid);
    if (r < 0) return r;
    r = lx_ptable_ask(pid, op, path, out, cap);
    return r == -ESRCH ? -ENOENT : r == -EAGAIN ? -EACCES : r; /* EAGAIN: it never waited, so cannot answer */
}

long procfs_remote_snapshot(int pid, const char *path, int flags)
{
    char *buf = malloc(LX_PT_ASK_DATA);
    if (!buf) return -ENOMEM;
    long n = ask(pid, LX_ASK_READ, path, buf, LX_PT_ASK_DATA);
    long fd = n < 0 ? n : rx_snapshot(path, buf, (size_t)n, (flags & RX_O_CLOEXEC) != 0);
    free(buf);
    return fd;
}

long procfs_remote_readdir(int pid, const char *path, procfs_dirent_fn emit, void *arg)
{
    char *buf = malloc(LX_PT_ASK_DATA);
    if (!buf) return -ENOMEM;
    long n = ask(pid, LX_ASK_READDIR, path, buf, LX_PT_ASK_DATA), count = 0;
    for (long at = 0; n > 0 && at < n; count++) {
        enum procfs_kind kind = (enum procfs_kind)buf[at];
        const char *name = buf + at + 1;
        int r = emit(arg, name, kind);
        if (r) {
            free(buf);
            return r;
        }
        at += (long)strlen(name) + 2;
    }
    free(buf);
    return n < 0 ? n : count;
}

long procfs_remote_readlink(int pid, const char *path, char *buf, size_t cap)
{
    char text[4096];
    long n = ask(pid, LX_ASK_READLINK, path, text, sizeof text);
    if (n < 0) return n;
    if ((size_t)n >= cap) return -ERANGE;
    memcpy(buf, text, (size_t)n);
    buf[n] = 0;
    return n;
}

unsigned procfs_remote_fd_perm(const char *path)
{
    struct rx_stat st;
    int pid = atoi(path + 6); /* "/proc/<pid>/fd/<n>" */
    return ask(pid, LX_ASK_STAT, path, (char *)&st, sizeof st) == (long)sizeof st ? st.mode & 0777u : 0700u;
}

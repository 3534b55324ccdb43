/* handover.c — the handover file's records, and the process objects' part of it. */
#include "handover.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "fd_reserve.h"
#include "fs.h"
#include "process.h"

#define MAGIC 0x4f484c58u /* "XLHO" */

struct rec_head { uint32_t tag, len; };

static void reserve(struct lx_handover *h, size_t more)
{
    if (h->failed || h->len + more <= h->cap) return;
    size_t cap = h->cap ? h->cap : 4096;
    while (cap < h->len + more) cap *= 2;
    char *p = realloc(h->data, cap);
    if (!p) { h->failed = 1; return; }
    h->data = p;
    h->cap = cap;
}

static void append(struct lx_handover *h, const void *p, size_t n)
{
    reserve(h, n);
    if (h->failed) return;
    memcpy(h->data + h->len, p, n);
    h->len += n;
}

static void start(struct lx_handover *h)
{
    if (h->len) return;
    uint32_t magic = MAGIC;
    append(h, &magic, sizeof magic);
}

void lx_ho_put2(struct lx_handover *h, unsigned tag, const void *head, size_t hlen, const char *s)
{
    start(h);
    size_t slen = s ? strlen(s) + 1 : 0;
    struct rec_head rh = { tag, (uint32_t)(hlen + slen) };
    append(h, &rh, sizeof rh);
    if (hlen) append(h, head, hlen);
    if (slen) append(h, s, slen);
}

void lx_ho_put(struct lx_handover *h, unsigned tag, const void *data, size_t len) { lx_ho_put2(h, tag, data, len, NULL); }

int lx_ho_next(const struct lx_handover *h, size_t *pos, struct lx_ho_rec *r)
{
    if (*pos == 0) {
        uint32_t magic;
        if (h->len < sizeof magic) return -1;
        memcpy(&magic, h->data, sizeof magic);
        if (magic != MAGIC) return -1;
        *pos = sizeof magic;
    }
    if (*pos == h->len) return 0;
    struct rec_head rh;
    if (h->len - *pos < sizeof rh) return -1;
    memcpy(&rh, h->data + *pos, sizeof rh);
    if (h->len - *pos - sizeof rh < rh.len) return -1;
    r->tag = rh.tag;
    r->len = rh.len;
    r->data = h->data + *pos + sizeof rh;
    *pos += sizeof rh + rh.len;
    return 1;
}

long lx_ho_send(const struct lx_handover *h)
{
    if (h->failed) return -ENOMEM;
    return rx_snapshot("lxrun-handover", h->data, h->len, 0);
}

long lx_ho_receive(int fd, struct lx_handover *h)
{
    memset(h, 0, sizeof *h);
    long n;
    do {
        reserve(h, 65536);
        if (h->failed) { rx_close(fd); return -ENOMEM; }
        n = rx_read(fd, h->data + h->len, h->cap - h->len);
        if (n > 0) h->len += (size_t)n;
    } while (n > 0);
    rx_close(fd);
    if (n < 0) return n;
    size_t pos = 0;
    struct lx_ho_rec r;
    int k;
    while ((k = lx_ho_next(h, &pos, &r)) > 0) {}
    return k < 0 ? -EINVAL : 0;
}

/* ---- the process objects ---- */

struct ho_limits {
    uint64_t cur[16], max[16];
    int known[16];
    int fd_limit;
    int path_fds; /* lx_proc.path_fds */
    int oom_score_adj;
    unsigned personality;
    int ioprio;
    uint64_t cap_bounding, cap_inheritable; /* exec recomputes the others from these */
};

struct ho_fs {
    int confined;
    char virtual_cwd[PATH_MAX];
    char shm_host[PATH_MAX];
};

void lx_process_handover_put(struct lx_handover *h)
{
    struct lx_options o = lx_proc.opts;
    o.report.program = NULL;
    lx_ho_put(h, LX_HO_OPTIONS, &o, sizeof o);

    struct ho_limits l = { .fd_limit = lx_fd_limit, .path_fds = lx_proc.path_fds, .oom_score_adj = lx_proc.oom_score_adj,
                         .personality = lx_proc.personality, .ioprio = lx_proc.ioprio };
    uint64_t e, p;
    lx_guest_caps(&e, &p, &l.cap_inheritable);
    l.cap_bounding = lx_proc.caps.bounding;
    memcpy(l.cur, lx_proc.rlim_cur, sizeof l.cur);
    memcpy(l.max, lx_proc.rlim_max, sizeof l.max);
    memcpy(l.known, lx_proc.rlim_known, sizeof l.known);
    lx_ho_put(h, LX_HO_LIMITS, &l, sizeof l);

    /* Linux keeps ignored dispositions across exec; handlers become SIG_DFL. */
    uint64_t ignored, caught;
    lx_process_dispositions(&ignored, &caught);
    lx_ho_put(h, LX_HO_SIGNALS, &ignored, sizeof ignored);

    for (int i = 0; i < lx_fs.nmounts; i++)
        lx_ho_put2(h, LX_HO_MOUNT, &lx_fs.mounts[i].fd, sizeof(int), lx_fs.mounts[i].guest);
    for (int i = 0; i < lx_fs.nspecials; i++) lx_ho_put(h, LX_HO_SPECIAL, &lx_fs.specials[i], sizeof lx_fs.specials[i]);
    static struct ho_fs f;
    f.confined = lx_fs.confined;
    memcpy(f.virtual_cwd, lx_fs.virtual_cwd, sizeof f.virtual_cwd);
    memcpy(f.shm_host, lx_fs.shm_host, sizeof f.shm_host);
    lx_ho_put(h, LX_HO_FS, &f, sizeof f);
}

static int add_mount(const struct lx_ho_rec *r)
{
    if (r->len <= sizeof(int) || ((const char *)r->data)[r->len - 1]) return -1;
    if (lx_fs.nmounts == LX_MAX_MOUNTS) return -1;
    struct lx_mount *m = &lx_fs.mounts[lx_fs.nmounts];
    memcpy(&m->fd, r->data, sizeof m->fd);
    char url[PATH_MAX + 16];
    if (rx_fpath(m->fd, url, sizeof url) < 0 || strncmp(url, "file:/", 6)) return -1;
    const char *host = strcmp(url + 5, "/") ? url + 5 : "";
    m->guest = strdup((const char *)r->data + sizeof(int));
    m->host = strdup(host);
    if (!m->guest || !m->host) return -1;
    m->glen = strcmp(m->guest, "/") ? strlen(m->guest) : 0;
    m->hlen = strlen(host);
    lx_fs.nmounts++;
    return 1;
}

int lx_process_handover_take(const struct lx_ho_rec *r)
{
    switch (r->tag) {
    case LX_HO_OPTIONS:
        if (r->len != sizeof lx_proc.opts) return -1;
        memcpy(&lx_proc.opts, r->data, r->len);
        return 1;
    case LX_HO_LIMITS: {
        struct ho_limits l;
        if (r->len != sizeof l) return -1;
        memcpy(&l, r->data, sizeof l);
        memcpy(lx_proc.rlim_cur, l.cur, sizeof l.cur);
        memcpy(lx_proc.rlim_max, l.max, sizeof l.max);
        memcpy(lx_proc.rlim_known, l.known, sizeof l.known);
        lx_fd_limit_set(l.fd_limit < lx_fd_ceiling ? l.fd_limit : lx_fd_ceiling);
        lx_proc.path_fds = l.path_fds;
        lx_proc.oom_score_adj = l.oom_score_adj;
        lx_proc.personality = l.personality;
        lx_proc.ioprio = l.ioprio;
        lx_guest_caps_init(l.cap_bounding, l.cap_inheritable);
        return 1;
    }
    case LX_HO_SIGNALS: {
        uint64_t ignored;
        if (r->len != sizeof ignored) return -1;
        memcpy(&ignored, r->data, sizeof ignored);
        for (int s = 1; s <= 64; s++)
            if (ignored & (1ULL << (s - 1))) lx_proc.sigactions[s].handler = LINUX_SIG_IGN;
        return 1;
    }
    case LX_HO_MOUNT: return add_mount(r);
    case LX_HO_SPECIAL:
        if (r->len != sizeof lx_fs.specials[0] || lx_fs.nspecials == LX_MAX_SPECIAL) return -1;
        memcpy(&lx_fs.specials[lx_fs.nspecials++], r->data, r->len);
        return 1;
    case LX_HO_FS: {
        static struct ho_fs f;
        if (r->len != sizeof f) return -1;
        memcpy(&f, r->data, sizeof f);
        lx_fs.confined = f.confined;
        memcpy(lx_fs.virtual_cwd, f.virtual_cwd, sizeof f.virtual_cwd);
        memcpy(lx_fs.shm_host, f.shm_host, sizeof f.shm_host);
        return 1;
    }
    }
    return 0;
}

int lx_process_handover_fds(int *fds, int max)
{
    int n = 0;
    const int own[] = { lx_proc.opts.trace.fd, lx_proc.opts.report.summary_fd, lx_proc.opts.report.json_fd,
                        lx_proc.opts.report.session_fd, lx_proc.opts.ptable_fd };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (own[i] >= lx_fd_floor && n < max) fds[n++] = own[i];
    for (int i = 0; i < lx_fs.nmounts && n < max; i++) fds[n++] = lx_fs.mounts[i].fd;
    return n;
}

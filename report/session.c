/* session.c — the session's shared table of counts and notes (session.h). */
#include "session.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "../process/shared.h"
#include "../redox/rx.h"
#include "record.h"
#include "report.h"
#include "../trap/trap.h"

#define MAGIC 0x4c585353u /* "SSXL" */

struct shared_note { long nr; uint64_t count; char what[120]; };

struct lx_session {
    uint32_t magic;
    int lock;
    uint64_t unknown;
    uint64_t signals[65];
    struct lx_rewrite_stats rewrite; /* summed over the processes that ended */
    struct lx_counts counts[LX_NR_MAX + 1];
    int nnotes, nioctls, npaths;
    struct shared_note notes[LX_MAX_NOTES];
    struct lx_ioctl_note ioctls[LX_MAX_IOCTLS];
    struct lx_path_note paths[LX_MAX_PATHS];
};

static struct lx_session *session;

/* The table, mapped once per lxrun (a fork keeps the mapping; an exec maps it again). */
static struct lx_session *mapped(void)
{
    if (!session && lx_report.session_fd >= 0) session = lx_shared_map(lx_report.session_fd, sizeof *session);
    return session;
}

static void lock(struct lx_session *s) { lx_shared_lock(&s->lock); }
static void unlock(struct lx_session *s) { lx_shared_unlock(&s->lock); }

long lx_session_create(void)
{
    void *map;
    long fd = lx_shared_create("lxrun-session", sizeof(struct lx_session), &map);
    if (fd < 0) return fd;
    lx_report.session_fd = (int)fd;
    session = map;
    session->magic = MAGIC;
    return 0;
}

void lx_session_contribute(void)
{
    struct lx_session *s = mapped();
    if (!s || s->magic != MAGIC) return;
    lx_counts_collect();
    lock(s);
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        s->counts[nr].calls += lx_counts[nr].calls;
        s->counts[nr].errors += lx_counts[nr].errors;
        s->counts[nr].ns += lx_counts[nr].ns;
    }
    s->unknown += lx_unknown_calls;
    lx_rewrite_stats_add(&s->rewrite, &lx_rewrite_stats);
    for (int sig = 1; sig <= 64; sig++) s->signals[sig] += lx_signals_delivered[sig];
    for (int i = 0; i < lx_nnotes; i++) {
        int k = 0;
        while (k < s->nnotes && !(s->notes[k].nr == lx_notes[i].nr && !strcmp(s->notes[k].what, lx_notes[i].what))) k++;
        if (k == s->nnotes && k < LX_MAX_NOTES) {
            s->notes[k] = (struct shared_note){ lx_notes[i].nr, 0, "" };
            snprintf(s->notes[k].what, sizeof s->notes[k].what, "%s", lx_notes[i].what);
            s->nnotes++;
        }
        if (k < LX_MAX_NOTES) s->notes[k].count += lx_notes[i].count;
    }
    for (int i = 0; i < lx_nioctls; i++) {
        int k = 0;
        while (k < s->nioctls && s->ioctls[k].req != lx_ioctls[i].req) k++;
        if (k == s->nioctls && k < LX_MAX_IOCTLS) s->ioctls[s->nioctls++] = (struct lx_ioctl_note){ lx_ioctls[i].req, 0 };
        if (k < LX_MAX_IOCTLS) s->ioctls[k].count += lx_ioctls[i].count;
    }
    for (int i = 0; i < lx_npaths; i++) {
        int k = 0;
        while (k < s->npaths && !(!strcmp(s->paths[k].path, lx_paths[i].path) && s->paths[k].served == lx_paths[i].served)) k++;
        if (k == s->npaths && k < LX_MAX_PATHS) { s->paths[k] = lx_paths[i]; s->paths[k].count = 0; s->npaths++; }
        if (k < LX_MAX_PATHS) s->paths[k].count += lx_paths[i].count;
    }
    unlock(s);
}

void lx_session_gather(void)
{
    struct lx_session *s = mapped();
    if (!s || s->magic != MAGIC) return;
    lock(s);
    /* added to the reporter's own thread table, which lx_counts_collect sums */
    struct lx_counts *mine = lx_my_counts();
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        mine[nr].calls += s->counts[nr].calls;
        mine[nr].errors += s->counts[nr].errors;
        mine[nr].ns += s->counts[nr].ns;
    }
    lx_unknown_calls += s->unknown;
    for (int sig = 1; sig <= 64; sig++) lx_signals_delivered[sig] += s->signals[sig];
    memset(s->signals, 0, sizeof s->signals);
    lx_rewrite_stats_add(&lx_rewrite_stats, &s->rewrite);
    memset(&s->rewrite, 0, sizeof s->rewrite);
    for (int k = 0; k < s->nnotes; k++) {
        char *what = strdup(s->notes[k].what); /* lives for the run, as the notes' texts must */
        if (what) lx_record_partial_n(s->notes[k].nr, what, s->notes[k].count);
    }
    for (int k = 0; k < s->nioctls; k++) lx_record_ioctl_n(s->ioctls[k].req, s->ioctls[k].count);
    for (int k = 0; k < s->npaths; k++) lx_record_path_n(s->paths[k].path, s->paths[k].served, s->paths[k].count);
    memset(s->counts, 0, sizeof s->counts); /* gathered once */
    s->unknown = 0;
    s->nnotes = s->nioctls = s->npaths = 0;
    unlock(s);
}

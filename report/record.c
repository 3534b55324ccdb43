#include "record.h"
#include "report.h"
#include "../ldso/vdso.h"
#include "../trap/trap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lx_counts lx_counts[LX_NR_MAX + 1];
_Thread_local struct lx_counts *lx_thread_counts;

#define MAX_COUNTED_THREADS 1024
static struct lx_counts *thread_tables[MAX_COUNTED_THREADS];
static int nthread_tables;
static struct lx_counts overflow_table[LX_NR_MAX + 1]; /* shared by threads past the limit */
static int overflow_used; /* a reset leaves its pages untouched otherwise (a fork's child copies none) */
struct lx_note lx_notes[LX_MAX_NOTES];
int lx_nnotes;
struct lx_ioctl_note lx_ioctls[LX_MAX_IOCTLS];
int lx_nioctls;
struct lx_path_note lx_paths[LX_MAX_PATHS];
int lx_npaths;
uint64_t lx_unknown_calls;
uint64_t lx_signals_delivered[65];

static int lock_word;
static void lock(void)
{
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
}
static void unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }

struct lx_counts *lx_counts_new_thread(void)
{
    struct lx_counts *t = calloc(LX_NR_MAX + 1, sizeof *t);
    lock();
    if (t && nthread_tables < MAX_COUNTED_THREADS) thread_tables[nthread_tables++] = t;
    else { free(t); t = overflow_table; overflow_used = 1; }
    unlock();
    return lx_thread_counts = t;
}

void lx_counts_collect(void)
{
    lock();
    memset(lx_counts, 0, sizeof lx_counts);
    for (int i = 0; i <= nthread_tables; i++) {
        const struct lx_counts *t = i < nthread_tables ? thread_tables[i] : overflow_table;
        for (int nr = 0; nr <= LX_NR_MAX; nr++) {
            lx_counts[nr].calls += t[nr].calls;
            lx_counts[nr].errors += t[nr].errors;
            lx_counts[nr].ns += t[nr].ns;
        }
    }
    /* the answers of lxrun's vDSO, which no trap saw (ldso/vdso.c) */
    int vnr[LDSO_VDSO_FNS];
    uint64_t vcalls[LDSO_VDSO_FNS];
    for (int i = 0, n = ldso_vdso_counts(vnr, vcalls); i < n; i++) lx_counts[vnr[i]].calls += vcalls[i];
    unlock();
}

/* Without a report (-c, --report, -t) nothing is recorded: no report of the
 * process tree will read it, and each first write to a page of these tables in a
 * forked child is a copy-on-write fault (~5 us on a VM). */
void lx_record_unknown(long nr)
{
    (void)nr;
    if (!lx_report.observe) return;
    __atomic_fetch_add(&lx_unknown_calls, 1, __ATOMIC_RELAXED);
}

/* The records with a count: one call's (1), or another process's totals (report/session.c).
 * A note's text must live for the run: a literal, or a copy made by the caller. */
void lx_record_partial_n(long nr, const char *what, uint64_t n)
{
    if (!lx_report.observe) return;
    lock();
    int i = 0;
    while (i < lx_nnotes && !(lx_notes[i].nr == nr && strcmp(lx_notes[i].what, what) == 0)) i++;
    if (i < lx_nnotes) lx_notes[i].count += n;
    else if (lx_nnotes < LX_MAX_NOTES) lx_notes[lx_nnotes++] = (struct lx_note){ nr, what, n };
    unlock();
}

void lx_record_ioctl_n(unsigned req, uint64_t n)
{
    if (!lx_report.observe) return;
    lock();
    int i = 0;
    while (i < lx_nioctls && lx_ioctls[i].req != req) i++;
    if (i < lx_nioctls) lx_ioctls[i].count += n;
    else if (lx_nioctls < LX_MAX_IOCTLS) lx_ioctls[lx_nioctls++] = (struct lx_ioctl_note){ req, n };
    unlock();
}

void lx_record_path_n(const char *path, int served, uint64_t n)
{
    if (!lx_report.observe) return;
    lock();
    int i = 0;
    while (i < lx_npaths && !(strncmp(lx_paths[i].path, path, sizeof lx_paths[i].path - 1) == 0 &&
                              lx_paths[i].served == served))
        i++;
    if (i < lx_npaths) lx_paths[i].count += n;
    else if (lx_npaths < LX_MAX_PATHS) {
        snprintf(lx_paths[i].path, sizeof lx_paths[i].path, "%s", path);
        lx_paths[i].served = served;
        lx_paths[i].count = n;
        lx_npaths++;
    }
    unlock();
}

void lx_record_partial(long nr, const char *what) { lx_record_partial_n(nr, what, 1); }
void lx_record_ioctl(unsigned req) { lx_record_ioctl_n(req, 1); }
void lx_record_path(const char *path, int served) { lx_record_path_n(path, served, 1); }

void lx_record_reset(void)
{
    lock();
    memset(lx_signals_delivered, 0, sizeof lx_signals_delivered);
    for (int i = 0; i < nthread_tables; i++) memset(thread_tables[i], 0, (LX_NR_MAX + 1) * sizeof *thread_tables[i]);
    if (overflow_used) memset(overflow_table, 0, sizeof overflow_table);
    lx_nnotes = lx_nioctls = lx_npaths = 0;
    lx_unknown_calls = 0;
    ldso_vdso_counts_reset();
    unlock();
}

/* ---- across a guest's exec: the next lxrun goes on counting from here ---- */

void lx_record_handover_put(struct lx_handover *h)
{
    lx_counts_collect();
    lx_ho_put(h, LX_HO_COUNTS, lx_counts, sizeof lx_counts);
    for (int i = 0; i < lx_nnotes; i++) {
        uint64_t head[2] = { (uint64_t)lx_notes[i].nr, lx_notes[i].count };
        lx_ho_put2(h, LX_HO_NOTE, head, sizeof head, lx_notes[i].what);
    }
    lx_ho_put(h, LX_HO_IOCTLS, lx_ioctls, (size_t)lx_nioctls * sizeof lx_ioctls[0]);
    lx_ho_put(h, LX_HO_PATHS, lx_paths, (size_t)lx_npaths * sizeof lx_paths[0]);
    lx_ho_put(h, LX_HO_UNKNOWN, &lx_unknown_calls, sizeof lx_unknown_calls);
    lx_ho_put(h, LX_HO_SIGCOUNTS, lx_signals_delivered, sizeof lx_signals_delivered);
    lx_ho_put(h, LX_HO_REWRITE, &lx_rewrite_stats, sizeof lx_rewrite_stats);
}

int lx_record_handover_take(const struct lx_ho_rec *r)
{
    switch (r->tag) {
    case LX_HO_REWRITE:
        if (r->len != sizeof lx_rewrite_stats) return -1;
        struct lx_rewrite_stats before;
        memcpy(&before, r->data, r->len);
        lx_rewrite_stats_add(&lx_rewrite_stats, &before);
        return 1;
    case LX_HO_SIGCOUNTS:
        if (r->len != sizeof lx_signals_delivered) return -1;
        memcpy(lx_signals_delivered, r->data, r->len);
        return 1;
    case LX_HO_COUNTS:
        if (r->len != sizeof lx_counts) return -1;
        memcpy(lx_my_counts(), r->data, r->len); /* the new lxrun's first thread carries them */
        return 1;
    case LX_HO_NOTE: {
        uint64_t head[2];
        const char *text = (const char *)r->data + sizeof head;
        if (r->len <= sizeof head || text[r->len - sizeof head - 1] || lx_nnotes == LX_MAX_NOTES) return -1;
        memcpy(head, r->data, sizeof head);
        char *what = strdup(text); /* lives for the run, as the literals it stands for */
        if (!what) return -1;
        lx_notes[lx_nnotes++] = (struct lx_note){ (long)head[0], what, head[1] };
        return 1;
    }
    case LX_HO_IOCTLS:
        if (r->len % sizeof lx_ioctls[0] || r->len > sizeof lx_ioctls) return -1;
        memcpy(lx_ioctls, r->data, r->len);
        lx_nioctls = (int)(r->len / sizeof lx_ioctls[0]);
        return 1;
    case LX_HO_PATHS:
        if (r->len % sizeof lx_paths[0] || r->len > sizeof lx_paths) return -1;
        memcpy(lx_paths, r->data, r->len);
        lx_npaths = (int)(r->len / sizeof lx_paths[0]);
        return 1;
    case LX_HO_UNKNOWN:
        if (r->len != sizeof lx_unknown_calls) return -1;
        memcpy(&lx_unknown_calls, r->data, r->len);
        return 1;
    }
    return 0;
}

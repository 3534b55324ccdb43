#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lx_counts lx_counts[LX_NR_MAX + 1];
_Thread_local struct lx_counts *lx_thread_counts;

#define MAX_COUNTED_THREADS 1024
static struct lx_counts *thread_tables[MAX_COUNTED_THREADS];
static int nthread_tables;
static struct lx_counts overflow_table[LX_NR_MAX + 1]; /* shared by threads past the limit */
struct lx_note lx_notes[LX_MAX_NOTES];
int lx_nnotes;
struct lx_ioctl_note lx_ioctls[LX_MAX_IOCTLS];
int lx_nioctls;
struct lx_path_note lx_paths[LX_MAX_PATHS];
int lx_npaths;
uint64_t lx_unknown_calls;

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
    else { free(t); t = overflow_table; }
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
    unlock();
}

void lx_record_unknown(long nr)
{
    (void)nr;
    __atomic_fetch_add(&lx_unknown_calls, 1, __ATOMIC_RELAXED);
}

void lx_record_partial(long nr, const char *what)
{
    lock();
    int i = 0;
    while (i < lx_nnotes && !(lx_notes[i].nr == nr && strcmp(lx_notes[i].what, what) == 0)) i++;
    if (i < lx_nnotes) lx_notes[i].count++;
    else if (lx_nnotes < LX_MAX_NOTES) lx_notes[lx_nnotes++] = (struct lx_note){ nr, what, 1 };
    unlock();
}

void lx_record_ioctl(unsigned req)
{
    lock();
    int i = 0;
    while (i < lx_nioctls && lx_ioctls[i].req != req) i++;
    if (i < lx_nioctls) lx_ioctls[i].count++;
    else if (lx_nioctls < LX_MAX_IOCTLS) lx_ioctls[lx_nioctls++] = (struct lx_ioctl_note){ req, 1 };
    unlock();
}

void lx_record_path(const char *path, int served)
{
    lock();
    int i = 0;
    while (i < lx_npaths && !(strncmp(lx_paths[i].path, path, sizeof lx_paths[i].path - 1) == 0 &&
                              lx_paths[i].served == served))
        i++;
    if (i < lx_npaths) lx_paths[i].count++;
    else if (lx_npaths < LX_MAX_PATHS) {
        snprintf(lx_paths[i].path, sizeof lx_paths[i].path, "%s", path);
        lx_paths[i].served = served;
        lx_paths[i].count = 1;
        lx_npaths++;
    }
    unlock();
}

/* record.h — what dispatch and the handlers tell the reports: counts, errors,
 * time, ignored flags, ioctl requests, emulated paths.  Observes only; never
 * changes a result. */
#ifndef LXRUN_RECORD_H
#define LXRUN_RECORD_H

#include <stdint.h>

#include "../process/handover.h"
#include "../syscalls/table.h"

struct lx_counts { uint64_t calls, errors, ns; };
/* The sums over every thread, filled by lx_counts_collect at report time. */
extern struct lx_counts lx_counts[LX_NR_MAX + 1];
void lx_counts_collect(void);

/* Counting happens only with reports on (dispatch's observed path), into the
 * calling thread's own table: no shared cache line, no atomic add per call. */
extern _Thread_local struct lx_counts *lx_thread_counts;
struct lx_counts *lx_counts_new_thread(void);
static inline struct lx_counts *lx_my_counts(void)
{
    return lx_thread_counts ? lx_thread_counts : lx_counts_new_thread();
}

/* One call into table (a thread's own): TLS-free. */
static inline void lx_record_call_in(struct lx_counts *table, unsigned long nr, long result)
{
    struct lx_counts *c = &table[nr];
    c->calls++;
    if ((unsigned long)result > -4096UL) c->errors++;
}

static inline void lx_record_call(unsigned long nr, long result) { lx_record_call_in(lx_my_counts(), nr, result); }

#define LX_MAX_NOTES 256
#define LX_MAX_IOCTLS 64
#define LX_MAX_PATHS 256

struct lx_note { long nr; const char *what; uint64_t count; };
struct lx_ioctl_note { unsigned req; uint64_t count; };
struct lx_path_note { char path[96]; int served; uint64_t count; };

extern struct lx_note lx_notes[LX_MAX_NOTES];
extern int lx_nnotes;
extern struct lx_ioctl_note lx_ioctls[LX_MAX_IOCTLS];
extern int lx_nioctls;
extern struct lx_path_note lx_paths[LX_MAX_PATHS];
extern int lx_npaths;
extern uint64_t lx_unknown_calls;
/* Signals delivered to guest handlers, by number (the process's, and with -c the
 * tree's as the session gathers them). */
extern uint64_t lx_signals_delivered[65];

/* A syscall number outside the table. */
void lx_record_unknown(long nr);
/* A call served only in part: what was ignored, e.g. "O_DIRECT".  `what` must
 * live for the whole run (a string literal). */
void lx_record_partial(long nr, const char *what);
/* An ioctl request lxrun does not serve. */
void lx_record_ioctl(unsigned req);
/* A /proc, /sys or /dev path the guest asked for, and whether lxrun served it. */
void lx_record_path(const char *path, int served);
/* The same, n times (another process's totals, report/session.c). */
void lx_record_partial_n(long nr, const char *what, uint64_t n);
void lx_record_ioctl_n(unsigned req, uint64_t n);
void lx_record_path_n(const char *path, int served, uint64_t n);
/* Forgets everything recorded (a forked child starts its own records). */
void lx_record_reset(void);

/* Across a guest's exec: everything counted so far goes to the next lxrun. */
void lx_record_handover_put(struct lx_handover *h);
/* Takes one record if it is the report's: 1, 0 if not, -1 if malformed. */
int lx_record_handover_take(const struct lx_ho_rec *r);

#endif

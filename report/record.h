/* record.h — what dispatch tells the reports: counts, errors, ignored flags.
 * Observes only; never changes a result. */
#ifndef LXRUN_RECORD_H
#define LXRUN_RECORD_H

#include <stdint.h>

#include "../syscalls/table.h"

struct lx_counts { uint64_t calls, errors; };
extern struct lx_counts lx_counts[LX_NR_MAX + 1];

static inline void lx_record_call(unsigned long nr, long result)
{
    __atomic_fetch_add(&lx_counts[nr].calls, 1, __ATOMIC_RELAXED);
    if ((unsigned long)result > -4096UL) __atomic_fetch_add(&lx_counts[nr].errors, 1, __ATOMIC_RELAXED);
}

/* A syscall number outside the table. */
void lx_record_unknown(long nr);
/* A call served only in part: what was ignored, e.g. "O_DIRECT", "ioctl 0x5401". */
void lx_record_partial(long nr, const char *what);

/* An ioctl request lxrun does not serve. */
void lx_record_ioctl(unsigned req);

#endif

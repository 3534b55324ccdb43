/* vdso_data.h — the page lxrun's vDSO image reads, just below the image (where a
 * kernel's vDSO has its vvar page): filled by ldso/vdso.c before the guest runs,
 * read by ldso/vdso_image.c in the guest's context. */
#ifndef LXRUN_VDSO_DATA_H
#define LXRUN_VDSO_DATA_H

#include <stdint.h>

#include "../redox/rx.h"

#define LX_VDSO_CLOCKS 16                    /* Linux clock ids 0..15 */

/* What the image counts for -c and --report, by function. */
enum lx_vdso_fn { LX_VDSO_CLOCK_GETTIME, LX_VDSO_GETTIMEOFDAY, LX_VDSO_TIME, LX_VDSO_GETCPU, LX_VDSO_CLOCK_GETRES,
                  LX_VDSO_NFN };
/* Each one's Linux system call: what the image makes when it cannot answer, and
 * the line its answers are counted on (ctest design.vdso_image checks them
 * against syscalls/table.def). */
#define LX_VDSO_NRS { 228, 96, 201, 309, 229 }

struct lx_vdso_data {
    uint32_t counting;                       /* count each answer in counts[] (a report was asked for) */
    int32_t clock_rx[LX_VDSO_CLOCKS];        /* the rx clock for each Linux id (abi_clock_to_rx), -1: none */
    struct rx_guest_time fn;                 /* the backend's; a NULL one: the image makes the call */
    uint64_t counts[LX_VDSO_NFN];
};

#endif

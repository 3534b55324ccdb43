/* spares.h — a few spare objects kept for the next taker, without a lock.
 *
 * A thread's start and end then map and unmap nothing (an unmap in a process with
 * threads is a TLB shootdown on every CPU it ran on), and the pages the last owner
 * touched are there already (each first touch a fault: ~12 us on a paravirtualised
 * VM).  Each slot holds one object or NULL: a take swaps NULL in, a give swaps
 * NULL out.  Here, at the bottom layer, so that every layer may keep its own
 * (thread stacks in the backend, alternate stacks in trap/, records in syscalls/). */
#ifndef LXRUN_SPARES_H
#define LXRUN_SPARES_H

#include <stddef.h>

/* A kept object, or NULL when there is none. */
static inline void *lx_spare_take(void **slots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *p = __atomic_exchange_n(&slots[i], NULL, __ATOMIC_ACQ_REL);
        if (p) return p;
    }
    return NULL;
}

/* 1 when p is kept, 0 when every slot is full (the caller frees it). */
static inline int lx_spare_give(void **slots, size_t n, void *p)
{
    for (size_t i = 0; i < n; i++) {
        void *none = NULL;
        if (__atomic_compare_exchange_n(&slots[i], &none, p, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return 1;
    }
    return 0;
}

#define LX_SPARES_N(slots) (sizeof(slots) / sizeof((slots)[0]))

#endif

/* robust.h — a process-shared robust mutex in a page of its own, which a fork's
 * child shares: how exec.c and threads.c watch locks released by a death or an
 * exec (EOWNERDEAD for the next owner). */
#ifndef GUEST_ROBUST_H
#define GUEST_ROBUST_H

#include <pthread.h>
#include <sys/mman.h>

#include "check.h"

static pthread_mutex_t *shared_robust_mutex(void)
{
    pthread_mutex_t *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    REQUIRE(pthread_mutex_init(m, &a) == 0);
    return m;
}

#endif

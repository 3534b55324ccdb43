/* shared.h — memory the processes of an lxrun session share (the process table,
 * the report's counts): an anonymous shm object (Redox: a shm: handle) held as
 * lxrun's own fd, inherited across fork and handed over across exec, and the
 * spin lock its tables are guarded by. */
#ifndef LXRUN_SHARED_H
#define LXRUN_SHARED_H

#include <stddef.h>

#include "../redox/rx.h"

/* Makes an object of len zeroed bytes and maps it: lxrun's fd, or -errno. */
long lx_shared_create(const char *name, size_t len, void **map);
/* Maps the object fd holds (after an exec): the address, or NULL. */
void *lx_shared_map(int fd, size_t len);

/* The lock word holds its holder's pid, with LX_SHARED_WAITERS set once another
 * process waits.  The holder may be another process, descheduled: waiters sleep
 * on the word (a futex shared across processes), not spin; or killed while
 * holding it (SIGKILL, a default action): a waiter that finds the holder gone
 * takes the lock over. */
#define LX_SHARED_WAITERS 0x40000000 /* above every pid (Linux's pid_max is at most 2^22) */
void lx_shared_lock(int *word);
void lx_shared_unlock(int *word);

#endif

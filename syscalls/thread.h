/* thread.h — new guest threads (thread.c). */
#ifndef LXRUN_SYSCALLS_THREAD_H
#define LXRUN_SYSCALLS_THREAD_H

#include <stdint.h>

#include "dispatch.h"

/* clone/clone3 with CLONE_THREAD: the new thread's tid, or -errno. */
long lx_clone_thread(struct lx_call *c, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                     uint64_t tls);
/* A fork's child: none of the parent's threads, none ending, no reaper. */
void lx_threads_forked(void);
/* 1 once this process (since its fork or start) has started a guest thread: an
 * ended one may still be on its way out (the reaper clears its tid word later). */
int lx_threads_ever(void);

#endif

/* thread.h — new guest threads (thread.c). */
#ifndef LXRUN_SYSCALLS_THREAD_H
#define LXRUN_SYSCALLS_THREAD_H

#include <stdint.h>

#include "dispatch.h"

/* clone/clone3 with CLONE_THREAD: the new thread's tid, or -errno. */
long lx_clone_thread(struct lx_call *c, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                     uint64_t tls);
/* A fork's child: none of the parent's threads, none ending. */
void lx_threads_forked(void);
/* 1 once this process (since its fork or start) has started a guest thread: an
 * ended one's host thread may still be on its way out. */
int lx_threads_ever(void);
/* 1 while the caller is the process's only guest thread: no other can run guest
 * code now (one that ended runs only lxrun's on its way out), though its host
 * thread may still be there.  TLS-free. */
int lx_threads_alone(void);
/* Threads that ended and whose host thread is gone: joined, their records kept
 * for the next.  One load when none ended. */
void lx_threads_reap_ended(void);
/* 1 when tid is a guest thread of this process that has ended while its host
 * thread, on its way out, still holds the id (tgkill, tkill: ESRCH). */
int lx_threads_ended(int tid);

#endif

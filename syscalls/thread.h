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
 * ended one may still be on its way out (its tid word is cleared later). */
int lx_threads_ever(void);
/* Threads that ended: each host thread joined (its tid free), then its guest
 * clear_child_tid word cleared and woken.  One load when there are none. */
void lx_threads_reap_ended(void);
/* A futex wait on a word that is a guest thread's clear_child_tid (process.h's
 * lx_process_thread_word): it also ends when any thread ends, and reaps it.
 * abs_clock as rx_futex_wait's (-1: the timeout is relative).  0 or -errno. */
struct rx_timespec;
long lx_threads_wait_tid_word(uint32_t *word, uint32_t val, const struct rx_timespec *timeout, int abs_clock, int shared);

#endif

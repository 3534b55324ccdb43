/* thread.c — handles: new guest threads (clone with CLONE_THREAD, as pthreads,
 * musl, Go and Rust std make them) and a thread's own exit.  Each guest thread is
 * a thread of lxrun's process with its own trap record, alternate stack, task
 * state and armed interception; it starts in guest code where the parent's clone
 * returns, with the parent's registers, the new stack and TLS, and rax 0. */
#include <stdlib.h>
#include <string.h>

#include "../abi/linux_sched.h"
#include "../guestmem/access.h"
#include "../redox/spares.h"
#include "../trap/trap.h"
#include "handler.h"
#include "process.h"
#include "thread.h"

/* What a new thread starts from: made by its creator, freed by the thread. */
struct thread_start {
    struct lx_thread *t;
    struct linux_sigcontext regs;
    uint64_t flags, child_tid;
    uint32_t go; /* GO_*: the creator lets the thread run guest code */
};
enum { GO_NOT_YET, GO_WAITING, GO_NOW };

/* A guest thread's end, as Linux's: its clear_child_tid word is zeroed and woken
 * only once the thread is gone (its tid free: tgkill on it fails ESRCH).  The host
 * thread is gone only after it returns from thread_main, so the ending thread lists
 * itself and moves ended_seq; whoever waits for such a word (a pthread_join, musl's
 * thread-list lock) waits on ended_seq too (lx_threads_wait_tid_word), and on
 * waking joins the host thread, then clears and wakes the word; so does the next
 * thread's creation, for words no one waits on.  Before 2026-12-03 a reaper thread
 * of lxrun's did it: its start and a wake-up for each end cost git status ~0.8 ms
 * of its 18 on the paravirtualised VM of design-notes. */
struct ended {
    struct ended *next;
    uint64_t handle, clear_child_tid;
    int tid;
};
static struct ended *ended_list RX_FORK_HOT;
static uint32_t ended_seq;
static int threads_started RX_FORK_HOT;

/* Clears and wakes a guest's clear_child_tid word, as Linux's mm_release. */
static void clear_tid_word(uint64_t clear_child_tid)
{
    uint32_t zero = 0;
    if (clear_child_tid && gm_copy_out(clear_child_tid, &zero, sizeof zero) == 0)
        rx_futex_wake((uint32_t *)(uintptr_t)clear_child_tid, 1, 1);
}

/* Every listed thread gone, then its word cleared. */
static long reap_ended(void *unused)
{
    (void)unused;
    for (struct ended *e = __atomic_exchange_n(&ended_list, NULL, __ATOMIC_ACQ_REL), *next; e; e = next) {
        next = e->next;
        rx_thread_join(e->handle);
        /* the system wakes a join as the thread leaves its memory, a moment before
         * its tid is free (tgkill still finds it): wait for that too */
        for (int tries = 0; tries < 10000 && rx_tgkill(rx_getpid(), e->tid, 0) == 0; tries++) rx_sched_yield();
        clear_tid_word(e->clear_child_tid);
        free(e);
    }
    return 0;
}

void lx_threads_reap_ended(void)
{
    if (__atomic_load_n(&ended_list, __ATOMIC_ACQUIRE)) lx_fs_call(reap_ended, NULL);
}

struct tid_wait { uint32_t *word; uint32_t val; const struct rx_timespec *timeout; int abs_clock, shared; };

/* The time d from now on clock. */
static struct rx_timespec from_now(int clock, const struct rx_timespec *d)
{
    struct rx_timespec t;
    rx_clock_gettime(clock, &t);
    t.sec += d->sec;
    t.nsec += d->nsec;
    if (t.nsec >= 1000000000) { t.sec++; t.nsec -= 1000000000; }
    return t;
}

/* Without futex_waitv (Linux before 5.16, where Syscall User Dispatch exists from
 * 5.11): the word alone, a millisecond at a time, so a thread's end is seen at the
 * next look at the latest.  0 (woken or looked again), or -errno. */
static long wait_word_polling(struct tid_wait *w, const struct rx_timespec *until, int clock)
{
    struct rx_timespec next = from_now(clock, &(struct rx_timespec){ 0, 1000 * 1000 });
    int last = until && (until->sec < next.sec || (until->sec == next.sec && until->nsec <= next.nsec));
    long r = rx_futex_wait(w->word, w->val, last ? until : &next, clock, w->shared);
    return r == -ETIMEDOUT && !last ? 0 : r;
}

static long wait_tid_word(void *arg)
{
    struct tid_wait *w = arg;
    /* FUTEX_WAIT's limit is relative, on the monotonic clock */
    int clock = w->abs_clock < 0 ? RX_CLOCK_MONOTONIC : w->abs_clock;
    struct rx_timespec until;
    if (w->timeout) until = w->abs_clock < 0 ? from_now(clock, w->timeout) : *w->timeout;
    /* the count first: an end after it moves it, and the wait returns at once */
    uint32_t seq = __atomic_load_n(&ended_seq, __ATOMIC_ACQUIRE);
    reap_ended(NULL);
    if (__atomic_load_n(w->word, __ATOMIC_ACQUIRE) != w->val) return -EAGAIN;
    struct rx_futex_waiter on[2] = { { w->word, w->val, w->shared }, { &ended_seq, seq, 0 } };
    long r = rx_futex_waitv(on, 2, w->timeout ? &until : NULL, clock);
    if (r == -ENOSYS) r = wait_word_polling(w, w->timeout ? &until : NULL, clock);
    reap_ended(NULL);
    return r < 0 ? r : 0;
}

long lx_threads_wait_tid_word(uint32_t *word, uint32_t val, const struct rx_timespec *timeout, int abs_clock, int shared)
{
    struct tid_wait w = { word, val, timeout, abs_clock, shared };
    return lx_fs_call(wait_tid_word, &w);
}

/* The calling host thread, about to end: listed, and the waiters on its word (or
 * on any thread's) woken to come and reap it.  Without memory for the entry the
 * word is cleared at once (the id may outlive it by a few microseconds). */
static void reap_me(uint64_t clear_child_tid, int tid)
{
    struct ended *e = malloc(sizeof *e);
    if (!e) {
        clear_tid_word(clear_child_tid);
        return;
    }
    e->handle = rx_thread_self();
    e->clear_child_tid = clear_child_tid;
    e->tid = tid;
    e->next = __atomic_load_n(&ended_list, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&ended_list, &e->next, e, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {}
    __atomic_fetch_add(&ended_seq, 1, __ATOMIC_RELEASE);
    rx_futex_wake(&ended_seq, INT32_MAX, 0);
}

void lx_threads_forked(void)
{
    /* the child has none of the parent's threads */
    ended_list = NULL;
    threads_started = 0;
}

int lx_threads_ever(void) { return __atomic_load_n(&threads_started, __ATOMIC_ACQUIRE) || lx_proc.threads != 1; }

/* Thread records (8.5 KiB) are kept for the next thread (spares.h): musl's malloc
 * gives memory of that size back to the system at the free, so each new record's
 * pages were faults again (three per thread). */
static void *spare_records[8];

static struct lx_thread *record_take(void)
{
    struct lx_thread *t = lx_spare_take(spare_records, LX_SPARES_N(spare_records));
    return t ? memset(t, 0, sizeof *t) : calloc(1, sizeof(struct lx_thread));
}

static void record_give(struct lx_thread *t)
{
    if (!lx_spare_give(spare_records, LX_SPARES_N(spare_records), t)) free(t);
}

static void thread_main(void *arg)
{
    struct thread_start *s = arg;
    struct lx_thread *t = s->t;
    if (lx_trap_thread_init(t) < 0) rx_exit(126); /* never run guest code unwatched */
    /* The creator lists the thread and writes its parent_tid word first, as Linux does
     * both before a new thread runs: it may exit, clearing that word, at once. */
    uint32_t not_yet = GO_NOT_YET;
    if (__atomic_compare_exchange_n(&s->go, &not_yet, GO_WAITING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&s->go, __ATOMIC_ACQUIRE) != GO_NOW) rx_futex_wait(&s->go, GO_WAITING, NULL, -1, 0);
    struct linux_sigcontext regs = s->regs;
    int tid = t->task.tid;
    /* Linux writes this one in the new thread too, before its first instruction */
    if ((s->flags & LINUX_CLONE_CHILD_SETTID) && s->child_tid) gm_copy_out(s->child_tid, &tid, sizeof tid);
    free(s);
    lx_trap_run_thread(t, &regs);
    /* the guest thread exited: the host thread ends as threads do, joined by the
     * word's waiter or the next creator, which then clears the word.  The thread
     * leaves the list only once it is listed as ended: a waiter that no longer finds
     * its word (futex.c) finds the entry; lxrun's record goes last. */
    reap_me(t->task.clear_child_tid, tid);
    lx_process_thread_remove(tid);
    record_give(t);
}

/* The creator does not wait for the new thread to run: with a thread busy on each
 * CPU that wait was 3-8 ms per pthread_create (the system queued the new thread
 * behind one, for its time slice), against 0.1 ms natively. */
long lx_clone_thread(struct lx_call *c, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                     uint64_t tls)
{
    if (!stack) return -EINVAL; /* a thread on its parent's stack would corrupt it */
    lx_threads_reap_ended(); /* the words of threads no one waited for (detached ones) */
    __atomic_store_n(&threads_started, 1, __ATOMIC_RELEASE);
    struct lx_thread *t = record_take();
    struct thread_start *s = malloc(sizeof *s);
    if (!t || !s) {
        if (t) record_give(t);
        free(s);
        return -EAGAIN;
    }
    t->guest_fs = (flags & LINUX_CLONE_SETTLS) ? tls : c->t->guest_fs;
    t->task.sigmask = c->task->sigmask; /* inherited; nothing pending, no alternate stack */
    /* set before the thread is listed: a join may wait on the word at once */
    if (flags & LINUX_CLONE_CHILD_CLEARTID) t->task.clear_child_tid = child_tid;
    *s = (struct thread_start){ .t = t, .flags = flags, .child_tid = child_tid, .go = GO_NOT_YET };
    lx_trap_call_regs(c, &s->regs);
    s->regs.rax = 0;
    s->regs.rsp = stack;
    __atomic_fetch_add(&lx_proc.threads, 1, __ATOMIC_ACQ_REL);
    long r = rx_thread_spawn(thread_main, s);
    if (r < 0) {
        __atomic_fetch_sub(&lx_proc.threads, 1, __ATOMIC_ACQ_REL);
        record_give(t);
        free(s);
        return r == -ENOMEM ? -ENOMEM : -EAGAIN;
    }
    int tid = (int)r;
    __atomic_store_n(&t->task.tid, tid, __ATOMIC_RELAXED); /* the thread's own set-up stores the same */
    if ((flags & LINUX_CLONE_PARENT_SETTID) && parent_tid) gm_copy_out(parent_tid, &tid, sizeof tid);
    lx_process_thread_add(&t->task);
    /* a wake only for a thread that waits: one that has not looked yet sees GO_NOW */
    if (__atomic_exchange_n(&s->go, GO_NOW, __ATOMIC_ACQ_REL) == GO_WAITING) rx_futex_wake(&s->go, 1, 0);
    return tid;
}

/* exit: this thread only.  Its clear_child_tid word is zeroed and woken once it is
 * gone, by its waiter or the next creator (reap_me) or the system (the main thread)
 * (what pthread_join waits on); the last thread's exit ends the process. */
long sys_exit(struct lx_call *c)
{
    if (__atomic_sub_fetch(&lx_proc.threads, 1, __ATOMIC_ACQ_REL) == 0) lx_exit_group((int)c->a[0]);
    if (!c->t->exit_jump) lx_process_thread_remove(c->task->tid); /* the main thread; others: thread_main */
    lx_trap_thread_exit(c->t);
}

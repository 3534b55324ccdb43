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
#include "vfork_spare.h"

/* What a new thread starts from, written by its creator. */
struct thread_start {
    struct linux_sigcontext regs;
    uint64_t flags, child_tid;
    uint32_t go; /* GO_*: the creator lets the thread run guest code */
};
enum { GO_NOT_YET, GO_WAITING, GO_NOW };

/* All of a guest thread's memory of lxrun's, one block: kept for the next thread
 * (spares.h; musl's malloc gave a block of that size back to the system at its
 * free, so each new one's pages were faults again), never allocated per call. */
struct thread_record {
    struct lx_thread t; /* first: the trap's record, at %gs until the host thread is gone */
    struct thread_start start;
    struct thread_record *ended_next;
    uint64_t handle; /* the host thread, to join */
    int tid;
    int joined; /* by the reaper, which alone takes records off the list */
};

/* A guest thread's end, as Linux's: it leaves the thread list, then its
 * clear_child_tid word is zeroed and woken (mm_release), which is what
 * pthread_join waits on.  Its host thread goes on a moment (lxrun's code, every
 * signal blocked) and keeps its id meanwhile, so the thread is listed as ended
 * until that host thread is joined: tgkill and tkill answer ESRCH for it
 * (lx_threads_ended), as Linux does once the word is clear.  The join, which
 * gives the record, stacks and id back, is lazy: at the next thread's creation or
 * futex wait, never waiting.  Until 2026-12-04 the word was cleared only after the
 * join: the joiner woke three times (the end's notice, musl's join, the host
 * thread's exit) and a pthread_create + join cost ~175 us more than natively on
 * the paravirtualised VM of design-notes. */
static struct thread_record *ended_list RX_FORK_HOT;
static int ended_lock RX_FORK_HOT, threads_started RX_FORK_HOT, reaping RX_FORK_HOT;

/* Held for a few list steps only: a waiter spins (the join is done outside it). */
static void ended_take_lock(void)
{
    while (__atomic_exchange_n(&ended_lock, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
}
static void ended_drop_lock(void) { __atomic_store_n(&ended_lock, 0, __ATOMIC_RELEASE); }

/* Clears and wakes a guest's clear_child_tid word, as Linux's mm_release. */
static void clear_tid_word(uint64_t clear_child_tid)
{
    uint32_t zero = 0;
    if (clear_child_tid && gm_copy_out(clear_child_tid, &zero, sizeof zero) == 0)
        rx_futex_wake((uint32_t *)(uintptr_t)clear_child_tid, 1, 1);
}

static void *spare_records[8] RX_START_WRITTEN; /* a page of its own in .bss: a fault at the first clone */

static struct thread_record *record_take(void)
{
    struct thread_record *r = lx_spare_take(spare_records, LX_SPARES_N(spare_records));
    return r ? memset(r, 0, sizeof *r) : calloc(1, sizeof *r);
}

static void record_give(struct thread_record *r)
{
    if (!lx_spare_give(spare_records, LX_SPARES_N(spare_records), r)) free(r);
}

/* Every ended thread whose host thread is gone (but self, the caller's, when
 * given): joined, its record given back.
 * One reaper at a time (another's call returns at once), joining outside the
 * lock: a record leaves the list only here, and new ones come at its head, so a
 * walk from the head as it was needs no lock; the joined ones are then unlinked
 * under it.  The join itself never waits (rx_thread_join).  Until 2026-12-04 the
 * joins ran under the spin lock, and musl's tryjoin waits for a thread in its
 * exit: threads ending meanwhile spun on the lock, starving on 2 CPUs the one
 * that had to finish -- 4 pthread_create + join took up to 12 ms (native 0.2). */
static long reap_ended(void *self)
{
    if (__atomic_exchange_n(&reaping, 1, __ATOMIC_ACQUIRE)) return 0;
    int any = 0;
    for (struct thread_record *r = __atomic_load_n(&ended_list, __ATOMIC_ACQUIRE); r; r = r->ended_next)
        if (r != self && rx_thread_join(r->handle) == 0) r->joined = any = 1;
    struct thread_record *joined = NULL;
    if (any) {
        ended_take_lock();
        for (struct thread_record **at = &ended_list, *r; (r = *at);) {
            if (!r->joined) {
                at = &r->ended_next;
                continue;
            }
            *at = r->ended_next;
            r->ended_next = joined, joined = r;
        }
        ended_drop_lock();
    }
    __atomic_store_n(&reaping, 0, __ATOMIC_RELEASE);
    while (joined) {
        struct thread_record *next = joined->ended_next;
        lx_trap_thread_free(&joined->t);
        record_give(joined);
        joined = next;
    }
    return 0;
}

void lx_threads_reap_ended(void)
{
    if (__atomic_load_n(&ended_list, __ATOMIC_ACQUIRE)) lx_fs_call(reap_ended, NULL);
}

int lx_threads_ended(int tid)
{
    if (!__atomic_load_n(&ended_list, __ATOMIC_ACQUIRE)) return 0;
    int found = 0;
    ended_take_lock();
    for (struct thread_record *r = ended_list; r && !found; r = r->ended_next) found = r->tid == tid;
    ended_drop_lock();
    return found;
}

/* The calling host thread's guest thread has ended: listed as ended first, so that
 * no moment finds its id in neither list. */
static void thread_ended(struct thread_record *r, int tid)
{
    uint64_t word = r->t.task.clear_child_tid;
    r->handle = rx_thread_self();
    r->tid = tid;
    ended_take_lock();
    r->ended_next = ended_list;
    __atomic_store_n(&ended_list, r, __ATOMIC_RELEASE);
    ended_drop_lock();
    lx_process_thread_remove(tid);
    clear_tid_word(word);
}

void lx_threads_forked(void)
{
    /* the child has none of the parent's threads */
    ended_list = NULL;
    ended_lock = reaping = 0;
    threads_started = 0;
}

int lx_threads_ever(void) { return __atomic_load_n(&threads_started, __ATOMIC_ACQUIRE) || lx_proc.threads != 1; }

/* Only another caller's clone adds a thread, and a thread's exit takes itself off
 * before its last step out of guest code (sys_exit). */
__attribute__((no_stack_protector)) int lx_threads_alone(void) { return __atomic_load_n(&lx_proc.threads, __ATOMIC_ACQUIRE) == 1; }

static void thread_main(void *arg)
{
    struct thread_record *r = arg;
    struct lx_thread *t = &r->t;
    if (lx_trap_thread_init(t) < 0) rx_exit(126); /* never run guest code unwatched */
    /* The creator lists the thread and writes its parent_tid word first, as Linux does
     * both before a new thread runs: it may exit, clearing that word, at once. */
    uint32_t not_yet = GO_NOT_YET;
    if (__atomic_compare_exchange_n(&r->start.go, &not_yet, GO_WAITING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&r->start.go, __ATOMIC_ACQUIRE) != GO_NOW) rx_futex_wait(&r->start.go, GO_WAITING, NULL, -1, 0);
    int tid = t->task.tid;
    /* Linux writes this one in the new thread too, before its first instruction */
    if ((r->start.flags & LINUX_CLONE_CHILD_SETTID) && r->start.child_tid)
        gm_copy_out(r->start.child_tid, &tid, sizeof tid);
    lx_trap_run_thread(t, &r->start.regs);
    thread_ended(r, tid); /* the host thread then ends as threads do */
    /* Those that ended before, joined here, on lxrun's FS already: a join's futex
     * wait did it, two FS switches each on a host without FSGSBASE (a pthread_create
     * and join 75 -> ~70 us on a KPTI VM, native 38).  This one is not gone yet: the
     * next thread's end or clone joins it. */
    reap_ended(r);
}

/* The creator does not wait for the new thread to run: with a thread busy on each
 * CPU that wait was 3-8 ms per pthread_create (the system queued the new thread
 * behind one, for its time slice), against 0.1 ms natively. */
long lx_clone_thread(struct lx_call *c, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                     uint64_t tls)
{
    if (!stack) return -EINVAL; /* a thread on its parent's stack would corrupt it */
    lx_vfork_spare_drop(); /* its fd table and children would be the threads' too */
    lx_threads_reap_ended();
    __atomic_store_n(&threads_started, 1, __ATOMIC_RELEASE);
    struct thread_record *r = record_take();
    if (!r) return -EAGAIN;
    struct lx_thread *t = &r->t;
    t->guest_fs = (flags & LINUX_CLONE_SETTLS) ? tls : c->t->guest_fs;
    t->task.sigmask = c->task->sigmask; /* inherited; nothing pending, no alternate stack */
    /* set before the thread is listed: a join may wait on the word at once */
    if (flags & LINUX_CLONE_CHILD_CLEARTID) t->task.clear_child_tid = child_tid;
    r->start = (struct thread_start){ .flags = flags, .child_tid = child_tid, .go = GO_NOT_YET };
    lx_trap_call_regs(c, &r->start.regs);
    r->start.regs.rax = 0;
    r->start.regs.rsp = stack;
    __atomic_fetch_add(&lx_proc.threads, 1, __ATOMIC_ACQ_REL);
    long id = rx_thread_spawn(thread_main, r);
    if (id < 0) {
        __atomic_fetch_sub(&lx_proc.threads, 1, __ATOMIC_ACQ_REL);
        record_give(r);
        return id == -ENOMEM ? -ENOMEM : -EAGAIN;
    }
    int tid = (int)id;
    __atomic_store_n(&t->task.tid, tid, __ATOMIC_RELAXED); /* the thread's own set-up stores the same */
    if ((flags & LINUX_CLONE_PARENT_SETTID) && parent_tid) gm_copy_out(parent_tid, &tid, sizeof tid);
    lx_process_thread_add(&t->task);
    /* a wake only for a thread that waits: one that has not looked yet sees GO_NOW */
    if (__atomic_exchange_n(&r->start.go, GO_NOW, __ATOMIC_ACQ_REL) == GO_WAITING) rx_futex_wake(&r->start.go, 1, 0);
    return tid;
}

/* exit: this thread only.  Its clear_child_tid word is zeroed and woken as it
 * leaves (thread_ended), by the system for the main thread (what pthread_join
 * waits on); the last thread's exit ends the process. */
long sys_exit(struct lx_call *c)
{
    if (__atomic_sub_fetch(&lx_proc.threads, 1, __ATOMIC_ACQ_REL) == 0) lx_exit_group((int)c->a[0]);
    if (!c->t->exit_jump) lx_process_thread_remove(c->task->tid); /* the main thread; others: thread_main */
    lx_trap_thread_exit(c->t);
}

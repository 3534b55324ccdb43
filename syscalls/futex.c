/* futex.c — handles: futex, futex_waitv.  Guest and lxrun share memory, so the
 * guest's word is handed to the system's futex directly after checking it is
 * guest memory.  WAIT, WAKE and REQUEUE are Redox's own; bitsets, WAKE_OP, the
 * priority-inheritance locks and futex_waitv are host-backend extensions (rx.h
 * gives the Redox plan). */
#include "../abi/linux_misc.h"
#include "../abi/linux_time.h"

#include "handler.h"
#include "thread.h"

/* A second futex word argument: aligned guest memory. */
static uint32_t *word_at(uint64_t addr, long *err)
{
    if (addr & 3) { *err = -EINVAL; return NULL; }
    uint32_t *w = gm_lock_read(addr, 4);
    if (!w) *err = -EFAULT;
    return w;
}

/* The timeout argument (NULL: none). */
static long timeout_at(uint64_t ptr, struct rx_timespec *ts, struct rx_timespec **tp)
{
    *tp = NULL;
    if (!ptr) return 0;
    long e = lx_timespec_arg(ptr, ts);
    if (e < 0) return e;
    *tp = ts;
    return 0;
}

static long wake_op(struct lx_call *c, uint32_t *word, int shared)
{
    long err;
    uint32_t *word2 = word_at(c->a[4], &err);
    if (!word2) return err;
    struct rx_futex_wake_op o;
    long r = abi_futex_wake_op_to_rx((uint32_t)c->a[5], &o);
    return r < 0 ? r : rx_futex_wake_op(word, (int)c->a[2], word2, (int)c->a[3], &o, shared);
}

/* LOCK_PI's timeout is on CLOCK_REALTIME; LOCK_PI2's on MONOTONIC unless the call says REALTIME */
static long pi_op(struct lx_call *c, int cmd, int op, uint32_t *word, int shared)
{
    struct rx_timespec ts, *tp;
    switch (cmd) {
    case LINUX_FUTEX_TRYLOCK_PI: return rx_futex_pi(word, RX_FUTEX_TRYLOCK, NULL, RX_CLOCK_REALTIME, shared);
    case LINUX_FUTEX_UNLOCK_PI: return rx_futex_pi(word, RX_FUTEX_UNLOCK, NULL, RX_CLOCK_REALTIME, shared);
    default: {
        long e = timeout_at(c->a[3], &ts, &tp);
        if (e < 0) return e;
        int clock = cmd == LINUX_FUTEX_LOCK_PI || (op & LINUX_FUTEX_CLOCK_REALTIME) ? RX_CLOCK_REALTIME : RX_CLOCK_MONOTONIC;
        return rx_futex_pi(word, RX_FUTEX_LOCK, tp, clock, shared);
    }
    }
}

static long requeue_pi(struct lx_call *c, int cmd, int op, uint32_t *word, int shared)
{
    long err;
    uint32_t *pi = word_at(c->a[4], &err);
    if (!pi) return err;
    if (pi == word) return -EINVAL;
    if (cmd == LINUX_FUTEX_CMP_REQUEUE_PI) {
        if (c->a[2] != 1 || (int)c->a[3] < 0) return -EINVAL; /* exactly one woken, as Linux asks */
        return rx_futex_requeue_pi(word, (int)c->a[3], pi, (uint32_t)c->a[5], shared);
    }
    struct rx_timespec ts, *tp;
    long e = timeout_at(c->a[3], &ts, &tp);
    if (e < 0) return e;
    return rx_futex_wait_requeue_pi(word, (uint32_t)c->a[2], tp, op & LINUX_FUTEX_CLOCK_REALTIME ? RX_CLOCK_REALTIME : RX_CLOCK_MONOTONIC,
                                    pi, shared);
}

static long futex_op(struct lx_call *c);

/* Only the waiting operations sleep: a wake shows the caller running, as Linux. */
long sys_futex(struct lx_call *c)
{
    int cmd = (int)c->a[1] & LINUX_FUTEX_CMD_MASK;
    int waits = cmd == LINUX_FUTEX_WAIT || cmd == LINUX_FUTEX_WAIT_BITSET || cmd == LINUX_FUTEX_LOCK_PI ||
                cmd == LINUX_FUTEX_LOCK_PI2 || cmd == LINUX_FUTEX_WAIT_REQUEUE_PI;
    if (!waits) return futex_op(c);
    long r = lx_call_sleeping(c, 1) ? -EINTR : futex_op(c);
    lx_call_sleeping(c, 0);
    return r;
}

static long futex_op(struct lx_call *c)
{
    int op = (int)c->a[1], cmd = op & LINUX_FUTEX_CMD_MASK;
    uint32_t val = (uint32_t)c->a[2], bits = (uint32_t)c->a[5];
    int shared = !(op & LINUX_FUTEX_PRIVATE_FLAG); /* a word other processes may wait on too */
    long err;
    uint32_t *word = word_at(c->a[0], &err);
    if (!word) return err;
    if ((op & LINUX_FUTEX_CLOCK_REALTIME) && cmd != LINUX_FUTEX_WAIT && cmd != LINUX_FUTEX_WAIT_BITSET &&
        cmd != LINUX_FUTEX_WAIT_REQUEUE_PI && cmd != LINUX_FUTEX_LOCK_PI2)
        return -ENOSYS; /* as Linux answers the flag on other operations */
    struct rx_timespec ts, *tp;
    switch (cmd) {
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAIT_BITSET: {
        if ((err = timeout_at(c->a[3], &ts, &tp)) < 0) return err;
        c->eintr_only = tp != NULL; /* Linux restarts a timed wait only when no handler ran */
        if (cmd == LINUX_FUTEX_WAIT_BITSET && !bits) return -EINVAL;
        int clock = op & LINUX_FUTEX_CLOCK_REALTIME ? RX_CLOCK_REALTIME : RX_CLOCK_MONOTONIC;
        if (cmd == LINUX_FUTEX_WAIT) return rx_futex_wait(word, val, tp, -1, shared);
        return bits == LINUX_FUTEX_BITSET_MATCH_ANY ? rx_futex_wait(word, val, tp, clock, shared)
                                                     : rx_futex_wait_bits(word, val, tp, clock, bits, shared);
    }
    case LINUX_FUTEX_WAKE: return rx_futex_wake(word, (int)val, shared);
    case LINUX_FUTEX_WAKE_BITSET:
        if (!bits) return -EINVAL;
        return bits == LINUX_FUTEX_BITSET_MATCH_ANY ? rx_futex_wake(word, (int)val, shared)
                                                     : rx_futex_wake_bits(word, (int)val, bits, shared);
    case LINUX_FUTEX_REQUEUE:
    case LINUX_FUTEX_CMP_REQUEUE: {
        /* the count to move travels in the timeout's place */
        if ((int)val < 0 || (int)c->a[3] < 0) return -EINVAL;
        uint32_t *word2 = word_at(c->a[4], &err);
        if (!word2) return err;
        return rx_futex_requeue(word, (int)val, (int)c->a[3], word2, cmd == LINUX_FUTEX_CMP_REQUEUE, (uint32_t)c->a[5], shared);
    }
    case LINUX_FUTEX_WAKE_OP: return wake_op(c, word, shared);
    case LINUX_FUTEX_LOCK_PI: case LINUX_FUTEX_LOCK_PI2: case LINUX_FUTEX_TRYLOCK_PI: case LINUX_FUTEX_UNLOCK_PI:
        return pi_op(c, cmd, op, word, shared);
    case LINUX_FUTEX_WAIT_REQUEUE_PI: case LINUX_FUTEX_CMP_REQUEUE_PI: return requeue_pi(c, cmd, op, word, shared);
    default: return -ENOSYS; /* no other operation exists */
    }
}

/* futex_waitv(waiters, n, flags, timeout, clock): 32-bit words only, as Linux. */
long sys_futex_waitv(struct lx_call *c)
{
    unsigned n = (unsigned)c->a[1];
    if (c->a[2] || !n || n > LINUX_FUTEX_WAITV_MAX) return -EINVAL;
    struct linux_futex_waitv k[LINUX_FUTEX_WAITV_MAX];
    struct rx_futex_waiter w[LINUX_FUTEX_WAITV_MAX];
    if (!c->a[0]) return -EINVAL; /* as Linux checks before reading */
    if (gm_copy_in(k, c->a[0], n * sizeof k[0]) < 0) return -EFAULT;
    for (unsigned i = 0; i < n; i++) {
        if (k[i].reserved || (k[i].flags & ~(uint32_t)(LINUX_FUTEX2_SIZE_U32 | LINUX_FUTEX2_PRIVATE)) ||
            (k[i].flags & 3) != LINUX_FUTEX2_SIZE_U32 || k[i].val >> 32)
            return -EINVAL;
        long err;
        if (!(w[i].addr = word_at(k[i].uaddr, &err))) return err;
        w[i].val = (uint32_t)k[i].val;
        w[i].shared = !(k[i].flags & LINUX_FUTEX2_PRIVATE);
    }
    int clock = abi_clock_to_rx((int)c->a[4]);
    struct rx_timespec ts, *tp = NULL;
    if (c->a[3]) {
        if (clock != RX_CLOCK_REALTIME && clock != RX_CLOCK_MONOTONIC) return -EINVAL;
        long e = lx_timespec_arg(c->a[3], &ts);
        if (e < 0) return e;
        tp = &ts;
    }
    return rx_futex_waitv(w, n, tp, clock == RX_CLOCK_REALTIME ? RX_CLOCK_REALTIME : RX_CLOCK_MONOTONIC);
}

/* A robust lock the dying owner (tid) still holds: marked owner-died, and one
 * waiter woken (Linux's handle_futex_death). */
static void owner_died(uint64_t addr, int tid)
{
    if (addr & 3) return;
    uint32_t *w = gm_lock_write(addr, 4);
    if (!w) return;
    uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    do {
        if ((v & LINUX_FUTEX_TID_MASK) != (uint32_t)tid) return;
    } while (!__atomic_compare_exchange_n(w, &v, (v & LINUX_FUTEX_WAITERS) | LINUX_FUTEX_OWNER_DIED, 0,
                                          __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
    if (v & LINUX_FUTEX_WAITERS) rx_futex_wake(w, 1, 1);
}

/* What Linux's exec does with the caller's robust list (exec_mm_release): the
 * old program's locks are released as by its death, and the list is forgotten
 * (the system's copy too: its head is about to be unmapped, and the system would
 * walk whatever the new program puts there when the process ends; a length other
 * than the head's is refused, EINVAL, leaving the old head set). */
void lx_robust_list_release(struct lx_task *t)
{
    uint64_t head = t->robust_list;
    t->robust_list = t->robust_len = 0;
    rx_set_robust_list(0, LINUX_ROBUST_LIST_HEAD_SIZE);
    struct { uint64_t next; int64_t offset; uint64_t pending; } h;
    if (!head || gm_copy_in(&h, head, sizeof h) < 0) return;
    uint64_t e = h.next & ~1ULL, pending = h.pending & ~1ULL;
    for (int n = 0; e && e != head && n < LINUX_ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        if (gm_copy_in(&next, e, sizeof next) < 0) break;
        if (e != pending) owner_died(e + (uint64_t)h.offset, t->tid);
        e = next & ~1ULL;
    }
    if (pending) owner_died(pending + (uint64_t)h.offset, t->tid);
}

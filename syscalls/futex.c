/* futex.c — handles: futex.  Guest and lxrun share memory, so the guest's word
 * is handed to Redox's futex directly after checking it is guest memory. */
#include "../abi/linux_misc.h"

#include "handler.h"

long sys_futex(struct lx_call *c)
{
    int op = (int)c->a[1], cmd = op & LINUX_FUTEX_CMD_MASK;
    uint32_t val = (uint32_t)c->a[2];
    int shared = !(op & LINUX_FUTEX_PRIVATE_FLAG); /* a word other processes may wait on too */
    if (c->a[0] & 3) return -EINVAL;
    uint32_t *word = gm_lock_read(c->a[0], 4);
    if (!word) return -EFAULT;
    if ((cmd == LINUX_FUTEX_WAIT_BITSET || cmd == LINUX_FUTEX_WAKE_BITSET) && (uint32_t)c->a[5] != LINUX_FUTEX_BITSET_MATCH_ANY) {
        lx_record_partial(c->nr, "futex bitset other than MATCH_ANY");
        return -EINVAL;
    }
    switch (cmd) {
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAIT_BITSET: {
        struct rx_timespec ts, *tp = NULL;
        if (c->a[3]) {
            long e = lx_timespec_arg(c->a[3], &ts);
            if (e < 0) return e;
            tp = &ts;
        }
        int abs_clock = cmd == LINUX_FUTEX_WAIT_BITSET ? (op & LINUX_FUTEX_CLOCK_REALTIME ? RX_CLOCK_REALTIME : RX_CLOCK_MONOTONIC) : -1;
        return rx_futex_wait(word, val, tp, abs_clock, shared);
    }
    case LINUX_FUTEX_WAKE:
    case LINUX_FUTEX_WAKE_BITSET:
        return rx_futex_wake(word, (int)val, shared);
    case LINUX_FUTEX_REQUEUE:
    case LINUX_FUTEX_CMP_REQUEUE: {
        /* the count to move travels in the timeout's place */
        if ((int)val < 0 || (int)c->a[3] < 0) return -EINVAL;
        if (c->a[4] & 3) return -EINVAL;
        uint32_t *word2 = gm_lock_read(c->a[4], 4);
        if (!word2) return -EFAULT;
        return rx_futex_requeue(word, (int)val, (int)c->a[3], word2, cmd == LINUX_FUTEX_CMP_REQUEUE,
                                (uint32_t)c->a[5], shared);
    }
    default:
        lx_record_partial(c->nr, "futex operation other than WAIT/WAKE/REQUEUE");
        return -ENOSYS;
    }
}

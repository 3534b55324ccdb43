/* futex.c — FUTEX_WAKE_OP's encoded operation to rx.h's record. */
#include <errno.h>

#include "../redox/rx.h"
#include "linux_misc.h"

static int32_t sign_extend12(uint32_t v) { return (int32_t)(v << 20) >> 20; }

int abi_futex_wake_op_to_rx(uint32_t encoded, struct rx_futex_wake_op *o)
{
    static const enum rx_futex_change ops[] = { RX_FUTEX_SET, RX_FUTEX_ADD, RX_FUTEX_OR, RX_FUTEX_ANDN, RX_FUTEX_XOR };
    static const enum rx_futex_cmp cmps[] = { RX_FUTEX_EQ, RX_FUTEX_NE, RX_FUTEX_LT, RX_FUTEX_LE, RX_FUTEX_GT, RX_FUTEX_GE };
    unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    int32_t arg = sign_extend12((encoded >> 12) & 0xfff);
    if (op >= sizeof ops / sizeof ops[0] || cmp >= sizeof cmps / sizeof cmps[0]) return -ENOSYS;
    if (encoded & (8u << 28)) arg = (int32_t)(1u << (arg & 31)); /* Linux masks a shift out of range, with a warning */
    *o = (struct rx_futex_wake_op){ ops[op], (uint32_t)arg, cmps[cmp], (uint32_t)sign_extend12(encoded & 0xfff) };
    return 0;
}

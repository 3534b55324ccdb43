/* sched.c — handles: scheduling policies and priorities, CPU affinity, getcpu,
 * membarrier, sched_yield.  Guest threads are the system's threads, so a tid or
 * pid names the same thread for the guest and for rx; 0 is the caller. */
#include "../abi/linux_sched.h"
#include "../abi/linux_time.h"
#include "handler.h"

#define MASK_WORDS 16 /* 1024 CPUs */

long sys_sched_yield(struct lx_call *c) { (void)c; return rx_sched_yield(); }

long sys_sched_getscheduler(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (pid < 0) return -EINVAL;
    int reset_on_fork = 0;
    long p = rx_sched_getscheduler(pid, &reset_on_fork);
    if (p < 0) return p;
    return abi_sched_policy_from_rx((int)p) | (reset_on_fork ? LINUX_SCHED_RESET_ON_FORK : 0);
}

static long param_in(uint64_t ptr, int *prio)
{
    if (!ptr) return -EINVAL;
    return gm_copy_in(prio, ptr, sizeof *prio);
}

long sys_sched_setscheduler(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    int policy = (int)c->a[1], prio;
    if (pid < 0) return -EINVAL;
    long r = param_in(c->a[2], &prio);
    if (r < 0) return r;
    int rx = abi_sched_policy_to_rx(policy & ~LINUX_SCHED_RESET_ON_FORK);
    if (rx < 0) return rx;
    return rx_sched_setscheduler(pid, rx, prio, (policy & LINUX_SCHED_RESET_ON_FORK) != 0);
}

long sys_sched_getparam(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (pid < 0 || !c->a[1]) return -EINVAL;
    long r = rx_sched_getparam(pid);
    if (r < 0) return r;
    int prio = (int)r;
    return gm_copy_out(c->a[1], &prio, sizeof prio);
}

long sys_sched_setparam(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    int prio;
    if (pid < 0) return -EINVAL;
    long r = param_in(c->a[1], &prio);
    return r < 0 ? r : rx_sched_setparam(pid, prio);
}

static long priority_limit(struct lx_call *c, int max)
{
    int rx = abi_sched_policy_to_rx((int)c->a[0]);
    return rx < 0 ? rx : rx_sched_priority_limit(rx, max);
}

long sys_sched_get_priority_max(struct lx_call *c) { return priority_limit(c, 1); }
long sys_sched_get_priority_min(struct lx_call *c) { return priority_limit(c, 0); }

long sys_sched_rr_get_interval(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (pid < 0) return -EINVAL;
    struct rx_timespec t;
    long r = rx_sched_rr_interval(pid, &t);
    if (r < 0) return r;
    struct linux_timespec k = { t.sec, t.nsec };
    return gm_copy_out(c->a[1], &k, sizeof k);
}

/* The guest's size must hold every possible CPU and be whole longs, as Linux asks;
 * the answer is the system's set, as many bytes as it takes. */
long sys_sched_getaffinity(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    size_t len = c->a[1];
    struct rx_sysfacts f;
    rx_sysfacts(&f, RX_FACTS_CPUS);
    if (len * 8 < (size_t)f.ncpu || (len & 7)) return -EINVAL;
    uint64_t mask[MASK_WORDS] = { 0 };
    long r = rx_sched_getaffinity(pid, mask, len / 8 < MASK_WORDS ? len / 8 : MASK_WORDS);
    if (r < 0) return r;
    return gm_copy_out(c->a[2], mask, (size_t)r) < 0 ? -EFAULT : r;
}

/* A shorter mask than the system's leaves the other CPUs out; a longer one's
 * bits beyond 1024 CPUs are ignored. */
long sys_sched_setaffinity(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    size_t len = c->a[1] < sizeof(uint64_t) * MASK_WORDS ? c->a[1] : sizeof(uint64_t) * MASK_WORDS;
    uint64_t mask[MASK_WORDS] = { 0 };
    if (gm_copy_in(mask, c->a[2], len) < 0) return -EFAULT;
    return rx_sched_setaffinity(pid, mask, MASK_WORDS);
}

long sys_getcpu(struct lx_call *c)
{
    unsigned cpu, node;
    long r = rx_getcpu(&cpu, &node);
    if (r < 0) return r;
    if (c->a[0] && gm_copy_out(c->a[0], &cpu, sizeof cpu) < 0) return -EFAULT;
    if (c->a[1] && gm_copy_out(c->a[1], &node, sizeof node) < 0) return -EFAULT;
    return 0;
}

long sys_membarrier(struct lx_call *c) { return rx_membarrier((int)c->a[0], (unsigned)c->a[1], (int)c->a[2]); }

long sys_sched_getattr(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    unsigned size = (unsigned)c->a[2];
    if (!c->a[1] || pid < 0 || size > 4096 || size < LINUX_SCHED_ATTR_SIZE_VER0 || c->a[3]) return -EINVAL;
    struct rx_sched_attr a;
    long r = rx_sched_getattr(pid, &a);
    if (r < 0) return r;
    struct linux_sched_attr k = { .sched_policy = (uint32_t)abi_sched_policy_from_rx(a.policy), .sched_flags = a.flags,
                                  .sched_nice = a.nice, .sched_priority = a.priority, .sched_runtime = a.runtime,
                                  .sched_deadline = a.deadline, .sched_period = a.period, .sched_util_max = 1024 };
    k.size = size < sizeof k ? size : (uint32_t)sizeof k;
    return gm_copy_out(c->a[1], &k, k.size);
}

/* The guest's struct may be older (48 bytes, or size 0) or newer than lxrun's: a
 * newer one's extra bytes must be zero, else E2BIG with lxrun's size written back. */
static long sched_attr_in(uint64_t ptr, struct linux_sched_attr *k)
{
    uint32_t size;
    if (gm_copy_in(&size, ptr, sizeof size) < 0) return -EFAULT;
    if (!size) size = LINUX_SCHED_ATTR_SIZE_VER0;
    int too_big = size < LINUX_SCHED_ATTR_SIZE_VER0 || size > 4096;
    memset(k, 0, sizeof *k);
    if (!too_big && gm_copy_in(k, ptr, size < sizeof *k ? size : sizeof *k) < 0) return -EFAULT;
    for (uint32_t off = sizeof *k; !too_big && off < size; off++) {
        uint8_t b;
        if (gm_copy_in(&b, ptr + off, 1) < 0) return -EFAULT;
        too_big = b != 0;
    }
    if (too_big) {
        uint32_t mine = sizeof *k;
        return gm_copy_out(ptr, &mine, sizeof mine) < 0 ? -EFAULT : -E2BIG;
    }
    k->size = size;
    return 0;
}

long sys_sched_setattr(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (!c->a[1] || pid < 0 || c->a[2]) return -EINVAL;
    struct linux_sched_attr k;
    long r = sched_attr_in(c->a[1], &k);
    if (r < 0) return r;
    if (k.sched_flags & LINUX_SCHED_FLAG_UTIL_CLAMP) {
        if (k.size < sizeof k) return -EINVAL;
        lx_record_partial(c->nr, "utilisation clamps (SCHED_FLAG_UTIL_CLAMP) are not applied");
        return -EOPNOTSUPP;
    }
    int policy = abi_sched_policy_to_rx((int)k.sched_policy);
    if (policy < 0) return policy;
    int nice = k.sched_nice < -20 ? -20 : k.sched_nice > 19 ? 19 : k.sched_nice;
    struct rx_sched_attr a = { policy, k.sched_flags, nice, k.sched_priority, k.sched_runtime, k.sched_deadline, k.sched_period };
    return rx_sched_setattr(pid, &a);
}

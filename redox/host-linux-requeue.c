/* host-linux-requeue.c — rx.h's requeue of a signal with its info, on Linux.
 *
 * Linux lets only a process's first thread queue a signal with the info of
 * kill()'s or the kernel's kind (si_code >= 0, or SI_TKILL: rt_tgsigqueueinfo
 * says EPERM from any other).  From another thread the info is parked here and the
 * signal travels as SI_QUEUE with a token in si_value, which whoever takes it back
 * (lxrun's handler, rx_sigtimedwait) turns into the parked info.  What the guest
 * reads from a signalfd of its own is the token. */
#include "rx.h"
#include "host-linux.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#define SLOTS 32
#define TOKEN 0x6c787273ULL /* "lxrs": si_value's high half */
enum { FREE, FILLING, FULL };

static struct {
    int state;
    siginfo_t si;
} parked[SLOTS];
/* set once anything is parked: until then a fork's child reads none of parked,
 * whose pages the parent may never have touched (a read of each is a fault) */
static int parked_ever RX_FORK_HOT;

__attribute__((no_stack_protector)) static long queue(long pid, int tid, int sig, const siginfo_t *si)
{
    return tid ? raw4(SYS_rt_tgsigqueueinfo, pid, tid, sig, (long)si) : raw4(SYS_rt_sigqueueinfo, pid, sig, (long)si, 0);
}

/* byte by byte: no library call, whatever FS is loaded */
__attribute__((no_stack_protector)) static void copy_info(siginfo_t *to, const siginfo_t *from)
{
    const volatile unsigned char *f = (const void *)from;
    volatile unsigned char *t = (void *)to;
    for (size_t i = 0; i < sizeof *to; i++) t[i] = f[i];
}

__attribute__((no_stack_protector)) static long park_and_queue(long pid, int tid, int sig, const siginfo_t *si)
{
    __atomic_store_n(&parked_ever, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < SLOTS; i++) {
        int free_ = FREE;
        if (!__atomic_compare_exchange_n(&parked[i].state, &free_, FILLING, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            continue;
        copy_info(&parked[i].si, si);
        __atomic_store_n(&parked[i].state, FULL, __ATOMIC_RELEASE);
        siginfo_t token;
        volatile unsigned char *z = (void *)&token;
        for (size_t k = 0; k < sizeof token; k++) z[k] = 0;
        token.si_signo = sig;
        token.si_code = SI_QUEUE;
        token.si_pid = (pid_t)pid;
        token.si_uid = si->si_uid;
        token.si_value.sival_ptr = (void *)(uintptr_t)(TOKEN << 32 | (unsigned)i);
        long r = queue(pid, tid, sig, &token);
        if (r < 0) __atomic_store_n(&parked[i].state, FREE, __ATOMIC_RELEASE);
        return r;
    }
    return -EAGAIN;
}

__attribute__((no_stack_protector)) long rx_signal_requeue(int tid, int sig, const void *host_info)
{
    const siginfo_t *si = host_info;
    long pid = raw4(SYS_getpid, 0, 0, 0, 0);
    long r = queue(pid, tid, sig, si);
    if (r != -EPERM) return r;
    r = park_and_queue(pid, tid, sig, si);
    if (r != -EAGAIN) return r;
    /* every slot taken: the signal itself, if not its info */
    return tid ? raw4(SYS_tgkill, pid, tid, sig, 0) : raw4(SYS_kill, pid, sig, 0, 0);
}

__attribute__((no_stack_protector)) void rx_signal_requeued_info(void *host_info)
{
    siginfo_t *si = host_info;
    if (si->si_code != SI_QUEUE) return;
    uint64_t v = (uint64_t)(uintptr_t)si->si_value.sival_ptr;
    unsigned i = (unsigned)v;
    if (v >> 32 != TOKEN || i >= SLOTS || si->si_pid != raw4(SYS_getpid, 0, 0, 0, 0)) return;
    if (__atomic_load_n(&parked[i].state, __ATOMIC_ACQUIRE) != FULL || parked[i].si.si_signo != si->si_signo) return;
    copy_info(si, &parked[i].si);
    __atomic_store_n(&parked[i].state, FREE, __ATOMIC_RELEASE);
}

void rx_signal_requeue_forked(void)
{
    /* only slots in use are written: a write of the page would be a copy-on-write fault per fork */
    if (!__atomic_load_n(&parked_ever, __ATOMIC_RELAXED)) return;
    for (int i = 0; i < SLOTS; i++)
        if (__atomic_load_n(&parked[i].state, __ATOMIC_RELAXED) != FREE) __atomic_store_n(&parked[i].state, FREE, __ATOMIC_RELAXED);
}

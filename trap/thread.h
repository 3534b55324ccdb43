/* thread.h — lxrun's per-thread state, found through GS (DESIGN invariant 5). */
#ifndef LXRUN_THREAD_H
#define LXRUN_THREAD_H

#include <stddef.h>
#include <stdint.h>

struct lx_thread {
    uint64_t host_fs;         /* lxrun's TLS base for this thread        (offset 0)  */
    uint64_t guest_fs;        /* the guest's FS base                     (offset 8)  */
    volatile uint8_t selector;/* Syscall User Dispatch selector byte     (offset 16) */
    uint8_t pad_[7];
    uint64_t guest_gs;        /* what the guest asked ARCH_SET_GS for; GS is ours */
    uint64_t guest_sigmask;   /* the blocked set as the guest sees it */
    uint64_t clear_child_tid; /* set_tid_address */
    int tid;
    void *altstack;
    size_t altstack_size;
};

#define LX_THREAD_HOST_FS 0
#define LX_THREAD_GUEST_FS 8
#define LX_THREAD_SELECTOR 16

static inline struct lx_thread *lx_thread_self(void)
{
    struct lx_thread *t;
    __asm__ volatile("rdgsbase %0" : "=r"(t));
    return t;
}

#endif

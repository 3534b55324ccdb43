/* linux_signal.h — Linux's x86-64 signal ABI as the guest sees it: numbers,
 * rt_sigprocmask's how, the kernel's struct sigaction and stack_t
 * (arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h),
 * and the frame a handler is entered with (arch/x86/include/uapi/asm/sigcontext.h,
 * asm/ucontext.h, arch/x86/kernel/signal_64.c's rt_sigframe). */
#ifndef LXRUN_ABI_LINUX_SIGNAL_H
#define LXRUN_ABI_LINUX_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#define LINUX_SIGILL 4
#define LINUX_SIGTRAP 5
#define LINUX_SIGBUS 7
#define LINUX_SIGFPE 8
#define LINUX_SIGKILL 9
#define LINUX_SIGSEGV 11
#define LINUX_SIGCHLD 17
#define LINUX_SIGCONT 18
#define LINUX_SIGSTOP 19
#define LINUX_SIGTSTP 20
#define LINUX_SIGTTIN 21
#define LINUX_SIGTTOU 22
#define LINUX_SIGURG 23
#define LINUX_SIGWINCH 28
#define LINUX_SIGSYS 31
#define LINUX_SIGRTMIN 32 /* the kernel's first real-time signal (the libcs keep 32-33 or 32-34) */
#define LINUX_NSIG 64
#define LINUX_SIG_BLOCK 0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2
/* a signal's bit in a 64-bit set (sigset_t's first word) */
#define LINUX_SIGBIT(s) (1ULL << ((s) - 1))
#define LINUX_SIG_UNBLOCKABLE (LINUX_SIGBIT(LINUX_SIGKILL) | LINUX_SIGBIT(LINUX_SIGSTOP))
/* the signals whose default action is to ignore them, and those whose default
 * leaves the process alive: those, continue, stop (signal(7)); every other
 * one's ends it */
#define LINUX_SIG_DEFAULT_IGNORED (LINUX_SIGBIT(LINUX_SIGCHLD) | LINUX_SIGBIT(LINUX_SIGURG) | LINUX_SIGBIT(LINUX_SIGWINCH))
#define LINUX_SIG_DEFAULT_SPARES                                                                            \
    (LINUX_SIG_DEFAULT_IGNORED | LINUX_SIGBIT(LINUX_SIGCONT) | LINUX_SIGBIT(LINUX_SIGSTOP) |               \
     LINUX_SIGBIT(LINUX_SIGTSTP) | LINUX_SIGBIT(LINUX_SIGTTIN) | LINUX_SIGBIT(LINUX_SIGTTOU))
#define LINUX_SIG_DFL 0
#define LINUX_SIG_IGN 1

/* what rt_sigaction reads and writes (not libc's struct sigaction) */
struct linux_sigaction { uint64_t handler, flags, restorer, mask; };

struct linux_stack { uint64_t ss_sp; int32_t ss_flags, pad_; uint64_t ss_size; };

#define LINUX_SA_NOCLDSTOP 0x00000001u
#define LINUX_SA_NOCLDWAIT 0x00000002u
#define LINUX_SA_SIGINFO 0x00000004u
#define LINUX_SA_RESTORER 0x04000000u
#define LINUX_SA_ONSTACK 0x08000000u
#define LINUX_SA_RESTART 0x10000000u
#define LINUX_SA_NODEFER 0x40000000u
#define LINUX_SA_RESETHAND 0x80000000u

/* The general registers as a handler's ucontext holds them (struct sigcontext). */
struct linux_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;          /* guest address of the FP state (fxsave/xsave layout), 0 if none */
    uint64_t reserved1[8];
};
_Static_assert(sizeof(struct linux_sigcontext) == 256, "struct sigcontext");

struct linux_ucontext {
    uint64_t uc_flags, uc_link;
    struct linux_stack uc_stack;
    struct linux_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};
#define LINUX_UC_FP_XSTATE 0x1
#define LINUX_UC_SIGCONTEXT_SS 0x2
#define LINUX_UC_STRICT_RESTORE_SS 0x4

/* siginfo: 128 bytes; the first three ints are signo, errno, code */
struct linux_siginfo { int32_t si_signo, si_errno, si_code, pad_; uint8_t fields[112]; };
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t");
/* What a siginfo carries: Linux's own is 48 bytes (kernel_siginfo: the three
 * ints and a 32-byte union), the rest of the 128 zero padding that the copy to
 * the user fills in, and that rt_sigqueueinfo drops.  Kept so, a signal's info
 * waiting in a thread's record takes 48 bytes (byte by byte: no library call,
 * whatever FS is loaded). */
#define LINUX_SIGINFO_CONTENT 48
struct linux_siginfo_kept { uint8_t b[LINUX_SIGINFO_CONTENT]; };
__attribute__((no_stack_protector)) static inline void linux_siginfo_keep(struct linux_siginfo_kept *k,
                                                                         const struct linux_siginfo *si)
{
    const volatile uint8_t *from = (const void *)si;
    volatile uint8_t *to = k->b;
    for (unsigned i = 0; i < LINUX_SIGINFO_CONTENT; i++) to[i] = from[i];
}
__attribute__((no_stack_protector)) static inline void linux_siginfo_unkeep(struct linux_siginfo *si,
                                                                           const struct linux_siginfo_kept *k)
{
    const volatile uint8_t *from = k->b;
    volatile uint8_t *to = (void *)si;
    for (unsigned i = 0; i < sizeof *si; i++) to[i] = i < LINUX_SIGINFO_CONTENT ? from[i] : 0;
}

/* rx.h's report of a signal as Linux's siginfo: pid/uid and the value or the
 * child's status, or the faulting address, each where its kind puts it. */
struct rx_siginfo;
void abi_siginfo_to_linux(const struct rx_siginfo *r, struct linux_siginfo *l);

/* What the handler finds at its stack pointer: the return address (sa_restorer),
 * its ucontext and siginfo; the FP state lies above, 64-byte aligned. */
struct linux_rt_sigframe {
    uint64_t pretcode;
    struct linux_ucontext uc;
    struct linux_siginfo info;
};

/* The FP state's markers (struct _fpx_sw_bytes at byte 464 of the fxsave area, and
 * the word after the extended state) that say an xsave area follows. */
#define LINUX_FP_XSTATE_MAGIC1 0x46505853u
#define LINUX_FP_XSTATE_MAGIC2 0x46505845u
#define LINUX_FXSAVE_SIZE 512
#define LINUX_FP_SW_BYTES_OFFSET 464
struct linux_fpx_sw_bytes { uint32_t magic1, extended_size; uint64_t xfeatures; uint32_t xstate_size, padding[7]; };

/* eflags a handler may change through its frame (arch/x86/kernel/signal.c FIX_EFLAGS) */
#define LINUX_FIX_EFLAGS 0x50dd5u /* AC OF DF TF SF ZF AF PF CF RF */
/* si_code values of signals sent by processes (include/uapi/asm-generic/siginfo.h) */
#define LINUX_SI_USER 0
#define LINUX_SI_QUEUE (-1)
#define LINUX_SI_TKILL (-6)

#define LINUX_SS_ONSTACK 1
#define LINUX_SS_DISABLE 2
#define LINUX_SS_AUTODISARM (1U << 31)
#define LINUX_MINSIGSTKSZ 2048

#endif

/* linux_signal.h — Linux's x86-64 signal ABI as the guest sees it: numbers,
 * rt_sigprocmask's how, the kernel's struct sigaction and stack_t
 * (arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h). */
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
#define LINUX_SIGSYS 31
#define LINUX_NSIG 64
#define LINUX_SIG_BLOCK 0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2
#define LINUX_SIG_DFL 0
#define LINUX_SIG_IGN 1

/* what rt_sigaction reads and writes (not libc's struct sigaction) */
struct linux_sigaction { uint64_t handler, flags, restorer, mask; };

struct linux_stack { uint64_t ss_sp; int32_t ss_flags, pad_; uint64_t ss_size; };
/* si_code values of signals sent by processes (include/uapi/asm-generic/siginfo.h) */
#define LINUX_SI_USER 0
#define LINUX_SI_QUEUE (-1)
#define LINUX_SI_TKILL (-6)

#define LINUX_SS_ONSTACK 1
#define LINUX_SS_DISABLE 2
#define LINUX_SS_AUTODISARM (1U << 31)
#define LINUX_MINSIGSTKSZ 2048

#endif

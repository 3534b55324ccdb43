/* trap.h — interception: Syscall User Dispatch now, rewritten call sites later. */
#ifndef LXRUN_TRAP_H
#define LXRUN_TRAP_H

#include "thread.h"

/* Checks that this kernel and CPU can intercept; 0, or -1 with a reason. */
int lx_trap_supported(const char **why);
/* Sets up the calling thread's state, GS, alternate stack and SIGSYS handler. */
int lx_trap_thread_init(struct lx_thread *t);
/* With reports on: on a crash signal (SEGV, BUS, ILL, FPE, ABRT, TRAP) call
 * hook(sig) in lxrun's context, then let the signal end the process as it would. */
int lx_trap_catch_fatal(void (*hook)(int sig));
/* Arms interception for the calling thread and jumps to guest code; never returns. */
_Noreturn void lx_trap_enter_guest(struct lx_thread *t, uintptr_t entry, uintptr_t sp);

#endif

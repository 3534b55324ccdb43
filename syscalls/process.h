/* process.h — handler-level operations on the guest process (its objects are
 * process/process.h). */
#ifndef LXRUN_SYSCALLS_PROCESS_H
#define LXRUN_SYSCALLS_PROCESS_H

#include <stdint.h>

#include "../process/process.h"

/* Ends the guest process with status (exit_group). */
_Noreturn void lx_exit_group(int status);

/* A vfork child is ending without exec: its parent's stack goes back to it. */
void lx_vfork_child_exits(void);
/* A vfork child execs: its parent goes on (Linux's exec_mm_release). */
void lx_vfork_child_execs(void);

/* Every handled signal back to SIG_DFL, ignored ones kept (clone3's
 * CLONE_CLEAR_SIGHAND, and exec). */
void lx_signal_clear_handlers(void);

/* exec's part of a robust list: the locks still held marked owner-died, the list
 * forgotten. */
struct lx_task;
void lx_robust_list_release(struct lx_task *t);

#endif

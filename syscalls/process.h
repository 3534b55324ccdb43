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

/* Every handled signal back to SIG_DFL (clone3's CLONE_CLEAR_SIGHAND). */
void lx_signal_clear_handlers(void);

#endif

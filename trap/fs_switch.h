/* fs_switch.h — the entry stubs of the chosen FS path (trap/ internal). */
#ifndef LXRUN_FS_SWITCH_H
#define LXRUN_FS_SWITCH_H

#include <signal.h>

#include "thread.h"

struct lx_fs_path {
    const char *name;
    void (*sigsys_entry)(int, siginfo_t *, void *);
    void (*fatal_entry)(int, siginfo_t *, void *);
    void (*async_entry)(int, siginfo_t *, void *);
    __attribute__((noreturn)) void (*enter_guest)(uintptr_t entry, uintptr_t sp, struct lx_thread *t);
    __attribute__((noreturn)) void (*resume_guest)(const void *regs, struct lx_thread *t);
};

/* The chosen path; arch_prctl until lx_trap_fs_choose says otherwise, so no
 * FSGSBASE instruction can run on a CPU that lacks it. */
const struct lx_fs_path *lx_fs_path(void);

#endif

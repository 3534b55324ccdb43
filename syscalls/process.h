/* process.h — the guest process as lxrun keeps it: what Linux keeps in the
 * kernel and Redox does not (program break, name, signal dispositions, limits). */
#ifndef LXRUN_PROCESS_H
#define LXRUN_PROCESS_H

#include <stdint.h>

struct lx_sigaction_k {   /* the kernel's struct sigaction layout */
    uint64_t handler, flags, restorer, mask;
};

struct lx_process {
    uintptr_t brk_start, brk_cur, brk_mapped; /* brk_mapped: end of heap pages */
    char comm[16];
    struct lx_sigaction_k sigactions[65];
    uint64_t rlim_cur[16], rlim_max[16];      /* the guest's view of its limits */
    int rlim_known[16];
};

extern struct lx_process lx_proc;

/* Sets the program break and name for a freshly loaded program. */
void lx_process_start(uintptr_t brk, const char *path);

/* Ends the guest process with status (exit_group). */
_Noreturn void lx_exit_group(int status);

#endif

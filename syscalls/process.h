/* process.h — the guest process as lxrun keeps it: what Linux keeps in the
 * kernel and Redox does not (program break, name, signal dispositions, limits). */
#ifndef LXRUN_PROCESS_H
#define LXRUN_PROCESS_H

#include <stdint.h>

#include "../abi/linux_signal.h"

struct lx_process {
    uintptr_t brk_start, brk_cur, brk_mapped; /* brk_mapped: end of heap pages */
    char comm[16];
    struct linux_sigaction sigactions[65];
    uint64_t rlim_cur[16], rlim_max[16];      /* the guest's view of its limits */
    int rlim_known[16];
    /* for /proc/self: the program file, the start time, the initial stack */
    char exe[4096];                           /* guest path of the program file */
    uint64_t start_cs;                        /* since boot, centiseconds */
    uintptr_t stack_sp, arg_start, arg_end, env_start, env_end, auxv, auxv_len;
};

extern struct lx_process lx_proc;

/* Sets the program break and name for a freshly loaded program. */
void lx_process_start(uintptr_t brk, const char *path);

/* Records the program file (its URL, as rx_fpath gives it; the guest path is
 * kept) and where the initial stack holds argv and envp strings and auxv. */
void lx_process_image(const char *exe_url, const char *fallback_path, uintptr_t sp, uintptr_t arg_start,
                      uintptr_t arg_end, uintptr_t env_start, uintptr_t env_end, uintptr_t auxv,
                      uintptr_t auxv_len);

/* The guest's view of resource limit res (getrlimit's answer); 0 or -EINVAL. */
long lx_guest_rlimit(int res, uint64_t *cur, uint64_t *max);

/* Ends the guest process with status (exit_group). */
_Noreturn void lx_exit_group(int status);

#endif

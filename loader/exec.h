/* exec.h — everything between "run this path" and the first guest instruction
 * except arming interception: scripts, the ELF, its interpreter, brk, the stack. */
#ifndef LXRUN_EXEC_H
#define LXRUN_EXEC_H

#include <stdint.h>

#include "image.h"
#include "stack.h"

struct lx_start {
    uintptr_t pc, sp;     /* where the guest starts */
    uintptr_t brk;        /* initial program break */
    struct lx_image prog, interp;
    struct stack_layout stack; /* argv/envp strings and auxv on the initial stack */
    char exe_url[4096 + 16];   /* the program file's URL (rx_fpath), "" if unknown */
};

/* What the guest is shown of the machine beyond what the loader reads from it. */
struct lx_exec_view {
    uint64_t hwcap2_hidden; /* AT_HWCAP2 bits left out */
};

int lx_exec_prepare(const char *path, int argc, char **argv, char **envp, const struct lx_exec_view *view,
                    struct lx_start *st, struct lx_exec_error *err);

#endif

/* program.h — a program image becoming the process's: loaded, and recorded where
 * /proc and the session's process table show it.  lxrun's start (lxrun.c) and a
 * guest's exec in place (exec_here.c) share it. */
#ifndef LXRUN_PROGRAM_H
#define LXRUN_PROGRAM_H

#include "../loader/exec.h"

struct lx_program {
    const char *prog;      /* as the loader resolves it (relative to dirfd) */
    const char *execfn;    /* what AT_EXECFN shows, and the program's name in reports */
    int dirfd;             /* RX_AT_CWD or an fd of lxrun's (execveat) */
    int argc;
    char **argv, **envp;
    struct lx_image_kept *kept; /* the files execve's checks opened, or NULL */
    int in_place;          /* a guest's exec in this lxrun: the process table has its cwd */
};

/* Loads p (scripts, ELF, interpreter, stack) into the empty guest address space
 * and records it as the process's image; 0 with st ready to run, or -1 with err. */
int lx_program_load(const struct lx_program *p, struct lx_start *st, struct lx_exec_error *err);

#endif

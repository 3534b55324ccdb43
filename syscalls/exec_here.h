/* exec_here.h — an exec served inside the calling lxrun (exec_here.c). */
#ifndef LXRUN_EXEC_HERE_H
#define LXRUN_EXEC_HERE_H

#include "dispatch.h"
#include "program.h"

/* 1 when c's exec can be served in place: it came through the trap (whose
 * context the new program's registers replace), and the caller is the process's
 * main and only thread, with no other one ever started. */
int lx_exec_here_possible(const struct lx_call *c);
/* The exec, past every check: 0 with c set to resume at the new program (or,
 * when loading failed after the old program was gone, with SIGSEGV on its way). */
long lx_exec_here(struct lx_call *c, const struct lx_program *p);

#endif

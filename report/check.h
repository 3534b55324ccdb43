/* check.h — lxrun --check: a static look at a program, nothing executed. */
#ifndef LXRUN_CHECK_H
#define LXRUN_CHECK_H

#include "../loader/image.h"

/* Writes the findings to fd.  0 loadable, 1 something required is missing, or -1
 * with err (status 126/127) for a file the loader would refuse. */
int lx_check_program(const char *path, int fd, struct lx_exec_error *err);

#endif

/* interp.h — the program interpreter (PT_INTERP), looked up in the guest root. */
#ifndef LXRUN_INTERP_H
#define LXRUN_INTERP_H

#include "../loader/image.h"

/* Opens (or takes from k, lx_image_open_kept) and maps the interpreter named by
 * a program; -1 with err (127 when it is missing, as a shell reports "required
 * file not found"). */
int ldso_load_interp(const char *interp_path, struct lx_image_kept *k, struct lx_image *img, struct lx_exec_error *err);

#endif

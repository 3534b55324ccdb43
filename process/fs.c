/* fs.c — the guest process's filesystem context (fs.h). */
#include "fs.h"

struct lx_fs lx_fs = { .guest_cwd = "/" };

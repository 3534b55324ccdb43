#include "interp.h"

#include <stdio.h>
#include <string.h>

#include "../redox/rx.h"

int ldso_load_interp(const char *interp_path, struct lx_image_kept *k, struct lx_image *img, struct lx_exec_error *err)
{
    /* vfs-map resolves the path, so the interpreter comes from the guest's root. */
    int fd = lx_image_open_kept(k, RX_AT_CWD, interp_path, err);
    if (fd < 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "interpreter %s: %s", interp_path,
                 err->status == 127 ? "required file not found" : err->msg);
        snprintf(err->msg, sizeof err->msg, "%s", why);
        return -1;
    }
    int r = lx_image_map(fd, interp_path, lx_image_kept_name(k), 1, img, err);
    rx_close(fd);
    if (r < 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "interpreter %s: %s", interp_path, err->msg);
        snprintf(err->msg, sizeof err->msg, "%s", why);
    }
    return r;
}

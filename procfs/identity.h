/* identity.h — the Linux the guest is told it runs on: uname() and /proc show
 * the same.  On a Linux host that is the host's release; on Redox a Linux
 * release stands in, since guests test for Linux features by version. */
#ifndef LXRUN_IDENTITY_H
#define LXRUN_IDENTITY_H

#include "../redox/rx.h"

struct lx_linux_identity {
    char release[65], version[65], nodename[65];
};

void lx_linux_identity(const struct rx_sysfacts *sys, struct lx_linux_identity *id);

#endif

/* host-linux.h — what the host backend's files share (private to redox/). */
#ifndef LXRUN_HOST_LINUX_H
#define LXRUN_HOST_LINUX_H

#include <errno.h>
#include <time.h>

/* A host call's result as rx.h returns it: the value, or -errno. */
#define R(expr) ({ long r_ = (long)(expr); r_ < 0 ? -(long)errno : r_; })

/* Redox's clock ids (and the backend's extensions) as the host's; -1 if none. */
clockid_t host_clock(int rx_clock);

#endif

#include "handler.h"

long lx_path_arg(uint64_t guest_ptr, int dirfd, struct lx_path *p)
{
    long n = gm_string_in(p->guest, guest_ptr, sizeof p->guest);
    if (n < 0) return n;
    if (dirfd != LX_AT_FDCWD && !lx_fd_is_guest(dirfd) && p->guest[0] != '/') return -EBADF;
    return vfs_resolve(dirfd == LX_AT_FDCWD ? RX_AT_CWD : dirfd, p->guest, &p->t);
}

long lx_name_arg(uint64_t guest_ptr, int dirfd, struct lx_path *p)
{
    long r = lx_path_arg(guest_ptr, dirfd, p);
    return r < 0 ? r : vfs_parent(&p->t);
}

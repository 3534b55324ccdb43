/* dispatch.c — the one entry from trap/ into the table: O(1), no allocation. */
#include "dispatch.h"

#include <errno.h>

#include "../report/record.h"
#include "fd_reserve.h"
#include "table.h"

#define AT_FDCWD_ (-100)

long nosys(struct lx_call *c)
{
    (void)c;
    return -ENOSYS;
}

/* lxrun's own fds are invisible: any fd argument at or above the floor is EBADF. */
static int touches_reserved_fd(const struct lx_syscall *s, const struct lx_call *c)
{
    for (int i = 0; i < s->nargs; i++) {
        int fd = (int)c->a[i];
        if ((s->kinds[i] == K_FD || (s->kinds[i] == K_DIRFD && fd != AT_FDCWD_)) &&
            fd >= lx_fd_floor)
            return 1;
    }
    return 0;
}

long lx_dispatch(struct lx_call *c)
{
    unsigned long nr = (unsigned long)c->nr;
    if (nr > LX_NR_MAX || !lx_syscalls[nr].name) {
        lx_record_unknown(c->nr);
        return -ENOSYS;
    }
    const struct lx_syscall *s = &lx_syscalls[nr];
    long r = touches_reserved_fd(s, c) ? -EBADF : s->fn(c);
    lx_record_call(nr, r);
    return r;
}

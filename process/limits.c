/* limits.c — the guest's view of its resource limits: read from the system once,
 * kept in the process object; RLIMIT_NOFILE ends at lxrun's fd ceiling. */
#include <errno.h>

#include "../abi/linux_sys.h"
#include "fd_reserve.h"
#include "process.h"

long lx_guest_rlimit(int res, uint64_t *cur, uint64_t *max)
{
    if (res < 0 || res >= LINUX_RLIMIT_NLIMITS || abi_rlimit_to_rx(res) < 0) return -EINVAL;
    if (!lx_proc.rlim_known[res]) {
        long r = rx_getrlimit(abi_rlimit_to_rx(res), cur, max);
        if (r < 0) return r;
        if (res == LINUX_RLIMIT_NOFILE) { /* the guest's fd space ends at lxrun's floor */
            *cur = (uint64_t)lx_fd_limit;
            if (*max > (uint64_t)lx_fd_ceiling) *max = (uint64_t)lx_fd_ceiling;
        }
        lx_proc.rlim_cur[res] = *cur;
        lx_proc.rlim_max[res] = *max;
        lx_proc.rlim_known[res] = 1;
    }
    *cur = lx_proc.rlim_cur[res];
    *max = lx_proc.rlim_max[res];
    return 0;
}

long lx_set_guest_rlimit(int res, uint64_t cur, uint64_t max)
{
    uint64_t ocur, omax;
    long r = lx_guest_rlimit(res, &ocur, &omax);
    if (r < 0) return r;
    if (cur > max) return -EINVAL;
    uint64_t eff, prm, inh;
    lx_guest_caps(&eff, &prm, &inh);
    if (max > omax && !(eff & (1ULL << LINUX_CAP_SYS_RESOURCE))) return -EPERM; /* as Linux's do_prlimit */
    if (res == LINUX_RLIMIT_NOFILE) {
        if (max > (uint64_t)lx_fd_ceiling) return -EPERM;
        lx_fd_limit_set((int)cur); /* enforced by lx_fd_accept when fds are made */
    } else {
        /* RLIMIT_CORE too: a guest that dies of a core-dumping signal dumps lxrun's
         * process (its memory holds the guest's), and the parent sees WCOREDUMP */
        r = rx_setrlimit(abi_rlimit_to_rx(res), cur, max);
        if (r < 0) return r;
    }
    lx_proc.rlim_cur[res] = cur;
    lx_proc.rlim_max[res] = max;
    return 0;
}


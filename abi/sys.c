/* sys.c — converters for linux_sys.h. */
#include "linux_sys.h"
#include "linux_sched.h"
#include "linux_signal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "../redox/rx.h"

void abi_rusage_to_linux(const struct rx_rusage *r, struct linux_rusage *u)
{
    memset(u, 0, sizeof *u);
    u->ru_utime.tv_sec = r->utime.sec;
    u->ru_utime.tv_usec = r->utime.nsec / 1000;
    u->ru_stime.tv_sec = r->stime.sec;
    u->ru_stime.tv_usec = r->stime.nsec / 1000;
    u->ru_maxrss = r->maxrss_kb;
    u->ru_minflt = r->minflt;
    u->ru_majflt = r->majflt;
    u->ru_inblock = r->inblock;
    u->ru_oublock = r->oublock;
    u->ru_nvcsw = r->nvcsw;
    u->ru_nivcsw = r->nivcsw;
}

void abi_siginfo_to_linux(const struct rx_siginfo *r, struct linux_siginfo *l)
{
    memset(l, 0, sizeof *l);
    l->si_signo = r->signo;
    l->si_code = r->code;
    int fault = r->code > 0 && r->code != 0x80 /* SI_KERNEL */ &&
                (r->signo == 4 || r->signo == 5 || r->signo == 7 || r->signo == 8 || r->signo == 11);
    if (fault) {
        memcpy(l->fields, &r->addr, 8);             /* si_addr */
        return;
    }
    memcpy(l->fields, &r->pid, 4);                  /* si_pid */
    memcpy(l->fields + 4, &r->uid, 4);              /* si_uid */
    if (r->signo == 17 /* SIGCHLD */ && r->code > 0)
        memcpy(l->fields + 8, &r->status, 4);       /* si_status */
    else
        memcpy(l->fields + 8, &r->value, 8);        /* si_value */
}

static const struct { int linux_policy, rx_policy; } policies[] = {
    { LINUX_SCHED_OTHER, RX_SCHED_OTHER }, { LINUX_SCHED_FIFO, RX_SCHED_FIFO }, { LINUX_SCHED_RR, RX_SCHED_RR },
    { LINUX_SCHED_BATCH, RX_SCHED_X_BATCH }, { LINUX_SCHED_IDLE, RX_SCHED_X_IDLE },
    { LINUX_SCHED_DEADLINE, RX_SCHED_X_DEADLINE },
};

int abi_sched_policy_to_rx(int linux_policy)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (policies[i].linux_policy == linux_policy) return policies[i].rx_policy;
    return -EINVAL;
}

int abi_sched_policy_from_rx(int rx_policy)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (policies[i].rx_policy == rx_policy) return policies[i].linux_policy;
    return -EINVAL;
}

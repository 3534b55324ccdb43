/* sys.c — converters for linux_sys.h. */
#include "linux_sys.h"

#include <string.h>

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

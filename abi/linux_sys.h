/* linux_sys.h — Linux's x86-64 system-information and resource ABI as the guest
 * sees it: RLIMIT_* and RUSAGE_* (include/uapi/asm-generic/resource.h,
 * include/uapi/linux/resource.h), struct rusage, struct utsname
 * (include/uapi/linux/utsname.h), struct sysinfo (include/uapi/linux/sysinfo.h),
 * struct tms (include/uapi/linux/times.h). */
#ifndef LXRUN_ABI_LINUX_SYS_H
#define LXRUN_ABI_LINUX_SYS_H

#include <stdint.h>

#include "../redox/rx.h"

/* execve's bounds (include/uapi/linux/binfmts.h, limits.h): one string, and the
 * least room argv+envp always have whatever the stack limit. */
#define LINUX_MAX_ARG_STRLEN (32 * 4096)
#define LINUX_ARG_MAX 131072

#define LINUX_RLIMIT_CPU 0
#define LINUX_RLIMIT_FSIZE 1
#define LINUX_RLIMIT_DATA 2
#define LINUX_RLIMIT_STACK 3
#define LINUX_RLIMIT_CORE 4
#define LINUX_RLIMIT_RSS 5
#define LINUX_RLIMIT_NPROC 6
#define LINUX_RLIMIT_NOFILE 7
#define LINUX_RLIMIT_MEMLOCK 8
#define LINUX_RLIMIT_AS 9
#define LINUX_RLIMIT_NLIMITS 16

#define LINUX_RUSAGE_SELF 0
#define LINUX_RUSAGE_CHILDREN (-1)
#define LINUX_RUSAGE_THREAD 1

struct linux_timeval { int64_t tv_sec, tv_usec; };
struct linux_itimerval { struct linux_timeval it_interval, it_value; };
#define LINUX_ITIMER_REAL 0
#define LINUX_ITIMER_VIRTUAL 1
#define LINUX_ITIMER_PROF 2
struct linux_rusage {
    struct linux_timeval ru_utime, ru_stime;
    int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
    int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* rx.h's resource use as Linux's struct rusage. */
void abi_rusage_to_linux(const struct rx_rusage *r, struct linux_rusage *u);

struct linux_utsname { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };

struct linux_sysinfo {
    int64_t uptime;
    uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad_;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved_[4];
};

struct linux_tms { int64_t tms_utime, tms_stime, tms_cutime, tms_cstime; };

/* capget/capset (include/uapi/linux/capability.h): a header and one (v1) or two
 * (v2, v3: capabilities 32-63 in the second) data words per set. */
#define LINUX_CAP_V1 0x19980330u
#define LINUX_CAP_V2 0x20071026u
#define LINUX_CAP_V3 0x20080522u
#define LINUX_CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE */
#define LINUX_NGROUPS_MAX 65536 /* setgroups' bound (include/linux/uidgid.h's NGROUPS_MAX) */
#define LINUX_CAP_FULL ((1ULL << (LINUX_CAP_LAST_CAP + 1)) - 1)
#define LINUX_CAP_SETPCAP 8
#define LINUX_CAP_SYS_ADMIN 21
#define LINUX_CAP_SYS_NICE 23
#define LINUX_CAP_SYS_RESOURCE 24

/* personality(2) (include/uapi/linux/personality.h): the persona in the low byte,
 * flags above it; 0xffffffff only asks */
#define LINUX_PER_MASK 0xffu
#define LINUX_PER_LINUX32 0x0008u
#define LINUX_UNAME26 0x0020000u
#define LINUX_STICKY_TIMEOUTS 0x4000000u
#define LINUX_PER_QUERY 0xffffffffu
struct linux_cap_header { uint32_t version; int32_t pid; };
struct linux_cap_data { uint32_t effective, permitted, inheritable; };
/* The three sets as 64-bit masks (bit n = capability n) and the two data words. */
struct abi_caps { uint64_t effective, permitted, inheritable; };
static inline void abi_caps_to_linux(const struct abi_caps *c, struct linux_cap_data d[2])
{
    for (int w = 0; w < 2; w++)
        d[w] = (struct linux_cap_data){ (uint32_t)(c->effective >> (32 * w)), (uint32_t)(c->permitted >> (32 * w)),
                                        (uint32_t)(c->inheritable >> (32 * w)) };
}
/* Bits past the last capability are dropped, as Linux masks them. */
static inline void abi_caps_from_linux(const struct linux_cap_data d[2], struct abi_caps *c)
{
    c->effective = (d[0].effective | (uint64_t)d[1].effective << 32) & LINUX_CAP_FULL;
    c->permitted = (d[0].permitted | (uint64_t)d[1].permitted << 32) & LINUX_CAP_FULL;
    c->inheritable = (d[0].inheritable | (uint64_t)d[1].inheritable << 32) & LINUX_CAP_FULL;
}

/* Resource numbers and RUSAGE_* "who" values to rx.h's (Redox uses Linux's
 * numbering: relibc sys_resource/mod.rs); -1 for a resource Redox lacks. */
static inline int abi_rlimit_to_rx(int linux_res) { return linux_res >= 0 && linux_res <= RX_RLIMIT_X_RTTIME ? linux_res : -1; }

#endif

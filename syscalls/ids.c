/* ids.c — handles: identity, system facts, limits, usage. */

#include "../procfs/identity.h"
#include "handler.h"
#include "../abi/linux_sys.h"
#include "process.h"

long sys_getpid(struct lx_call *c) { (void)c; return rx_getpid(); }
long sys_getppid(struct lx_call *c) { (void)c; return rx_getppid(); }
long sys_gettid(struct lx_call *c) { (void)c; return rx_gettid(); }
long sys_getuid(struct lx_call *c) { (void)c; return rx_getuid(); }
long sys_geteuid(struct lx_call *c) { (void)c; return rx_geteuid(); }
long sys_getgid(struct lx_call *c) { (void)c; return rx_getgid(); }
long sys_getegid(struct lx_call *c) { (void)c; return rx_getegid(); }

long sys_getgroups(struct lx_call *c)
{
    int n = (int)c->a[0];
    if (n < 0) return -EINVAL;
    /* Only as many entries as there are groups are written (as Linux does); the
     * list goes straight into the checked guest range, not onto lxrun's signal
     * stack (a 64Ki-entry array would overflow it). */
    long count = rx_getgroups(0, NULL);
    if (count < 0 || n == 0) return count;
    if (n < count) return -EINVAL;
    uint32_t *list = gm_lock_write(c->a[1], (size_t)count * 4);
    if (!list) return -EFAULT;
    return rx_getgroups((int)count, list);
}

static long put_triple(struct lx_call *c, long real, long eff)
{
    uint32_t v[3] = { (uint32_t)real, (uint32_t)eff, (uint32_t)eff };
    for (int i = 0; i < 3; i++)
        if (gm_copy_out(c->a[i], &v[i], 4) < 0) return -EFAULT;
    return 0;
}

long sys_getresuid(struct lx_call *c) { return put_triple(c, rx_getuid(), rx_geteuid()); }
long sys_getresgid(struct lx_call *c) { return put_triple(c, rx_getgid(), rx_getegid()); }

long sys_uname(struct lx_call *c)
{
    struct rx_sysfacts f;
    rx_sysfacts(&f);
    struct linux_utsname u;
    memset(&u, 0, sizeof u);
    struct lx_linux_identity id;
    lx_linux_identity(&f, &id);
    strcpy(u.sysname, "Linux");
    memcpy(u.nodename, id.nodename, sizeof u.nodename);
    memcpy(u.release, id.release, sizeof u.release);
    memcpy(u.version, id.version, sizeof u.version);
    strcpy(u.machine, "x86_64");
    strcpy(u.domainname, "(none)");
    return gm_copy_out(c->a[0], &u, sizeof u);
}

long sys_sysinfo(struct lx_call *c)
{
    struct rx_sysfacts f;
    rx_sysfacts(&f);
    struct linux_sysinfo s;
    memset(&s, 0, sizeof s);
    s.uptime = (long)f.uptime_sec;
    s.totalram = f.mem_total;
    s.freeram = f.mem_free;
    s.procs = 1;
    s.mem_unit = 1;
    return gm_copy_out(c->a[0], &s, sizeof s);
}


long sys_getrlimit(struct lx_call *c)
{
    uint64_t v[2];
    long r = lx_guest_rlimit((int)c->a[0], &v[0], &v[1]);
    return r < 0 ? r : gm_copy_out(c->a[1], v, sizeof v);
}

long sys_setrlimit(struct lx_call *c)
{
    uint64_t v[2];
    if (gm_copy_in(v, c->a[1], sizeof v) < 0) return -EFAULT;
    return lx_set_guest_rlimit((int)c->a[0], v[0], v[1]);
}

long sys_prlimit64(struct lx_call *c)
{
    long pid = (long)(int)c->a[0];
    if (pid != 0 && pid != rx_getpid()) {
        lx_record_partial(c->nr, "another process's limits");
        return -ESRCH;
    }
    int res = (int)c->a[1];
    uint64_t old[2], nw[2];
    long r = lx_guest_rlimit(res, &old[0], &old[1]);
    if (r < 0) return r;
    if (c->a[2]) {
        if (gm_copy_in(nw, c->a[2], sizeof nw) < 0) return -EFAULT;
        r = lx_set_guest_rlimit(res, nw[0], nw[1]);
        if (r < 0) return r;
    }
    if (c->a[3] && gm_copy_out(c->a[3], old, sizeof old) < 0) return -EFAULT;
    return 0;
}

long sys_getrusage(struct lx_call *c)
{
    int who = (int)c->a[0];
    int rwho = who == LINUX_RUSAGE_SELF ? RX_RUSAGE_SELF : who == LINUX_RUSAGE_CHILDREN ? RX_RUSAGE_CHILDREN
             : who == LINUX_RUSAGE_THREAD ? RX_RUSAGE_THREAD : -2;
    if (rwho == -2) return -EINVAL;
    struct rx_timespec ut, st;
    long maxrss;
    long r = rx_getrusage(rwho, &ut, &st, &maxrss);
    if (r < 0) return r;
    struct linux_rusage u;
    memset(&u, 0, sizeof u);
    u.ru_utime.tv_sec = ut.sec; u.ru_utime.tv_usec = ut.nsec / 1000;
    u.ru_stime.tv_sec = st.sec; u.ru_stime.tv_usec = st.nsec / 1000;
    u.ru_maxrss = maxrss;
    return gm_copy_out(c->a[1], &u, sizeof u);
}

long sys_times(struct lx_call *c)
{
    struct rx_timespec ut, st, cut, cst, now;
    long rss;
    rx_getrusage(RX_RUSAGE_SELF, &ut, &st, &rss);
    rx_getrusage(RX_RUSAGE_CHILDREN, &cut, &cst, &rss);
    rx_clock_gettime(RX_CLOCK_MONOTONIC, &now);
#define TICKS(t) ((long)((t).sec * 100 + (t).nsec / 10000000))
    if (c->a[0]) {
        struct linux_tms t = { TICKS(ut), TICKS(st), TICKS(cut), TICKS(cst) };
        if (gm_copy_out(c->a[0], &t, sizeof t) < 0) return -EFAULT;
    }
    return TICKS(now);
#undef TICKS
}

long sys_sched_getaffinity(struct lx_call *c)
{
    size_t size = c->a[1];
    if (size < 8 || (size & 7)) return -EINVAL;
    struct rx_sysfacts f;
    rx_sysfacts(&f);
    uint64_t mask = f.ncpu >= 64 ? ~0ULL : (1ULL << f.ncpu) - 1;
    return gm_copy_out(c->a[2], &mask, 8) < 0 ? -EFAULT : 8;
}

long sys_sched_yield(struct lx_call *c) { (void)c; return rx_sched_yield(); }

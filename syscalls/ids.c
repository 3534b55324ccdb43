/* ids.c — handles: identity, system facts, limits, usage. */

#include <stdlib.h>

#include "../procfs/identity.h"
#include "handler.h"
#include "../abi/linux_sys.h"
#include "process.h"

long sys_getpid(struct lx_call *c) { (void)c; return rx_getpid(); }
long sys_getppid(struct lx_call *c) { (void)c; return rx_getppid(); }
long sys_gettid(struct lx_call *c) { (void)c; return rx_gettid(); }
/* The ids as the process last asked the system for them (lx_process_ids: again
 * after each set*id call), not a host call each. */
static struct lx_ids ids_now(void)
{
    struct lx_ids id;
    lx_process_ids(&id);
    return id;
}
long sys_getuid(struct lx_call *c) { (void)c; return ids_now().uid; }
long sys_geteuid(struct lx_call *c) { (void)c; return ids_now().euid; }
long sys_getgid(struct lx_call *c) { (void)c; return ids_now().gid; }
long sys_getegid(struct lx_call *c) { (void)c; return ids_now().egid; }

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

/* uid and gid calls share their rules; which = 0 for uids, 1 for gids. */
static long get_ids(int which, uint32_t v[3]) { return which ? rx_getresgid(v) : rx_getresuid(v); }
static long set_ids(int which, long r, long e, long s)
{
    long ret = which ? rx_setresgid(r, e, s) : rx_setresuid(r, e, s);
    if (ret == 0) lx_process_ids_changed();
    return ret;
}

static long put_triple(struct lx_call *c, int which)
{
    uint32_t v[3];
    long r = get_ids(which, v);
    if (r < 0) return r;
    for (int i = 0; i < 3; i++)
        if (gm_copy_out(c->a[i], &v[i], 4) < 0) return -EFAULT;
    return 0;
}

long sys_getresuid(struct lx_call *c) { return put_triple(c, 0); }
long sys_getresgid(struct lx_call *c) { return put_triple(c, 1); }

/* The set*id family in terms of setres*id, with Linux's rules for which ids change
 * (the system's kernel then decides whether the caller may). */
#define ID(x) ((long)(int32_t)(x)) /* the guest's -1 (0xffffffff) stays -1 */

static long set_id(int which, uint64_t id)
{
    if (ID(id) == -1) return -EINVAL;
    /* privileged (euid 0: Linux's CAP_SETUID/CAP_SETGID): all three; else the effective one */
    return rx_geteuid() == 0 ? set_ids(which, ID(id), ID(id), ID(id)) : set_ids(which, -1, ID(id), -1);
}

static long set_re_id(int which, uint64_t rid, uint64_t eid)
{
    uint32_t cur[3];
    long r = get_ids(which, cur);
    if (r < 0) return r;
    /* Linux: the saved id follows the new effective one when the real one is set,
     * or the effective one is set to something other than the old real id. */
    int follows = ID(rid) != -1 || (ID(eid) != -1 && (uint32_t)eid != cur[0]);
    long s = follows ? (ID(eid) != -1 ? ID(eid) : (long)cur[1]) : -1;
    return set_ids(which, ID(rid), ID(eid), s);
}

long sys_setuid(struct lx_call *c) { return set_id(0, c->a[0]); }
long sys_setgid(struct lx_call *c) { return set_id(1, c->a[0]); }
long sys_setreuid(struct lx_call *c) { return set_re_id(0, c->a[0], c->a[1]); }
long sys_setregid(struct lx_call *c) { return set_re_id(1, c->a[0], c->a[1]); }
long sys_setresuid(struct lx_call *c) { return set_ids(0, ID(c->a[0]), ID(c->a[1]), ID(c->a[2])); }
long sys_setresgid(struct lx_call *c) { return set_ids(1, ID(c->a[0]), ID(c->a[1]), ID(c->a[2])); }

long sys_setgroups(struct lx_call *c)
{
    long n = (long)(int)c->a[0];
    if (n < 0 || n > LINUX_NGROUPS_MAX) return -EINVAL;
    const uint32_t *list = gm_lock_read(c->a[1], (size_t)n * 4);
    if (n && !list) return -EFAULT;
    return rx_setgroups((int)n, list);
}

/* The filesystem ids follow the effective ones (Linux does so unless set apart);
 * lxrun keeps them equal: the call reports the current one and changes nothing
 * unless asked for that same id. */
static long set_fs_id(struct lx_call *c, long cur)
{
    if (ID(c->a[0]) != -1 && ID(c->a[0]) != cur) lx_record_partial(c->nr, "filesystem id kept equal to the effective id");
    return cur;
}
long sys_setfsuid(struct lx_call *c) { return set_fs_id(c, rx_geteuid()); }
long sys_setfsgid(struct lx_call *c) { return set_fs_id(c, rx_getegid()); }

/* UNAME26 (setarch --uname-2.6): kernel/sys.c's override_release, "2.6.(60 +
 * the minor number)" and what follows the version digits ("6.18.4-foo":
 * "2.6.78-foo"). */
static void uname26(char *release, size_t cap)
{
    const char *rest = release;
    int dots = 0;
    while (*rest && (*rest == '.' || (*rest >= '0' && *rest <= '9'))) {
        if (*rest == '.' && ++dots >= 3) break;
        rest++;
    }
    const char *minor = strchr(release, '.');
    unsigned v = 60 + (minor ? (unsigned)strtoul(minor + 1, NULL, 10) : 0);
    char out[65];
    snprintf(out, sizeof out, "2.6.%u%s", v, rest);
    snprintf(release, cap, "%s", out);
}

/* personality: the persona is kept (per process, not per thread), inherited by
 * forks and execs, shown in /proc/self/personality; what lxrun does with it:
 * PER_LINUX32 and UNAME26 in uname, STICKY_TIMEOUTS in select and ppoll. */
long sys_personality(struct lx_call *c)
{
    unsigned old = lx_proc.personality, want = (unsigned)c->a[0];
    if (want != LINUX_PER_QUERY) lx_proc.personality = want;
    return (long)old;
}

long sys_uname(struct lx_call *c)
{
    struct rx_sysfacts f;
    rx_sysfacts(&f, RX_FACTS_NAMES);
    struct linux_utsname u;
    memset(&u, 0, sizeof u);
    struct lx_linux_identity id;
    lx_linux_identity(&f, &id);
    strcpy(u.sysname, "Linux");
    memcpy(u.nodename, id.nodename, sizeof u.nodename);
    memcpy(u.release, id.release, sizeof u.release);
    if (lx_proc.personality & LINUX_UNAME26) uname26(u.release, sizeof u.release);
    memcpy(u.version, id.version, sizeof u.version);
    /* a 32-bit persona (linux32, setarch i686) sees a 32-bit machine */
    strcpy(u.machine, (lx_proc.personality & LINUX_PER_MASK) == LINUX_PER_LINUX32 ? "i686" : "x86_64");
    strcpy(u.domainname, "(none)");
    return gm_copy_out(c->a[0], &u, sizeof u);
}

long sys_sysinfo(struct lx_call *c)
{
    struct rx_sysfacts f;
    rx_sysfacts(&f, RX_FACTS_MEMORY);
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
    struct rx_rusage ru;
    long r = rx_getrusage(rwho, &ru);
    if (r < 0) return r;
    struct linux_rusage u;
    abi_rusage_to_linux(&ru, &u);
    return gm_copy_out(c->a[1], &u, sizeof u);
}

long sys_times(struct lx_call *c)
{
    struct rx_rusage self, kids;
    struct rx_timespec now;
    rx_getrusage(RX_RUSAGE_SELF, &self);
    rx_getrusage(RX_RUSAGE_CHILDREN, &kids);
    rx_clock_gettime(RX_CLOCK_MONOTONIC, &now);
#define TICKS(t) ((long)((t).sec * 100 + (t).nsec / 10000000))
    if (c->a[0]) {
        struct linux_tms t = { TICKS(self.utime), TICKS(self.stime), TICKS(kids.utime), TICKS(kids.stime) };
        if (gm_copy_out(c->a[0], &t, sizeof t) < 0) return -EFAULT;
    }
    return TICKS(now);
#undef TICKS
}


/* ---- capabilities: root's full set or none, kept by lxrun, not enforced ---- */

/* The header's version: the number of data words, or -EINVAL after writing the
 * preferred version back, as Linux does for a version it does not know. */
static long cap_words(uint64_t hdrp, struct linux_cap_header *h)
{
    if (gm_copy_in(h, hdrp, sizeof *h) < 0) return -EFAULT;
    if (h->version == LINUX_CAP_V1) return 1;
    if (h->version == LINUX_CAP_V2 || h->version == LINUX_CAP_V3) return 2;
    uint32_t v3 = LINUX_CAP_V3;
    return gm_copy_out(hdrp, &v3, sizeof v3) < 0 ? -EFAULT : -EINVAL;
}

/* Another process of the session: it must exist; its sets are taken as the caller's
 * (one user runs the session; lxrun keeps no other process's sets). */
static long cap_target(struct lx_call *c, int32_t pid)
{
    if (pid < 0) return -EINVAL;
    if (pid == 0 || pid == rx_getpid()) return 0;
    long r = rx_kill(pid, 0);
    if (r == -ESRCH) return r;
    lx_record_partial(c->nr, "another process's capabilities answered as the caller's");
    return 0;
}

long sys_capget(struct lx_call *c)
{
    struct linux_cap_header h;
    long words = cap_words(c->a[0], &h);
    if (words < 0) return words;
    long r = cap_target(c, h.pid);
    if (r < 0 || !c->a[1]) return r;
    struct abi_caps caps;
    lx_guest_caps(&caps.effective, &caps.permitted, &caps.inheritable);
    struct linux_cap_data d[2];
    abi_caps_to_linux(&caps, d);
    return gm_copy_out(c->a[1], d, (size_t)words * sizeof d[0]);
}

long sys_capset(struct lx_call *c)
{
    struct linux_cap_header h;
    long words = cap_words(c->a[0], &h);
    if (words < 0) return words;
    if (h.pid != 0 && h.pid != rx_getpid()) return -EPERM;
    struct linux_cap_data d[2] = { 0 };
    if (gm_copy_in(d, c->a[1], (size_t)words * sizeof d[0]) < 0) return -EFAULT;
    struct abi_caps nw;
    abi_caps_from_linux(d, &nw);
    uint64_t e = nw.effective, p = nw.permitted, i = nw.inheritable, oe, op, oi;
    lx_guest_caps(&oe, &op, &oi);
    /* Linux: no new permitted ones, effective within permitted, inheritable within
     * the old inheritable and permitted sets and within the old inheritable and
     * bounding sets */
    if ((p & ~op) || (e & ~p) || (i & ~(oi | op)) || (i & ~(oi | lx_proc.caps.bounding))) return -EPERM;
    lx_proc.caps.effective = e;
    lx_proc.caps.permitted = p;
    lx_proc.caps.inheritable = i;
    if (e != oe || p != op) lx_record_partial(c->nr, "capabilities kept as set, not enforced");
    return 0;
}

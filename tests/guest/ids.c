/* ids.c — who and where the process is: ids, groups, system identity and
 * facts, resource limits and usage, CPU affinity.  Values are compared with
 * what is knowable from outside (the parent's pid from run-in-tmp.sh, the
 * auxiliary vector), not with this host's particulars. */
#include <grp.h>
#include <sched.h>
#include <sys/select.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static void process_ids(void)
{
    pid_t pid = getpid();
    CHECK(pid > 0);
    CHECK_EQ(syscall(SYS_getpid), pid);
    CHECK_EQ(syscall(SYS_gettid), pid); /* the main thread's tid is the pid */
    pid_t ppid = getppid();
    CHECK(ppid > 0 && ppid != pid);
    const char *parent = getenv("GUEST_PARENT_PID"); /* set by run-in-tmp.sh */
    if (parent) CHECK_EQ(ppid, atol(parent));
    CHECK_EQ(syscall(SYS_getppid), ppid);
}

static void user_ids(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK_EQ(syscall(SYS_getuid), getuid());
    CHECK_EQ(syscall(SYS_geteuid), geteuid());
    CHECK_EQ(syscall(SYS_getgid), getgid());
    CHECK_EQ(syscall(SYS_getegid), getegid());
    /* The kernel told the program at exec time, in the auxiliary vector. */
    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(getauxval(AT_EUID), geteuid());
    CHECK_EQ(getauxval(AT_GID), getgid());
    CHECK_EQ(getauxval(AT_EGID), getegid());
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK(r == getuid() && e == geteuid() && s == geteuid()); /* not set-uid: saved = effective */
    CHECK_OK(getresgid(&gr, &ge, &gs));
    CHECK(gr == getgid() && ge == getegid() && gs == getegid());

    int n = CHECK_OK(getgroups(0, NULL));
    CHECK(n >= 0 && n <= 65536);
    gid_t list[256];
    if (n >= 0 && n <= 256) {
        CHECK_EQ(getgroups(256, list), n);
        CHECK_EQ(syscall(SYS_getgroups, n, list), n);
        if (n > 0) CHECK_ERR(getgroups(n - 1, list), EINVAL);
    }
    CHECK_ERR(syscall(SYS_getgroups, -1, list), EINVAL);
}

static void system_identity(void)
{
    struct utsname u;
    CHECK_OK(uname(&u));
    CHECK(strcmp(u.sysname, "Linux") == 0);
    CHECK(strcmp(u.machine, "x86_64") == 0);
    CHECK(u.release[0] >= '1' && u.release[0] <= '9'); /* "<major>.<minor>..." */
    CHECK(u.nodename[0] != 0);
    CHECK(u.version[0] != 0);
    char host[256];
    CHECK_OK(gethostname(host, sizeof host));
    CHECK(strcmp(host, u.nodename) == 0);

    struct sysinfo si;
    CHECK_OK(sysinfo(&si));
    CHECK(si.mem_unit > 0);
    CHECK((uint64_t)si.totalram * si.mem_unit >= 16u << 20);
    CHECK(si.freeram <= si.totalram);
    CHECK(si.uptime > 0);
    CHECK(si.procs >= 1);
}

static void limits(void)
{
    struct rlimit nofile, got;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &nofile));
    CHECK(nofile.rlim_cur > 3 && nofile.rlim_cur <= nofile.rlim_max);

    /* Lower the soft limit, read it back three ways, restore it. */
    struct rlimit lower = { nofile.rlim_cur > 64 ? 64 : nofile.rlim_cur - 1, nofile.rlim_max };
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &lower));
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &got));
    CHECK(got.rlim_cur == lower.rlim_cur && got.rlim_max == lower.rlim_max);
    struct rlimit old;
    CHECK_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old));
    CHECK(old.rlim_cur == lower.rlim_cur && old.rlim_max == lower.rlim_max);
    CHECK_OK(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, &nofile, &old));
    CHECK_EQ(old.rlim_cur, lower.rlim_cur);
    CHECK_OK(syscall(SYS_getrlimit, RLIMIT_NOFILE, &got));
    CHECK(got.rlim_cur == nofile.rlim_cur && got.rlim_max == nofile.rlim_max);

    /* The soft limit governs new descriptors. */
    struct rlimit tiny = { 10, nofile.rlim_max };
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &tiny));
    CHECK_ERR(fcntl(0, F_DUPFD, 10), EINVAL);
    CHECK_ERR(dup2(0, 10), EBADF);
    int fds[16], nfds = 0, last = -1;
    while (nfds < 16 && (last = open("/dev/null", O_RDONLY)) >= 0) fds[nfds++] = last;
    CHECK(last < 0 && errno == EMFILE);
    CHECK(nfds > 0 && fds[nfds - 1] == 9);
    while (nfds > 0) close(fds[--nfds]);
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &nofile));
    int fd = CHECK_OK(fcntl(0, F_DUPFD, 10));
    if (fd >= 0) close(fd);

    CHECK_OK(getrlimit(RLIMIT_CORE, &got));
    struct rlimit core = { 0, got.rlim_max };
    CHECK_OK(setrlimit(RLIMIT_CORE, &core));
    CHECK_OK(getrlimit(RLIMIT_CORE, &got));
    CHECK_EQ(got.rlim_cur, 0);

    CHECK_OK(getrlimit(RLIMIT_STACK, &got));
    CHECK(got.rlim_cur > 0);
    struct rlimit inverted = { 20, 10 };
    CHECK_ERR(setrlimit(RLIMIT_CORE, &inverted), EINVAL);
    CHECK_ERR(syscall(SYS_getrlimit, 1000, &got), EINVAL);
    CHECK_ERR(syscall(SYS_prlimit64, 0, 1000, NULL, &got), EINVAL);
}

static void usage_and_affinity(void)
{
    struct rusage ru;
    CHECK_OK(getrusage(RUSAGE_SELF, &ru));
    CHECK(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    CHECK(ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
    CHECK(ru.ru_maxrss > 0);
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
    CHECK_OK(getrusage(RUSAGE_THREAD, &ru));
    CHECK_ERR(getrusage(42, &ru), EINVAL);

    struct tms t;
    clock_t t1 = times(&t);
    CHECK(t1 != (clock_t)-1);
    CHECK(t.tms_utime >= 0 && t.tms_stime >= 0 && t.tms_cutime >= 0 && t.tms_cstime >= 0);
    struct timespec nap = { 0, 30 * 1000 * 1000 };
    nanosleep(&nap, NULL);
    clock_t t2 = times(NULL);
    CHECK(t2 > t1); /* 30 ms is at least one 100 Hz tick */
    CHECK_EQ(getauxval(AT_CLKTCK), sysconf(_SC_CLK_TCK));

    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    CHECK(CPU_COUNT(&set) > 0);
    uint64_t mask[16];
    long n = CHECK_OK(syscall(SYS_sched_getaffinity, 0, sizeof mask, mask));
    CHECK(n >= 8 && n % 8 == 0);
    CHECK(mask[0] != 0);
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
    CHECK_OK(sched_yield());
}

/* capget/capset as the raw calls (linux/capability.h's layout, v3: two words). */
struct cap_hdr { uint32_t version; int pid; };
struct cap_word { uint32_t effective, permitted, inheritable; };

/* The rules hold for any user; a root process also drops one capability and one
 * bounding-set entry (in a child, so the rest of the program keeps them). */
/* A /proc/sys file's one number; -1 when it cannot be read. */
static long sysctl_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f && fscanf(f, "%ld", &v) != 1) v = -1;
    if (f) fclose(f);
    return v;
}

/* The bounds /proc/sys states are the ones the calls enforce: setrlimit's
 * RLIMIT_NOFILE ceiling (fs.nr_open), setgroups' length (kernel.ngroups_max,
 * which glibc's sysconf reads), the last capability PR_CAPBSET_READ knows
 * (kernel.cap_last_cap, which libcap reads). */
static void proc_sys_bounds(void)
{
    long nr_open = sysctl_number("/proc/sys/fs/nr_open");
    long ngroups = sysctl_number("/proc/sys/kernel/ngroups_max");
    long last_cap = sysctl_number("/proc/sys/kernel/cap_last_cap");
    CHECK(nr_open > 3 && ngroups > 0 && last_cap > 0);
    CHECK(prctl(PR_CAPBSET_READ, last_cap, 0, 0, 0) >= 0);
    CHECK_ERR(prctl(PR_CAPBSET_READ, last_cap + 1, 0, 0, 0), EINVAL);
    struct cap_hdr h = { 0x20080522, 0 };
    struct cap_word d[2];
    REQUIRE(syscall(SYS_capget, &h, d) == 0);
    struct rlimit was, lim;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &was));
    lim.rlim_cur = was.rlim_cur;
    lim.rlim_max = (rlim_t)nr_open + 1;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &lim), EPERM);
    /* raising a hard limit takes CAP_SYS_RESOURCE (a root shell may lack it) */
    lim.rlim_max = (rlim_t)nr_open;
    if (d[0].effective & (1u << 24)) {
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &lim));
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &was));
        pid_t pid = fork(); /* a child without it in its effective set may not */
        REQUIRE(pid >= 0);
        if (pid == 0) { /* lowers its hard limit, then may not raise it again */
            struct rlimit low = { was.rlim_cur < was.rlim_max - 1 ? was.rlim_cur : was.rlim_max - 1, was.rlim_max - 1 };
            if (setrlimit(RLIMIT_NOFILE, &low) != 0) _exit(3);
            struct cap_word less[2] = { d[0], d[1] };
            less[0].effective &= ~(1u << 24);
            if (syscall(SYS_capset, &h, less) != 0) _exit(2);
            _exit(setrlimit(RLIMIT_NOFILE, &was) == -1 && errno == EPERM ? 0 : 1);
        }
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    } else if (was.rlim_max < lim.rlim_max) {
        CHECK_ERR(setrlimit(RLIMIT_NOFILE, &lim), EPERM);
    }
    if (!(d[0].effective & (1u << 6))) return; /* CAP_SETGID: else EPERM comes first */
    gid_t *g = calloc((size_t)ngroups + 1, sizeof *g);
    REQUIRE(g);
    CHECK_ERR(setgroups((size_t)ngroups + 1, g), EINVAL);
    free(g);
}

/* /proc/self/personality's number; -1 when it cannot be read. */
static long shown_personality(void)
{
    FILE *f = fopen("/proc/self/personality", "r");
    long v = -1;
    if (f && fscanf(f, "%lx", &v) != 1) v = -1;
    if (f) fclose(f);
    return v;
}

/* personality: 0xffffffff asks; a set returns the old one; /proc/self/personality
 * shows it; a fork inherits it; PER_LINUX32 shows an i686 machine, UNAME26 a
 * 2.6 release; STICKY_TIMEOUTS leaves select's timeout as given. */
static void personas(void)
{
    const unsigned long query = 0xffffffffUL, per_linux32 = 0x0008, uname26 = 0x0020000, sticky = 0x4000000;
    long was = syscall(SYS_personality, query);
    CHECK_EQ(was, 0);
    CHECK_EQ(shown_personality(), 0);
    struct utsname u, u26;
    CHECK_OK(uname(&u));
    CHECK_EQ(syscall(SYS_personality, per_linux32), 0);
    CHECK_EQ(syscall(SYS_personality, query), (long)per_linux32);
    CHECK_EQ(shown_personality(), (long)per_linux32);
    struct utsname u32;
    CHECK_OK(uname(&u32));
    CHECK(strcmp(u32.machine, "i686") == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(syscall(SYS_personality, query) == (long)per_linux32 ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(syscall(SYS_personality, uname26), (long)per_linux32);
    CHECK_OK(uname(&u26));
    CHECK(strcmp(u26.machine, u.machine) == 0);
    CHECK(strncmp(u26.release, "2.6.", 4) == 0 && strcmp(u26.release, u.release) != 0);
    /* what follows the version digits is kept: "6.18.4-foo" gives "2.6.78-foo" */
    const char *tail = u.release + strspn(u.release, "0123456789."), *tail26 = u26.release + strspn(u26.release, "0123456789.");
    CHECK(strcmp(tail, tail26) == 0);
    CHECK_EQ(syscall(SYS_personality, sticky), (long)uname26);
    fd_set none;
    FD_ZERO(&none);
    struct timeval tv = { 0, 10 }; /* the call itself: musl's select passes a copy */
    CHECK_EQ(syscall(SYS_select, 0, &none, NULL, NULL, &tv), 0);
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 10);
    CHECK_EQ(syscall(SYS_personality, 0UL), (long)sticky);
    tv.tv_usec = 10;
    CHECK_EQ(syscall(SYS_select, 0, &none, NULL, NULL, &tv), 0);
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);
}

/* ioprio (ionice): set and read back; a child inherits it and may set its
 * parent's; Linux's checks on the value and on who */
static void io_priorities(void)
{
    const long be3 = 2 << 13 | 3, idle = 3 << 13;
    long was = syscall(SYS_ioprio_get, 1, 0);
    CHECK(was >= 0);
    CHECK_OK(syscall(SYS_ioprio_set, 1, 0, be3));
    CHECK_EQ(syscall(SYS_ioprio_get, 1, 0), be3);
    CHECK_EQ(syscall(SYS_ioprio_get, 1, getpid()), be3);
    pid_t parent = getpid(), pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(syscall(SYS_ioprio_get, 1, 0) == be3 && syscall(SYS_ioprio_set, 1, parent, idle) == 0 ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(syscall(SYS_ioprio_get, 1, 0), idle);
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, 0 << 13 | 3), EINVAL); /* "none" takes no level */
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, 4 << 13), EINVAL);    /* no class 4 */
    CHECK_ERR(syscall(SYS_ioprio_set, 7, 0, idle), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_get, 1, 0x3ffffff), ESRCH);
    CHECK_OK(syscall(SYS_ioprio_set, 1, 0, was));
    CHECK_EQ(syscall(SYS_ioprio_get, 1, 0), was);
}

static void capabilities(void)
{
    struct cap_hdr h = { 0x12345678, 0 };
    struct cap_word d[2];
    CHECK_ERR(syscall(SYS_capget, &h, d), EINVAL);
    CHECK_EQ(h.version, 0x20080522); /* the preferred version is written back */
    h.version = 0x20080522;
    CHECK_EQ(syscall(SYS_capget, &h, NULL), 0); /* a version probe */
    CHECK_EQ(syscall(SYS_capget, &h, d), 0);
    CHECK_EQ(d[0].effective, d[0].permitted);
    h.pid = -1;
    CHECK_ERR(syscall(SYS_capget, &h, d), EINVAL);
    h.pid = 0;
    /* asking for a valid capability not held (if there is one) is refused; bits past
     * the last capability (40) are ignored, as Linux masks them */
    uint64_t held = d[0].permitted | (uint64_t)d[1].permitted << 32, valid = (1ULL << 41) - 1;
    struct cap_word more[2] = { d[0], d[1] };
    more[1].permitted |= ~(uint32_t)(valid >> 32);
    more[1].effective |= ~(uint32_t)(valid >> 32);
    CHECK_EQ(syscall(SYS_capset, &h, more), 0);
    if (~held & valid) {
        int bit = __builtin_ctzll(~held & valid);
        more[bit / 32].permitted |= 1u << (bit % 32);
        CHECK_ERR(syscall(SYS_capset, &h, more), EPERM);
    }
    if (geteuid() != 0 || !(d[0].effective & (1u << 5 /* CAP_KILL */))) return;
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        struct cap_word less[2] = { d[0], d[1] };
        less[0].effective &= ~(1u << 5);
        struct cap_word back[2];
        int ok = syscall(SYS_capset, &h, less) == 0 && syscall(SYS_capget, &h, back) == 0 &&
                 !(back[0].effective & (1u << 5)) && (back[0].permitted & (1u << 5)) &&
                 prctl(PR_CAPBSET_READ, 5) == 1 && prctl(PR_CAPBSET_DROP, 5) == 0 && prctl(PR_CAPBSET_READ, 5) == 0 &&
                 prctl(PR_CAPBSET_READ, 99) == -1 && errno == EINVAL;
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int oom_write(const char *text)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);
    if (fd < 0) return -1;
    int r = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

static int oom_read(void)
{
    char buf[32] = { 0 };
    int fd = open("/proc/self/oom_score_adj", O_RDONLY);
    if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0) return -9999;
    close(fd);
    return atoi(buf);
}

/* Raising is allowed to anyone (lowering needs CAP_SYS_RESOURCE, not asked here);
 * the value is kept and a child inherits it. */
static void oom_score_adj(void)
{
    int before = oom_read();
    CHECK(before >= -1000 && before <= 1000);
    if (before > 900) return;
    CHECK_EQ(oom_write("950\n"), 0);
    CHECK_EQ(oom_read(), 950);
    CHECK_EQ(oom_write(" 960"), 0);
    CHECK_EQ(oom_read(), 960);
    CHECK_ERR(oom_write("5000"), EINVAL);
    CHECK_ERR(oom_write("abc"), EINVAL);
    CHECK_EQ(oom_read(), 960);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(oom_read() == 960 ? 0 : 1);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The ids a set*id call gives reach what comes after it: a child's program's
 * auxiliary vector and the process's /proc status (lxrun keeps the ids it asked
 * once, and asks again after a set*id call).  Root only. */
static int auxv_ids_are(uid_t u, gid_t g)
{
    return getauxval(AT_UID) == u && getauxval(AT_EUID) == u && getauxval(AT_GID) == g && getauxval(AT_EGID) == g;
}

static int status_uid_is(uid_t u)
{
    char buf[4096];
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    int found = 0;
    while (fgets(buf, sizeof buf, f)) {
        unsigned a, b, c, d;
        if (sscanf(buf, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4) found = a == u && b == u && c == u;
    }
    fclose(f);
    return found;
}

static void ids_after_set_reach_exec(void)
{
    if (geteuid() != 0) return;
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (setresgid(1234, 1234, 1234) != 0 || setresuid(4321, 4321, 4321) != 0) _exit(2);
        if (!status_uid_is(4321)) _exit(3);
        execl("/proc/self/exe", "ids", "--auxv-ids", "4321", "1234", (char *)NULL);
        _exit(4);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--auxv-ids") == 0)
        return auxv_ids_are((uid_t)atoi(argv[2]), (gid_t)atoi(argv[3])) && status_uid_is((uid_t)atoi(argv[2])) ? 0 : 5;
    check_prog = "ids";
    RUN(process_ids);
    RUN(user_ids);
    RUN(ids_after_set_reach_exec);
    RUN(system_identity);
    RUN(limits);
    RUN(usage_and_affinity);
    RUN(capabilities);
    RUN(proc_sys_bounds);
    RUN(personas);
    RUN(io_priorities);
    RUN(oom_score_adj);
    return check_done();
}

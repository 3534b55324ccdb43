/* ids.c — who and where the process is: ids, groups, system identity and
 * facts, resource limits and usage, CPU affinity.  Values are compared with
 * what is knowable from outside (the parent's pid from run-in-tmp.sh, the
 * auxiliary vector), not with this host's particulars. */
#include <sched.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
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

int main(void)
{
    check_prog = "ids";
    RUN(process_ids);
    RUN(user_ids);
    RUN(system_identity);
    RUN(limits);
    RUN(usage_and_affinity);
    return check_done();
}

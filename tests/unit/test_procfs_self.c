/* test_procfs_self.c — procfs/ for the process itself: /proc/<pid> lookup and
 * listings, the renderers of maps, stat, statm, status, smaps_rollup, limits,
 * mounts, cmdline/environ/auxv (from a stack stack_build laid out), the fd/
 * links, symlink resolution, and getdents on an opened emulated directory.
 * Criterion runs each test in its own process: the guest mapping table starts
 * empty and getpid() is "the guest". */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../guestmem/vma.h"
#include "../../loader/stack.h"
#include "../../procfs/procfs.h"
#include "../../process/fd_table.h"
#include "../../redox/rx.h"
#include "../../vfs-map/vfs.h"
#include "../../process/fd_reserve.h"

static char text[1 << 16];
static char path[256];

static const char *self(const char *rest)
{
    snprintf(path, sizeof path, "/proc/%d%s", (int)getpid(), rest);
    return path;
}

static struct procfs_facts facts(void)
{
    static struct procfs_facts f; /* large */
    memset(&f, 0, sizeof f);
    f.ncpu = 4;
    f.thp_enabled = PROCFS_THP_NEVER;
    struct procfs_task *t = &f.task;
    t->pid = getpid();
    t->ppid = 4242;
    t->tid = t->pid;
    t->state = 'R';
    t->threads = 1;
    strcpy(t->comm, "prog");
    t->umask = 022;
    t->uid = t->euid = 1000;
    t->gid = t->egid = 100;
    t->groups[0] = 100;
    t->groups[1] = 27;
    t->ngroups = 2;
    t->sig_blocked = 1ULL << (10 - 1); /* SIGUSR1 */
    t->sig_ignored = 1ULL << (13 - 1); /* SIGPIPE */
    t->sig_caught = (1ULL << (2 - 1)) | (1ULL << (40 - 1));
    t->start_cs = 123456;
    t->utime_cs = 7;
    t->stime_cs = 3;
    t->maxrss_kb = 1024;
    t->fd_size = 64;
    for (int i = 0; i < 16; i++) t->rlim_cur[i] = t->rlim_max[i] = ~0ULL;
    t->rlim_cur[3] = 8388608;  /* stack */
    t->rlim_cur[7] = 1024;     /* nofile */
    t->rlim_max[7] = 4096;
    t->rlim_cur[11] = t->rlim_max[11] = 63432;
    strcpy(t->exe, "/usr/bin/cat");
    strcpy(t->cwd, "/home/u");
    t->root_dev = makedev(254, 0);
    strcpy(t->root_fstype, "ext4");
    return f;
}

static const char *render(const char *p, const struct procfs_facts *f, size_t *len)
{
    unsigned num = 0;
    const struct procfs_node *n = procfs_lookup(p, f->ncpu, &num);
    cr_assert(n != NULL, "%s: no node", p);
    cr_assert_eq(n->kind, PROCFS_FILE, "%s", p);
    size_t l = procfs_render(n, f, num, text, sizeof text);
    cr_assert_lt(l, sizeof text, "%s", p);
    if (len) *len = l;
    return text;
}

/* A mapping table shaped like `cat`'s, with the addresses of a real Linux run. */
static void cat_mappings(void)
{
    const char *cat = gm_intern("/usr/bin/cat");
    uint64_t dev = makedev(254, 0);
    gm_add(0x5563672cd000, 0x2000, PROT_READ, 0, GM_FILE, 0, dev, 247134, cat);
    gm_add(0x5563672cf000, 0x5000, PROT_READ | PROT_EXEC, 0, GM_FILE, 0x2000, dev, 247134, cat);
    gm_add(0x5563672d8000, 0x1000, PROT_READ | PROT_WRITE, 0, GM_FILE, 0xa000, dev, 247134, cat);
    gm_add(0x55638c66e000, 0x21000, PROT_READ | PROT_WRITE, 0, GM_HEAP, 0, 0, 0, NULL);
    gm_add(0x7fb1e754a000, 0xc4000, PROT_READ | PROT_WRITE, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(0x7fb1e7667000, 0x1000, PROT_READ, 1, GM_FILE, 0, dev, 320474, gm_intern("/usr/lib/locale/C.utf8/LC_COLLATE"));
    gm_add(0x7f0000000000, 0x100000, PROT_READ | PROT_EXEC, 0, GM_FILE, 0x26000, dev, 332835,
           gm_intern("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    gm_add(0x7ffe52e28000, 0x21000, PROT_READ | PROT_WRITE, 0, GM_STACK, 0, 0, 0, NULL);
}

/* As lxrun does at start-up: vfs-map hands procfs the namespace (cwd, guest paths). */
static void start_namespace(void) { vfs_start(); }
TestSuite(procfs_self, .init = start_namespace);

Test(procfs_self, maps_exact_format)
{
    cat_mappings();
    struct procfs_facts f = facts();
    /* Lines as Linux 6.x prints them: the name in column 74, an anonymous
     * mapping with a trailing blank after its inode. */
    cr_assert_str_eq(render(self("/maps"), &f, NULL),
        "5563672cd000-5563672cf000 r--p 00000000 fe:00 247134                     /usr/bin/cat\n"
        "5563672cf000-5563672d4000 r-xp 00002000 fe:00 247134                     /usr/bin/cat\n"
        "5563672d8000-5563672d9000 rw-p 0000a000 fe:00 247134                     /usr/bin/cat\n"
        "55638c66e000-55638c68f000 rw-p 00000000 00:00 0                          [heap]\n"
        "7f0000000000-7f0000100000 r-xp 00026000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6\n"
        "7fb1e754a000-7fb1e760e000 rw-p 00000000 00:00 0 \n"
        "7fb1e7667000-7fb1e7668000 r--s 00000000 fe:00 320474                     /usr/lib/locale/C.utf8/LC_COLLATE\n"
        "7ffe52e28000-7ffe52e49000 rw-p 00000000 00:00 0                          [stack]\n");
}

Test(procfs_self, maps_empty_and_short_addresses)
{
    struct procfs_facts f = facts();
    size_t len;
    render(self("/maps"), &f, &len);
    cr_assert_eq(len, 0, "no guest mappings, no lines");
    gm_add(0x400000, 0x1000, PROT_READ | PROT_EXEC, 0, GM_FILE, 0, makedev(8, 1), 12, gm_intern("/bin/x"));
    cr_assert_str_eq(render(self("/maps"), &f, NULL),
                     "00400000-00401000 r-xp 00000000 08:01 12                                 /bin/x\n");
}

/* Splits a line into blank-separated fields, the comm of stat kept whole. */
static int fields(char *s, char **out, int max)
{
    int n = 0;
    char *p = s;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\n') p++;
        if (!*p) break;
        out[n++] = p;
        if (*p == '(') {
            p = strrchr(p, ')') + 1;
        } else {
            while (*p && *p != ' ' && *p != '\n') p++;
        }
        if (*p) *p++ = 0;
    }
    return n;
}

Test(procfs_self, stat_has_52_fields)
{
    cat_mappings();
    struct procfs_facts f = facts();
    strcpy(f.task.comm, "a b) c");
    f.task.arg_start = 0x7ffe52e48000;
    f.task.env_end = 0x7ffe52e48fe0;
    f.task.brk_start = 0x55638c66e000;
    char *s = strdup(render(self("/stat"), &f, NULL));
    cr_assert(s[strlen(s) - 1] == '\n');
    char *v[64];
    int n = fields(s, v, 64);
    cr_assert_eq(n, 52, "stat has %d fields", n);
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    cr_assert_str_eq(v[0], pid);
    cr_assert_str_eq(v[1], "(a b) c)", "the comm as is, in parentheses");
    cr_assert_str_eq(v[2], "R");
    cr_assert_str_eq(v[3], "4242");
    cr_assert_eq(atol(v[4]), (long)getpgid(0), "pgrp, as the host backend knows it");
    cr_assert_eq(atol(v[5]), (long)getsid(0), "session");
    cr_assert_str_eq(v[13], "7");
    cr_assert_str_eq(v[14], "3");
    cr_assert_str_eq(v[19], "1", "one thread");
    cr_assert_str_eq(v[21], "123456", "starttime");
    uint64_t total = 0x2000 + 0x5000 + 0x1000 + 0x21000 + 0xc4000 + 0x1000 + 0x100000 + 0x21000;
    cr_assert_eq(strtoull(v[22], NULL, 10), total, "vsize %s", v[22]);
    cr_assert_eq(strtoull(v[23], NULL, 10), 1024 / 4, "rss pages from the estimate");
    cr_assert_str_eq(v[24], "18446744073709551615", "rsslim unlimited");
    cr_assert_eq(strtoull(v[25], NULL, 10), 0x5563672cf000, "start_code: the program's text");
    cr_assert_eq(strtoull(v[26], NULL, 10), 0x5563672d4000);
    cr_assert_eq(strtoull(v[31], NULL, 10), 1u << 9, "blocked");
    cr_assert_eq(strtoull(v[32], NULL, 10), 1u << 12, "ignored");
    cr_assert_eq(strtoull(v[33], NULL, 10), 2, "caught: signal 40 is beyond stat's 31 bits");
    cr_assert_str_eq(v[37], "17", "exit_signal SIGCHLD");
    cr_assert_eq(strtoull(v[46], NULL, 10), 0x55638c66e000, "start_brk");
    cr_assert_eq(strtoull(v[47], NULL, 10), 0x7ffe52e48000, "arg_start");
    cr_assert_eq(strtoull(v[50], NULL, 10), 0x7ffe52e48fe0, "env_end");
    free(s);
}

Test(procfs_self, statm_fields)
{
    cat_mappings();
    struct procfs_facts f = facts();
    char *s = strdup(render(self("/statm"), &f, NULL));
    char *v[16];
    cr_assert_eq(fields(s, v, 16), 7);
    uint64_t total = 0x2000 + 0x5000 + 0x1000 + 0x21000 + 0xc4000 + 0x1000 + 0x100000 + 0x21000;
    cr_assert_eq(strtoull(v[0], NULL, 10), total / 4096);
    cr_assert_eq(strtoull(v[1], NULL, 10), 256);
    cr_assert_eq(strtoull(v[3], NULL, 10), 5, "text: the program's executable pages");
    free(s);
}

/* The value after "key:\t" in status text, or NULL. */
static const char *status_value(const char *s, const char *key, char *out, size_t cap)
{
    char want[64];
    snprintf(want, sizeof want, "\n%s:\t", key);
    const char *p = strstr(s, want);
    if (!p && strncmp(s, want + 1, strlen(want) - 1) == 0) p = s - 1;
    if (!p) return NULL;
    p += strlen(want);
    size_t n = strcspn(p, "\n");
    snprintf(out, cap, "%.*s", (int)n, p);
    return out;
}

Test(procfs_self, status_fields)
{
    cat_mappings();
    struct procfs_facts f = facts();
    const char *s = render(self("/status"), &f, NULL);
    const char *keys[] = { "Name", "Umask", "State", "Tgid", "Ngid", "Pid", "PPid", "TracerPid", "Uid", "Gid",
                           "FDSize", "Groups", "NStgid", "NSpid", "NSpgid", "NSsid", "Kthread", "VmPeak",
                           "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem",
                           "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap", "HugetlbPages",
                           "CoreDumping", "THP_enabled", "untag_mask", "Threads", "SigQ", "SigPnd", "ShdPnd",
                           "SigBlk", "SigIgn", "SigCgt", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
                           "NoNewPrivs", "Seccomp", "Seccomp_filters", "Speculation_Store_Bypass",
                           "SpeculationIndirectBranch", "Cpus_allowed", "Cpus_allowed_list", "Mems_allowed",
                           "Mems_allowed_list", "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches" };
    size_t nkeys = sizeof keys / sizeof keys[0];
    /* Every line is one of those, in that order. */
    const char *p = s;
    for (size_t i = 0; i < nkeys; i++) {
        size_t k = strlen(keys[i]);
        cr_assert(strncmp(p, keys[i], k) == 0 && p[k] == ':' && p[k + 1] == '\t', "line %zu: %.40s", i, p);
        p = strchr(p, '\n');
        cr_assert_not_null(p);
        p++;
    }
    cr_assert_eq(*p, 0, "extra lines: %s", p);
    char v[512], pid[16];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    cr_assert_str_eq(status_value(s, "Name", v, sizeof v), "prog");
    cr_assert_str_eq(status_value(s, "Umask", v, sizeof v), "0022");
    cr_assert_str_eq(status_value(s, "State", v, sizeof v), "R (running)");
    cr_assert_str_eq(status_value(s, "Pid", v, sizeof v), pid);
    cr_assert_str_eq(status_value(s, "PPid", v, sizeof v), "4242");
    cr_assert_str_eq(status_value(s, "Uid", v, sizeof v), "1000\t1000\t1000\t1000");
    cr_assert_str_eq(status_value(s, "Groups", v, sizeof v), "100 27 ", "Linux's trailing blank");
    cr_assert_str_eq(status_value(s, "VmSize", v, sizeof v), "    2108 kB");
    cr_assert_str_eq(status_value(s, "VmStk", v, sizeof v), "     132 kB");
    cr_assert_str_eq(status_value(s, "VmExe", v, sizeof v), "      20 kB");
    cr_assert_str_eq(status_value(s, "VmLib", v, sizeof v), "    1024 kB");
    cr_assert_str_eq(status_value(s, "VmRSS", v, sizeof v), "    1024 kB");
    cr_assert_str_eq(status_value(s, "SigQ", v, sizeof v), "0/63432");
    cr_assert_str_eq(status_value(s, "SigBlk", v, sizeof v), "0000000000000200");
    cr_assert_str_eq(status_value(s, "SigIgn", v, sizeof v), "0000000000001000");
    cr_assert_str_eq(status_value(s, "SigCgt", v, sizeof v), "0000008000000002");
    cr_assert_str_eq(status_value(s, "CapEff", v, sizeof v), "0000000000000000", "not root");
    cr_assert_str_eq(status_value(s, "Cpus_allowed", v, sizeof v), "f");
    cr_assert_str_eq(status_value(s, "Cpus_allowed_list", v, sizeof v), "0-3");
    cr_assert_str_eq(status_value(s, "Threads", v, sizeof v), "1");
}

Test(procfs_self, status_escapes_name)
{
    struct procfs_facts f = facts();
    strcpy(f.task.comm, "a\nb\\c");
    const char *s = render(self("/status"), &f, NULL);
    cr_assert(strncmp(s, "Name:\ta\\nb\\\\c\n", 14) == 0, "%.20s", s);
}

Test(procfs_self, smaps_rollup_totals)
{
    cat_mappings();
    struct procfs_facts f = facts();
    const char *s = render(self("/smaps_rollup"), &f, NULL);
    const char *head = "5563672cd000-7ffe52e49000 ---p 00000000 00:00 0                          [rollup]\n";
    cr_assert(strncmp(s, head, strlen(head)) == 0, "%.90s", s);
    cr_assert_not_null(strstr(s, "\nRss:                1024 kB\n"));
    int lines = 0;
    for (const char *p = s; *p; p++) lines += *p == '\n';
    cr_assert_eq(lines, 23);
}

Test(procfs_self, limits_table)
{
    struct procfs_facts f = facts();
    const char *s = render(self("/limits"), &f, NULL);
    const char *head = "Limit                     Soft Limit           Hard Limit           Units     \n"
                       "Max cpu time              unlimited            unlimited            seconds   \n";
    cr_assert(strncmp(s, head, strlen(head)) == 0, "%s", s);
    cr_assert_not_null(strstr(s, "\nMax stack size            8388608              unlimited            bytes     \n"));
    cr_assert_not_null(strstr(s, "\nMax open files            1024                 4096                 files     \n"));
    cr_assert_not_null(strstr(s, "\nMax nice priority         unlimited            unlimited            \n"));
    int lines = 0;
    for (const char *p = s; *p; p++) lines += *p == '\n';
    cr_assert_eq(lines, 17);
}

Test(procfs_self, mounts_agree)
{
    struct procfs_facts f = facts();
    cr_assert_str_eq(render(self("/mounts"), &f, NULL),
                     "/dev/root / ext4 rw,relatime 0 0\n"
                     "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
                     "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n");
    cr_assert_str_eq(render(self("/mountinfo"), &f, NULL),
                     "21 1 254:0 / / rw,relatime - ext4 /dev/root rw\n"
                     "22 21 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
                     "23 21 0:22 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n");
    cr_assert_str_eq(render(self("/cgroup"), &f, NULL), "0::/\n");
    cr_assert_str_eq(render(self("/oom_score_adj"), &f, NULL), "0\n");
    cr_assert_str_eq(render(self("/comm"), &f, NULL), "prog\n");
}

/* ---- the initial stack: cmdline, environ, auxv ---- */

struct stack_area { uintptr_t lo, top; struct stack_layout l; };

static struct stack_area guest_stack(char *const *argv, int argc, char *const *envp, int envc)
{
    struct stack_area a;
    size_t size = 64 * 1024;
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(m, MAP_FAILED);
    a.lo = (uintptr_t)m;
    a.top = a.lo + size;
    gm_add(a.lo, size, PROT_READ | PROT_WRITE, 0, GM_STACK, 0, 0, 0, NULL);
    struct stack_spec s = { .argc = argc, .argv = argv, .envc = envc, .envp = envp, .execfn = "/bin/prog",
                            .clktck = 100, .layout = &a.l };
    cr_assert_neq(stack_build(a.lo, a.top, &s), 0);
    return a;
}

static void use_stack(struct procfs_facts *f, const struct stack_area *a)
{
    f->task.arg_start = a->l.arg_start;
    f->task.arg_end = a->l.arg_end;
    f->task.env_start = a->l.env_start;
    f->task.env_end = a->l.env_end;
    f->task.auxv = a->l.auxv;
    f->task.auxv_len = a->l.auxv_len;
    f->task.start_stack = a->l.sp;
}

Test(procfs_self, cmdline_environ_auxv)
{
    char *argv[] = { "/bin/prog", "-x", "two words" };
    char *envp[] = { "A=1", "PATH=/bin" };
    struct stack_area a = guest_stack(argv, 3, envp, 2);
    struct procfs_facts f = facts();
    use_stack(&f, &a);
    size_t len;
    const char *s = render(self("/cmdline"), &f, &len);
    cr_assert_eq(len, sizeof "/bin/prog\0-x\0two words");
    cr_assert_eq(memcmp(s, "/bin/prog\0-x\0two words", len), 0);
    s = render(self("/environ"), &f, &len);
    cr_assert_eq(len, sizeof "A=1\0PATH=/bin");
    cr_assert_eq(memcmp(s, "A=1\0PATH=/bin", len), 0);
    s = render(self("/auxv"), &f, &len);
    cr_assert_eq(len % 16, 0);
    cr_assert_gt(len, 16);
    uint64_t w[2];
    memcpy(w, s + len - 16, 16);
    cr_assert(w[0] == 0 && w[1] == 0, "ends with AT_NULL");
    memcpy(w, s, 16);
    cr_assert_eq(w[0], 51, "AT_MINSIGSTKSZ first, as stack_build lays it");
    cr_assert_eq(a.l.sp % 16, 0);
    cr_assert_eq(*(uint64_t *)a.l.sp, 3, "sp points at argc");
}

Test(procfs_self, cmdline_setproctitle_runs_into_environ)
{
    char *argv[] = { "prog", "a" };
    char *envp[] = { "E=1" };
    struct stack_area a = guest_stack(argv, 2, envp, 1);
    struct procfs_facts f = facts();
    use_stack(&f, &a);
    /* Overwrite argv's area and the NUL after it, as setproctitle does. */
    char *p = (char *)a.l.arg_start;
    memcpy(p, "title: lo", 9); /* "prog\0a\0" is 7 bytes; runs 2 into "E=1\0" */
    size_t len;
    const char *s = render(self("/cmdline"), &f, &len);
    cr_assert_eq(len, 11, "up to and with the first NUL: %zu", len);
    cr_assert_eq(memcmp(s, "title: lo1", 11), 0);
}

Test(procfs_self, cmdline_of_unmapped_stack_is_empty)
{
    char *argv[] = { "prog" };
    struct stack_area a = guest_stack(argv, 1, NULL, 0);
    struct procfs_facts f = facts();
    use_stack(&f, &a);
    gm_remove(a.lo, a.top - a.lo);
    size_t len;
    render(self("/cmdline"), &f, &len);
    cr_assert_eq(len, 0);
    render(self("/environ"), &f, &len);
    cr_assert_eq(len, 0);
    render(self("/auxv"), &f, &len);
    cr_assert_eq(len, 0);
}

/* ---- lookup and listings ---- */

Test(procfs_self, lookup_own_pid_only)
{
    const struct procfs_node *n = procfs_lookup(self(""), 1, NULL);
    cr_assert(n && n->kind == PROCFS_DIR);
    cr_assert(procfs_lookup(self("/maps"), 1, NULL) != NULL);
    cr_assert(procfs_lookup(self("/task"), 1, NULL) != NULL);
    cr_assert(procfs_lookup(self("/nothing"), 1, NULL) == NULL);
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/task/%d/status", (int)getpid(), (int)getpid());
    cr_assert(procfs_lookup(p, 1, NULL) != NULL);
    snprintf(p, sizeof p, "/proc/%d/task/%d/task", (int)getpid(), (int)getpid());
    cr_assert(procfs_lookup(p, 1, NULL) == NULL, "a thread has no task/");
    snprintf(p, sizeof p, "/proc/%d/maps", (int)getppid());
    cr_assert(procfs_lookup(p, 1, NULL) == NULL, "another process");
    snprintf(p, sizeof p, "/proc/0%d/maps", (int)getpid());
    cr_assert(procfs_lookup(p, 1, NULL) == NULL, "leading zero");
    cr_assert(procfs_lookup("/proc/1x", 1, NULL) == NULL);
    cr_assert(procfs_lookup("/proc/99999999999/stat", 1, NULL) == NULL);
    cr_assert_eq(procfs_lookup(self("/exe"), 1, NULL)->kind, PROCFS_SYMLINK);
    cr_assert_eq(procfs_lookup(self("/environ"), 1, NULL)->mode, 0400);
}

struct names { char v[64][32]; int n; };

static int collect(void *arg, const char *name, enum procfs_kind kind)
{
    struct names *l = arg;
    cr_assert_lt(l->n, 64);
    snprintf(l->v[l->n++], sizeof l->v[0], "%s%s", name, kind == PROCFS_DIR ? "/" : kind == PROCFS_SYMLINK ? "@" : "");
    return 0;
}

static int listed(const struct names *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0) return 1;
    return 0;
}

Test(procfs_self, listings)
{
    struct names l = { .n = 0 };
    cr_assert_eq(procfs_readdir(self(""), 1, collect, &l), 22);
    const char *want[] = { "auxv", "cmdline", "cwd@", "exe@", "fd/", "fdinfo/", "maps", "root@", "stat",
                           "statm", "status", "task/", "environ", "limits", "mounts", "mountinfo", "timerslack_ns",
                           "personality" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_assert(listed(&l, want[i]), "%s", want[i]);
    struct names t = { .n = 0 };
    cr_assert_eq(procfs_readdir(self("/task"), 1, collect, &t), 1);
    char tid[32];
    snprintf(tid, sizeof tid, "%d/", (int)getpid());
    cr_assert_str_eq(t.v[0], tid);
    struct names td = { .n = 0 };
    snprintf(tid, sizeof tid, "/task/%d", (int)getpid());
    cr_assert_eq(procfs_readdir(self(tid), 1, collect, &td), 21, "all but task/");
    cr_assert(!listed(&td, "task/"));
    cr_assert_eq(procfs_readdir(self("/maps"), 1, collect, &td), -ENOTDIR);
}

Test(procfs_self, fd_links_list_guest_fds_only)
{
    int fd = open("/etc/hostname", O_RDONLY);
    cr_assert_geq(fd, 0);
    int high = dup2(fd, 900);
    cr_assert_eq(high, 900);
    lx_fd_floor = 800; /* 900 is lxrun's own now */
    struct names l = { .n = 0 };
    cr_assert_geq(procfs_readdir(self("/fd"), 1, collect, &l), 3);
    char name[16];
    snprintf(name, sizeof name, "%d@", fd);
    cr_assert(listed(&l, name), "the open fd");
    cr_assert(!listed(&l, "900@"), "above the floor");
    snprintf(name, sizeof name, "/fd/%d", fd);
    unsigned num = 0;
    const struct procfs_node *n = procfs_lookup(self(name), 1, &num);
    cr_assert(n && n->kind == PROCFS_SYMLINK);
    cr_assert_eq(num, (unsigned)fd);
    char target[256];
    cr_assert_eq(procfs_readlink(n, num, self(name), target, sizeof target), (long)strlen("/etc/hostname"));
    cr_assert_str_eq(target, "/etc/hostname");
    cr_assert(procfs_lookup(self("/fd/900"), 1, NULL) == NULL);
    cr_assert(procfs_lookup(self("/fd/799"), 1, NULL) == NULL, "not open");
    struct names li = { .n = 0 };
    cr_assert_geq(procfs_readdir(self("/fdinfo"), 1, collect, &li), 3);
    snprintf(name, sizeof name, "%d", fd);
    cr_assert(listed(&li, name));
    snprintf(name, sizeof name, "/fdinfo/%d", fd);
    struct procfs_facts f = facts();
    char pos[64];
    lseek(fd, 3, SEEK_SET);
    snprintf(pos, sizeof pos, "pos:\t3\nflags:\t0%o\nmnt_id:\t21\nino:\t", (unsigned)(fcntl(fd, F_GETFL)));
    const char *s = render(self(name), &f, NULL);
    cr_assert(strncmp(s, pos, strlen(pos)) == 0, "%s", s);
}

Test(procfs_self, fd_targets_by_kind)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    char t[256];
    cr_assert_eq(procfs_fd_target(p[0], t, sizeof t), 0, "a pipe has no path");
    cr_assert(strncmp(t, "pipe:[", 6) == 0, "%s", t);
    long snap = rx_snapshot("/proc/cpuinfo", "x\n", 2, 1);
    cr_assert_geq(snap, 0);
    cr_assert_eq(procfs_fd_target((int)snap, t, sizeof t), 1, "an emulated file reopens by its path");
    cr_assert_str_eq(t, "/proc/cpuinfo");
    long dir = procfs_dir_open("/proc/sys", O_RDONLY);
    cr_assert_geq(dir, 0);
    cr_assert_eq(procfs_claim_open(dir), 1, "handed to the guest");
    cr_assert_eq(procfs_fd_target((int)dir, t, sizeof t), 1);
    cr_assert_str_eq(t, "/proc/sys");
    cr_assert_eq(procfs_fd_target(777, t, sizeof t), -ENOENT);
}

/* ---- symlinks ---- */

Test(procfs_self, resolve_through_links)
{
    char out[4096];
    char want[4200];
    cr_assert_eq(procfs_resolve("/proc/self/maps", out, sizeof out), 1);
    cr_assert_str_eq(out, self("/maps"));
    cr_assert_eq(procfs_resolve("/proc/thread-self/comm", out, sizeof out), 1);
    snprintf(want, sizeof want, "/proc/%d/task/%d/comm", (int)getpid(), (int)getpid());
    cr_assert_str_eq(out, want);
    cr_assert_eq(procfs_resolve("/proc/cpuinfo", out, sizeof out), 0, "no link on the way");
    cr_assert_eq(procfs_resolve("/proc/self", out, sizeof out), 0, "the last component is the opener's");
    cr_assert_eq(procfs_resolve(self("/root/etc/passwd"), out, sizeof out), 1);
    cr_assert_str_eq(out, "/etc/passwd");
    int p[2];
    cr_assert_eq(pipe(p), 0);
    char fdp[64];
    snprintf(fdp, sizeof fdp, "/fd/%d/x", p[0]);
    cr_assert_eq(procfs_resolve(self(fdp), out, sizeof out), -ENOTDIR, "a pipe is no directory");
    char cwd[4096];
    cr_assert_neq(getcwd(cwd, sizeof cwd), NULL);
    cr_assert_eq(procfs_resolve(self("/cwd/a/b"), out, sizeof out), 1);
    snprintf(want, sizeof want, "%s/a/b", cwd);
    cr_assert_str_eq(out, want);
}

Test(procfs_self, link_targets)
{
    char out[4096];
    int fd;
    const struct procfs_node *n = procfs_lookup("/proc/self", 1, NULL);
    cr_assert_eq(procfs_link_target(n, 0, "/proc/self", out, sizeof out, &fd), 0);
    cr_assert_str_eq(out, self(""));
    cr_assert_eq(fd, -1);
    n = procfs_lookup("/proc/mounts", 1, NULL);
    cr_assert_eq(procfs_link_target(n, 0, "/proc/mounts", out, sizeof out, &fd), 0);
    cr_assert_str_eq(out, "/proc/self/mounts");
    char small[3];
    n = procfs_lookup("/proc/self", 1, NULL);
    cr_assert_eq(procfs_readlink(n, 0, "/proc/self", small, sizeof small), getpid() < 100 ? 2 : -ERANGE);
    cr_assert_eq(procfs_readlink(procfs_lookup("/proc/cpuinfo", 1, NULL), 0, "/proc/cpuinfo", out, sizeof out),
                 -EINVAL);
}

Test(procfs_self, stat_modes)
{
    struct rx_stat st;
    const struct procfs_node *n = procfs_lookup(self("/exe"), 1, NULL);
    procfs_stat(n, self("/exe"), &st);
    cr_assert_eq(st.mode, S_IFLNK | 0777);
    int fd = open("/etc/hostname", O_RDONLY);
    char p[32];
    snprintf(p, sizeof p, "/fd/%d", fd);
    n = procfs_lookup(self(p), 1, NULL);
    procfs_stat(n, self(p), &st);
    cr_assert_eq(st.mode, S_IFLNK | 0500, "lr-x------ for a read-only fd: %o", st.mode);
    cr_assert_eq(st.size, 64);
    n = procfs_lookup(self("/fd"), 1, NULL);
    procfs_stat(n, self("/fd"), &st);
    cr_assert_eq(st.mode, S_IFDIR | 0500);
    cr_assert_eq(st.uid, geteuid());
}

/* ---- an opened emulated directory: getdents64 ---- */

struct dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* Reads every entry with a buffer of bufsize, as a guest calls getdents64. */
static int read_all_from(int fd, const char *dir, size_t bufsize, char names[][32], int max, int base)
{
    static char buf[4096];
    int n = 0;
    for (;;) {
        long r = procfs_getdents(fd, dir, buf, bufsize);
        cr_assert_geq(r, 0, "getdents %ld", r);
        if (r == 0) return n;
        for (long off = 0; off < r;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            cr_assert_eq(d->d_reclen % 8, 0);
            cr_assert_lt(n, max);
            snprintf(names[n], 32, "%s%s", d->d_name, d->d_type == 4 ? "/" : d->d_type == 10 ? "@" : "");
            n++;
            cr_assert_eq(d->d_off, base + n, "the cookie of entry %d", n);
            off += d->d_reclen;
        }
    }
}

static int read_all(int fd, const char *dir, size_t bufsize, char names[][32], int max)
{
    return read_all_from(fd, dir, bufsize, names, max, (int)lseek(fd, 0, SEEK_CUR));
}

Test(procfs_self, getdents_continues_and_rewinds)
{
    long fd = procfs_dir_open("/proc/sys/kernel", O_RDONLY);
    cr_assert_geq(fd, 0);
    char dir[64];
    cr_assert_eq(procfs_dir_of((int)fd, dir, sizeof dir), 0, "not the guest's until claimed");
    cr_assert_eq(procfs_claim_open(fd), 1);
    cr_assert_eq(procfs_claim_open(fd), 0, "claimed once");
    cr_assert_eq(procfs_dir_of((int)fd, dir, sizeof dir), 1);
    cr_assert_str_eq(dir, "/proc/sys/kernel");
    char names[16][32];
    const char *want[] = { "./", "../", "cap_last_cap", "core_pattern", "ostype", "osrelease", "version", "hostname",
                           "ngroups_max", "pid_max", "tainted", "threads-max", "random/" };
    int n = read_all((int)fd, dir, 40, names, 16); /* one or two records per call */
    cr_assert_eq(n, 13);
    for (int i = 0; i < 13; i++) cr_assert_str_eq(names[i], want[i]);
    cr_assert_eq(read_all((int)fd, dir, 4096, names, 16), 0, "at the end");
    cr_assert_eq(lseek((int)fd, 0, SEEK_SET), 0);
    cr_assert_eq(read_all((int)fd, dir, 4096, names, 16), 13, "rewound");
    lseek((int)fd, 7, SEEK_SET); /* seekdir to a cookie */
    cr_assert_eq(read_all((int)fd, dir, 4096, names, 16), 6);
    cr_assert_str_eq(names[0], "hostname");
    lseek((int)fd, 0, SEEK_SET);
    char tiny[16];
    cr_assert_eq(procfs_getdents((int)fd, dir, tiny, sizeof tiny), -EINVAL, "no room for one record");
}

Test(procfs_self, dir_fds_dup_stat_and_stale)
{
    long fd = procfs_dir_open(self("/fd"), O_RDONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(procfs_claim_open(fd), 1);
    int copy = dup((int)fd);
    lx_fd_dup((int)fd, copy); /* as sys_dup does */
    char dir[64];
    cr_assert_eq(procfs_dir_of(copy, dir, sizeof dir), 1, "a dup'd fd lists too");
    struct rx_stat st;
    cr_assert_eq(rx_fstat(copy, &st), 0);
    cr_assert_eq(procfs_dir_fstat(copy, &st), 1);
    cr_assert_eq(st.mode, S_IFDIR | 0500);
    char names[64][32];
    int n = read_all(copy, dir, 4096, names, 64);
    char me[16];
    snprintf(me, sizeof me, "%ld@", fd);
    int found = 0;
    for (int i = 0; i < n; i++) found |= strcmp(names[i], me) == 0;
    cr_assert(found, "the directory's own fd is listed");
    close((int)fd);
    lx_fd_release((int)fd); /* as sys_close does */
    cr_assert_eq(procfs_dir_of(copy, dir, sizeof dir), 1, "the copy keeps the description");
    close(copy);
    lx_fd_release(copy);
    int file = open("/etc/hostname", O_RDONLY); /* likely the same number again */
    cr_assert_eq(procfs_dir_of(file, dir, sizeof dir), 0, "a closed directory's entry matches nothing");
    cr_assert_eq(rx_fstat(file, &st), 0);
    cr_assert_eq(procfs_dir_fstat(file, &st), 0);
}

/* CPython's subprocess reads /proc/self/fd a few records a call and closes each
 * fd as it meets it: the listing must not move under the position. */
Test(procfs_self, fd_listing_holds_while_its_fds_close)
{
    int mine[6];
    for (int i = 0; i < 6; i++) cr_assert_geq(mine[i] = open("/dev/null", O_RDONLY), 0);
    long fd = procfs_dir_open(self("/fd"), O_RDONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(procfs_claim_open(fd), 1);
    char dir[64];
    cr_assert_eq(procfs_dir_of((int)fd, dir, sizeof dir), 1);
    static char buf[32]; /* one record a call */
    int seen = 0;
    for (;;) {
        long r = procfs_getdents((int)fd, dir, buf, sizeof buf);
        cr_assert_geq(r, 0, "getdents %ld", r);
        if (r == 0) break;
        struct dirent64 *d = (struct dirent64 *)buf;
        for (int i = 0; i < 6; i++)
            if (d->d_name[0] != '.' && atoi(d->d_name) == mine[i]) {
                seen++;
                close(mine[i]);
                mine[i] = -1;
            }
    }
    cr_assert_eq(seen, 6, "each fd listed, though each closed as it was read: %d", seen);
    close((int)fd);
    lx_fd_release((int)fd);
}

Test(procfs_self, many_open_directories)
{
    long fds[200];
    for (int i = 0; i < 200; i++) {
        fds[i] = procfs_dir_open("/proc/sys", O_RDONLY);
        cr_assert_geq(fds[i], 0);
        cr_assert_eq(procfs_claim_open(fds[i]), 1);
        if (i % 2) { close((int)fds[i - 1]); lx_fd_release((int)fds[i - 1]); } /* half closed again */
    }
    char dir[64];
    for (int i = 0; i < 200; i++)
        cr_assert_eq(procfs_dir_of((int)fds[i], dir, sizeof dir), i % 2 || fds[i] == fds[199] ? 1 : 0,
                     "fd %ld (%d)", fds[i], i);
}

/* ---- gathered from lxrun's state ---- */

Test(procfs_self, gathered_task)
{
    static struct procfs_task t;
    procfs_task_gather(&t, 1);
    cr_assert_eq(t.pid, getpid());
    cr_assert_eq(t.ppid, getppid());
    cr_assert_eq(t.euid, geteuid());
    cr_assert_geq(t.fd_size, 64);
    char cwd[4096];
    cr_assert_neq(getcwd(cwd, sizeof cwd), NULL);
    cr_assert_str_eq(t.cwd, cwd);
    cr_assert_neq(t.root_dev, 0);
    mode_t old = umask(027);
    procfs_task_gather(&t, 0);
    cr_assert_eq(t.umask, 027);
    cr_assert_eq(umask(old), 027, "gathering leaves the umask as it was");
}

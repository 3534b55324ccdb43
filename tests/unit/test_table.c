/* test_table.c — syscalls/table.def is the one truth about syscalls (DESIGN
 * invariant 2): complete, named as Linux names them, and self-consistent. */
#include <criterion/criterion.h>
#include <asm/unistd_64.h>
#include <string.h>

#include "../../syscalls/table.h"

/* Every __NR_ macro of the host header, generated at build time. */
static const struct { long nr; const char *name; } host_nrs[] = {
#include "host_nr.inc"
};
#define NHOST (sizeof host_nrs / sizeof host_nrs[0])

/* x86-64 numbers 335..423 were never assigned. */
static int assigned(int nr) { return nr <= 334 || (nr >= 424 && nr <= LX_NR_MAX); }

Test(table, every_number_has_a_name)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        if (assigned(nr)) {
            cr_assert_not_null(lx_syscall_name(nr), "syscall %d has no entry", nr);
            cr_assert_neq(lx_syscall_name(nr)[0], 0, "syscall %d has an empty name", nr);
        } else {
            cr_assert_null(lx_syscall_name(nr), "unassigned number %d named %s", nr, lx_syscall_name(nr));
        }
    }
}

Test(table, names_are_unique)
{
    for (int i = 0; i <= LX_NR_MAX; i++)
        for (int j = i + 1; lx_syscall_name(i) && j <= LX_NR_MAX; j++)
            cr_assert(!lx_syscall_name(j) || strcmp(lx_syscall_name(i), lx_syscall_name(j)) != 0,
                      "%s is both %d and %d", lx_syscall_name(i), i, j);
}

Test(table, names_match_host_unistd_64)
{
    cr_assert_gt(NHOST, 300, "the generated list is nearly empty");
    for (size_t k = 0; k < NHOST; k++) {
        long nr = host_nrs[k].nr;
        cr_assert(nr >= 0 && nr <= LX_NR_MAX, "host __NR_%s = %ld is beyond LX_NR_MAX", host_nrs[k].name, nr);
        cr_assert_not_null(lx_syscall_name(nr), "host __NR_%s = %ld missing", host_nrs[k].name, nr);
        cr_assert_str_eq(lx_syscall_name(nr), host_nrs[k].name, "number %ld", nr);
    }
}

Test(table, unsupported_means_nosys)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_syscall *s = &lx_syscalls[nr];
        if (!lx_line_name(s)) continue;
        cr_assert_lt(s->status, LX_STATUS_COUNT, "%s: bad status %d", lx_line_name(s), s->status);
        cr_assert_not_null(lx_syscalls_hot[nr].fn, "%s has no handler", lx_line_name(s));
        if (s->status == LX_UNSUPPORTED || s->status == LX_ABSENT || s->status == LX_NOT_IN_LINUX)
            cr_assert_eq(lx_syscalls_hot[nr].fn, nosys, "%s is %s but has a handler", lx_line_name(s), lx_status_name(s->status));
        else
            cr_assert_neq(lx_syscalls_hot[nr].fn, nosys, "%s is %s but handled by nosys", lx_line_name(s), lx_status_name(s->status));
    }
}

Test(table, served_entries_have_a_note)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_syscall *s = &lx_syscalls[nr];
        if (!lx_line_name(s) || s->status == LX_UNSUPPORTED) continue;
        cr_assert(lx_line_note(s) && lx_line_note(s)[0], "%s (%s) has no note", lx_line_name(s), lx_status_name(s->status));
    }
}

Test(table, argument_kinds)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_syscall *s = &lx_syscalls[nr];
        if (!lx_line_name(s)) continue;
        cr_assert_leq(s->nargs, 6, "%s: %d arguments", lx_line_name(s), s->nargs);
        for (int i = 0; i < s->nargs; i++)
            cr_assert_lt(s->kinds[i], K__COUNT, "%s: argument %d has kind %d", lx_line_name(s), i, s->kinds[i]);
    }
    /* A few spot checks that the A*() macros land in order. */
    cr_assert_eq(lx_syscalls[__NR_read].nargs, 3);
    cr_assert_eq(lx_syscalls[__NR_read].kinds[0], K_FD);
    cr_assert_eq(lx_syscalls[__NR_read].kinds[1], K_OBUF);
    cr_assert_eq(lx_syscalls[__NR_read].kinds[2], K_SIZE);
    cr_assert_eq(lx_syscalls[__NR_mmap].nargs, 6);
}

Test(table, by_name_round_trip)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++)
        if (lx_syscall_name(nr))
            cr_assert_eq(lx_syscall_by_name(lx_syscall_name(nr)), nr, "%s", lx_syscall_name(nr));
    cr_assert_eq(lx_syscall_by_name("openat"), __NR_openat);
    cr_assert_eq(lx_syscall_by_name("no_such_call"), -1);
    cr_assert_eq(lx_syscall_by_name(""), -1);
    cr_assert_eq(lx_syscall_by_name("rea"), -1, "prefixes must not match");
}

Test(table, status_names)
{
    cr_assert_str_eq(lx_status_name(LX_TRANSLATED), "translated");
    cr_assert_str_eq(lx_status_name(LX_EMULATED), "emulated");
    cr_assert_str_eq(lx_status_name(LX_PARTIAL), "partial");
    cr_assert_str_eq(lx_status_name(LX_UNSUPPORTED), "unsupported");
    cr_assert_str_eq(lx_status_name(LX_ABSENT), "absent");
    cr_assert_str_eq(lx_status_name(LX_NOT_IN_LINUX), "not-in-linux");
    cr_assert_str_eq(lx_status_name(-1), "?");
    cr_assert_str_eq(lx_status_name(LX_STATUS_COUNT), "?");
}

/* The flag and fd-mask columns: what dispatch and the trace read instead of names. */
Test(table, flags_and_fd_masks)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_syscall *s = &lx_syscalls[nr];
        if (!lx_line_name(s)) continue;
        unsigned want = 0;
        for (int i = 0; i < s->nargs; i++) want |= (unsigned)(s->kinds[i] == K_FD) << i;
        cr_assert_eq(s->fd_args, want, "%s: fd mask %#x, kinds say %#x", lx_line_name(s), s->fd_args, want);
        int noret = !strcmp(lx_line_name(s), "exit") || !strcmp(lx_line_name(s), "exit_group");
        cr_assert_eq((s->flags & LX_F_NORETURN) != 0, noret, "%s: NORETURN", lx_line_name(s));
        int addr = !strcmp(lx_line_name(s), "mmap") || !strcmp(lx_line_name(s), "brk") || !strcmp(lx_line_name(s), "mremap") ||
                   !strcmp(lx_line_name(s), "shmat");
        cr_assert_eq((s->flags & LX_F_ADDR) != 0, addr, "%s: ADDR", lx_line_name(s));
    }
    cr_assert_eq(lx_syscalls[__NR_read].fd_args, 1);
    cr_assert_eq(lx_syscalls[__NR_dup2].fd_args, 1, "dup2's new fd may be where lxrun's are: it makes room");
    cr_assert_eq(lx_syscalls[__NR_close_range].fd_args, 0, "close_range takes a range, not fds");
    cr_assert_eq(lx_syscalls[__NR_openat].fd_args, 0, "a DIRFD is the handler's to check");
}

/* Statuses that say ENOSYS as Linux does are used where Linux really does. */
Test(table, enosys_as_linux)
{
    static const char *const ni[] = { "create_module", "get_kernel_syms", "query_module", "nfsservctl",
                                      "getpmsg",       "putpmsg",         "afs_syscall",  "tuxcall",
                                      "security",      "epoll_ctl_old",   "epoll_wait_old", "vserver" };
    int n = 0;
    for (int nr = 0; nr <= LX_NR_MAX; nr++)
        if (lx_syscall_name(nr) && lx_syscalls[nr].status == LX_NOT_IN_LINUX) n++;
    cr_assert_eq(n, (int)(sizeof ni / sizeof ni[0]));
    for (size_t i = 0; i < sizeof ni / sizeof ni[0]; i++)
        cr_assert_eq(lx_syscalls[lx_syscall_by_name(ni[i])].status, LX_NOT_IN_LINUX, "%s", ni[i]);
    cr_assert_eq(lx_syscalls[__NR_rseq].status, LX_ABSENT);
}

/* The dispatch's view (lx_syscalls_hot) says what the full lines say: a handler
 * exactly where a line is (dispatch tells an unknown number by a missing one), the
 * same flags and FD mask, and io where argument 0 is an FD and argument 1 a buffer
 * it fills or empties. */
Test(table, hot_view_matches_the_lines)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_syscall *s = &lx_syscalls[nr];
        const struct lx_syscall_hot *h = &lx_syscalls_hot[nr];
        cr_assert_eq(h->fn != NULL, lx_line_name(s) != NULL, "%d: a handler where there is %s line", nr, lx_line_name(s) ? "a" : "no");
        if (!lx_line_name(s)) continue;
        cr_assert_eq(h->flags, s->flags, "%s: flags", lx_line_name(s));
        cr_assert_eq(h->fd_args, s->fd_args, "%s: fd mask", lx_line_name(s));
        int fd0 = s->nargs >= 2 && s->kinds[0] == K_FD;
        int fills = s->kinds[1] == K_OBUF || s->kinds[1] == K_IOV_OUT;
        int empties = s->kinds[1] == K_IBUF || s->kinds[1] == K_IOV_IN;
        int io = fd0 && fills ? LX_IO_IN : fd0 && empties ? LX_IO_OUT : 0;
        cr_assert_eq(h->io, io, "%s: io", lx_line_name(s));
    }
    cr_assert_eq(lx_syscalls_hot[__NR_read].io, LX_IO_IN);
    cr_assert_eq(lx_syscalls_hot[__NR_pwrite64].io, LX_IO_OUT);
    cr_assert_eq(lx_syscalls_hot[__NR_readv].io, LX_IO_IN);
    cr_assert_eq(lx_syscalls_hot[__NR_writev].io, LX_IO_OUT);
    cr_assert_eq(lx_syscalls_hot[__NR_openat].io, 0);
    cr_assert_leq(sizeof(struct lx_syscall_hot), 16, "two lines a 32-byte line, 256 a page");
}

/* lx_dispatch_quick leaves out what a quick line cannot need: the fd-table
 * epoch (a vector-free GUESTFS line changes no fd), the spare's watch of calls
 * that release fds, FORKSTATE, NORETURN, the trap's context.  These are the
 * lines it takes; a flag added to one of them takes it off the quick way. */
Test(table, quick_lines)
{
    static const char *const quick[] = { "read",   "write",   "readv",   "writev",  "preadv",   "pwritev",
                                         "lseek",  "pread64", "pwrite64", "sched_yield", "getpid", "getuid",
                                         "getgid", "geteuid", "getegid", "getppid", "gettid",   "rseq" };
    int n = 0;
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        if (!lx_call_quick(nr)) continue;
        n++;
        const struct lx_syscall *s = &lx_syscalls[nr];
        cr_assert(lx_call_on_guest_fs(nr) && lx_call_vector_free(nr) && !lx_call_needs_trap(nr), "%s", lx_line_name(s));
        cr_assert_eq(s->flags & (LX_F_FORKSTATE | LX_F_NORETURN), 0, "%s", lx_line_name(s));
        cr_assert(lx_syscalls_hot[nr].fn != sys_close && lx_syscalls_hot[nr].fn != sys_dup2 && lx_syscalls_hot[nr].fn != sys_dup3 && lx_syscalls_hot[nr].fn != sys_close_range, "%s", lx_line_name(s));
        cr_assert_leq(s->fd_args, 1, "%s: an fd only in argument 0, the one it declines for", lx_line_name(s));
    }
    cr_assert_eq(n, (int)(sizeof quick / sizeof quick[0]));
    for (size_t i = 0; i < sizeof quick / sizeof quick[0]; i++)
        cr_assert(lx_call_quick(lx_syscall_by_name(quick[i])), "%s", quick[i]);
    cr_assert(!lx_call_quick(__NR_close) && !lx_call_quick(__NR_fstat) && !lx_call_quick(__NR_exit));
    cr_assert(!lx_call_quick(-1) && !lx_call_quick(LX_NR_MAX + 1));
}

/* test_clone_plan.c — clone flags to a plan (process/clone_plan.h): the flag sets
 * glibc, musl, Go and Rust use are served as fork, vfork or thread; Linux's
 * refusals are -EINVAL; valid sets lxrun cannot do are named, not served. */
#include <criterion/criterion.h>
#include <errno.h>

#include "../../abi/linux_sched.h"
#include "../../abi/linux_signal.h"
#include "../../process/clone_plan.h"

#define F(x) LINUX_CLONE_##x
#define PTHREAD (F(VM) | F(FS) | F(FILES) | F(SIGHAND) | F(THREAD) | F(SYSVSEM) | F(SETTLS) | \
                 F(PARENT_SETTID) | F(CHILD_CLEARTID))

static struct lx_clone_plan served(uint64_t flags, enum lx_clone_kind kind)
{
    struct lx_clone_plan p;
    cr_assert_eq(lx_clone_plan(flags, &p), 0, "flags %#llx refused", (unsigned long long)flags);
    cr_assert_null(p.unserved, "flags %#llx: %s", (unsigned long long)flags, p.unserved);
    cr_assert_eq(p.kind, kind, "flags %#llx: kind %d", (unsigned long long)flags, p.kind);
    return p;
}

static void unserved(uint64_t flags)
{
    struct lx_clone_plan p;
    cr_assert_eq(lx_clone_plan(flags, &p), 0, "flags %#llx refused", (unsigned long long)flags);
    cr_assert_not_null(p.unserved, "flags %#llx served", (unsigned long long)flags);
}

Test(clone_plan, libcs_and_runtimes)
{
    /* glibc fork, musl fork, fork(2) */
    cr_assert_eq(served(F(CHILD_SETTID) | F(CHILD_CLEARTID) | LINUX_SIGCHLD, LX_CLONE_FORK).shared, 0);
    served(LINUX_SIGCHLD, LX_CLONE_FORK);
    /* posix_spawn (glibc, musl), vfork(2) */
    cr_assert_eq(served(F(VM) | F(VFORK) | LINUX_SIGCHLD, LX_CLONE_VFORK).shared, LX_SHARE_MM);
    /* glibc and musl pthread_create; Go's runtime (no SETTLS, no tid words) */
    cr_assert_eq(served(PTHREAD, LX_CLONE_THREAD).shared,
                 LX_SHARE_MM | LX_SHARE_FILES | LX_SHARE_FS | LX_SHARE_SIGHAND);
    served(F(VM) | F(FS) | F(FILES) | F(SIGHAND) | F(SYSVSEM) | F(THREAD), LX_CLONE_THREAD);
    /* pidfds, cleared handlers, a TLS for a forked child, flags with no effect here */
    served(F(PIDFD) | LINUX_SIGCHLD, LX_CLONE_FORK);
    served(F(CLEAR_SIGHAND) | LINUX_SIGCHLD, LX_CLONE_FORK);
    served(F(SETTLS) | LINUX_SIGCHLD, LX_CLONE_FORK);
    served(F(SYSVSEM) | F(IO) | F(UNTRACED) | F(PTRACE) | F(DETACHED) | LINUX_SIGCHLD, LX_CLONE_FORK);
    /* a vfork without shared memory: the parent still waits */
    cr_assert_eq(served(F(VFORK) | LINUX_SIGCHLD, LX_CLONE_VFORK).shared, 0);
}

Test(clone_plan, refused_as_linux_refuses)
{
    struct lx_clone_plan p;
    cr_assert_eq(lx_clone_plan(F(THREAD) | F(VM), &p), -EINVAL);                 /* THREAD needs SIGHAND */
    cr_assert_eq(lx_clone_plan(F(SIGHAND) | LINUX_SIGCHLD, &p), -EINVAL);         /* SIGHAND needs VM */
    cr_assert_eq(lx_clone_plan(F(NEWNS) | F(FS), &p), -EINVAL);
    cr_assert_eq(lx_clone_plan(F(NEWUSER) | F(FS), &p), -EINVAL);
    cr_assert_eq(lx_clone_plan(PTHREAD | F(NEWPID), &p), -EINVAL);
    cr_assert_eq(lx_clone_plan(F(PIDFD) | F(DETACHED), &p), -EINVAL);
    cr_assert_eq(lx_clone_plan(PTHREAD | F(PIDFD), &p), -EINVAL);
    cr_assert_eq(lx_clone_plan(F(CLEAR_SIGHAND) | F(SIGHAND) | F(VM), &p), -EINVAL);
}

Test(clone_plan, valid_but_not_served)
{
    unserved(F(NEWNS) | LINUX_SIGCHLD);
    unserved(F(NEWUSER) | LINUX_SIGCHLD);
    unserved(F(VM) | LINUX_SIGCHLD);                         /* memory shared without VFORK */
    unserved(F(FILES) | LINUX_SIGCHLD);                      /* an fd table shared across processes */
    unserved(F(FS) | LINUX_SIGCHLD);
    unserved(F(VM) | F(SIGHAND) | F(VFORK) | LINUX_SIGCHLD); /* a vfork child sharing handlers */
    unserved(F(PARENT) | LINUX_SIGCHLD);
    unserved(F(VM) | F(SIGHAND) | F(THREAD));                /* a thread with its own files and fs */
    unserved(PTHREAD | F(VFORK));
    unserved(((uint64_t)1 << 40) | LINUX_SIGCHLD);           /* a flag no Linux has */
}

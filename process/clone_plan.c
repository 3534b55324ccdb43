/* clone_plan.c — clone flags to a plan; see clone_plan.h. */
#include "clone_plan.h"

#include <errno.h>
#include <stddef.h>

#include "../abi/linux_sched.h"

#define F(x) LINUX_CLONE_##x

/* Flags with nothing lxrun's guests can observe: no SysV semaphore undo lists are
 * kept (SYSVSEM), I/O contexts only steer the host's scheduler (IO), nothing traces
 * (PTRACE, UNTRACED), DETACHED has been ignored by Linux since 2.6.2. */
#define NO_EFFECT (F(SYSVSEM) | F(IO) | F(PTRACE) | F(UNTRACED) | F(DETACHED))
/* What the child side of any clone can do for its caller. */
#define CHILD_SIDE (F(SETTLS) | F(PARENT_SETTID) | F(CHILD_SETTID) | F(CHILD_CLEARTID))
#define NAMESPACES (F(NEWNS) | F(NEWCGROUP) | F(NEWUTS) | F(NEWIPC) | F(NEWUSER) | F(NEWPID) | F(NEWNET))

static long refused_by_linux(uint64_t flags)
{
    if ((flags & (F(NEWNS) | F(FS))) == (F(NEWNS) | F(FS))) return -EINVAL;
    if ((flags & (F(NEWUSER) | F(FS))) == (F(NEWUSER) | F(FS))) return -EINVAL;
    if ((flags & F(THREAD)) && !(flags & F(SIGHAND))) return -EINVAL;
    if ((flags & F(SIGHAND)) && !(flags & F(VM))) return -EINVAL;
    if ((flags & F(THREAD)) && (flags & (F(NEWUSER) | F(NEWPID)))) return -EINVAL;
    if ((flags & F(PIDFD)) && (flags & (F(DETACHED) | F(THREAD)))) return -EINVAL;
    if ((flags & F(CLEAR_SIGHAND)) && (flags & F(SIGHAND))) return -EINVAL;
    return 0;
}

/* Why lxrun cannot do a valid set, or NULL. */
static const char *unserved(uint64_t asked, enum lx_clone_kind kind)
{
    const uint64_t shares = F(FILES) | F(FS) | F(SIGHAND);
    if (asked & NAMESPACES) return "namespaces (CLONE_NEW*)";
    switch (kind) {
    case LX_CLONE_THREAD:
        if ((asked & (F(FS) | F(FILES))) != (F(FS) | F(FILES)))
            return "a thread with its own fd table or fs context (CLONE_THREAD without CLONE_FILES, CLONE_FS)";
        if (asked & F(VFORK)) return "CLONE_VFORK for a thread";
        return asked & ~(F(VM) | shares | F(THREAD) | F(PARENT) | CHILD_SIDE | NO_EFFECT) ? "clone flags lxrun does not know" : NULL;
    case LX_CLONE_VFORK:
    case LX_CLONE_FORK:
        if ((asked & F(VM)) && kind == LX_CLONE_FORK)
            return "a process sharing its parent's memory without CLONE_VFORK or CLONE_THREAD";
        if (asked & shares)
            return "a process sharing its parent's fd table, fs context or handlers without CLONE_THREAD";
        if (asked & F(PARENT)) return "CLONE_PARENT (the child's parent is the caller's)";
        return asked & ~(F(VM) | F(VFORK) | F(PIDFD) | F(CLEAR_SIGHAND) | CHILD_SIDE | NO_EFFECT) ? "clone flags lxrun does not know" : NULL;
    }
    return NULL;
}

long lx_clone_plan(uint64_t flags, struct lx_clone_plan *p)
{
    long r = refused_by_linux(flags);
    if (r < 0) return r;
    uint64_t asked = flags & ~(uint64_t)LINUX_CSIGNAL;
    p->shared = (flags & F(VM) ? LX_SHARE_MM : 0) | (flags & F(FILES) ? LX_SHARE_FILES : 0) |
                (flags & F(FS) ? LX_SHARE_FS : 0) | (flags & F(SIGHAND) ? LX_SHARE_SIGHAND : 0);
    p->kind = flags & F(THREAD) ? LX_CLONE_THREAD : flags & F(VFORK) ? LX_CLONE_VFORK : LX_CLONE_FORK;
    p->unserved = unserved(asked, p->kind);
    return 0;
}

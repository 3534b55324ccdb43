/* clone_plan.h — what a clone flag set does with each of the caller's objects
 * (memory, fd table, fs context, signal handlers), decided in one place: Linux's
 * refusals, then the three shapes lxrun serves.  A fork copies every object into a
 * new process; a vfork child (CLONE_VFORK) is such a copy that its parent waits
 * for until it execs or exits; with CLONE_VM the copy stands in for shared
 * memory, as the only writes of such a child a parent may read are on the stack
 * (syscalls/proc.c sends those back); a thread shares them all.
 * Sharing only some objects between two processes (CLONE_FILES or CLONE_FS
 * without CLONE_THREAD, CLONE_VM without CLONE_VFORK) would need one fd table or
 * address space across host processes, which neither Linux's user space nor Redox
 * offers lxrun; such sets are refused, recorded. */
#ifndef LXRUN_CLONE_PLAN_H
#define LXRUN_CLONE_PLAN_H

#include <stdint.h>

enum lx_clone_kind { LX_CLONE_FORK, LX_CLONE_VFORK, LX_CLONE_THREAD };

/* the objects a child shares with its parent rather than copies */
#define LX_SHARE_MM 1u
#define LX_SHARE_FILES 2u
#define LX_SHARE_FS 4u
#define LX_SHARE_SIGHAND 8u

struct lx_clone_plan {
    enum lx_clone_kind kind;
    unsigned shared;       /* LX_SHARE_* */
    const char *unserved;  /* what flags ask that lxrun cannot do; NULL when served */
};

/* 0 with p filled, or -EINVAL for a set Linux refuses (kernel/fork.c's checks). */
long lx_clone_plan(uint64_t flags, struct lx_clone_plan *p);

#endif

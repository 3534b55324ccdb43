/* vfork_window.h — a vfork whose child's code runs on the parent's thread until
 * it execs or exits (vfork_window.c). */
#ifndef LXRUN_VFORK_WINDOW_H
#define LXRUN_VFORK_WINDOW_H

#include <stddef.h>
#include <stdint.h>

struct lx_call;

/* 1 while the child's code runs on the parent's thread: every call goes to
 * lx_vfork_window_call, through the trap but for those lx_vfork_window_fast
 * names, and signals for the parent wait.  Read TLS-free (the fast path,
 * lx_signal_next). */
extern int lx_vfork_window_open;
/* 1 for a call the window serves from lxrun's own state, which needs none of the
 * trap's context (a fork that takes over needs the registers): the fast path may
 * serve it.  TLS-free. */
int lx_vfork_window_fast(long nr);

/* 1 if this vfork (clone flags: no pidfd, tid or TLS asked for) can be served
 * so: the process's only thread, no trace (the window's calls would show as the
 * parent's; a report counts the whole tree's, whichever process made them). */
int lx_vfork_window_possible(const struct lx_call *c, uint64_t flags);
/* Opens the window (the waiting child is made when first needed): 0, as the
 * child's vfork returns, on new_stack if not 0; -EAGAIN where the caller's vector
 * state needs the heap (lx_vfork_window_start_grown).  TLS-free. */
long lx_vfork_window_start(struct lx_call *c, uint64_t flags, uint64_t new_stack);
/* The same where the caller's vector state needs more than the window's own page
 * holds: the larger buffer comes from the heap, on lxrun's FS (lx_vfork_window_start,
 * which may run on the guest's, then says -EAGAIN). */
long lx_vfork_window_start_grown(struct lx_call *c, uint64_t flags, uint64_t new_stack);
/* A call of the child's code while the window is open. */
long lx_vfork_window_call(struct lx_call *c);
/* From here on the child is a fork of the memory as it is now (what the waiting
 * child did to its objects done again there): 0 in that fork; in the parent, its
 * vfork's result, its context taken back into c's. */
long lx_vfork_window_takeover(struct lx_call *c);
/* execve's request (exec.c packs it) to the waiting child: the child's pid as the
 * parent's vfork returns it, once the child exec'd; or a negative errno (the
 * child's code goes on). */
long lx_vfork_window_exec(struct lx_call *c, const void *req, size_t len);
/* 1 once the waiting child is made (a spare made ahead, taken at the vfork, or
 * the first exec, exit or call of its own objects makes it). */
int lx_vfork_window_has_child(void);
/* The exec when no child is made yet: the fork made now runs run(c, request)
 * itself, the checked request in its memory; run must not fail before the
 * exec's point of no return (the parent does not wait to hear).  The parent's
 * vfork returns the child's pid (a failed fork closes the window as the vfork's
 * own would); 0 in the child whose exec was served. */
long lx_vfork_window_exec_in_fork(struct lx_call *c, long (*run)(struct lx_call *, void *), void *request);

/* proc.c: a fork of the calling process (flags: a clone's) with the mappings the
 * window left out still out (unlisted: a spare, neither counted nor in the
 * process table until taken), and the vfork made by a fork, the parent waiting
 * until the child execs or exits. */
long lx_fork_bare(struct lx_call *c, uint64_t flags, int unlisted);
long lx_vfork_by_fork(struct lx_call *c, uint64_t flags);
/* signal.c: rt_sigaction, with (host 1) or without the host's dispositions. */
long lx_rt_sigaction(struct lx_call *c, int host);
/* exec.c: what an execve in the window returns when the child's own process
 * must make it (a directory fd or a /proc path to hand over): never a result of
 * execve. */
#define LX_EXEC_DECLINED 1
/* exec.c, in the waiting child: the request runs here; 0, or a negative errno
 * (then nothing was done). */
long lx_exec_requested(struct lx_call *c, const char *req, size_t len);
/* The waiting child's exec is past the point where it can fail: the parent's
 * thread goes on (lx_vfork_child_execs). */
void lx_vfork_window_child_execs(void);
/* Before a fork that copies the guest's memory: the mappings the window's forks
 * left out (MADV_DONTFORK, kept between windows) put back in. */
void lx_vfork_window_put_back(void);

#endif

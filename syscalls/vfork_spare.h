/* vfork_spare.h — a vfork window's waiting child made ahead (vfork_spare.c). */
#ifndef LXRUN_VFORK_SPARE_H
#define LXRUN_VFORK_SPARE_H

#include <stddef.h>
#include <stdint.h>

struct lx_call;

/* Whether a spare may be made now: a window's child just exec'd, and nothing in
 * the process makes a copy of it unsafe (threads, a trace or report, SIGCHLD
 * ignored, its children uncounted). */
int lx_vfork_spare_wanted(void);
/* A vfork window's exec of path with argv (argv_len bytes of NUL-ended
 * strings): while undecided, auto times a shell's loop with and without spares
 * (spare_trial.c), the request known by a hash of both. */
void lx_vfork_spare_window_exec(const char *path, const char *argv, size_t argv_len);
/* The parent keeps the spare just made (its pid, the parent's end of its
 * socket); until the spare says it holds none of the guest's fds it is unready. */
void lx_vfork_spare_keep(int pid, int fd);
/* 1 while the spare may hold copies of the guest's fds: the guest's calls that
 * release an fd (close, dup2/3, close_range) settle first.  Read TLS-free. */
extern int lx_vfork_spare_unready;
/* Waits until the spare holds none of the guest's fds (or is gone). */
void lx_vfork_spare_settle(void);
/* In the spare, once forked: it holds none of the guest's fds, leaves its
 * parent's process group, dies with its parent, blocks every signal, and waits
 * for its activation (returns once activated, to serve the window's messages). */
void lx_vfork_spare_child_wait(int fd);
/* Where a waiting child reads its parent's messages (vfork_window.c), right
 * after what a spare receives as it is taken: *cap bytes. */
char *lx_vfork_receive_room(size_t *cap);
/* In a taken spare, at its exec: the fds it was given with close-on-exec closed,
 * 1; or 0 when a call of the window's may have changed its fds since (then the
 * exec looks at the system's table).  lx_vfork_spare_fds_changed: such a call. */
int lx_vfork_spare_close_on_exec(void);
void lx_vfork_spare_fds_changed(void);
/* A window needs its child: 1 with the spare made its child (the guest's fds,
 * process group and start sent, entered in the process table), 0 when there is
 * none or it is no copy of the process any more (then it is gone). */
int lx_vfork_spare_take(int *pid, int *fd);
/* A call that changes what a fork copies and an exec keeps (FORKSTATE lines): the
 * spare made before is no copy.  TLS-free. */
void lx_vfork_spare_stale(void);
/* The spare goes (killed and reaped, its SIGCHLD taken back): before an exec or
 * the exit of this process, a thread, SIGCHLD ignored, or when the host's wait
 * reported the spare itself (killed or stopped from outside). */
void lx_vfork_spare_drop(void);
/* The spare's pid, or 0. */
int lx_vfork_spare_pid(void);
/* A wait of the guest's for any child (pid -1, P_ALL, no __WCLONE): -ECHILD when
 * the spare is the only one there is, as Linux answers with none; else 0. */
long lx_vfork_spare_wait_first(void);

/* A child reaped without a trace, its socket fd closed (-1: none) or killed
 * first: its SIGCHLD taken back, unless another child's is merged in it. */
void lx_child_reap_unseen(int pid, int fd, int kill);

/* The process's children as lxrun counts them (a spare is not one until taken). */
void lx_vfork_spare_child_made(void);
void lx_vfork_spare_child_reaped(void);
/* In a fork's child: no spare, no children. */
void lx_vfork_spare_forked(void);
/* SIGCHLD set to SIG_IGN: the system reaps children unseen, so the count is
 * unknown until it is read again; the spare goes. */
void lx_vfork_spare_sigchld_ignored(void);

#endif

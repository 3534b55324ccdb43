/* pid.h — procfs internals for /proc/<pid> (pid.c, render_pid.c, task.c). */
#ifndef LXRUN_PROCFS_PID_H
#define LXRUN_PROCFS_PID_H

#include "render.h"

/* Claims the paths of the numeric /proc/<n> namespace: returns 1 and sets *node
 * (NULL when absent: another pid, a closed fd), or 0 for any other path. */
int procfs_pid_lookup(const char *path, const struct procfs_node **node, unsigned *num);
/* Lists a directory node procfs_pid_lookup found (pid: the number it gave). */
long procfs_pid_readdir(const struct procfs_node *dir, unsigned pid, procfs_dirent_fn emit, void *arg);
/* /proc's entries for the session's processes, ascending, counted in *count:
 * 0 or emit's result. */
int procfs_pid_emit(procfs_dirent_fn emit, void *arg, long *count);
/* The process a /proc/<pid> node found with number num shows. */
int procfs_pid_of(const struct procfs_node *node, unsigned num);
/* 1 if it is a sibling of the reader (another process of the session). */
int procfs_pid_foreign(const struct procfs_node *node, unsigned num);
/* 1 if a sibling renders node itself when asked (remote.c). */
int procfs_pid_remote(const struct procfs_node *node);
/* remote.c: a sibling's file as a snapshot fd, its directory's entries, a link's
 * target (path: the guest path, /proc/<pid>/...); -errno, -EACCES when the reader
 * may not inspect it, -ENOENT when it is gone or did not answer. */
long procfs_remote_snapshot(int pid, const char *path, int flags);
long procfs_remote_readdir(int pid, const char *path, procfs_dirent_fn emit, void *arg);
long procfs_remote_readlink(int pid, const char *path, char *buf, size_t cap);
/* A sibling's /proc/<pid>/fd/N link's permission bits (0500, 0300, 0700 by the
 * fd's access mode), from the sibling's own stat of it. */
unsigned procfs_remote_fd_perm(const char *path);
/* A file node's text for num into buf (its length, which may exceed cap: then
 * only cap - 1 bytes are kept), from facts gathered now; -ENOENT if its process ended. */
long procfs_render_file(const struct procfs_node *node, unsigned num, struct procfs_facts *facts, char *buf, size_t cap);
/* 1 if node is one of /proc/<pid>'s (its files need procfs_task_gather). */
int procfs_pid_node(const struct procfs_node *node);
/* 1 if node is /proc/<pid>/status (the only one that needs FDSize). */
int procfs_pid_wants_fds(const struct procfs_node *node);

/* A handle's URL as the guest's path (the namespace's guest_path), or -ENOENT. */
int procfs_guest_path(const char *url, char *out, size_t cap);

/* Guest fds: 1 if fd is an open guest fd; the bound fd scans stop at. */
int procfs_guest_fd_open(long fd);
int procfs_fd_scan_end(void);
/* The open guest fds in ascending order, in one listing (rx_fds_open): a malloc'd
 * array in *fds, the caller's to free; their number, or -errno. */
long procfs_guest_fds(int **fds);

/* F_GETFL of a guest fd, as Linux would show it: an emulated file or directory
 * (a snapshot underneath) is read-only. */
long procfs_fd_flags(int fd);

/* Bytes (may hold NULs) into the buffer, with out_puts' truncation rules. */
void out_bytes(struct procfs_out *o, const void *p, size_t n);

/* render_pid.c: /proc/<pid>/<file> */
void render_pid_maps(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_smaps_rollup(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_stat(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_statm(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_status(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_cmdline(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_environ(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_auxv(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_comm(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_limits(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_mounts(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_mountinfo(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_cgroup(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_zero(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_oom_score_adj(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_personality(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_timerslack(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_pid_fdinfo(struct procfs_out *o, const struct procfs_facts *f, unsigned num);

/* Symlink targets, read live (f may be NULL). */
void render_link_self(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_link_thread_self(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_link_mounts(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_link_exe(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_link_cwd(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_link_root(struct procfs_out *o, const struct procfs_facts *f, unsigned num);
void render_link_fd(struct procfs_out *o, const struct procfs_facts *f, unsigned num);

/* The guest's cwd as a guest path (sys_getcwd's method); its length or -errno. */
long procfs_guest_cwd(char *out, size_t cap);

#endif

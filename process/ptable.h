/* ptable.h — the session's process table.
 *
 * Every guest process of one lxrun session (the program the user started, the
 * processes it forks, the programs they exec) has a slot in memory the session
 * shares: what /proc/<pid> shows of a sibling and what the report lists per
 * process come from here, never from the host's /proc (DESIGN invariant 9: the
 * state is lxrun's own).  Each process writes only its own slot; the one that
 * reaps it frees it.  A slot holds the facts that change rarely (name, image,
 * cwd, ids, dispositions); what changes on every call (mappings, the blocked
 * mask, CPU time) is not published.
 *
 * The table is an anonymous shm object (Redox: a shm: handle) made by the first
 * lxrun, inherited across fork and handed over across exec as lxrun's own fd
 * (lx_proc.opts.ptable_fd). */
#ifndef LXRUN_PTABLE_H
#define LXRUN_PTABLE_H

#include <stddef.h>
#include <stdint.h>

#define LX_PT_SLOTS 1024
#define LX_PT_PATH 1024
#define LX_PT_CMDLINE 2048
#define LX_PT_RECORDS 1024

struct lx_pt_entry {
    int pid, ppid;           /* ppid: the parent now (an orphan's reaper) */
    int parent;              /* the parent it was born to, for the report */
    char state;              /* 'R' alive, 'Z' exited and not yet reaped */
    int exit_status;         /* Linux's wait status, once 'Z' */
    uint32_t uid, euid, gid, egid;
    uint64_t start_cs;       /* since boot */
    uint64_t sig_ignored, sig_caught;
    int subreaper;           /* PR_SET_CHILD_SUBREAPER */
    int ioprio;              /* ioprio_set's class and level (ionice -p reads a sibling's) */
    int has_children;        /* it forked, or was given orphans: its exit must reparent them
                                (the others skip a look at every slot) */
    int execed;              /* it exec'd since its fork (Linux's PF_FORKNOEXEC cleared): its
                                parent may no longer setpgid it; lxrun's own exec in place
                                leaves no trace the system sees */
    char comm[16];
    char exe[LX_PT_PATH];    /* guest path of the program file */
    char cwd[LX_PT_PATH];
    uint32_t cmdline_len;    /* argv strings, NUL-separated, at most LX_PT_CMDLINE bytes */
    char cmdline[LX_PT_CMDLINE];
};

/* One process of the session as the report lists it. */
enum lx_pt_end { LX_PT_RUNNING, LX_PT_EXITED, LX_PT_KILLED, LX_PT_GONE /* ended, status not seen */ };
struct lx_pt_record {
    int pid, ppid;           /* ppid: the parent it was born to */
    enum lx_pt_end end;
    int code;                /* exit code, or the signal */
    char program[240];
};

/* The first lxrun of a session: makes the table; 0 or -errno. */
long lx_ptable_create(void);

/* This process enters the table with a new program (at the session's start, or
 * after an exec, in the slot it had): returns its start time, which an exec
 * keeps, as Linux does.  The command line's cmdline_len bytes (at most
 * LX_PT_CMDLINE kept) are copied into the slot by copy (NULL: memcpy), a
 * negative return leaving it empty: the guest's own copy, read where it is, with
 * no buffer between. */
typedef long (*lx_pt_copy)(void *to, const void *from, size_t n);
uint64_t lx_ptable_enter(uint64_t start_cs, const char *exe, const char *cmdline, size_t cmdline_len,
                         lx_pt_copy copy);
/* A fork's new child pid of ppid enters the table with a copy of its parent's
 * facts, as fork copies them.  Both sides call it as the fork returns (so no
 * one sees the child missing, whichever runs first); the first one makes it. */
void lx_ptable_add_child(int pid, int ppid, uint64_t start_cs);

/* Publishing the facts that change (each a no-op without a table). */
void lx_ptable_set_comm(const char *comm);
void lx_ptable_set_cwd(const char *cwd);
void lx_ptable_set_ids(uint32_t uid, uint32_t euid, uint32_t gid, uint32_t egid);
void lx_ptable_set_signals(uint64_t ignored, uint64_t caught);
void lx_ptable_set_subreaper(int on);
/* The I/O priority of pid (the caller's own or a sibling's: the one fact a
 * process writes in another's slot, as ionice -p sets it; the table is where it
 * lives, Redox's I/O having none): 0, or -ESRCH when pid is not in the table. */
long lx_ptable_set_ioprio(int pid, int ioprio);

/* The files the process runs (program and interpreter; 0 for none): while it
 * does, another process of the session may not open them for writing (ETXTBSY,
 * as Linux denies writes to a running program). */
void lx_ptable_set_text(uint64_t dev, uint64_t ino, uint64_t idev, uint64_t iino);
/* 1 if (dev, ino) is a file a live process of the session runs. */
int lx_ptable_text_busy(uint64_t dev, uint64_t ino);

/* Thread tid of the calling process is (1) or is no longer (0) sleeping in a
 * call: the main thread's (tid = pid) is shown as the process's S or R, as Linux
 * shows the main thread's in /proc/<pid>/stat.  One byte stored in its slot, no
 * lock, no lookup. */
void lx_ptable_sleeping(int tid, int on);

/* This process ends with wait status `status` (its zombie shows 'Z'); its
 * children are reparented as Linux does: to the nearest living ancestor that is
 * a subreaper, else init (1). */
void lx_ptable_exiting(int status);
/* The caller reaped child pid with wait status `status`: its record is made and
 * its slot freed. */
void lx_ptable_reaped(int pid, int status);

/* A copy of pid's entry: 0, or -ESRCH when pid is not a live process of the
 * session (a slot whose process died unseen is swept). */
int lx_ptable_get(int pid, struct lx_pt_entry *out);
/* The session's live pids, ascending; how many (at most max). */
int lx_ptable_pids(int *pids, int max);

/* The report: the records of reaped processes, then one for each process
 * still in the table (the caller, `self_status` its wait status, included).
 * How many were written into out; *omitted: how many did not fit. */
int lx_ptable_records(struct lx_pt_record *out, int max, int self_status, unsigned *omitted);

/* ---- asking another process: what only it knows (its fds, mappings,
 * environment, limits) is rendered by it, on request, never read from the
 * host's /proc.  Each process answers on a thread of lxrun's own, which sleeps
 * on its slot's bell (a shared futex) and runs with every signal blocked.  The
 * thread starts with the process's first call that may wait (dispatch.c: not a
 * read or write of a regular file): a thread costs a process's start 0.1-0.2 ms
 * on a VM, which short-lived programs that never wait (true, env, mkdir…, whose
 * ld.so only reads libraries) are spared; those are not inspectable while they
 * run. ---- */
#define LX_PT_ASK_DATA (128 * 1024)
enum lx_pt_ask_op { LX_ASK_READ, LX_ASK_READDIR, LX_ASK_READLINK, LX_ASK_STAT };
/* What the answering thread runs: the answer's length (into out, at most cap;
 * a longer one is cut) or -errno. */
typedef long (*lx_pt_answer_fn)(int op, const char *path, char *out, size_t cap);
/* Sets what this process answers with (at start; a forked child keeps it, but
 * not the thread, which starts again with its own first blocking call). */
void lx_ptable_answering(lx_pt_answer_fn fn);
/* A forked child has no answering thread: its first blocking call starts one. */
void lx_ptable_answer_forked(void);
/* Holds the answering thread out of libc's code (it then only sleeps or reads
 * the table) for a fork that skips libc's locks (rx_fork_lone): 1 when held,
 * or 0 (it is answering, or starting, or gone: nothing held, fork as usual);
 * lx_ptable_answer_go lets it on, in the parent. */
int lx_ptable_answer_hold(void);
void lx_ptable_answer_go(void);
/* An exec in place: the answering thread, if there is one, goes on answering for
 * the new program (lx_ptable_enter took it for ended, as after a real exec). */
void lx_ptable_answer_kept(void);
/* Starts this process's answering thread if it has none (a flag test after the
 * first call): dispatch calls it as a call begins to wait. */
void lx_ptable_answer_start(void);
/* 1 while this process's answering thread is still to start (its first blocking
 * call starts it, which needs lxrun's FS: the fast path leaves that call to it). */
int lx_ptable_answer_pending(void);
/* Asks pid to answer op on path: the answer's length (at most cap bytes copied
 * into out) or -errno: -ESRCH when pid is not in the session or gave no answer
 * within a second (stopped), -EAGAIN when it has not waited for anything yet
 * (no answering thread). */
long lx_ptable_ask(int pid, int op, const char *path, void *out, size_t cap);

#endif

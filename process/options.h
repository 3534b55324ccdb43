/* options.h — lxrun's options for one guest process, as one object in the process
 * (DESIGN invariant 9): what the user asked lxrun to report and how the trap
 * switches FS.  Kept whole so that a guest's exec can hand them on and fork copy
 * them (issue 9).  Parsed by lxrun.c; read by report/ and dispatch. */
#ifndef LXRUN_OPTIONS_H
#define LXRUN_OPTIONS_H

#include <stdint.h>

#include "../abi/linux_nr.h"

struct lx_trace_options {
    int on;                          /* -t / -o / -e given */
    int fd;                          /* lxrun's own fd, above the guest's floor */
    int strsize;                     /* -s: bytes of strings shown */
    int tag_pid;                     /* -f: prefix lines with the pid */
    uint8_t selected[LX_NR_MAX + 1]; /* -e trace=… */
    int unknown;                     /* trace numbers outside the table (as strace: unless a set is named) */
};

struct lx_report_options {
    int observe;          /* anything below or tracing is on: dispatch takes the observed path */
    int summary;          /* -c */
    int summary_fd;       /* where the -c table goes (lxrun's own fd) */
    int json_fd;          /* --report=FILE.json, opened at start (lxrun's own fd), or -1 */
    int session_fd;       /* with -c or --report: the counts every process of the tree
                             adds to (report/session.c; lxrun's own fd), or -1 */
    const char *program;  /* the program's path, for the report's identity */
};

struct lx_options {
    struct lx_trace_options trace;
    struct lx_report_options report;
    int trap_fs;          /* the FS path the trap uses (enum lx_trap_fs, never auto) */
    int trap_mode;        /* how calls reach lxrun (enum lx_trap_mode, never auto) */
    int cpuid;            /* CPUID answered by lxrun (enum lx_cpuid_mode, never auto) */
    int ptable_fd;        /* the session's process table (process/ptable.h; lxrun's own fd), or -1 */
    int spare_child;      /* --spare-child: a vfork window's child made ahead (syscalls/vfork_spare.c):
                           * LX_SPARE_NO, LX_SPARE_YES or LX_SPARE_AUTO (when a CPU is free for it) */
};

enum { LX_SPARE_NO, LX_SPARE_YES, LX_SPARE_AUTO };

#define LX_OPTIONS_DEFAULT                                                            \
    { .trace = { .fd = 2, .strsize = 32, .unknown = 1 }, .report = { .summary_fd = 2, .json_fd = -1, .session_fd = -1 }, .ptable_fd = -1, \
      .spare_child = LX_SPARE_AUTO }

#endif

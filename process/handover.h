/* handover.h — what one lxrun hands the next when the guest calls execve.
 *
 * A guest's exec re-executes lxrun (DESIGN invariant 6); the kernel objects that
 * outlive an exec on Linux (options, limits, ignored signals, the namespace, the
 * accumulated report) travel in an anonymous file whose handle is named on the new
 * lxrun's command line, never in the guest's environment or argv.  Both ends are
 * the same lxrun binary (it re-executes its own file), so records are the
 * in-memory layouts; a magic and the record sizes still guard the reader. */
#ifndef LXRUN_HANDOVER_H
#define LXRUN_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

#include "fs.h"

enum lx_ho_tag {
    LX_HO_OPTIONS = 1, /* struct lx_options */
    LX_HO_LIMITS,      /* the guest's rlimits, fd limit and oom_score_adj */
    LX_HO_SIGNALS,     /* the ignored-signal set */
    LX_HO_MOUNT,       /* int fd, then the guest path */
    LX_HO_SPECIAL,     /* struct lx_special_mount */
    LX_HO_FS,          /* confined, virtual cwd, /dev/shm's host directory */
    LX_HO_COUNTS,      /* report: struct lx_counts[] summed over threads */
    LX_HO_NOTE,        /* report: nr, count, then the text */
    LX_HO_IOCTLS,      /* report: struct lx_ioctl_note[] */
    LX_HO_PATHS,       /* report: struct lx_path_note[] */
    LX_HO_UNKNOWN,     /* report: calls outside the table */
    LX_HO_ENV,         /* the guest's environment: NUL-separated strings */
    LX_HO_EXECFN,      /* the name the guest gave execve (AT_EXECFN) */
    LX_HO_EXEC_DIRFD,  /* execveat: lxrun's copy of the directory fd (or the file, AT_EMPTY_PATH) */
    LX_HO_SIGCOUNTS,   /* report: signals delivered to handlers, uint64_t[65] by number */
    LX_HO_REWRITE,     /* report: struct lx_rewrite_stats, the rewriter's counts so far */
};

struct lx_handover {
    char *data;
    size_t len, cap;
    int failed; /* out of memory while building */
};

struct lx_ho_rec {
    unsigned tag;
    size_t len;
    const void *data;
};

void lx_ho_put(struct lx_handover *h, unsigned tag, const void *data, size_t len);
/* A record of two parts (a fixed head and a string). */
void lx_ho_put2(struct lx_handover *h, unsigned tag, const void *head, size_t hlen, const char *s);
/* The next record from *pos: 1, 0 at the end, -1 if the data is malformed. */
int lx_ho_next(const struct lx_handover *h, size_t *pos, struct lx_ho_rec *r);
/* Writes h to a new anonymous file (kept across exec): its fd, or -errno. */
long lx_ho_send(const struct lx_handover *h);
/* Reads the whole file fd into h and closes fd; 0 or -errno (-EINVAL: not a handover). */
long lx_ho_receive(int fd, struct lx_handover *h);

/* The process objects' part (options, limits, signals, namespace). */
void lx_process_handover_put(struct lx_handover *h);
/* Takes one record if it is the process's: 1, 0 if not, -1 if malformed. */
int lx_process_handover_take(const struct lx_ho_rec *r);
/* lxrun's own fds the next lxrun needs (trace, reports, process table, mounts): up to max of them.
 * LX_HO_MAX_FDS is room for all of them and the exec's own (handover, dirfd). */
#define LX_HO_MAX_FDS (5 + LX_MAX_MOUNTS + 2)
int lx_process_handover_fds(int *fds, int max);

#endif

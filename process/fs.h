/* fs.h — the guest process's filesystem context (Linux's fs_struct plus what
 * --root and --mount add): the namespace's mounts, whether it is confined, the
 * cwd as a guest path, a virtual cwd inside lxrun's emulated trees, and where
 * /dev/shm lives.  vfs-map/ is the code that works on it. */
#ifndef LXRUN_PROCESS_FS_H
#define LXRUN_PROCESS_FS_H

#include <limits.h>
#include <stddef.h>

#define LX_MAX_MOUNTS 32
#define LX_MAX_SPECIAL 16

struct lx_mount {
    char *guest;   /* normalised guest path; "/" for the root */
    size_t glen;   /* 0 for the root: every path is under it */
    char *host;    /* the directory's host path, as fpath names it; "" for the host's "/" */
    size_t hlen;
    int fd;        /* lxrun's handle on it */
};

/* A mount whose target is not a directory: a scheme URL (a single node) or one
 * of lxrun's emulated trees shown at another guest path. */
struct lx_special_mount { char guest[256]; char target[64]; int tree; };

/* The counts every path's resolution reads first, together at the head: spread
 * over the record's 18 KiB they were three pages, each a first read in a forked
 * child (a fault's worth of time on a paravirtualised VM). */
struct lx_fs {
    int nmounts;
    int confined;                 /* a root or a mount was set up */
    int nspecials;
    struct lx_mount mounts[LX_MAX_MOUNTS];
    struct lx_special_mount specials[LX_MAX_SPECIAL];
    char guest_cwd[PATH_MAX];     /* the cwd as a guest path (confined namespaces) */
    char virtual_cwd[PATH_MAX];   /* the cwd when it is an emulated directory, else "" */
    char shm_host[PATH_MAX];      /* the host directory serving /dev/shm without a root */
};

extern struct lx_fs lx_fs;

#endif

/* argkind.h — what each syscall argument is, for checks in dispatch and for
 * decoding in traces.  The table (table.def) names one kind per argument. */
#ifndef LXRUN_ARGKIND_H
#define LXRUN_ARGKIND_H

enum lx_argkind {
    K_INT,      /* signed decimal */
    K_UINT,     /* unsigned decimal */
    K_HEX,      /* flags with no decoder yet, masks */
    K_PTR,      /* guest address */
    K_FD,       /* a guest fd: lxrun's reserved fds answer EBADF */
    K_DIRFD,    /* a guest fd or AT_FDCWD */
    K_NEWFD,    /* the number a new guest fd is to take (dup2's): lxrun moves its own out of the way */
    K_PATH,     /* NUL-terminated guest path */
    K_STR,      /* NUL-terminated guest string */
    K_IBUF,     /* guest buffer read by the call; its length is the next argument */
    K_OBUF,     /* guest buffer filled by the call; its length is the return value */
    K_SIZE,
    K_OFF,
    K_OFLAGS,   /* O_* */
    K_MODE,     /* permission bits */
    K_ATFLAGS,  /* AT_* */
    K_PROT,     /* PROT_* */
    K_MMAPFL,   /* MAP_* */
    K_SIG,      /* signal number */
    K_SIGSET,   /* pointer to a sigset */
    K_FCNTL,    /* fcntl command */
    K_IOCTL,    /* ioctl request */
    K_CLOCK,    /* clock id */
    K_WHENCE,   /* SEEK_* */
    K_CLONEFL,  /* CLONE_* */
    K_STRUCT,   /* pointer to a struct (stat, timespec, …) */
    K_ARGV,     /* NULL-terminated array of strings */
    K_STATBUF,  /* struct stat filled by the call */
    K_TIMESPEC, /* struct timespec read by the call */
    K_TIMESPEC_OUT, /* struct timespec filled by the call */
    K_WAIT_MS,  /* a wait's limit in milliseconds (signed decimal): 0 returns at once */
    K_WAITOPT,  /* wait4's and waitid's options (hex): with WNOHANG it returns at once */
    K_IOV_IN,   /* iovec array the call empties (writev's); its count is the next argument */
    K_IOV_OUT,  /* iovec array the call fills (readv's); the return value says how much */
    K__COUNT
};

#endif

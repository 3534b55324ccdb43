/* table.h — the syscall table: one line per x86-64 Linux syscall (table.def).
 * Dispatch, trace decoding, the -c summary, the JSON report and docs/syscalls.md
 * all come from it (DESIGN invariant 2). */
#ifndef LXRUN_TABLE_H
#define LXRUN_TABLE_H

#include <stdint.h>

#include "argkind.h"
#include "dispatch.h"

enum lx_status { LX_TRANSLATED, LX_EMULATED, LX_PARTIAL, LX_UNSUPPORTED, LX_ABSENT, LX_NOT_IN_LINUX, LX_STATUS_COUNT };

/* What dispatch and the reports need to know of a call beyond its arguments. */
enum lx_flag {
    LX_F_NORETURN = 1 << 0, /* never returns to the caller (exit, exit_group) */
    LX_F_ADDR = 1 << 1,     /* returns an address (traced in hex) */
    LX_F_BLOCKS = 1 << 2,   /* may sleep until something happens: meanwhile the process table
                               shows the caller sleeping (S in /proc/<pid>/stat) */
    LX_F_RESTARTS = 1 << 3, /* interrupted by a handler with SA_RESTART, it starts again after it
                               (signal(7)); the others fail with EINTR */
    LX_F_CONTEXT = 1 << 4,  /* needs the trap's record of the guest's context (its registers,
                               a new stack): served only through the trap, never the fast path */
    LX_F_GUESTFS = 1 << 5,  /* the handler touches neither lxrun's TLS nor errno (but through
                               lx_fs_call): the fast path serves it on the guest's FS, with no
                               FS switch */
    LX_F_VECTORS = 1 << 6,  /* with GUESTFS: its path may use vector registers (libc's string
                               functions), so the stub saves the guest's first */
    LX_F_FORKSTATE = 1 << 7, /* may change what a fork copies and an exec keeps (cwd, umask,
                                ids, limits, priorities...): a spare child made before it
                                (vfork_spare.c) is no copy of the process any more */
    LX_F_FORKS = 1 << 8,    /* with CONTEXT: a plain fork of it (no new stack, nothing shared,
                               no vfork, no thread: lx_call_fork_fast) is served by the fast
                               path, its child leaving by the stub as the parent does; the
                               rest goes to the trap */
};

/* strace's trace classes, for -e trace=%file and the like. */
enum lx_class {
    LX_C_FILE = 1 << 0, LX_C_DESC = 1 << 1, LX_C_PROCESS = 1 << 2, LX_C_NET = 1 << 3,
    LX_C_SIGNAL = 1 << 4, LX_C_MEMORY = 1 << 5, LX_C_IPC = 1 << 6, LX_C_CREDS = 1 << 7,
    LX_C_CLOCK = 1 << 8,
};

typedef long (*lx_handler)(struct lx_call *c);

/* A line holds no pointer: its strings are offsets into one block of text (the
 * handler is lx_syscalls_hot's), so the table is read-only data as linked, not
 * 1 100 relocations lxrun's static-pie start applied to five pages it then wrote
 * (~45 us of every lxrun's start on a paravirtualised VM). */
struct lx_syscall {
    uint16_t name_at;       /* lx_line_name; 0: no line */
    uint16_t note_at;       /* lx_line_note */
    uint8_t nargs;
    uint8_t kinds[6];
    uint8_t fd_args;        /* bit i: argument i is an FD, EBADF at or above lxrun's floor */
    uint8_t status;
    uint16_t flags;         /* enum lx_flag bits */
    uint16_t classes;       /* enum lx_class bits */
};

#include "../abi/linux_nr.h"
extern const struct lx_syscall lx_syscalls[LX_NR_MAX + 1];
/* A line's name (NULL where the number has no line) and its note: flags ignored,
 * the Redox operation it becomes. */
const char *lx_line_name(const struct lx_syscall *s);
const char *lx_line_note(const struct lx_syscall *s);
/* The name of number nr, or NULL (out of the table or no line). */
const char *lx_syscall_name(long nr);

/* What dispatch reads of a line on every call, made from the same table.def: 16
 * bytes a line, so the calls a short program makes read two pages of it where
 * lx_syscalls' 40-byte lines took five (a forked child's first read of each page is
 * a fault's worth of time on a paravirtualised VM: one more a page for every
 * fork+exec of a shell's loop). */
struct lx_syscall_hot {
    lx_handler fn;   /* NULL when unsupported */
    uint16_t flags;  /* enum lx_flag bits */
    uint8_t fd_args; /* as lx_syscall's */
    uint8_t io;      /* argument 0 an FD, argument 1 a buffer it fills (LX_IO_IN) or empties
                        (LX_IO_OUT); else 0 */
};
enum { LX_IO_IN = 1, LX_IO_OUT = 2 };
extern const struct lx_syscall_hot lx_syscalls_hot[LX_NR_MAX + 1];

const char *lx_status_name(int status);
/* The table index for a name, or -1. */
int lx_syscall_by_name(const char *name);

/* Handlers, declared from the table. */
#define SC(nr, name, args, fn, status, classes, flags, note) long fn(struct lx_call *);
#include "table.def"
#undef SC

/* 1 if the table serves the call of that name (translated, emulated or partial). */
int lx_syscall_served(const char *name);

#endif

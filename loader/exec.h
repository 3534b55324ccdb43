/* exec.h — everything between "run this path" and the first guest instruction
 * except arming interception: scripts, the ELF, its interpreter, brk, the stack. */
#ifndef LXRUN_EXEC_H
#define LXRUN_EXEC_H

#include <stdint.h>

#include "image.h"
#include "stack.h"

/* The fields first, the program's interpreter path last: what a load writes
 * (the fields and the start of that path) is one page of a page-aligned
 * lx_start (LX_START_ALIGN), a page copy in a fork's child, where it was two
 * while each image held its path. */
struct lx_start {
    uintptr_t pc, sp;     /* where the guest starts */
    uintptr_t brk;        /* initial program break */
    uintptr_t stack_lo;   /* the stack's memory, mapped first (exec.c: map_stack) */
    size_t stack_size;
    struct stack_layout stack; /* argv/envp strings and auxv on the initial stack */
    struct lx_image prog, interp;
    char prog_interp[LX_INTERP_ROOM]; /* prog.interp's room */
};
#define LX_START_ALIGN __attribute__((aligned(4096)))

/* Every field zero and the path empty, its other bytes untouched (as
 * lx_image_clear); prog.interp given its room. */
static inline void lx_start_clear(struct lx_start *st)
{
    _Static_assert(offsetof(struct lx_start, stack) == 5 * sizeof(uintptr_t) &&
                       offsetof(struct lx_start, prog) == offsetof(struct lx_start, stack) + sizeof(struct stack_layout) &&
                       offsetof(struct lx_start, prog_interp) == offsetof(struct lx_start, interp) + sizeof(struct lx_image),
                   "lx_start_clear clears each field: clear the new one");
    st->pc = st->sp = st->brk = st->stack_lo = 0;
    st->stack_size = 0;
    st->prog.interp = st->prog_interp;
    st->interp.interp = NULL;
    lx_image_clear(&st->prog);
    lx_image_clear(&st->interp);
    memset(&st->stack, 0, sizeof st->stack);
}

/* What the guest is shown of the machine beyond what the loader reads from it. */
struct lx_exec_view {
    uint64_t hwcap2_hidden; /* AT_HWCAP2 bits left out */
    uint32_t uid, euid, gid, egid; /* AT_UID, AT_EUID, AT_GID, AT_EGID */
    int vdso_counting;      /* lxrun's vDSO counts its answers (a report was asked for) */
};

/* path relative to dirfd (RX_AT_CWD, or an fd of lxrun's; "" = dirfd is the
 * file), execfn the name the guest used (AT_EXECFN); the files from k when it
 * kept them (NULL: each opened). */
int lx_exec_prepare_at(int dirfd, const char *path, const char *execfn, int argc, char **argv, char **envp,
                       const struct lx_exec_view *view, struct lx_image_kept *k, struct lx_start *st,
                       struct lx_exec_error *err);
/* Whether path could be run, checked before a guest's execve leaves the caller:
 * 0, or -1 with err->errnum as Linux's execve would fail (ENOENT, EACCES, ENOEXEC,
 * ELOOP...).  Maps nothing; with k (its floor set), keeps what it opened for the
 * load (nothing kept after a failure). */
int lx_exec_probe(int dirfd, const char *path, struct lx_image_kept *k, struct lx_exec_error *err);

#endif

/* table.c — the table array, expanded from table.def. */
#include "table.h"

#include <stddef.h>
#include <string.h>

/* Each A*() gives the argument count, the kinds, and the mask of FD arguments
 * (precomputed, so the fd guard costs one test per call without FD arguments). */
#define FDBIT(k, i) ((k == K_FD) << (i))
#define A0() 0, { 0 }, 0
#define A1(a) 1, { K_##a }, FDBIT(K_##a, 0)
#define A2(a, b) 2, { K_##a, K_##b }, FDBIT(K_##a, 0) | FDBIT(K_##b, 1)
#define A3(a, b, c) 3, { K_##a, K_##b, K_##c }, FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2)
#define A4(a, b, c, d) 4, { K_##a, K_##b, K_##c, K_##d }, FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2) | FDBIT(K_##d, 3)
#define A5(a, b, c, d, e) 5, { K_##a, K_##b, K_##c, K_##d, K_##e }, \
    FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2) | FDBIT(K_##d, 3) | FDBIT(K_##e, 4)
#define A6(a, b, c, d, e, f) 6, { K_##a, K_##b, K_##c, K_##d, K_##e, K_##f }, \
    FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2) | FDBIT(K_##d, 3) | FDBIT(K_##e, 4) | FDBIT(K_##f, 5)

/* Every name and note, one after another: a line's offsets point in here. */
struct lx_syscall_text {
    char none; /* offset 0: no line */
#define SC(nr, nm, args, fn, st, cls, fl, note) char name_##nr[sizeof #nm], note_##nr[sizeof note];
#include "table.def"
#undef SC
};
static const struct lx_syscall_text line_text = {
    0,
#define SC(nr, nm, args, fn, st, cls, fl, note) #nm, note,
#include "table.def"
#undef SC
};
_Static_assert(sizeof line_text <= UINT16_MAX, "a line's offsets are 16 bits");
#define AT(member) offsetof(struct lx_syscall_text, member)

const struct lx_syscall lx_syscalls[LX_NR_MAX + 1] = {
#define FILE LX_C_FILE
#define DESC LX_C_DESC
#define PROCESS LX_C_PROCESS
#define NET LX_C_NET
#define SIGNAL LX_C_SIGNAL
#define MEMORY LX_C_MEMORY
#define IPC LX_C_IPC
#define CREDS LX_C_CREDS
#define CLOCK LX_C_CLOCK
#define NORETURN LX_F_NORETURN
#define ADDR LX_F_ADDR
#define BLOCKS LX_F_BLOCKS
#define RESTARTS LX_F_RESTARTS
#define CONTEXT LX_F_CONTEXT
#define GUESTFS LX_F_GUESTFS
#define VECTORS LX_F_VECTORS
#define FORKSTATE LX_F_FORKSTATE
#define FORKS LX_F_FORKS
/* Positional, in struct lx_syscall's order: args gives nargs, kinds, fd_args. */
#define SC(nr, nm, args, fn, st, cls, fl, note) [nr] = { AT(name_##nr), AT(note_##nr), args, LX_##st, (fl), (cls) },
#include "table.def"
#undef SC
};

/* The dispatch's view: fn, flags, fd_args, and whether the call fills or empties a
 * buffer through an FD in argument 0 (the A*() macros again, giving fd_args and
 * that). */
#undef A0
#undef A1
#undef A2
#undef A3
#undef A4
#undef A5
#undef A6
#define IO(ka, kb) \
    (ka != K_FD ? 0 : kb == K_OBUF || kb == K_IOV_OUT ? LX_IO_IN : kb == K_IBUF || kb == K_IOV_IN ? LX_IO_OUT : 0)
#define A0() 0, 0
#define A1(a) FDBIT(K_##a, 0), 0
#define A2(a, b) FDBIT(K_##a, 0) | FDBIT(K_##b, 1), IO(K_##a, K_##b)
#define A3(a, b, c) FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2), IO(K_##a, K_##b)
#define A4(a, b, c, d) FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2) | FDBIT(K_##d, 3), IO(K_##a, K_##b)
#define A5(a, b, c, d, e) FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2) | FDBIT(K_##d, 3) | FDBIT(K_##e, 4), IO(K_##a, K_##b)
#define A6(a, b, c, d, e, f) \
    FDBIT(K_##a, 0) | FDBIT(K_##b, 1) | FDBIT(K_##c, 2) | FDBIT(K_##d, 3) | FDBIT(K_##e, 4) | FDBIT(K_##f, 5), IO(K_##a, K_##b)
/* On whole pages: 7.5 KiB read by each call's dispatch, two pages where it could
 * straddle three (a forked child's first read of each is a fault on some VMs). */
__attribute__((aligned(4096))) const struct lx_syscall_hot lx_syscalls_hot[LX_NR_MAX + 1] = {
#define SC(nr, nm, args, fn, st, cls, fl, note) [nr] = { fn, (fl), args },
#include "table.def"
#undef SC
};

const char *lx_line_name(const struct lx_syscall *s) { return s->name_at ? (const char *)&line_text + s->name_at : NULL; }
const char *lx_line_note(const struct lx_syscall *s) { return (const char *)&line_text + s->note_at; }
const char *lx_syscall_name(long nr) { return nr >= 0 && nr <= LX_NR_MAX ? lx_line_name(&lx_syscalls[nr]) : NULL; }

const char *lx_status_name(int status)
{
    static const char *const names[] = { "translated", "emulated",    "partial",
                                         "unsupported", "absent", "not-in-linux" };
    return status >= 0 && status < LX_STATUS_COUNT ? names[status] : "?";
}

int lx_syscall_by_name(const char *name)
{
    for (int i = 0; i <= LX_NR_MAX; i++)
        if (lx_syscalls[i].name_at && strcmp(lx_line_name(&lx_syscalls[i]), name) == 0) return i;
    return -1;
}

int lx_syscall_served(const char *name)
{
    for (int nr = 0; nr <= LX_NR_MAX; nr++)
        if (lx_syscalls[nr].name_at && !strcmp(lx_line_name(&lx_syscalls[nr]), name))
            return lx_syscalls[nr].status == LX_TRANSLATED || lx_syscalls[nr].status == LX_EMULATED ||
                   lx_syscalls[nr].status == LX_PARTIAL;
    return 0;
}

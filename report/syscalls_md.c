/* syscalls_md.c — writes docs/syscalls.md from the table, so the document can
 * never say something the table does not (DESIGN invariant 2). */
#include <stdio.h>
#include <string.h>

#include "../syscalls/table.h"

static const char *const kind_names[K__COUNT] = {
    [K_INT] = "int", [K_UINT] = "uint", [K_HEX] = "hex", [K_PTR] = "ptr", [K_FD] = "fd", [K_NEWFD] = "newfd",
    [K_DIRFD] = "dirfd", [K_PATH] = "path", [K_STR] = "str", [K_IBUF] = "inbuf", [K_OBUF] = "outbuf",
    [K_SIZE] = "size", [K_OFF] = "off", [K_OFLAGS] = "oflags", [K_MODE] = "mode", [K_ATFLAGS] = "atflags",
    [K_PROT] = "prot", [K_MMAPFL] = "mapflags", [K_SIG] = "signal", [K_SIGSET] = "sigset",
    [K_FCNTL] = "fcntl_cmd", [K_IOCTL] = "ioctl_req", [K_CLOCK] = "clock", [K_WHENCE] = "whence",
    [K_CLONEFL] = "clone_flags", [K_STRUCT] = "struct", [K_ARGV] = "argv",
    [K_STATBUF] = "stat_out", [K_TIMESPEC] = "timespec", [K_TIMESPEC_OUT] = "timespec_out",
    [K_WAIT_MS] = "wait_ms", [K_WAITOPT] = "wait_options", [K_IOV_IN] = "iovec_in", [K_IOV_OUT] = "iovec_out",
};

static void md_escape(const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", stdout);
        else putchar(*s);
    }
}

int main(void)
{
    int count[LX_STATUS_COUNT] = { 0 };
    for (int nr = 0; nr <= LX_NR_MAX; nr++)
        if (lx_syscall_name(nr)) count[lx_syscalls[nr].status]++;
    puts("# Linux x86-64 system calls in lxrun\n");
    puts("Generated from `syscalls/table.def` by `report/syscalls_md.c`; do not edit by hand");
    puts("(CI fails when this copy is stale).\n");
    puts("Status: **translated** becomes a Redox operation; **emulated** is served from lxrun's");
    puts("own state; **partial** is served with what is ignored named in the note (and recorded at");
    puts("run time, see `lxrun -c`); **unsupported** returns `-ENOSYS` because lxrun lacks it (a gap,");
    puts("counted and reported); **absent** returns `-ENOSYS` as a Linux kernel built without the");
    puts("feature does, which programs cope with; **not-in-linux** returns `-ENOSYS` as every Linux does.\n");
    puts("| status | syscalls |\n|---|---|");
    for (int st = 0; st < LX_STATUS_COUNT; st++) printf("| %s | %d |\n", lx_status_name(st), count[st]);
    puts("");
    puts("Path, from a rewritten call site (`--trap=rewrite`): **guest FS** is served without");
    puts("switching FS (the handler touches neither lxrun's TLS nor errno, but through `lx_fs_call`");
    puts("for a rare branch: no kernel entry for FS where it moves by `arch_prctl`) and without");
    puts("saving the guest's vector registers; **guest FS, vectors saved** the same after saving them");
    puts("(its path uses libc's string functions); **trap** goes to the Syscall User Dispatch trap,");
    puts("as it needs the trapped context (registers, a new stack), **trap, guest FS** too, and the");
    puts("trap serves it without switching FS, **trap, a plain fork fast** too, but for a fork with");
    puts("no new stack, nothing shared and no vfork, which the fast path makes itself (its child");
    puts("leaves by the stub as the parent does); the others run on the fast path with lxrun's FS.");
    puts("The trap serves every guest-FS line on the guest's FS as well (the calls of sites not");
    puts("rewritten, and all under `--trap=sud`).\n");
    puts("| nr | name | arguments | status | path | Redox operation / note |");
    puts("|---:|---|---|---|---|---|");
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_syscall *s = &lx_syscalls[nr];
        if (!lx_line_name(s)) continue;
        printf("| %d | `%s` | ", nr, lx_line_name(s));
        for (int i = 0; i < s->nargs; i++) printf("%s%s", i ? ", " : "", kind_names[s->kinds[i]]);
        printf(" | %s | %s | ", lx_status_name(s->status),
               s->flags & LX_F_CONTEXT ? (s->flags & LX_F_GUESTFS ? "trap, guest FS"
                                          : s->flags & LX_F_FORKS ? "trap, a plain fork fast" : "trap")
               : s->flags & LX_F_GUESTFS ? (s->flags & LX_F_VECTORS ? "guest FS, vectors saved" : "guest FS")
                                          : "");
        md_escape(lx_line_note(s));
        puts(" |");
    }
    return 0;
}

#include "exec.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../abi/linux_cpu.h"
#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../ldso/interp.h"
#include "../ldso/vdso.h"
#include "../redox/rx.h"
#include "shebang.h"
#include "stack.h"

#define MAX_SCRIPT_DEPTH 4
#define STACK_SIZE_MAX (64UL << 20)
#define STACK_SIZE_DEFAULT (8UL << 20)

static int fail_errno(struct lx_exec_error *err, int status, int errnum, const char *msg)
{
    err->status = status;
    err->errnum = errnum;
    strncpy(err->msg, msg, sizeof err->msg - 1);
    err->msg[sizeof err->msg - 1] = 0;
    return -1;
}

static int fail(struct lx_exec_error *err, int status, const char *msg) { return fail_errno(err, status, ENOEXEC, msg); }

/* The interpreter name for a one-line message: control characters as ^X (a
 * DOS "#!/bin/sh\r" shows as /bin/sh^M, as bash shows it, instead of moving the
 * cursor), and cut short so the reason after it always fits. */
static void printable_name(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    for (; *s && n + 5 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 32 || c == 127) { out[n++] = '^'; out[n++] = (char)(c ^ 64); }
        else out[n++] = (char)c;
    }
    if (*s) { memcpy(out + n, "...", 3); n += 3; }
    out[n] = 0;
}

/* The stack's memory, mapped before the program's (rx_stack_home: its place
 * would otherwise go to the program's libraries, mapped downwards from there);
 * read-write, made executable by build_stack if the program asks. */
static int map_stack(struct lx_start *st, struct lx_exec_error *err)
{
    uint64_t cur = STACK_SIZE_DEFAULT, max;
    rx_getrlimit(RX_RLIMIT_STACK, &cur, &max);
    size_t size = cur > STACK_SIZE_MAX || cur == 0 ? STACK_SIZE_DEFAULT : GM_PAGE_UP(cur);
    int prot = abi_prot_to_rx(LINUX_PROT_READ | LINUX_PROT_WRITE);
    /* growing down as Linux's stack does, though mapped whole: the system keeps
     * mappings it places a gap (1 MiB) below it, so a library mapped next starts
     * a page-table range as the stack's home ends one (a 2 MiB libc across two
     * ranges paid two page-table pages) */
    int flags = RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_X_NORESERVE | RX_MAP_X_GROWSDOWN;
    uintptr_t home = rx_stack_home(size);
    long lo = home ? rx_mmap(home, size, prot, flags | RX_MAP_FIXED_NOREPLACE, -1, 0) : -1;
    if (lo < 0) lo = rx_mmap(0, size, prot, flags, -1, 0);
    if (lo < 0) return fail_errno(err, 126, ENOMEM, "cannot allocate the stack");
    st->stack_lo = (uintptr_t)lo, st->stack_size = size;
    return 0;
}

static int build_stack(struct lx_start *st, int argc, char **argv, char **envp, const char *execfn,
                       const struct lx_exec_view *view, struct lx_exec_error *err)
{
    uintptr_t lo = st->stack_lo;
    size_t size = st->stack_size;
    int prot = LINUX_PROT_READ | LINUX_PROT_WRITE | (st->prog.exec_stack ? LINUX_PROT_EXEC : 0);
    if (st->prog.exec_stack && rx_mprotect(lo, size, abi_prot_to_rx(prot)) < 0)
        return fail_errno(err, 126, ENOMEM, "cannot make the stack executable");
    gm_add(lo, size, prot, 0, GM_STACK, 0, 0, 0, NULL);

    struct rx_cpu_auxv f;
    rx_cpu_auxv(&f);
    uint64_t vdso = ldso_vdso_map(view->vdso_counting); /* AT_SYSINFO_EHDR: 0 leaves it out */
    struct stack_spec s = {
        .argc = argc, .argv = argv, .envp = envp, .execfn = execfn,
        .phdr = st->prog.phdr, .phent = sizeof(Elf64_Phdr), .phnum = st->prog.phnum,
        .base = st->prog.has_interp ? st->interp.bias : 0, .entry = st->prog.entry,
        .uid = view->uid, .euid = view->euid, .gid = view->gid, .egid = view->egid, .secure = 0,
        .hwcap = f.hwcap ? f.hwcap : abi_hwcap(), .hwcap2 = f.hwcap2 & ~view->hwcap2_hidden,
        .minsigstksz = f.minsigstksz, .clktck = 100,
        .sysinfo_ehdr = vdso,
        .layout = &st->stack,
    };
    while (envp[s.envc]) s.envc++;
    rx_getrandom(s.random, sizeof s.random);
    st->sp = stack_build(lo, lo + size, &s);
    if (!st->sp) return fail_errno(err, 126, E2BIG, "Argument list too long");
    return 0;
}

/* Scripts: argv becomes interpreter [arg] script argv[1..], where script is the
 * name the caller used (execfn: "/dev/fd/N" for execveat on an fd, as Linux). */
static char **script_argv(const struct shebang *sb, const char *script, int argc, char **argv, int *nargc)
{
    char **nargv = calloc((size_t)argc + 3, sizeof *nargv);
    if (!nargv) return NULL;
    int k = 0;
    nargv[k++] = (char *)sb->interp;
    if (sb->has_arg) nargv[k++] = (char *)sb->arg;
    nargv[k++] = (char *)script;
    for (int i = 1; i < argc; i++) nargv[k++] = argv[i];
    *nargc = k;
    return nargv;
}

/* Opens a program file: 0 with *fd for an ELF candidate, 1 with sb for a script
 * (nothing left open), -1 with err. */
static int open_program(int dirfd, const char *path, int depth, struct shebang *sb, int *fd,
                        struct lx_image_kept *k, struct lx_exec_error *err)
{
    *fd = lx_image_open_kept(k, dirfd, path, err);
    if (*fd < 0) return -1;
    char head[SHEBANG_MAX];
    long n = lx_image_head(*fd, head, sizeof head);
    int script = n > 0 ? shebang_parse(head, (unsigned long)n, sb) : 0;
    if (script == 0) return 0;
    rx_close(*fd);
    if (script < 0) return fail(err, 126, "bad interpreter line");
    if (depth >= MAX_SCRIPT_DEPTH) return fail_errno(err, 126, ELOOP, "too many levels of script interpreters");
    return 1;
}

static int prepare(int dirfd, const char *path, int argc, char **argv, char **envp, const char *execfn,
                   const struct lx_exec_view *view, int depth, struct lx_image_kept *k, struct lx_start *st,
                   struct lx_exec_error *err)
{
    int fd;
    struct shebang sb;
    int kind = open_program(dirfd, path, depth, &sb, &fd, k, err);
    if (kind < 0) return -1;
    if (kind == 1) {
        int n;
        char **nargv = script_argv(&sb, depth ? path : execfn, argc, argv, &n);
        if (!nargv) return fail_errno(err, 126, ENOMEM, "out of memory");
        int r = prepare(RX_AT_CWD, sb.interp, n, nargv, envp, execfn, view, depth + 1, k, st, err);
        if (r < 0 && err->status == 127) {
            char msg[sizeof err->msg], name[128];
            printable_name(name, sizeof name, sb.interp);
            snprintf(msg, sizeof msg, "%s: bad interpreter: No such file or directory", name);
            fail(err, 126, msg);
        }
        free(nargv);
        return r;
    }
    int r = map_stack(st, err);
    if (r == 0) r = lx_image_map(fd, path, lx_image_kept_name(k), 0, &st->prog, err);
    rx_close(fd);
    st->pc = st->prog.entry;
    if (r == 0 && st->prog.has_interp) {
        r = ldso_load_interp(st->prog.interp, k, &st->interp, err);
        st->pc = st->interp.entry;
    }
    if (r < 0) {
        if (st->stack_lo) rx_munmap(st->stack_lo, st->stack_size);
        return -1;
    }
    st->brk = GM_PAGE_UP(st->prog.end);
    return build_stack(st, argc, argv, envp, execfn, view, err);
}

int lx_exec_prepare_at(int dirfd, const char *path, const char *execfn, int argc, char **argv, char **envp,
                       const struct lx_exec_view *view, struct lx_image_kept *k, struct lx_start *st,
                       struct lx_exec_error *err)
{
    lx_start_clear(st);
    return prepare(dirfd, path, argc, argv, envp, execfn, view, 0, k, st, err);
}

/* The checks of prepare() without loading anything: a script's interpreter
 * chain, the ELF headers and the ELF interpreter, with the errno Linux gives. */
static int probe(int dirfd, const char *path, int depth, struct lx_image_kept *k, struct lx_exec_error *err)
{
    int fd;
    struct shebang sb;
    int kind = open_program(dirfd, path, depth, &sb, &fd, k, err);
    if (kind < 0) return -1;
    if (kind == 1) return probe(RX_AT_CWD, sb.interp, depth + 1, k, err);
    struct lx_image *img = lx_image_probe_scratch(); /* exec is serialised by the caller */
    int r = lx_image_check(fd, img, err);
    rx_close(fd);
    if (r < 0 || !img->has_interp) return r;
    fd = lx_image_open_kept(k, RX_AT_CWD, img->interp, err);
    if (fd < 0) return -1;
    r = lx_image_check(fd, img, err); /* the same struct again: one page fewer written after a fork */
    rx_close(fd);
    return r;
}

int lx_exec_probe(int dirfd, const char *path, struct lx_image_kept *k, struct lx_exec_error *err)
{
    lx_image_kept_close(k); /* an earlier exec's, in a fork that made this one again */
    if (k) k->recording = 1;
    int r = probe(dirfd, path, 0, k, err);
    if (k) k->recording = 0;
    if (r < 0) lx_image_kept_close(k);
    return r;
}

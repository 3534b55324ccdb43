/* lxrun.c — command line, then load the program and hand the CPU to it. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader/exec.h"
#include "redox/rx.h"
#include "syscalls/fd_reserve.h"
#include "syscalls/process.h"
#include "trap/trap.h"

#define LXRUN_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lxrun [options] PROGRAM [ARGS...]\n"
            "Runs an unmodified Linux x86-64 program through lxrun's Redox-shaped translation layer.\n"
            "\n"
            "  -h, --help       show this help\n"
            "  -V, --version    show the version\n"
            "\n"
            "PROGRAM without a '/' is looked up in PATH, as a shell does.\n"
            "Exit status: the program's own; 126 if it cannot be executed, 127 if it is not found.\n");
}

/* A shell's PATH search: the first executable regular file wins; otherwise the
 * first one that exists (to report why it cannot run). */
static const char *search_path(const char *name, char *buf, size_t cap)
{
    if (strchr(name, '/')) return name;
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    const char *found = NULL;
    static char first[4096];
    for (const char *p = path;; p++) {
        const char *e = strchrnul(p, ':');
        int n = snprintf(buf, cap, "%.*s%s%s", (int)(e - p), p, e == p ? "" : "/", name);
        struct stat st;
        if (n > 0 && (size_t)n < cap && stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
            if (st.st_mode & 0111) return buf;
            if (!found) found = strcpy(first, buf);
        }
        if (!*e) break;
        p = e;
    }
    return found;
}

int main(int argc, char **argv, char **envp)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; break; }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "-V") || !strcmp(a, "--version")) { puts("lxrun " LXRUN_VERSION); return 0; }
        fprintf(stderr, "lxrun: unknown option '%s'\n", a);
        usage(stderr);
        return 2;
    }
    if (i >= argc) { usage(stderr); return 2; }

    const char *why;
    if (lx_trap_supported(&why) < 0) {
        fprintf(stderr, "lxrun: cannot intercept system calls: %s\n", why);
        return 126;
    }
    if (lx_fd_reserve_init() < 0) {
        fprintf(stderr, "lxrun: cannot reserve file descriptors\n");
        return 126;
    }

    static char found[4096];
    const char *prog = search_path(argv[i], found, sizeof found);
    if (!prog) {
        fprintf(stderr, "lxrun: %s: command not found\n", argv[i]);
        return 127;
    }

    static struct lx_start st;
    struct lx_exec_error err;
    argv[i] = (char *)argv[i];
    if (lx_exec_prepare(prog, argc - i, argv + i, envp, &st, &err) < 0) {
        fprintf(stderr, "lxrun: %s: %s\n", prog, err.msg);
        return err.status;
    }
    lx_process_start(st.brk, prog);
    fflush(NULL);

    static struct lx_thread main_thread;
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    memcpy(&main_thread.guest_sigmask, &cur, sizeof main_thread.guest_sigmask);
    int r = lx_trap_thread_init(&main_thread);
    if (r < 0) {
        fprintf(stderr, "lxrun: cannot set up interception: %s\n", strerror(-r));
        return 126;
    }
    lx_trap_enter_guest(&main_thread, st.pc, st.sp);
}

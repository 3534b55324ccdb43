/* check.c — lxrun --check PROGRAM: what the program needs, without running it.
 * The loader's own validation decides whether the file is runnable at all; libelf
 * supplies the dynamic facts; every lookup goes through the guest's namespace. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "../loader/image.h"
#include "../loader/shebang.h"
#include "../redox/rx.h"
#include "../vfs-map/vfs.h"
#include "elf_facts.h"

#define MAX_LIBS 256

static const char *const default_dirs[] = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

static int exists(const char *path)
{
    struct vfs_target t;
    if (vfs_resolve(RX_AT_CWD, path, &t) < 0) return 0;
    long fd = vfs_open(&t, RX_O_PATH | RX_O_CLOEXEC, 0);
    if (fd < 0) return 0;
    rx_close((int)fd);
    return 1;
}

/* DT_RUNPATH entries (with $ORIGIN) of the object at `from`, then the defaults. */
static int find_lib(const char *name, const char *from, const char *runpath, char *out, size_t cap)
{
    char origin[4096];
    snprintf(origin, sizeof origin, "%s", from);
    char *slash = strrchr(origin, '/');
    if (slash) *slash = 0;
    for (const char *p = runpath; p && *p;) {
        size_t n = strcspn(p, ":");
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)n, p);
        if (!strncmp(dir, "$ORIGIN", 7)) {
            char tmp[4096];
            snprintf(tmp, sizeof tmp, "%s%s", origin, dir + 7);
            snprintf(dir, sizeof dir, "%s", tmp);
        }
        snprintf(out, cap, "%s/%s", dir, name);
        if (exists(out)) return 1;
        p += n + (p[n] == ':');
    }
    for (size_t i = 0; i < sizeof default_dirs / sizeof default_dirs[0]; i++) {
        snprintf(out, cap, "%s/%s", default_dirs[i], name);
        if (exists(out)) return 1;
    }
    return 0;
}

static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void say(int fd, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
    rx_write(fd, line, (size_t)n);
}

/* Breadth-first over DT_NEEDED; each library is named once. Returns how many are missing. */
static int check_libraries(int fd, const char *prog, const struct elf_facts *pf)
{
    static char names[MAX_LIBS][128] RX_COLD, paths[MAX_LIBS][4096] RX_COLD;
    int n = 0, missing = 0;
    static struct elf_facts f RX_COLD;
    for (int i = 0; i < pf->nneeded && n < MAX_LIBS; i++) {
        snprintf(names[n], sizeof names[n], "%s", pf->needed[i]);
        paths[n][0] = 0;
        if (!find_lib(names[n], prog, pf->runpath, paths[n], sizeof paths[n])) paths[n][0] = 0;
        n++;
    }
    for (int i = 0; i < n; i++) {
        if (!paths[i][0]) {
            say(fd, "  %-28s MISSING (not found in the guest root)\n", names[i]);
            missing++;
            continue;
        }
        say(fd, "  %-28s %s\n", names[i], paths[i]);
        const char *why;
        if (elf_facts_read(paths[i], &f, &why) < 0) continue;
        for (int k = 0; k < f.nneeded && n < MAX_LIBS; k++) {
            int seen = 0;
            for (int j = 0; j < n; j++) seen |= !strcmp(names[j], f.needed[k]);
            if (seen) continue;
            snprintf(names[n], sizeof names[n], "%s", f.needed[k]);
            if (!find_lib(names[n], paths[i], f.runpath, paths[n], sizeof paths[n])) paths[n][0] = 0;
            n++;
        }
    }
    return missing;
}

/* As the loader (loader/exec.c): at most this many "#!" levels. */
#define MAX_SCRIPT_DEPTH 4

static int check_at(const char *path, int fd, struct lx_exec_error *err, int depth)
{
    int file = lx_image_open(path, err);
    if (file < 0) return -1;
    char head[SHEBANG_MAX];
    long hn = lx_image_head(file, head, sizeof head);
    struct shebang sb;
    int script = hn > 0 ? shebang_parse(head, (unsigned long)hn, &sb) : 0;
    if (script) {
        rx_close(file);
        if (script < 0) { err->status = 126; snprintf(err->msg, sizeof err->msg, "bad interpreter line"); return -1; }
        if (depth >= MAX_SCRIPT_DEPTH) {
            err->status = 126;
            snprintf(err->msg, sizeof err->msg, "too many levels of script interpreters");
            return -1;
        }
        say(fd, "file:          %s\nkind:          script, interpreter %s%s%s\n\n", path, sb.interp,
            sb.has_arg ? " with argument " : "", sb.has_arg ? sb.arg : "");
        int r = check_at(sb.interp, fd, err, depth + 1);
        if (r < 0 && err->status == 127) { /* as the loader says it: the script exists, its interpreter not */
            char name[128];
            size_t n = 0;
            const char *s = sb.interp;
            for (; *s && n + 5 < sizeof name; s++) {
                unsigned char c = (unsigned char)*s;
                if (c < 32 || c == 127) { name[n++] = '^'; name[n++] = (char)(c ^ 64); }
                else name[n++] = (char)c;
            }
            if (*s) { memcpy(name + n, "...", 3); n += 3; }
            name[n] = 0;
            err->status = 126;
            snprintf(err->msg, sizeof err->msg, "%s: bad interpreter: No such file or directory", name);
        }
        return r;
    }
    static struct lx_image img;
    static char interp[LX_INTERP_ROOM] RX_COLD;
    img.interp = interp;
    int r = lx_image_check(file, &img, err);
    rx_close(file);
    if (r < 0) return -1;

    static struct elf_facts f RX_COLD;
    const char *why;
    if (elf_facts_read(path, &f, &why) < 0) { err->status = 126; snprintf(err->msg, sizeof err->msg, "%s", why); return -1; }
    int problems = 0;
    say(fd, "file:          %s\nclass:         ELF64 little-endian x86-64\n", path);
    say(fd, "type:          %s%s, %s\n", f.type, f.pie ? " (PIE)" : "", f.is_static ? "static" : "dynamic");
    if (!f.is_static) {
        int found = exists(f.interp);
        say(fd, "interpreter:   %s (%s)\n", f.interp, found ? "found in the guest root" : "MISSING in the guest root");
        problems += !found;
    }
    if (f.nneeded) {
        say(fd, "libraries:\n");
        problems += check_libraries(fd, path, &f);
    }
    if (f.max_glibc[0]) say(fd, "symbol versions: highest required %s\n", f.max_glibc);
    say(fd, "syscall sites: %ld `syscall` instruction%s in the program's own executable sections\n", f.syscall_sites,
        f.syscall_sites == 1 ? "" : "s");
    if (problems) say(fd, "verdict: not runnable: %d required file%s missing\n", problems, problems == 1 ? "" : "s");
    else say(fd, "verdict: loadable by lxrun (what it does at run time: lxrun -c or --report)\n");
    return problems ? 1 : 0;
}

int lx_check_program(const char *path, int fd, struct lx_exec_error *err)
{
    return check_at(path, fd, err, 0);
}

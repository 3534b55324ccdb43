/* lxrun.c — command line, then load the program and hand the CPU to it. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/linux_cpu.h"
#include "abi/linux_errno.h"
#include "abi/linux_signal.h"
#include "loader/exec.h"
#include "redox/rx.h"
#include "report/check.h"
#include "procfs/procfs.h"
#include "report/report.h"
#include "syscalls/table.h"
#include "report/session.h"
#include "report/trace.h"
#include "process/fd_reserve.h"
#include "process/handover.h"
#include "process/ptable.h"
#include "report/record.h"
#include "syscalls/process.h"
#include "syscalls/program.h"
#include "trap/learned.h"
#include "trap/trap.h"
#include "vfs-map/vfs.h"

#define LXRUN_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lxrun [options] PROGRAM [ARGS...]\n"
            "Runs an unmodified Linux x86-64 program through lxrun's Redox-shaped translation layer.\n"
            "\n"
            "  -t, --trace         print each syscall, strace style, on stderr\n"
            "  -o FILE            write the trace (and the -c table) to FILE\n"
            "  -e trace=SET       trace only SET: names, %%file %%desc %%process %%network\n"
            "                     %%signal %%memory %%ipc %%creds %%clock, 'all', '!' to negate\n"
            "  -s N               show at most N bytes of strings (default 32)\n"
            "  -f                 tag lines with the pid (children are followed once lxrun runs them)\n"
            "  -c, --summary      at exit, a table of calls, errors, time and lxrun's support status,\n"
            "                     over the program and the processes it started (as strace -c -f)\n"
            "  --report=FILE      at exit, the same facts as JSON (docs/report-schema.md), with the\n"
            "                     program's identity and a verdict: ok, degraded or unsupported\n"
            "  --check            do not run PROGRAM: report its type, interpreter, libraries\n"
            "                     (resolved in the guest root), symbol versions and syscall sites\n"
            "  --root DIR         DIR is the guest's '/': no path, '..' or symlink leads out of it\n"
            "  --mount GUEST=DIR  serve the guest path GUEST from the host directory DIR (repeatable;\n"
            "                     the longest GUEST prefix wins), confined like the root; DIR may\n"
            "                     also be a scheme URL (null:, zero:, rand:, full:: one node) or an\n"
            "                     emulated tree (procfs, sysfs, devfs)\n"
            "  --config FILE      read 'root = DIR' and 'mount GUEST = DIR' lines from FILE instead of\n"
            "                     $XDG_CONFIG_HOME/lxrun/config (~/.config/lxrun/config); options win\n"
            "  --no-config        read no configuration file\n"
            "  --trap=MODE        how guest calls reach lxrun: auto (default: rewrite where the CPU\n"
            "                     allows), sud (every call through Syscall User Dispatch's signal) or\n"
            "                     rewrite (each call site, after its first trap, jumps into lxrun);\n"
            "                     also LXRUN_TRAP=MODE in the environment (never shown to the guest)\n"
            "  --trap-fs=MODE     how the trap switches FS: auto (default), wrfsbase or arch_prctl;\n"
            "                     also LXRUN_TRAP_FS=MODE in the environment (never shown to the guest)\n"
            "  --cpuid=MODE       CPUID in ld.so (or a program without one): auto (default: answered\n"
            "                     by lxrun where the instruction is slow, as in a VM, from the\n"
            "                     session's second program on), serve or native; needs\n"
            "                     --trap=rewrite; also LXRUN_CPUID=MODE\n"
            "  --spare-child=MODE whether a shell's next vfork child is made while its last one\n"
            "                     runs: auto (default: when the system has a CPU free for it),\n"
            "                     yes, or no (each made at the vfork)\n"
            "  --cache=DIR        keep what lxrun learns about programs (their call sites, CPUID's\n"
            "                     answers, ld.so as rewritten) in DIR for the next lxrun of this\n"
            "                     build and boot (default $XDG_CACHE_HOME/lxrun, ~/.cache/lxrun);\n"
            "                     'off' keeps nothing; also LXRUN_CACHE=DIR\n"
            "  -h, --help         show this help\n"
            "  -V, --version      show the version\n"
            "\n"
            "PROGRAM without a '/' is looked up in PATH, as a shell does; with --root, PROGRAM\n"
            "and PATH are guest paths.\n"
            "Exit status: the program's own; 126 if it cannot be executed, 127 if it is not found.\n");
}

/* The mode of a PATH candidate, looked up in the guest's namespace. */
static int candidate_mode(const char *path, uint32_t *mode)
{
    struct vfs_target t;
    long fd = vfs_resolve(RX_AT_CWD, path, &t);
    if (fd >= 0) fd = vfs_open(&t, RX_O_PATH | RX_O_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct rx_stat rs;
    long r = rx_fstat((int)fd, &rs);
    rx_close((int)fd);
    if (r < 0) return -1;
    *mode = rs.mode;
    return 0;
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
        uint32_t mode;
        if (n > 0 && (size_t)n < cap && candidate_mode(buf, &mode) == 0 && RX_MODE_IS(mode, RX_MODE_FILE)) {
            if (mode & 0111) return buf;
            if (!found) found = strcpy(first, buf);
        }
        if (!*e) break;
        p = e;
    }
    return found;
}

static int want_value(int argc, char **argv, int *i)
{
    if (*i + 1 < argc) return 1;
    fprintf(stderr, "lxrun: option '%s' needs a value\n", argv[*i]);
    return 0;
}

static int check_only;

/* --trap-fs and --trap, else LXRUN_TRAP_FS and LXRUN_TRAP: read by lxrun, removed
 * from the guest's environment. */
#define TRAP_FS_ENV "LXRUN_TRAP_FS"
#define TRAP_ENV "LXRUN_TRAP"
#define CPUID_ENV "LXRUN_CPUID"
#define CACHE_ENV "LXRUN_CACHE"
static int trap_fs_mode = -1, trap_mode = -1, cpuid_mode = -1;
static const char *cache_dir;

static int cache_option(const char *word, const char *where)
{
    if (!strcmp(word, "off") || word[0] == '/') {
        cache_dir = word;
        return 0;
    }
    fprintf(stderr, "lxrun: %s: '%s' is not an absolute directory or off\n", where, word);
    return -1;
}

/* --cache, LXRUN_CACHE, else the user's cache directory (XDG's rule): trap/learned.c */
static void choose_cache(void)
{
    static char dir[4096] RX_START_WRITTEN;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (!cache_dir && xdg && xdg[0] == '/' && snprintf(dir, sizeof dir, "%s/lxrun", xdg) < (int)sizeof dir)
        cache_dir = dir;
    else if (!cache_dir && home && home[0] == '/' && snprintf(dir, sizeof dir, "%s/.cache/lxrun", home) < (int)sizeof dir)
        cache_dir = dir;
    lx_learned_choose(cache_dir && strcmp(cache_dir, "off") ? cache_dir : NULL);
}

static int cpuid_option(const char *word, const char *where)
{
    cpuid_mode = lx_cpuid_parse(word);
    if (cpuid_mode >= 0) return 0;
    fprintf(stderr, "lxrun: %s: '%s' is not auto, serve or native\n", where, word);
    return -1;
}

static int trap_fs_option(const char *word, const char *where)
{
    trap_fs_mode = lx_trap_fs_parse(word);
    if (trap_fs_mode >= 0) return 0;
    fprintf(stderr, "lxrun: %s: '%s' is not auto, wrfsbase or arch_prctl\n", where, word);
    return -1;
}

static int trap_option(const char *word, const char *where)
{
    trap_mode = lx_trap_mode_parse(word);
    if (trap_mode >= 0) return 0;
    fprintf(stderr, "lxrun: %s: '%s' is not auto, sud or rewrite\n", where, word);
    return -1;
}

static int is_env(const char *entry, const char *name)
{
    size_t len = strlen(name);
    return !strncmp(entry, name, len) && entry[len] == '=';
}

static int lxrun_own_env(const char *entry)
{
    return is_env(entry, TRAP_FS_ENV) || is_env(entry, TRAP_ENV) || is_env(entry, CPUID_ENV) || is_env(entry, CACHE_ENV);
}

/* The guest's environment: lxrun's own variables left out (envp itself when it
 * has none: no malloc, so none of the allocator's mappings, in most runs). */
static char **guest_environment(char **envp)
{
    size_t n = 0, k = 0, own = 0;
    for (; envp[n]; n++) own += lxrun_own_env(envp[n]);
    if (!own) return envp;
    char **out = calloc(n + 1, sizeof *out);
    if (!out) return envp;
    for (size_t j = 0; j < n; j++)
        if (!lxrun_own_env(envp[j])) out[k++] = envp[j];
    return out;
}

/* ---- the namespace: --root, --mount, --config ---- */
#define MAX_MOUNT_OPTS 32
struct ns_mount { char *guest, *host; };
struct ns_config {
    char *root;                       /* host directory, or NULL */
    struct ns_mount mounts[MAX_MOUNT_OPTS];
    int nmounts;
};
static struct ns_config ns_cli RX_START_WRITTEN, ns_file RX_START_WRITTEN;
static const char *config_path;
static int no_config;

static int add_mount(struct ns_config *c, const char *guest, size_t glen, const char *host, const char *where)
{
    if (glen == 0 || guest[0] != '/' || !*host) {
        fprintf(stderr, "lxrun: %s: a mount is GUEST=DIR with an absolute GUEST path\n", where);
        return -1;
    }
    if (c->nmounts == MAX_MOUNT_OPTS) {
        fprintf(stderr, "lxrun: %s: more than %d mounts\n", where, MAX_MOUNT_OPTS);
        return -1;
    }
    c->mounts[c->nmounts].guest = strndup(guest, glen);
    c->mounts[c->nmounts].host = strdup(host);
    c->nmounts++;
    return 0;
}

static int mount_option(const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        fprintf(stderr, "lxrun: --mount wants GUEST=DIR, not '%s'\n", arg);
        return -1;
    }
    return add_mount(&ns_cli, arg, (size_t)(eq - arg), eq + 1, "--mount");
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

/* A host path from a config file: relative ones are relative to the file's directory. */
static char *config_host_path(const char *file, const char *p)
{
    if (p[0] == '/') return strdup(p);
    const char *slash = strrchr(file, '/');
    char *out;
    if (!slash) return strdup(p);
    if (asprintf(&out, "%.*s/%s", (int)(slash - file), file, p) < 0) return NULL;
    return out;
}

/* The configuration file: '#' comments, blank lines, and
 *     root = DIR
 *     mount GUEST = DIR
 * Returns 0, or -1 after a message; a missing file is an error only when required. */
static int read_config(const char *file, int required)
{
    char url[4096 + 8];
    snprintf(url, sizeof url, "%s%s", file[0] == '/' ? "file:" : "", file);
    long fd = rx_openat(RX_AT_CWD, url, RX_O_RDONLY | RX_O_CLOEXEC, 0);
    if (fd < 0) {
        if (!required && fd == -ENOENT) return 0;
        fprintf(stderr, "lxrun: %s: %s\n", file, abi_errno_text((int)-fd));
        return -1;
    }
    static char text[65536] RX_COLD;
    long n = 0, r;
    while (n < (long)sizeof text - 1 && (r = rx_read((int)fd, text + n, sizeof text - 1 - (size_t)n)) > 0) n += r;
    rx_close((int)fd);
    if (n < 0) n = 0;
    text[n] = 0;
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *l = trim(line);
        if (!*l) continue;
        char where[4200];
        snprintf(where, sizeof where, "%s:%d", file, lineno);
        char *eq = strchr(l, '=');
        char *key = l, *val = eq ? trim(eq + 1) : NULL;
        if (eq) *eq = 0;
        key = trim(key);
        if (val && !strcmp(key, "root") && *val) {
            free(ns_file.root);
            ns_file.root = config_host_path(file, val);
        } else if (val && !strncmp(key, "mount", 5) && (key[5] == ' ' || key[5] == '\t')) {
            char *guest = trim(key + 5), *host = config_host_path(file, val);
            if (!host || add_mount(&ns_file, guest, strlen(guest), host, where) < 0) return -1;
            free(host);
        } else {
            fprintf(stderr, "lxrun: %s: expected 'root = DIR' or 'mount GUEST = DIR'\n", where);
            return -1;
        }
    }
    return 0;
}

/* The per-user configuration: $XDG_CONFIG_HOME/lxrun/config, else ~/.config/lxrun/config. */
static int read_default_config(void)
{
    char path[4096];
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') snprintf(path, sizeof path, "%s/lxrun/config", xdg);
    else if (home && home[0] == '/') snprintf(path, sizeof path, "%s/.config/lxrun/config", home);
    else return 0;
    return read_config(path, 0);
}

/* lxrun's own handle on a host directory, above the guest's fds. */
static int open_dir_high(const char *dir, const char *what)
{
    char url[4096 + 8];
    snprintf(url, sizeof url, "%s%s", dir[0] == '/' ? "file:" : "", dir);
    long fd = rx_openat(RX_AT_CWD, url, RX_O_PATH | RX_O_DIRECTORY | RX_O_CLOEXEC, 0);
    if (fd >= 0) fd = lx_fd_move_high((int)fd);
    if (fd < 0) fprintf(stderr, "lxrun: %s %s: %s\n", what, dir, abi_errno_text((int)-fd));
    return (int)fd;
}

/* A mount target that is not a host directory: a scheme URL or an emulated tree. */
static int special_target(const char *t)
{
    size_t n = strlen(t);
    return (n > 1 && t[n - 1] == ':' && !strchr(t, '/')) || !strcmp(t, "procfs") || !strcmp(t, "sysfs") ||
           !strcmp(t, "devfs");
}

/* Scheme and emulated-tree mounts need no root: applied first, taken out of the list. */
static int ns_mount_special(struct ns_config *c)
{
    for (int k = 0; k < c->nmounts;) {
        if (!special_target(c->mounts[k].host)) { k++; continue; }
        int r = vfs_mount_special(c->mounts[k].guest, c->mounts[k].host);
        if (r < 0) {
            fprintf(stderr, "lxrun: --mount %s=%s: %s\n", c->mounts[k].guest, c->mounts[k].host,
                    r == -EINVAL ? "unknown target" : abi_errno_text(-r));
            return -1;
        }
        c->mounts[k] = c->mounts[--c->nmounts];
    }
    return 0;
}

static int ns_mount_all(const struct ns_config *c)
{
    for (int k = 0; k < c->nmounts; k++) {
        int fd = open_dir_high(c->mounts[k].host, "--mount");
        if (fd < 0) return -1;
        int r = vfs_mount(c->mounts[k].guest, fd);
        if (r < 0) {
            fprintf(stderr, "lxrun: --mount %s=%s: %s\n", c->mounts[k].guest, c->mounts[k].host, abi_errno_text(-r));
            return -1;
        }
    }
    return 0;
}

/* The guest's namespace from the configuration file and the options (which win):
 * without a root or a mount, nothing changes and "/" is the host's. */
static int set_up_namespace(void)
{
    if (config_path ? read_config(config_path, 1) < 0 : !no_config && read_default_config() < 0) return -1;
    if (ns_mount_special(&ns_file) < 0 || ns_mount_special(&ns_cli) < 0) return -1;
    const char *root = ns_cli.root ? ns_cli.root : ns_file.root;
    if (!root && !ns_cli.nmounts && !ns_file.nmounts) return 0;
    int fd = open_dir_high(root ? root : "/", "--root");
    if (fd < 0) return -1;
    int r = vfs_mount("/", fd);
    if (r == 0 && (ns_mount_all(&ns_file) < 0 || ns_mount_all(&ns_cli) < 0)) return -1;
    if (r == 0) r = vfs_confine();
    if (r < 0) {
        fprintf(stderr, "lxrun: --root %s: %s\n", root ? root : "/", abi_errno_text(-r));
        return -1;
    }
    return 0;
}

/* The guest's /dev/shm without a root: a private directory of this user's under
 * /tmp, made once; not used if something else stands there (a link, another's,
 * open to others).  Looked at by name, links not followed, as it is then used:
 * one call where it exists (an open, a status and a close with a mkdir tried
 * first were six). */
static void set_up_shm(void)
{
    if (vfs_confined()) return;
    long euid = rx_geteuid();
    char dir[64], url[80];
    snprintf(dir, sizeof dir, "/tmp/.lxrun-shm-%ld", euid);
    snprintf(url, sizeof url, "file:%s", dir);
    struct rx_stat st;
    long r = rx_stat_at(RX_AT_CWD, url, 1, &st);
    if (r == -ENOENT) { /* made now, or by another lxrun starting at the same moment */
        long m = rx_mkdirat(RX_AT_CWD, url, 0700);
        if (m == 0 || m == -EEXIST) r = rx_stat_at(RX_AT_CWD, url, 1, &st);
    }
    if (r < 0 || !RX_MODE_IS(st.mode, RX_MODE_DIR) || st.uid != (uint32_t)euid || (st.mode & 077)) return;
    vfs_set_shm(dir);
}

/* Returns -1 to go on with argv[*i] as the program, or an exit status. */
static int parse_options(int argc, char **argv, int *i, const char **out_path, const char **report_path)
{
    int want_trace = 0, selected = 0;
    for (; *i < argc && argv[*i][0] == '-'; (*i)++) {
        const char *a = argv[*i];
        const char *bad;
        if (!strcmp(a, "--")) { (*i)++; break; }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "-V") || !strcmp(a, "--version")) { puts("lxrun " LXRUN_VERSION); return 0; }
        if (!strcmp(a, "-t") || !strcmp(a, "--trace")) {
            want_trace = 1;
        } else if (!strcmp(a, "--check")) {
            check_only = 1;
        } else if (!strncmp(a, "--report=", 9) && a[9]) {
            *report_path = a + 9;
        } else if (!strcmp(a, "-c") || !strcmp(a, "--summary")) {
            lx_report.summary = 1;
        } else if (!strcmp(a, "--root") || !strncmp(a, "--root=", 7)) {
            if (!a[6] && !want_value(argc, argv, i)) return 2;
            ns_cli.root = a[6] ? (char *)a + 7 : argv[++*i];
        } else if (!strcmp(a, "--mount") || !strncmp(a, "--mount=", 8)) {
            if (!a[7] && !want_value(argc, argv, i)) return 2;
            if (mount_option(a[7] ? a + 8 : argv[++*i]) < 0) return 2;
        } else if (!strcmp(a, "--config") || !strncmp(a, "--config=", 9)) {
            if (!a[8] && !want_value(argc, argv, i)) return 2;
            config_path = a[8] ? a + 9 : argv[++*i];
        } else if (!strcmp(a, "--no-config")) {
            no_config = 1;
        } else if (!strcmp(a, "--trap") || !strncmp(a, "--trap=", 7)) {
            if (!a[6] && !want_value(argc, argv, i)) return 2;
            if (trap_option(a[6] ? a + 7 : argv[++*i], "--trap") < 0) return 2;
        } else if (!strcmp(a, "--trap-fs") || !strncmp(a, "--trap-fs=", 10)) {
            if (!a[9] && !want_value(argc, argv, i)) return 2;
            if (trap_fs_option(a[9] ? a + 10 : argv[++*i], "--trap-fs") < 0) return 2;
        } else if (!strcmp(a, "--cpuid") || !strncmp(a, "--cpuid=", 8)) {
            if (!a[7] && !want_value(argc, argv, i)) return 2;
            if (cpuid_option(a[7] ? a + 8 : argv[++*i], "--cpuid") < 0) return 2;
        } else if (!strcmp(a, "--cache") || !strncmp(a, "--cache=", 8)) {
            if (!a[7] && !want_value(argc, argv, i)) return 2;
            if (cache_option(a[7] ? a + 8 : argv[++*i], "--cache") < 0) return 2;
        } else if (!strcmp(a, "--spare-child") || !strncmp(a, "--spare-child=", 14)) {
            if (!a[13] && !want_value(argc, argv, i)) return 2;
            const char *w = a[13] ? a + 14 : argv[++*i];
            if (strcmp(w, "yes") && strcmp(w, "no") && strcmp(w, "auto")) {
                fprintf(stderr, "lxrun: --spare-child: '%s' is not auto, yes or no\n", w);
                return 2;
            }
            lx_proc.opts.spare_child = !strcmp(w, "yes") ? LX_SPARE_YES : !strcmp(w, "no") ? LX_SPARE_NO : LX_SPARE_AUTO;
        } else if (!strcmp(a, "-f")) {
            lx_trace.tag_pid = 1;
        } else if (!strcmp(a, "-o")) {
            if (!want_value(argc, argv, i)) return 2;
            *out_path = argv[++*i];
        } else if (!strcmp(a, "-s")) {
            if (!want_value(argc, argv, i)) return 2;
            char *end;
            long n = strtol(argv[++*i], &end, 10);
            if (*end || end == argv[*i] || n < 0 || n > 4096) { fprintf(stderr, "lxrun: -s wants a number from 0 to 4096\n"); return 2; }
            lx_trace.strsize = (int)n;
        } else if (!strcmp(a, "-e")) {
            if (!want_value(argc, argv, i)) return 2;
            if (trace_select(argv[++*i], &bad) < 0) {
                fprintf(stderr, "lxrun: -e: unknown syscall or class '%s'\n", bad);
                return 2;
            }
            selected = 1;
        } else {
            fprintf(stderr, "lxrun: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    /* As with strace: -e or -o alone mean tracing; with -c they do not. */
    if (!selected) memset(lx_trace.selected, 1, sizeof lx_trace.selected);
    lx_trace.on = want_trace || ((selected || *out_path) && !lx_report.summary);
    lx_report.observe = lx_trace.on || lx_report.summary || *report_path;
    return -1;
}

/* A report file, opened now (the guest may change directory) as lxrun's own fd. */
static long open_high(const char *path)
{
    char url[4096 + 8];
    snprintf(url, sizeof url, "%s%s", path[0] == '/' ? "file:" : "", path);
    long fd = rx_openat(RX_AT_CWD, url, RX_O_WRONLY | RX_O_CREAT | RX_O_TRUNC | RX_O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "lxrun: %s: %s\n", path, abi_errno_text((int)-fd));
        return -1;
    }
    return lx_fd_move_high((int)fd);
}

/* The trace and -c table go to lxrun's own fd above the guest's floor, so the
 * guest closing or redirecting its stderr does not touch them. */
static int open_report_output(const char *path, const char *report_path)
{
    if (report_path && (lx_report.json_fd = (int)open_high(report_path)) < 0) return -1;
    if (!lx_trace.on && !lx_report.summary) return 0;
    long fd;
    if (path) {
        if ((fd = open_high(path)) < 0) return -1;
    } else {
        fd = rx_dup(2, "");
        if (fd < 0) return 0; /* no stderr: nowhere to write */
        fd = lx_fd_move_high((int)fd);
    }
    if (fd < 0) return -1;
    lx_trace.fd = (int)fd;
    lx_report.summary_fd = (int)fd;
    return 0;
}

static void report_on_signal(int sig, const struct linux_siginfo *si)
{
    trace_signal(sig, si); /* as strace ends: "--- SIGTERM {...} ---", "+++ killed by SIGTERM +++" */
    lx_report_finish(sig, 1);
}

static _Noreturn void run_guest(const struct lx_program *g)
{
    static struct lx_start st LX_START_ALIGN RX_START_WRITTEN;
    struct lx_exec_error err;
    if (lx_program_load(g, &st, &err) < 0) {
        fprintf(stderr, "lxrun: %s: %s\n", g->execfn, err.msg);
        exit(err.status);
    }
    if (g->dirfd != RX_AT_CWD) rx_close(g->dirfd);
    fflush(NULL);

    /* its hot head on the fork-hot page (cmake/lxrun_fork_hot.lds): a fork's each
     * side writes both, one page copied where two were */
    static struct lx_thread main_thread __attribute__((section("lx_fork_hot_tail"), aligned(64)));
    rx_sigmask_get(&main_thread.task.sigmask); /* the guest starts with lxrun's inherited mask */
    int r = lx_trap_thread_init(&main_thread);
    if (r < 0) {
        fprintf(stderr, "lxrun: cannot set up interception: %s\n", abi_errno_text(-r));
        exit(126);
    }
    /* the faults keep a handler of lxrun's from the start, as do the ones libc may
     * open in lxrun's threads, and with a report every one that ends the process
     * (lx_trap_default) */
    int reporting = lx_report.observe || lx_report.json_fd >= 0;
    if (reporting) lx_trap_catch_fatal(report_on_signal);
    lx_trap_default(LINUX_SIGSEGV, 0);
    lx_trap_default(LINUX_SIGBUS, 0);
    for (int sig = 1; sig <= LINUX_NSIG; sig++)
        if (((sig >= 32 && sig <= 34) || (reporting && sig != LINUX_SIGKILL && sig != LINUX_SIGSTOP &&
                                         sig != LINUX_SIGSYS && sig != LINUX_SIGSEGV && sig != LINUX_SIGBUS)) &&
            lx_proc.sigactions[sig].handler == LINUX_SIG_DFL)
            lx_trap_default(sig, 0);
    lx_trap_enter_guest(&main_thread, st.pc, st.sp);
}

/* Syscall User Dispatch, the FS path (fs: enum lx_trap_fs) and the mechanism
 * (mode: enum lx_trap_mode); -1 after a message. */
static int choose_trap(int fs, int mode)
{
    const char *why;
    if (lx_trap_supported(&why) == 0 && lx_trap_fs_choose(fs, &why) == 0 && lx_trap_mode_choose(mode, &why) == 0)
        return 0;
    fprintf(stderr, "lxrun: cannot intercept system calls: %s\n", why);
    return -1;
}

/* floor: the fd floor handed over by the lxrun before an exec, or 0 */
static int start_backend(int floor)
{
    procfs_set_served(lx_syscall_served); /* /proc/config.gz from the syscall table */
    if (lx_fd_reserve_init(floor) < 0) {
        fprintf(stderr, "lxrun: cannot reserve file descriptors\n");
        return 126;
    }
    if (rx_backend_start(lx_fd_floor) < 0) {
        fprintf(stderr, "lxrun: cannot start the system backend\n");
        return 126;
    }
    return 0;
}

/* The envp record: NUL-separated strings, as an array. */
static char **environment_of(const struct lx_ho_rec *r)
{
    const char *p = r->data, *end = p + r->len;
    size_t n = 0;
    for (const char *q = p; q < end; q += strlen(q) + 1) n++;
    char **env = calloc(n + 1, sizeof *env);
    if (!env) return NULL;
    for (size_t k = 0; p < end; p += strlen(p) + 1) env[k++] = (char *)p;
    return env;
}

/* lxrun started by a guest's execve: "--handover=FD,FLOOR -- PATH ARGV..." (FLOOR:
 * the fd floor, above which the fds handed over are lxrun's).  Everything
 * else comes from the handover file; nothing from the (empty) environment. */
static int handover_main(const char *fdword, int argc, char **argv)
{
    char *end;
    long fd = strtol(fdword, &end, 10), floor = *end == ',' ? strtol(end + 1, &end, 10) : 0;
    int bad = *end || fd < 0 || floor <= 0 || argc < 3 || strcmp(argv[0], "--");
    int r = bad ? 0 : start_backend((int)floor);
    if (r) return r;
    static struct lx_handover h;
    if (bad || lx_ho_receive((int)fd, &h) < 0) {
        fprintf(stderr, "lxrun: --handover is lxrun's own: its file is missing or damaged\n");
        return 126;
    }
    struct lx_program g = { .prog = argv[1], .execfn = argv[1], .dirfd = RX_AT_CWD, .argc = argc - 2,
                             .argv = argv + 2 };
    static char *no_env[] = { NULL };
    g.envp = no_env;
    size_t pos = 0;
    struct lx_ho_rec rec;
    while (lx_ho_next(&h, &pos, &rec) > 0) {
        const char *text = rec.data; /* the string records end in a NUL */
        int terminated = rec.len == 0 ? rec.tag == LX_HO_ENV : text[rec.len - 1] == 0;
        int took = lx_process_handover_take(&rec);
        if (took == 0) took = lx_record_handover_take(&rec);
        if (took == 0 && rec.tag == LX_HO_ENV) took = terminated && (g.envp = environment_of(&rec)) ? 1 : -1;
        if (took == 0 && rec.tag == LX_HO_EXECFN) { g.execfn = text; took = terminated && rec.len ? 1 : -1; }
        if (took == 0 && rec.tag == LX_HO_EXEC_DIRFD && rec.len == sizeof(int)) {
            memcpy(&g.dirfd, rec.data, sizeof(int));
            took = 1;
        }
        if (took <= 0) {
            fprintf(stderr, "lxrun: --handover: a record lxrun cannot read (tag %u)\n", rec.tag);
            return 126;
        }
    }
    /* the fds handed over are lxrun's again: closed by the guest's next exec */
    int own[LX_HO_MAX_FDS];
    int n = lx_process_handover_fds(own, LX_HO_MAX_FDS - 1);
    if (g.dirfd != RX_AT_CWD) own[n++] = g.dirfd;
    for (int k = 0; k < n; k++) rx_fcntl(own[k], RX_F_SETFD, RX_FD_CLOEXEC);
    vfs_cwd_moved();
    vfs_start();
    if (choose_trap(lx_proc.opts.trap_fs, lx_proc.opts.trap_mode) < 0) return 126;
    lx_cpuid_choose(lx_proc.opts.cpuid);
    lx_trap_sites_start(); /* a new table: the earlier lxrun's is not handed over */
    run_guest(&g);
}

int main(int argc, char **argv, char **envp)
{
    abi_tsc_mark();
    if (argc > 1 && !strncmp(argv[1], "--handover=", 11)) return handover_main(argv[1] + 11, argc - 2, argv + 2);
    int i = 1;
    const char *out_path = NULL, *report_path = NULL;
    int r = parse_options(argc, argv, &i, &out_path, &report_path);
    if (r >= 0) return r;
    if (i >= argc) { usage(stderr); return 2; }
    const char *env_fs = getenv(TRAP_FS_ENV);
    if (trap_fs_mode < 0 && env_fs && trap_fs_option(env_fs, TRAP_FS_ENV) < 0) return 2;
    const char *env_trap = getenv(TRAP_ENV);
    if (trap_mode < 0 && env_trap && trap_option(env_trap, TRAP_ENV) < 0) return 2;
    const char *env_cpuid = getenv(CPUID_ENV);
    if (cpuid_mode < 0 && env_cpuid && cpuid_option(env_cpuid, CPUID_ENV) < 0) return 2;
    const char *env_cache = getenv(CACHE_ENV);
    if (!cache_dir && env_cache && cache_option(env_cache, CACHE_ENV) < 0) return 2;

    if ((r = start_backend(0))) return r;
    if (open_report_output(out_path, report_path) < 0) return 2;
    if ((lx_report.summary || lx_report.json_fd >= 0) && lx_session_create() < 0) {
        fprintf(stderr, "lxrun: cannot make the session's report table\n");
        return 126;
    }
    /* after the report files, whose names are the host's */
    if (set_up_namespace() < 0) return 2;
    set_up_shm();
    vfs_start();

    static char found[4096] RX_START_WRITTEN;
    const char *prog = search_path(argv[i], found, sizeof found);
    if (!prog) {
        fprintf(stderr, "lxrun: %s: command not found\n", argv[i]);
        return 127;
    }

    if (check_only) {
        struct lx_exec_error cerr;
        int cr = lx_check_program(prog, 1, &cerr);
        if (cr < 0) {
            fprintf(stderr, "lxrun: %s: %s\n", prog, cerr.msg);
            return cerr.status;
        }
        return cr;
    }

    if (choose_trap(trap_fs_mode < 0 ? LX_TRAP_FS_AUTO : trap_fs_mode, trap_mode < 0 ? LX_TRAP_AUTO : trap_mode) < 0)
        return 126;
    if (lx_ptable_create() < 0) {
        fprintf(stderr, "lxrun: cannot make the session's process table\n");
        return 126;
    }
    lx_proc.ioprio = rx_ioprio_self(); /* the session's first process: the host's */
    lx_proc.opts.trap_fs = lx_trap_fs_current();
    lx_proc.opts.trap_mode = lx_trap_mode_current();
    lx_cpuid_choose(cpuid_mode < 0 ? LX_CPUID_AUTO : cpuid_mode);
    choose_cache();
    lx_proc.opts.cpuid = lx_cpuid_follow(lx_learned_exists); /* handed on: the session's choice */
    lx_trap_sites_start();

    struct lx_program g = { .prog = prog, .execfn = prog, .dirfd = RX_AT_CWD, .argc = argc - i, .argv = argv + i,
                             .envp = guest_environment(envp) };
    run_guest(&g);
}

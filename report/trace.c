/* trace.c — one line per syscall, decoded from the table's argument kinds.
 * A line is built in a buffer and written with one write(), so lines from
 * different threads or processes never interleave mid-line. */
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../abi/linux_errno.h"
#include "../abi/linux_fcntl.h"
#include "../redox/rx.h"
#include "../trap/fs_call.h"
#include "decode.h"
#include "report.h"
#include "record.h"


#define LINE_MAX_ 8192
/* A line too long for LINE_MAX_ loses arguments, never its result. */
#define RESULT_ROOM 160

static const struct { const char *name; unsigned cls; } classes[] = {
    { "%file", LX_C_FILE },     { "file", LX_C_FILE },       { "%desc", LX_C_DESC },
    { "desc", LX_C_DESC },      { "%process", LX_C_PROCESS }, { "process", LX_C_PROCESS },
    { "%network", LX_C_NET },   { "network", LX_C_NET },      { "%net", LX_C_NET },
    { "%signal", LX_C_SIGNAL }, { "signal", LX_C_SIGNAL },    { "%memory", LX_C_MEMORY },
    { "memory", LX_C_MEMORY },  { "%ipc", LX_C_IPC },         { "ipc", LX_C_IPC },
    { "%creds", LX_C_CREDS },   { "%clock", LX_C_CLOCK },
};

static int select_word(const char *w, size_t n, int on)
{
    char word[64];
    if (n == 0 || n >= sizeof word) return -1;
    memcpy(word, w, n);
    word[n] = 0;
    if (!strcmp(word, "all")) {
        memset(lx_trace.selected, on, sizeof lx_trace.selected);
        lx_trace.unknown = on;
        return 0;
    }
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (!strcmp(word, classes[i].name)) {
            for (int nr = 0; nr <= LX_NR_MAX; nr++)
                if (lx_syscalls[nr].classes & classes[i].cls) lx_trace.selected[nr] = (uint8_t)on;
            return 0;
        }
    int nr = lx_syscall_by_name(word);
    if (nr < 0) return -1;
    lx_trace.selected[nr] = (uint8_t)on;
    return 0;
}

int trace_select(const char *spec, const char **bad)
{
    static char badword[64];
    if (!strncmp(spec, "trace=", 6)) spec += 6;
    int negate = *spec == '!';
    if (negate) spec++;
    memset(lx_trace.selected, negate, sizeof lx_trace.selected);
    lx_trace.unknown = negate;
    while (*spec) {
        size_t n = strcspn(spec, ",");
        if (select_word(spec, n, !negate) < 0) {
            snprintf(badword, sizeof badword, "%.*s", (int)n, spec);
            *bad = badword;
            return -1;
        }
        spec += n;
        if (*spec == ',') spec++;
    }
    return 0;
}

static void put_arg(struct lx_text *t, const struct lx_call *c, int i, long ret)
{
    const struct lx_syscall *s = &lx_syscalls[c->nr];
    uint64_t v = c->a[i];
    switch (s->kinds[i]) {
    case K_INT:
    case K_WAIT_MS: text_printf(t, "%d", (int)v); break;
    case K_UINT: text_printf(t, "%u", (unsigned)v); break;
    case K_SIZE: text_printf(t, "%llu", (unsigned long long)v); break;
    case K_OFF: text_printf(t, "%lld", (long long)v); break;
    case K_FD:
    case K_NEWFD: text_printf(t, "%d", (int)v); break;
    case K_DIRFD: decode_dirfd(t, v); break;
    case K_PATH:
    case K_STR: decode_guest_str(t, v, (size_t)lx_trace.strsize); break;
    case K_IBUF:
        if (i + 1 < s->nargs) decode_guest_buf(t, v, c->a[i + 1], (size_t)lx_trace.strsize);
        else text_printf(t, "0x%llx", (unsigned long long)v);
        break;
    case K_OBUF:
        if (ret >= 0) decode_guest_buf(t, v, (size_t)ret, (size_t)lx_trace.strsize);
        else text_printf(t, "0x%llx", (unsigned long long)v);
        break;
    case K_IOV_IN:
        if (i + 1 < s->nargs) decode_guest_iovec(t, v, c->a[i + 1], UINT64_MAX, (size_t)lx_trace.strsize);
        else text_printf(t, "0x%llx", (unsigned long long)v);
        break;
    case K_IOV_OUT:
        if (ret >= 0 && i + 1 < s->nargs) decode_guest_iovec(t, v, c->a[i + 1], (uint64_t)ret, (size_t)lx_trace.strsize);
        else text_printf(t, "0x%llx", (unsigned long long)v);
        break;
    case K_OFLAGS: decode_open_flags(t, v); break;
    case K_MODE: decode_mode(t, v); break;
    case K_ATFLAGS: decode_at_flags(t, v); break;
    case K_PROT: decode_prot(t, v); break;
    case K_MMAPFL: decode_mmap_flags(t, v); break;
    case K_SIG: decode_signal(t, v); break;
    case K_SIGSET: decode_sigset(t, v); break;
    case K_FCNTL: decode_fcntl_cmd(t, v); break;
    case K_IOCTL: decode_ioctl_req(t, v); break;
    case K_CLOCK: decode_clock(t, v); break;
    case K_WHENCE: decode_whence(t, v); break;
    case K_CLONEFL: decode_clone_flags(t, v); break;
    case K_STATBUF:
        if (ret >= 0) decode_stat(t, v);
        else text_printf(t, "0x%llx", (unsigned long long)v);
        break;
    case K_TIMESPEC: decode_timespec(t, v); break;
    case K_TIMESPEC_OUT:
        if (ret >= 0 || v == 0) decode_timespec(t, v);
        else text_printf(t, "0x%llx", (unsigned long long)v);
        break;
    case K_PTR:
    case K_STRUCT:
    case K_ARGV:
    case K_HEX:
    case K_WAITOPT:
    default:
        if (v == 0 && s->kinds[i] != K_HEX && s->kinds[i] != K_WAITOPT) text_puts(t, "NULL");
        else text_printf(t, "%#llx", (unsigned long long)v);
    }
}

static void put_prefix(struct lx_text *t)
{
    if (lx_trace.tag_pid) text_printf(t, "[pid %5ld] ", rx_gettid());
}

/* open's mode means nothing without O_CREAT or O_TMPFILE; strace leaves it out. */
static int mode_unused(const struct lx_syscall *s, const struct lx_call *c, int i)
{
    return s->kinds[i] == K_MODE && i > 0 && s->kinds[i - 1] == K_OFLAGS && i == s->nargs - 1 &&
           !(c->a[i - 1] & (LINUX_O_CREAT | LINUX___O_TMPFILE));
}

static void put_call(struct lx_text *t, const struct lx_call *c, long ret)
{
    const struct lx_syscall *s = c->nr >= 0 && c->nr <= LX_NR_MAX ? &lx_syscalls[c->nr] : NULL;
    put_prefix(t);
    if (!s || !lx_line_name(s)) {
        text_printf(t, "syscall_%#lx(", (unsigned long)c->nr);
        for (int i = 0; i < 6; i++) text_printf(t, i ? ", %#llx" : "%#llx", (unsigned long long)c->a[i]);
        text_putc(t, ')');
        return;
    }
    text_puts(t, lx_line_name(s));
    text_putc(t, '(');
    for (int i = 0; i < s->nargs; i++) {
        if (mode_unused(s, c, i)) break;
        if (i) text_puts(t, ", ");
        put_arg(t, c, i, ret);
    }
    text_putc(t, ')');
}

/* Ends the arguments, cut if they overflowed, and makes room for the result. */
static void end_call(struct lx_text *t)
{
    if (t->len >= t->cap) {
        memcpy(t->buf + t->cap - 5, "...)", 5);
        t->len = t->cap - 1;
    }
    t->cap += RESULT_ROOM;
}

static void emit(struct lx_text *t)
{
    if (t->len >= t->cap) { /* keep the line whole: mark the cut */
        memcpy(t->buf + t->cap - 5, "...\n", 5);
        t->len = t->cap - 1;
    }
    rx_write(lx_trace.fd, t->buf, t->len);
}

void trace_syscall(const struct lx_call *c, long ret)
{
    const char *name = c->nr >= 0 && c->nr <= LX_NR_MAX ? lx_syscall_name(c->nr) : NULL;
    if (!name && !lx_trace.unknown) return; /* -e named a set: numbers outside the table are not in it */
    char buf[LINE_MAX_];
    struct lx_text t = { buf, sizeof buf - RESULT_ROOM, 0 };
    put_call(&t, c, ret);
    end_call(&t);
    if ((unsigned long)ret > -4096UL) {
        int e = (int)-ret;
        const char *en = errno_name(e);
        if (en) text_printf(&t, " = -1 %s (%s)\n", en, abi_errno_text(e));
        else text_printf(&t, " = -1 %d (%s)\n", e, abi_errno_text(e));
    } else if (name && (lx_syscalls[c->nr].flags & LX_F_ADDR)) {
        text_printf(&t, " = %#lx\n", (unsigned long)ret);
    } else {
        text_printf(&t, " = %ld\n", ret);
    }
    emit(&t);
}

void trace_syscall_noreturn(const struct lx_call *c)
{
    char buf[LINE_MAX_];
    struct lx_text t = { buf, sizeof buf - RESULT_ROOM, 0 };
    put_call(&t, c, 0);
    end_call(&t);
    text_puts(&t, " = ?\n");
    emit(&t);
}

struct signal_line {
    int sig;
    const struct linux_siginfo *si;
};
static long trace_signal_on_lxrun_fs(void *p)
{
    const struct signal_line *l = p;
    trace_signal(l->sig, l->si);
    return 0;
}

/* Called as the trap delivers, which it may do on the guest's FS: the trace line
 * (stdio) on lxrun's. */
void lx_report_signal(int sig, const struct linux_siginfo *si)
{
    if (sig < 1 || sig > 64) return;
    if (lx_report.observe) lx_signals_delivered[sig]++; /* a report's only: else a page written (a fault after each fork) */
    struct signal_line l = { sig, si };
    if (lx_trace.on) lx_fs_call(trace_signal_on_lxrun_fs, &l);
}

void trace_signal(int sig, const struct linux_siginfo *si)
{
    if (!lx_trace.on) return;
    char buf[512];
    struct lx_text t = { buf, sizeof buf, 0 };
    put_prefix(&t);
    text_puts(&t, "--- ");
    decode_signal(&t, (uint64_t)sig);
    text_puts(&t, " ");
    decode_siginfo(&t, si);
    text_puts(&t, " ---\n");
    emit(&t);
}

void trace_event(const char *fmt, ...)
{
    char buf[512], msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct lx_text t = { buf, sizeof buf, 0 };
    put_prefix(&t);
    text_printf(&t, "%s\n", msg);
    emit(&t);
}

/* summary.c — the -c table: strace -c's columns plus lxrun's status, then what a
 * porter needs to know: unsupported calls, partial service, ioctls, paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "decode.h"
#include "record.h"
#include "report.h"
#include "../trap/learned.h"
#include "../trap/trap.h"

struct row { int nr; uint64_t calls, errors, ns; };

static int by_time(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->ns != y->ns) return x->ns < y->ns ? 1 : -1;
    if (x->calls != y->calls) return x->calls < y->calls ? 1 : -1;
    return strcmp(lx_syscall_name(x->nr), lx_syscall_name(y->nr));
}

static void out(int fd, struct lx_text *t)
{
    rx_write(fd, t->buf, t->len < t->cap ? t->len : t->cap - 1);
    t->len = 0;
}

void summary_print(int fd)
{
    static struct row rows[LX_NR_MAX + 1] RX_COLD;
    static char buf[16384] RX_COLD;
    struct lx_text t = { buf, sizeof buf, 0 };
    int n = 0;
    uint64_t calls = 0, errors = 0, ns = 0;
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        if (!lx_counts[nr].calls) continue;
        rows[n++] = (struct row){ nr, lx_counts[nr].calls, lx_counts[nr].errors, lx_counts[nr].ns };
        calls += lx_counts[nr].calls;
        errors += lx_counts[nr].errors;
        ns += lx_counts[nr].ns;
    }
    qsort(rows, (size_t)n, sizeof rows[0], by_time);
    const char *rule = "------ ----------- ----------- --------- --------- ---------------- -----------\n";
    text_puts(&t, "% time     seconds  usecs/call     calls    errors syscall          status\n");
    text_puts(&t, rule);
    out(fd, &t);
    for (int i = 0; i < n; i++) {
        const struct lx_syscall *s = &lx_syscalls[rows[i].nr];
        double pct = ns ? 100.0 * (double)rows[i].ns / (double)ns : 0.0;
        text_printf(&t, "%6.2f %11.6f %11llu %9llu ", pct, (double)rows[i].ns / 1e9,
                    (unsigned long long)(rows[i].ns / 1000 / rows[i].calls), (unsigned long long)rows[i].calls);
        if (rows[i].errors) text_printf(&t, "%9llu ", (unsigned long long)rows[i].errors);
        else text_puts(&t, "          ");
        text_printf(&t, "%-16s %s\n", lx_line_name(s), lx_status_name(s->status));
        out(fd, &t);
    }
    text_puts(&t, rule);
    text_printf(&t, "100.00 %11.6f %11llu %9llu ", (double)ns / 1e9,
                (unsigned long long)(calls ? ns / 1000 / calls : 0), (unsigned long long)calls);
    if (errors) text_printf(&t, "%9llu ", (unsigned long long)errors);
    else text_puts(&t, "          ");
    text_puts(&t, "total\n");
    out(fd, &t);

    int header = 0;
    for (int i = 0; i < n; i++) {
        const struct lx_syscall *s = &lx_syscalls[rows[i].nr];
        if (s->status != LX_UNSUPPORTED) continue;
        if (!header++) text_puts(&t, "\nunsupported (answered ENOSYS):\n");
        text_printf(&t, "  %-22s %llu call%s\n", lx_line_name(s), (unsigned long long)rows[i].calls, rows[i].calls == 1 ? "" : "s");
        out(fd, &t);
    }
    if (lx_unknown_calls) {
        if (!header++) text_puts(&t, "\nunsupported (answered ENOSYS):\n");
        text_printf(&t, "  %-22s %llu call%s\n", "(numbers outside the table)", (unsigned long long)lx_unknown_calls,
                    lx_unknown_calls == 1 ? "" : "s");
        out(fd, &t);
    }
    header = 0;
    for (int i = 0; i < n; i++) {
        const struct lx_syscall *s = &lx_syscalls[rows[i].nr];
        if (s->status != LX_ABSENT && s->status != LX_NOT_IN_LINUX) continue;
        if (!header++) text_puts(&t, "\nanswered ENOSYS as Linux can (not a gap):\n");
        text_printf(&t, "  %-22s %llu call%s, %s\n", lx_line_name(s), (unsigned long long)rows[i].calls,
                    rows[i].calls == 1 ? "" : "s",
                    s->status == LX_ABSENT ? "as a kernel built without it" : "as every Linux");
        out(fd, &t);
    }
    for (int i = 0; i < lx_nnotes; i++) {
        if (!i) text_puts(&t, "\npartially served:\n");
        text_printf(&t, "  %-22s %s (%llu)\n", lx_syscall_name(lx_notes[i].nr), lx_notes[i].what,
                    (unsigned long long)lx_notes[i].count);
        out(fd, &t);
    }
    for (int i = 0; i < lx_nioctls; i++) {
        if (!i) text_puts(&t, "\nioctl requests not served (ENOTTY):\n");
        text_puts(&t, "  ");
        decode_ioctl_req(&t, lx_ioctls[i].req);
        text_printf(&t, " (%llu)\n", (unsigned long long)lx_ioctls[i].count);
        out(fd, &t);
    }
    for (int i = 0; i < lx_npaths; i++) {
        if (!i) text_puts(&t, "\n/proc, /sys, /dev paths:\n");
        text_printf(&t, "  %-40s %s (%llu)\n", lx_paths[i].path, lx_paths[i].served ? "served" : "not served",
                    (unsigned long long)lx_paths[i].count);
        out(fd, &t);
    }
    for (int sig = 1, header = 0; sig <= 64; sig++) {
        if (!lx_signals_delivered[sig]) continue;
        if (!header++) text_puts(&t, "\nsignals delivered to handlers:\n");
        const char *name = signal_name(sig);
        if (name) text_printf(&t, "  %-22s %llu\n", name, (unsigned long long)lx_signals_delivered[sig]);
        else text_printf(&t, "  SIG%-19d %llu\n", sig, (unsigned long long)lx_signals_delivered[sig]);
        out(fd, &t);
    }
    const struct lx_rewrite_stats *rw = &lx_rewrite_stats;
    int rewriting = lx_trap_mode_current() == LX_TRAP_REWRITE;
    text_printf(&t, "\ninterception:\n  %-22s %s\n  %-22s %s\n", "mechanism",
                rewriting ? "rewritten call sites, Syscall User Dispatch for the rest" : "Syscall User Dispatch",
                "FS switched by", lx_trap_fs_name());
    if (rewriting)
        text_printf(&t, "  %-22s %lu (%lu mov+syscall, %lu mov+arguments+syscall, %lu through padding; %lu as mapped, "
                        "trapped at in earlier processes, %lu of them from a library's copy; %lu of the interpreter or a program without one, as loaded)\n  %-22s %lu (%lu "
                        "need the trap, %lu not guest text, %lu other shapes)\n  %-22s %lu\n",
                    "sites rewritten", lx_rewrite_sites_done(rw), rw->sites_mov,
                    rw->sites_mov_args, rw->sites_pad, rw->sites_known, rw->sites_library, rw->sites_interp,
                    "sites left on the trap", lx_rewrite_sites_left(rw),
                    rw->kept_context, rw->refused_not_text, rw->refused_shape, "calls through rewrites", rw->fast_calls);
    if (rewriting)
        text_printf(&t, "  %-22s %s, %lu sites (no VM exit at them; %lu asks with no answer kept ran the CPU's)\n",
                    "cpuid answered by lxrun", !strcmp(lx_cpuid_name(), "serve") ? "yes" : "no", rw->sites_cpuid,
                    rw->cpuid_missed);
    else
        text_printf(&t, "  %-22s no (it needs the rewrite trap's trampolines)\n", "cpuid answered by lxrun");
    if (rewriting && lx_learned_path())
        text_printf(&t, "  %-22s %s (%s)\n", "learned state", lx_learned_path(),
                    lx_learned_earlier() ? "made by an earlier session" : "new");
    else if (rewriting)
        text_printf(&t, "  %-22s none (--cache=off, no cache directory, or the file unusable)\n", "learned state");
    out(fd, &t);
}

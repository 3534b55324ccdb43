/* json.c — --report=FILE.json: the -c facts, machine-readable, plus the
 * program's identity and a one-word verdict.  Schema: docs/report-schema.md. */
#include <stdio.h>
#include <string.h>

#include "../redox/rx.h"
#include "decode.h"
#include "elf_facts.h"
#include "record.h"
#include "report.h"
#include "../trap/learned.h"
#include "../trap/trap.h"
#include "../process/ptable.h"

#define SCHEMA_VERSION 1

/* The length of the well-formed UTF-8 sequence at p, or 0 (the NUL at the end
 * of the string fails the continuation test, so this never reads past it). */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0], cp, min;
    size_t n;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

/* A JSON string; JSON text is UTF-8, so a byte that is not part of well-formed
 * UTF-8 (a Linux path may hold any byte) becomes U+FFFD. */
static void jstr(struct lx_text *t, const char *s)
{
    text_putc(t, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t n;
        if (*p == '"' || *p == '\\') { text_putc(t, '\\'); text_putc(t, (char)*p); }
        else if (*p < 0x20) text_printf(t, "\\u%04x", *p);
        else if (*p < 0x80) text_putc(t, (char)*p);
        else if (!(n = utf8_len(p))) text_puts(t, "\\ufffd");
        else {
            for (size_t i = 0; i < n; i++) text_putc(t, (char)p[i]);
            p += n - 1;
        }
    }
    text_putc(t, '"');
}

static void flush(int fd, struct lx_text *t)
{
    size_t n = t->len < t->cap ? t->len : t->cap - 1;
    for (size_t done = 0; done < n;) {
        long w = rx_write(fd, t->buf + done, n - done);
        if (w <= 0) break;
        done += (size_t)w;
    }
    t->len = 0;
}

/* One entry per process of the session (process/ptable.h); self_status is the
 * reporter's own wait status. */
static void processes(int fd, struct lx_text *t, int self_status)
{
    static struct lx_pt_record recs[LX_PT_RECORDS + LX_PT_SLOTS] RX_COLD;
    unsigned omitted;
    int n = lx_ptable_records(recs, (int)(sizeof recs / sizeof recs[0]), self_status, &omitted);
    static const char *const ends[] = { [LX_PT_RUNNING] = "running", [LX_PT_EXITED] = "exited",
                                        [LX_PT_KILLED] = "killed", [LX_PT_GONE] = "unknown" };
    text_puts(t, "  \"processes\": [");
    for (int i = 0; i < n; i++) {
        const struct lx_pt_record *r = &recs[i];
        text_printf(t, "%s\n    {\"pid\": %d, \"parent\": %d, \"program\": ", i ? "," : "", r->pid, r->ppid);
        jstr(t, r->program);
        text_printf(t, ", \"end\": \"%s\"", ends[r->end]);
        if (r->end == LX_PT_EXITED) text_printf(t, ", \"status\": %d", r->code);
        if (r->end == LX_PT_KILLED && signal_name(r->code)) {
            text_puts(t, ", \"signal\": ");
            jstr(t, signal_name(r->code));
        }
        text_puts(t, "}");
        flush(fd, t);
    }
    text_printf(t, "%s],\n  \"processes_omitted\": %u,\n", n ? "\n  " : "", omitted);
}

const char *report_verdict(void)
{
    int unsupported = lx_unknown_calls > 0, degraded = lx_nnotes > 0 || lx_nioctls > 0;
    for (int nr = 0; nr <= LX_NR_MAX; nr++)
        if (lx_counts[nr].calls && lx_syscalls[nr].status == LX_UNSUPPORTED) unsupported = 1;
    for (int i = 0; i < lx_npaths; i++)
        if (!lx_paths[i].served) degraded = 1;
    return unsupported ? "unsupported" : degraded ? "degraded" : "ok";
}

void json_write(int fd, int status, int signaled)
{
    static char buf[65536] RX_COLD;
    struct lx_text t = { buf, sizeof buf, 0 };
    struct elf_facts f;
    const char *why = NULL;
    int have_elf = lx_report.program && elf_facts_read(lx_report.program, &f, &why) == 0;

    text_printf(&t, "{\n  \"schema\": \"lxrun-report\",\n  \"schema_version\": %d,\n", SCHEMA_VERSION);
    text_puts(&t, "  \"program\": {\"path\": ");
    jstr(&t, lx_report.program ? lx_report.program : "");
    if (have_elf) {
        text_puts(&t, ", \"elf_type\": ");
        jstr(&t, f.type);
        text_printf(&t, ", \"static\": %s, \"pie\": %s, \"interpreter\": ", f.is_static ? "true" : "false",
                    f.pie ? "true" : "false");
        if (f.interp[0]) jstr(&t, f.interp);
        else text_puts(&t, "null");
        text_puts(&t, ", \"needed\": [");
        for (int i = 0; i < f.nneeded; i++) {
            if (i) text_puts(&t, ", ");
            jstr(&t, f.needed[i]);
        }
        text_puts(&t, "]");
    }
    text_puts(&t, "},\n");
    text_printf(&t, "  \"exit\": {\"status\": %d, \"signal\": ", signaled ? 128 + status : status);
    if (signaled && signal_name(status)) jstr(&t, signal_name(status));
    else text_puts(&t, "null");
    text_puts(&t, "},\n");
    processes(fd, &t, signaled ? status : status << 8);
    text_puts(&t, "  \"verdict\": ");
    jstr(&t, report_verdict());
    text_printf(&t, ",\n  \"trap\": {\"mechanism\": \"%s\", \"fs_switch\": \"%s\", \"cpuid\": \"%s\"", lx_trap_mode_name(),
                lx_trap_fs_name(), lx_cpuid_name());
    if (lx_trap_mode_current() == LX_TRAP_REWRITE) {
        const struct lx_rewrite_stats *rw = &lx_rewrite_stats;
        text_printf(&t,
                    ", \"sites_rewritten\": %lu, \"sites_known\": %lu, \"sites_library\": %lu, \"sites_interp\": %lu, "
                    "\"sites_on_trap\": %lu, "
                    "\"cpuid_sites\": %lu, \"cpuid_missed\": %lu",
                    lx_rewrite_sites_done(rw), rw->sites_known, rw->sites_library, rw->sites_interp, lx_rewrite_sites_left(rw),
                    rw->sites_cpuid, rw->cpuid_missed);
        const char *learned = lx_learned_path();
        text_puts(&t, ", \"learned\": ");
        if (learned) {
            text_puts(&t, "{\"file\": ");
            jstr(&t, learned);
            text_printf(&t, ", \"earlier\": %s}", lx_learned_earlier() ? "true" : "false");
        } else text_puts(&t, "null");
    }
    text_puts(&t, "}");
    text_puts(&t, ",\n  \"syscalls\": [");
    flush(fd, &t);
    int first = 1;
    uint64_t calls = 0, errors = 0;
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        const struct lx_counts *c = &lx_counts[nr];
        if (!c->calls) continue;
        calls += c->calls;
        errors += c->errors;
        text_printf(&t, "%s\n    {\"nr\": %d, \"name\": \"%s\", \"calls\": %llu, \"errors\": %llu, \"seconds\": %.6f, "
                        "\"status\": \"%s\"}",
                    first ? "" : ",", nr, lx_syscall_name(nr), (unsigned long long)c->calls,
                    (unsigned long long)c->errors, (double)c->ns / 1e9, lx_status_name(lx_syscalls[nr].status));
        first = 0;
        flush(fd, &t);
    }
    text_printf(&t, "\n  ],\n  \"totals\": {\"calls\": %llu, \"errors\": %llu, \"unknown_numbers\": %llu},\n",
                (unsigned long long)calls, (unsigned long long)errors, (unsigned long long)lx_unknown_calls);
    text_puts(&t, "  \"unsupported\": [");
    first = 1;
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        if (!lx_counts[nr].calls || lx_syscalls[nr].status != LX_UNSUPPORTED) continue;
        text_printf(&t, "%s\"%s\"", first ? "" : ", ", lx_syscall_name(nr));
        first = 0;
    }
    text_puts(&t, "],\n  \"enosys_as_linux\": [");
    first = 1;
    for (int nr = 0; nr <= LX_NR_MAX; nr++) {
        int st = lx_syscalls[nr].status;
        if (!lx_counts[nr].calls || (st != LX_ABSENT && st != LX_NOT_IN_LINUX)) continue;
        text_printf(&t, "%s\"%s\"", first ? "" : ", ", lx_syscall_name(nr));
        first = 0;
    }
    text_puts(&t, "],\n  \"partial\": [");
    for (int i = 0; i < lx_nnotes; i++) {
        text_printf(&t, "%s\n    {\"syscall\": \"%s\", \"ignored\": ", i ? "," : "", lx_syscall_name(lx_notes[i].nr));
        jstr(&t, lx_notes[i].what);
        text_printf(&t, ", \"count\": %llu}", (unsigned long long)lx_notes[i].count);
    }
    text_puts(&t, lx_nnotes ? "\n  ],\n  \"ioctls\": [" : "],\n  \"ioctls\": [");
    for (int i = 0; i < lx_nioctls; i++) {
        struct lx_text name = { (char[64]){ 0 }, 64, 0 };
        decode_ioctl_req(&name, lx_ioctls[i].req);
        text_printf(&t, "%s\n    {\"request\": \"%s\", \"code\": %u, \"count\": %llu}", i ? "," : "", name.buf,
                    lx_ioctls[i].req, (unsigned long long)lx_ioctls[i].count);
    }
    text_puts(&t, lx_nioctls ? "\n  ],\n  \"paths\": [" : "],\n  \"paths\": [");
    flush(fd, &t);
    for (int i = 0; i < lx_npaths; i++) {
        text_printf(&t, "%s\n    {\"path\": ", i ? "," : "");
        jstr(&t, lx_paths[i].path);
        text_printf(&t, ", \"served\": %s, \"count\": %llu}", lx_paths[i].served ? "true" : "false",
                    (unsigned long long)lx_paths[i].count);
        flush(fd, &t);
    }
    text_puts(&t, lx_npaths ? "\n  ],\n  \"signals\": [" : "],\n  \"signals\": [");
    for (int sig = 1, first_sig = 1; sig <= 64; sig++) {
        if (!lx_signals_delivered[sig]) continue;
        text_printf(&t, "%s\n    {\"signal\": %d, \"name\": ", first_sig ? "" : ",", sig);
        if (signal_name(sig)) jstr(&t, signal_name(sig));
        else text_puts(&t, "null");
        text_printf(&t, ", \"delivered\": %llu}", (unsigned long long)lx_signals_delivered[sig]);
        first_sig = 0;
    }
    int any_sig = 0;
    for (int sig = 1; sig <= 64; sig++) any_sig |= lx_signals_delivered[sig] != 0;
    text_puts(&t, any_sig ? "\n  ]\n}\n" : "]\n}\n");
    flush(fd, &t);
}

/* ptable.c — the session's process table (ptable.h).
 *
 * Layout: an index of pids (one page, scanned to find a slot without touching
 * the slots' pages), the slots, then the records of ended processes.  A slot is
 * claimed by a compare-and-swap of its index word from 0 to the pid; its
 * contents are read and written under its own spin lock (held for a copy of a
 * few kB at most).  The layout is ptable_layout.h (ptable_ask.c reads it too). */
#include "ptable.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "process.h"
#include "ptable_layout.h"
#include "shared.h"

static struct table *table RX_EXEC_READ; /* read by every fork's child */
static struct slot *me RX_FORK_HOT; /* this process's slot: set as it enters, or as its fork makes it */

struct table *lx_ptable_mapped(void)
{
    if (table || lx_proc.opts.ptable_fd < 0) return table;
    table = lx_shared_map(lx_proc.opts.ptable_fd, sizeof *table);
    if (table && table->magic != LX_PT_MAGIC) table = NULL;
    return table;
}
#define mapped lx_ptable_mapped

int lx_ptable_my_index(void) { return me && table ? (int)(me - table->slots) : -1; }

static void lock(struct slot *s) { lx_shared_lock(&s->lock); }
static void unlock(struct slot *s) { lx_shared_unlock(&s->lock); }

long lx_ptable_create(void)
{
    void *map;
    long fd = lx_shared_create("lxrun-ptable", sizeof(struct table), &map);
    if (fd < 0) return fd;
    table = map;
    /* the head and the first slot, which this process writes at once: populated in
     * one call, where each first write of the shared pages was a fault */
    rx_madvise((uintptr_t)map, offsetof(struct table, slots) + sizeof(struct slot), RX_MADV_POPULATE_WRITE);
    table->magic = LX_PT_MAGIC;
    lx_proc.opts.ptable_fd = (int)fd;
    return 0;
}

int lx_ptable_find(struct table *t, int pid)
{
    for (int i = 0; i < LX_PT_SLOTS; i++)
        if (__atomic_load_n(&t->pids[i], __ATOMIC_ACQUIRE) == pid) return i;
    return -1;
}

static void claim_lock(struct table *t) { lx_shared_lock(&t->claim_lock); }
static void claim_unlock(struct table *t) { lx_shared_unlock(&t->claim_lock); }

static int claim(struct table *t, int pid)
{
    for (int i = 0; i < LX_PT_SLOTS; i++) {
        int free_ = 0;
        if (__atomic_compare_exchange_n(&t->pids[i], &free_, pid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return i;
    }
    return -1;
}

uint64_t lx_ptable_enter(uint64_t start_cs, const char *exe, const char *cmdline, size_t cmdline_len,
                         lx_pt_copy copy)
{
    struct table *t = mapped();
    if (!t) return start_cs;
    int pid = (int)rx_getpid();
    claim_lock(t);
    int i = lx_ptable_find(t, pid); /* after an exec or a fork: the slot it has */
    int fresh = i < 0;
    if (fresh) i = claim(t, pid);
    if (i < 0) {
        claim_unlock(t);
        return start_cs; /* the table is full: this process is not listed */
    }
    struct slot *s = &t->slots[i];
    lock(s);
    claim_unlock(t);
    if (fresh) {
        memset(&s->e, 0, sizeof s->e);
        s->e.ppid = s->e.parent = (int)rx_getppid();
        s->e.start_cs = start_cs;
        s->e.ioprio = lx_proc.ioprio; /* the session's first process: the host's (lxrun.c) */
    }
    s->e.pid = pid;
    s->e.state = 'R';
    s->e.execed = !fresh;
    t->slots[i].answerer = 0; /* an exec ended the answering thread; the new program starts its own */
    size_t n = strnlen(exe, sizeof s->e.exe - 1); /* not snprintf: its code is pages a forked child faults in */
    memcpy(s->e.exe, exe, n);
    s->e.exe[n] = 0;
    if (cmdline_len > sizeof s->e.cmdline) cmdline_len = sizeof s->e.cmdline;
    if (!copy) memcpy(s->e.cmdline, cmdline, cmdline_len);
    else if (copy(s->e.cmdline, cmdline, cmdline_len) < 0) cmdline_len = 0;
    s->e.cmdline_len = (uint32_t)cmdline_len;
    start_cs = s->e.start_cs;
    int ppid = s->e.ppid;
    unlock(s);
    me = s;
    int p = fresh ? lx_ptable_find(t, ppid) : -1; /* started by a process of the session */
    if (p >= 0) {
        lock(&t->slots[p]);
        t->slots[p].e.has_children = 1;
        unlock(&t->slots[p]);
    }
    return start_cs;
}

void lx_ptable_add_child(int pid, int ppid, uint64_t start_cs)
{
    struct table *t = mapped();
    if (!t) return;
    int p = lx_ptable_find(t, ppid);
    if (p < 0) return;
    claim_lock(t);
    int i = lx_ptable_find(t, pid);
    if (pid == (int)rx_getpid()) me = NULL; /* the child's side: set below, never the parent's */
    int fresh = i < 0, made = 0;
    if (fresh) i = claim(t, pid);
    if (i >= 0) {
        /* The parent's entry is copied slot to slot, under both locks (the lower slot
         * first; nothing else holds two): a private copy was two pages each side of
         * a fork wrote, one copy-on-write fault each.  An existing slot is the other
         * side's, made first (its start time is this fork's), or a stale one of a
         * reused pid. */
        struct slot *s = &t->slots[i], *ps = &t->slots[p];
        struct slot *first = i < p ? s : ps, *second = i < p ? ps : s;
        lock(first);
        lock(second);
        made = fresh || s->e.start_cs < start_cs;
        if (made) {
            memcpy(&s->e, &ps->e, sizeof s->e);
            s->e.has_children = 0;
            s->e.pid = pid;
            s->e.ppid = s->e.parent = ppid;
            s->e.state = 'R';
            s->e.execed = 0;
            s->e.start_cs = start_cs;
        }
        ps->e.has_children = 1;
        unlock(second);
        unlock(first);
    }
    if (i >= 0 && pid == (int)rx_getpid()) me = &t->slots[i];
    /* a fork runs what its parent runs -- unless the other side was first, and the
     * child may have exec'd another program already (its text is then its own) */
    if (made) t->slots[i].text = t->slots[p].text;
    claim_unlock(t);
}

/* This process's own slot (found as it entered the table), locked; NULL without one. */
static struct slot *mine(void)
{
    struct slot *s = me;
    if (!s) return NULL;
    lock(s);
    if (s->e.pid == (int)rx_getpid()) return s;
    unlock(s); /* a fork's child before its own slot is made: not the parent's to change */
    return NULL;
}

void lx_ptable_set_comm(const char *comm)
{
    struct slot *s = mine();
    if (!s) return;
    strncpy(s->e.comm, comm, sizeof s->e.comm - 1);
    s->e.comm[sizeof s->e.comm - 1] = 0;
    unlock(s);
}

void lx_ptable_set_cwd(const char *cwd)
{
    struct slot *s = mine();
    if (!s) return;
    strncpy(s->e.cwd, cwd, sizeof s->e.cwd - 1);
    s->e.cwd[sizeof s->e.cwd - 1] = 0;
    unlock(s);
}

void lx_ptable_set_ids(uint32_t uid, uint32_t euid, uint32_t gid, uint32_t egid)
{
    struct slot *s = mine();
    if (!s) return;
    s->e.uid = uid;
    s->e.euid = euid;
    s->e.gid = gid;
    s->e.egid = egid;
    unlock(s);
}

void lx_ptable_set_signals(uint64_t ignored, uint64_t caught)
{
    struct slot *s = mine();
    if (!s) return;
    s->e.sig_ignored = ignored;
    s->e.sig_caught = caught;
    unlock(s);
}

void lx_ptable_set_subreaper(int on)
{
    struct slot *s = mine();
    if (!s) return;
    s->e.subreaper = on;
    unlock(s);
}

long lx_ptable_set_ioprio(int pid, int ioprio)
{
    struct table *t = mapped();
    int i = t && pid > 0 ? lx_ptable_find(t, pid) : -1;
    if (i < 0) return -ESRCH;
    struct slot *s = &t->slots[i];
    lock(s);
    int ok = s->e.pid == pid && s->e.state != 'Z';
    if (ok) s->e.ioprio = ioprio;
    unlock(s);
    return ok ? 0 : -ESRCH;
}

/* The nearest ancestor of pid that is a subreaper in the table, else 1. */
static int reaper_above(struct table *t, int pid)
{
    for (int depth = 0; depth < LX_PT_SLOTS; depth++) {
        int i = lx_ptable_find(t, pid), ppid, sub;
        if (i < 0) return 1;
        lock(&t->slots[i]);
        ppid = t->slots[i].e.ppid;
        unlock(&t->slots[i]);
        if ((i = lx_ptable_find(t, ppid)) < 0) return 1;
        lock(&t->slots[i]);
        sub = t->slots[i].e.subreaper && t->slots[i].e.state != 'Z';
        unlock(&t->slots[i]);
        if (sub) return ppid;
        pid = ppid;
    }
    return 1;
}

void lx_ptable_set_text(uint64_t dev, uint64_t ino, uint64_t idev, uint64_t iino)
{
    struct table *t = mapped();
    if (!t || !me) return;
    size_t i = (size_t)(me - t->slots);
    t->slots[i].text.dev = dev;
    t->slots[i].text.ino = ino;
    t->slots[i].text.idev = idev;
    t->slots[i].text.iino = iino;
}

int lx_ptable_text_busy(uint64_t dev, uint64_t ino)
{
    struct table *t = mapped();
    for (int i = 0; t && i < LX_PT_SLOTS; i++) {
        if (__atomic_load_n(&t->pids[i], __ATOMIC_ACQUIRE) <= 0) continue;
        const struct slot *s = &t->slots[i]; /* a live one: only their pages are read */
        if ((s->text.ino == ino && s->text.dev == dev) || (s->text.iino == ino && s->text.idev == dev)) return ino != 0;
    }
    return 0;
}

void lx_ptable_sleeping(int tid, int on)
{
    /* the main thread's state is the process's, as /proc/<pid>/stat shows it */
    if (me && tid == me->e.pid && me->e.state != 'Z') __atomic_store_n(&me->e.state, on ? 'S' : 'R', __ATOMIC_RELAXED);
}

void lx_ptable_exiting(int status)
{
    struct slot *s = mine();
    if (!s) return;
    s->e.state = 'Z';
    s->e.exit_status = status;
    int parent = s->e.has_children;
    unlock(s);
    if (!parent) return; /* no slot can name it as parent */
    struct table *t = mapped();
    int self = (int)rx_getpid(), reaper = reaper_above(t, self), moved = 0;
    for (int i = 0; i < LX_PT_SLOTS; i++) {
        if (__atomic_load_n(&t->pids[i], __ATOMIC_ACQUIRE) <= 0) continue;
        lock(&t->slots[i]);
        if (t->slots[i].e.ppid == self && t->slots[i].e.pid != self) {
            t->slots[i].e.ppid = reaper;
            moved = 1;
        }
        unlock(&t->slots[i]);
    }
    int r = moved ? lx_ptable_find(t, reaper) : -1;
    if (r >= 0) {
        lock(&t->slots[r]);
        t->slots[r].e.has_children = 1;
        unlock(&t->slots[r]);
    }
}

static void record(struct table *t, const struct lx_pt_entry *e, enum lx_pt_end end, int code)
{
    uint32_t n = __atomic_fetch_add(&t->nrecords, 1, __ATOMIC_ACQ_REL);
    if (n >= LX_PT_RECORDS) {
        __atomic_fetch_add(&t->omitted, 1, __ATOMIC_RELAXED);
        return;
    }
    struct lx_pt_record *r = &t->records[n].r;
    r->pid = e->pid;
    r->ppid = e->parent;
    r->end = end;
    r->code = code;
    /* not snprintf: both strings live in the table, and GCC -O3's -Wrestrict
     * cannot tell they never overlap (a Release build failed on it) */
    size_t len = strnlen(e->exe, sizeof r->program - 1);
    memcpy(r->program, e->exe, len);
    r->program[len] = 0;
    __atomic_store_n(&t->records[n].ready, 1, __ATOMIC_RELEASE);
}

/* Linux's wait status as a record's end. */
static void record_status(struct table *t, const struct lx_pt_entry *e, int status)
{
    if ((status & 0x7f) == 0) record(t, e, LX_PT_EXITED, (status >> 8) & 0xff);
    else record(t, e, LX_PT_KILLED, status & 0x7f);
}

/* Frees slot i (owned by pid) after recording its end. */
static void release(struct table *t, int i, int pid, int have_status, int status)
{
    struct slot *s = &t->slots[i];
    lock(s);
    if (s->e.pid != pid) {
        unlock(s);
        return;
    }
    if (have_status) record_status(t, &s->e, status);
    else if (s->e.state == 'Z') record_status(t, &s->e, s->e.exit_status);
    else record(t, &s->e, LX_PT_GONE, 0);
    s->e.pid = 0;
    unlock(s);
    memset(&t->slots[i].text, 0, sizeof t->slots[i].text);
    __atomic_store_n(&t->pids[i], 0, __ATOMIC_RELEASE);
}

void lx_ptable_reaped(int pid, int status)
{
    struct table *t = mapped();
    int i = t ? lx_ptable_find(t, pid) : -1;
    if (i >= 0) release(t, i, pid, 1, status);
}

/* A process that died without being reaped inside the session (an orphan whose
 * reaper is outside it, a crash) leaves its slot behind: the host no longer
 * knows the pid. */
static int alive(int pid) { return rx_kill(pid, 0) != -ESRCH; }

int lx_ptable_get(int pid, struct lx_pt_entry *out)
{
    struct table *t = mapped();
    int i = t && pid > 0 ? lx_ptable_find(t, pid) : -1;
    if (i < 0) return -ESRCH;
    if (!alive(pid)) {
        release(t, i, pid, 0, 0);
        return -ESRCH;
    }
    struct slot *s = &t->slots[i];
    lock(s);
    int ok = s->e.pid == pid;
    if (ok) memcpy(out, &s->e, sizeof *out);
    unlock(s);
    return ok ? 0 : -ESRCH;
}

static int by_number(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int lx_ptable_pids(int *pids, int max)
{
    struct table *t = mapped();
    int n = 0;
    for (int i = 0; t && i < LX_PT_SLOTS && n < max; i++) {
        int pid = __atomic_load_n(&t->pids[i], __ATOMIC_ACQUIRE);
        if (pid <= 0) continue;
        if (!alive(pid)) {
            release(t, i, pid, 0, 0);
            continue;
        }
        pids[n++] = pid;
    }
    qsort(pids, (size_t)n, sizeof *pids, by_number);
    return n;
}

int lx_ptable_records(struct lx_pt_record *out, int max, int self_status, unsigned *omitted)
{
    struct table *t = mapped();
    *omitted = 0;
    if (!t) return 0;
    int n = 0, self = (int)rx_getpid();
    uint32_t done = __atomic_load_n(&t->nrecords, __ATOMIC_ACQUIRE);
    if (done > LX_PT_RECORDS) done = LX_PT_RECORDS;
    for (uint32_t k = 0; k < done; k++) {
        if (!__atomic_load_n(&t->records[k].ready, __ATOMIC_ACQUIRE)) continue;
        if (n < max) out[n++] = t->records[k].r;
        else (*omitted)++;
    }
    *omitted += __atomic_load_n(&t->omitted, __ATOMIC_RELAXED);
    for (int i = 0; i < LX_PT_SLOTS; i++) {
        int pid = __atomic_load_n(&t->pids[i], __ATOMIC_ACQUIRE);
        if (pid <= 0) continue;
        if (n >= max) {
            (*omitted)++;
            continue;
        }
        struct slot *s = &t->slots[i];
        lock(s);
        struct lx_pt_record *r = &out[n];
        memset(r, 0, sizeof *r);
        r->pid = s->e.pid;
        r->ppid = s->e.parent;
        snprintf(r->program, sizeof r->program, "%s", s->e.exe);
        int status = pid == self ? self_status : s->e.exit_status;
        if (pid == self || s->e.state == 'Z') {
            r->end = (status & 0x7f) == 0 ? LX_PT_EXITED : LX_PT_KILLED;
            r->code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f;
        } else {
            r->end = alive(pid) ? LX_PT_RUNNING : LX_PT_GONE;
        }
        unlock(s);
        if (r->pid == pid) n++;
    }
    return n;
}

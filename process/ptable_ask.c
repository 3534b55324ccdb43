/* ptable_ask.c — one process of the session asking another (ptable.h).
 *
 * A question takes one of the table's mailboxes: the asker writes it, rings the
 * target's bell and sleeps on the mailbox's state; the target's answering
 * thread wakes, renders the answer into the mailbox and wakes the asker.  No
 * signal is involved, so a target blocked in a call answers as promptly as a
 * running one, and nothing it does is interrupted. */
#include <errno.h>
#include <string.h>

#include "../redox/rx.h"
#include "ptable_layout.h"
#include "shared.h"
#include "../trap/fs_call.h"
#include "../trap/trap.h"

#define STATE_FREE 0
#define STATE_ASKED 1
#define STATE_ANSWERED 2

static lx_pt_answer_fn answer_fn RX_FORK_HOT;

static void answer(struct table *t, struct lx_pt_mail *m, int self)
{
    if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != STATE_ASKED || m->target != self) return;
    uint32_t ticket = __atomic_load_n(&m->ticket, __ATOMIC_ACQUIRE);
    char path[sizeof m->path];
    memcpy(path, m->path, sizeof path);
    path[sizeof path - 1] = 0;
    long r = answer_fn(m->op, path, m->data, sizeof m->data);
    if (r > (long)sizeof m->data) r = (long)sizeof m->data;
    if (__atomic_load_n(&m->ticket, __ATOMIC_ACQUIRE) != ticket) return; /* its asker gave up */
    m->result = r;
    uint32_t asked = STATE_ASKED;
    if (__atomic_compare_exchange_n(&m->state, &asked, STATE_ANSWERED, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        rx_futex_wake(&m->state, 1, 1);
    (void)t;
}

/* busy: the answering thread may be in libc's code (set before it is started,
 * cleared while it sleeps); held: a fork wants it out (lx_ptable_answer_hold), 2
 * once the answering thread sleeps on it (only then does lx_ptable_answer_go wake
 * it: a wake is a host call in every fork of a shell's loop).  Each side stores
 * its word before it reads the other's (sequentially consistent), so at most one
 * of them goes on. */
static int answer_busy RX_FORK_HOT, answer_held RX_FORK_HOT;

static void answer_idle(void) { __atomic_store_n(&answer_busy, 0, __ATOMIC_SEQ_CST); }

static void answer_wake(void)
{
    for (;;) {
        __atomic_store_n(&answer_busy, 1, __ATOMIC_SEQ_CST);
        int held = __atomic_load_n(&answer_held, __ATOMIC_SEQ_CST);
        if (!held) return;
        answer_idle();
        if (held == 2 || __atomic_compare_exchange_n(&answer_held, &held, 2, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            rx_futex_wait((uint32_t *)&answer_held, 2, NULL, -1, 1);
    }
}

int lx_ptable_answer_hold(void)
{
    __atomic_store_n(&answer_held, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&answer_busy, __ATOMIC_SEQ_CST)) return 1;
    lx_ptable_answer_go();
    return 0;
}

void lx_ptable_answer_go(void)
{
    if (__atomic_exchange_n(&answer_held, 0, __ATOMIC_SEQ_CST) == 2) rx_futex_wake((uint32_t *)&answer_held, 1, 1);
}

static void answering_thread(void *arg)
{
    (void)arg;
    lx_trap_own_thread();
    struct table *t = lx_ptable_mapped();
    int self = (int)rx_getpid();
    for (;;) {
        int i = lx_ptable_my_index();
        if (i < 0) return; /* not in the table: no one can ask (busy stays set: it ends in libc) */
        uint32_t rung = __atomic_load_n(&t->slots[i].bell, __ATOMIC_ACQUIRE);
        /* a bell never rung: no question yet, and no mailbox to read (each is a page
         * of shared memory, a fault at a first look) */
        for (int k = 0; rung && k < LX_PT_MAILS; k++) answer(t, &t->mail[k], self);
        answer_idle();
        rx_futex_wait(&t->slots[i].bell, rung, NULL, -1, 1);
        answer_wake();
    }
}

void lx_ptable_answering(lx_pt_answer_fn fn) { answer_fn = fn; }

static int started RX_FORK_HOT; /* this process has its answering thread (a forked child: not yet) */

void lx_ptable_answer_forked(void) { started = 0, answer_busy = 0, answer_held = 0; }

void lx_ptable_answer_kept(void)
{
    struct table *t = lx_ptable_mapped();
    int i = lx_ptable_my_index();
    if (t && i >= 0 && __atomic_load_n(&started, __ATOMIC_RELAXED))
        __atomic_store_n(&t->slots[i].answerer, (int)rx_getpid(), __ATOMIC_RELEASE);
}

int lx_ptable_answer_pending(void) { return answer_fn && !__atomic_load_n(&started, __ATOMIC_RELAXED); }

static long answer_start(void *unused);

void lx_ptable_answer_start(void)
{
    /* on every blocking call: one load when the thread runs already */
    if (__atomic_load_n(&started, __ATOMIC_RELAXED) || !answer_fn) return;
    lx_fs_call(answer_start, NULL); /* a thread to start: libc's, on lxrun's FS */
}

static long answer_start(void *unused)
{
    (void)unused;
    struct table *t = lx_ptable_mapped();
    int i = lx_ptable_my_index();
    if (!t || i < 0) return 0;
    int no = 0;
    if (!__atomic_compare_exchange_n(&started, &no, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return 0; /* another thread's */
    /* the thread inherits the mask: every signal stays with the guest's threads */
    uint64_t old;
    if (rx_sigmask_swap(~0ULL, &old) < 0) return 0;
    __atomic_store_n(&answer_busy, 1, __ATOMIC_SEQ_CST); /* until it first sleeps */
    if (rx_thread_spawn_small(answering_thread, NULL) == 0) __atomic_store_n(&t->slots[i].answerer, (int)rx_getpid(), __ATOMIC_RELEASE);
    rx_sigmask_set(old);
    return 0;
}

/* A free mailbox, held; when all are busy, the first one, waited for. */
static struct lx_pt_mail *take_mailbox(struct table *t, int self)
{
    for (int k = 0; k < LX_PT_MAILS; k++) {
        int free_ = 0;
        if (__atomic_compare_exchange_n(&t->mail[k].owner, &free_, self, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return &t->mail[k];
    }
    lx_shared_lock(&t->mail[0].owner);
    return &t->mail[0];
}

long lx_ptable_ask(int pid, int op, const char *path, void *out, size_t cap)
{
    struct table *t = lx_ptable_mapped();
    if (!t) return -ESRCH;
    int self = (int)rx_getpid();
    if (strlen(path) >= sizeof t->mail[0].path) return -ENAMETOOLONG;
    struct lx_pt_mail *m = take_mailbox(t, self);
    __atomic_add_fetch(&m->ticket, 1, __ATOMIC_ACQ_REL);
    m->target = pid;
    m->op = op;
    strcpy(m->path, path);
    m->result = -ESRCH;
    __atomic_store_n(&m->state, STATE_ASKED, __ATOMIC_RELEASE);
    long r = -ESRCH;
    int i = lx_ptable_find(t, pid);
    if (i >= 0 && __atomic_load_n(&t->slots[i].answerer, __ATOMIC_ACQUIRE) != pid) {
        i = -1;
        r = -EAGAIN;
    }
    if (i >= 0) {
        __atomic_add_fetch(&t->slots[i].bell, 1, __ATOMIC_ACQ_REL);
        rx_futex_wake(&t->slots[i].bell, 1, 1);
        struct rx_timespec step = { 0, 50 * 1000 * 1000 };
        for (int waits = 0; waits < 20 && __atomic_load_n(&m->state, __ATOMIC_ACQUIRE) == STATE_ASKED; waits++)
            rx_futex_wait(&m->state, STATE_ASKED, &step, -1, 1);
        if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) == STATE_ANSWERED) {
            r = m->result;
            if (r > 0) memcpy(out, m->data, (size_t)r < cap ? (size_t)r : cap);
        }
    }
    __atomic_add_fetch(&m->ticket, 1, __ATOMIC_ACQ_REL); /* an answer still coming is not for anyone */
    __atomic_store_n(&m->state, STATE_FREE, __ATOMIC_RELEASE);
    lx_shared_unlock(&m->owner);
    return r;
}

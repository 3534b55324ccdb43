/* ptable_layout.h — the process table's shared layout, for ptable.c and
 * ptable_ask.c only. */
#ifndef LXRUN_PTABLE_LAYOUT_H
#define LXRUN_PTABLE_LAYOUT_H

#include "ptable.h"

#define LX_PT_MAGIC 0x4c585056u

/* Everything of one process together: a new process's first look at the table
 * (the index, by a read fault that maps the pages around it) then maps its own
 * slot with it, where separate arrays by slot were a fault each, in every child. */
struct slot {
    int lock;
    uint32_t bell;       /* rung (a futex) when a question waits for it */
    int answerer;        /* the pid whose answering thread listens to the bell */
    int unused;
    struct { uint64_t dev, ino, idev, iino; } text; /* what it runs */
    struct lx_pt_entry e;
};

/* A question to another process (ptable_ask.c): held by its asker (owner, a
 * lock word), asked (state 1) and answered (state 2) through futexes. */
#define LX_PT_MAILS 4
struct lx_pt_mail {
    int owner;
    uint32_t state;
    uint32_t ticket;   /* which question an answer is for: a late one for an earlier asker is dropped */
    int target, op;
    char path[256];
    long result;
    char data[LX_PT_ASK_DATA];
};

struct table {
    uint32_t magic;
    int claim_lock;                  /* held to find-or-claim a pid's slot */
    int pids[LX_PT_SLOTS];           /* the index: 0 free, else the owner's pid */
    struct slot slots[LX_PT_SLOTS];
    uint32_t nrecords, omitted;
    struct { int ready; struct lx_pt_record r; } records[LX_PT_RECORDS];
    struct lx_pt_mail mail[LX_PT_MAILS];
};

struct table *lx_ptable_mapped(void);
int lx_ptable_find(struct table *t, int pid);
/* This process's slot index, or -1. */
int lx_ptable_my_index(void);

#endif

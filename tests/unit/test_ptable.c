/* test_ptable.c — the session's process table (process/ptable.h): a fork's child
 * entered once whichever side comes first, stale slots of reused pids replaced,
 * reaping recorded, dead processes swept, records beyond the table counted. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../process/process.h"
#include "../../process/ptable.h"

#define DEAD_PID 4194000 /* above any pid this machine hands out in a test run */

static void enter(void)
{
    cr_assert_eq(lx_ptable_create(), 0);
    lx_ptable_enter(100, "/bin/parent", "parent\0arg\0", 11, NULL);
    lx_ptable_set_comm("parent");
    lx_ptable_set_cwd("/here");
}

/* A live child blocked on a pipe until *wr is closed. */
static pid_t child(int *wr)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 5 : 1);
    }
    close(p[0]);
    *wr = p[1];
    return pid;
}

static int count(int pid)
{
    int pids[LX_PT_SLOTS], n = lx_ptable_pids(pids, LX_PT_SLOTS), k = 0;
    for (int i = 0; i < n; i++) k += pids[i] == pid;
    return k;
}

Test(ptable, a_child_is_entered_once_with_its_parents_facts)
{
    enter();
    int wr;
    pid_t pid = child(&wr);
    lx_ptable_add_child(pid, getpid(), 200); /* the child's side */
    lx_ptable_add_child(pid, getpid(), 200); /* the parent's side, second */
    cr_assert_eq(count(pid), 1);
    cr_assert_eq(count(getpid()), 1);
    struct lx_pt_entry e;
    cr_assert_eq(lx_ptable_get(pid, &e), 0);
    cr_assert_eq(e.ppid, getpid());
    cr_assert_eq(e.start_cs, 200);
    cr_assert_str_eq(e.comm, "parent");
    cr_assert_str_eq(e.cwd, "/here");
    cr_assert_str_eq(e.exe, "/bin/parent");
    cr_assert_eq(e.cmdline_len, 11);
    cr_assert_eq(e.state, 'R');
    close(wr);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    lx_ptable_reaped(pid, status);
    cr_assert_eq(lx_ptable_get(pid, &e), -ESRCH);
    cr_assert_eq(count(pid), 0);
}

Test(ptable, a_stale_slot_of_a_reused_pid_is_replaced_a_newer_one_kept)
{
    enter();
    int wr;
    pid_t pid = child(&wr);
    lx_ptable_add_child(pid, getpid(), 50); /* an earlier process with the same pid */
    lx_ptable_add_child(pid, getpid(), 300);
    struct lx_pt_entry e;
    cr_assert_eq(lx_ptable_get(pid, &e), 0);
    cr_assert_eq(e.start_cs, 300);
    lx_ptable_add_child(pid, getpid(), 300); /* the other side of the same fork: kept */
    cr_assert_eq(count(pid), 1);
    close(wr);
    waitpid(pid, NULL, 0);
}

Test(ptable, records_say_how_each_process_ended)
{
    enter();
    int wr;
    pid_t killed = child(&wr), dead_unseen = DEAD_PID;
    lx_ptable_add_child(killed, getpid(), 200);
    lx_ptable_add_child(dead_unseen, getpid(), 200);
    kill(killed, SIGKILL);
    int status;
    cr_assert_eq(waitpid(killed, &status, 0), killed);
    lx_ptable_reaped(killed, status);
    struct lx_pt_entry e;
    cr_assert_eq(lx_ptable_get(dead_unseen, &e), -ESRCH, "a pid the host no longer knows is swept");
    pid_t running = child(&wr);
    lx_ptable_add_child(running, getpid(), 200);

    struct lx_pt_record r[8];
    unsigned omitted;
    int n = lx_ptable_records(r, 8, 3 << 8, &omitted);
    cr_assert_eq(n, 4);
    cr_assert_eq(omitted, 0);
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (r[i].pid == killed) { seen |= 1; cr_assert(r[i].end == LX_PT_KILLED && r[i].code == SIGKILL); }
        if (r[i].pid == dead_unseen) { seen |= 2; cr_assert_eq(r[i].end, LX_PT_GONE); }
        if (r[i].pid == getpid()) { seen |= 4; cr_assert(r[i].end == LX_PT_EXITED && r[i].code == 3); }
        if (r[i].pid == running) { seen |= 8; cr_assert_eq(r[i].end, LX_PT_RUNNING); }
        cr_assert_str_eq(r[i].program, "/bin/parent");
    }
    cr_assert_eq(seen, 15);
    close(wr);
    waitpid(running, NULL, 0);
}

Test(ptable, records_beyond_the_table_are_counted_not_lost)
{
    enter();
    for (int i = 0; i < LX_PT_RECORDS + 10; i++) {
        lx_ptable_add_child(DEAD_PID, getpid(), 200 + (uint64_t)i);
        lx_ptable_reaped(DEAD_PID, 0);
    }
    static struct lx_pt_record r[LX_PT_RECORDS + LX_PT_SLOTS];
    unsigned omitted;
    int n = lx_ptable_records(r, LX_PT_RECORDS + LX_PT_SLOTS, 0, &omitted);
    cr_assert_eq(n, LX_PT_RECORDS + 1, "every record the table holds, and the caller");
    cr_assert_eq(omitted, 10);
}

/* test_spare_trial.c — --spare-child=auto's measured choice (syscalls/spare_trial.c):
 * the verdict from the two ways' medians, the trial's alternation, and which
 * intervals count.  Criterion runs each test in a process of its own, so each
 * starts with the trial undecided. */
#include <criterion/criterion.h>

#include "../../syscalls/spare_trial.h"

#define N LX_SPARE_TRIAL_SAMPLES

static void fill(uint32_t *v, uint32_t base, uint32_t step)
{
    for (unsigned i = 0; i < N; i++) v[i] = base + (i % 3) * step;
}

Test(spare_trial, verdict_picks_the_faster_median)
{
    uint32_t fast[N], slow[N];
    fill(fast, 1000, 10);
    fill(slow, 1300, 10);
    cr_assert_eq(lx_spare_trial_verdict(fast, N, slow, N), 1, "spares faster by 30%%: not kept");
    cr_assert_eq(lx_spare_trial_verdict(slow, N, fast, N), 0, "spares slower by 30%%: kept");
}

Test(spare_trial, verdict_keeps_no_spare_within_three_percent)
{
    uint32_t with[N], without[N];
    fill(with, 1000, 0);
    fill(without, 1020, 0); /* spares 2% faster: not worth a process more */
    cr_assert_eq(lx_spare_trial_verdict(with, N, without, N), 0);
    fill(without, 1040, 0); /* 4% faster: kept */
    cr_assert_eq(lx_spare_trial_verdict(with, N, without, N), 1);
}

Test(spare_trial, verdict_undecided_until_both_ways_are_full)
{
    uint32_t a[N], b[N];
    fill(a, 1000, 0);
    fill(b, 2000, 0);
    cr_assert_eq(lx_spare_trial_verdict(a, N - 1, b, N), -1);
    cr_assert_eq(lx_spare_trial_verdict(a, N, b, N - 1), -1);
}

Test(spare_trial, verdict_is_a_median_not_a_mean)
{
    uint32_t with[N], without[N];
    fill(with, 1000, 0);
    fill(without, 1500, 0);
    with[0] = with[3] = 4000000; /* two stalls (a page-in, a migration) among eight */
    cr_assert_eq(lx_spare_trial_verdict(with, N, without, N), 1, "two outliers turned the choice");
}

/* A loop of one command: each exec after a spare was made takes with_us to the
 * next, each other without_us.  Returns the number of execs until a choice. */
static unsigned run_loop(uint64_t sig, int64_t with_us, int64_t without_us, unsigned max, unsigned char *wants)
{
    int64_t now = 1000000000;
    int made = 0;
    for (unsigned i = 0; i < max; i++) {
        now += (made ? with_us : without_us) * 1000;
        lx_spare_trial_exec(sig, now);
        if (lx_spare_trial_choice() >= 0) return i + 1;
        made = lx_spare_trial_wants();
        if (wants) wants[i] = (unsigned char)made;
        if (made) lx_spare_trial_made();
    }
    return 0;
}

Test(spare_trial, a_loop_where_spares_pay_keeps_them)
{
    unsigned char wants[64];
    unsigned n = run_loop(42, 800, 1000, 64, wants);
    cr_assert(n > 0, "no choice after 64 execs");
    cr_assert_eq(lx_spare_trial_choice(), 1);
    cr_assert_eq(lx_spare_trial_wants(), 1);
    /* with, without, without, with ...: each way timed in turn */
    for (unsigned i = 0; i + 1 < n; i++)
        cr_assert_eq(wants[i], (unsigned char)((i + 1) % 4 == 0 || (i + 1) % 4 == 3), "exec %u's turn", i + 1);
    /* the first exec starts the chain; 2N intervals after it decide */
    cr_assert_eq(n, 2 * N + 1, "decided after %u execs", n);
}

Test(spare_trial, a_loop_where_spares_cost_goes_without)
{
    cr_assert(run_loop(42, 1400, 1000, 64, NULL) > 0);
    cr_assert_eq(lx_spare_trial_choice(), 0);
    cr_assert_eq(lx_spare_trial_wants(), 0);
}

Test(spare_trial, different_commands_are_no_loop)
{
    int64_t now = 1000000000;
    for (unsigned i = 0; i < LX_SPARE_TRIAL_EXECS; i++) {
        lx_spare_trial_exec(1000 + i, now += 1000000); /* make's compilers: a command each */
        cr_assert_eq(lx_spare_trial_choice(), -1, "chose after %u different commands", i + 1);
        if (lx_spare_trial_wants()) lx_spare_trial_made();
    }
    lx_spare_trial_exec(7, now += 1000000);
    cr_assert_eq(lx_spare_trial_choice(), 1, "no loop to time: auto's spares as before the trial");
}

Test(spare_trial, a_forks_first_exec_times_nothing)
{
    int64_t now = 1000000000;
    lx_spare_trial_exec(5, now);
    /* the fork's child execs the same command: its time is not an iteration's */
    for (unsigned i = 0; i < 2 * N + 1; i++) {
        lx_spare_trial_forked();
        lx_spare_trial_exec(5, now += 1000000);
        if (lx_spare_trial_wants()) lx_spare_trial_made();
    }
    cr_assert_eq(lx_spare_trial_choice(), -1, "intervals across forks were timed");
}

/* spare_trial.c — whether a spare vfork child pays on this machine, measured.
 *
 * A spare (vfork_spare.c) moves a fork of lxrun off a shell's way only where it
 * runs beside the last command at little cost.  How much that costs is the
 * machine's: on an FSGSBASE Xeon VM dash's loop of /bin/true was 1.04x native
 * with spares and 1.24x without; on a paravirtualised KPTI VM (AMD EPYC) 1.83x
 * with and 1.43x without, where work spread over two CPUs costs more than it
 * overlaps (the same loop pinned to one CPU: 1.49x with, 1.26x without; native
 * 0.85x of its unpinned time) -- design-notes, thirty-third session.  So auto
 * measures: a command a shell repeats is a loop, and the time from one exec of it
 * to the next is one iteration.  Alternate iterations (in the order with,
 * without, without, with, so that a drift of the machine's speed falls on both)
 * make a spare after the exec or not, until LX_SPARE_TRIAL_SAMPLES of each were
 * timed; the faster way then stays, in this process and its forks. */
#include "spare_trial.h"

#include <string.h>

static struct {
    uint64_t sig;    /* the last exec's request */
    int64_t at_ns;   /* and when it was seen */
    int chained;     /* a last exec of this process's is known */
    int made;        /* a spare was made after it */
    unsigned execs;  /* windows' execs seen while undecided */
    unsigned n[2];   /* intervals timed: [0] without a spare made before, [1] with */
    uint32_t us[2][LX_SPARE_TRIAL_SAMPLES];
    int choice;      /* -1 undecided */
} trial = { .choice = -1 };

static uint32_t median(const uint32_t *v, unsigned n)
{
    uint32_t s[LX_SPARE_TRIAL_SAMPLES];
    memcpy(s, v, n * sizeof *s);
    for (unsigned i = 1; i < n; i++) /* insertion sort: eight values */
        for (unsigned j = i; j > 0 && s[j - 1] > s[j]; j--) {
            uint32_t t = s[j];
            s[j] = s[j - 1], s[j - 1] = t;
        }
    return n % 2 ? s[n / 2] : (uint32_t)(((uint64_t)s[n / 2 - 1] + s[n / 2]) / 2);
}

int lx_spare_trial_verdict(const uint32_t *with, unsigned n_with, const uint32_t *without, unsigned n_without)
{
    if (n_with < LX_SPARE_TRIAL_SAMPLES || n_without < LX_SPARE_TRIAL_SAMPLES) return -1;
    /* a spare is a process more: kept only where it is measurably faster */
    return (uint64_t)median(with, LX_SPARE_TRIAL_SAMPLES) * 100 <
           (uint64_t)median(without, LX_SPARE_TRIAL_SAMPLES) * 97;
}

void lx_spare_trial_exec(uint64_t sig, int64_t now_ns)
{
    if (trial.choice >= 0) return;
    int64_t d = now_ns - trial.at_ns;
    int way = trial.made != 0;
    unsigned k = trial.n[way]; /* read once: two threads' windows may race here, never past the end */
    if (trial.chained && sig == trial.sig && d > 0 && d < 4000000000 && k < LX_SPARE_TRIAL_SAMPLES) {
        trial.us[way][k] = (uint32_t)(d / 1000);
        trial.n[way] = k + 1;
        trial.choice = lx_spare_trial_verdict(trial.us[1], trial.n[1], trial.us[0], trial.n[0]);
    }
    if (++trial.execs > LX_SPARE_TRIAL_EXECS && trial.choice < 0) trial.choice = 1; /* no loop to measure */
    trial.sig = sig, trial.at_ns = now_ns, trial.chained = trial.choice < 0, trial.made = 0;
}

int lx_spare_trial_wants(void)
{
    if (trial.choice >= 0) return trial.choice;
    static const unsigned char turn[4] = { 1, 0, 0, 1 };
    return turn[trial.execs & 3];
}

/* Written only while undecided: after a fork each write of a page is a copy (a
 * fault of 6-24 us on a paravirtualised VM), in the parent and in each child. */
void lx_spare_trial_made(void)
{
    if (trial.choice < 0) trial.made = 1;
}
void lx_spare_trial_forked(void)
{
    if (trial.chained) trial.chained = 0;
}
int lx_spare_trial_choice(void) { return trial.choice; }

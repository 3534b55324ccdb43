/* spare_trial.h — --spare-child=auto's choice, measured on the process's own
 * repeated commands (spare_trial.c). */
#ifndef LXRUN_SPARE_TRIAL_H
#define LXRUN_SPARE_TRIAL_H

#include <stdint.h>

#define LX_SPARE_TRIAL_SAMPLES 8 /* intervals measured each way before the choice */
#define LX_SPARE_TRIAL_EXECS 64  /* execs without a choice before auto settles for spares */

/* A vfork window's exec of request sig (a hash of its path and arguments), at
 * now_ns (CLOCK_MONOTONIC): the time since the last one, when it was the same
 * request in this process, is a loop iteration's, with or without a spare made
 * after the last. */
void lx_spare_trial_exec(uint64_t sig, int64_t now_ns);
/* Whether auto makes a spare after the exec just seen: the choice once made,
 * else the trial's turn. */
int lx_spare_trial_wants(void);
/* A spare was made after the last exec. */
void lx_spare_trial_made(void);
/* In a fork's child: its first exec starts no interval of the parent's. */
void lx_spare_trial_forked(void);
/* The choice: 1 (spares) or 0 (none), -1 undecided. */
int lx_spare_trial_choice(void);
/* The choice from n intervals (us) each way: 1 when the median with a spare is
 * below 97% of the median without, else 0; -1 with fewer than
 * LX_SPARE_TRIAL_SAMPLES of either. */
int lx_spare_trial_verdict(const uint32_t *with, unsigned n_with, const uint32_t *without, unsigned n_without);

#endif

/* session.h — one report for the whole process tree, as strace -c -f gives.
 *
 * The lxrun the user started (and the programs it execs) writes the -c table and
 * the JSON report; every process it forks counts its own calls and, as it ends,
 * adds them to a table in memory shared by the session (an anonymous shm object,
 * inherited across fork, handed over across exec).  The reporting process adds
 * that table to its own before it reports.  A child still running when the
 * reporter ends is not counted. */
#ifndef LXRUN_SESSION_H
#define LXRUN_SESSION_H

/* Makes the shared table (lx_report.session_fd); 0 or -errno. */
long lx_session_create(void);
/* A process that does not report: adds its records to the table. */
void lx_session_contribute(void);
/* The reporting process: adds the others' records to its own. */
void lx_session_gather(void);

#endif

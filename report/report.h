/* report.h — what the user asked lxrun to report, and the end-of-run reports. */
#ifndef LXRUN_REPORT_H
#define LXRUN_REPORT_H

#include "../process/process.h"

/* What the user asked lxrun to report: the process's options. */
#define lx_report (lx_proc.opts.report)

/* The one-word verdict: "ok", "degraded" (partial service, unserved paths or
 * ioctls) or "unsupported" (a syscall answered ENOSYS). */
const char *report_verdict(void);


/* In a forked child: the reports (-c table, JSON) stay the parent's, which adds the
 * child's counts at its end (report/session.h); tracing goes on, into the same
 * output, as strace -f does. */
void lx_report_forked_child(void);

/* Called once as the guest process ends with `status` (exit code, or 128+signal). */
void lx_report_finish(int status, int signaled);

#endif

/* report.h — what the user asked lxrun to report, and the end-of-run reports. */
#ifndef LXRUN_REPORT_H
#define LXRUN_REPORT_H

struct lx_report_config {
    int observe;          /* anything below is on: dispatch takes the observed path */
    int summary;          /* -c */
    int summary_fd;       /* where the -c table goes (lxrun's own fd) */
    int json_fd;          /* --report=FILE.json, opened at start (lxrun's own fd), or -1 */
    const char *program;  /* the program's path, for the report's identity */
};

/* The one-word verdict: "ok", "degraded" (partial service, unserved paths or
 * ioctls) or "unsupported" (a syscall answered ENOSYS). */
const char *report_verdict(void);

extern struct lx_report_config lx_report;

/* Called once as the guest process ends with `status` (exit code, or 128+signal). */
void lx_report_finish(int status, int signaled);

#endif

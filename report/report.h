/* report.h — what the user asked lxrun to report, and the end-of-run reports. */
#ifndef LXRUN_REPORT_H
#define LXRUN_REPORT_H

struct lx_report_config {
    int observe;          /* anything below is on: dispatch takes the observed path */
    int summary;          /* -c */
    int summary_fd;       /* where the -c table goes (lxrun's own fd) */
    const char *json_path;/* --report=FILE.json */
};

extern struct lx_report_config lx_report;

/* Called once as the guest process ends with `status` (exit code, or 128+signal). */
void lx_report_finish(int status, int signaled);

#endif

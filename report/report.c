#include <string.h>

#include "record.h"
#include "report.h"

#include "../redox/rx.h"
#include "decode.h"
#include "session.h"
#include "trace.h"
#include "../trap/trap.h"


void summary_print(int fd);
void json_write(int fd, int status, int signaled);

void lx_report_forked_child(void)
{
    /* stores only where something changes: the record's page is otherwise the
     * parent's still, not copied (a child that forks on without an exec) */
    if (lx_report.summary) lx_report.summary = 0;
    if (lx_report.json_fd >= 0) {
        rx_close(lx_report.json_fd);
        lx_report.json_fd = -1;
    }
    if (!lx_report.observe) return;
    lx_record_reset(); /* what the parent counted is the parent's */
    memset(&lx_rewrite_stats, 0, sizeof lx_rewrite_stats);
}

void lx_report_finish(int status, int signaled)
{
    if (!lx_report.observe) return; /* nothing counted, nothing to say */
    int reporter = lx_report.summary || lx_report.json_fd >= 0;
    if (reporter) lx_session_gather();
    else lx_session_contribute();
    lx_counts_collect();
    if (lx_trace.on) {
        if (signaled && signal_name(status)) trace_event("+++ killed by %s +++", signal_name(status));
        else if (signaled) trace_event("+++ killed by signal %d +++", status);
        else trace_event("+++ exited with %d +++", status);
    }
    if (lx_report.summary) summary_print(lx_report.summary_fd);
    if (lx_report.json_fd >= 0) json_write(lx_report.json_fd, status, signaled);
}

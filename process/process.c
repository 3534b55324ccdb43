/* process.c — the guest process object: created at start, filled from the loaded image. */
#include "process.h"

#include <stdio.h>
#include <string.h>

#include "../abi/linux_sys.h"
#include "../redox/rx.h"

struct lx_process lx_proc = { .opts = LX_OPTIONS_DEFAULT };

void lx_process_start(uintptr_t brk, const char *path)
{
    lx_proc.brk_start = lx_proc.brk_cur = lx_proc.brk_mapped = brk;
    const char *base = strrchr(path, '/');
    snprintf(lx_proc.comm, sizeof lx_proc.comm, "%s", base ? base + 1 : path);
    struct rx_sysstat st;
    if (rx_sysstat(&st) == 0)
        lx_proc.start_cs = (uint64_t)st.uptime.sec * 100 + (uint64_t)st.uptime.nsec / 10000000;
}

void lx_process_image(const char *exe, uintptr_t sp, uintptr_t arg_start, uintptr_t arg_end,
                      uintptr_t env_start, uintptr_t env_end, uintptr_t auxv, uintptr_t auxv_len)
{
    snprintf(lx_proc.exe, sizeof lx_proc.exe, "%s", exe);
    lx_proc.stack_sp = sp;
    lx_proc.arg_start = arg_start;
    lx_proc.arg_end = arg_end;
    lx_proc.env_start = env_start;
    lx_proc.env_end = env_end;
    lx_proc.auxv = auxv;
    lx_proc.auxv_len = auxv_len;
}


void lx_guest_caps_init(uint64_t bounding, uint64_t inheritable)
{
    lx_proc.caps.bounding = bounding;
    lx_proc.caps.inheritable = inheritable;
    lx_proc.caps.permitted = lx_proc.caps.effective = rx_geteuid() == 0 ? bounding : 0;
    lx_proc.caps.known = 1;
}

void lx_guest_caps(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable)
{
    if (!lx_proc.caps.known) lx_guest_caps_init(LINUX_CAP_FULL, 0);
    *effective = lx_proc.caps.effective;
    *permitted = lx_proc.caps.permitted;
    *inheritable = lx_proc.caps.inheritable;
}

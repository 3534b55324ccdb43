/* out.c — the text buffer procfs renderers print into. */
#include "render.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void out_printf(struct procfs_out *o, const char *fmt, ...)
{
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) o->len += (size_t)n;
}

void out_puts(struct procfs_out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len < o->cap) {
        size_t keep = o->cap - o->len - 1 < n ? o->cap - o->len - 1 : n;
        memcpy(o->buf + o->len, s, keep);
        o->buf[o->len + keep] = 0;
    }
    o->len += n;
}

/* Linux's "%*pbl" for one contiguous run. */
void out_cpu_range(struct procfs_out *o, unsigned first, unsigned last)
{
    if (first == last) out_printf(o, "%u", first);
    else out_printf(o, "%u-%u", first, last);
}

/* Linux's "%*pb": 32-bit groups in hex, most significant first, separated by
 * commas; the first group is only as wide as nbits needs (nbits = nr_cpu_ids). */
void out_cpu_mask(struct procfs_out *o, unsigned first, unsigned last, unsigned nbits)
{
    if (nbits == 0) nbits = 1;
    unsigned groups = (nbits + 31) / 32;
    for (unsigned g = groups; g-- > 0;) {
        uint32_t word = 0;
        for (unsigned bit = 0; bit < 32; bit++) {
            unsigned cpu = g * 32 + bit;
            if (cpu >= first && cpu <= last && cpu < nbits) word |= 1u << bit;
        }
        if (g == groups - 1) {
            unsigned top_bits = nbits - g * 32;
            out_printf(o, "%0*x", (int)((top_bits + 3) / 4), word);
        } else {
            out_printf(o, ",%08x", word);
        }
    }
}

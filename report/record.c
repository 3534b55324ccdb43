#include "record.h"

#include <string.h>

struct lx_counts lx_counts[LX_NR_MAX + 1];

#define MAX_NOTES 256
static struct { long nr; const char *what; uint64_t count; } notes[MAX_NOTES];
static int nnotes;
static uint64_t unknown_calls;

void lx_record_unknown(long nr)
{
    (void)nr;
    __atomic_fetch_add(&unknown_calls, 1, __ATOMIC_RELAXED);
}

/* `what` must be a string literal or otherwise live for the whole run. */
void lx_record_partial(long nr, const char *what)
{
    for (int i = 0; i < nnotes; i++)
        if (notes[i].nr == nr && strcmp(notes[i].what, what) == 0) { notes[i].count++; return; }
    if (nnotes < MAX_NOTES) notes[nnotes++] = (typeof(notes[0])){ nr, what, 1 };
}

#define MAX_IOCTLS 64
static struct { unsigned req; uint64_t count; } ioctls[MAX_IOCTLS];
static int nioctls;

void lx_record_ioctl(unsigned req)
{
    for (int i = 0; i < nioctls; i++)
        if (ioctls[i].req == req) { ioctls[i].count++; return; }
    if (nioctls < MAX_IOCTLS) ioctls[nioctls++] = (typeof(ioctls[0])){ req, 1 };
}

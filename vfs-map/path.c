/* path.c — lexical operations on guest paths: prefix tests, normalisation. */
#include "vfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../process/fs.h"
#include "../redox/rx.h"
#include "vfs_internal.h"

int vfs_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* "/a//b/./c/../d" → "/a/b/d".  Lexical: used only to decide whether a path
 * lands in an emulated tree (/proc, /sys, /dev are plain directories, so ".."
 * out of them is lexical); other paths go to the scheme as written, which
 * resolves symlinks and ".." itself. */
void vfs_normalise(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    out[n++] = '/';
    while (*p) {
        while (*p == '/') p++;
        const char *e = p;
        while (*e && *e != '/') e++;
        size_t len = (size_t)(e - p);
        if (len == 0) break;
        if (len == 1 && p[0] == '.') {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 1 && out[n - 1] != '/') n--;
            if (n > 1) n--;
        } else if (n + len + 2 < cap) {
            if (n > 1) out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        p = e;
    }
    out[n] = 0;
}

/* Whether the '.' at q begins a ".." component of p. */
static int dotdot_at(const char *p, const char *q)
{
    return q[1] == '.' && (q == p || q[-1] == '/') && (!q[2] || q[2] == '/');
}

/* Whether p has a ".." component: eight bytes a round, looking only at the bytes
 * of a word flagged as a '.' or the NUL (every path call asks: a walk per
 * component took 171 instructions for a 20-byte path).  The flags ((x - 0x01..) &
 * ~x & 0x80.., of w and of w ^ '.'s) miss no such byte; one may be false above a
 * true one, and is looked at for nothing.  Aligned words never reach a page the
 * string does not, as libc's strlen reads; the first word's bytes before p count
 * as 0xff. */
static int has_dotdot(const char *p)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull, dots = ones * '.';
    unsigned skip = (unsigned)((uintptr_t)p & 7);
    const char *q = p - skip;
    uint64_t before = skip ? ~0ull >> (64 - 8 * skip) : 0;
    for (;; q += 8, before = 0) {
        uint64_t w, d;
        __builtin_memcpy(&w, q, 8);
        w |= before;
        d = w ^ dots;
        for (uint64_t m = (((w - ones) & ~w) | ((d - ones) & ~d)) & highs; m; m &= m - 1) {
            const char *c = q + (__builtin_ctzll(m) >> 3);
            if (!*c) return 0;
            if (*c == '.' && dotdot_at(p, c)) return 1;
        }
    }
}

/* Whether a path has a ".." component, or a component named like an emulated tree. */
int vfs_has_component(const char *p, int emulated)
{
    if (!emulated) return has_dotdot(p);
    for (;;) {
        while (*p == '/') p++;
        if (!*p) return 0;
        size_t n = 0;
        while (p[n] && p[n] != '/') n++; /* not strcspn: glibc's generic one reads TLS (the fast path) */
        if (!emulated && n == 2 && p[0] == '.' && p[1] == '.') return 1;
        if (emulated && ((n == 4 && !strncmp(p, "proc", 4)) || (n == 3 && (!strncmp(p, "sys", 3) || !strncmp(p, "dev", 3)))))
            return 1;
        p += n;
    }
}

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

/* Whether a path has a ".." component, or a component named like an emulated tree. */
int vfs_has_component(const char *p, int emulated)
{
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

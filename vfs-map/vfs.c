/* vfs.c — the mount table is the built-in defaults for now: "/" is "file:/",
 * the /dev nodes Redox has as schemes become those schemes. */
#include "vfs.h"

#include <errno.h>
#include <string.h>

#include "../redox/rx.h"
#include "../report/record.h"

static const struct { const char *guest, *url; } dev_schemes[] = {
    { "/dev/null", "null:" },
    { "/dev/zero", "zero:" },
    { "/dev/urandom", "rand:" },
    { "/dev/random", "rand:" },
};

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

int vfs_resolve(int dirfd, const char *p, struct vfs_target *out)
{
    out->dirfd = dirfd;
    if (p[0] != '/') {
        out->path = p;
        return 0;
    }
    out->dirfd = RX_AT_CWD;
    for (size_t i = 0; i < sizeof dev_schemes / sizeof dev_schemes[0]; i++)
        if (strcmp(p, dev_schemes[i].guest) == 0) {
            lx_record_path(p, 1);
            out->path = dev_schemes[i].url;
            return 0;
        }
    /* The host's /proc, /sys and /dev are never handed to the guest. */
    if (under(p, "/proc") || under(p, "/sys") || under(p, "/dev")) {
        lx_record_path(p, 0);
        return -ENOENT;
    }
    size_t n = strlen(p);
    if (n + 6 > sizeof out->buf) return -ENAMETOOLONG;
    memcpy(out->buf, "file:", 5);
    memcpy(out->buf + 5, p, n + 1);
    out->path = out->buf;
    return 0;
}

int vfs_guest_path(const char *url, char *out, unsigned long cap)
{
    if (strncmp(url, "file:", 5) != 0) return -ENOENT;
    size_t n = strlen(url + 5);
    if (n + 1 > cap) return -ERANGE;
    memcpy(out, url + 5, n + 1);
    return (int)n;
}

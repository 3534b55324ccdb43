/* socket_addr.c — guest socket addresses <-> rx.h's (see socket_addr.h). */
#include "socket_addr.h"

#include <stdlib.h>

#include "../abi/linux_socket.h"
#include "handler.h"

/* A guest unix path as the backend names it: the parent directory vfs-map
 * resolves (beneath the root when confined) joined with the last component, or
 * the path as the guest wrote it where the namespace is the host's or the name
 * is in the cwd (the backend's cwd is the guest's). */
static long unix_path_to_rx(long nr, const char *guest, struct rx_sockaddr *out)
{
    struct vfs_target *t = malloc(sizeof *t);
    char *dir = malloc(PATH_MAX + 16);
    long r = t && dir ? vfs_resolve(RX_AT_CWD, guest, t) : -ENOMEM;
    if (r == 0 && t->node) r = -ENOENT; /* no sockets live in /proc or /sys */
    if (r == 0) r = vfs_parent(t);
    if (r == 0) {
        const char *p = t->path;
        int n;
        if (!strchr(guest, '/')) { /* in the cwd, which the backend's is: kept relative, as Linux names it */
            n = snprintf(out->text, sizeof out->text, "%s", guest);
        } else if (strncmp(p, "file:", 5) == 0) {
            n = snprintf(out->text, sizeof out->text, "%s", p + 5);
        } else if (t->dirfd == RX_AT_CWD) {
            n = snprintf(out->text, sizeof out->text, "%s", p);
        } else {
            long d = rx_fpath(t->dirfd, dir, PATH_MAX + 16);
            if (strncmp(p, "./", 2) == 0) p += 2;
            n = d < 0 ? (int)d : strncmp(dir, "file:", 5) ? -ENOENT
                               : snprintf(out->text, sizeof out->text, "%s/%s", strcmp(dir + 5, "/") ? dir + 5 : "", p);
        }
        vfs_release(t);
        if (n < 0) r = n;
        else if ((size_t)n > LINUX_SOCKADDR_UN_PATH) {
            lx_record_partial(nr, "socket paths whose host form exceeds sun_path (108 bytes)");
            r = -ENAMETOOLONG;
        } else {
            out->len = (unsigned)n;
        }
    }
    free(t);
    free(dir);
    return r;
}

long lx_sockaddr_in(long nr, uint64_t ptr, uint64_t len, struct rx_sockaddr *out)
{
    unsigned char sa[LINUX_SOCKADDR_MAX];
    if ((int64_t)len < 0 || len > LINUX_SOCKADDR_MAX) return -EINVAL;
    if (len < 2) return -EINVAL;
    if (gm_copy_in(sa, ptr, len) < 0) return -EFAULT;
    memset(out, 0, sizeof *out);
    unsigned family = (unsigned)(sa[0] | sa[1] << 8);
    if (family == LINUX_AF_UNSPEC) {
        out->family = RX_X_AF_UNSPEC;
        return 0;
    }
    if (family != LINUX_AF_UNIX) return abi_inet_addr_to_rx(sa, (unsigned)len, out);
    char name[LINUX_SOCKADDR_UN_PATH + 1];
    int abstract;
    long n = abi_unix_name(sa, (unsigned)len, name, &abstract);
    if (n < 0) return n;
    out->family = RX_AF_UNIX;
    if (abstract) {
        out->text[0] = 0;
        memcpy(out->text + 1, name, (size_t)n);
        out->len = (unsigned)n + 1;
        return 0;
    }
    if (n == 0) return -EINVAL; /* bind/connect to "" */
    return unix_path_to_rx(nr, name, out);
}

/* The guest's view of a backend unix name: a host path inside the namespace as
 * its guest path, anything else as it is. */
static unsigned unix_name_from_rx(const struct rx_sockaddr *a, char *name, int *abstract)
{
    *abstract = a->len > 0 && a->text[0] == 0;
    if (*abstract) {
        memcpy(name, a->text + 1, a->len - 1);
        return a->len - 1;
    }
    char url[RX_SOCKADDR_MAX + 8], guest[PATH_MAX];
    snprintf(url, sizeof url, "file:%.*s", (int)a->len, a->text);
    if (a->len && a->text[0] == '/' && vfs_guest_path(url, guest, sizeof guest) >= 0 &&
        strlen(guest) <= LINUX_SOCKADDR_UN_PATH) {
        memcpy(name, guest, strlen(guest));
        return (unsigned)strlen(guest);
    }
    memcpy(name, a->text, a->len);
    return a->len;
}

long lx_sockaddr_out_len(const struct rx_sockaddr *a, uint64_t ptr, uint32_t *len, enum lx_sockaddr_use use)
{
    unsigned char sa[LINUX_SOCKADDR_MAX];
    long n;
    if (a->family == RX_X_AF_UNSPEC || (use == LX_SOCKADDR_SOURCE && a->family == RX_AF_UNIX && !a->len)) {
        n = 0;
    } else if (a->family == RX_AF_UNIX) {
        char name[RX_SOCKADDR_MAX + PATH_MAX];
        int abstract;
        unsigned l = unix_name_from_rx(a, name, &abstract);
        n = abi_unix_addr(name, l, abstract, sa);
    } else {
        n = abi_inet_addr_from_rx(a, sa);
        if (n < 0) return n;
    }
    uint32_t room = *len;
    if ((int32_t)room < 0) return -EINVAL;
    if (ptr && n && gm_copy_out(ptr, sa, (size_t)n < room ? (size_t)n : room) < 0) return -EFAULT;
    *len = (uint32_t)n;
    return 0;
}

long lx_sockaddr_out(const struct rx_sockaddr *a, uint64_t ptr, uint64_t lenp, enum lx_sockaddr_use use)
{
    if (!ptr) return 0;
    uint32_t len;
    if (gm_copy_in(&len, lenp, sizeof len) < 0) return -EFAULT;
    long r = lx_sockaddr_out_len(a, ptr, &len, use);
    if (r < 0) return r;
    return gm_copy_out(lenp, &len, sizeof len) < 0 ? -EFAULT : 0;
}

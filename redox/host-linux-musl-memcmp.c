/* host-linux-musl-memcmp.c — memcmp for lxrun linked with musl.  musl's compares
 * a byte at a time, and lxrun compares whole blocks on its hot paths: a vfork
 * window's exec request against the last one (written only where it differs:
 * each page left unwritten is a fault spared), the child's dispositions table
 * (65 entries of 32 bytes) at each exec.  It was lxrun's busiest function in sh's
 * loop of /bin/true (1.25% of the loop's CPU, ~4 us an iteration).  Eight bytes
 * at a time until they differ, then the bytes there.  TLS-free, as the trap's
 * paths that call it on the guest's FS need (no stack protector's canary). */
#include <stdint.h>
#include <string.h>

__attribute__((no_stack_protector)) int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n >= 8; p += 8, q += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, q, 8);
        if (x != y) break;
    }
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

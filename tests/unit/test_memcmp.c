/* test_memcmp.c — redox/host-linux-musl-memcmp.c (linked into the musl build
 * only) against the host libc's memcmp: the same sign for every length up to 40,
 * every position of a first difference, each byte order, and unaligned starts. */
#include <criterion/criterion.h>
#include <string.h>

#define memcmp lx_musl_memcmp
#include "../../redox/host-linux-musl-memcmp.c"
#undef memcmp

static int sign(int v) { return (v > 0) - (v < 0); }

Test(memcmp, agrees_with_the_host_libc)
{
    unsigned char a[64], b[64];
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n <= 40; n++) {
            for (size_t i = 0; i < sizeof a; i++) a[i] = b[i] = (unsigned char)(i * 37 + 11);
            cr_assert_eq(lx_musl_memcmp(a + off, b + off, n), 0, "equal, n %zu off %zu", n, off);
            for (size_t at = 0; at < n; at++)
                for (int high = 0; high < 2; high++) {
                    memcpy(b, a, sizeof a);
                    b[off + at] = high ? 0xff : 0x00; /* above and below a's byte (never 0 or 0xff there) */
                    if (b[off + at] == a[off + at]) continue;
                    if (at + 1 < n) b[off + at + 1] ^= 0x55; /* a later byte differs too */
                    b[off + n] ^= 0x55;                     /* and one past the end, not compared */
                    int want = sign(memcmp(a + off, b + off, n)), got = sign(lx_musl_memcmp(a + off, b + off, n));
                    cr_assert_eq(got, want, "n %zu off %zu first difference at %zu: %d, libc %d", n, off, at, got, want);
                }
        }
}

/* host-linux-musl.c — lxrun linked with musl: the glibc symbols that Debian's
 * libelf.a and libz.a (compiled against glibc) reference and musl does not
 * define.  Each does what glibc's does for those callers. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void *rawmemchr(const void *s, int c) { return memchr(s, c, SIZE_MAX - (uintptr_t)s); }

/* glibc's character class table (bits as <ctype.h>'s _ISbit lays them out on a
 * little-endian machine), for the C locale: what libelf's inlined isprint() reads. */
const unsigned short **__ctype_b_loc(void)
{
    static unsigned short table[384];
    static const unsigned short *at;
    if (!at) {
        int (*const is[12])(int) = { isupper, islower, isalpha, isdigit, isxdigit, isspace,
                                     isprint, isgraph, isblank, iscntrl, ispunct, isalnum };
        for (int c = 0; c < 128; c++)
            for (int bit = 0; bit < 12; bit++)
                if (is[bit](c)) table[128 + c] |= (unsigned short)(bit < 8 ? (1 << bit) << 8 : (1 << bit) >> 8);
        __atomic_store_n(&at, table + 128, __ATOMIC_RELEASE);
    }
    return &at;
}

/* _FORTIFY_SOURCE's checked forms, as zlib's gz_error calls them: on a malloc'd
 * buffer, whose size (slen) fortify does not know, so there is no check to keep. */
int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap)
{
    (void)flag;
    (void)slen;
    return vsnprintf(s, n, fmt, ap);
}

int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __vsnprintf_chk(s, n, flag, slen, fmt, ap);
    va_end(ap);
    return r;
}

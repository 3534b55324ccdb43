/* gzip.c — a file lxrun serves compressed (/proc/config.gz), in the gzip format
 * through zlib (already linked for libelf): a data format, not an OS interface. */
#include "procfs.h"

#include <zlib.h>

long procfs_gzip(const void *in, size_t len, void *out, size_t cap)
{
    z_stream z = { 0 };
    /* windowBits 15 + 16: a gzip header and trailer around the deflate stream */
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    long n = r == Z_STREAM_END ? (long)z.total_out : -1;
    deflateEnd(&z);
    return n;
}

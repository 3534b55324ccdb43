/* The whole rest of the line after the interpreter is one argument, with
 * surrounding blanks removed, as Linux does. */
#include "shebang.h"

#include <string.h>

static int blank(char c) { return c == ' ' || c == '\t'; }

int shebang_parse(const char *head, unsigned long len, struct shebang *sb)
{
    if (len < 2 || head[0] != '#' || head[1] != '!') return 0;
    unsigned long end = 2;
    while (end < len && end < SHEBANG_MAX && head[end] != '\n') end++;
    unsigned long i = 2;
    while (i < end && blank(head[i])) i++;
    unsigned long s = i;
    while (i < end && !blank(head[i]) && head[i] != 0) i++;
    if (i == s) return -1;
    /* No newline in a full buffer and no blank after the name: the interpreter
     * path is cut, and Linux refuses to run a truncated one (ENOEXEC). */
    if (i == end && end == SHEBANG_MAX) return -1;
    memcpy(sb->interp, head + s, i - s);
    sb->interp[i - s] = 0;
    while (i < end && blank(head[i])) i++;
    /* The line is a C string to Linux: a NUL ends it; only blanks are trimmed,
     * so a DOS line's '\r' stays part of the argument, as the kernel passes it. */
    unsigned long e = i;
    while (e < end && head[e] != 0) e++;
    while (e > i && blank(head[e - 1])) e--;
    sb->has_arg = e > i;
    memcpy(sb->arg, head + i, e - i);
    sb->arg[e - i] = 0;
    return 1;
}

/* test_shebang.c — loader/shebang.c reads "#!" lines as Linux's binfmt_script:
 * one interpreter, and the rest of the line as at most one argument. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../loader/shebang.h"

static struct shebang sb;

static int parse(const char *s) { return shebang_parse(s, strlen(s), &sb); }

Test(shebang, interpreter_only)
{
    cr_assert_eq(parse("#!/bin/sh\necho hi\n"), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
    cr_assert_eq(sb.has_arg, 0);
    cr_assert_str_eq(sb.arg, "");
}

Test(shebang, interpreter_without_newline)
{
    cr_assert_eq(parse("#!/bin/sh"), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
    cr_assert_eq(sb.has_arg, 0);
}

Test(shebang, leading_and_trailing_blanks)
{
    cr_assert_eq(parse("#!  /bin/sh  \n"), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
    cr_assert_eq(sb.has_arg, 0);
}

Test(shebang, with_argument)
{
    cr_assert_eq(parse("#!/bin/sh -e\nfalse\n"), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
    cr_assert_eq(sb.has_arg, 1);
    cr_assert_str_eq(sb.arg, "-e");
}

/* Linux passes everything after the interpreter as a single argument. */
Test(shebang, argument_with_spaces_is_one_argument)
{
    cr_assert_eq(parse("#!/usr/bin/env  python3 -u -O  \n"), 1);
    cr_assert_str_eq(sb.interp, "/usr/bin/env");
    cr_assert_eq(sb.has_arg, 1);
    cr_assert_str_eq(sb.arg, "python3 -u -O");
}

Test(shebang, tabs_separate_like_spaces)
{
    cr_assert_eq(parse("#!\t/bin/awk\t-f\t\n"), 1);
    cr_assert_str_eq(sb.interp, "/bin/awk");
    cr_assert_eq(sb.has_arg, 1);
    cr_assert_str_eq(sb.arg, "-f");
}

/* Linux keeps a CR in the interpreter name ("bad interpreter: /bin/sh^M");
 * lxrun does the same there, and keeps a CR ending the argument (Linux trims blanks only). */
Test(shebang, crlf_line)
{
    cr_assert_eq(parse("#!/bin/sh\r\necho hi\r\n"), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh\r");
    cr_assert_eq(sb.has_arg, 0);
    cr_assert_eq(parse("#!/bin/sh -e\r\n"), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
    cr_assert_str_eq(sb.arg, "-e\r");
}

Test(shebang, no_interpreter)
{
    cr_assert_eq(parse("#!\n"), -1);
    cr_assert_eq(parse("#!"), -1);
    cr_assert_eq(parse("#!   \t  \necho\n"), -1);
}

Test(shebang, not_a_script)
{
    cr_assert_eq(parse("\x7f" "ELF\2\1\1"), 0);
    cr_assert_eq(parse("echo hi\n"), 0);
    cr_assert_eq(parse("# !/bin/sh\n"), 0);
    cr_assert_eq(parse("#"), 0);
    cr_assert_eq(parse(""), 0);
    cr_assert_eq(shebang_parse("#!/bin/sh", 1, &sb), 0, "only the first byte was read");
}

/* Only the first SHEBANG_MAX bytes count: a long argument is cut (the
 * interpreter can re-read the script), and everything fits the buffers. */
Test(shebang, long_argument_truncated)
{
    char line[600];
    memset(line, 'a', sizeof line);
    memcpy(line, "#!/bin/sh ", 10);
    line[sizeof line - 1] = '\n';
    cr_assert_eq(shebang_parse(line, sizeof line, &sb), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
    cr_assert_eq(sb.has_arg, 1);
    size_t n = strlen(sb.arg);
    cr_assert(n > 200 && n < SHEBANG_MAX, "argument of %zu bytes", n);
    cr_assert_eq(strspn(sb.arg, "a"), n);
}

/* An interpreter path cut by the buffer is never run (Linux: ENOEXEC). */
Test(shebang, interpreter_longer_than_buffer)
{
    char line[600];
    memset(line, 'b', sizeof line);
    memcpy(line, "#!/", 3);
    line[sizeof line - 1] = '\n';
    cr_assert_eq(shebang_parse(line, sizeof line, &sb), -1);
}

/* The interpreter ends inside the buffer and the cut argument follows: fine. */
Test(shebang, interpreter_fits_argument_cut)
{
    char line[600];
    memset(line, 'c', sizeof line);
    memcpy(line, "#!/bin/sh ", 10);
    cr_assert_eq(shebang_parse(line, sizeof line, &sb), 1);
    cr_assert_str_eq(sb.interp, "/bin/sh");
}

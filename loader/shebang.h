/* shebang.h — "#!interpreter [arg]" as the kernel's binfmt_script reads it. */
#ifndef LXRUN_SHEBANG_H
#define LXRUN_SHEBANG_H

#define SHEBANG_MAX 256 /* the kernel's BINPRM_BUF_SIZE */

struct shebang {
    char interp[SHEBANG_MAX];
    char arg[SHEBANG_MAX];
    int has_arg;
};

/* 1 and fills sb if head (len bytes) is a valid "#!" line; 0 if it is not a
 * script; -1 if it is one but the line is malformed (no interpreter, or one
 * cut short by the SHEBANG_MAX buffer). */
int shebang_parse(const char *head, unsigned long len, struct shebang *sb);

#endif

/* stack.c — from the top: an 8-byte end marker, execfn, envp and argv strings,
 * the platform string, 16 random bytes, then (16-aligned) argc, argv[], NULL,
 * envp[], NULL, auxv pairs, AT_NULL — the order of fs/exec.c and
 * fs/binfmt_elf.c:create_elf_tables(). */
#include "stack.h"

#include <elf.h>
#include <string.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

struct cursor { uintptr_t lo, p; int ok; };

static uintptr_t push_bytes(struct cursor *c, const void *src, size_t n)
{
    if (!c->ok || c->p - c->lo < n) { c->ok = 0; return 0; }
    c->p -= n;
    memcpy((void *)c->p, src, n);
    return c->p;
}

static uintptr_t push_str(struct cursor *c, const char *s) { return push_bytes(c, s, strlen(s) + 1); }

uintptr_t stack_build(uintptr_t lo, uintptr_t top, const struct stack_spec *s)
{
    struct cursor c = { lo, top & ~7UL, 1 };
    uint64_t zero = 0;
    push_bytes(&c, &zero, sizeof zero);
    uintptr_t execfn = push_str(&c, s->execfn);
    uintptr_t envs[s->envc > 0 ? s->envc : 1], args[s->argc > 0 ? s->argc : 1];
    for (int i = s->envc - 1; i >= 0; i--) envs[i] = push_str(&c, s->envp[i]);
    for (int i = s->argc - 1; i >= 0; i--) args[i] = push_str(&c, s->argv[i]);
    uintptr_t platform = push_str(&c, "x86_64");
    uintptr_t random = push_bytes(&c, s->random, 16);
    if (!c.ok) return 0;

    uint64_t aux[][2] = {
        { AT_MINSIGSTKSZ, s->minsigstksz }, { AT_HWCAP, s->hwcap }, { AT_PAGESZ, 4096 },
        { AT_CLKTCK, s->clktck },           { AT_PHDR, s->phdr },   { AT_PHENT, s->phent },
        { AT_PHNUM, s->phnum },             { AT_BASE, s->base },   { AT_FLAGS, 0 },
        { AT_ENTRY, s->entry },             { AT_UID, s->uid },     { AT_EUID, s->euid },
        { AT_GID, s->gid },                 { AT_EGID, s->egid },   { AT_SECURE, s->secure },
        { AT_RANDOM, random },              { AT_HWCAP2, s->hwcap2 }, { AT_EXECFN, execfn },
        { AT_PLATFORM, platform },          { s->sysinfo_ehdr ? AT_SYSINFO_EHDR : AT_IGNORE, s->sysinfo_ehdr },
        { AT_NULL, 0 },
    };
    size_t words = 1 + (size_t)s->argc + 1 + (size_t)s->envc + 1 + 2 * (sizeof aux / sizeof aux[0]);
    uintptr_t sp = (c.p - words * 8) & ~15UL;
    if (sp < lo || sp > c.p) return 0;
    uint64_t *w = (uint64_t *)sp;
    *w++ = (uint64_t)s->argc;
    for (int i = 0; i < s->argc; i++) *w++ = args[i];
    *w++ = 0;
    for (int i = 0; i < s->envc; i++) *w++ = envs[i];
    *w++ = 0;
    memcpy(w, aux, sizeof aux);
    if (s->layout) {
        /* Strings were pushed downwards: argv[0] lowest, the last env string
         * ends where execfn begins. */
        struct stack_layout *l = s->layout;
        l->sp = sp;
        l->env_end = execfn;
        l->env_start = s->envc > 0 ? envs[0] : execfn;
        l->arg_end = l->env_start;
        l->arg_start = s->argc > 0 ? args[0] : l->arg_end;
        l->auxv = (uintptr_t)w;
        l->auxv_len = sizeof aux;
    }
    return sp;
}

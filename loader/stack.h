/* stack.h — the initial process stack, laid out as Linux's exec lays it out. */
#ifndef LXRUN_STACK_H
#define LXRUN_STACK_H

#include <stddef.h>
#include <stdint.h>

struct stack_spec {
    int argc;
    char *const *argv;
    int envc;
    char *const *envp;
    const char *execfn;         /* AT_EXECFN: the path as exec was given it */
    unsigned char random[16];   /* AT_RANDOM bytes */
    uint64_t phdr, phent, phnum, base, entry;
    uint64_t uid, euid, gid, egid, secure;
    uint64_t hwcap, hwcap2, minsigstksz, clktck;
};

/* Writes strings, vectors and auxv into the memory [lo, top) and returns the
 * initial stack pointer (pointing at argc, 16-byte aligned), or 0 if they do not
 * fit.  The memory is addressed directly: the guest shares lxrun's address space. */
uintptr_t stack_build(uintptr_t lo, uintptr_t top, const struct stack_spec *s);

#endif

/* stack.h — the initial process stack, laid out as Linux's exec lays it out. */
#ifndef LXRUN_STACK_H
#define LXRUN_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Where stack_build put things, for /proc/self: the argv and envp string areas
 * (Linux's arg_start..arg_end, env_start..env_end) and the auxv words. */
struct stack_layout {
    uintptr_t sp, arg_start, arg_end, env_start, env_end, auxv, auxv_len;
};

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
    uint64_t sysinfo_ehdr;  /* the vDSO offered to the guest, or 0: no AT_SYSINFO_EHDR */
    struct stack_layout *layout; /* filled when not NULL */
};

/* Writes strings, vectors and auxv into the memory [lo, top) and returns the
 * initial stack pointer (pointing at argc, 16-byte aligned), or 0 if they do not
 * fit.  The memory is addressed directly: the guest shares lxrun's address space. */
uintptr_t stack_build(uintptr_t lo, uintptr_t top, const struct stack_spec *s);

#endif

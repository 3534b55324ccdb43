/* unit.insn_len: trap/insn_len.c's lengths against objdump's over real code.
 * cpuid_sites.c proves an instruction boundary by decoding a function from its
 * start: every length it gives must be the true one.  Each instruction objdump
 * decodes in ld.so and libc is decoded here from the same bytes (the text as
 * objdump's byte columns give it, so what follows is real code too); the decoder
 * may answer 0 (it does not know the encoding), never a wrong length. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../trap/insn_len.h"

struct insn { size_t off, len; };

/* The instructions of file's .text as objdump sees them: their bytes, laid end
 * to end, and each one's offset and length.  "(bad)" ones are left out. */
static size_t disassemble(const char *file, uint8_t **bytes, struct insn **insns)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "objdump -d -j .text --insn-width=16 %s 2>/dev/null", file);
    FILE *f = popen(cmd, "r");
    cr_assert(f, "objdump");
    size_t cap = 1 << 22, n = 0, ni = 0, icap = 1 << 20;
    *bytes = malloc(cap);
    *insns = malloc(icap * sizeof **insns);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* "   1f2a0:\tf3 0f 1e fa          \tendbr64" */
        char *tab1 = strchr(line, '\t');
        if (!tab1 || tab1 == line || tab1[-1] != ':') continue;
        char *tab2 = strchr(tab1 + 1, '\t');
        if (!tab2 || strstr(tab2, "(bad)")) continue;
        size_t start = n;
        *tab2 = 0; /* the byte columns only: a mnemonic can read as hex ("call") */
        for (char *p = tab1 + 1; *p;) {
            char *end;
            unsigned long b = strtoul(p, &end, 16);
            if (end == p) break;
            if (n < cap) (*bytes)[n++] = (uint8_t)b;
            p = end;
        }
        if (n > start && ni < icap) (*insns)[ni++] = (struct insn){ start, n - start };
    }
    pclose(f);
    return ni;
}

static void agrees_with_objdump(const char *file, double min_known)
{
    uint8_t *bytes;
    struct insn *insns;
    size_t ni = disassemble(file, &bytes, &insns), known = 0, wrong = 0;
    cr_assert(ni > 1000, "%s: objdump listed %zu instructions", file, ni);
    size_t total = insns[ni - 1].off + insns[ni - 1].len;
    for (size_t i = 0; i < ni; i++) {
        enum lx_insn_kind kind;
        size_t len = lx_insn_len(bytes + insns[i].off, total - insns[i].off, &kind);
        if (!len) continue;
        /* objdump shows fwait and the x87 instruction after it as one (fstcw) */
        if (len == 1 && bytes[insns[i].off] == 0x9b) len = insns[i].len;
        known++;
        if (len != insns[i].len && wrong++ < 10) {
            char hex[64] = "";
            for (size_t k = 0; k < insns[i].len && k < 15; k++) sprintf(hex + 3 * k, "%02x ", bytes[insns[i].off + k]);
            cr_log_error("%s: %s: length %zu, objdump %zu", file, hex, len, insns[i].len);
        }
    }
    cr_expect_eq(wrong, 0, "%s: %zu of %zu instructions given a wrong length", file, wrong, ni);
    /* most of ordinary code is decoded: the proof needs it, and a decoder that
     * answered 0 everywhere would pass the check above */
    cr_log_info("%s: %zu of %zu decoded", file, known, ni);
    cr_expect(known >= min_known * (double)ni, "%s: %zu of %zu decoded", file, known, ni);
    free(bytes);
    free(insns);
}

Test(insn_len, ld_so_lengths_are_objdumps)
{
    agrees_with_objdump("/lib64/ld-linux-x86-64.so.2", 0.99);
}

Test(insn_len, libc_lengths_are_objdumps)
{
    agrees_with_objdump("/lib/x86_64-linux-gnu/libc.so.6", 0.95);
}

Test(insn_len, python_lengths_are_objdumps)
{
    agrees_with_objdump("/usr/bin/python3", 0.99);
}

Test(insn_len, compiled_programs_lengths_are_objdumps)
{
    /* C and C++ as Debian compiles them, x87 included (libm) */
    agrees_with_objdump("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", 0.99);
    agrees_with_objdump("/usr/lib/x86_64-linux-gnu/libm.so.6", 0.90);
    agrees_with_objdump("/usr/bin/perl", 0.99);
}

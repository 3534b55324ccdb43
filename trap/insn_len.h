/* insn_len.h — how long an x86-64 instruction is, for the rewriter's look at the
 * code after a call site (trap/rewrite.c).  Not a disassembler: lengths, and the
 * few kinds the rewriter asks about. */
#ifndef LXRUN_INSN_LEN_H
#define LXRUN_INSN_LEN_H

#include <stddef.h>
#include <stdint.h>

enum lx_insn_kind {
    LX_INSN_OTHER,
    LX_INSN_NOP,    /* 90, 66 90, 0f 1f /0 with any prefixes, or int3: alignment padding */
    LX_INSN_JUMP,   /* control never falls through: ret, jmp, ud2, hlt */
};

/* The length of the instruction at p (at most avail bytes readable), and its kind;
 * 0 when lxrun does not know the encoding (VEX, EVEX, invalid). */
size_t lx_insn_len(const uint8_t *p, size_t avail, enum lx_insn_kind *kind);

#endif

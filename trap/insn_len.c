/* insn_len.c — x86-64 instruction lengths from the opcode maps (Intel SDM vol. 2,
 * appendix A): prefixes, REX, one- and two-byte opcodes, ModRM/SIB/displacement,
 * immediates.  VEX, EVEX, XOP, 3DNow! and encodings compilers do not write answer
 * 0: the rewriter then stops looking, and cpuid_sites.c's proof fails.
 * unit.insn_len holds it to objdump over ld.so and libc. */
#include "insn_len.h"

/* ModRM present, one-byte map: bit per opcode. */
static int modrm1(uint8_t op)
{
    if (op < 0x40) return (op & 7) < 4;
    if (op == 0x62 || op == 0x63 || op == 0x69 || op == 0x6b) return 1;
    if (op >= 0x80 && op <= 0x8f) return 1;
    if (op == 0xc0 || op == 0xc1 || op == 0xc6 || op == 0xc7) return 1;
    if (op >= 0xd0 && op <= 0xd3) return 1;
    if (op >= 0xd8 && op <= 0xdf) return 1;
    if (op == 0xf6 || op == 0xf7 || op == 0xfe || op == 0xff) return 1;
    return 0;
}

/* Immediate bytes, one-byte map (z: 4, or 2 with an operand-size prefix). */
static int imm1(uint8_t op, int z, int rexw, uint8_t reg)
{
    if (op < 0x40) return (op & 7) == 4 ? 1 : (op & 7) == 5 ? z : 0;
    switch (op) {
    case 0x68: case 0x69: case 0x81: case 0xc7: case 0xe8: case 0xe9: case 0xa9: return z;
    case 0x6a: case 0x6b: case 0x80: case 0x83: case 0xc0: case 0xc1: case 0xc6: case 0xa8:
    case 0xcd: case 0xeb: case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe4: case 0xe5:
    case 0xe6: case 0xe7: return 1;
    case 0xc2: case 0xca: return 2;
    case 0xc8: return 3;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3: return 8;
    case 0xf6: return reg < 2 ? 1 : 0;
    case 0xf7: return reg < 2 ? z : 0;
    }
    if (op >= 0x70 && op <= 0x7f) return 1;
    if (op >= 0xb0 && op <= 0xb7) return 1;
    if (op >= 0xb8 && op <= 0xbf) return rexw ? 8 : z;
    return 0;
}

static int invalid1(uint8_t op)
{
    return op == 0x06 || op == 0x07 || op == 0x0e || op == 0x16 || op == 0x17 || op == 0x1e || op == 0x1f ||
           op == 0x27 || op == 0x2f || op == 0x37 || op == 0x3f || op == 0x60 || op == 0x61 || op == 0x62 ||
           op == 0x82 || op == 0x9a || op == 0xc4 || op == 0xc5 || op == 0xce || op == 0xd4 || op == 0xd5 ||
           op == 0xd6 || op == 0xea;
}

/* Two-byte map (0f xx): ModRM present. */
static int modrm2(uint8_t op)
{
    if (op <= 0x03 || op == 0x0d) return 1;
    if (op >= 0x10 && op <= 0x2f) return 1;
    if (op >= 0x40 && op <= 0x7f) return op != 0x77;
    if (op >= 0x90 && op <= 0x9f) return 1;
    if (op == 0xa3 || op == 0xa4 || op == 0xa5 || op == 0xab || op == 0xac || op == 0xad || op == 0xae || op == 0xaf)
        return 1;
    if (op >= 0xb0 && op <= 0xc7) return 1;
    if (op >= 0xd0) return op != 0xff;
    return 0;
}

static int imm2(uint8_t op, int z)
{
    if (op >= 0x80 && op <= 0x8f) return z == 4 ? 4 : -1; /* jcc rel32 (rel16 with 66 on AMD only) */
    if ((op >= 0x70 && op <= 0x73) || op == 0xa4 || op == 0xac || op == 0xba || op == 0xc2 || (op >= 0xc4 && op <= 0xc6))
        return 1;
    return 0;
}

/* ModRM, SIB and displacement bytes from p (the ModRM byte). */
static size_t modrm_len(const uint8_t *p, size_t avail)
{
    if (!avail) return 0;
    uint8_t mod = p[0] >> 6, rm = p[0] & 7;
    size_t n = 1;
    if (mod == 3) return 1;
    if (rm == 4) {
        if (avail < 2) return 0;
        n++;
        if (mod == 0 && (p[1] & 7) == 5) return n + 4;
    } else if (mod == 0 && rm == 5) {
        return n + 4; /* rip-relative */
    }
    return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

size_t lx_insn_len(const uint8_t *p, size_t avail, enum lx_insn_kind *kind)
{
    size_t i = 0;
    int opsize = 0, rexw = 0, rex = 0;
    *kind = LX_INSN_OTHER;
    for (; i < avail && i < 14; i++) {
        uint8_t b = p[i];
        if (b == 0x66) opsize = 1;
        else if (b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e ||
                 b == 0x26 || b == 0x64 || b == 0x65)
            ;
        else break;
    }
    int addrsize = 0, repne = 0;
    for (size_t k = 0; k < i; k++) addrsize |= p[k] == 0x67, repne |= p[k] == 0xf2;
    if (i < avail && (p[i] & 0xf0) == 0x40) {
        rex = 1;
        rexw = (p[i] & 8) != 0;
        i++;
        /* a prefix or a second REX after a REX (the REX then counts for nothing):
         * not what compilers write, and not worth decoding */
        if (i < avail && ((p[i] & 0xf0) == 0x40 || p[i] == 0x66 || p[i] == 0x67 || p[i] == 0xf0 || p[i] == 0xf2 ||
                          p[i] == 0xf3 || p[i] == 0x2e || p[i] == 0x36 || p[i] == 0x3e || p[i] == 0x26 ||
                          p[i] == 0x64 || p[i] == 0x65))
            return 0;
    }
    if (i >= avail) return 0;
    int z = opsize ? 2 : 4;
    uint8_t op = p[i++];
    size_t len;
    if (op != 0x0f) {
        if (invalid1(op)) return 0;
        uint8_t reg = i < avail ? (p[i] >> 3) & 7 : 0;
        if (op == 0x8f && reg != 0) return 0; /* XOP (AMD) */
        size_t m = 0;
        if (modrm1(op) && !(m = modrm_len(p + i, avail - i))) return 0;
        int imm = imm1(op, z, rexw, reg);
        if (op >= 0xa0 && op <= 0xa3 && addrsize) imm = 4; /* moffs32 */
        /* call/jmp rel with 66: rel32 under REX.W (gcc's TLS call padding), else
         * rel16 on AMD and rel32 on Intel */
        if ((op == 0xe8 || op == 0xe9) && opsize) {
            if (!rexw) return 0;
            imm = 4;
        }
        len = i + m + (size_t)imm;
        if (op == 0x90 && !rex) *kind = LX_INSN_NOP;
        else if (op == 0xcc) *kind = LX_INSN_NOP;
        else if (op == 0xc3 || op == 0xc2 || op == 0xe9 || op == 0xeb || op == 0xf4 ||
                 (op == 0xff && (reg == 4 || reg == 5)))
            *kind = LX_INSN_JUMP;
    } else {
        if (i >= avail) return 0;
        uint8_t op2 = p[i++];
        /* 3DNow! (an imm8 opcode after the operands), SSE4a's extrq/insertq with
         * two immediates, ud0, and the undefined rows */
        if (op2 == 0x0f || ((op2 == 0x78 || op2 == 0x79) && (opsize || repne)) || op2 == 0xff || op2 == 0x04 ||
            op2 == 0x0a || op2 == 0x0c || (op2 >= 0x24 && op2 <= 0x27) || op2 == 0x36 || op2 == 0x39 ||
            (op2 >= 0x3b && op2 <= 0x3f) || op2 == 0xa6 || op2 == 0xa7)
            return 0;
        if (op2 == 0x38 || op2 == 0x3a) { /* three-byte maps: ModRM always, imm8 for 0f 3a */
            if (i >= avail) return 0;
            i++;
            size_t m = modrm_len(p + i, avail - i);
            if (!m) return 0;
            len = i + m + (op2 == 0x3a);
        } else {
            size_t m = 0;
            if (modrm2(op2) && !(m = modrm_len(p + i, avail - i))) return 0;
            int imm = imm2(op2, z);
            if (imm < 0) return 0;
            len = i + m + (size_t)imm;
            if (op2 == 0x1f && i < avail && ((p[i] >> 3) & 7) == 0) *kind = LX_INSN_NOP;
            else if (op2 == 0x0b) *kind = LX_INSN_JUMP;
        }
    }
    return len <= avail && len <= 15 ? len : 0;
}

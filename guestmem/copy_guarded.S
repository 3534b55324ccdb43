/* copy_guarded.S — the copy every guest-memory access ends in: a fault inside it
 * (the guest unmapped or protected the memory between lxrun's check and the
 * copy, from another thread) returns -EFAULT instead of ending lxrun, as the
 * kernel's copy_to_user fixups do.  The trap's fault path moves a fault at
 * lx_copy_guarded_insn to lx_copy_guarded_fixup (lx_copy_fault_fixup). */
    .text
    .globl lx_copy_guarded
    .type lx_copy_guarded, @function
lx_copy_guarded:            /* (dst %rdi, src %rsi, len %rdx) -> 0 */
    movq %rdx, %rcx
    .globl lx_copy_guarded_insn
lx_copy_guarded_insn:
    rep movsb
    xorl %eax, %eax
    ret
    .globl lx_copy_guarded_fixup
lx_copy_guarded_fixup:
    movq $-14, %rax         /* -EFAULT */
    ret
    .size lx_copy_guarded, .-lx_copy_guarded
    .section .note.GNU-stack,"",@progbits

/* copy_guarded.S — the copy every guest-memory access ends in: a fault inside it
 * (the guest unmapped or protected the memory between lxrun's check and the
 * copy, from another thread) returns -EFAULT instead of ending lxrun, as the
 * kernel's copy_to_user fixups do.  The trap's fault path moves a fault anywhere
 * in [lx_copy_guarded_insn, lx_copy_guarded_end) to lx_copy_guarded_fixup
 * (copy_fault_fixup).  Small copies (a path, a stat record) move 8 bytes at a
 * time in general registers: rep movsb took 20-60 ns for 128-144 bytes on a Zen 3
 * VM, where it starts slowly; it still moves 512 bytes and more. */
    .text
    .globl lx_copy_guarded
    .type lx_copy_guarded, @function
lx_copy_guarded:            /* (dst %rdi, src %rsi, len %rdx) -> 0 */
    .globl lx_copy_guarded_insn
lx_copy_guarded_insn:
    cmpq $512, %rdx
    jae 5f
    cmpq $32, %rdx
    jb 2f
1:  movq (%rsi), %rax           /* 32 bytes a round */
    movq 8(%rsi), %rcx
    movq 16(%rsi), %r8
    movq 24(%rsi), %r9
    movq %rax, (%rdi)
    movq %rcx, 8(%rdi)
    movq %r8, 16(%rdi)
    movq %r9, 24(%rdi)
    addq $32, %rsi
    addq $32, %rdi
    subq $32, %rdx
    cmpq $32, %rdx
    jae 1b
2:  cmpq $8, %rdx
    jb 3f
    movq (%rsi), %rax
    movq %rax, (%rdi)
    addq $8, %rsi
    addq $8, %rdi
    subq $8, %rdx
    jmp 2b
3:  testq %rdx, %rdx
    jz 4f
    movb (%rsi), %al
    movb %al, (%rdi)
    incq %rsi
    incq %rdi
    decq %rdx
    jmp 3b
4:  xorl %eax, %eax
    ret
5:  movq %rdx, %rcx
    rep movsb
    xorl %eax, %eax
    ret
    .globl lx_copy_guarded_end
lx_copy_guarded_end:
    .globl lx_copy_guarded_fixup
lx_copy_guarded_fixup:
    movq $-14, %rax         /* -EFAULT */
    ret
    .size lx_copy_guarded, .-lx_copy_guarded
    .section .note.GNU-stack,"",@progbits

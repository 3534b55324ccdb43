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
    .size lx_copy_guarded, .-lx_copy_guarded

/* lx_copy_guarded_string(dst %rdi, src %rsi, len %rdx) -> the NUL's index, len
 * when there is none in len bytes, or -EFAULT: a string copied and its end found
 * in one pass, 8 bytes a round (the word's zero byte: (x - 0x01..) & ~x & 0x80..,
 * whose lowest bit is the first), never reading past len; the word holding the
 * NUL is copied whole.  A path's copy was a 128-byte piece and a memchr over it.
 * No push: the fixup returns from the fault's frame. */
    .globl lx_copy_guarded_string
    .type lx_copy_guarded_string, @function
lx_copy_guarded_string:
    movabsq $0x0101010101010101, %r8
    movabsq $0x8080808080808080, %r9
    xorl %eax, %eax
1:  leaq 8(%rax), %rcx
    cmpq %rdx, %rcx
    ja 3f
    movq (%rsi,%rax), %r10
    movq %r10, (%rdi,%rax)
    movq %r10, %r11
    subq %r8, %r11
    notq %r10
    andq %r10, %r11
    andq %r9, %r11
    jnz 2f
    movq %rcx, %rax
    jmp 1b
2:  bsfq %r11, %r11
    shrq $3, %r11
    addq %r11, %rax
    ret
3:  cmpq %rdx, %rax
    jae 4f
    movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 4f
    incq %rax
    jmp 3b
4:  ret
    .size lx_copy_guarded_string, .-lx_copy_guarded_string
    .globl lx_copy_guarded_end
lx_copy_guarded_end:
    .globl lx_copy_guarded_fixup
lx_copy_guarded_fixup:
    movq $-14, %rax         /* -EFAULT */
    ret
    .section .note.GNU-stack,"",@progbits

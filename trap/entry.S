/* entry.S — the only code that runs between guest and lxrun.
 * On SIGSYS the kernel enters lx_sigsys_entry on lxrun's alternate stack with the
 * guest's FS still loaded.  We open the dispatch selector, swap FS to lxrun's TLS,
 * run the C handler, then restore the guest's FS and close the selector. */
#define HOST_FS 0
#define GUEST_FS 8
#define SELECTOR 16
#define SUD_ALLOW 0
#define SUD_BLOCK 1

    .text
    .globl lx_sigsys_entry
    .type lx_sigsys_entry, @function
lx_sigsys_entry:
    rdgsbase %rax
    movb $SUD_ALLOW, SELECTOR(%rax)
    rdfsbase %rcx
    movq %rcx, GUEST_FS(%rax)
    movq HOST_FS(%rax), %rcx
    wrfsbase %rcx
    subq $8, %rsp           /* entered as if called: realign for the C call */
    call lx_trap_syscall
    addq $8, %rsp
    rdgsbase %rax
    movq GUEST_FS(%rax), %rcx
    wrfsbase %rcx
    movb $SUD_BLOCK, SELECTOR(%rax)
    ret
    .size lx_sigsys_entry, .-lx_sigsys_entry

/* A fatal signal while reports are on: into lxrun the same way, so the report
 * can be written; lx_trap_fatal re-raises the signal, then this returns to the
 * faulting context, where the default action ends the process. */
    .globl lx_fatal_entry
    .type lx_fatal_entry, @function
lx_fatal_entry:
    rdgsbase %rax
    movb $SUD_ALLOW, SELECTOR(%rax)
    rdfsbase %rcx
    movq %rcx, GUEST_FS(%rax)
    movq HOST_FS(%rax), %rcx
    wrfsbase %rcx
    subq $8, %rsp
    call lx_trap_fatal
    addq $8, %rsp
    rdgsbase %rax
    movq GUEST_FS(%rax), %rcx
    wrfsbase %rcx
    movb $SUD_BLOCK, SELECTOR(%rax)
    ret
    .size lx_fatal_entry, .-lx_fatal_entry

/* sa_restorer for lxrun's handlers: rt_sigreturn from inside lxrun's text. */
    .globl lx_sigreturn
    .type lx_sigreturn, @function
lx_sigreturn:
    movq $15, %rax
    syscall
    hlt
    .size lx_sigreturn, .-lx_sigreturn

/* lx_enter_guest(entry, sp, thread): start guest code as the kernel would after
 * exec: all registers zero but rsp and rip, guest FS, selector closed. */
    .globl lx_enter_guest
    .type lx_enter_guest, @function
lx_enter_guest:
    movq GUEST_FS(%rdx), %rax
    wrfsbase %rax
    movb $SUD_BLOCK, SELECTOR(%rdx)
    movq %rsi, %rsp
    movq %rdi, %r11
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    jmp *%r11
    .size lx_enter_guest, .-lx_enter_guest

    .section .note.GNU-stack,"",@progbits

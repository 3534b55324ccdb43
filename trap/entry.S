/* entry.S — the only code that runs between guest and lxrun.
 * On SIGSYS the kernel enters lx_sigsys_entry on lxrun's alternate stack with the
 * guest's FS still loaded.  We open the dispatch selector, swap FS to lxrun's TLS,
 * run the C handler, then restore the guest's FS and close the selector. */
#define HOST_FS 0
#define GUEST_FS 8
#define SELECTOR 16
#define SUD_ALLOW 0
#define SUD_BLOCK 1

/* An entry from a signal into lxrun: open the selector, save the guest's FS and
 * load lxrun's, call the C handler (sig, info, uc), then undo both. */
.macro LX_SIGNAL_ENTRY name, handler
    .globl \name
    .type \name, @function
\name:
    rdgsbase %rax
    movb $SUD_ALLOW, SELECTOR(%rax)
    rdfsbase %rcx
    movq %rcx, GUEST_FS(%rax)
    movq HOST_FS(%rax), %rcx
    wrfsbase %rcx
    subq $8, %rsp           /* entered as if called: realign for the C call */
    call \handler
    addq $8, %rsp
    rdgsbase %rax
    movq GUEST_FS(%rax), %rcx
    wrfsbase %rcx
    movb $SUD_BLOCK, SELECTOR(%rax)
    ret
    .size \name, .-\name
.endm

    .text
/* SIGSYS from Syscall User Dispatch: one guest syscall. */
    LX_SIGNAL_ENTRY lx_sigsys_entry, lx_trap_syscall
/* A fatal signal while reports are on: lx_trap_fatal writes the reports and
 * re-raises; returning lets the default action end the process. */
    LX_SIGNAL_ENTRY lx_fatal_entry, lx_trap_fatal

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

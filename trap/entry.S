/* entry.S — the only code that runs between guest and lxrun.
 * On SIGSYS the kernel enters lx_sigsys_entry_* on lxrun's alternate stack with the
 * guest's FS still loaded.  The stub finds its thread at %gs:0 (no rdgsbase), opens
 * the dispatch selector, loads lxrun's FS, runs the C handler, then loads the guest's
 * FS and closes the selector.
 *
 * Every stub exists twice, one per way of switching FS, chosen once at start-up
 * (fs_switch.c) by installing one or the other: *_wrfsbase where the CPU lets user
 * space use FSGSBASE, *_arch_prctl elsewhere.  FSGSBASE instructions appear only in
 * symbols ending in _wrfsbase (ctest design.fsgsbase_confined checks the binary). */
#include "thread.h"

#include "../abi/linux_nr.h"
#define LX_NR_MAX_ASM LX_NR_MAX
#define SUD_ALLOW 0
#define SUD_BLOCK 1
#define NR_ARCH_PRCTL 158
#define NR_GETTID 186
#define ARCH_SET_FS 0x1002
#define ARCH_SET_GS 0x1001

/* FS to lxrun's; %rax = the thread.  Keeps %rdi %rsi %rdx (the handler's arguments). */
.macro FS_TO_LXRUN_wrfsbase
    rdfsbase %rcx
    movq %rcx, LX_THREAD_GUEST_FS(%rax)
    movq LX_THREAD_HOST_FS(%rax), %rcx
    wrfsbase %rcx
.endm
/* Without FSGSBASE the guest changes FS only through arch_prctl, which lxrun serves:
 * guest_fs is already right, only lxrun's base needs loading. */
.macro FS_TO_LXRUN_arch_prctl
    movq %rdi, %r8
    movq %rsi, %r9
    movl $ARCH_SET_FS, %edi
    movq LX_THREAD_HOST_FS(%rax), %rsi
    movl $NR_ARCH_PRCTL, %eax
    syscall                 /* inside lxrun's text: never dispatched */
    movq %r8, %rdi
    movq %r9, %rsi
.endm

/* FS back to the guest's; leaves %rax = the thread. */
.macro FS_TO_GUEST_wrfsbase
    movq %gs:LX_THREAD_SELF, %rax
    movq LX_THREAD_GUEST_FS(%rax), %rcx
    wrfsbase %rcx
.endm
.macro FS_TO_GUEST_arch_prctl
    movq %gs:LX_THREAD_SELF, %rax
    movq LX_THREAD_GUEST_FS(%rax), %rsi
    movl $ARCH_SET_FS, %edi
    movl $NR_ARCH_PRCTL, %eax
    syscall
    movq %gs:LX_THREAD_SELF, %rax
.endm

/* An entry from a signal into lxrun: open the selector, switch FS, call the C
 * handler (sig, info, uc), then undo both.  Entered as if called: %rsp is 8 mod 16. */
.macro NO_MORE_ARGUMENTS
.endm

/* Opens the selector, switches FS, runs `more` (a macro: the handler's further
 * arguments), calls the handler, undoes both and returns to the kernel's frame. */
.macro CALL_IN_LXRUN handler, fs, more, quick=0
    movb $SUD_ALLOW, LX_THREAD_SELECTOR(%rax)
    FS_TO_LXRUN_\fs
    \more
    subq $8, %rsp
    call \handler
    addq $8, %rsp
    .if \quick
    movl %eax, %r12d                    /* the handler's verdict: nonzero, the quick return */
    .endif
    FS_TO_GUEST_\fs
    .if \quick
    testl %r12d, %r12d
    jnz lx_trap_quick_exit
    .endif
    CLOSE_AND_RETURN
.endm

/* The selector closed again, back to the kernel's frame; %rax = the thread. */
.macro CLOSE_AND_RETURN
    movb $SUD_BLOCK, LX_THREAD_SELECTOR(%rax)
    movl $0, LX_THREAD_RESUMING(%rax) /* only the fast path looks at it next (fast.c) */
    ret
.endm

.macro NOTHING_FIRST
.endm

/* The signal offered first to handler(sig, info, uc, thread) on the guest's FS
 * (sud.c); when it returns 0, the full way. */
.macro OFFER_ON_GUEST_FS handler
    movb $SUD_ALLOW, LX_THREAD_SELECTOR(%rax)
    pushq %rdi
    pushq %rsi
    pushq %rdx
    movq %rax, %rcx
    call \handler
    popq %rdx
    popq %rsi
    popq %rdi
    movl %eax, %ecx
    movq %gs:LX_THREAD_SELF, %rax
    testl %ecx, %ecx
    jz 2f
    cmpl $2, %ecx                       /* served, and the quick return is open */
    je lx_trap_quick_exit
    CLOSE_AND_RETURN
2:
.endm

/* SIGSYS: a call whose line says GUESTFS, the fast path's finished call at the
 * gate, rt_sigreturn: lx_trap_syscall_guestfs. */
.macro GUESTFS_FIRST
    OFFER_ON_GUEST_FS lx_trap_syscall_guestfs
.endm

/* Whether the signal landed in its record's thread: there it runs on the record's
 * alternate stack, or the thread has the record's tid (the record's thread before
 * its alternate stack is set, the main thread before the guest runs: one system
 * call).  Any other thread -- one lxrun started, in its first instants, with its
 * creator's GS -- goes to lx_trap_foreign (sud.c), before anything here touches the
 * record, FS or the selector.  SIGSYS from the dispatch comes from an armed thread
 * only (a new thread is not armed): its entry does not look. */
.macro MINE_OR_FOREIGN
    movq %gs:LX_THREAD_SELF, %rax
    movq %rsp, %rcx
    subq LX_THREAD_ALTSTACK(%rax), %rcx
    cmpq LX_THREAD_ALTSTACK_LEN(%rax), %rcx
    jb 7f
    pushq %rdi
    pushq %rsi
    pushq %rdx
    movl $NR_GETTID, %eax
    syscall
    popq %rdx
    popq %rsi
    popq %rdi
    movq %gs:LX_THREAD_SELF, %rcx
    cmpl LX_THREAD_TID(%rcx), %eax
    jne lx_trap_foreign
7:
.endm

.macro LX_SIGNAL_ENTRY name, handler, fs, first=NOTHING_FIRST, look=MINE_OR_FOREIGN, quick=0
    .globl \name\()_\fs
    .type \name\()_\fs, @function
\name\()_\fs:
    \look
    movq %gs:LX_THREAD_SELF, %rax
    /* inside lxrun (the fast path runs with signals open): only recorded, as any
     * signal there -- lxrun's FS is loaded, and must not be taken for the guest's */
    cmpb $SUD_ALLOW, LX_THREAD_SELECTOR(%rax)
    je lx_async_entry_\fs
    .globl \name\()_opens_\fs /* the selector opens at the next instruction (sud.c, at_trap_entry) */
\name\()_opens_\fs:
    \first
    CALL_IN_LXRUN \handler, \fs, NO_MORE_ARGUMENTS, \quick
    .size \name\()_\fs, .-\name\()_\fs
.endm

/* A signal for a guest handler: handler(sig, info, uc, thread, nested).  In guest
 * code (selector closed) it enters lxrun as above.  Inside lxrun already (a call
 * blocked, or the stubs' own edges, where FS may still be the guest's) it touches
 * neither FS nor the selector: the handler only records the signal, TLS-free. */
.macro ASYNC_FROM_GUEST /* thread, nested = 0 */
    movq %gs:LX_THREAD_SELF, %rcx
    xorl %r8d, %r8d
.endm

/* A signal in guest code: a handler of the guest's is delivered by
 * lx_trap_async_guestfs. */
.macro ASYNC_GUESTFS_FIRST
    OFFER_ON_GUEST_FS lx_trap_async_guestfs
.endm

.macro LX_ASYNC_ENTRY name, handler, fs
    .globl \name\()_\fs
    .type \name\()_\fs, @function
\name\()_\fs:
    MINE_OR_FOREIGN
    movq %gs:LX_THREAD_SELF, %rax
    cmpb $SUD_ALLOW, LX_THREAD_SELECTOR(%rax)
    jne 1f
    movq %rax, %rcx
    movl $1, %r8d
    subq $8, %rsp
    call \handler
    addq $8, %rsp
    ret
1:  ASYNC_GUESTFS_FIRST
    CALL_IN_LXRUN \handler, \fs, ASYNC_FROM_GUEST
    .size \name\()_\fs, .-\name\()_\fs
.endm


    .text
/* SIGSYS from Syscall User Dispatch: one guest syscall. */
    LX_SIGNAL_ENTRY lx_sigsys_entry, lx_trap_syscall, wrfsbase, GUESTFS_FIRST, NOTHING_FIRST, 1
    LX_SIGNAL_ENTRY lx_sigsys_entry, lx_trap_syscall, arch_prctl, GUESTFS_FIRST, NOTHING_FIRST, 1

/* The trap's quick return (sud.c, quick_return): the call is served, FS is the
 * guest's, the selector still open.  The guest's FP state comes back from the
 * signal frame, the registers the fast path's exit does not load from the record,
 * then that exit's stretch (which looks at f_kick first) ends the call as a
 * rewritten site's: no rt_sigreturn, one kernel entry fewer a trap. */
    .globl lx_trap_quick_exit
    .type lx_trap_quick_exit, @function
lx_trap_quick_exit:
    movq %gs:LX_THREAD_Q_FP, %r11
    movq %gs:LX_THREAD_Q_XFEATURES, %rax
    testq %rax, %rax
    jz 1f
    movq %rax, %rdx
    shrq $32, %rdx
    xrstor64 (%r11)
    jmp 2f
1:  fxrstor64 (%r11)
2:  movq %gs:LX_THREAD_Q_REGS, %rbx
    movq %gs:LX_THREAD_Q_REGS+8, %rbp
    movq %gs:LX_THREAD_Q_REGS+16, %r12
    movq %gs:LX_THREAD_Q_REGS+24, %r13
    movq %gs:LX_THREAD_Q_REGS+32, %r14
    movq %gs:LX_THREAD_Q_REGS+40, %r15
    jmp *%gs:LX_THREAD_Q_STRETCH
    .size lx_trap_quick_exit, .-lx_trap_quick_exit
/* A fatal signal while reports are on: lx_trap_fatal writes the reports and
 * re-raises; returning lets the default action end the process. */
    LX_SIGNAL_ENTRY lx_fatal_entry, lx_trap_fatal, wrfsbase
    LX_SIGNAL_ENTRY lx_fatal_entry, lx_trap_fatal, arch_prctl
/* A signal taken for a guest handler. */
    LX_ASYNC_ENTRY lx_async_entry, lx_trap_async, wrfsbase
    LX_ASYNC_ENTRY lx_async_entry, lx_trap_async, arch_prctl

/* sa_restorer for lxrun's handlers: rt_sigreturn from inside lxrun's text. */
    .globl lx_sigreturn
    .type lx_sigreturn, @function
lx_sigreturn:
    movq $15, %rax
    syscall
    hlt
    .size lx_sigreturn, .-lx_sigreturn

/* lx_enter_guest_*(entry, sp, thread): start guest code as the kernel would after
 * exec: all registers zero but rsp and rip, guest FS, selector closed. */
    .globl lx_enter_guest_wrfsbase
    .type lx_enter_guest_wrfsbase, @function
lx_enter_guest_wrfsbase:
    movq LX_THREAD_GUEST_FS(%rdx), %rax
    wrfsbase %rax
    jmp enter_guest
    .size lx_enter_guest_wrfsbase, .-lx_enter_guest_wrfsbase

    .globl lx_enter_guest_arch_prctl
    .type lx_enter_guest_arch_prctl, @function
lx_enter_guest_arch_prctl:
    movq %rdi, %r8
    movq %rsi, %r9
    movq %rdx, %r10
    movl $ARCH_SET_FS, %edi
    movq LX_THREAD_GUEST_FS(%rdx), %rsi
    movl $NR_ARCH_PRCTL, %eax
    syscall
    movq %r8, %rdi
    movq %r9, %rsi
    movq %r10, %rdx
    jmp enter_guest
    .size lx_enter_guest_arch_prctl, .-lx_enter_guest_arch_prctl

/* lx_fs_set_guest_*(base): FS loaded with the guest's new base, from a call served
 * on the guest's FS (arch_prctl's ARCH_SET_FS: no stub loads FS after it);
 * lx_fs_get_guest_wrfsbase: the guest's base as the CPU has it (the guest may
 * write it itself where FSGSBASE is shown to it). */
    .globl lx_fs_set_guest_wrfsbase
    .type lx_fs_set_guest_wrfsbase, @function
lx_fs_set_guest_wrfsbase:
    wrfsbase %rdi
    ret
    .size lx_fs_set_guest_wrfsbase, .-lx_fs_set_guest_wrfsbase

    .globl lx_fs_get_guest_wrfsbase
    .type lx_fs_get_guest_wrfsbase, @function
lx_fs_get_guest_wrfsbase:
    rdfsbase %rax
    ret
    .size lx_fs_get_guest_wrfsbase, .-lx_fs_get_guest_wrfsbase

    .globl lx_fs_set_guest_arch_prctl
    .type lx_fs_set_guest_arch_prctl, @function
lx_fs_set_guest_arch_prctl:
    movq %rdi, %rsi
    movl $ARCH_SET_FS, %edi
    movl $NR_ARCH_PRCTL, %eax
    syscall                 /* inside lxrun's text: never dispatched */
    ret
    .size lx_fs_set_guest_arch_prctl, .-lx_fs_set_guest_arch_prctl

/* lx_resume_guest_*(regs, thread): a new guest thread starts with every general
 * register of struct linux_sigcontext (regs) loaded, guest FS, selector closed;
 * rip is reached through the thread record, so no register is spent on it. */
#define SC_R8 0
#define SC_R9 8
#define SC_R10 16
#define SC_R11 24
#define SC_R12 32
#define SC_R13 40
#define SC_R14 48
#define SC_R15 56
#define SC_RDI 64
#define SC_RSI 72
#define SC_RBP 80
#define SC_RBX 88
#define SC_RDX 96
#define SC_RAX 104
#define SC_RCX 112
#define SC_RSP 120
#define SC_RIP 128
    .globl lx_resume_guest_wrfsbase
    .type lx_resume_guest_wrfsbase, @function
lx_resume_guest_wrfsbase:
    movq LX_THREAD_GUEST_FS(%rsi), %rax
    wrfsbase %rax
    jmp resume_guest
    .size lx_resume_guest_wrfsbase, .-lx_resume_guest_wrfsbase

    .globl lx_resume_guest_arch_prctl
    .type lx_resume_guest_arch_prctl, @function
lx_resume_guest_arch_prctl:
    movq %rdi, %r12
    movq %rsi, %r13
    movl $ARCH_SET_FS, %edi
    movq LX_THREAD_GUEST_FS(%r13), %rsi
    movl $NR_ARCH_PRCTL, %eax
    syscall
    movq %r12, %rdi
    movq %r13, %rsi
    jmp resume_guest
    .size lx_resume_guest_arch_prctl, .-lx_resume_guest_arch_prctl

    .type resume_guest, @function
resume_guest:
    movq SC_RIP(%rdi), %rax
    movq %rax, LX_THREAD_RESUME_RIP(%rsi)
    movb $SUD_BLOCK, LX_THREAD_SELECTOR(%rsi)
    movq SC_R8(%rdi), %r8
    movq SC_R9(%rdi), %r9
    movq SC_R10(%rdi), %r10
    movq SC_R11(%rdi), %r11
    movq SC_R12(%rdi), %r12
    movq SC_R13(%rdi), %r13
    movq SC_R14(%rdi), %r14
    movq SC_R15(%rdi), %r15
    movq SC_RSI(%rdi), %rsi
    movq SC_RBP(%rdi), %rbp
    movq SC_RBX(%rdi), %rbx
    movq SC_RDX(%rdi), %rdx
    movq SC_RAX(%rdi), %rax
    movq SC_RCX(%rdi), %rcx
    movq SC_RSP(%rdi), %rsp
    movq SC_RDI(%rdi), %rdi
    jmp *%gs:LX_THREAD_RESUME_RIP
    .size resume_guest, .-resume_guest

    .type enter_guest, @function
enter_guest:
    movb $SUD_BLOCK, LX_THREAD_SELECTOR(%rdx)
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
    .size enter_guest, .-enter_guest

/* ---- the fast path: a rewritten call site (trap/rewrite.c) ----
 * Its trampoline opened the selector (a signal from here on is nested: recorded,
 * delivered as the call ends) and jumps here with the guest's registers, %eax = the
 * number, %rcx = the return address; %r11 is free, as the kernel clobbers it.
 * The stub saves the guest's state in the thread record, runs lx_trap_fast on the
 * top of the alternate stack with lxrun's FS, and returns as `syscall` does: rax
 * the result, rcx the return address, r11 the flags, everything else as it was.
 * Its last stretch, from fast_exit_check_* to fast_exit_jmp_*, only loads what the
 * record holds: a signal there is recorded and the stretch begun again (fast.c),
 * so the look for signals to deliver is never stale.  A call that needs the trap's
 * context, or that has a signal to deliver, leaves through the gate: a `syscall`
 * outside lxrun's text, which the trap serves (sud.c). */
.macro FAST_FS_TO_LXRUN_wrfsbase
    rdfsbase %r11
    movq %r11, %gs:LX_THREAD_GUEST_FS
    movq %gs:LX_THREAD_HOST_FS, %r11
    wrfsbase %r11
.endm
/* arch_prctl(ARCH_SET_FS, the record's field): clobbers rax rcx rdi rsi r11 */
.macro FAST_SET_FS field
    movl $ARCH_SET_FS, %edi
    movq %gs:\field, %rsi
    movl $NR_ARCH_PRCTL, %eax
    syscall
.endm
.macro FAST_FS_TO_LXRUN_arch_prctl
    FAST_SET_FS LX_THREAD_HOST_FS
.endm
.macro FAST_FS_TO_GUEST_wrfsbase
    movq %gs:LX_THREAD_GUEST_FS, %r11
    wrfsbase %r11
.endm
.macro FAST_FS_TO_GUEST_arch_prctl
    FAST_SET_FS LX_THREAD_GUEST_FS
.endm

/* The guest's vector state: where the CPU has nothing beyond AVX and AVX-512 (XCR0),
 * by hand -- xmm0-15, or ymm0-15 when XINUSE says their upper halves are not all
 * zero, or zmm0-15 when it says so of theirs, MXCSR and the x87 control word: what
 * lxrun's C code and libc can change (they use no x87 register, no k0-7 and no
 * zmm16-31: trap.avx512_confined).  Measured: XSAVEOPT+XRSTOR cost 150-200 ns a
 * call on an AVX-only CPU, ymm 140, xmm much less; with AVX-512 XSAVEOPT+XRSTOR
 * made fstat 430 ns dearer than natively, against getppid's 67.  Elsewhere (AMX and
 * the like) XSAVEOPT of every component.  Layout: xmm or ymm n at 32*n, MXCSR at
 * 512, the control word at 516, XINUSE at 520, zmm n at 576+64*n. */
/* ymm0-15 or xmm0-15 (reg) to or from the area at %r11, 32 bytes apart. */
.macro VEC_STORE reg
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    vmovdqu %\reg\n, 32*\n(%r11)
    .endr
.endm
.macro VEC_LOAD reg
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    vmovdqu 32*\n(%r11), %\reg\n
    .endr
.endm
/* zmm0-15, 64 bytes apart from 576; run only where XINUSE has ZMM_Hi256, so only
 * where XCR0 enables AVX-512 */
.macro ZMM_STORE
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    vmovdqu64 %zmm\n, 576+64*\n(%r11)
    .endr
.endm
.macro ZMM_LOAD
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    vmovdqu64 576+64*\n(%r11), %zmm\n
    .endr
.endm
.macro VEC_SAVE
    movq %gs:LX_THREAD_F_XSAVE, %r11
    cmpb $0, %gs:LX_THREAD_F_XSAVE_ALL
    jne 5f
    movl $1, %ecx
    xgetbv                              /* XINUSE: bit 2 ymm's upper halves, bit 6 zmm's */
    movl %eax, 520(%r11)
    testb $0x40, %al
    jnz 17f
    testb $4, %al
    jnz 7f
    VEC_STORE xmm
    jmp 8f
7:  VEC_STORE ymm
    jmp 8f
17: ZMM_STORE
8:  stmxcsr 512(%r11)
    fnstcw 516(%r11)
    jmp 6f
5:  movl $-1, %eax
    movl $-1, %edx
    xsaveopt64 (%r11)
6:
.endm
.macro VEC_RESTORE
    movq %gs:LX_THREAD_F_XSAVE, %r11
    cmpb $0, %gs:LX_THREAD_F_XSAVE_ALL
    jne 5f
    testb $0x40, 520(%r11)
    jnz 17f
    testb $4, 520(%r11)
    jnz 7f
    VEC_LOAD xmm                        /* VEX.128: the upper halves zero again, as saved */
    jmp 8f
7:  VEC_LOAD ymm                        /* VEX.256: zmm's upper halves zero again, as saved */
    jmp 8f
17: ZMM_LOAD
8:  ldmxcsr 512(%r11)
    fldcw 516(%r11)
    jmp 6f
5:  movl $-1, %eax
    movl $-1, %edx
    xrstor64 (%r11)
6:
.endm

/* Everything the guest sees back from the record: vector state, argument
 * registers, flags (r11 too), the return address in rcx and the guest's stack. */
.macro FAST_RESTORE
    cmpb $0, %gs:LX_THREAD_F_VEC_SAVED
    je 10f
    VEC_RESTORE
10:
    movq %gs:LX_THREAD_F_RDI, %rdi
    movq %gs:LX_THREAD_F_RSI, %rsi
    movq %gs:LX_THREAD_F_RDX, %rdx
    movq %gs:LX_THREAD_F_R10, %r10
    movq %gs:LX_THREAD_F_R8, %r8
    movq %gs:LX_THREAD_F_R9, %r9
    /* The guest's flags where lxrun's code may have changed them, as sysret
     * restores them from r11: DF by std, OF by an overflowing add, SF ZF AF PF CF
     * by sahf.  (popfq does it all, but is microcoded: ~5 ns in a loop on Zen 3,
     * against ~1.5 ns for this.)  C code changes no other flag; rax is set after
     * this by every way out. */
    movq %gs:LX_THREAD_F_FLAGS, %r11
    movl %r11d, %eax
    shll $8, %eax                       /* AH: the flags' low byte */
    testl $0x400, %r11d
    jz 11f
    std
11: testl $0x800, %r11d                 /* clears OF */
    jz 12f
    movb $0x7f, %al
    addb $1, %al                        /* sets OF */
12: sahf
    movq %gs:LX_THREAD_F_RET, %rcx
.endm

.macro FAST_ENTRY fs
    .globl lx_fast_entry_\fs
    .type lx_fast_entry_\fs, @function
lx_fast_entry_\fs:
    movq %rsp, %gs:LX_THREAD_F_RSP
    movq %gs:LX_THREAD_F_XSAVE, %rsp
    pushfq
    popq %gs:LX_THREAD_F_FLAGS
    cld                                 /* the C ABI's direction flag */
    movq %rcx, %gs:LX_THREAD_F_RET
    movq %rax, %gs:LX_THREAD_F_NR
    movq %rdi, %gs:LX_THREAD_F_RDI
    movq %rsi, %gs:LX_THREAD_F_RSI
    movq %rdx, %gs:LX_THREAD_F_RDX
    movq %r10, %gs:LX_THREAD_F_R10
    movq %r8, %gs:LX_THREAD_F_R8
    movq %r9, %gs:LX_THREAD_F_R9
    /* a call whose line says GUESTFS is served on the guest's FS, unless it
     * declines; with its vector registers untouched where the line has no VECTORS
     * (that path uses none) */
    movb $0, %gs:LX_THREAD_F_VEC_SAVED
    movq %gs:LX_THREAD_F_NR, %rax
    cmpq $LX_NR_MAX_ASM, %rax
    ja 4f
    movq %rax, %rdx
    shrq $6, %rdx
    leaq lx_fast_guestfs_bits(%rip), %rcx
    movq (%rcx,%rdx,8), %r11
    btq %rax, %r11
    jnc 4f
    leaq lx_fast_vector_free_bits(%rip), %rcx
    movq (%rcx,%rdx,8), %r11
    btq %rax, %r11
    jc 13f
    VEC_SAVE
    movb $1, %gs:LX_THREAD_F_VEC_SAVED
13: movq %gs:LX_THREAD_SELF, %rdi
    call lx_trap_fast_guestfs
    testl %eax, %eax
    jz 9f
4:  cmpb $0, %gs:LX_THREAD_F_VEC_SAVED
    jne 14f
    VEC_SAVE
    movb $1, %gs:LX_THREAD_F_VEC_SAVED
14: FAST_FS_TO_LXRUN_\fs
    movq %gs:LX_THREAD_SELF, %rdi
    call lx_trap_fast
    FAST_FS_TO_GUEST_\fs
9:  cmpb $0, %gs:LX_THREAD_F_BOUNCE
    jne 2f
    .globl lx_fast_exit_check_\fs
lx_fast_exit_check_\fs:
    cmpb $0, %gs:LX_THREAD_F_KICK
    jne 1f
    FAST_RESTORE
    movq %gs:LX_THREAD_F_RESULT, %rax
    movq %gs:LX_THREAD_F_RSP, %rsp
    movb $SUD_BLOCK, %gs:LX_THREAD_SELECTOR
    .globl lx_fast_exit_jmp_\fs
lx_fast_exit_jmp_\fs:
    jmp *%rcx
1:  /* a signal to deliver: the finished call goes to the trap, whose frame delivers it */
    FAST_RESTORE
    movl $LX_NR_GATE, %eax
    jmp 3f
2:  /* the call needs the trap: made again through the gate */
    FAST_RESTORE
    movq %gs:LX_THREAD_F_NR, %rax
3:  movq %gs:LX_THREAD_F_RSP, %rsp
    movb $SUD_BLOCK, %gs:LX_THREAD_SELECTOR
    jmp *%gs:LX_THREAD_F_GATE
    .size lx_fast_entry_\fs, .-lx_fast_entry_\fs
.endm

    FAST_ENTRY wrfsbase
    FAST_ENTRY arch_prctl

/* lx_fs_call(fn, arg): fn(arg) on lxrun's FS.  Inside a GUESTFS call, which runs
 * on the guest's FS (f_on_guest_fs), the part of it that needs lxrun's TLS or
 * errno -- a rare branch, an emulated file's ops -- switches for fn alone, after
 * saving the guest's vector registers if the stub did not; anywhere else it is a
 * plain call.  Signals meanwhile are recorded only, as in any fast-path call (the
 * selector is open).  tests/design/guestfs_vector_free.py stops at it. */
    .globl lx_fs_call
    .type lx_fs_call, @function
lx_fs_call:
    movq %rdi, %rax
    movq %rsi, %rdi
    cmpb $0, %gs:LX_THREAD_F_ON_GUEST_FS
    jne 1f
0:  jmp *%rax
1:  /* A thread lxrun starts inherits its creator's GS: only the record's own
     * thread runs on its fast path's stack, below f_xsave. */
    movq %gs:LX_THREAD_F_XSAVE, %rcx
    subq %rsp, %rcx
    cmpq $LX_THREAD_ALTSTACK_SIZE, %rcx
    jae 0b
    jmp *%gs:LX_THREAD_FS_CALL
    .size lx_fs_call, .-lx_fs_call

/* Every thread of the process has a GS base: lx_thread_none until the trap sets
 * the thread's own record.  Run as the process starts (lxrun, or a unit test
 * linking this file). */
    .type gs_default, @function
gs_default:
    movl $ARCH_SET_GS, %edi
    leaq lx_thread_none(%rip), %rsi
    movl $NR_ARCH_PRCTL, %eax
    syscall
    ret
    .size gs_default, .-gs_default
    .section .init_array,"aw"
    .balign 8
    .quad gs_default
    .text

/* The switching half: fn in %rax, its argument in %rdi. */
.macro FS_CALL fs
    .globl lx_fs_call_\fs
    .type lx_fs_call_\fs, @function
lx_fs_call_\fs:
    pushq %rbx
    pushq %r12
    subq $8, %rsp
    movq %rax, %rbx
    movq %rdi, %r12
    cmpb $0, %gs:LX_THREAD_F_VEC_SAVED
    jne 1f
    VEC_SAVE
    movb $1, %gs:LX_THREAD_F_VEC_SAVED
1:  FAST_FS_TO_LXRUN_\fs
    movb $0, %gs:LX_THREAD_F_ON_GUEST_FS
    movq %r12, %rdi
    call *%rbx
    movq %rax, %rbx
    FAST_FS_TO_GUEST_\fs
    movb $1, %gs:LX_THREAD_F_ON_GUEST_FS
    movq %rbx, %rax
    addq $8, %rsp
    popq %r12
    popq %rbx
    ret
    .size lx_fs_call_\fs, .-lx_fs_call_\fs
.endm

    FS_CALL wrfsbase
    FS_CALL arch_prctl

    .section .note.GNU-stack,"",@progbits

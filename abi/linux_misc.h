/* linux_misc.h — smaller pieces of Linux's x86-64 ABI as the guest sees them:
 * prctl options (include/uapi/linux/prctl.h), futex operations
 * (include/uapi/linux/futex.h), struct iovec (include/uapi/linux/uio.h), terminal
 * ioctls and the kernel's struct termios (include/uapi/asm-generic/ioctls.h,
 * termbits.h). */
#ifndef LXRUN_ABI_LINUX_MISC_H
#define LXRUN_ABI_LINUX_MISC_H

#include <stdint.h>

#define LINUX_PR_SET_PDEATHSIG 1
#define LINUX_PR_GET_PDEATHSIG 2
#define LINUX_PR_SET_CHILD_SUBREAPER 36
#define LINUX_PR_GET_CHILD_SUBREAPER 37
#define LINUX_PR_GET_DUMPABLE 3
#define LINUX_PR_SET_DUMPABLE 4
#define LINUX_PR_SET_NAME 15
#define LINUX_PR_GET_NAME 16
#define LINUX_PR_CAPBSET_READ 23
#define LINUX_PR_GET_TSC 25
#define LINUX_PR_SET_TSC 26
#define LINUX_PR_TSC_ENABLE 1
#define LINUX_PR_TSC_SIGSEGV 2
#define LINUX_PR_CAPBSET_DROP 24
#define LINUX_PR_GET_SECUREBITS 27
#define LINUX_PR_SET_SECUREBITS 28
#define LINUX_PR_GET_TIMERSLACK 30
#define LINUX_PR_SET_TIMERSLACK 29
#define LINUX_PR_GET_NO_NEW_PRIVS 39
#define LINUX_PR_GET_THP_DISABLE 42
#define LINUX_PR_SET_VMA 0x53564d41

#define LINUX_FUTEX_WAIT 0
#define LINUX_FUTEX_WAKE 1
#define LINUX_FUTEX_REQUEUE 3
#define LINUX_FUTEX_CMP_REQUEUE 4
#define LINUX_FUTEX_WAKE_OP 5
#define LINUX_FUTEX_LOCK_PI 6
#define LINUX_FUTEX_UNLOCK_PI 7
#define LINUX_FUTEX_TRYLOCK_PI 8
#define LINUX_FUTEX_WAIT_BITSET 9
#define LINUX_FUTEX_WAKE_BITSET 10
#define LINUX_FUTEX_WAIT_REQUEUE_PI 11
#define LINUX_FUTEX_CMP_REQUEUE_PI 12
#define LINUX_FUTEX_LOCK_PI2 13
/* futex_waitv's waiter (include/uapi/linux/futex.h) */
struct linux_futex_waitv { uint64_t val, uaddr; uint32_t flags, reserved; };
#define LINUX_FUTEX2_SIZE_U32 2
#define LINUX_FUTEX2_PRIVATE 128
#define LINUX_FUTEX_WAITV_MAX 128
#define LINUX_FUTEX_PRIVATE_FLAG 128
#define LINUX_FUTEX_CLOCK_REALTIME 256
#define LINUX_FUTEX_CMD_MASK (~(LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME))
#define LINUX_FUTEX_BITSET_MATCH_ANY 0xffffffffu
/* a robust lock's word: the owner's tid, and what its death leaves (linux/futex.h) */
#define LINUX_FUTEX_WAITERS 0x80000000u
#define LINUX_FUTEX_OWNER_DIED 0x40000000u
#define LINUX_FUTEX_TID_MASK 0x3fffffffu
#define LINUX_ROBUST_LIST_LIMIT 2048
#define LINUX_ROBUST_LIST_HEAD_SIZE 24 /* sizeof(struct robust_list_head): set_robust_list takes no other */

struct linux_iovec { uint64_t iov_base, iov_len; };

#define LINUX_TCGETS 0x5401
#define LINUX_TCSETS 0x5402
#define LINUX_TCSETSW 0x5403
#define LINUX_TCSETSF 0x5404
#define LINUX_TCGETA 0x5405
#define LINUX_TCSETA 0x5406
#define LINUX_TCSBRK 0x5409
#define LINUX_TCXONC 0x540A
#define LINUX_TCFLSH 0x540B
#define LINUX_TIOCEXCL 0x540C
#define LINUX_TIOCNXCL 0x540D
#define LINUX_TIOCSCTTY 0x540E
#define LINUX_TIOCGPGRP 0x540F
#define LINUX_TIOCSPGRP 0x5410
#define LINUX_TIOCOUTQ 0x5411
#define LINUX_TIOCSTI 0x5412
#define LINUX_TIOCGWINSZ 0x5413
#define LINUX_TIOCSWINSZ 0x5414
#define LINUX_TIOCMGET 0x5415
#define LINUX_FIONREAD 0x541B
#define LINUX_TIOCLINUX 0x541C
#define LINUX_FIONBIO 0x5421
#define LINUX_TIOCNOTTY 0x5422
#define LINUX_TIOCGSID 0x5429
#define LINUX_TIOCGPTN 0x80045430u
#define LINUX_TIOCSPTLCK 0x40045431u
#define LINUX_TIOCGPTLCK 0x80045439u
#define LINUX_TIOCGPTPEER 0x5441
#define LINUX_FIONCLEX 0x5450
#define LINUX_FIOCLEX 0x5451
#define LINUX_FIOASYNC 0x5452
#define LINUX_FS_IOC_GETFLAGS 0x80086601u
#define LINUX_FS_IOC_SETFLAGS 0x40086602u
#define LINUX_FICLONE 0x40049409u

/* the kernel's struct termios (NCCS 19), not libc's */
struct linux_termios { uint32_t iflag, oflag, cflag, lflag; uint8_t line, cc[19]; };
/* c_cflag's line speeds: output (CBAUD), input (CIBAUD, 0: as output) */
#define LINUX_CBAUD 0010017u
#define LINUX_CIBAUD 002003600000u
#define LINUX_IBSHIFT 16
struct linux_winsize { uint16_t row, col, xpixel, ypixel; };

struct rx_futex_wake_op;
/* FUTEX_WAKE_OP's encoded operation (op << 28 | cmp << 24 | oparg << 12 | cmparg,
 * 12-bit signed arguments, FUTEX_OP_OPARG_SHIFT making oparg a shift) as rx's:
 * 0, or -ENOSYS for an operation or comparison Linux does not know. */
int abi_futex_wake_op_to_rx(uint32_t encoded, struct rx_futex_wake_op *o);

#endif

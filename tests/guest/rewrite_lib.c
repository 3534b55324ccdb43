/* rewrite_lib.c — a shared library rewrite.c opens with dlopen after start: its
 * call site exists only from then on, and is rewritten like any other. */
__asm__(".text\n"
        ".globl lib_getppid\n"
        ".type lib_getppid, @function\n"
        ".p2align 4\n"
        "lib_getppid:\n"
        "  mov $110, %eax\n"
        "  syscall\n"
        "  ret\n"
        ".size lib_getppid, .-lib_getppid\n");

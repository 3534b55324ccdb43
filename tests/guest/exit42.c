/* exit42.c — exit status propagation: the test runner expects status 42.
 * Without arguments it leaves through exit() (atexit handlers, stdio flush,
 * exit_group); with "sys_exit" through the raw single-thread exit call; with
 * "wrapped" through exit(256 + 42), which the parent sees as 42. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void at_exit_message(void) { puts("exit42: atexit handler ran"); }

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sys_exit") == 0) {
        fflush(stdout);
        syscall(SYS_exit, 42);
        return 1; /* not reached: SYS_exit ends the only thread */
    }
    if (argc > 1 && strcmp(argv[1], "wrapped") == 0) exit(256 + 42);
    atexit(at_exit_message);
    printf("exit42: leaving with 42\n");
    exit(42);
}

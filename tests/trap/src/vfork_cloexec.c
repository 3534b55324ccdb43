/* vfork_cloexec.c — three vfork children, each making a close-on-exec copy of fd
 * 0 (21) and a plain one (22) before it execs ls of its fds: 22 is listed, 21 is
 * not.  Under lxrun the second and third take a spare made ahead, whose fds
 * were sent over; the calls between vfork and exec change them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void)
{
    for (int i = 0; i < 3; i++) {
        pid_t p = vfork();
        if (p == 0) {
            dup3(0, 21, O_CLOEXEC);  /* closed at the exec */
            dup2(0, 22);             /* kept */
            execl("/bin/ls", "ls", "/proc/self/fd", (char *)0);
            _exit(127);
        }
        int st;
        waitpid(p, &st, 0);
        printf("--\n");
        fflush(stdout);
    }
    return 0;
}

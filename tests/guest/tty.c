/* tty.c — ioctl: terminal requests on things that are not terminals, the
 * generic fd requests (FIONREAD, FIONBIO, FIOCLEX/FIONCLEX), unknown requests.
 * When the program's stdin happens to be a terminal, its settings are read
 * too (under ctest it is not). */
#include <sys/ioctl.h>
#include <termios.h>

#include "check.h"

static void not_a_terminal(void)
{
    put_file("file", "0123456789", 10);
    int fd = CHECK_OK(open("file", O_RDWR));
    struct termios t;
    struct winsize w;
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &w), ENOTTY);
    CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
    errno = 0;
    CHECK(isatty(fd) == 0 && errno == ENOTTY);
    CHECK_ERR(ioctl(fd, TIOCGPGRP, &(pid_t){ 0 }), ENOTTY);
    CHECK_ERR(ioctl(fd, 0x12345678, 0), ENOTTY); /* unknown request */
    CHECK_ERR(ioctl(999, TCGETS, &t), EBADF);
    CHECK_ERR(ioctl(999, 0x12345678, 0), EBADF);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    CHECK(!isatty(p[1]));
    close(p[0]);
    close(p[1]);
    int null = CHECK_OK(open("/dev/null", O_RDWR));
    CHECK_ERR(ioctl(null, TCGETS, &t), ENOTTY);
    close(null);
    close(fd);
}

static void generic_requests(void)
{
    int p[2], n = -1;
    char buf[16];
    CHECK_OK(pipe(p));
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 0);
    CHECK_EQ(write(p[1], "1234567", 7), 7);
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 7);
    CHECK_EQ(read(p[0], buf, 3), 3);
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 4);
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);

    /* FIONREAD on a regular file: the bytes left after the offset. */
    put_file("f", "0123456789", 10);
    int fd = CHECK_OK(open("f", O_RDONLY));
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    CHECK_OK(ioctl(fd, FIONREAD, &n));
    CHECK_EQ(n, 7);

    /* FIONBIO is O_NONBLOCK by another name. */
    int on = 1, off = 0;
    CHECK_OK(ioctl(p[0], FIONBIO, &on));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    CHECK_OK(ioctl(p[0], FIONBIO, &off));
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);

    CHECK_OK(ioctl(fd, FIOCLEX));
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK_OK(ioctl(fd, FIONCLEX));
    CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    CHECK_ERR(ioctl(999, FIONREAD, &n), EBADF);
    close(fd);
    close(p[0]);
    close(p[1]);
}

static void real_terminal(void)
{
    if (!isatty(0)) return;
    struct termios t;
    struct winsize w;
    CHECK_OK(tcgetattr(0, &t));
    CHECK_OK(ioctl(0, TIOCGWINSZ, &w));
    CHECK_OK(tcsetattr(0, TCSANOW, &t)); /* unchanged settings */
}

int main(void)
{
    check_prog = "tty";
    RUN(not_a_terminal);
    RUN(generic_requests);
    RUN(real_terminal);
    return check_done();
}

/* bss_spread.c -- scalars among arrays, in the order written and without a
 * section each (-fno-toplevel-reorder, no -fdata-sections): the layout
 * bss_small_together.py must refuse (its self-test). */
#define PAIR(n) static int scalar##n; static char array##n[8192];
PAIR(0) PAIR(1) PAIR(2) PAIR(3) PAIR(4) PAIR(5) PAIR(6) PAIR(7) PAIR(8) PAIR(9) PAIR(10) PAIR(11)
#define TOUCH(n) scalar##n = argc; array##n[argc] = 1;
int main(int argc, char **argv)
{
    (void)argv;
    TOUCH(0) TOUCH(1) TOUCH(2) TOUCH(3) TOUCH(4) TOUCH(5) TOUCH(6) TOUCH(7) TOUCH(8) TOUCH(9) TOUCH(10) TOUCH(11)
    return scalar0 + scalar11 - 2 * argc;
}

/* interp_bytes.c — prints its pid, its interpreter's base and the 16 bytes its
 * interpreter's mapping holds at the file offset argv[1] (hex): what the process
 * runs there, whether the loader mapped the file's page or one planted before. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    unsigned long base = getauxval(AT_BASE), off = strtoul(argv[1], NULL, 0);
    const unsigned char *p = (const unsigned char *)(base + off);
    printf("%d %#lx ", (int)getpid(), base);
    for (int i = 0; i < 16; i++) printf("%02x", p[i]);
    printf("\n");
    return 0;
}

/* glibc's CPU facts as its start found them: the CPUID words of each feature
 * index (leaf 1's APIC ID masked: it names the CPU the probe ran on) and the
 * cache geometry sysconf reports from them.  Built static by
 * trap.cpuid_static_program (gcc -static links no PT_GNU_EH_FRAME), so glibc's
 * own start probes the CPU from the program's text. */
#include <stdio.h>
#include <unistd.h>
#include <sys/platform/x86.h>

int main(void)
{
    for (unsigned i = 0; i <= CPUID_INDEX_14_ECX_0; i++) {
        const struct cpuid_feature *f = __x86_get_cpuid_feature_leaf(i);
        unsigned ebx = f->cpuid_array[1] & (i == CPUID_INDEX_1 ? 0x00ffffffu : ~0u);
        printf("index %u cpuid %08x %08x %08x %08x active %08x %08x %08x %08x\n", i, f->cpuid_array[0], ebx,
               f->cpuid_array[2], f->cpuid_array[3], f->active_array[0], f->active_array[1], f->active_array[2],
               f->active_array[3]);
    }
    for (int name = _SC_LEVEL1_ICACHE_SIZE; name <= _SC_LEVEL4_CACHE_LINESIZE; name++)
        printf("sysconf %d %ld\n", name, sysconf(name));
    return 0;
}

# lscpu's CPU identity, the lines both runs can have: the caches, NUMA and the
# vulnerabilities come from /sys files lxrun does not serve, and lscpu widens its
# label column to the longest label it prints, so the spaces are squeezed.  The
# model name is procfs.lscpu_parses's to check: Linux keeps the name CPUID gave at
# boot, lxrun the one it gives now, and on a VM moved since they differ.
lscpu > lscpu.out
echo "lscpu exit $?"
grep -E '^(Architecture|CPU op-mode\(s\)|Byte Order|CPU\(s\)|On-line CPU\(s\) list|Vendor ID|CPU family|Model|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|Stepping|Hypervisor vendor|Virtualization type):' lscpu.out | tr -s ' '
rm lscpu.out

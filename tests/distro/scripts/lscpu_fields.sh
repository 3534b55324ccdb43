# lscpu's CPU identity, the lines both runs can have: the caches, NUMA and the
# vulnerabilities come from /sys files lxrun does not serve, and lscpu widens its
# label column to the longest label it prints, so the spaces are squeezed.
lscpu > lscpu.out
echo "lscpu exit $?"
grep -E '^(Architecture|CPU op-mode\(s\)|Byte Order|CPU\(s\)|On-line CPU\(s\) list|Vendor ID|Model name|CPU family|Model|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|Stepping|Hypervisor vendor|Virtualization type):' lscpu.out | tr -s ' '
rm lscpu.out

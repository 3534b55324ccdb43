#!/usr/bin/python3
"""max_rss.py LIMIT_KB COMMAND...: runs COMMAND and fails when it does not exit 0 or
when its peak resident set (the system's count, lxrun's own memory included)
exceeds LIMIT_KB.  Used to show that lxrun gives back what each exited thread
held (its trap record, alternate stack and host stack)."""
import resource
import subprocess
import sys

limit = int(sys.argv[1])
rc = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"exit {rc}, peak RSS {peak} KB (limit {limit} KB)")
sys.exit(0 if rc == 0 and peak <= limit else 1)

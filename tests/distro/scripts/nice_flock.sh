# nice_flock.sh — nice values as children see them (nice, /proc/self/stat's
# priority and nice fields), and flock's lock held across a child.
nice -n 5 nice
nice -n 3 sh -c 'cut -d" " -f18,19 /proc/self/stat'
flock lockfile -c 'echo locked; flock -n lockfile -c "echo inner" || echo "busy $?"'
flock -n lockfile -c 'echo free again'
sh -c 'exit 7'; echo "status $?"

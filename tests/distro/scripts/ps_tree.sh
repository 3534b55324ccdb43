# ps_tree.sh — the process tree as ps, pstree, pgrep and pkill see it, relative to
# this shell: its children (two sleeps, then the tools themselves), by name and depth.
# Native ps lists every process of the machine; lxrun's, the session's: the shell's
# descendants are the same in both.
sleep 30 & sleep 31 &
# lxrun's exec is slower than the native one: wait until both children are sleep.
n=0
while [ "$(pgrep -P $$ -x sleep | wc -l)" != 2 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
echo "ps:"
# (ps alone, to a file: a pipeline's other side may not have exec'd its program yet)
ps -e -o pid=,ppid=,comm= > ps.out
awk -v top=$$ '
    { ppid[$1] = $2; name[$1] = $3 }
    END { for (p in ppid) { d = 0; q = p; while (q in ppid && q != top) { q = ppid[q]; d++ }
                            if (q == top) print d, name[p] } }' ps.out | sort
echo "pstree:"
pstree -A $$
echo "pgrep:"
pgrep -P $$ -l > pgrep.out
awk '{ print $2 }' pgrep.out | sort
# (the shell is sleeping in wait, or running just after the fork: either)
echo "stat of this shell:"
awk '{ print $2, ($3 == "S" || $3 == "R"), ($4 == PPID_OK) }' PPID_OK=$PPID /proc/$$/stat
echo "top:"
top -bn1 -p $$ | tail -1 | awk -v top=$$ '{ print ($1 == top), ($8 == "S" || $8 == "R"), $NF }'
rm ps.out pgrep.out  # their pids differ from run to run
pkill -P $$ -x sleep
echo "pkill $?"

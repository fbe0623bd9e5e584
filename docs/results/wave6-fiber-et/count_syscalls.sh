#!/bin/sh
# count.sh PAPAYA N [DESIGN]: syscalls of the sink server under `papaya load` (N x 1 Mbit/s),
# strace -c -f attached for 4 s in the middle of a 10 s window.
set -u
bin=$1; n=$2; design=${3:-fiber}
d=$(mktemp -d /tmp/papaya-count.XXXX)
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' > $d/key; echo >> $d/key; chmod 600 $d/key
port=$((20000 + $$ % 20000))
taskset -c 0 $bin serve --design $design --workload sink --foreground --host 127.0.0.1 --port $port \
  --log $d/chat.log --key-file $d/key --max-clients 600 2>$d/server.err &
spid=$!
sleep 0.5
taskset -c 1 $bin load --host 127.0.0.1 --port $port --connections $n --rate 1Mbps --seconds 10 >$d/load.out 2>&1 &
lpid=$!
sleep 4
# every process of the server tree (fiber: one; process: one per client)
pids=$(pgrep -P $spid | tr '\n' ' ')
allp="$spid $pids"
args=""; for p in $allp; do args="$args -p $p"; done
timeout -s INT 4 strace -c -f $args -o $d/strace.txt 2>/dev/null
wait $lpid
kill -TERM $spid; wait $spid 2>/dev/null
cat $d/strace.txt
tail -3 $d/load.out

#!/bin/bash
# stracec.sh BUILD DESIGN N SECS: strace -f -c of the running sink server's tree over SECS, and a
# -tt trace of 0.3 s, under papaya load --rate 1Mbps
set -u
build=$1; design=$2; n=$3; secs=$4
d=$(mktemp -d /tmp/strc.XXXXXX)
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$d/key"; echo >>"$d/key"; chmod 600 "$d/key"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
case $design in
  fiber|process) cmd=("$build/papaya" serve --design "$design" --workload sink --foreground --host 127.0.0.1
                      --port "$port" --log "$d/chat.log" --key-file "$d/key" --max-clients 600) ;;
  c) cmd=("$build/peers/c_sink" "$port") ;;
  go) cmd=("$build/peers/go_sink" "$port") ;;
esac
taskset -c 0 "${cmd[@]}" >/dev/null 2>"$d/server.err" &
spid=$!
for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
sleep 1
taskset -c 1 "$build/papaya" load --host 127.0.0.1 --port "$port" --connections "$n" --rate 1Mbps --seconds $((secs+30)) >"$d/load.out" 2>&1 &
lpid=$!
for _ in $(seq 300); do grep -q ramped "$d/load.out" 2>/dev/null && break; sleep 0.1; done
sleep 1
args=(); for p in $spid $(pgrep -P $spid); do for t in /proc/$p/task/*; do args+=(-p "${t##*/}"); done; done
timeout -s INT "$secs" strace -f -c "${args[@]}" -o "$d/c.txt" 2>/dev/null
timeout -s INT 0.3 strace -f -tt "${args[@]}" -o "$d/tt.txt" 2>/dev/null
echo "== $design N=$n: strace -f -c over ${secs}s (85.6 x N lines a second due)"; cat "$d/c.txt"
echo "== 0.3 s of strace -f -tt:"; head -16 "$d/tt.txt"
kill -TERM $lpid; kill -TERM $spid; sleep 1; kill -KILL $spid 2>/dev/null
wait 2>/dev/null

#!/bin/bash
# acks.sh BUILD DESIGN N SECS: segs_in / segs_out of the server's sockets over a window (ss -ti)
set -u
build=$1; design=$2; n=$3; secs=$4
d=$(mktemp -d /tmp/acks.XXXXXX)
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
snap() { ss -tinH state established "( sport = :$port )" | tr ' ' '\n' | awk -F: '/^segs_out:/{o+=$2} /^segs_in:/{i+=$2} /^bytes_received:/{b+=$2} END{print i+0, o+0, b+0}'; }
a=$(snap); sleep "$secs"; b=$(snap)
echo "$design N=$n: $(echo $a $b | awk '{di=$4-$1; do_=$5-$2; db=$6-$3; printf "segs_in %d segs_out %d lines %.0f  acks per line %.3f", di, do_, db/1460, do_/(db/1460)}')"
ss -tinH state established "( sport = :$port )" | head -2 | tr -s ' ' | cut -c1-600
kill -TERM $lpid; kill -TERM $spid; sleep 1; kill -KILL $spid 2>/dev/null
wait 2>/dev/null

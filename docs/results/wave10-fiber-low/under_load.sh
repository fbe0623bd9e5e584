# under_load.sh (sourced by acks.sh, prof.sh, stracec.sh): starts the sink server DESIGN pinned
# to core 0 on an ephemeral port and `papaya load --rate 1Mbps` with N connections on core 1,
# waits until the load has ramped, and leaves $d (scratch dir), $port, $spid (server) and $lpid
# (load) set; stop_under_load ends both. Needs $build, $design, $n, $secs and a mktemp template
# in $tmpl.
d=$(mktemp -d "$tmpl")
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

stop_under_load() {
  kill -TERM "$lpid"; kill -TERM "$spid"; sleep 1; kill -KILL "$spid" 2>/dev/null
  pkill -KILL -P "$spid" 2>/dev/null
  wait 2>/dev/null
}

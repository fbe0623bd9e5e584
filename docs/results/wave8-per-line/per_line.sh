#!/bin/bash
# per_line.sh BUILD DESIGN N [SECONDS]: what the sink server of DESIGN (fiber, process, c, go,
# go-raw) does per line under `papaya load --connections N --rate 1Mbps` (1460-byte lines, 85.6
# a second per connection), in counts the machine's load does not change:
#   - context switches of every thread of the server tree (/proc/PID/task/TID/status), and its
#     on-CPU time (/proc/PID/task/TID/schedstat: this one does depend on the load), over a
#     SECONDS window after the ramp (a thread that sleeps in a system call and is woken: one
#     voluntary switch, one wake-up);
#   - syscalls by name, in the same window (perf stat on the syscalls:sys_enter_* tracepoints
#     of every process of the tree: no ptrace stops, so the context switches are the server's
#     own); "ALL" is raw_syscalls:sys_enter, every system call; per wake-up = per voluntary
#     context switch;
#   - with CALLGRIND=1 instead: user-space instructions, the server run under valgrind
#     --tool=callgrind --trace-children=yes, counters zeroed at the window's start
#     (callgrind_control -z) and dumped at its end (-d).
# Server pinned to core 0, load generator to core 1 (as `papaya bench cpu --pin`). BUILD holds
# papaya and peers/ (bench/peers/build.sh BUILD/peers). Lines in a window: the bytes the
# server's sockets received in it (ss -ti bytes_received) / 1460 (85.616 x N x SECONDS are due:
# 1e6 / (1460 x 8) a second per connection). A load generator running late sends lines in
# bursts, which the server reads together: then there are fewer wake-ups than lines (context
# switches per line below 1). N = 0: the idle server, totals over the window.
set -u
build=$1; design=$2; n=$3; secs=${4:-10}
papaya=$build/papaya; peers=$build/peers
d=$(mktemp -d /tmp/perline.XXXXXX)
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$d/key"; echo >>"$d/key"; chmod 600 "$d/key"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
case $design in
  fiber|process) cmd=("$papaya" serve --design "$design" --workload sink --foreground --host 127.0.0.1
                      --port "$port" --log "$d/chat.log" --key-file "$d/key" --max-clients 600) ;;
  c) cmd=("$peers/c_sink" "$port") ;;
  go) cmd=("$peers/go_sink" "$port") ;;
  go-raw) cmd=("$peers/go_raw_sink" "$port") ;;
  *) echo "per_line.sh: unknown design $design" >&2; exit 2 ;;
esac
wrap=()
if [ "${CALLGRIND:-0}" = 1 ]; then
  wrap=(valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$d/cg.%p"
        --log-file="$d/vg.%p.log")
fi
taskset -c 0 "${wrap[@]}" "${cmd[@]}" >/dev/null 2>"$d/server.err" &
spid=$!
for _ in $(seq 300); do  # listening? (slow under valgrind)
  (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.1
done
sleep 1  # the probe connection's fork-per-client child ends
total=$((secs * 3 + 30))  # ended below once measured
lpid=""
if [ "$n" -gt 0 ]; then  # N = 0: no load, the idle server (a periodic wake-up would show)
  taskset -c 1 "$papaya" load --host 127.0.0.1 --port "$port" --connections "$n" --rate 1Mbps \
    --seconds "$total" >"$d/load.out" 2>&1 &
  lpid=$!
  for _ in $(seq 300); do grep -q ramped "$d/load.out" 2>/dev/null && break; sleep 0.1; done
  sleep 1
fi

tree() {  # $1 and every descendant
  echo "$1"
  local c
  for c in $(pgrep -P "$1"); do tree "$c"; done
}
snap() {  # tid voluntary nonvoluntary on_cpu_ns, every thread of the tree
  local p t
  for p in $(tree "$spid"); do
    for t in /proc/"$p"/task/*; do
      [ -r "$t/status" ] || continue
      printf '%s %s %s %s\n' "${t##*/}" \
        "$(awk '/^voluntary_ctxt/{print $2}' "$t/status")" \
        "$(awk '/^nonvoluntary_ctxt/{print $2}' "$t/status")" \
        "$(cut -d' ' -f1 "$t/schedstat")"
    done
  done
}
rx() {  # bytes the server's sockets received so far (tcp_info bytes_received, ss(8))
  ss -tinH state established "( sport = :$port )" | grep -o 'bytes_received:[0-9]*' |
    awk -F: '{s+=$2} END{print s+0}'
}
lines_since() {  # lines (1460 bytes) received since rx was $1; N = 0: 1 (totals, not per line)
  python3 -c "print(max(($(rx) - $1) / 1460, 1) if $n > 0 else 1)"
}
lines=$(python3 -c "print(max(85.616 * $n * $secs, 1))")  # due in a window
pids=$(tree "$spid" | tr '\n' ' ')
echo "design=$design N=$n window=${secs}s lines_due=$lines server_tree=[$pids]"
if [ "${CALLGRIND:-0}" = 1 ]; then
  for p in $pids; do callgrind_control -z "$p" >/dev/null 2>&1; done
  r0=$(rx); sleep "$secs"
  for p in $pids; do callgrind_control -d "$p" >/dev/null 2>&1; done
  lines=$(lines_since "$r0"); echo "lines received in the window: $lines"
  sleep 2
  # the dumps requested by -d are cg.PID.N (the final one at exit is cg.PID)
  ir=$(cat "$d"/cg.*.[0-9]* 2>/dev/null | awk '/^summary:/{s+=$2} END{print s+0}')
  echo "user instructions in window: $ir  per line: $(python3 -c "print(round($ir / $lines))")"
else
  ulimit -n 65536 2>/dev/null  # perf opens one descriptor per event per thread
  pidlist=$(echo $pids | tr ' ' ',')
  # The window is perf's workload, which runs once the counters are on: the byte count and the
  # context switches are read at its two ends.
  export port spid d secs
  export -f rx snap tree
  perf stat -x, -o "$d/perf.txt" -e raw_syscalls:sys_enter -e 'syscalls:sys_enter_*' \
    -p "$pidlist" -- bash -c 'rx >"$d/r0"; snap >"$d/a"; sleep "$secs"; snap >"$d/b"; rx >"$d/r1"'
  lines=$(python3 -c "print(max(($(cat "$d/r1") - $(cat "$d/r0")) / 1460, 1) if $n > 0 else 1)")
  echo "lines received in the window: $lines"
  awk -v lines="$lines" 'NR==FNR{v[$1]=$2; nv[$1]=$3; ns[$1]=$4; next}
       {dv+=$2-v[$1]; dn+=$3-nv[$1]; dt+=$4-ns[$1]}
       END{printf "context switches: voluntary %d (%.3f per line) nonvoluntary %d; on-CPU %.1f ms, %.1f us per line (load-dependent)\n",
           dv, dv/lines, dn, dt/1e6, dt/1e3/lines; print dv > "/dev/stderr"}' "$d/a" "$d/b" 2>"$d/wakeups"
  w=$(cat "$d/wakeups"); [ "$w" -gt 0 ] || w=1
  # perf stat -x, lines: value,unit,event,...
  awk -F, -v lines="$lines" -v w="$w" '$1 ~ /^[0-9]+$/ && $1 > 0 {
         name=$3; sub(/^syscalls:sys_enter_/, "", name); sub(/^raw_syscalls:sys_enter$/, "ALL", name)
         printf "  %-18s %8d   %.3f per line   %.3f per wake-up\n", name, $1, $1/lines, $1/w}' \
    "$d/perf.txt" | sort -k2 -n -r
fi
[ -n "$lpid" ] && kill -TERM "$lpid" 2>/dev/null && wait "$lpid" 2>/dev/null
kill -TERM "$spid" 2>/dev/null
sleep 1; kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
for p in $pids; do kill -KILL "$p" 2>/dev/null; done
echo "data: $d"

#!/bin/sh
# CI smoke of the chat workload's fan-out measurement (not a timed benchmark): papaya's chat
# server, 3 clients, 2 s; every line sent must reach the two other clients, with latency
# percentiles in order. Usage: bench_chat_smoke.sh PAPAYA
set -u
papaya=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$papaya" bench cpu --workload chat --designs process --connections 3 --seconds 2 --out "$out"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] || { echo "bench_chat_smoke: papaya bench cpu failed ($rc)"; exit 1; }
cat "$out/results.csv"
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { rows++
    want = $col["fanout_expected"]; got = $col["fanout_received"]
    p50 = $col["fanout_p50_ms"]; p99 = $col["fanout_p99_ms"]; mx = $col["fanout_max_ms"]
    err = $col["error"] }
  $col["workload"] != "chat" { print "workload " $col["workload"]; bad = 1 }
  want < 2 * 50 { print "fewer than 50 lines x 2 receivers expected in 2 s: " want; bad = 1 }
  got != want { print "fan-out deliveries " got " of " want; bad = 1 }
  !(p50 > 0 && p50 <= p99 && p99 <= mx) { print "percentiles out of order: " p50 " " p99 " " mx; bad = 1 }
  err != "" && err !~ /^the load generator ran late/ { print "error: " err; bad = 1 }
  END { if (rows != 1) { print "expected 1 row, got " rows; bad = 1 }; exit bad }' \
  "$out/results.csv" || exit 1
grep -q "| 3 | process |" "$out/results.md" || { echo "bench_chat_smoke: chat table row missing"; exit 1; }
echo "bench_chat_smoke: ok"

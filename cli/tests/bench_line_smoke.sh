#!/bin/sh
# CI smoke of `papaya bench line` (not a timed benchmark): papaya's process design, 3 clients,
# 40 lines one at a time; the CSV row must be sane: every line reached both other clients once,
# the server tree used some CPU, latencies are in order and the per-delivery median is at most the
# per-line one (a line's last copy arrives after each of its copies). Usage: bench_line_smoke.sh PAPAYA
set -u
papaya=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$papaya" bench line --designs process --connections 3 --lines 40 --warmup-lines 5 --repeat 1 \
  --out "$out"
rc=$?
[ $rc -eq 0 ] || { echo "bench_line_smoke: papaya bench line failed ($rc)"; cat "$out"/logs/* 2>/dev/null; exit 1; }
cat "$out/line.csv"
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { rows++
    cpu = $col["server_cpu_us"]; per = $col["cpu_us_per_line"]
    p50 = $col["line_p50_us"]; p99 = $col["line_p99_us"]; mx = $col["line_max_us"]
    d50 = $col["delivery_p50_us"] }
  $col["design"] != "process" || $col["connections"] != 3 { print "bad point: " $0; bad = 1 }
  $col["lines"] != 40 || $col["deliveries"] != 80 { print "lines/deliveries: " $col["lines"] " " $col["deliveries"]; bad = 1 }
  $col["duplicates"] != 0 || $col["reordered"] != 0 { print "duplicates/reordered"; bad = 1 }
  $col["processes"] <= 3 { print "a fork-per-client server with 3 clients has more than 3 processes: " $col["processes"]; bad = 1 }
  !(cpu > 0 && per > 0 && per < 1000000) { print "server CPU " cpu " us, " per " us per line"; bad = 1 }
  (per * 40 - cpu) ^ 2 > (cpu * 0.01 + 1) ^ 2 { print "CPU per line x lines != CPU: " per " " cpu; bad = 1 }
  !(p50 > 0 && p50 <= p99 && p99 <= mx && mx < 5000000) { print "latencies out of order: " p50 " " p99 " " mx; bad = 1 }
  !(d50 > 0 && d50 <= p50) { print "per-delivery median " d50 " above the per-line one " p50; bad = 1 }
  $col["error"] != "" { print "error: " $col["error"]; bad = 1 }
  END { if (rows != 1) { print "expected 1 row, got " rows; bad = 1 }; exit bad }' \
  "$out/line.csv" || exit 1
grep -q "^| 3 | process | 1 |" "$out/line.md" || { echo "bench_line_smoke: table row missing"; cat "$out/line.md"; exit 1; }
echo "bench_line_smoke: ok"

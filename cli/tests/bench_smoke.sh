#!/bin/sh
# CI smoke of `papaya bench cpu` (not a timed benchmark): two points of the process design, sink
# workload, 2 s each; the CSV must have one sane row per point. Usage: bench_smoke.sh PAPAYA
set -u
papaya=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Exit 1 with a lateness rejection is a busy machine, not a broken bench: the rows are checked.
"$papaya" bench cpu --designs process --connections 1,2 --seconds 2 --out "$out"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] || { echo "bench_smoke: papaya bench cpu failed ($rc)"; exit 1; }
cat "$out/results.csv"
rows=$(tail -n +2 "$out/results.csv" | wc -l)
[ "$rows" -eq 2 ] || { echo "bench_smoke: expected 2 rows, got $rows"; exit 1; }
# design,workload,connections,repeat,intervals,...,mean_cpu_pct_all(12),...,processes(15),...,
# load_rate_bps_per_conn(20),...,error(last)
tail -n +2 "$out/results.csv" | awk -F, '
  { n++ }
  $1 != "process" || $2 != "sink" { print "bad design/workload: " $0; bad = 1 }
  $3 != n { print "connections " $3 " in row " n; bad = 1 }
  $5 < 4 { print "fewer than 4 intervals in 2 s: " $5; bad = 1 }
  $12 <= 0 || $12 > 100 { print "server CPU not in (0, 100]: " $12; bad = 1 }
  $15 < $3 + 1 { print "process tree smaller than daemon + one per client: " $15; bad = 1 }
  $20 < 800000 || $20 > 1200000 { print "load rate per connection off 1 Mbit/s by >20%: " $20; bad = 1 }
  $NF != "" && $NF !~ /^the load generator ran late/ { print "error: " $NF; bad = 1 }
  END { exit bad }' || exit 1
grep -q "| 1 | 0.34 (0.159) | 1.94 (0.169) | 5.7 |" "$out/results.md" || { echo "bench_smoke: paper row missing"; exit 1; }
echo "bench_smoke: ok"

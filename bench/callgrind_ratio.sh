#!/bin/sh
# Issue 11's ratio (c) by instructions (docs/performance.md, "Wave 8"): callgrind counts the
# instructions of one run of each benchmark -- (b) 20,000 simulated getpid calls in one process,
# (c) one chat run 3x5 of each design -- and prints them per call / per step and (c) = chat step /
# getpid call. Deterministic: other tenants of the machine do not move it.
#
#   bench/callgrind_ratio.sh SIM_BENCH [OUT_DIR]
#
# SIM_BENCH is a release build's papaya_sim_bench. The toggle patterns name the benchmark
# functions exactly: a wildcard after the name would also match the lambdas they hand to the
# simulation, and callgrind would stop counting on the fibers that run them. LD_BIND_NOW=1 keeps
# the dynamic linker's lazy binding (paid once per program, by its first run) out of the run.
# Exit 2 on bad arguments, 1 if a run fails.
set -eu
[ $# -ge 1 ] && [ -x "$1" ] || {
  echo "usage: $0 SIM_BENCH [OUT_DIR]" >&2
  exit 2
}
bench=$1
out=${2:-$(mktemp -d)}
mkdir -p "$out"
command -v valgrind >/dev/null || { echo "$0: valgrind is not installed" >&2; exit 2; }
one() {  # one NAME FILTER TOGGLE: prints "instructions steps"
  LD_BIND_NOW=1 valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1" --toggle-collect="$3" \
    "$bench" --benchmark_filter="$2" --benchmark_min_time=0.05 --benchmark_color=false \
    >"$out/$1.txt" 2>"$out/$1.err" || { echo "$0: $1 failed (see $out/$1.err)" >&2; exit 1; }
  ir=$(callgrind_annotate "$out/cg.$1" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  # steps_per_run is the last column ("1059", "20.001k"); the table is coloured even in a file
  steps=$(sed 's/\x1b\[[0-9;]*m//g' "$out/$1.txt" | awk '/^BM_/ {print $NF}' | awk '{n = $1; if (n ~ /k$/) {sub("k", "", n); n *= 1000} printf "%d\n", n + 0.5}')
  echo "$ir $steps"
}
calls='*::simulated_calls(benchmark::State&, int, int)'
runs='*::chat_run_3x5(benchmark::State&, papaya::chat::Design)'
set -- $(one getpid '^BM_SimGetpid_1proc$' "$calls") $(one chat '^BM_ChatRun_3x5$' "$runs") \
  $(one go '^BM_GoChatRun_3x5$' "$runs")
[ $# -eq 6 ] || { echo "$0: a benchmark run failed (see $out)" >&2; exit 1; }
awk -v gi="$1" -v gs="$2" -v ci="$3" -v cs="$4" -v oi="$5" -v os="$6" 'BEGIN {
  b = gi / gs; c = ci / cs; o = oi / os
  printf "(b) getpid, 1 process: %d instructions / %d calls = %.1f\n", gi, gs, b
  printf "(c) process chat 3x5: %d / %d steps = %.1f per step = %.2f x (b)\n", ci, cs, c, c / b
  printf "(c) goroutine chat 3x5: %d / %d steps = %.1f per step = %.2f x (b)\n", oi, os, o, o / b
}'
echo "callgrind profiles: $out"

#!/bin/sh
# Whether two papaya binaries explore the same (docs/explore.md, "Performance"): a speed-up of
# exploration must not change what is explored. Runs the list below on BASE and NEW with --json
# and diffs the objects without their timing fields (seconds, per-second rates): executions,
# traces, abandoned, races, steps, wakeup divergences, the kept memory counts and the status must
# be equal. Then `papaya sim` traces byte-identical (scripts/compare-sim-traces, SIM_SEEDS seeds
# per scenario, 5 by default; SIM_SEEDS=0 skips it).
#
#   bench/explore_result_identity.sh BASE NEW
#
# Exit 0: identical; 1: a difference (printed); 2: bad arguments.
set -u
[ $# -eq 2 ] && [ -x "$1" ] && [ -x "$2" ] || {
  echo "usage: $0 BASE NEW (two papaya binaries)" >&2
  exit 2
}
base=$1
new=$2
here=$(cd "$(dirname "$0")/.." && pwd)
command -v jq >/dev/null || { echo "$0: jq is not installed" >&2; exit 2; }
out=$(mktemp -d)
status=0
n=0
# One exploration per line: its arguments.
while read -r args; do
  [ -n "$args" ] || continue
  n=$((n + 1))
  for b in base new; do
    eval bin=\$$b
    # shellcheck disable=SC2086  # the arguments are words
    "$bin" explore $args --json >"$out/$n.$b.raw" 2>"$out/$n.$b.err"
    echo "exit $?" >>"$out/$n.$b.err"
    jq -S 'del(.seconds, .executions_per_second, .steps_per_second)' "$out/$n.$b.raw" \
      >"$out/$n.$b.json" 2>>"$out/$n.$b.err"
  done
  if cmp -s "$out/$n.base.json" "$out/$n.new.json" &&
    [ "$(tail -1 "$out/$n.base.err")" = "$(tail -1 "$out/$n.new.err")" ] &&
    [ -s "$out/$n.base.json" ]; then
    echo "same: $args ($(jq -c '{executions, traces, abandoned, races, steps, wakeup_divergences}' \
      "$out/$n.new.json"))"
  else
    echo "DIFFERENT: $args"
    diff "$out/$n.base.json" "$out/$n.new.json"
    status=1
  fi
done <<'EOF'
--clients 1 --messages 0 --strategy optimal
--clients 1 --messages 1 --strategy optimal
--clients 1 --messages 2 --strategy optimal
--clients 2 --messages 0 --strategy optimal --max-executions 50000
--clients 1 --messages 1 --strategy dpor
--clients 2 --messages 1 --strategy dpor --max-executions 20000
--clients 1 --messages 1 --strategy dfs --bound 1
--design goroutine --gomaxprocs 1 --clients 1 --messages 0 --strategy optimal
--benchmark lastzero:10 --strategy optimal
--benchmark lastzero:10 --strategy dpor
--clients 1 --messages 1 --strategy dpor --bound 1
--clients 1 --messages 0 --strategy optimal --data-options 2 --max-executions 30000
--clients 1 --messages 0 --strategy dpor --data-options 2 --faults --max-executions 30000
--clients 1 --messages 0 --strategy dpor --bound 2 --data-options 2 --max-executions 30000
--design goroutine --gomaxprocs 1 --clients 1 --messages 0 --strategy dpor --max-executions 30000
EOF
if [ "${SIM_SEEDS:-5}" != 0 ]; then
  if "$here/scripts/compare-sim-traces" "$base" "$new" "${SIM_SEEDS:-5}" >"$out/sim.txt" 2>&1; then
    echo "same: papaya sim traces ($(tail -1 "$out/sim.txt"))"
  else
    echo "DIFFERENT: papaya sim traces"
    tail -20 "$out/sim.txt"
    status=1
  fi
fi
[ $status -eq 0 ] && rm -rf "$out" || echo "outputs kept in $out"
exit $status

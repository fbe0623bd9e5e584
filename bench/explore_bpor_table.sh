#!/bin/sh
# The bounded-DPOR rows of docs/explore.md ("Verification results"): `papaya explore --strategy
# dpor --bound K` on the correct process design, one configuration per row, printed as
# tab-separated values (configuration, bound, executions, abandoned, distinct traces, runs per
# trace, wall seconds, CPU seconds (user + system, /usr/bin/time), executions per bound, status).
# One run at a time; each bounded by TIME_LIMIT_S. EXTRA (environment) is passed to papaya as more
# options (e.g. EXTRA="--data-options 2").
# Usage: [EXTRA=...] bench/explore_bpor_table.sh PAPAYA BOUND TIME_LIMIT_S "C L" ["C L" ...]
set -eu
papaya=$1
bound=$2
limit=$3
shift 3
out=$(mktemp)
cpu=$(mktemp)
trap 'rm -f "$out" "$cpu"' EXIT
for cfg in "$@"; do
  set -- $cfg
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S" -o "$cpu" "$papaya" explore --clients "$1" --messages "$2" \
    --strategy dpor --bound "$bound" ${EXTRA:-} --time-limit "$limit" \
    --max-executions 100000000 --json >"$out" 2>/dev/null || true
  python3 -c 'import json,sys; d=json.load(open(sys.argv[3])); u,s=open(sys.argv[4]).read().split()[-2:]; runs=d["executions"]+d["abandoned"]; print("\t".join(str(x) for x in [sys.argv[1], sys.argv[2], d["executions"], d["abandoned"], d["traces"], round(runs/max(d["traces"],1),1), round(d["seconds"], 2), round(float(u)+float(s),1), "/".join(str(n) for n in d["per_bound"]), d["status"]]))' \
    "$1x$2" "$bound" "$out" "$cpu"
done

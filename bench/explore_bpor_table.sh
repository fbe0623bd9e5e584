#!/bin/sh
# The bounded-DPOR rows of docs/explore.md ("Verification results"): `papaya explore --strategy
# dpor --bound K` on the correct process design, one configuration per row, printed as
# tab-separated values (configuration, bound, executions, abandoned, distinct traces, seconds,
# executions per bound, status). One run at a time; each bounded by TIME_LIMIT_S.
# Usage: bench/explore_bpor_table.sh PAPAYA BOUND TIME_LIMIT_S "C L" ["C L" ...]
set -eu
papaya=$1
bound=$2
limit=$3
shift 3
for cfg in "$@"; do
  set -- $cfg
  "$papaya" explore --clients "$1" --messages "$2" --strategy dpor --bound "$bound" \
    --time-limit "$limit" --max-executions 100000000 --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("\t".join(str(x) for x in [sys.argv[1], sys.argv[2], d["executions"], d["abandoned"], d["traces"], round(d["seconds"], 2), "/".join(str(n) for n in d["per_bound"]), d["status"]]))' \
      "$1x$2" "$bound"
done

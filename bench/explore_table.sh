#!/bin/sh
# The verification table and growth figures of docs/explore.md: one `papaya explore --json` per
# row, printed as tab-separated values (configuration, strategy, bound, executions, abandoned,
# distinct traces, seconds, status). Usage: bench/explore_table.sh PAPAYA [TIME_LIMIT_S]
set -eu
papaya=$1
limit=${2:-60}
row() {  # clients lines strategy bound
  b=""
  [ "$4" -ge 0 ] && b="--bound $4"
  "$papaya" explore --clients "$1" --messages "$2" --strategy "$3" $b --time-limit "$limit" \
    --max-executions 100000000 --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("\t".join(str(x) for x in [sys.argv[1], sys.argv[2], sys.argv[3], d["executions"], d["abandoned"], d["traces"], round(d["seconds"], 2), d["status"]]))' \
      "$1x$2" "$3" "$4"
}
for l in 0 1 2 3; do row 1 $l dfs 0; done
for l in 0 1 2 3; do row 1 $l dfs 1; done
for c in 2 3; do row $c 1 dfs 0; done
row 2 2 dfs 2
row 3 1 dfs 2
for cfg in "1 0" "1 1" "1 2" "2 0" "2 1"; do
  set -- $cfg
  row $1 $2 dpor -1
  row $1 $2 optimal -1
done

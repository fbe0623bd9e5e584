#!/usr/bin/env bash
# A search run whole, then in sittings of S seconds each (--time-limit S --checkpoint, then
# --resume until it ends): prints both accounts' counts, which must be equal (docs/explore.md
# "Checkpoints"). The stops fall wherever the clock puts them.
#   bench/explore_sittings.sh PAPAYA SECONDS EXPLORE-ARGS...
#   bench/explore_sittings.sh build/release/papaya 3 --clients 1 --messages 2 --strategy optimal
set -euo pipefail
papaya=$1 secs=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
counts() {
  python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(f"{k}={d.get(k)}" for k in ("executions", "traces", "abandoned", "steps", "races",
                                           "wakeup_divergences", "per_bound", "status")))' "$1"
}
"$papaya" explore "$@" --json > "$dir/whole.json" 2>/dev/null || true
echo "whole:    $(counts "$dir/whole.json")"
resume=()
n=0
while :; do
  n=$((n + 1))
  "$papaya" explore "$@" --time-limit "$secs" --checkpoint "$dir/s.cbor" "${resume[@]}" --json \
    > "$dir/part.json" 2>/dev/null || true
  resume=(--resume "$dir/s.cbor")
  python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["exhausted"] else 1)' \
    "$dir/part.json" && break
done
echo "sittings: $(counts "$dir/part.json") ($n sittings of $secs s)"
[ "$(counts "$dir/whole.json")" = "$(counts "$dir/part.json")" ] && echo "equal" || { echo "DIFFERENT"; exit 1; }

#!/bin/sh
# Which strategy finds which bug, and how soon (docs/explore.md, "Finding the variants' bugs"):
# for every bug variant of the process design, `papaya explore --variant V --clients C --messages
# M` under each strategy below, printed as tab-separated values (variant, strategy, the execution
# that found the first counterexample or "-", executions run, wall seconds, the verdict or the
# counterexample's first words). One run at a time; the systematic ones bounded by TIME_LIMIT_S,
# the sampling ones by SAMPLES executions.
# Usage: bench/explore_variant_table.sh PAPAYA CLIENTS MESSAGES TIME_LIMIT_S SAMPLES [VARIANT ...]
set -eu
papaya=$1
clients=$2
messages=$3
limit=$4
samples=$5
shift 5
variants=${*:-"paper shared-ofd shared-offset lost-wakeup short-read torn-message no-lock exclusive-read no-crash-wakeup half-cluster no-heal"}
out=$(mktemp)
cx=$(mktemp -d)
trap 'rm -rf "$out" "$cx"' EXIT
for v in $variants; do
  for s in "pct --max-executions $samples" "random --max-executions $samples" \
    "dfs --delay-bound 2 --max-executions 100000000" "dfs --delay-bound 3 --max-executions 100000000" \
    "dfs --bound 2 --max-executions 100000000" "dpor --bound 2 --max-executions 100000000" \
    "optimal --max-executions 100000000"; do
    # shellcheck disable=SC2086
    "$papaya" explore --variant "$v" --clients "$clients" --messages "$messages" --strategy $s \
      --time-limit "$limit" --trace "$cx/cx.trace.jsonl" --json >"$out" 2>/dev/null || true
    python3 -c 'import json,sys; d=json.load(open(sys.argv[3])); c=d.get("counterexample"); print("\t".join(str(x) for x in [sys.argv[1], sys.argv[2].split(" --max")[0], c["execution"] if c else "-", d["executions"], round(d["seconds"], 1), (c["detail"] if c else d["status"])[:60]]))' \
      "$v" "$s" "$out"
  done
done

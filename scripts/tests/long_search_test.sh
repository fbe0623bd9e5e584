#!/usr/bin/env bash
# scripts/long-search carries a search across sittings: the chat 1 x 1 under source-DPOR without
# trace names, in sittings of 0.1 s, ends with the whole search's 3,072 traces and *verified*; a
# further sitting is refused (the search has ended); a search whose last sitting ran other search
# code is refused; a search that found a counterexample counts as ended.
#   scripts/tests/long_search_test.sh PAPAYA
set -euo pipefail
papaya=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
ls_() { PAPAYA=$papaya RUNS=$runs "$here/scripts/long-search" "$@"; }
fail() {
  echo "FAIL: $*"
  exit 1
}

FORCE=1 ls_ start chat 0.1 --clients 1 --messages 1 --strategy dpor --no-trace-names >/dev/null
n=1
until tail -n1 "$runs/chat.sittings.jsonl" | grep -q '"exhausted": true'; do
  FORCE=1 ls_ resume chat 0.1 >/dev/null
  n=$((n + 1))
  [ $n -le 200 ] || fail "no end after 200 sittings"
done
last=$(tail -n1 "$runs/chat.sittings.jsonl")
echo "$n sittings; last: $last"
[ "$n" -ge 2 ] || fail "the search ended in its first sitting: nothing was carried"
echo "$last" | grep -q '"traces": 3072' || fail "not the whole search's 3,072 traces"
echo "$last" | grep -q '"status": "verified' || fail "not verified"
ls_ list | tee "$runs/list" | grep -q "ended: $n sittings\?" || fail "list does not say it ended"
out=$(FORCE=1 ls_ resume chat 1 2>&1) && fail "an ended search resumed"
echo "$out" | grep -q "has ended" || fail "no reason given: $out"

# A counterexample ends a search.
FORCE=1 ls_ start bug 5 --variant lost-wakeup --clients 1 --messages 1 --strategy dpor >/dev/null
tail -n1 "$runs/bug.sittings.jsonl" | grep -q '"status": "counterexample"' || fail "no counterexample"
out=$(FORCE=1 ls_ resume bug 1 2>&1) && fail "a search that found a counterexample resumed"
echo "$out" | grep -q "has ended" || fail "no reason given: $out"

# The last sitting at the first commit: the search code differs, so a sitting is refused. (Not
# in a tree git cannot read, or a clone of one commit: exit 77, which CTest reports as skipped.)
root=$(git -C "$here" rev-list --max-parents=0 HEAD 2>/dev/null | tail -n1) || true
if [ -z "$root" ] || [ "$root" = "$(git -C "$here" rev-parse HEAD)" ]; then
  echo "SKIP: $here is not a git checkout with history; the code guard is not tested"
  exit 77
fi
printf '{"commit": "%s", "exhausted": false, "seconds": 1}\n' "$root" >"$runs/old.sittings.jsonl"
echo "--clients 1 --messages 1 --strategy dpor --no-trace-names" >"$runs/old.args"
cp "$runs/chat.sittings.jsonl" "$runs/old.cbor"
out=$(ls_ resume old 1 2>&1) && fail "a sitting ran on other search code"
echo "$out" | grep -q "the search code" || fail "no reason given: $out"

echo "ok"

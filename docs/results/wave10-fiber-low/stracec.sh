#!/bin/bash
# stracec.sh BUILD DESIGN N SECS: strace -f -c of the running sink server's tree over SECS, and a
# -tt trace of 0.3 s, under papaya load --rate 1Mbps
set -u
build=$1; design=$2; n=$3; secs=$4
tmpl=/tmp/strc.XXXXXX
. "$(dirname "$0")/under_load.sh"
sleep 1  # one more second to settle before tracing
args=(); for p in $spid $(pgrep -P $spid); do for t in /proc/$p/task/*; do args+=(-p "${t##*/}"); done; done
timeout -s INT "$secs" strace -f -c "${args[@]}" -o "$d/c.txt" 2>/dev/null
timeout -s INT 0.3 strace -f -tt "${args[@]}" -o "$d/tt.txt" 2>/dev/null
echo "== $design N=$n: strace -f -c over ${secs}s (85.6 x N lines a second due)"; cat "$d/c.txt"
echo "== 0.3 s of strace -f -tt:"; head -16 "$d/tt.txt"
stop_under_load

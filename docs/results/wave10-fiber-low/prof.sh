#!/bin/bash
# prof.sh BUILD DESIGN N SECS OUT: perf record (task-clock) of the sink server under papaya load
set -u
build=$1; design=$2; n=$3; secs=$4; out=$5
tmpl=/tmp/prof.XXXXXX
. "$(dirname "$0")/under_load.sh"
pids=$(echo $spid $(pgrep -P $spid) | tr ' ' ',')
perf record -q -e task-clock -c ${PERIOD:-50000} -g -p "$pids" -o "$out" -- sleep "$secs" 2>/dev/null
stop_under_load

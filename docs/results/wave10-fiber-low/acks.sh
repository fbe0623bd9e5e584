#!/bin/bash
# acks.sh BUILD DESIGN N SECS: segs_in / segs_out of the server's sockets over a window (ss -ti)
set -u
build=$1; design=$2; n=$3; secs=$4
tmpl=/tmp/acks.XXXXXX
. "$(dirname "$0")/under_load.sh"
snap() { ss -tinH state established "( sport = :$port )" | tr ' ' '\n' | awk -F: '/^segs_out:/{o+=$2} /^segs_in:/{i+=$2} /^bytes_received:/{b+=$2} END{print i+0, o+0, b+0}'; }
a=$(snap); sleep "$secs"; b=$(snap)
echo "$design N=$n: $(echo $a $b | awk '{di=$4-$1; do_=$5-$2; db=$6-$3; printf "segs_in %d segs_out %d lines %.0f  acks per line %.3f", di, do_, db/1460, do_/(db/1460)}')"
ss -tinH state established "( sport = :$port )" | head -2 | tr -s ' ' | cut -c1-600
stop_under_load

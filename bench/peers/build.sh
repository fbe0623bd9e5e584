#!/bin/sh
# bench/peers/build.sh [OUT_DIR]: builds the servers `papaya bench cpu` compares papaya against
# (docs/results.md): c_sink with cc; go_sink, go_raw_sink and go_chat with go (Debian package
# golang-go). A missing toolchain skips its peers with a note; nothing is installed here.
# papaya bench runs this itself the first time a design needs a peer (OUT_DIR = build/peers).
set -u
src=$(cd "$(dirname "$0")" && pwd)
out=${1:-$src/../../build/peers}
mkdir -p "$out"
out=$(cd "$out" && pwd)
status=0
if command -v cc >/dev/null 2>&1; then
  cc -O2 -Wall -o "$out/c_sink" "$src/c_sink.c" && echo "peers: built $out/c_sink" || status=1
else
  echo "peers: no C compiler (cc): design c skipped"
fi
if command -v go >/dev/null 2>&1; then
  export GOCACHE="${GOCACHE:-$out/.gocache}" GOPATH="${GOPATH:-$out/.gopath}" GO111MODULE=off
  for p in go_sink go_raw_sink go_chat; do
    go build -o "$out/$p" "$src/$p.go" && echo "peers: built $out/$p ($(go version))" || status=1
  done
else
  echo "peers: go not found (apt-get install golang-go): designs go and go-raw skipped"
fi
exit $status

#!/usr/bin/env bash
# fuzz/build.sh: builds the libFuzzer targets with Debian's clang (the main build is g++), into
# build/fuzz/. Installs clang when it is missing. Then:
#   fuzz/build.sh run SECONDS   runs each target that long on its seed corpus (fuzz/corpus/NAME),
#                               new inputs going to build/fuzz/corpus/NAME (the repo's stays put)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null || apt-get install -y clang >/dev/null
out=build/fuzz
mkdir -p "$out"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I. -Wall -Wextra -Werror)
clang++ "${flags[@]}" fuzz/fuzz_line_framer.cpp chat/line_framer.cpp -o "$out/line_framer"
clang++ "${flags[@]}" fuzz/fuzz_duration_text.cpp real/duration_text.cpp -o "$out/duration_text"
clang++ "${flags[@]}" fuzz/fuzz_key.cpp chat/key.cpp -lfmt -o "$out/key"
if [ "${1:-}" = run ]; then
  for t in line_framer duration_text key; do
    mkdir -p "$out/corpus/$t"
    "$out/$t" -max_total_time="${2:-5}" -print_final_stats=1 "$out/corpus/$t" "fuzz/corpus/$t" \
      2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==.*ERROR|SUMMARY)" || true
  done
fi

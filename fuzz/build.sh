#!/usr/bin/env bash
# fuzz/build.sh: builds the libFuzzer targets with Debian's clang (the main build is g++), into
# build/fuzz/. Installs clang-16 when it is missing (Debian 12's default clang 14 has no
# __builtin_source_location, which libstdc++ 12's <source_location> needs, and os/os.hpp uses it:
# the targets that reach os/ need clang 15 or later). Then:
#   fuzz/build.sh run SECONDS [TARGET...]   runs each target (or those named) that long on its
#                                           seed corpus (fuzz/corpus/NAME), new inputs going to
#                                           build/fuzz/corpus/NAME (the repo's stays put)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++-16 >/dev/null || apt-get install -y clang-16 libclang-rt-16-dev >/dev/null
cxx=clang++-16
out=build/fuzz
mkdir -p "$out"
# -fno-sanitize-recover: undefined behaviour stops the run (UBSan only reports it otherwise).
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I.
       -Wall -Wextra -Werror)
"$cxx" "${flags[@]}" fuzz/fuzz_line_framer.cpp chat/line_framer.cpp -o "$out/line_framer"
"$cxx" "${flags[@]}" fuzz/fuzz_duration_text.cpp real/duration_text.cpp -o "$out/duration_text"
"$cxx" "${flags[@]}" fuzz/fuzz_key.cpp chat/key.cpp -lfmt -o "$out/key"
"$cxx" "${flags[@]}" fuzz/fuzz_trace_jsonl.cpp traces/jsonl.cpp traces/verdict.cpp model/decision.cpp \
  model/op.cpp model/outcome.cpp os/errno.cpp os/types.cpp os/printable.cpp -o "$out/trace_jsonl"
"$cxx" "${flags[@]}" fuzz/fuzz_scenario_json.cpp chat/scenario/scenario_json.cpp chat/scenario/scenario_lines.cpp \
  chat/variant.cpp chat/design.cpp os/printable.cpp -lfmt -o "$out/scenario_json"
targets=(line_framer duration_text key trace_jsonl scenario_json)
if [ "${1:-}" = run ]; then
  [ $# -gt 2 ] && targets=("${@:3}")
  for t in "${targets[@]}"; do
    mkdir -p "$out/corpus/$t"
    "$out/$t" -max_total_time="${2:-5}" -print_final_stats=1 "$out/corpus/$t" "fuzz/corpus/$t" \
      2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==.*ERROR|SUMMARY)" || true
  done
fi

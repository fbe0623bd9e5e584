// libFuzzer target: read_jsonl (traces/jsonl.hpp), the trace file reader. Every input either loads
// or is refused with a TraceError whose what() is one line ("NAME:LINE: problem") that can itself
// be written into JSON (valid UTF-8). A loaded trace keeps the invariants replay relies on: one
// canonical line per step, decisions chosen inside their options, kills in step order, and a
// verdict that counts the steps the file has.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "traces/jsonl.hpp"

namespace {
void check_one_line(const std::string& what) {
  if (what.empty() || what.find('\n') != std::string::npos) std::abort();
  (void)nlohmann::json(what).dump();  // throws (and the fuzzer reports it) on invalid UTF-8
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    papaya::traces::LoadedTrace t = papaya::traces::read_jsonl(in, "fuzz");
    if (t.steps != t.step_lines.size()) std::abort();
    for (const papaya::traces::Decision& d : t.decisions)
      if (d.options < 2 || d.chosen >= d.options) std::abort();
    for (std::size_t i = 1; i < t.header.kills.size(); ++i)
      if (t.header.kills[i].step < t.header.kills[i - 1].step) std::abort();
  } catch (const papaya::traces::TraceError& e) {
    check_one_line(e.what());
  }
  return 0;
}

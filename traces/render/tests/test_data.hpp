// Helpers of the render tests: the data folder, and small traces written inline.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "traces/render/load.hpp"

namespace papaya::render::test {

inline std::string data_path(const std::string& file) {
  return std::string(RENDER_TEST_DATA) + file;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline const char* header_line =
    R"({"type":"header","papaya":"0.1.0","format":2,"design":"","variant":"","scenario":{},"seed":0,)"
    R"("strategy":"random","max_steps":100,"faults":false})";

// A trace of `steps` (step lines without "type", "step", "t": those are added in order).
inline std::string trace_of(const std::vector<std::string>& steps,
                            const std::string& verdict = "ok") {
  std::string out = std::string(header_line) + "\n";
  for (std::size_t i = 0; i < steps.size(); ++i)
    out += R"({"type":"step","step":)" + std::to_string(i) + R"(,"t":0,)" + steps[i] + "}\n";
  out += R"({"type":"verdict","verdict":")" + verdict + R"(","steps":)" +
         std::to_string(steps.size()) + R"(,"decisions":0,"virtual_time_ns":0,"detail":""})" + "\n";
  return out;
}

// RenderOptions field by field (highlights, full, window, processes).
inline RenderOptions options(std::vector<std::size_t> highlight, bool full = false,
                             std::size_t from = 0, std::size_t max_steps = 0,
                             std::vector<Pid> pids = {}) {
  RenderOptions o;
  o.highlight = std::move(highlight);
  o.full = full;
  o.from = from;
  o.max_steps = max_steps;
  o.pids = std::move(pids);
  return o;
}

}  // namespace papaya::render::test

#include "explore/program_trace.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

namespace papaya::explore {

namespace {

bool reads_file(model::OpKind k) { return k == model::OpKind::pread || k == model::OpKind::read; }
bool writes_file(model::OpKind k) {
  return k == model::OpKind::pwrite || k == model::OpKind::write;
}

}  // namespace

std::uint64_t program_trace_name(const traces::Trace& t) {
  using Who = std::tuple<Pid, std::uint32_t, std::uint32_t>;  // process, goroutine, nth access
  struct Segment {
    Who write{};
    std::vector<Who> reads;
  };
  std::map<std::pair<Pid, std::uint32_t>, std::uint32_t> nth;
  std::map<std::uint32_t, std::vector<Segment>> files;  // by inode
  for (const traces::Step& s : t.steps) {
    if (s.inode == 0 || s.status != model::StepStatus::done || s.err != Errno::ok) continue;
    const bool r = reads_file(s.op);
    if (!r && !writes_file(s.op)) continue;
    const Who who{s.pid, s.g, nth[{s.pid, s.g}]++};
    std::vector<Segment>& f = files[s.inode];
    if (f.empty()) f.emplace_back();
    if (r)
      f.back().reads.push_back(who);
    else
      f.push_back(Segment{who, {}});
  }
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 1099511628211ull;
  };
  auto mix_who = [&](const Who& w) {
    mix(static_cast<std::uint64_t>(std::get<0>(w)));
    mix(std::get<1>(w));
    mix(std::get<2>(w));
  };
  for (auto& [inode, segments] : files) {
    mix(inode);
    for (Segment& seg : segments) {
      mix_who(seg.write);
      std::sort(seg.reads.begin(), seg.reads.end());
      mix(seg.reads.size());
      for (const Who& w : seg.reads) mix_who(w);
    }
  }
  return h;
}

}  // namespace papaya::explore

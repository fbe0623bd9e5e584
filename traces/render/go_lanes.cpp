// infer_goroutines: goroutine lanes, states and edges from a trace's "go" lines (infer.hpp).
#include <algorithm>
#include <deque>
#include <map>
#include <tuple>

#include "traces/render/infer.hpp"

namespace papaya::render {

namespace {

// A goroutine's role: the chat files its call sites name, in order of appearance (at most two),
// "hub -> goroutine_server"; "" when none is in chat/.
std::string role_of(const GoLane& l, const RenderModel& m) {
  std::vector<std::string> files;
  auto add = [&files](std::string_view site) {
    auto colon = site.rfind(':');
    std::string_view f = site.substr(0, colon);
    if (!f.starts_with("chat/")) return;
    f.remove_prefix(f.rfind('/') + 1);
    if (f.ends_with(".cpp")) f.remove_suffix(4);
    if (std::find(files.begin(), files.end(), f) == files.end()) files.emplace_back(f);
  };
  std::size_t a = 0, b = 0;  // both lists are in merged order
  while (a < l.steps.size() || b < l.go_steps.size()) {
    bool step_first = b == l.go_steps.size() ||
                      (a < l.steps.size() && m.step_pos[l.steps[a]] < m.go_pos[l.go_steps[b]]);
    add(step_first ? m.events[l.steps[a++]].site : m.go[l.go_steps[b++]].site);
  }
  std::string out;
  for (std::size_t i = 0; i < files.size() && i < 2; ++i) out += (i ? " -> " : "") + files[i];
  return out;
}

// Kernel steps of Go programs without a "g": first come, first served among the goroutines that
// entered a syscall (a step that did not complete stays with its goroutine); before the program's
// first syscall, and for a kill's own step, the main goroutine.
void attribute_steps(RenderModel& m, const std::map<Pid, bool>& go_pids) {
  std::map<Pid, std::deque<std::uint32_t>> queue;
  std::size_t gi = 0;
  for (Event& e : m.events) {
    for (; gi < m.go.size() && m.go[gi].at <= e.step; ++gi) {
      const GoStep& s = m.go[gi];
      for (const GoChange& c : s.changes)
        if (c.is_g && c.to == "syscall") queue[s.pid].push_back(c.id);
    }
    if (!go_pids.contains(e.pid) || e.g != 0) continue;
    std::deque<std::uint32_t>& q = queue[e.pid];
    e.g = q.empty() ? 1 : q.front();
    if (!q.empty() && e.status == model::StepStatus::done) q.pop_front();
  }
}

void states(RenderModel& m) {
  std::map<std::pair<Pid, std::uint32_t>, GoState> open;
  for (const GoStep& s : m.go) {
    const std::size_t pos = m.go_pos[s.seq];
    for (const GoChange& c : s.changes) {
      if (!c.is_g) continue;
      auto key = std::pair{s.pid, c.id};
      if (auto it = open.find(key); it != open.end()) {
        it->second.end = pos;
        if (it->second.end > it->second.begin) m.go_states.push_back(it->second);
        open.erase(it);
      }
      if (c.to == "dead") continue;
      open[key] = GoState{s.pid, c.id, c.to, c.wait, c.to == "running" ? c.p : -1, pos, pos};
    }
  }
  for (auto& [key, st] : open) {
    st.end = m.positions;
    if (st.end > st.begin) m.go_states.push_back(st);
  }
  std::sort(m.go_states.begin(), m.go_states.end(), [](const GoState& a, const GoState& b) {
    return std::tie(a.pid, a.g, a.begin) < std::tie(b.pid, b.g, b.begin);
  });
}

}  // namespace

void infer_goroutines(RenderModel& m) {
  if (m.go.empty()) return;
  std::map<Pid, bool> go_pids;
  for (const GoStep& s : m.go) go_pids[s.pid] = true;
  attribute_steps(m, go_pids);

  std::map<std::pair<Pid, std::uint32_t>, GoLane> lanes;
  std::map<std::pair<Pid, std::uint32_t>, std::map<int, std::size_t>> ran_on;  // P -> times
  auto lane = [&lanes](Pid pid, std::uint32_t g) -> GoLane& {
    GoLane& l = lanes[{pid, g}];
    l.pid = pid;
    l.g = g;
    return l;
  };
  for (const Event& e : m.events)
    if (e.g != 0) lane(e.pid, e.g).steps.push_back(e.step);
  for (const GoStep& s : m.go) {
    if (s.g != 0 && !s.op.empty()) lane(s.pid, s.g).go_steps.push_back(s.seq);
    for (const GoChange& c : s.changes) {
      if (!c.is_g) continue;
      lane(s.pid, c.id);
      if (c.to == "running" && c.p >= 0) ++ran_on[{s.pid, c.id}][c.p];
      if (c.why == "created") {
        lane(s.pid, c.id).parent = s.g;
        m.go_edges.push_back(GoEdge{"go", s.seq, s.pid, c.id, "go"});
      } else if (c.why == "ready" && c.id != s.g && s.g != 0) {
        m.go_edges.push_back(GoEdge{"ready", s.seq, s.pid, c.id, s.op});
      }
    }
  }
  for (auto& [key, l] : lanes) {
    std::size_t best = 0;
    for (auto [p, n] : ran_on[key])
      if (n > best) {
        best = n;
        l.home_p = p;
      }
    l.role = role_of(l, m);
    m.go_lanes.push_back(std::move(l));
  }
  std::sort(m.go_lanes.begin(), m.go_lanes.end(), [](const GoLane& a, const GoLane& b) {
    return std::tie(a.pid, a.home_p, a.g) < std::tie(b.pid, b.home_p, b.g);
  });
  states(m);
}

}  // namespace papaya::render

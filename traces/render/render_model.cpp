#include "traces/render/render_model.hpp"

#include <algorithm>
#include <tuple>

#include "traces/render/infer.hpp"

namespace papaya::render {

const Arg* Event::arg(std::string_view name) const {
  for (const Arg& a : args)
    if (a.name == name) return &a;
  return nullptr;
}

std::optional<std::int64_t> Event::num(std::string_view name) const {
  const Arg* a = arg(name);
  return a ? a->number : std::nullopt;
}

std::string_view Event::str(std::string_view name) const {
  const Arg* a = arg(name);
  return a ? std::string_view(a->text) : std::string_view();
}

std::string_view Event::site_file() const {
  std::string_view s = site;
  auto colon = s.rfind(':');
  return colon == std::string_view::npos ? s : s.substr(0, colon);
}

std::string_view edge_kind_name(EdgeKind k) {
  switch (k) {
    case EdgeKind::fork: return "fork";
    case EdgeKind::kill: return "kill";
    case EdgeKind::unlock_grant: return "unlock->grant";
    case EdgeKind::write_read: return "write->read";
    case EdgeKind::reap: return "reap";
  }
  return "?";
}

std::string_view interval_kind_name(IntervalKind k) {
  switch (k) {
    case IntervalKind::lock_sh: return "LOCK_SH held";
    case IntervalKind::lock_ex: return "LOCK_EX held";
    case IntervalKind::blocked: return "blocked";
  }
  return "?";
}

const Lane* RenderModel::lane(Pid pid) const {
  for (const Lane& l : lanes)
    if (l.pid == pid) return &l;
  return nullptr;
}

bool Window::shows(Pid pid) const {
  return pids.empty() || std::find(pids.begin(), pids.end(), pid) != pids.end();
}

Window window_of(const RenderModel& m, const RenderOptions& o) {
  std::size_t n = m.events.size();
  Window w;
  w.pids = o.pids;
  w.begin = std::min(o.from, n);
  w.end = o.max_steps == 0 || n - w.begin <= o.max_steps ? n : w.begin + o.max_steps;
  return w;
}

std::vector<std::size_t> highlighted_steps(const RenderModel& m, const RenderOptions& o) {
  std::vector<std::size_t> out = o.highlight;
  if (m.verdict != Verdict::ok && !m.events.empty()) out.push_back(m.events.size() - 1);
  // A counterexample saved by `papaya check` marks the step where its property broke.
  for (const Warning& w : m.warnings)
    if (w.text.rfind(traces::violation_prefix, 0) == 0 && w.step < m.events.size())
      out.push_back(w.step);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool RenderModel::is_go(Pid pid) const {
  return std::any_of(go_lanes.begin(), go_lanes.end(),
                     [pid](const GoLane& l) { return l.pid == pid; });
}

void build_model(RenderModel& m) {
  infer_goroutines(m);
  m.lanes = infer_lanes(m.events);
  m.edges = infer_process_edges(m.events);
  LockInference locks = infer_locks(m.events);
  m.intervals = std::move(locks.intervals);
  m.edges.insert(m.edges.end(), locks.edges.begin(), locks.edges.end());
  std::vector<Edge> bytes = infer_byte_edges(m.events);
  m.edges.insert(m.edges.end(), bytes.begin(), bytes.end());
  std::sort(m.edges.begin(), m.edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.from, a.to, a.kind, a.label) < std::tie(b.from, b.to, b.kind, b.label);
  });
  std::sort(m.intervals.begin(), m.intervals.end(), [](const Interval& a, const Interval& b) {
    return std::tie(a.pid, a.first, a.kind, a.inode) < std::tie(b.pid, b.first, b.kind, b.inode);
  });
}

}  // namespace papaya::render

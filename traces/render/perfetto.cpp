#include "traces/render/perfetto.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "traces/render/label.hpp"

namespace papaya::render {

namespace {

using json = nlohmann::ordered_json;
constexpr int trace_pid = 1;  // every simulated process is a thread of this one

// An event and where it sorts: by timestamp, then by `order` (outer slices before the slices
// they contain, slices before the flow events that bind to them).
struct Out {
  std::size_t ts;
  int order;
  json j;
};

// A Go program is a process of its own in the file (pid go_pid_base + its pid): one thread per
// P, then one per goroutine.
constexpr std::int64_t go_pid_base = 1000;
constexpr std::int64_t p_tid_base = 100000;

json base(const char* ph, const std::string& name, const char* cat, std::size_t ts, Pid tid) {
  json j;
  j["ph"] = ph;
  j["name"] = name;
  j["cat"] = cat;
  j["ts"] = ts;
  j["pid"] = trace_pid;
  j["tid"] = tid;
  return j;
}

// Where a step is drawn: its process's thread, or its goroutine's in its Go program.
json at_step(const char* ph, const std::string& name, const char* cat, const RenderModel& m,
             std::size_t step) {
  const Event& e = m.events[step];
  json j = base(ph, name, cat, m.step_pos[step], e.pid);
  if (e.g != 0 && m.is_go(e.pid)) {
    j["pid"] = go_pid_base + e.pid;
    j["tid"] = e.g;
  }
  return j;
}

// The merged position of step s (the end of the trace for s past the last step).
std::size_t pos_of(const RenderModel& m, std::size_t s) {
  return s < m.step_pos.size() ? m.step_pos[s] : m.positions;
}

void thread_meta(std::vector<json>& out, std::int64_t pid, std::int64_t tid,
                 const std::string& name, std::int64_t sort) {
  json t;
  t["ph"] = "M";
  t["name"] = "thread_name";
  t["pid"] = pid;
  t["tid"] = tid;
  t["args"] = json{{"name", name}};
  out.push_back(t);
  json s = t;
  s["name"] = "thread_sort_index";
  s["args"] = json{{"sort_index", sort}};
  out.push_back(s);
}

void go_metadata(const RenderModel& m, const Window& w, std::vector<json>& out) {
  for (const Lane& l : m.lanes) {
    if (!w.shows(l.pid) || !m.is_go(l.pid)) continue;
    json p;
    p["ph"] = "M";
    p["name"] = "process_name";
    p["pid"] = go_pid_base + l.pid;
    p["args"] = json{
        {"name", lane_title(l) + " (Go, GOMAXPROCS " + std::to_string(m.header.gomaxprocs) + ")"}};
    out.push_back(p);
    for (int i = 0; i < m.header.gomaxprocs; ++i)
      thread_meta(out, go_pid_base + l.pid, p_tid_base + i, "P" + std::to_string(i), i);
    for (const GoLane& g : m.go_lanes)
      if (g.pid == l.pid)
        thread_meta(out, go_pid_base + l.pid, g.g,
                    "G" + std::to_string(g.g) + (g.role.empty() ? "" : ": " + g.role),
                    1000 + static_cast<std::int64_t>(g.g));
  }
}

// Each goroutine's operations (1 us at their position), its states but running (waiting on what,
// runnable, in a syscall) on its thread, and on each P's thread the goroutines it ran.
void go_slices(const RenderModel& m, const Window& w, std::vector<Out>& out) {
  // the window's positions: from just after the step before it (the go lines that come before
  // its first step) to just after its last step, as the graph draws them
  const std::size_t begin = w.begin == 0 ? 0 : m.step_pos[w.begin - 1] + 1;
  const std::size_t end = w.end == 0 ? 0 : m.step_pos[w.end - 1] + 1;
  for (const GoStep& s : m.go) {
    const std::size_t pos = m.go_pos[s.seq];
    if (s.op.empty() || s.op == "syscall" || !w.shows(s.pid) || pos < begin || pos >= end) continue;
    json j = base("X", s.op + (s.status == "parked" ? " parked" : ""), "go", pos, s.g);
    j["pid"] = go_pid_base + s.pid;
    j["dur"] = 1;
    json a;
    a["by"] = s.by;
    if (s.obj != 0) a["obj"] = s.obj;
    a["status"] = s.status;
    a["before_step"] = s.at;
    if (!s.site.empty()) a["site"] = s.site;
    j["args"] = a;
    out.push_back(Out{pos, 2, j});
  }
  for (const GoState& st : m.go_states) {
    if (!w.shows(st.pid)) continue;
    std::size_t first = std::max(st.begin, begin), last = std::min(st.end, end);
    if (first >= last) continue;
    const bool on_p = st.state == "running";
    if (on_p && st.p < 0) continue;
    std::string name =
        on_p ? "G" + std::to_string(st.g) : st.state + (st.wait.empty() ? "" : ": " + st.wait);
    json j = base("X", name, on_p ? "running" : "state", first, on_p ? 0 : st.g);
    j["pid"] = go_pid_base + st.pid;
    if (on_p) j["tid"] = p_tid_base + st.p;
    j["dur"] = last - first;
    j["args"] = json{{"goroutine", st.g}, {"state", st.state}};
    out.push_back(Out{first, 1, j});
  }
}

void metadata(const RenderModel& m, const Window& w, std::vector<json>& out) {
  json p;
  p["ph"] = "M";
  p["name"] = "process_name";
  p["pid"] = trace_pid;
  p["args"] = json{{"name", "papaya: " + run_summary(m)}};
  out.push_back(p);
  for (const Lane& l : m.lanes) {
    if (!w.shows(l.pid) || m.is_go(l.pid)) continue;
    json t;
    t["ph"] = "M";
    t["name"] = "thread_name";
    t["pid"] = trace_pid;
    t["tid"] = l.pid;
    t["args"] = json{{"name", lane_title(l)}};
    out.push_back(t);
    json s = t;
    s["name"] = "thread_sort_index";
    s["args"] = json{{"sort_index", l.pid}};
    out.push_back(s);
  }
}

json step_args(const Event& e, const std::vector<std::string>& warnings) {
  json a;
  a["step"] = e.step;
  for (const Arg& x : e.args) {
    if (x.text == "true" || x.text == "false")
      a[x.name] = x.text == "true";
    else if (x.number)
      a[x.name] = *x.number;
    else
      a[x.name] = x.text;
  }
  if (!e.text.empty()) a[std::string(model::op_text_name(e.op))] = e.text;
  a["status"] = model::step_status_name(e.status);
  std::string r = result_text(e);
  if (!r.empty()) a["result"] = r;
  if (e.inode != 0) a["inode"] = e.inode;
  if (e.time_ns != 0) a["t_ns"] = e.time_ns;
  if (!e.site.empty()) a["site"] = e.site;
  if (!warnings[e.step].empty()) a["warning"] = warnings[e.step];
  return a;
}

void intervals(const RenderModel& m, const Window& w, std::vector<Out>& out) {
  for (const Interval& iv : m.intervals) {
    if (!w.shows(iv.pid)) continue;
    // blocked: up to the completing step's slice; held: through the unlocking step's slice
    std::size_t end = iv.kind == IntervalKind::blocked ? (iv.open ? w.end : iv.last) : iv.last + 1;
    std::size_t first = std::max(iv.first, w.begin);
    end = std::min(end, w.end);
    if (first >= end) continue;
    bool lock = iv.kind != IntervalKind::blocked;
    std::string name = lock ? std::string(interval_kind_name(iv.kind)) : "blocked in " + iv.what;
    // in the merged order: through the last step's slice (held), up to the completing step's
    const std::size_t ts = m.step_pos[first];
    const std::size_t ts_end = lock && end > iv.last ? m.step_pos[iv.last] + 1 : pos_of(m, end);
    json j = at_step("X", name, lock ? "lock" : "blocked", m, first);
    j["dur"] = ts_end - ts;
    json a;
    a["from_step"] = iv.first;
    a["to_step"] = iv.last;
    if (lock) a["inode"] = iv.inode;
    if (iv.open) a["open"] = true;
    j["args"] = a;
    out.push_back(Out{ts, lock ? 0 : 1, j});
  }
}

void steps(const RenderModel& m, const RenderOptions& o, const Window& w, std::vector<Out>& out) {
  std::vector<std::string> warnings(m.events.size());
  for (const Warning& x : m.warnings)
    if (x.step < warnings.size())
      warnings[x.step] += (warnings[x.step].empty() ? "" : "; ") + x.text;
  std::vector<std::size_t> hl = highlighted_steps(m, o);
  for (std::size_t s = w.begin; s < w.end; ++s) {
    const Event& e = m.events[s];
    if (!w.shows(e.pid)) continue;
    std::string r = result_text(e);
    const std::size_t ts = m.step_pos[s];
    json j = at_step("X", call_text(e) + (r.empty() ? "" : " " + r), "op", m, s);
    j["dur"] = 1;
    j["args"] = step_args(e, warnings);
    out.push_back(Out{ts, 2, j});
    if (e.killed_from_outside) {
      json i = at_step("i", "kill -9 from outside", "fault", m, s);
      i["s"] = "t";
      out.push_back(Out{ts, 4, i});
    }
    if (!warnings[s].empty()) {
      json i = at_step("i", "warning: " + warnings[s], "warning", m, s);
      i["s"] = "t";
      out.push_back(Out{ts, 4, i});
    }
    if (std::binary_search(hl.begin(), hl.end(), s)) {
      json i = at_step("i", "violation at step " + std::to_string(s), "violation", m, s);
      i["s"] = "g";
      out.push_back(Out{ts, 4, i});
    }
  }
}

void flows(const RenderModel& m, const Window& w, std::vector<Out>& out) {
  std::size_t id = 0;
  for (const Edge& e : m.edges) {
    ++id;
    if (!w.shows(m, e.from) || !w.shows(m, e.to)) continue;
    std::string name(edge_kind_name(e.kind));
    json s = at_step("s", name, "flow", m, e.from);
    s["id"] = id;
    s["args"] = json{{"label", e.label}};
    json f = at_step("f", name, "flow", m, e.to);
    f["id"] = id;
    f["bp"] = "e";
    out.push_back(Out{m.step_pos[e.from], 3, s});
    out.push_back(Out{m.step_pos[e.to], 3, f});
  }
}

}  // namespace

std::string to_perfetto_json(const RenderModel& m, const RenderOptions& o) {
  Window w = window_of(m, o);
  std::vector<json> meta;
  metadata(m, w, meta);
  go_metadata(m, w, meta);
  std::vector<Out> timed;
  intervals(m, w, timed);
  go_slices(m, w, timed);
  steps(m, o, w, timed);
  flows(m, w, timed);
  std::stable_sort(timed.begin(), timed.end(), [](const Out& a, const Out& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.order < b.order;
  });
  std::string text = "{\"traceEvents\":[\n";
  bool first = true;
  auto add = [&](const json& j) {
    text += (first ? "" : ",\n") + j.dump(-1, ' ', false, json::error_handler_t::replace);
    first = false;
  };
  for (const json& j : meta) add(j);
  for (const Out& x : timed) add(x.j);
  json other;
  other["trace"] = m.name;
  other["run"] = run_summary(m);
  other["time"] =
      m.go.empty()
          ? "ts is the step index: step N at N us, each step 1 us long; virtual time is args.t_ns"
          : "ts is the position among the steps and the Go runtime's steps (1 us each); "
            "virtual time is args.t_ns";
  if (w.truncated(m.events.size()))
    other["window"] = "steps " + std::to_string(w.begin) + ".." + std::to_string(w.end - 1) +
                      " of " + std::to_string(m.events.size());
  if (!w.pids.empty()) other["processes"] = w.pids;
  text +=
      "\n],\n\"otherData\":" + other.dump(-1, ' ', false, json::error_handler_t::replace) + "}\n";
  return text;
}

}  // namespace papaya::render

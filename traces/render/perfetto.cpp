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

void metadata(const RenderModel& m, const Window& w, std::vector<json>& out) {
  json p;
  p["ph"] = "M";
  p["name"] = "process_name";
  p["pid"] = trace_pid;
  p["args"] = json{{"name", "papaya: " + run_summary(m)}};
  out.push_back(p);
  for (const Lane& l : m.lanes) {
    if (!w.shows(l.pid)) continue;
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
    json j = base("X", name, lock ? "lock" : "blocked", first, iv.pid);
    j["dur"] = end - first;
    json a;
    a["from_step"] = iv.first;
    a["to_step"] = iv.last;
    if (lock) a["inode"] = iv.inode;
    if (iv.open) a["open"] = true;
    j["args"] = a;
    out.push_back(Out{first, lock ? 0 : 1, j});
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
    json j = base("X", call_text(e) + (r.empty() ? "" : " " + r), "op", s, e.pid);
    j["dur"] = 1;
    j["args"] = step_args(e, warnings);
    out.push_back(Out{s, 2, j});
    if (e.killed_from_outside) {
      json i = base("i", "kill -9 from outside", "fault", s, e.pid);
      i["s"] = "t";
      out.push_back(Out{s, 4, i});
    }
    if (!warnings[s].empty()) {
      json i = base("i", "warning: " + warnings[s], "warning", s, e.pid);
      i["s"] = "t";
      out.push_back(Out{s, 4, i});
    }
    if (std::binary_search(hl.begin(), hl.end(), s)) {
      json i = base("i", "violation at step " + std::to_string(s), "violation", s, e.pid);
      i["s"] = "g";
      out.push_back(Out{s, 4, i});
    }
  }
}

void flows(const RenderModel& m, const Window& w, std::vector<Out>& out) {
  std::size_t id = 0;
  for (const Edge& e : m.edges) {
    ++id;
    if (!w.shows(m, e.from) || !w.shows(m, e.to)) continue;
    std::string name(edge_kind_name(e.kind));
    json s = base("s", name, "flow", e.from, m.events[e.from].pid);
    s["id"] = id;
    s["args"] = json{{"label", e.label}};
    json f = base("f", name, "flow", e.to, m.events[e.to].pid);
    f["id"] = id;
    f["bp"] = "e";
    out.push_back(Out{e.from, 3, s});
    out.push_back(Out{e.to, 3, f});
  }
}

}  // namespace

std::string to_perfetto_json(const RenderModel& m, const RenderOptions& o) {
  Window w = window_of(m, o);
  std::vector<json> meta;
  metadata(m, w, meta);
  std::vector<Out> timed;
  intervals(m, w, timed);
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
      "ts is the step index: step N at N us, each step 1 us long; virtual time is args.t_ns";
  if (w.truncated(m.events.size()))
    other["window"] = "steps " + std::to_string(w.begin) + ".." + std::to_string(w.end - 1) +
                      " of " + std::to_string(m.events.size());
  if (!w.pids.empty()) other["processes"] = w.pids;
  text +=
      "\n],\n\"otherData\":" + other.dump(-1, ' ', false, json::error_handler_t::replace) + "}\n";
  return text;
}

}  // namespace papaya::render

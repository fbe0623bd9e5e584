#include "traces/render/dot.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>

#include "traces/render/label.hpp"

namespace papaya::render {

namespace {

using model::OpKind;

// Colours (Open Color): one per kind of thing, named in the legend.
constexpr const char* ink = "#212529";
constexpr const char* grey = "#868e96";
constexpr const char* kill_red = "#e03131";
constexpr const char* grant_blue = "#1971c2";
constexpr const char* bytes_green = "#2f9e44";
constexpr const char* ex_fill = "#ffd8a8";
constexpr const char* ex_line = "#f08c00";
constexpr const char* sh_fill = "#d0ebff";
constexpr const char* sh_line = "#4dabf7";
constexpr const char* blocked_fill = "#e9ecef";
constexpr const char* highlight_fill = "#ffc9c9";
constexpr const char* highlight_line = "#c92a2a";
constexpr const char* warning_line = "#e8590c";

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

bool boring_op(OpKind k) {
  return k == OpKind::getpid || k == OpKind::getpgid || k == OpKind::now ||
         k == OpKind::take_caught || k == OpKind::sigprocmask || k == OpKind::sigaction ||
         k == OpKind::log;
}

// The lock a step's process holds (the strongest, if several).
enum class Held : std::uint8_t { none, sh, ex };

// What the picture knows about each step of the window.
struct Marks {
  std::vector<bool> highlight, endpoint;
  std::vector<std::string> warning;
  std::vector<Held> lock;
  std::vector<std::size_t> hold_last;  // the held interval's last step (locked steps)
  std::vector<std::size_t> highlights_outside;
  std::size_t edges_outside = 0;
};

Marks mark(const RenderModel& m, const RenderOptions& o, const Window& w) {
  std::size_t n = m.events.size();
  Marks k{std::vector<bool>(n),
          std::vector<bool>(n),
          std::vector<std::string>(n),
          std::vector<Held>(n, Held::none),
          std::vector<std::size_t>(n),
          {},
          0};
  for (std::size_t s : highlighted_steps(m, o)) {
    if (s < n && w.shows(m, s))
      k.highlight[s] = true;
    else
      k.highlights_outside.push_back(s);
  }
  for (const Warning& x : m.warnings)
    if (x.step < n) k.warning[x.step] += (k.warning[x.step].empty() ? "" : "; ") + x.text;
  for (const Edge& e : m.edges) {
    if (!w.shows(m, e.from) || !w.shows(m, e.to)) {
      k.edges_outside += w.shows(m, e.from) || w.shows(m, e.to) ? 1 : 0;
      continue;
    }
    k.endpoint[e.from] = k.endpoint[e.to] = true;
  }
  for (const Interval& iv : m.intervals) {
    if (iv.kind == IntervalKind::blocked) continue;
    const Lane* lane = m.lane(iv.pid);
    auto it = std::lower_bound(lane->steps.begin(), lane->steps.end(), iv.first);
    for (; it != lane->steps.end() && *it <= iv.last; ++it) {
      k.lock[*it] = std::max(k.lock[*it], iv.kind == IntervalKind::lock_ex ? Held::ex : Held::sh);
      k.hold_last[*it] = std::max(k.hold_last[*it], iv.last);
    }
  }
  return k;
}

bool collapsible(const Event& e, const Marks& k) {
  return boring_op(e.op) && e.ok() && !k.highlight[e.step] && !k.endpoint[e.step] &&
         k.warning[e.step].empty();
}

// One drawn node: one step, or a collapsed run of uninteresting steps of one process.
struct Node {
  std::vector<std::size_t> steps;
  bool collapsed = false;
  std::string id() const { return "s" + std::to_string(steps.front()); }
};

std::vector<Node> lane_nodes(const Lane& lane, const RenderModel& m, const RenderOptions& o,
                             const Marks& k, const Window& w) {
  std::vector<Node> out;
  bool in_run = false;
  for (std::size_t s : lane.steps) {
    if (!w.contains(s)) continue;
    bool c = !o.full && collapsible(m.events[s], k);
    if (c && in_run) {
      out.back().steps.push_back(s);
    } else {
      out.push_back(Node{{s}, false});
    }
    in_run = c;
  }
  for (Node& n : out) n.collapsed = n.steps.size() > 1;
  return out;
}

std::string collapsed_label(const Node& n, const RenderModel& m) {
  std::vector<std::string> names;
  std::vector<std::string> logs;
  for (std::size_t s : n.steps) {
    const Event& e = m.events[s];
    std::string name(model::op_name(e.op));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    if (e.op == OpKind::log && logs.size() < 2) logs.push_back("log: " + shorten(e.text, 40));
  }
  std::string out =
      "\xC3\x97" + std::to_string(n.steps.size()) + " ";  // U+00D7 MULTIPLICATION SIGN
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  for (const std::string& l : logs) out += "\n" + l;
  return out;
}

std::string node_line(const Node& n, const RenderModel& m, const Marks& k,
                      const std::string& group) {
  std::size_t first = n.steps.front();
  const Event& e = m.events[first];
  std::string label, tooltip;
  if (n.collapsed) {
    label = collapsed_label(n, m);
    for (std::size_t i = 0; i < n.steps.size() && i < 24; ++i)
      tooltip += (i ? "\n" : "") + detail_text(m.events[n.steps[i]]);
    if (n.steps.size() > 24) tooltip += "\n...";
  } else {
    label = event_text(e);
    tooltip = detail_text(e);
    if (!k.warning[first].empty()) {
      label += "\nwarning: " + shorten(k.warning[first], 48);
      tooltip += "\nwarning: " + k.warning[first];
    }
  }
  Held lock = Held::none;
  for (std::size_t s : n.steps) lock = std::max(lock, k.lock[s]);
  std::string style = "rounded,filled";
  std::string fill = lock == Held::ex ? ex_fill : lock == Held::sh ? sh_fill : "white";
  std::string extra;
  if (n.collapsed) {
    style += ",dashed";
    extra += ", fontcolor=\"" + std::string(grey) + "\", color=\"" + grey + "\"";
  }
  if (e.status == model::StepStatus::blocked) {
    style += ",dashed";
    fill = blocked_fill;
  }
  if (e.status == model::StepStatus::exited) extra += ", peripheries=2";
  // A kill -9 from outside is a fault, not the program's doing: drawn like a warning.
  if ((!k.warning[first].empty() || e.killed_from_outside) && !k.highlight[first])
    extra += ", color=\"" + std::string(warning_line) + "\", penwidth=2.5";
  if (k.highlight[first]) {
    fill = highlight_fill;
    extra +=
        ", color=\"" + std::string(highlight_line) + "\", penwidth=3, fontname=\"Helvetica-Bold\"";
  }
  return "  " + n.id() + " [group=" + group + ", label=" + quoted(label) +
         ", tooltip=" + quoted(tooltip) + ", style=\"" + style + "\", fillcolor=\"" + fill + "\"" +
         extra + "];\n";
}

// The lane's line from node a to node b: thick in the lock's colour while a lock is held,
// dashed while blocked.
std::string lane_edge(const Node& a, const Node& b, const RenderModel& m, const Marks& k) {
  std::size_t last = a.steps.back();
  std::string attrs = "weight=100, arrowhead=none";
  if (m.events[last].status == model::StepStatus::blocked) {
    attrs += ", style=dashed, color=\"" + std::string(grey) + "\"";
  } else if (k.lock[last] != Held::none && k.hold_last[last] >= b.steps.front()) {
    bool ex = k.lock[last] == Held::ex;
    attrs += ", penwidth=5, color=\"" + std::string(ex ? ex_line : sh_line) + "\"";
  } else {
    attrs += ", color=\"" + std::string(grey) + "\"";
  }
  return "  " + a.id() + " -> " + b.id() + " [" + attrs + "];\n";
}

std::string cross_edge(const Edge& e, const std::map<std::size_t, std::string>& node_of) {
  std::string attrs;
  switch (e.kind) {
    case EdgeKind::fork:
      attrs = "color=\"" + std::string(ink) + "\", penwidth=1.5, xlabel=\"fork\"";
      break;
    case EdgeKind::kill:
      attrs = "color=\"" + std::string(kill_red) + "\", fontcolor=\"" + kill_red +
              "\", style=dashed, penwidth=1.3, xlabel=" + quoted(e.label);
      break;
    case EdgeKind::unlock_grant:
      attrs = "color=\"" + std::string(grant_blue) + "\", fontcolor=\"" + grant_blue +
              "\", penwidth=1.5, xlabel=" + quoted("grant " + e.label);
      break;
    case EdgeKind::write_read:
      attrs = "color=\"" + std::string(bytes_green) + "\", fontcolor=\"" + bytes_green +
              "\", penwidth=1.3, xlabel=" + quoted(e.label);
      break;
    case EdgeKind::reap:
      attrs = "color=\"" + std::string(grey) + "\", fontcolor=\"" + grey +
              "\", style=dotted, xlabel=" + quoted(e.label);
      break;
  }
  return "  " + node_of.at(e.from) + " -> " + node_of.at(e.to) + " [" + attrs +
         ", constraint=false];\n";
}

std::string legend_and_title(const RenderModel& m, const RenderOptions& o, const Window& w,
                             const Marks& k) {
  std::string t = "<<b>" + html(m.name) + "</b><br/>" + html(run_summary(m)) + "<br/>";
  std::string note;  // what is left out
  if (w.truncated(m.events.size()))
    note = "showing steps " + std::to_string(w.begin) + ".." +
           std::to_string(w.end == 0 ? 0 : w.end - 1) + " of " + std::to_string(m.events.size()) +
           " (--max-steps " + std::to_string(o.max_steps) + ", --from " + std::to_string(o.from) +
           ")";
  if (!w.pids.empty()) {
    note += (note.empty() ? "" : "; ") + std::string("processes");
    for (Pid p : w.pids) note += " " + std::to_string(p);
    note += " only";
  }
  if (k.edges_outside > 0)
    note += "; " + std::to_string(k.edges_outside) + " edges to steps not shown";
  for (std::size_t i = 0; i < k.highlights_outside.size(); ++i)
    note += (i ? " #" : "; highlighted but not shown: #") + std::to_string(k.highlights_outside[i]);
  if (!note.empty())
    t += "<font color=\"" + std::string(highlight_line) + "\">" + html(note) + "</font><br/>";
  t += "<font color=\"" + std::string(ink) + "\">fork</font> | <font color=\"" + kill_red +
       "\">kill &#8594; signal's effect</font> | <font color=\"" + grant_blue +
       "\">unlock &#8594; lock grant</font> | <font color=\"" + bytes_green +
       "\">write &#8594; read of those bytes</font> | <font color=\"" + grey +
       "\">exit &#8594; reap</font><br/>";
  t += "lock held: <font color=\"" + std::string(ex_line) +
       "\">LOCK_EX (orange)</font>, <font color=\"" + sh_line +
       "\">LOCK_SH (blue)</font> | blocked: grey, dashed | <font color=\"" + highlight_line +
       "\">violation: red</font> | &#215;N: N uninteresting steps";
  return t + ">";
}

// The drawn lanes: each process with steps in the window, its nodes, and each node's rank.
// Ranks pack the trace's step order into rows: a node goes on the row of the node drawn before it
// (in step order) unless its own process already has a node there, then on the next row. So the
// picture never shows a step above an earlier one, and processes that step in turn share rows.
struct Layout {
  std::vector<const Lane*> lanes;
  std::vector<std::vector<Node>> nodes;        // per lane
  std::map<std::size_t, std::string> node_of;  // step -> its node's id
  std::map<std::string, std::size_t> rank;     // node id -> row (1-based; row 0 is the titles)
  std::vector<std::vector<std::string>> rows;  // per row, its nodes in lane order
};

Layout lay_out(const RenderModel& m, const RenderOptions& o, const Marks& k, const Window& w) {
  Layout l;
  for (const Lane& lane : m.lanes) {
    if (!w.shows(lane.pid)) continue;
    std::vector<Node> nodes = lane_nodes(lane, m, o, k, w);
    if (nodes.empty()) continue;
    l.lanes.push_back(&lane);
    for (const Node& n : nodes)
      for (std::size_t s : n.steps) l.node_of[s] = n.id();
    l.nodes.push_back(std::move(nodes));
  }
  std::vector<std::pair<std::size_t, std::size_t>> order;  // (first step, lane index)
  for (std::size_t i = 0; i < l.nodes.size(); ++i)
    for (const Node& n : l.nodes[i]) order.emplace_back(n.steps.front(), i);
  std::sort(order.begin(), order.end());
  std::vector<std::size_t> lane_row(l.nodes.size(), 0);
  std::size_t row = 1;
  for (auto [step, i] : order) {
    row = std::max(row, lane_row[i] + 1);
    lane_row[i] = row;
    l.rank["s" + std::to_string(step)] = row;
  }
  l.rows.assign(row + 1, {});
  for (std::size_t i = 0; i < l.nodes.size(); ++i)
    for (const Node& n : l.nodes[i]) l.rows[l.rank[n.id()]].push_back(n.id());
  return l;
}

}  // namespace

std::string to_dot(const RenderModel& m, const RenderOptions& o) {
  Window w = window_of(m, o);
  Marks k = mark(m, o, w);
  Layout l = lay_out(m, o, k, w);
  std::ostringstream out;
  out << "digraph trace {\n"
      << "  graph [fontname=\"Helvetica\", fontsize=11, newrank=true, ranksep=0.12, nodesep=0.25, "
         "labelloc=t,\n"
      << "         splines=line, forcelabels=true, outputorder=edgesfirst,\n"
      << "         label=" << legend_and_title(m, o, w, k) << "];\n"
      << "  node [shape=box, fontname=\"Helvetica\", fontsize=9, height=0.2, "
         "margin=\"0.06,0.02\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.6];\n";
  for (std::size_t i = 0; i < l.lanes.size(); ++i) {
    std::string group = "p" + std::to_string(l.lanes[i]->pid);
    out << "  // " << lane_title(*l.lanes[i]) << "\n"
        << "  h" << l.lanes[i]->pid << " [group=" << group
        << ", label=" << quoted(lane_title(*l.lanes[i]))
        << ", style=\"filled,bold\", fillcolor=\"#e9ecef\", fontsize=12];\n";
    for (const Node& n : l.nodes[i]) out << node_line(n, m, k, group);
  }
  out << "  // each process's steps in order, under its title\n";
  for (std::size_t i = 0; i < l.lanes.size(); ++i) {
    const std::vector<Node>& nodes = l.nodes[i];
    out << "  h" << l.lanes[i]->pid << " -> " << nodes.front().id()
        << " [weight=100, style=invis];\n";
    for (std::size_t j = 1; j < nodes.size(); ++j) out << lane_edge(nodes[j - 1], nodes[j], m, k);
  }
  out << "  // rows: the titles, then the steps in the trace's order; lanes left to right by pid\n";
  auto row_line = [&out](const std::vector<std::string>& ids) {
    out << "  {rank=same;";
    for (const std::string& id : ids) out << " " << id;
    out << "}";
    for (std::size_t j = 0; j < ids.size() && ids.size() > 1; ++j)
      out << (j ? " -> " : " ") << ids[j];
    out << (ids.size() > 1 ? " [style=invis]" : "") << "\n";
  };
  std::vector<std::string> titles;
  for (const Lane* lane : l.lanes) titles.push_back("h" + std::to_string(lane->pid));
  if (!titles.empty()) row_line(titles);
  for (std::size_t r = 1; r < l.rows.size(); ++r) row_line(l.rows[r]);
  out << "  // between processes\n";
  for (const Edge& e : m.edges)
    if (w.shows(m, e.from) && w.shows(m, e.to)) out << cross_edge(e, l.node_of);
  out << "}\n";
  return out.str();
}

}  // namespace papaya::render

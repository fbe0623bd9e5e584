#include "traces/render/dot.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <utility>

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

constexpr std::size_t no_go = static_cast<std::size_t>(-1);
constexpr const char* ready_violet = "#7048e8";
const char* const p_fills[] = {"#f8f9fa", "#fff9db", "#ebfbee", "#f3f0ff"};  // a P's cluster

// One drawn node: one step, a collapsed run of uninteresting steps of one process, or one
// goroutine operation (a "go" line: `go` is its index in RenderModel::go).
struct Node {
  std::vector<std::size_t> steps;
  bool collapsed = false;
  std::size_t go = no_go;
  std::string id() const {
    return go != no_go ? "q" + std::to_string(go) : "s" + std::to_string(steps.front());
  }
  std::size_t pos(const RenderModel& m) const {  // where it is in the merged order
    return go != no_go ? m.go_pos[go] : m.step_pos[steps.front()];
  }
};

std::vector<Node> lane_nodes(const std::vector<std::size_t>& steps, const RenderModel& m,
                             const RenderOptions& o, const Marks& k, const Window& w) {
  std::vector<Node> out;
  bool in_run = false;
  for (std::size_t s : steps) {
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
  std::string attrs = "weight=100, arrowhead=none";
  if (a.go != no_go) {  // a goroutine parked on it waits down to its next node
    bool parked = m.go[a.go].status == "parked";
    attrs += parked ? ", style=dashed, color=\"" + std::string(grey) + "\""
                    : ", color=\"" + std::string(grey) + "\"";
    return "  " + a.id() + " -> " + b.id() + " [" + attrs + "];\n";
  }
  std::size_t last = a.steps.back();
  if (m.events[last].status == model::StepStatus::blocked) {
    attrs += ", style=dashed, color=\"" + std::string(grey) + "\"";
  } else if (k.lock[last] != Held::none &&
             k.hold_last[last] >= (b.go != no_go ? m.go[b.go].at : b.steps.front())) {
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

// A goroutine's operation as a node: "Mutex.Lock m1 parked (semacquire)", "go -> G5".
bool drawn_go_step(const GoStep& s) { return !s.op.empty() && s.op != "syscall"; }

std::string go_object(const GoStep& s) {
  if (s.obj == 0) return "";
  std::string_view op = s.op;
  const char* kind = op.starts_with("RWMutex") ? " rw"
                     : op.starts_with("Mutex") ? " m"
                     : op.starts_with("Cond")  ? " cond"
                     : op == "IO wait"         ? " pd"
                                               : " ch";
  return kind + std::to_string(s.obj);
}

std::string go_node_label(const GoStep& s) {
  std::string label = s.op + go_object(s);
  if (s.op == "go")
    for (const GoChange& c : s.changes)
      if (c.is_g && c.why == "created") label += " \xE2\x86\x92 G" + std::to_string(c.id);
  if (s.status == "parked") {
    label += " parked";
    for (const GoChange& c : s.changes)
      if (c.is_g && c.id == s.g && !c.wait.empty()) label += " (" + c.wait + ")";
  }
  if (s.status == "scheduled") label += " (rescheduled)";
  return label;
}

std::string go_tooltip(const GoStep& s) {
  std::string t = "G" + std::to_string(s.g) + " " + s.op + go_object(s) + ": " + s.status +
                  ", run by " + s.by + ", before step " + std::to_string(s.at) + "\n" + s.site;
  for (const GoChange& c : s.changes)
    t += "\n" + std::string(c.is_g ? "G" : "P") + std::to_string(c.id) + " " + c.from + " -> " +
         c.to + " (" + c.why + (c.wait.empty() ? "" : ": " + c.wait) + ")" +
         (c.is_g && c.p >= 0 ? " P" + std::to_string(c.p) : "");
  return t;
}

std::string go_node_line(const Node& n, const RenderModel& m, const std::string& group) {
  const GoStep& s = m.go[n.go];
  std::string style = "rounded,filled";
  std::string fill = "white";
  if (s.status == "parked") {
    style += ",dashed";
    fill = blocked_fill;
  }
  return "  " + n.id() + " [group=" + group + ", label=" + quoted(go_node_label(s)) +
         ", tooltip=" + quoted(go_tooltip(s)) + ", style=\"" + style + "\", fillcolor=\"" + fill +
         "\", shape=box, fontcolor=\"" + ink + "\"];\n";
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
  if (!m.go.empty())
    t += "<br/>Go programs: a lane per goroutine, in the cluster of the P it ran on most | "
         "<font color=\"" +
         std::string(ink) + "\">go</font> | <font color=\"" + ready_violet +
         "\">ready (the goroutine that woke it)</font> | parked: grey, dashed down to its next "
         "operation";
  return t + ">";
}

// The drawn lanes: each process with steps in the window, its nodes, and each node's rank.
// Ranks pack the trace's step order into rows: a node goes on the row of the node drawn before it
// (in step order) unless its own process already has a node there, then on the next row. So the
// picture never shows a step above an earlier one, and processes that step in turn share rows.
// A drawn lane: a process's, or a goroutine's (inside its program's cluster, in its P's).
struct DrawnLane {
  const Lane* lane = nullptr;
  const GoLane* go = nullptr;
  std::string head() const {
    return go ? "hg" + std::to_string(go->pid) + "_" + std::to_string(go->g)
              : "h" + std::to_string(lane->pid);
  }
  std::string group() const {
    return go ? "g" + std::to_string(go->pid) + "_" + std::to_string(go->g)
              : "p" + std::to_string(lane->pid);
  }
  std::string title() const {
    if (!go) return lane_title(*lane);
    return "G" + std::to_string(go->g) + (go->g == 1 ? ": main" : "") +
           (go->role.empty() ? "" : (go->g == 1 ? " " : ": ") + go->role);
  }
};

struct Layout {
  std::vector<DrawnLane> lanes;
  std::vector<std::vector<Node>> nodes;        // per lane
  std::map<std::size_t, std::string> node_of;  // step -> its node's id
  std::map<std::string, std::size_t> rank;     // node id -> row (1-based; row 0 is the titles)
  std::vector<std::vector<std::string>> rows;  // per row, its nodes in lane order
};

Layout lay_out(const RenderModel& m, const RenderOptions& o, const Marks& k, const Window& w) {
  Layout l;
  auto add = [&](DrawnLane d, std::vector<Node> nodes) {
    if (nodes.empty()) return;
    for (const Node& n : nodes)
      for (std::size_t s : n.steps) l.node_of[s] = n.id();
    l.lanes.push_back(d);
    l.nodes.push_back(std::move(nodes));
  };
  for (const Lane& lane : m.lanes) {
    if (!w.shows(lane.pid)) continue;
    if (!m.is_go(lane.pid)) {
      add(DrawnLane{&lane, nullptr}, lane_nodes(lane.steps, m, o, k, w));
      continue;
    }
    for (const GoLane& g : m.go_lanes) {  // a Go program: a lane per goroutine, by P
      if (g.pid != lane.pid) continue;
      std::vector<Node> nodes = lane_nodes(g.steps, m, o, k, w);
      for (std::size_t q : g.go_steps)
        if (w.contains(m.go[q].at) && drawn_go_step(m.go[q])) nodes.push_back(Node{{}, false, q});
      std::sort(nodes.begin(), nodes.end(),
                [&m](const Node& a, const Node& b) { return a.pos(m) < b.pos(m); });
      add(DrawnLane{&lane, &g}, std::move(nodes));
    }
  }
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> order;  // (position, lane, id)
  for (std::size_t i = 0; i < l.nodes.size(); ++i)
    for (const Node& n : l.nodes[i]) order.emplace_back(n.pos(m), i, n.id());
  std::sort(order.begin(), order.end());
  std::vector<std::size_t> lane_row(l.nodes.size(), 0);
  std::size_t row = 1;
  for (const auto& [pos, i, id] : order) {
    row = std::max(row, lane_row[i] + 1);
    lane_row[i] = row;
    l.rank[id] = row;
  }
  l.rows.assign(row + 1, {});
  for (std::size_t i = 0; i < l.nodes.size(); ++i)
    for (const Node& n : l.nodes[i]) l.rows[l.rank[n.id()]].push_back(n.id());
  return l;
}

// A Go program's lanes (l.lanes[i] is its first): one cluster for the program, inside it one per
// P with the goroutines that ran on it most (and one for those that never ran).
std::string go_clusters(const Layout& l, std::size_t i, const RenderModel& m, const Marks& k) {
  const Pid pid = l.lanes[i].go->pid;
  if (i > 0 && l.lanes[i - 1].go && l.lanes[i - 1].go->pid == pid) return "";
  std::string out = "  subgraph cluster_go" + std::to_string(pid) + " {\n    label=" +
                    quoted(lane_title(*l.lanes[i].lane) + " (Go, GOMAXPROCS " +
                           std::to_string(m.header.gomaxprocs) + ")") +
                    "; fontsize=12; style=\"rounded\"; color=\"" + grey + "\";\n";
  int open_p = -2;
  for (std::size_t j = i; j < l.lanes.size() && l.lanes[j].go && l.lanes[j].go->pid == pid; ++j) {
    const DrawnLane& d = l.lanes[j];
    if (d.go->home_p != open_p) {
      if (open_p != -2) out += "  }\n";
      open_p = d.go->home_p;
      std::string name = open_p < 0 ? "never ran" : "P" + std::to_string(open_p);
      out += "  subgraph cluster_go" + std::to_string(pid) + "_p" +
             (open_p < 0 ? std::string("none") : std::to_string(open_p)) +
             " {\n    label=" + quoted(name) + "; style=\"rounded,filled\"; fillcolor=\"" +
             p_fills[static_cast<std::size_t>(std::max(open_p, 0)) % 4] + "\"; color=\"" + grey +
             "\";\n";
    }
    std::string group = d.group();
    out += "  // " + d.title() + "\n  " + d.head() + " [group=" + group +
           ", label=" + quoted(d.title()) +
           ", style=\"filled,bold\", fillcolor=\"#e9ecef\", fontsize=11];\n";
    for (const Node& n : l.nodes[j])
      out += n.go != no_go ? go_node_line(n, m, group) : node_line(n, m, k, group);
  }
  if (open_p != -2) out += "  }\n";
  return out + "  }\n";
}

// Node pairs a drawn edge joins, in either order (see row_chain).
using Joined = std::set<std::pair<std::string, std::string>>;

void join(Joined& joined, const std::string& a, const std::string& b) {
  joined.insert({a, b});
  joined.insert({b, a});
}

// go -> the new goroutine's first node; ready -> the readied goroutine's next node.
std::string go_edges(const Layout& l, const RenderModel& m, Joined& joined) {
  std::string out;
  for (const GoEdge& e : m.go_edges) {
    const std::string from = "q" + std::to_string(e.from_go);
    if (!l.rank.contains(from)) continue;
    const std::size_t pos = m.go_pos[e.from_go];
    for (std::size_t j = 0; j < l.lanes.size(); ++j) {
      const GoLane* g = l.lanes[j].go;
      if (!g || g->pid != e.pid || g->g != e.to_g) continue;
      for (const Node& n : l.nodes[j]) {
        if (n.pos(m) <= pos) continue;
        const bool go = e.kind == "go";
        join(joined, from, n.id());
        out += "  " + from + " -> " + n.id() + " [color=\"" + (go ? ink : ready_violet) +
               "\", fontcolor=\"" + (go ? ink : ready_violet) +
               "\", penwidth=1.3, xlabel=" + quoted(go ? "go" : "ready") + ", constraint=false];\n";
        break;
      }
    }
  }
  return out;
}

// The invisible edges that keep a row's nodes left to right. A pair that a drawn edge also joins
// gets none: Graphviz 2.43's dot aborts on two edges between one pair in a rank=same row across
// clusters ("merge_chain: Assertion `ED_to_virt(e) == NULL' failed", graphviz issue 121 of the
// old tracker; a goroutine's `go` edge to the goroutine it starts on the other P did it).
std::string row_chain(const std::vector<std::string>& ids, const Joined& joined) {
  std::string out;
  std::size_t j = 0;
  while (j + 1 < ids.size()) {
    std::size_t end = j;  // [j, end] is a run of nodes no drawn edge joins pairwise
    while (end + 1 < ids.size() && !joined.contains({ids[end], ids[end + 1]})) ++end;
    if (end > j) {
      out += " ";
      for (std::size_t i = j; i <= end; ++i) out += (i > j ? " -> " : "") + ids[i];
      out += " [style=invis]";
    }
    j = end + 1;
  }
  return out;
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
    const DrawnLane& d = l.lanes[i];
    if (d.go) {
      out << go_clusters(l, i, m, k);
      continue;
    }
    std::string group = d.group();
    out << "  // " << d.title() << "\n"
        << "  " << d.head() << " [group=" << group << ", label=" << quoted(d.title())
        << ", style=\"filled,bold\", fillcolor=\"#e9ecef\", fontsize=12];\n";
    for (const Node& n : l.nodes[i]) out << node_line(n, m, k, group);
  }
  out << "  // each process's steps in order, under its title\n";
  for (std::size_t i = 0; i < l.lanes.size(); ++i) {
    const std::vector<Node>& nodes = l.nodes[i];
    out << "  " << l.lanes[i].head() << " -> " << nodes.front().id()
        << " [weight=100, style=invis];\n";
    for (std::size_t j = 1; j < nodes.size(); ++j) out << lane_edge(nodes[j - 1], nodes[j], m, k);
  }
  // Edges between lanes first: the rows below must know which pairs they join. Only a drawing
  // with clusters (goroutine lanes in their P) can make dot abort (row_chain); without them the
  // rows keep every invisible edge, so process pictures are laid out as before.
  const bool clusters = std::any_of(l.lanes.begin(), l.lanes.end(),
                                    [](const DrawnLane& d) { return d.go != nullptr; });
  Joined joined;
  std::string between;
  for (const Edge& e : m.edges)
    if (w.shows(m, e.from) && w.shows(m, e.to)) {
      if (clusters) join(joined, l.node_of.at(e.from), l.node_of.at(e.to));
      between += cross_edge(e, l.node_of);
    }
  between += go_edges(l, m, joined);
  out << "  // rows: the titles, then the steps in the trace's order; lanes left to right by pid\n";
  auto row_line = [&out, &joined](const std::vector<std::string>& ids) {
    out << "  {rank=same;";
    for (const std::string& id : ids) out << " " << id;
    out << "}";
    out << row_chain(ids, joined) << "\n";
  };
  std::vector<std::string> titles;
  for (const DrawnLane& d : l.lanes) titles.push_back(d.head());
  if (!titles.empty()) row_line(titles);
  for (std::size_t r = 1; r < l.rows.size(); ++r) row_line(l.rows[r]);
  out << "  // between processes\n" << between << "}\n";
  return out.str();
}

}  // namespace papaya::render

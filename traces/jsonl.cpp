#include "traces/jsonl.hpp"

#include <fstream>
#include <istream>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <type_traits>

#include "os/printable.hpp"

namespace papaya::traces {

namespace {
using json = nlohmann::ordered_json;

std::string site_text(const char* file, std::uint32_t line) {
  std::string_view f = file;
#ifdef PAPAYA_SOURCE_DIR
  std::string_view root = PAPAYA_SOURCE_DIR;
  if (f.substr(0, root.size()) == root) f.remove_prefix(root.size());
#endif
  // A build that compiles with relative paths (ccache's base_dir, -ffile-prefix-map) names files
  // from its build folder inside the tree: "../../sim/x.cpp" is the tree's "sim/x.cpp".
  while (f.substr(0, 3) == "../") f.remove_prefix(3);
  return std::string(f) + ":" + std::to_string(line);
}

json sig_set_json(std::int64_t bits) {
  json out = json::array();
  for (Sig s : all_signals)
    if (SigSet::from_bits(static_cast<std::uint64_t>(bits)).has(s)) out.push_back(sig_name(s));
  return out;
}

json flags_json(std::int64_t v) {
  static constexpr std::pair<OpenFlags, const char*> names[] = {
      {OpenFlags::wronly, "wronly"}, {OpenFlags::rdwr, "rdwr"},       {OpenFlags::creat, "creat"},
      {OpenFlags::append, "append"}, {OpenFlags::cloexec, "cloexec"}, {OpenFlags::trunc, "trunc"},
      {OpenFlags::excl, "excl"}};
  std::string out;
  for (auto [f, n] : names)
    if (has_flag(static_cast<OpenFlags>(v), f)) out += out.empty() ? n : std::string("|") + n;
  return out.empty() ? "rdonly" : out;
}

// An argument as the trace shows it: names for enums, booleans for flags, numbers otherwise.
json arg_json(std::string_view name, std::int64_t v) {
  if (name == "sig") return sig_name(static_cast<Sig>(v));
  if (name == "nohang" || name == "nb" || name == "restart") return v != 0;
  if (name == "set" || name == "mask") return sig_set_json(v);
  if (name == "flags") return flags_json(v);
  if (name == "lock") return v == 0 ? "sh" : v == 1 ? "ex" : "un";
  if (name == "whence") return v == 0 ? "set" : v == 1 ? "cur" : "end";
  if (name == "how" && v <= 2) return v == 0 ? "rd" : v == 1 ? "wr" : "rdwr";
  if (name == "action") return v == 0 ? "dfl" : v == 1 ? "ign" : "catch";
  if (name == "level") return v == 0 ? "debug" : v == 1 ? "info" : v == 2 ? "warning" : "error";
  return v;
}

json step_json(const Trace& t, const Step& s, std::size_t index) {
  json j;
  j["type"] = "step";
  j["step"] = index;
  j["t"] = s.time_ns;
  j["pid"] = s.pid;
  if (s.g != 0) j["g"] = s.g;  // a goroutine's step (format 2)
  if (s.m != 0) j["m"] = s.m;  // on a kernel thread other than the process's first
  j["op"] = model::op_name(s.op);
  auto names = model::op_arg_names(s.op);
  json args = json::object();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) continue;
    // sigprocmask's "how" is an enum of its own (block, unblock, setmask)
    if (s.op == model::OpKind::sigprocmask && names[i] == "how")
      args["how"] = s.args[i] == 0 ? "block" : s.args[i] == 1 ? "unblock" : "setmask";
    else
      args[std::string(names[i])] = arg_json(names[i], s.args[i]);
  }
  if (!args.empty()) j["args"] = args;
  if (s.text != no_text) j[std::string(model::op_text_name(s.op))] = t.texts.at(s.text);
  if (s.inode != 0) {
    j["inode"] = s.inode;
    if (s.moved != 0 || s.op == model::OpKind::read || s.op == model::OpKind::write ||
        s.op == model::OpKind::pread || s.op == model::OpKind::pwrite) {
      j["pos"] = s.pos;
      j["moved"] = s.moved;
    }
  }
  j["status"] = model::step_status_name(s.status);
  if (s.killed_from_outside) j["fault"] = "kill -9";
  if (s.status == model::StepStatus::done) {
    if (s.err != Errno::ok) {
      j["errno"] = errno_name(s.err);
    } else {
      j["ret"] = s.ret;
      if (s.op == model::OpKind::pipe) j["ret2"] = s.ret2;
      if (s.op == model::OpKind::waitpid && s.ret > 0) {
        if (s.ret2 < 0)
          j["term_signal"] = sig_name(static_cast<Sig>(-s.ret2));
        else
          j["exit_code"] = s.ret2;
      }
    }
  } else if (s.status == model::StepStatus::exited) {
    if (s.ret2 != 0)
      j["term_signal"] = sig_name(static_cast<Sig>(s.ret2));
    else
      j["exit_code"] = s.ret;
  }
  if (s.decision_count > 0) {
    json dec = json::array();
    for (std::uint32_t i = 0; i < s.decision_count; ++i) {
      const Decision& d = t.decisions.at(s.first_decision + i);
      dec.push_back(json::array({model::decision_kind_name(d.kind), d.options, d.chosen}));
    }
    j["dec"] = dec;
  }
  j["site"] = site_text(s.file, s.line);
  return j;
}

json go_json(const Trace& t, const GoRecord& r) {
  namespace go = model::go;
  json j;
  j["type"] = "go";
  j["step"] = r.at;
  j["pid"] = r.pid;
  j["by"] = go_by_name(r.by, r.by_id);
  if (r.op != no_go_op) {
    j["g"] = r.g;
    j["op"] = go::go_op_index_name(r.op);
    if (r.obj != 0) j["obj"] = r.obj;
    j["status"] = go::go_status_name(r.status);
  }
  json ev = json::array();
  for (std::uint32_t i = 0; i < r.event_count; ++i) {
    const go::GoEvent& e = t.go_events.at(r.first_event + i);
    json x;
    if (e.kind == go::GoEvent::Kind::g) {
      x["g"] = e.id;
      x["from"] = go::g_state_name(static_cast<go::GStatus>(e.from));
      x["to"] = go::g_state_name(static_cast<go::GStatus>(e.to));
      x["why"] = go::go_why_name(e.why);
      if (e.wait != go::WaitReason::none) x["wait"] = go::wait_reason_name(e.wait);
      if (e.p >= 0) x["p"] = e.p;
    } else {
      x["p"] = e.id;
      x["from"] = go::p_state_name(static_cast<go::PStatus>(e.from));
      x["to"] = go::p_state_name(static_cast<go::PStatus>(e.to));
      x["why"] = go::go_why_name(e.why);
    }
    ev.push_back(x);
  }
  j["ev"] = ev;
  // last, as in step lines: replay compares lines without their call site (from "site" on)
  if (r.op != no_go_op) j["site"] = site_text(r.file, r.line);
  return j;
}

json header_json(const Header& h) {
  json j;
  j["type"] = "header";
  j["papaya"] = h.papaya_version;
  j["format"] = format_version;
  j["design"] = h.design;
  j["variant"] = h.variant;
  j["scenario"] = json::parse(h.scenario_json.empty() ? "{}" : h.scenario_json);
  j["seed"] = h.seed;
  j["strategy"] = h.strategy;
  j["max_steps"] = h.max_steps;
  j["faults"] = h.faults;
  if (!h.disk_full.empty()) j["disk_full"] = h.disk_full;
  if (h.gomaxprocs != 2) j["gomaxprocs"] = h.gomaxprocs;
  if (h.go_preempt) j["go_preempt"] = true;
  if (h.path_pids) j["pids"] = "path";
  if (!h.kills.empty()) {
    json kills = json::array();
    for (const KillFault& k : h.kills)
      kills.push_back(k.pid != 0 ? json{{"step", k.step}, {"pid", k.pid}}
                                 : json{{"step", k.step}, {"pick", k.pick}});
    j["kills"] = kills;
  }
  return j;
}
}  // namespace

std::string go_by_name(GoBy b, std::uint32_t id) {
  switch (b) {
    case GoBy::p: return "P" + std::to_string(id);
    case GoBy::exitsyscall: return "exitsyscall";
    case GoBy::poller: return "poller";
    case GoBy::sysmon: return "sysmon";
    case GoBy::start: return "start";
  }
  return "?";
}

std::vector<std::string> go_lines(const Trace& t) {
  std::vector<std::string> out;
  out.reserve(t.go.size());
  for (const GoRecord& r : t.go) out.push_back(go_json(t, r).dump());
  return out;
}

std::string describe_kill(const KillFault& k) {
  if (k.pid != 0)
    return "kill -9 at step " + std::to_string(k.step) + " of process " + std::to_string(k.pid);
  return "kill -9 at step " + std::to_string(k.step) + " of live server process " +
         std::to_string(k.pick) + " (pick, mod their number)";
}

std::vector<std::string> step_lines(const Trace& t) {
  std::vector<std::string> out;
  out.reserve(t.steps.size());
  for (std::size_t i = 0; i < t.steps.size(); ++i)
    out.push_back(step_json(t, t.steps[i], i).dump());
  return out;
}

// Decisions taken between recorded steps (a goroutine's steps are not trace steps, but their
// choices are decisions) go on a line of their own, in order, so the file keeps every decision
// and a replay from it takes the same ones: {"type":"decisions","dec":[[kind, options, chosen]]}.
void write_decisions_before(const Trace& t, std::size_t until, std::size_t& next_dec,
                            std::ostream& out) {
  if (until <= next_dec) return;
  json dec = json::array();
  for (; next_dec < until; ++next_dec) {
    const Decision& d = t.decisions.at(next_dec);
    dec.push_back(json::array({model::decision_kind_name(d.kind), d.options, d.chosen}));
  }
  json j;
  j["type"] = "decisions";
  j["dec"] = dec;
  out << j.dump() << '\n';
}

std::string_view go_lock_kind_name(GoLockEvent::Kind k) {
  switch (k) {
    case GoLockEvent::Kind::rlock: return "rlock";
    case GoLockEvent::Kind::runlock: return "runlock";
    case GoLockEvent::Kind::lock: return "lock";
    case GoLockEvent::Kind::unlock: return "unlock";
  }
  return "?";
}

// The RWMutex calls that returned before step `until` (GoLockEvent).
void write_go_locks_before(const Trace& t, std::uint64_t until, std::size_t& next,
                           std::ostream& out) {
  for (; next < t.go_locks.size() && t.go_locks[next].step <= until; ++next) {
    const GoLockEvent& e = t.go_locks[next];
    json j;
    j["type"] = "go_lock";
    j["step"] = e.step;
    j["pid"] = e.pid;
    j["g"] = e.g;
    j["rw"] = e.rw;
    j["op"] = go_lock_kind_name(e.kind);
    out << j.dump() << '\n';
  }
}

void write_jsonl(const Trace& t, std::ostream& out) {
  out << header_json(t.header).dump() << '\n';
  std::size_t w = 0;
  std::size_t next_dec = 0;
  std::size_t next_lock = 0;
  std::size_t gi = 0;
  auto go_lines_before = [&](std::uint64_t step) {  // the Go runtime's records before `step`
    for (; gi < t.go.size() && t.go[gi].at <= step; ++gi)
      out << go_json(t, t.go[gi]).dump() << '\n';
  };
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    write_go_locks_before(t, i, next_lock, out);
    for (; w < t.warnings.size() && t.warnings[w].step < i;
         ++w) {  // right after the step that raised it
      json j;
      j["type"] = "warning";
      j["step"] = t.warnings[w].step;
      j["text"] = t.warnings[w].text;
      out << j.dump() << '\n';
    }
    go_lines_before(i);
    if (t.steps[i].decision_count > 0) {
      write_decisions_before(t, t.steps[i].first_decision, next_dec, out);
      next_dec = t.steps[i].first_decision + t.steps[i].decision_count;
    }
    out << step_json(t, t.steps[i], i).dump() << '\n';
  }
  go_lines_before(t.steps.size());
  write_decisions_before(t, t.decisions.size(), next_dec, out);
  write_go_locks_before(t, t.steps.size(), next_lock, out);
  for (; w < t.warnings.size(); ++w) {
    json j;
    j["type"] = "warning";
    j["step"] = t.warnings[w].step;
    j["text"] = t.warnings[w].text;
    out << j.dump() << '\n';
  }
  json v;
  v["type"] = "verdict";
  v["verdict"] = verdict_name(t.verdict);
  v["steps"] = t.steps.size();
  v["decisions"] = t.decisions.size();
  v["virtual_time_ns"] = t.virtual_time_ns;
  v["detail"] = t.detail;
  out << v.dump() << '\n';
}

std::string to_jsonl(const Trace& t) {
  std::ostringstream out;
  write_jsonl(t, out);
  return out.str();
}

// ---- reading ----------------------------------------------------------------------------------

namespace {

// Whether the JSON integer `v` fits T.
template <class T>
bool whole_in_range(const json& v) {
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  const auto s = v.get<std::int64_t>();
  if constexpr (std::is_signed_v<T>)
    return s >= std::numeric_limits<T>::min() && s <= std::numeric_limits<T>::max();
  else
    return s >= 0 && static_cast<std::uint64_t>(s) <= std::numeric_limits<T>::max();
}

class LineReader {
 public:
  LineReader(const std::string& name, std::size_t line) : name_(name), line_(line) {}
  [[noreturn]] void fail(const std::string& what) const {
    throw TraceError(printable(name_ + ":" + std::to_string(line_) + ": " + what));
  }
  const json& field(const json& j, const char* key) const {
    auto it = j.find(key);
    if (it == j.end()) fail(std::string("missing field \"") + key + "\"");
    return *it;
  }
  template <class T>
  T get(const json& j, const char* key) const {
    const json& v = field(j, key);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      // Whole numbers in T's range only: json's get<> of 1e49 into an integer is undefined
      // behaviour, and of 4294967297 into an int wraps (found by the trace_jsonl fuzzer).
      if (!v.is_number_integer()) fail(std::string("field \"") + key + "\" is not a whole number");
      if (!whole_in_range<T>(v)) fail(std::string("field \"") + key + "\" is out of range");
      return v.get<T>();
    }
    try {
      return v.get<T>();
    } catch (const json::exception&) {
      fail(std::string("field \"") + key + "\" has the wrong type");
    }
  }

 private:
  const std::string& name_;
  std::size_t line_;
};

void read_header(const json& j, const LineReader& r, LoadedTrace& out) {
  if (r.get<std::string>(j, "type") != "header") r.fail("the first line is not a header line");
  int format = r.get<int>(j, "format");
  if (format == 1)
    r.fail(
        "trace format 1 predates goroutine ids; re-record it with this papaya (papaya sim, or "
        "papaya check --trace-dir)");
  if (format != format_version)
    r.fail("trace format version " + std::to_string(format) + "; this papaya reads version " +
           std::to_string(format_version));
  Header& h = out.header;
  h.papaya_version = r.get<std::string>(j, "papaya");
  h.design = r.get<std::string>(j, "design");
  h.variant = r.get<std::string>(j, "variant");
  const json& sc = r.field(j, "scenario");
  if (!sc.is_object()) r.fail("field \"scenario\" is not an object");
  h.scenario_json = sc.dump();
  h.seed = r.get<std::uint64_t>(j, "seed");
  h.strategy = r.get<std::string>(j, "strategy");
  h.max_steps = r.get<std::uint64_t>(j, "max_steps");
  h.faults = r.get<bool>(j, "faults");
  if (auto it = j.find("disk_full"); it != j.end()) {  // absent: never full (and older traces)
    if (!it->is_string() || it->get<std::string>().empty())
      r.fail("field \"disk_full\" is not a file's path");
    h.disk_full = it->get<std::string>();
  }
  if (auto it = j.find("gomaxprocs"); it != j.end()) {  // absent: 2
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 256)
      r.fail("field \"gomaxprocs\" is not an integer in 1..256");
    h.gomaxprocs = static_cast<int>(it->get<std::int64_t>());
  }
  if (auto it = j.find("go_preempt"); it != j.end()) {
    if (!it->is_boolean()) r.fail("field \"go_preempt\" is not a boolean");
    h.go_preempt = it->get<bool>();
  }
  if (auto it = j.find("pids"); it != j.end()) {  // absent: in order (and older traces)
    if (!it->is_string() || (*it != "path" && *it != "sequential"))
      r.fail("field \"pids\" is neither \"path\" nor \"sequential\"");
    h.path_pids = *it == "path";
  }
  if (auto it = j.find("kills"); it != j.end()) {  // absent: no kills (and older traces)
    if (!it->is_array()) r.fail("field \"kills\" is not an array");
    for (const json& k : *it) {
      if (!k.is_object())
        r.fail(
            "field \"kills\": a kill is not an object {\"step\": N, \"pick\": K} or "
            "{\"step\": N, \"pid\": P}");
      // Whole numbers in range: json's get<> would wrap -1 or 2^32 and truncate 1.5 silently.
      auto number = [&](const char* key, std::uint64_t max) {
        auto v = k.find(key);
        if (v == k.end() || !v->is_number_unsigned() || v->get<std::uint64_t>() > max)
          r.fail(std::string("field \"kills\": a kill's \"") + key +
                 "\" is missing or not a whole number in range");
        return v->get<std::uint64_t>();
      };
      KillFault f;
      f.step = number("step", std::numeric_limits<std::uint64_t>::max());
      if (k.contains("pid")) {
        f.pid = static_cast<Pid>(number("pid", std::numeric_limits<Pid>::max()));
        if (f.pid <= 1) r.fail("field \"kills\": a kill's \"pid\" must be above 1 (not init)");
      } else {
        f.pick =
            static_cast<std::uint32_t>(number("pick", std::numeric_limits<std::uint32_t>::max()));
      }
      if (!h.kills.empty() && f.step < h.kills.back().step)
        r.fail("field \"kills\": the kills are not in step order");
      h.kills.push_back(f);
    }
  }
}

void read_decisions(const json& j, const LineReader& r, LoadedTrace& out) {
  if (auto it = j.find("dec"); it != j.end()) {
    if (!it->is_array()) r.fail("field \"dec\" is not an array");
    for (const json& d : *it) {
      if (!d.is_array() || d.size() != 3 || !d[0].is_string() || !d[1].is_number_unsigned() ||
          !d[2].is_number_unsigned() || !whole_in_range<std::uint32_t>(d[1]) ||
          !whole_in_range<std::uint32_t>(d[2]))
        r.fail("a decision is not [kind, options, chosen]");
      auto kind = model::parse_decision_kind(d[0].get<std::string>());
      if (!kind) r.fail("unknown decision kind \"" + d[0].get<std::string>() + "\"");
      auto options = d[1].get<std::uint32_t>();
      auto chosen = d[2].get<std::uint32_t>();
      if (options < 2 || chosen >= options) r.fail("a decision chose outside its options");
      out.decisions.push_back(Decision{*kind, options, chosen});
    }
  }
}

void read_step(const json& j, const LineReader& r, LoadedTrace& out) {
  std::uint64_t index = r.get<std::uint64_t>(j, "step");
  if (index != out.step_lines.size())
    r.fail("step " + std::to_string(index) + " where step " +
           std::to_string(out.step_lines.size()) + " was expected");
  r.get<std::int64_t>(j, "pid");
  if (j.contains("g")) r.get<std::uint32_t>(j, "g");  // absent: no goroutine's
  if (j.contains("m")) r.get<std::uint16_t>(j, "m");
  r.get<std::int64_t>(j, "t");
  if (!model::parse_op_kind(r.get<std::string>(j, "op")))
    r.fail("unknown operation \"" + j["op"].get<std::string>() + "\"");
  std::string status = r.get<std::string>(j, "status");
  if (status != "done" && status != "blocked" && status != "progress" && status != "exited")
    r.fail("unknown status \"" + status + "\"");
  r.get<std::string>(j, "site");
  read_decisions(j, r, out);
  out.step_lines.push_back(j.dump());
}
// A "go" line: a Go runtime's step and the G/P state changes it made (model/go/events.hpp).
void read_go(const json& j, const LineReader& r, LoadedTrace& out) {
  namespace go = model::go;
  std::uint64_t at = r.get<std::uint64_t>(j, "step");
  if (at != out.step_lines.size())
    r.fail("a go line before step " + std::to_string(at) + " where step " +
           std::to_string(out.step_lines.size()) + " comes next");
  if (r.get<std::int64_t>(j, "pid") <= 0) r.fail("field \"pid\" is not a process id");
  const std::string by = r.get<std::string>(j, "by");
  const bool by_p = by.size() > 1 && by[0] == 'P' &&
                    by.find_first_not_of("0123456789", 1) == std::string::npos && by.size() <= 4;
  if (!by_p && by != "exitsyscall" && by != "poller" && by != "sysmon" && by != "start")
    r.fail("field \"by\" is not P<n>, exitsyscall, poller, sysmon or start: \"" + by + "\"");
  if (j.contains("op")) {
    if (!go::parse_go_op_name(r.get<std::string>(j, "op")))
      r.fail("unknown goroutine operation \"" + j["op"].get<std::string>() + "\"");
    if (r.get<std::uint32_t>(j, "g") == 0) r.fail("field \"g\" is not a goroutine id");
    if (!go::parse_go_status(r.get<std::string>(j, "status")))
      r.fail("unknown goroutine step status \"" + j["status"].get<std::string>() + "\"");
    r.get<std::string>(j, "site");
    if (j.contains("obj")) r.get<std::uint32_t>(j, "obj");
  } else if (j.contains("g")) {
    r.fail("field \"g\" without \"op\"");
  }
  const json& ev = r.field(j, "ev");
  if (!ev.is_array()) r.fail("field \"ev\" is not an array");
  for (const json& e : ev) {
    if (!e.is_object()) r.fail("a G/P event is not an object");
    const bool is_g = e.contains("g");
    if (!is_g && !e.contains("p")) r.fail("a G/P event names neither \"g\" nor \"p\"");
    if (is_g ? r.get<std::uint32_t>(e, "g") == 0 : r.get<std::uint32_t>(e, "p") > 255)
      r.fail(is_g ? "a G event's \"g\" is not a goroutine id" : "a P event's \"p\" is not a P");
    for (const char* k : {"from", "to"}) {
      std::string st = r.get<std::string>(e, k);
      if (is_g ? !go::parse_g_state(st) : !go::parse_p_state(st))
        r.fail(std::string(is_g ? "a G" : "a P") + " event's \"" + k + "\" is no state: \"" + st +
               "\"");
    }
    if (r.get<std::string>(e, "from") == r.get<std::string>(e, "to"))
      r.fail("a G/P event that changes nothing");
    if (!go::parse_go_why(r.get<std::string>(e, "why")))
      r.fail("unknown G/P event reason \"" + e["why"].get<std::string>() + "\"");
    if (is_g && e.contains("p") && r.get<std::int64_t>(e, "p") < 0)
      r.fail("a G event's \"p\" is not a P");
    if (e.contains("wait") && !go::parse_wait_reason(r.get<std::string>(e, "wait")))
      r.fail("unknown wait reason \"" + e["wait"].get<std::string>() + "\"");
    if (is_g && (e.contains("wait") != (r.get<std::string>(e, "to") == "waiting")))
      r.fail("a G event has a \"wait\" reason exactly when it goes to waiting");
  }
  out.go_lines.push_back(j.dump());
}
}  // namespace

LoadedTrace read_jsonl(std::istream& in, const std::string& name) {
  LoadedTrace out;
  std::string text;
  std::size_t line_no = 0;
  bool have_header = false;
  bool have_verdict = false;
  while (std::getline(in, text)) {
    ++line_no;
    LineReader r(name, line_no);
    if (have_verdict) r.fail("data after the verdict line");
    json j;
    try {
      j = json::parse(text);
    } catch (const json::parse_error& e) {
      r.fail(in.eof() ? "truncated (the last line is not complete JSON)"
                      : std::string("malformed JSON: ") + e.what());
    } catch (const json::exception& e) {  // e.g. out_of_range: a number too large (8e8889)
      r.fail(std::string("malformed JSON: ") + e.what());
    }
    if (!j.is_object()) r.fail("a line is not a JSON object");
    if (!have_header) {
      read_header(j, r, out);
      have_header = true;
      continue;
    }
    std::string type = r.get<std::string>(j, "type");
    if (type == "step") {
      read_step(j, r, out);
    } else if (type == "decisions") {  // taken between steps (goroutine steps): see write_jsonl
      if (j.find("dec") == j.end()) r.fail("a decisions line without \"dec\"");
      read_decisions(j, r, out);
    } else if (type == "go") {
      read_go(j, r, out);
    } else if (type == "warning") {
      r.get<std::string>(j, "text");
    } else if (type == "go_lock") {  // a goroutine's RWMutex call (GoLockEvent): not replayed
      r.get<std::uint64_t>(j, "step");
      r.get<std::uint32_t>(j, "pid");
      r.get<std::uint32_t>(j, "g");
      r.get<std::uint32_t>(j, "rw");
      const std::string op = r.get<std::string>(j, "op");
      if (op != "rlock" && op != "runlock" && op != "lock" && op != "unlock")
        r.fail("unknown RWMutex operation \"" + op + "\"");
    } else if (type == "verdict") {
      auto v = parse_verdict(r.get<std::string>(j, "verdict"));
      if (!v) r.fail("unknown verdict \"" + j["verdict"].get<std::string>() + "\"");
      out.verdict = *v;
      out.detail = r.get<std::string>(j, "detail");
      out.steps = r.get<std::uint64_t>(j, "steps");
      if (out.steps != out.step_lines.size())
        r.fail("the verdict counts " + std::to_string(out.steps) + " steps, the file has " +
               std::to_string(out.step_lines.size()));
      have_verdict = true;
    } else if (type == "header") {
      r.fail("a second header line");
    } else {
      r.fail("unknown line type \"" + type + "\"");
    }
  }
  if (!have_header) throw TraceError(printable(name + ": empty file (no header line)"));
  if (!have_verdict)
    throw TraceError(printable(name + ":" + std::to_string(line_no) +
                               ": truncated: the file ends without a verdict line"));
  return out;
}

LoadedTrace read_jsonl_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TraceError(path + ": cannot open");
  return read_jsonl(in, path);
}

}  // namespace papaya::traces

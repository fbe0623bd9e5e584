#include "traces/render/load.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "traces/render/infer.hpp"

namespace papaya::render {

namespace {
using json = nlohmann::ordered_json;  // keeps the arguments in the trace's order

class LineError {
 public:
  LineError(const std::string& name, std::size_t line) : name_(name), line_(line) {}
  [[noreturn]] void fail(const std::string& what) const {
    throw traces::TraceError(name_ + ":" + std::to_string(line_) + ": " + what);
  }
  std::optional<std::int64_t> int_field(const json& j, const char* key) const {
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (!it->is_number_integer()) fail(std::string("field \"") + key + "\" is not an integer");
    return it->get<std::int64_t>();
  }
  std::string string_field(const json& j, const char* key) const {
    auto it = j.find(key);
    if (it == j.end()) return "";
    if (!it->is_string()) fail(std::string("field \"") + key + "\" is not a string");
    return it->get<std::string>();
  }

 private:
  const std::string& name_;
  std::size_t line_;
};

Arg parse_arg(const std::string& name, const json& v, const LineError& e) {
  Arg a{name, "", std::nullopt};
  if (v.is_number_integer()) {
    a.number = v.get<std::int64_t>();
    a.text = std::to_string(*a.number);
  } else if (v.is_boolean()) {
    a.number = v.get<bool>() ? 1 : 0;
    a.text = v.get<bool>() ? "true" : "false";
  } else if (v.is_string()) {
    a.text = v.get<std::string>();
  } else if (v.is_array()) {
    a.text = "{";
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) e.fail("argument \"" + name + "\" is not a list of names");
      a.text += (i ? "," : "") + v[i].get<std::string>();
    }
    a.text += "}";
  } else {
    e.fail("argument \"" + name + "\" has the wrong type");
  }
  return a;
}

model::StepStatus parse_status(const std::string& s) {
  if (s == "blocked") return model::StepStatus::blocked;
  if (s == "progress") return model::StepStatus::progress;
  if (s == "exited") return model::StepStatus::exited;
  return model::StepStatus::done;  // the trace reader has rejected anything else
}

Event parse_event(const json& j, std::size_t line, const LineError& e) {
  Event ev;
  ev.line = line;
  ev.step = static_cast<std::size_t>(*e.int_field(j, "step"));
  ev.time_ns = *e.int_field(j, "t");
  std::int64_t pid = *e.int_field(j, "pid");
  if (pid <= 0 || pid > 0x7fffffff) e.fail("field \"pid\" is not a process id");
  ev.pid = static_cast<Pid>(pid);
  ev.op = *model::parse_op_kind(j.at("op").get<std::string>());  // checked by the trace reader
  if (auto it = j.find("args"); it != j.end()) {
    if (!it->is_object()) e.fail("field \"args\" is not an object");
    for (auto a = it->begin(); a != it->end(); ++a)
      ev.args.push_back(parse_arg(a.key(), a.value(), e));
  }
  std::string_view text_name = model::op_text_name(ev.op);
  if (!text_name.empty()) ev.text = e.string_field(j, std::string(text_name).c_str());
  ev.status = parse_status(j.at("status").get<std::string>());
  ev.err = e.string_field(j, "errno");
  ev.ret = e.int_field(j, "ret");
  ev.ret2 = e.int_field(j, "ret2");
  ev.exit_code = e.int_field(j, "exit_code");
  ev.term_signal = e.string_field(j, "term_signal");
  ev.killed_from_outside = !e.string_field(j, "fault").empty();
  if (auto inode = e.int_field(j, "inode")) {
    if (*inode <= 0 || *inode > 0xffffffff) e.fail("field \"inode\" is not an inode number");
    ev.inode = static_cast<std::uint32_t>(*inode);
  }
  ev.pos = e.int_field(j, "pos");
  ev.moved = e.int_field(j, "moved");
  if (ev.pos.has_value() != ev.moved.has_value())
    e.fail("fields \"pos\" and \"moved\" come together");
  if (ev.moved && (*ev.moved < 0 || *ev.pos < 0)) e.fail("a negative byte range");
  if (ev.moved && ev.inode == 0) e.fail("a byte range without an inode");
  ev.site = e.string_field(j, "site");
  if (auto g = e.int_field(j, "g")) {  // the goroutine a Go program's step belongs to
    if (*g <= 0 || *g > 0xffffffff) e.fail("field \"g\" is not a goroutine id");
    ev.g = static_cast<std::uint32_t>(*g);
  }
  if (ev.status == model::StepStatus::done && ev.err.empty() && !ev.ret)
    e.fail("a completed step without \"ret\" or \"errno\"");
  return ev;
}
// A "go" line (the trace reader has checked its fields).
GoStep parse_go(const json& j, std::size_t line, std::size_t seq, const LineError& e) {
  GoStep g;
  g.seq = seq;
  g.line = line;
  g.at = static_cast<std::size_t>(*e.int_field(j, "step"));
  g.pid = static_cast<Pid>(*e.int_field(j, "pid"));
  g.by = e.string_field(j, "by");
  g.g = static_cast<std::uint32_t>(e.int_field(j, "g").value_or(0));
  g.op = e.string_field(j, "op");
  g.obj = static_cast<std::uint32_t>(e.int_field(j, "obj").value_or(0));
  g.status = e.string_field(j, "status");
  g.site = e.string_field(j, "site");
  for (const json& x : j.at("ev")) {
    GoChange c;
    c.is_g = x.contains("g");
    c.id = static_cast<std::uint32_t>(*e.int_field(x, c.is_g ? "g" : "p"));
    c.from = e.string_field(x, "from");
    c.to = e.string_field(x, "to");
    c.why = e.string_field(x, "why");
    c.wait = e.string_field(x, "wait");
    if (c.is_g) c.p = static_cast<int>(e.int_field(x, "p").value_or(-1));
    g.changes.push_back(std::move(c));
  }
  return g;
}
}  // namespace

RenderModel load_render_model(std::string_view text, const std::string& name) {
  // The trace reader validates the file's structure (header, format version, step order, verdict).
  std::string whole(text);
  std::istringstream in(whole);
  traces::LoadedTrace loaded = traces::read_jsonl(in, name);

  RenderModel m;
  m.name = name;
  m.header = loaded.header;
  m.verdict = loaded.verdict;
  m.detail = loaded.detail;
  std::istringstream lines(whole);
  std::string line;
  for (std::size_t line_no = 1; std::getline(lines, line); ++line_no) {
    json j = json::parse(line);  // the reader has parsed it already
    const std::string& type = j.at("type").get_ref<const std::string&>();
    LineError e(name, line_no);
    if (type == "step") {
      m.events.push_back(parse_event(j, line_no, e));
      m.step_pos.push_back(m.positions++);
    } else if (type == "go") {
      m.go.push_back(parse_go(j, line_no, m.go.size(), e));
      m.go_pos.push_back(m.positions++);
    } else if (type == "warning") {
      std::optional<std::int64_t> step = e.int_field(j, "step");
      if (!step || *step < 0) e.fail("a warning without a step");
      m.warnings.push_back(
          Warning{static_cast<std::size_t>(*step), j.at("text").get<std::string>()});
    }
  }
  build_model(m);
  return m;
}

RenderModel load_render_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw traces::TraceError(path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return load_render_model(text.str(), path);
}

}  // namespace papaya::render

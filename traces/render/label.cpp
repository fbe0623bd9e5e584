#include "traces/render/label.hpp"

#include <string_view>

namespace papaya::render {

namespace {

using model::OpKind;

std::string duration_text(std::int64_t ns) {
  if (ns == 0) return "0";
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string basename(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos || slash + 1 == path.size() ? path : path.substr(slash + 1);
}

std::string lock_text(const Event& e) {
  std::string_view l = e.str("lock");
  std::string out = l == "ex"   ? "LOCK_EX"
                    : l == "sh" ? "LOCK_SH"
                    : l == "un" ? "LOCK_UN"
                                : std::string(l);
  if (e.num("nb").value_or(0) != 0) out += "|LOCK_NB";
  return out;
}

// Every argument in order; booleans as their name when true, left out when false.
std::string generic_args(const Event& e) {
  std::string out;
  for (const Arg& a : e.args) {
    std::string t = a.text;
    if (t == "false") continue;
    if (t == "true") t = a.name == "nohang" ? "WNOHANG" : a.name;
    out += (out.empty() ? "" : ", ") + t;
  }
  return out;
}

std::string call_args(const Event& e) {
  switch (e.op) {
    case OpKind::flock: return std::string(e.str("fd")) + ", " + lock_text(e);
    case OpKind::open:
    case OpKind::unlink: return basename(e.text);
    case OpKind::listen:
    case OpKind::connect: return e.text + ":" + std::string(e.str("port"));
    case OpKind::alarm:
    case OpKind::sleep: return duration_text(e.num("ns").value_or(0));
    case OpKind::pread:
    case OpKind::pwrite:
      return std::string(e.str("fd")) + ", " + std::string(e.str("len")) + ", @" +
             std::string(e.str("off"));
    default: return generic_args(e);
  }
}

// The value worth showing for a successful call ("" when it is only "it worked").
std::string value_text(const Event& e) {
  std::int64_t r = *e.ret;
  switch (e.op) {
    case OpKind::fork: return "= " + std::to_string(r);
    case OpKind::pipe:
      return "= [" + std::to_string(r) + "," + std::to_string(e.ret2.value_or(-1)) + "]";
    case OpKind::waitpid:
      if (r == 0) return "= 0";
      return "= " + std::to_string(r) +
             (e.term_signal.empty() ? " (exit " + std::to_string(e.exit_code.value_or(0)) + ")"
                                    : " (" + e.term_signal + ")");
    case OpKind::open:
    case OpKind::dup:
    case OpKind::accept:
    case OpKind::connect:
    case OpKind::listen:
    case OpKind::read:
    case OpKind::write:
    case OpKind::pread:
    case OpKind::pwrite:
    case OpKind::recv:
    case OpKind::send:
    case OpKind::lseek:
    case OpKind::file_size:
    case OpKind::local_port:
    case OpKind::getpid:
    case OpKind::getpgid:
    case OpKind::take_caught: return "= " + std::to_string(r);
    default: return "";
  }
}

std::string bytes_text(const Event& e) {
  if (!e.pos || !e.moved || *e.moved == 0) return "";
  return "[" + std::to_string(*e.pos) + "," + std::to_string(*e.pos + *e.moved) + ")";
}

}  // namespace

std::string call_text(const Event& e) {
  std::string name(model::op_name(e.op));
  if (e.op == OpKind::log) return "log: " + shorten(e.text, 40);
  std::string args = call_args(e);
  bool bare =
      args.empty() && (e.op == OpKind::fork || e.op == OpKind::getpid || e.op == OpKind::setsid ||
                       e.op == OpKind::pipe || e.op == OpKind::pause || e.op == OpKind::now);
  return bare ? name : name + "(" + args + ")";
}

std::string result_text(const Event& e) {
  std::string out;
  switch (e.status) {
    case model::StepStatus::blocked: out = "blocked"; break;
    case model::StepStatus::progress: out = "in progress"; break;
    case model::StepStatus::exited:
      if (e.killed_from_outside)
        out = "killed by kill -9 from outside";
      else if (!e.term_signal.empty())
        out = "killed by " + e.term_signal;
      else if (e.op != OpKind::exit)
        out = "exited " + std::to_string(e.exit_code.value_or(0));
      break;
    case model::StepStatus::done: out = e.err.empty() ? value_text(e) : "= -1 " + e.err; break;
  }
  std::string bytes = bytes_text(e);
  if (!bytes.empty()) out += (out.empty() ? "" : " ") + bytes;
  return out;
}

std::string event_text(const Event& e) {
  std::string r = result_text(e);
  return "#" + std::to_string(e.step) + " " + call_text(e) + (r.empty() ? "" : " " + r);
}

std::string detail_text(const Event& e) {
  std::string out = "step " + std::to_string(e.step) + ", pid " + std::to_string(e.pid) + ": " +
                    std::string(model::op_name(e.op));
  for (const Arg& a : e.args) out += " " + a.name + "=" + a.text;
  if (!e.text.empty()) out += " \"" + e.text + "\"";
  std::string r = result_text(e);
  if (!r.empty()) out += " " + r;
  if (e.inode != 0) out += " inode " + std::to_string(e.inode);
  if (e.time_ns != 0) out += " t=" + duration_text(e.time_ns);
  if (!e.site.empty()) out += " at " + e.site;
  return out;
}

std::string lane_title(const Lane& l) {
  return "pid " + std::to_string(l.pid) + (l.role.empty() ? "" : ": " + l.role);
}

std::string run_summary(const RenderModel& m) {
  const traces::Header& h = m.header;
  std::string out;
  if (!h.design.empty()) out += "design " + h.design + ", ";
  if (!h.variant.empty()) out += "variant " + h.variant + ", ";
  out += "seed " + std::to_string(h.seed) + ", " + std::to_string(m.events.size()) +
         " steps, verdict " + std::string(verdict_name(m.verdict));
  if (!m.detail.empty()) out += ": " + m.detail;
  return out;
}

std::string shorten(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t cut = n > 3 ? n - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
  return s.substr(0, cut) + "...";
}

}  // namespace papaya::render

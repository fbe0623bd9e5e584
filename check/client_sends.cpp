#include "check/client_sends.hpp"

namespace papaya::properties {

namespace {
bool done_ok(const traces::Step& s) {
  return s.status == model::StepStatus::done && s.err == Errno::ok;
}
}  // namespace

Pid transcript_opener(const traces::Trace& trace, std::string_view transcript_path) {
  for (const traces::Step& s : trace.steps)
    if (s.op == model::OpKind::open && done_ok(s) && s.text != traces::no_text &&
        trace.texts[s.text] == transcript_path)
      return s.pid;
  return 0;
}

std::uint64_t bytes_sent_by(const traces::Trace& trace, std::string_view transcript_path) {
  // The client opens its transcript after connecting and before its first send.
  const Pid client = transcript_opener(trace, transcript_path);
  std::uint64_t sent = 0;
  if (client == 0) return sent;
  for (const traces::Step& s : trace.steps)
    if (s.pid == client && s.op == model::OpKind::send && done_ok(s))
      sent += static_cast<std::uint64_t>(s.ret);
  return sent;
}

ClientTimeline client_timeline(const traces::Trace& trace, std::string_view transcript_path) {
  ClientTimeline out;
  const Pid client = transcript_opener(trace, transcript_path);
  if (client == 0) return out;
  std::uint64_t got = 0;
  for (const traces::Step& s : trace.steps) {
    if (s.pid != client) continue;
    if (s.op == model::OpKind::connect && done_ok(s)) out.connected_ns = s.time_ns;
    if (s.op == model::OpKind::recv && done_ok(s) && s.ret > 0) {
      got += static_cast<std::uint64_t>(s.ret);
      out.receipts.emplace_back(got, s.time_ns);
    }
    if (s.status == model::StepStatus::exited) out.ended_ns = s.time_ns;
  }
  return out;
}

std::vector<std::string> whole_lines_sent(const std::vector<std::string>& planned,
                                          std::uint64_t skip, std::uint64_t sent) {
  std::vector<std::string> out;
  std::uint64_t left = sent > skip ? sent - skip : 0;
  for (const std::string& line : planned) {
    if (line.size() > left) break;
    left -= line.size();
    out.push_back(line);
  }
  return out;
}

}  // namespace papaya::properties

// no-interleaved-writes: the log is exactly the accepted lines, each once and intact.
#include <fmt/format.h>

#include <map>

#include "properties/checkers.hpp"
#include "properties/lines.hpp"
#include "properties/torn_by_kill.hpp"

namespace papaya::properties {

namespace {

// The server must refuse a line longer than the limit (its '\n' counts, as in chat/line_framer.hpp)
// or one containing NUL.
bool server_must_accept(std::string_view line, std::size_t max_line) {
  return line.size() <= max_line && line.find('\0') == std::string_view::npos;
}

struct Expectation {
  int required = 0;  // sent by clients whose lines cannot be lost
  int allowed = 0;   // required + sent by clients whose cluster was killed
};

std::map<std::string_view, Expectation> expected_lines(const History& h) {
  std::map<std::string_view, Expectation> want;
  for (const ClientRecord& c : h.clients)
    for (const std::string& line : c.sent_lines) {
      if (line.empty() || line.back() != '\n' || !server_must_accept(line, h.max_line)) continue;
      Expectation& e = want[line];
      e.allowed++;
      if (!c.lines_may_be_lost) e.required++;
    }
  return want;
}

// Why a line of the log is not a client's line, when an append torn by kill -9 explains it.
std::string cut_by_kill(const History& h, std::size_t at, std::size_t size) {
  for (const TornAppend& t : appends_torn_by_kill(h))
    if (t.offset < at + size && at < t.end) return describe(t);
  return "";
}

}  // namespace

Finding check_no_interleaved_writes(const History& h) {
  Finding f{Property::no_interleaved_writes};
  auto fail = [&](std::string why) {
    f.holds = false;
    f.detail = std::move(why);
    return f;
  };
  std::map<std::string_view, Expectation> want = expected_lines(h);
  std::map<std::string_view, int> seen;
  std::size_t offset = 0;
  for (std::string_view line : split_lines(h.log)) {
    if (line.back() != '\n')
      return fail(fmt::format("the log ends in a partial line at byte {}: \"{}\"{}", offset,
                              excerpt(line), cut_by_kill(h, offset, line.size())));
    auto it = want.find(line);
    if (it == want.end())
      return fail(fmt::format(
          "the log line at byte {} is no line a client sent (torn or interleaved): \"{}\"{}",
          offset, excerpt(line), cut_by_kill(h, offset, line.size())));
    if (++seen[line] > it->second.allowed)
      return fail(
          fmt::format("the line \"{}\" appears {} times in the log", excerpt(line), seen[line]));
    offset += line.size();
  }
  for (const auto& [line, e] : want)
    if (seen[line] < e.required)
      return fail(fmt::format("the accepted line \"{}\" is missing from the log", excerpt(line)));
  return f;
}

}  // namespace papaya::properties

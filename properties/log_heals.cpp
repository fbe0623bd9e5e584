// log-heals (issue 9): the log is whole lines between appends, and no client receives a partial
// line. A torn tail comes from a writer killed between two pages of its line (kill -9) or from a
// write that fell short (a full disk: write(2) "may be less than count if ... there is
// insufficient space on the underlying physical medium"). The correct design cuts it back with
// ftruncate(2) before the next append and sends whole lines only; the no-heal flaw does neither.
//
// The checker follows the log's size through the events: an append whole from a whole-line end
// makes a new one (each append is one line: chat_log.hpp), a short or cut write leaves the log
// torn, and a truncation back to a whole-line end heals it.
#include <fmt/format.h>

#include <iterator>
#include <map>
#include <set>
#include <string_view>

#include "properties/checkers.hpp"
#include "properties/lines.hpp"

namespace papaya::properties {

namespace {

// Where an append began while the log ended in a partial line, if one did. An append is one or
// more writes of one actor (write_all goes on after a short write, at the offset it stopped):
// its later writes continue it.
Finding appends_begin_whole(const History& h) {
  Finding f{Property::log_heals};
  std::set<std::uint64_t> whole = {0};  // offsets at which the log ends in a whole line
  struct Append {
    std::uint64_t start = 0;  // where the append's first write began
    std::uint64_t asked = 0;  // bytes its current write asked for
    std::uint64_t end = 0;    // where its last write stopped
    bool writing = false;
  };
  std::map<Actor, Append> appends;  // by actor, until it releases the lock or truncates
  for (const LogEvent& e : h.events) {
    switch (e.kind) {
      case LogEvent::Kind::write_begin: {
        auto it = appends.find(e.actor());
        const bool continues =
            it != appends.end() && !it->second.writing && it->second.end == e.offset;
        if (!continues && !whole.count(e.offset)) {
          f.holds = false;
          f.step = e.step;
          const auto last = std::prev(whole.upper_bound(e.offset));
          f.detail = fmt::format(
              "{} began an append at byte {} (step {}) while the log ended in a partial "
              "line: bytes {} to {} are what is left of a write that fell short or was cut, and "
              "nobody cut them back",
              actor_name(e.actor()), e.offset, e.step, *last, e.offset);
          return f;
        }
        Append& a = appends[e.actor()];
        if (!continues) a.start = e.offset;
        a.asked = e.length;
        a.writing = true;
        break;
      }
      case LogEvent::Kind::write_end: {
        Append& a = appends[e.actor()];
        a.writing = false;
        a.end = e.offset + e.length;
        if (e.length == a.asked && whole.count(a.start)) whole.insert(a.end);
        break;
      }
      case LogEvent::Kind::write_cut: appends.erase(e.actor()); break;
      case LogEvent::Kind::lock_released: appends.erase(e.actor()); break;
      case LogEvent::Kind::truncate:
        whole.erase(whole.upper_bound(e.offset), whole.end());
        appends.erase(e.actor());
        break;
      default: break;
    }
  }
  return f;
}

}  // namespace

Finding check_log_heals(const History& h) {
  Finding f = appends_begin_whole(h);
  if (!f.holds) return f;
  std::set<std::string_view> sent;
  for (const ClientRecord& c : h.clients)
    for (const std::string& line : c.sent_lines) sent.insert(line);
  for (const ClientRecord& c : h.clients) {
    std::size_t at = 0;
    for (std::string_view line : split_lines(c.received)) {
      if (line.back() == '\n' && !sent.count(line)) {
        f.holds = false;
        f.detail = fmt::format(
            "{} received a line no client sent, at byte {} of what it received: \"{}\" (a "
            "partial line, then what came after it)",
            c.name, at, excerpt(line));
        return f;
      }
      if (line.back() != '\n' && c.stayed_to_the_end) {
        f.holds = false;
        f.detail = fmt::format(
            "{} stayed to the end and its last bytes are a partial line: \"{}\" ({} bytes, no "
            "newline)",
            c.name, excerpt(line), line.size());
        return f;
      }
      at += line.size();
    }
  }
  return f;
}

}  // namespace papaya::properties

#include "real/load/fanout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace papaya::real::load {

std::string fanout_marker(std::uint32_t run, int sender, std::uint32_t seq, std::uint64_t ns) {
  return fmt::format("@{:08x} {:06} {:010} {:020} ", run, sender, seq, ns);
}

namespace {

template <typename T>
bool field(std::string_view s, std::size_t at, std::size_t width, int base, T& out) {
  if (at + width > s.size()) return false;
  const char* b = s.data() + at;
  auto [end, ec] = std::from_chars(b, b + width, out, base);
  return ec == std::errc() && end == b + width;
}

}  // namespace

bool parse_marker(std::string_view line, Marker& out) {
  std::size_t at = line.find('@');
  if (at == std::string_view::npos || line.size() < at + fanout_marker_bytes) return false;
  std::string_view m = line.substr(at, fanout_marker_bytes);
  if (m[9] != ' ' || m[16] != ' ' || m[27] != ' ' || m[48] != ' ') return false;
  return field(m, 1, 8, 16, out.run) && field(m, 10, 6, 10, out.sender) &&
         field(m, 17, 10, 10, out.seq) && field(m, 28, 20, 10, out.ns);
}

FanoutTracker::FanoutTracker(int connections, std::uint32_t run)
    : connections_(connections),
      run_(run),
      next_seq_(static_cast<std::size_t>(connections), 0),
      highest_(static_cast<std::size_t>(connections) * static_cast<std::size_t>(connections), 0),
      partial_(static_cast<std::size_t>(connections)),
      heard_any_(static_cast<std::size_t>(connections), false) {}

std::uint32_t FanoutTracker::stamp(std::string& line, std::size_t at, int sender,
                                   std::uint64_t now_ns) {
  std::uint32_t seq = ++next_seq_[static_cast<std::size_t>(sender)];
  line.replace(at, fanout_marker_bytes, fanout_marker(run_, sender, seq, now_ns));
  return seq;
}

std::uint64_t FanoutTracker::expected() const {
  std::uint64_t sent = 0;
  for (std::uint32_t s : next_seq_) sent += s;
  return sent * static_cast<std::uint64_t>(connections_ - 1);
}

void FanoutTracker::on_bytes(int receiver, std::string_view bytes, std::uint64_t now_ns) {
  std::string& part = partial_[static_cast<std::size_t>(receiver)];
  for (;;) {
    std::size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) break;
    if (part.empty()) {
      on_line(receiver, bytes.substr(0, nl), now_ns);
    } else {
      part.append(bytes.substr(0, nl));
      on_line(receiver, part, now_ns);
      part.clear();
    }
    bytes.remove_prefix(nl + 1);
  }
  if (part.size() + bytes.size() <= 65536) part.append(bytes);  // bound: no line is that long
}

void FanoutTracker::on_line(int receiver, std::string_view line, std::uint64_t now_ns) {
  Marker m;
  if (!parse_marker(line, m) || m.run != run_ || m.sender < 0 || m.sender >= connections_) return;
  ++lines_seen_;
  if (!heard_any_[static_cast<std::size_t>(receiver)]) {
    heard_any_[static_cast<std::size_t>(receiver)] = true;
    ++heard_;
  }
  if (m.sender == receiver || m.seq == 0) return;  // own echo; join probes
  std::uint32_t& top =
      highest_[static_cast<std::size_t>(receiver) * static_cast<std::size_t>(connections_) +
               static_cast<std::size_t>(m.sender)];
  if (m.seq > top) {
    if (m.seq > top + 1) {
      std::vector<std::uint32_t>& gaps = gaps_[{receiver, m.sender}];
      for (std::uint32_t s = top + 1; s < m.seq && gaps.size() < 1'000'000; ++s) gaps.push_back(s);
    }
    top = m.seq;
  } else {
    auto it = gaps_.find({receiver, m.sender});
    auto g = it == gaps_.end() ? std::vector<std::uint32_t>::iterator{}
                               : std::find(it->second.begin(), it->second.end(), m.seq);
    if (it == gaps_.end() || g == it->second.end()) {
      ++duplicates_;
      return;
    }
    it->second.erase(g);
    ++reordered_;
  }
  ++received_;
  latency_.add_us(now_ns >= m.ns ? (now_ns - m.ns) / 1000 : 0);
}

}  // namespace papaya::real::load

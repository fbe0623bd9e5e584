#include "real/sampler/proc_text.hpp"

#include <charconv>
#include <string>

namespace papaya::real::sampler {

namespace {

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Reads one unsigned decimal at the front of `s` (after blanks); advances `s` past it.
std::optional<std::uint64_t> take_u64(std::string_view& s) {
  s = skip_spaces(s);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return v;
}

std::optional<int> take_int(std::string_view& s) {
  s = skip_spaces(s);
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return v;
}

}  // namespace

std::optional<std::uint64_t> parse_schedstat_run_ns(std::string_view text) {
  std::optional<std::uint64_t> run = take_u64(text);
  if (!run || !take_u64(text) || !take_u64(text)) return std::nullopt;  // all three present
  return run;
}

std::optional<PidStat> parse_pid_stat(std::string_view text) {
  std::string_view s = text;
  std::optional<int> pid = take_int(s);
  size_t close = text.rfind(')');
  if (!pid || close == std::string_view::npos || text.find('(') > close) return std::nullopt;
  s = skip_spaces(text.substr(close + 1));
  if (s.empty()) return std::nullopt;
  PidStat st;
  st.pid = *pid;
  st.state = s.front();
  s.remove_prefix(1);
  std::optional<int> ppid = take_int(s);
  if (!ppid) return std::nullopt;
  st.ppid = *ppid;
  return st;
}

std::vector<CoreTicks> parse_proc_stat(std::string_view text) {
  std::vector<CoreTicks> cores;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.size() < 4 || line.substr(0, 3) != "cpu" || line[3] == ' ') continue;
    line.remove_prefix(3);
    std::optional<int> core = take_int(line);
    std::uint64_t f[8] = {};
    bool ok = core.has_value();
    for (int i = 0; ok && i < 8; ++i) {
      std::optional<std::uint64_t> v = take_u64(line);
      if (v) f[i] = *v;
      ok = v.has_value() || i >= 7;  // old kernels end before steal
    }
    if (!ok) continue;
    // user nice system idle iowait irq softirq steal
    CoreTicks t{*core, f[0] + f[1] + f[2] + f[5] + f[6] + f[7], 0};
    t.total = t.busy + f[3] + f[4];
    cores.push_back(t);
  }
  return cores;
}

std::optional<std::uint64_t> parse_kib_field(std::string_view text, std::string_view field) {
  std::string key = std::string(field) + ":";
  size_t at = 0;
  while ((at = text.find(key, at)) != std::string_view::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      std::string_view rest = text.substr(at + key.size());
      return take_u64(rest);
    }
    at += key.size();
  }
  return std::nullopt;
}

}  // namespace papaya::real::sampler

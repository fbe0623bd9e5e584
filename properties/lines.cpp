#include "properties/lines.hpp"

#include <cstdio>

namespace papaya::properties {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return out;
}

std::vector<std::size_t> line_boundaries(std::string_view text) {
  std::vector<std::size_t> out{0};
  for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1))
    out.push_back(i + 1);
  return out;
}

std::string_view last_lines(std::string_view text, std::size_t n) {
  if (n == 0) return text.substr(text.size());
  std::size_t start = text.size();
  std::size_t seen = 0;
  // Walk back over `n` newline-terminated lines; a trailing partial line is not a whole line.
  std::size_t end = text.rfind('\n');
  if (end == std::string_view::npos) return text.substr(text.size());
  start = end + 1;
  while (seen < n && start > 0) {
    std::size_t prev = start >= 2 ? text.rfind('\n', start - 2) : std::string_view::npos;
    start = prev == std::string_view::npos ? 0 : prev + 1;
    ++seen;
  }
  return text.substr(start, end + 1 - start);
}

std::string excerpt(std::string_view bytes, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\n')
      out += "\\n";
    else if (c == '\0')
      out += "\\0";
    else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else
      out += static_cast<char>(c);
  }
  if (bytes.size() > max) out += "...";
  return out;
}

}  // namespace papaya::properties

#include "chat/history.hpp"

namespace papaya::chat {

HistoryStart history_start(std::string_view bytes, size_t n) {
  if (n == 0) return {bytes.size(), true};
  size_t end = bytes.size();
  // The last line's own '\n' ends it; it does not separate it from a line before.
  if (end > 0 && bytes[end - 1] == '\n') --end;
  size_t separators = 0;
  for (size_t i = end; i > 0; --i) {
    if (bytes[i - 1] == '\n' && ++separators == n) return {i, true};
  }
  return {0, false};
}

std::string_view last_lines(std::string_view log, size_t n) {
  return log.substr(history_start(log, n).start);
}

}  // namespace papaya::chat

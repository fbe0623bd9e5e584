#include "chat/line_framer.hpp"

#include <cassert>

namespace papaya::chat {

std::string_view refuse_reason_text(RefuseReason r) {
  switch (r) {
    case RefuseReason::too_long: return "longer than max_line";
    case RefuseReason::nul_byte: return "contains a NUL byte";
  }
  return "?";
}

LineFramer::LineFramer(size_t max_line) : max_line_(max_line) { assert(max_line >= 1); }

std::vector<Framed> LineFramer::feed(std::string_view bytes) {
  std::vector<Framed> out;
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    size_t n = nl == std::string_view::npos ? bytes.size() : nl + 1;
    take_segment(bytes.substr(0, n), out);
    bytes.remove_prefix(n);
  }
  return out;
}

// `seg` is the rest of the current line: it ends with its '\n' or is all the bytes there are.
void LineFramer::take_segment(std::string_view seg, std::vector<Framed>& out) {
  const bool terminated = seg.back() == '\n';
  if (!refusing_) {
    const size_t len = buf_.size() + seg.size();
    // Unterminated, a line of max_line bytes can no longer fit its '\n': refuse it already, so
    // the buffer stays under max_line.
    if (seg.find('\0') != std::string_view::npos) {
      refusing_ = RefuseReason::nul_byte;
    } else if (terminated ? len > max_line_ : len >= max_line_) {
      refusing_ = RefuseReason::too_long;
    }
    if (refusing_) {
      refused_len_ = len;
      buf_.clear();
    } else {
      buf_.append(seg);
    }
  } else {
    refused_len_ += seg.size();
  }
  if (!terminated) return;
  if (refusing_) {
    out.push_back(Framed{.line = {}, .refused = refusing_, .length = refused_len_});
    refusing_.reset();
    refused_len_ = 0;
  } else {
    const size_t len = buf_.size();
    out.push_back(Framed{.line = std::move(buf_), .refused = std::nullopt, .length = len});
    buf_.clear();
  }
}

size_t LineFramer::finish() {
  size_t dropped = refusing_ ? refused_len_ : buf_.size();
  buf_.clear();
  refusing_.reset();
  refused_len_ = 0;
  return dropped;
}

}  // namespace papaya::chat

// LineFramer: turns a byte stream that arrives in arbitrary pieces (TCP may split and merge
// sends any way it likes) into whole lines, and enforces the line rules of the wire protocol:
//   - a line is its bytes up to and including '\n'; its length counts the '\n';
//   - a line longer than max_line, or containing a NUL byte, is refused as a whole: nothing of it
//     is emitted, including its continuation up to the next '\n', and the refusal is reported
//     once, at that '\n', with the line's full length, so the caller can log it;
//   - a partial line left at disconnect (finish()) is dropped and reported.
// Memory is bounded: at most max_line bytes are buffered, whatever the input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace papaya::chat {

enum class RefuseReason { too_long, nul_byte };
std::string_view refuse_reason_text(
    RefuseReason r);  // "longer than max_line", "contains a NUL byte"

// One result of feeding bytes: a whole line (with its '\n'), or a refused line's report.
struct Framed {
  std::string line;                     // the whole line, when not refused
  std::optional<RefuseReason> refused;  // set when the line was refused
  size_t length = 0;                    // the line's length in bytes, '\n' included
  friend bool operator==(const Framed&, const Framed&) = default;
};

class LineFramer {
 public:
  // REQUIRES: max_line >= 1 (a line of just "\n" has length 1).
  explicit LineFramer(size_t max_line);

  // Consumes `bytes`; returns the lines (and refusals) they complete, in stream order.
  std::vector<Framed> feed(std::string_view bytes);
  // End of stream: the length of the unterminated line that is dropped (0 when none; refused
  // bytes count too). Resets the framer.
  size_t finish();

  size_t buffered() const { return refusing_ ? 0 : buf_.size(); }

 private:
  void take_segment(std::string_view seg, std::vector<Framed>& out);

  size_t max_line_;
  std::string buf_;                       // the current line's bytes so far, < max_line_
  std::optional<RefuseReason> refusing_;  // set while discarding a refused line
  size_t refused_len_ = 0;                // bytes of the refused line seen so far
};

}  // namespace papaya::chat

// libFuzzer target: LineFramer on arbitrary bytes cut into arbitrary pieces. The first byte picks
// max_line (1..256), each next byte the length of the next piece. Checks the framer's contract
// (chat/line_framer.hpp): whole lines end in '\n', hold no NUL, are at most max_line long; memory
// stays under max_line; every byte is accounted for (emitted, refused or dropped at finish).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chat/line_framer.hpp"

#define FUZZ_CHECK(c) \
  if (!(c)) std::abort()

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_line = 1 + data[0];
  std::size_t piece_len = 1 + data[1] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  papaya::chat::LineFramer framer(max_line);
  std::size_t accounted = 0;
  while (!rest.empty()) {
    const std::string_view piece = rest.substr(0, piece_len);
    rest.remove_prefix(piece.size());
    for (const papaya::chat::Framed& f : framer.feed(piece)) {
      accounted += f.length;
      if (f.refused) continue;
      FUZZ_CHECK(!f.line.empty() && f.line.back() == '\n');
      FUZZ_CHECK(f.line.size() == f.length && f.line.size() <= max_line);
      FUZZ_CHECK(f.line.find('\0') == std::string_view::npos);
    }
    FUZZ_CHECK(framer.buffered() < max_line);
    piece_len = 1 + (piece.empty() ? 0 : static_cast<unsigned char>(piece.back()) % 64);
  }
  accounted += framer.finish();
  FUZZ_CHECK(accounted == size - 2);
  return 0;
}

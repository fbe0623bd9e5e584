// libFuzzer target: parse_duration (real/duration_text.hpp) on arbitrary text. A parsed duration
// is never negative and never over its 24h bound; parsing never crashes.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "real/duration_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<papaya::Duration> d = papaya::real::parse_duration(text);
  if (d && (*d < papaya::Duration::zero() || *d > std::chrono::hours(24))) std::abort();
  return 0;
}

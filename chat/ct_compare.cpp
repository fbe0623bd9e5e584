#include "chat/ct_compare.hpp"

#include <cstddef>

namespace papaya::chat {

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Accumulate every difference with OR and decide once at the end: no early exit. `volatile`
  // keeps the optimiser from turning the loop back into a short-circuiting comparison.
  volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t nb = b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    const unsigned char y = nb == 0 ? 0 : static_cast<unsigned char>(b[i % nb]);
    diff = diff | static_cast<unsigned char>(static_cast<unsigned char>(a[i]) ^ y);
  }
  return diff == 0;
}

}  // namespace papaya::chat

#include "chat/accept_retry.hpp"

#include <fmt/format.h>

#include <chrono>

namespace papaya::chat {

bool accept_failed_transiently(Os& os, Errno e) {
  switch (e) {
    case Errno::eintr:
    case Errno::eagain:
    case Errno::econnreset: return true;
    case Errno::emfile:
    case Errno::enomem:
    case Errno::other:
      os.log(LogLevel::warning, fmt::format("accept: {}; retrying shortly", errno_name(e)));
      (void)os.sleep(std::chrono::milliseconds(100));  // do not spin while out of descriptors
      return true;
    default:
      os.log(LogLevel::error, fmt::format("accept: {}; stopping", errno_name(e)));
      return false;
  }
}

}  // namespace papaya::chat

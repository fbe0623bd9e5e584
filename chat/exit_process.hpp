// exit_process: Os::exit for functions that are [[noreturn]] themselves. g++ does not carry the
// attribute through a virtual call; an Os whose exit returns has broken its contract.
#pragma once

#include <cstdlib>

#include "os/os.hpp"

namespace papaya::chat {

[[noreturn]] inline void exit_process(Os& os, int code) {
  os.exit(code);
  std::abort();
}

}  // namespace papaya::chat

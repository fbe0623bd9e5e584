// What a server does when accept(2) fails, the same for every design: retry at once on EINTR,
// EAGAIN and ECONNRESET (a client that left before being accepted); log and retry after 100 ms
// when out of descriptors or memory (do not spin); stop on anything else.
#pragma once

#include "os/os.hpp"

namespace papaya::chat {

// False when accept failed for good.
bool accept_failed_transiently(Os& os, Errno e);

}  // namespace papaya::chat

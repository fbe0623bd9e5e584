// Helpers over Os that every caller otherwise writes again: whole writes, whole reads, and
// retrying EINTR. Each is a loop of ordinary Os calls, so each step stays a scheduling point, and
// each passes its caller's call site on, so a simulated trace points at the caller's line.
#pragma once

#include <string>
#include <string_view>

#include "os/os.hpp"

namespace papaya {

// Writes every byte of `bytes` with write(2), retrying short writes and EINTR.
Status write_all(Os& os, Fd fd, std::string_view bytes, Site site = Site::current());
// Sends every byte with send(2), retrying short sends and EINTR.
Status send_all(Os& os, Fd fd, std::string_view bytes, Site site = Site::current());
// Reads exactly `n` bytes with recv(2). Fewer than `n` at end of stream: returns what arrived.
// EINTR is returned (not retried), so an alarm can bound the wait.
Result<std::string> recv_exactly(Os& os, Fd fd, size_t n, Site site = Site::current());
// pread(2) from `off` to end of file in chunks of `chunk` bytes, retrying EINTR.
Result<std::string> pread_to_eof(Os& os, Fd fd, Offset off, size_t chunk = 65536,
                                 Site site = Site::current());

}  // namespace papaya

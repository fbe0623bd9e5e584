// What a scenario client really sent, read off the trace: a client may die (its settle alarm)
// before it has sent all it planned, so its plan is not what the server saw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "traces/trace.hpp"

namespace papaya::properties {

// The scenario client whose transcript is `transcript_path`: the process that opened it (right
// after connecting); 0 when none did (the client never got as far as connecting).
Pid transcript_opener(const traces::Trace& trace, std::string_view transcript_path);

// Bytes that the process which opened `transcript_path` handed to send(2) successfully; 0 when
// no process opened it (the client never got as far as connecting).
std::uint64_t bytes_sent_by(const traces::Trace& trace, std::string_view transcript_path);

// When the client whose transcript is `transcript_path` connected, what it received when (its
// recv(2) calls, cumulated) and when it ended; `receipts` empty when no process opened it.
struct ClientTimeline {
  std::int64_t connected_ns = 0;
  std::vector<std::pair<std::uint64_t, std::int64_t>> receipts;  // bytes so far, virtual time
  std::int64_t ended_ns = -1;
};
ClientTimeline client_timeline(const traces::Trace& trace, std::string_view transcript_path);

// The planned lines that went out whole: after `skip` bytes (the key), as many of `planned` as
// `sent` bytes cover completely. A line cut short by the client's death is not whole.
std::vector<std::string> whole_lines_sent(const std::vector<std::string>& planned,
                                          std::uint64_t skip, std::uint64_t sent);

}  // namespace papaya::properties

// How an event reads in a picture, strace-like: "flock(3, LOCK_EX) = 0", "recv(4, 4096) blocked",
// "sigsuspend({}) = -1 EINTR", "write(3, 24) = 24 [0,24)".
#pragma once

#include <cstddef>
#include <string>

#include "traces/render/render_model.hpp"

namespace papaya::render {

std::string call_text(const Event& e);    // "flock(3, LOCK_EX)"; paths as their last component
std::string result_text(const Event& e);  // "= 0", "= -1 EINTR", "blocked", "killed by SIGTERM"
std::string event_text(const Event& e);   // "#12 flock(3, LOCK_EX) = 0"

// Full details for tooltips: every argument, the text (path, message), the call site.
std::string detail_text(const Event& e);

// The role a lane shows: "pid 5: auth -> Child RECV" ("pid 9" when unknown).
std::string lane_title(const Lane& l);

// A header line: "design process, variant torn-message, seed 1, 406 steps, verdict ok".
std::string run_summary(const RenderModel& m);

// At most `n` characters of `s` (with "..." when cut).
std::string shorten(const std::string& s, std::size_t n);

}  // namespace papaya::render

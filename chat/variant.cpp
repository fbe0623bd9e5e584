#include "chat/variant.hpp"

namespace papaya::chat {

std::string_view variant_name(Variant v) {
  switch (v) {
    case Variant::correct: return "correct";
    case Variant::shared_ofd: return "shared-ofd";
    case Variant::shared_offset: return "shared-offset";
    case Variant::lost_wakeup: return "lost-wakeup";
    case Variant::short_read: return "short-read";
    case Variant::torn_message: return "torn-message";
    case Variant::no_lock: return "no-lock";
    case Variant::exclusive_read: return "exclusive-read";
    case Variant::no_crash_wakeup: return "no-crash-wakeup";
    case Variant::half_cluster: return "half-cluster";
    case Variant::no_heal: return "no-heal";
    case Variant::paper: return "paper";
    case Variant::go_no_rlock: return "go-no-rlock";
    case Variant::go_cond_no_loop: return "go-cond-no-loop";
    case Variant::go_recursive_rlock: return "go-recursive-rlock";
    case Variant::go_blocking_fanout: return "go-blocking-fanout";
  }
  return "?";
}

std::optional<Variant> parse_variant(std::string_view name) {
  for (Variant v : all_variants) {
    if (variant_name(v) == name) return v;
  }
  return std::nullopt;
}

Flaws flaws_of(Variant v) {
  Flaws f;
  switch (v) {
    case Variant::correct: break;
    case Variant::shared_ofd: f.shared_ofd = true; break;
    case Variant::shared_offset: f.shared_offset = true; break;
    case Variant::lost_wakeup: f.lost_wakeup = true; break;
    case Variant::short_read: f.short_read = true; break;
    case Variant::torn_message: f.torn_message = true; break;
    case Variant::no_lock: f.no_lock = true; break;
    case Variant::exclusive_read: f.exclusive_read = true; break;
    case Variant::no_crash_wakeup: f.no_crash_wakeup = true; break;
    case Variant::half_cluster: f.half_cluster = true; break;
    case Variant::no_heal: f.no_heal = true; break;
    case Variant::go_no_rlock:
    case Variant::go_cond_no_loop:
    case Variant::go_recursive_rlock:
    case Variant::go_blocking_fanout: break;  // not the process design's
    case Variant::paper:
      // The original: one description opened before the accept loop (so flock excludes nobody
      // and lseek+read share one offset), flag + pause(), one 4096-byte read per wakeup and per
      // append, snprintf'd chunks, a single read(2) of the key. It did call flock.
      f = Flaws{.shared_ofd = true,
                .shared_offset = true,
                .lost_wakeup = true,
                .short_read = true,
                .torn_message = true,
                .no_lock = false,
                .exclusive_read = false,
                .nul_last_byte = true,
                .paper_auth = true,
                .paper_history = true,
                .no_crash_wakeup = true,
                .half_cluster = true,
                .no_heal = true};
      break;
  }
  return f;
}

}  // namespace papaya::chat

// The named variants of the process design: `correct`, and one per flaw of the original
// papayaChat (design.md, "Names"), plus `paper`, all of them at once. The code asks `Flaws`, not
// the variant, so each decision point reads as the flaw it reintroduces and `paper` is simply
// every flaw switched on.
#pragma once

#include <optional>
#include <string_view>

namespace papaya::chat {

enum class Variant {
  correct,
  shared_ofd,
  shared_offset,
  lost_wakeup,
  short_read,
  torn_message,
  no_lock,
  exclusive_read,
  no_crash_wakeup,
  half_cluster,
  no_heal,
  paper,
  // The goroutine design's (chat/goroutine/go_flaws.hpp).
  go_no_rlock,
  go_cond_no_loop,
  go_recursive_rlock,
  go_blocking_fanout
};

inline constexpr Variant all_variants[] = {
    Variant::correct,           Variant::shared_ofd,      Variant::shared_offset,
    Variant::lost_wakeup,       Variant::short_read,      Variant::torn_message,
    Variant::no_lock,           Variant::exclusive_read,  Variant::no_crash_wakeup,
    Variant::half_cluster,      Variant::no_heal,         Variant::paper,
    Variant::go_no_rlock,       Variant::go_cond_no_loop, Variant::go_recursive_rlock,
    Variant::go_blocking_fanout};

// "correct", "shared-ofd", "shared-offset", "lost-wakeup", "short-read", "torn-message",
// "no-lock", "exclusive-read", "no-crash-wakeup", "half-cluster", "no-heal", "paper", and the
// goroutine design's "go-no-rlock", "go-cond-no-loop", "go-recursive-rlock", "go-blocking-fanout"
// (contract names). Which design has which: design.hpp.
std::string_view variant_name(Variant v);
// The inverse of variant_name; nullopt for an unknown name.
std::optional<Variant> parse_variant(std::string_view name);

// What a variant of the process design breaks. All false is the correct design (and what every
// goroutine variant has: its flaws are GoFlaws).
struct Flaws {
  bool shared_ofd = false;     // log opened once by the daemon; children lock/write/read through it
  bool shared_offset = false;  // reads via lseek+read on a description shared by all children
  bool lost_wakeup = false;    // SEND waits in a flag + pause loop, SIGUSR1 never blocked
  bool short_read = false;     // one read of at most 4096 bytes per wakeup
  bool torn_message = false;   // RECV appends each socket read as is: no framing, no limits
  bool no_lock = false;        // no flock at all
  bool exclusive_read = false;   // readers lock with LOCK_EX, not LOCK_SH: correct, but readers
                                 // wait for each other (breaks unlimited-readers)
  bool nul_last_byte = false;    // snprintf-style copy: the last byte of every chunk sent is NUL
  bool paper_auth = false;       // a single recv of the key: a short one fails authentication
  bool paper_history = false;    // history from a fixed window of history*150 bytes, first line cut
  bool no_crash_wakeup = false;  // nobody re-sends SIGUSR1 when a writer is killed
  bool half_cluster = false;     // the cluster's halves do not watch each other: a kill -9 of one
                                 // leaves the other serving the client, deaf or mute
  bool no_heal = false;          // a torn or short append stays in the log; readers send partial
                                 // lines (the next line is glued onto the fragment)
  friend bool operator==(const Flaws&, const Flaws&) = default;
};

Flaws flaws_of(Variant v);

}  // namespace papaya::chat

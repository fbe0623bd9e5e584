// What a variant of the goroutine design breaks (design.hpp names the variants). The code asks
// `GoFlaws`, not the variant, so each decision point reads as the flaw it reintroduces. All false
// is the correct goroutine design.
#pragma once

#include "chat/variant.hpp"

namespace papaya::chat {

struct GoFlaws {
  bool no_rlock = false;         // go-no-rlock: a sender reads the log without RLock
  bool cond_no_loop = false;     // go-cond-no-loop: `if` instead of `for` around Cond.Wait
  bool recursive_rlock = false;  // go-recursive-rlock: the history read takes RLock twice
  bool blocking_fanout = false;  // go-blocking-fanout: the writer notifies each client with a
                                 // blocking send on an unbuffered channel, holding the hub lock
};

GoFlaws go_flaws_of(Variant v);

}  // namespace papaya::chat

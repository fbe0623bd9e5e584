#include "chat/goroutine/go_flaws.hpp"

namespace papaya::chat {

GoFlaws go_flaws_of(Variant v) {
  GoFlaws f;
  switch (v) {
    case Variant::go_no_rlock: f.no_rlock = true; break;
    case Variant::go_cond_no_loop: f.cond_no_loop = true; break;
    case Variant::go_recursive_rlock: f.recursive_rlock = true; break;
    case Variant::go_blocking_fanout: f.blocking_fanout = true; break;
    default: break;  // correct, and the process design's variants: no goroutine flaw
  }
  return f;
}

}  // namespace papaya::chat

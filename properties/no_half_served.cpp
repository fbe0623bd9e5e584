// no-half-served (issue 9): a client's cluster lives and dies as one. kill_effects excuses what a
// client missed while its cluster was dying; this property does not excuse a client left
// connected and waiting: one half gone, the other still holding its socket.
#include <fmt/format.h>

#include "properties/checkers.hpp"

namespace papaya::properties {

Finding check_no_half_served(const History& h) {
  Finding f{Property::no_half_served};
  for (const ClientRecord& c : h.clients) {
    if (!c.cluster_killed || !c.waited_out) continue;
    f.holds = false;
    f.detail = fmt::format(
        "{}'s cluster was killed, yet the server neither served {} to the end nor closed its "
        "connection: it waited, still connected, until its settle alarm (half served: deaf or "
        "mute)",
        c.name, c.name);
    return f;
  }
  return f;
}

}  // namespace papaya::properties

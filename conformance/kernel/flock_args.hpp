// The flock(2) requests and the open flags the conformance scenarios use, named once.
#pragma once

#include "os/types.hpp"

namespace papaya::conformance {

inline constexpr OpenFlags kRw = OpenFlags::rdwr | OpenFlags::creat;
inline constexpr FlockArgs kSh{LockOp::sh};
inline constexpr FlockArgs kEx{LockOp::ex};
inline constexpr FlockArgs kUn{LockOp::un};
inline constexpr FlockArgs kShNb{LockOp::sh, true};
inline constexpr FlockArgs kExNb{LockOp::ex, true};

}  // namespace papaya::conformance

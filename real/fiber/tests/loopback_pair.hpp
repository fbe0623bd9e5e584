// A connected loopback TCP pair made through an Os (the fiber tests' FiberOs): `server` from
// accept (a stream socket: open_stream), `client` from connect; -1s on failure. The listener is
// closed before returning.
#pragma once

#include <cstdint>

#include "os/os.hpp"

namespace papaya::real::fiber {

struct LoopbackPair {
  Fd server = -1;
  Fd client = -1;
};

inline LoopbackPair loopback_pair(Os& os) {
  LoopbackPair p;
  Result<Fd> l = os.listen("127.0.0.1", 0, 16);
  if (!l) return p;
  Result<std::uint16_t> port = os.local_port(*l);
  if (port) {
    Result<Fd> c = os.connect("127.0.0.1", *port);
    if (c) {
      Result<Fd> s = os.accept(*l);
      p.client = *c;
      if (s) p.server = *s;
    }
  }
  (void)os.close(*l);
  return p;
}

}  // namespace papaya::real::fiber

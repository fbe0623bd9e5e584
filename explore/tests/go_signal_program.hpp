// A Go program that two processes send one signal while signal_notify's relay is armed: shared by
// go_signal_test.cpp (the swap checker) and go_signal_slow_test.cpp (dfs against dpor and optimal).
#pragma once

#include <functional>

#include "os/os.hpp"

namespace papaya::explore::gofp {

// Pid 1 catches SIGUSR1 (inherited by fork, so an early signal sets a flag instead of killing)
// and forks a Go program that arms signal_notify(SIGUSR1) and receives once from its channel;
// then a child that sends the Go program SIGUSR1, and sends it SIGUSR1 itself; and ends (the two
// are orphans then).
inline std::function<void(Os&)> go_signal_two_senders_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/true));
    papaya::Result<Pid> g = os.fork([](Os& o) {
      const GoChan c = o.signal_notify(SigSet{Sig::usr1});
      (void)o.chan_recv(c);
    });
    if (!g) os.exit(2);
    const Pid target = *g;
    papaya::Result<Pid> c = os.fork([target](Os& o) { (void)o.kill(target, Sig::usr1); });
    if (!c) os.exit(2);
    (void)os.kill(target, Sig::usr1);
  };
}

// The same Go program, sent SIGUSR1 twice by its parent alone: the second kill may come while the
// relay, woken by the first, is between its wake and its re-arming (the shape that gave one trace
// two names when a generation's footprint followed the relay's armed flag; docs/explore.md).
inline std::function<void(Os&)> go_signal_one_sender_twice_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/true));
    papaya::Result<Pid> g = os.fork([](Os& o) {
      const GoChan c = o.signal_notify(SigSet{Sig::usr1});
      (void)o.chan_recv(c);
    });
    if (!g) os.exit(2);
    (void)os.kill(*g, Sig::usr1);
    (void)os.kill(*g, Sig::usr1);
  };
}

}  // namespace papaya::explore::gofp

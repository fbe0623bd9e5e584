#include "real/signal_map.hpp"

namespace papaya::real {

int to_signo(Sig s) {
  switch (s) {
    case Sig::hup: return SIGHUP;
    case Sig::int_: return SIGINT;
    case Sig::kill: return SIGKILL;
    case Sig::usr1: return SIGUSR1;
    case Sig::usr2: return SIGUSR2;
    case Sig::pipe: return SIGPIPE;
    case Sig::alrm: return SIGALRM;
    case Sig::term: return SIGTERM;
    case Sig::chld: return SIGCHLD;
  }
  return 0;  // unreachable for a valid Sig; kill(2) with 0 only probes, never signals
}

std::optional<Sig> from_signo(int signo) {
  for (Sig s : all_signals) {
    if (to_signo(s) == signo) return s;
  }
  return std::nullopt;
}

sigset_t to_sigset(SigSet set) {
  sigset_t out;
  sigemptyset(&out);
  for (Sig s : all_signals) {
    if (set.has(s)) sigaddset(&out, to_signo(s));
  }
  return out;
}

SigSet from_sigset(const sigset_t& set) {
  SigSet out;
  for (Sig s : all_signals) {
    if (sigismember(&set, to_signo(s)) == 1) out.add(s);
  }
  return out;
}

}  // namespace papaya::real

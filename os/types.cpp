#include "os/types.hpp"

namespace papaya {

std::string_view sig_name(Sig s) {
  switch (s) {
    case Sig::hup: return "SIGHUP";
    case Sig::int_: return "SIGINT";
    case Sig::kill: return "SIGKILL";
    case Sig::usr1: return "SIGUSR1";
    case Sig::usr2: return "SIGUSR2";
    case Sig::pipe: return "SIGPIPE";
    case Sig::alrm: return "SIGALRM";
    case Sig::term: return "SIGTERM";
    case Sig::chld: return "SIGCHLD";
  }
  return "SIG?";
}

}  // namespace papaya

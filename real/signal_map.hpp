// papaya's Sig/SigSet <-> Linux signal numbers and sigset_t. Sig's values happen to be Linux
// x86-64's numbers, but the mapping is explicit so nothing depends on that coincidence.
#pragma once

#include <signal.h>

#include <optional>

#include "os/types.hpp"

namespace papaya::real {

int to_signo(Sig s);
// Linux signal number -> Sig; nullopt for a signal papaya has no name for.
std::optional<Sig> from_signo(int signo);

// Only the signals papaya names are translated; others in a sigset_t are not represented.
sigset_t to_sigset(SigSet set);
SigSet from_sigset(const sigset_t& set);

}  // namespace papaya::real

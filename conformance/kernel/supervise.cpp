#include "conformance/kernel/supervise.hpp"

namespace papaya::conformance {

void supervise(Os& os, const Scenario& s, const Ctx& c, const RootRunner& run_root) {
  SigSet blockable;
  for (Sig sig : all_signals) {
    if (sig == Sig::kill) continue;
    blockable.add(sig);
    c.need(os, os.sigaction(sig, SigAction::dfl()), "supervisor: reset a disposition");
  }
  c.need(os, os.sigprocmask(SigHow::setmask, blockable), "supervisor: block signals");
  Pid root = spawn(os, c, [&s, &run_root, c](Os& os) {
    c.need(os, os.sigprocmask(SigHow::setmask, {}), "root: unblock signals");
    if (run_root)
      run_root(os, s, c);
    else
      s.body(os, c);
  });
  Result<WaitStatus> end = os.waitpid(root, false);
  c.observe(os, "root: " + show(end));
}

}  // namespace papaya::conformance

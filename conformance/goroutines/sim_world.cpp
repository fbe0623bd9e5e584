// run_on_sim (sim_world.hpp).
#include "conformance/goroutines/sim_world.hpp"

#include "sim/simulation.hpp"

namespace papaya::conformance::goroutines {

std::string run_on_sim(const GoScenario& s, std::uint64_t seed, int procs) {
  sim::Options o;
  o.seed = seed;
  o.gomaxprocs = procs;
  sim::Simulation simulation(o);
  std::string out;
  sim::RunReport r = simulation.run([&](Os& os) { out = s.body(os); });
  if (r.verdict == Verdict::ok) return out + "main: returned\n";
  // The sim's detail names the process: "pid 1: panic: close of closed channel".
  std::string detail = r.detail;
  if (auto colon = detail.find(": "); detail.rfind("pid ", 0) == 0 && colon != std::string::npos)
    detail = detail.substr(colon + 2);
  if (r.verdict == Verdict::go_fatal) return out + "main: aborted: " + detail + "\n";
  return out + "HARNESS: sim verdict " + std::string(verdict_name(r.verdict)) + ": " + detail +
         "\n";
}

}  // namespace papaya::conformance::goroutines

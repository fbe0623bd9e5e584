// run_on_sim: the scenario on the simulated kernel (sim/simulation.hpp), one seed per run. The
// supervisor is the simulation's init (pid 1); the scratch directory is the path prefix "/conf"
// (the sim's file names are plain strings).
#include <cstdlib>

#include "conformance/kernel/supervise.hpp"
#include "conformance/kernel/worlds.hpp"
#include "sim/simulation.hpp"

namespace papaya::conformance {

std::string run_on_sim(const Scenario& s, std::uint64_t seed, std::string* notes) {
  sim::Options opts;
  opts.seed = seed;
  // PAPAYA_CONFORMANCE_FAULTS=1 lets the sim also split sends (a fault Linux shows only when a
  // signal interrupts a send): the scenarios use send_all, so outcomes must not change.
  const char* faults = std::getenv("PAPAYA_CONFORMANCE_FAULTS");
  opts.faults = faults != nullptr && std::string(faults) == "1";
  sim::Simulation simulation(opts);
  const Ctx ctx("/conf");
  sim::RunReport report = simulation.run([&](Os& os) { supervise(os, s, ctx); });
  std::string outcome = simulation.file_contents(ctx.observations_path()).value_or("");
  if (report.verdict != Verdict::ok) {
    outcome += "HARNESS: sim verdict " + std::string(verdict_name(report.verdict)) + ": " +
               report.detail + "\n";
  }
  if (notes != nullptr) {
    *notes = "sim run: " + std::to_string(report.steps) + " steps, " +
             std::to_string(report.decisions) + " decisions, virtual time " +
             std::to_string(report.virtual_time.count()) + " ns";
    for (const std::string& w : report.warnings) *notes += "\nsim warning: " + w;
  }
  return outcome;
}

}  // namespace papaya::conformance

// Executor: runs simulated processes on fibers over the Kernel, one at a time. The scheduler runs
// on the caller's stack; each Os call of a process records its pending operation and call site and
// switches to the scheduler, which asks the Chooser who steps next, steps the kernel, records the
// step in the trace, and resumes the stepped process when its call is complete.
//
// User code between two Os calls is invisible to other processes (simulated processes share no
// memory), so a process runs from one call to the next without a scheduling decision: right
// after its call completes (and a child from its start to its first call).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/kernel.hpp"
#include "sim/chooser.hpp"
#include "sim/simulation.hpp"
#include "sim/strategy.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

class ReplayStrategy;

class Executor {
 public:
  explicit Executor(const Options& opts);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  RunReport run(std::function<void(Os&)> init);
  const traces::Trace& trace() const { return trace_; }
  std::optional<std::string> file_contents(std::string_view path) const {
    return kernel_.file_contents(path);
  }

  // ---- SimOs's side: called on the calling process's fiber.
  // Submits `op` as the pending operation of `pid`, switches to the scheduler, and returns the
  // outcome once the operation completed. If the process ended meanwhile, unwinds its fiber
  // (throws the internal exit exception). A process being unwound gets ESRCH without a step.
  const model::Outcome& call(Pid pid, const model::Op& op, const Site& site);
  // The body of the child that `pid`'s pending fork will create.
  void hand_over_fork_body(Pid pid, std::function<void(Os&)> body);
  // The program image that `pid`'s pending exec will start (on success).
  void hand_over_exec_image(Pid pid, std::function<void(Os&)> image);
  [[noreturn]] void unreachable_after_exit(Pid pid);

 private:
  struct Proc;
  Proc& proc(Pid pid);
  void start(Pid pid, std::function<void(Os&)> body);
  void resume(Proc& p);
  void fiber_main(Proc& p);
  void run_image(Proc& p);
  void after_step(Pid pid, const model::Outcome& out, bool forked);
  void record(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
              std::size_t first_decision, bool killed_from_outside);
  void take_step(Pid pid, std::size_t first_decision, bool killed_from_outside);
  void kill_from_outside(const traces::KillFault& k);
  std::string blocked_report() const;
  std::string site_of(Pid pid) const;
  void unwind_all();
  RunReport finish(RunReport r);

  Options opts_;
  std::unique_ptr<Strategy> strategy_;
  ReplayStrategy* replay_;  // strategy_, when it replays
  traces::Trace trace_;
  Chooser chooser_;
  model::Kernel kernel_;
  std::vector<std::unique_ptr<Proc>> procs_;  // index = pid; null for pid 0
  std::vector<Pid> live_;                     // processes whose fiber runs, in pid order
  std::vector<Pid> ready_;
  Pid last_ran_ = 0;  // the process that took the previous step: option 0 when it can go on
  std::uint64_t steps_ = 0;
  std::size_t next_kill_ = 0;  // into opts_.kills
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::optional<std::string> crash_;
  bool ran_ = false;
};

}  // namespace papaya::sim

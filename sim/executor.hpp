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

#include "model/go/runtime.hpp"
#include "model/kernel.hpp"
#include "sim/chooser.hpp"
#include "sim/independence.hpp"
#include "sim/simulation.hpp"
#include "sim/strategy.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

class ReplayStrategy;

class Executor final : private RunView {
 public:
  explicit Executor(const Options& opts);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  RunReport run(std::function<void(Os&)> init);
  const traces::Trace& trace() const override { return trace_; }
  std::optional<std::string> file_contents(std::string_view path) const {
    return kernel_.file_contents(path);
  }

  // ---- SimOs's side: called on the calling process's fiber.
  // Submits `op` as the pending operation of `pid`, switches to the scheduler, and returns the
  // outcome once the operation completed. If the process ended meanwhile, unwinds its fiber
  // (throws the internal exit exception). A process being unwound gets ESRCH without a step.
  const model::Outcome& call(Pid pid, const model::Op& op, const Site& site) {
    return call(pid, 0, op, site);
  }
  // The same from goroutine `gid` of `pid` (0: the process's first thread, its main goroutine once
  // it is a Go program). A goroutine's kernel call is a Go syscall (entersyscall, the kernel step,
  // exitsyscall); a socket call that would block parks the goroutine in the netpoller and retries.
  const model::Outcome& call(Pid pid, model::go::Gid gid, const model::Op& op, const Site& site);

  // ---- goroutines (sim/executor_go.cpp): called on the calling goroutine's fiber.
  // Submits `op` for goroutine `gid` (0: main) and returns its outcome once the runtime has run
  // it. The process becomes a Go program at its first call here (or to go_runtime).
  model::go::GoOutcome go_call(Pid pid, model::go::Gid gid, const model::go::GoOp& op,
                               const Site& site);
  // The body of the goroutine that `gid`'s pending `go` starts.
  void hand_over_go_body(Pid pid, model::go::Gid gid, std::function<void(Os&)> body);
  // The process's Go runtime (made at the first call): for new_mutex and friends.
  model::go::Runtime& go_runtime(Pid pid);
  // time.Sleep on goroutine `gid`: parks it until the virtual clock reaches now + d.
  void go_sleep(Pid pid, model::go::Gid gid, Duration d, const Site& site);
  // signal_notify's relay goroutine `gid`: parks until a signal of `sigs` has been caught (its
  // caught flag is set), as signal_recv sleeps on its note until sigsend wakes it.
  void go_wait_signals(Pid pid, model::go::Gid gid, SigSet sigs, const Site& site);
  bool is_go(Pid pid);
  Duration clock() const { return kernel_.now(); }
  // The body of the child that `pid`'s pending fork will create.
  void hand_over_fork_body(Pid pid, std::function<void(Os&)> body);
  // The program image that `pid`'s pending exec will start (on success).
  void hand_over_exec_image(Pid pid, std::function<void(Os&)> image);
  // call() for _exit (SimOs::exit): returns once the process has ended, or at once if it is
  // being unwound already; the caller then ends its stack (end_process_stack).
  void call_to_exit(Pid pid, model::go::Gid gid, const model::Op& op, const Site& site);

 private:
  struct Proc;
  struct Goroutine;
  struct GoProc;
  // What can take the next step: a process's pending kernel operation, or an actor of a Go
  // program's runtime (an M on a P, an M leaving a syscall, the M blocked in netpoll).
  struct Option {
    Pid pid = 0;
    bool go = false;
    model::go::Actor actor{};
    std::uint16_t task = 0;  // a kernel thread of `pid` other than its first (a Go program's M)
    friend bool operator==(const Option&, const Option&) = default;
  };
  Proc& proc(Pid pid);
  void start(Pid pid, std::function<void(Os&)> body);
  void resume(Proc& p);
  void fiber_main(Proc& p);
  void run_image(Proc& p);
  void exit_after_body(Proc& p, const Site& site);
  void after_step(Pid pid, const model::Outcome& out, bool forked, std::uint16_t task);
  void record(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
              std::size_t first_decision, bool killed_from_outside, std::uint16_t task);
  void take_step(Pid pid, std::size_t first_decision, bool killed_from_outside,
                 std::uint16_t task = 0);
  void kill_from_outside(const traces::KillFault& k);
  std::vector<Pid> kill_victims(Pid only) const;
  bool explore_kill();
  std::string blocked_report() const;
  // The scheduling loop (Executor::run) between collecting a step's options and choosing.
  enum class Gate { step, again, stop };
  Gate gate(bool none_ready, RunReport& r);
  // gate()'s common case, inline: no kill left to come, something ready, under the step bound,
  // nobody observing (then gate() would answer Gate::step without doing anything).
  bool gate_passes(bool none_ready) const {
    return next_kill_ == opts_.kills.size() && kills_left_ == 0 && !none_ready &&
           steps_ + go_steps_ < opts_.max_steps && !observes_;
  }
  bool plain_step(RunReport& r);
  std::string site_of(Pid pid) const;
  void unwind_all();
  RunReport finish(RunReport r);

  // goroutines (sim/executor_go.cpp)
  GoProc& make_go(Proc& p);
  static void add_goroutine(GoProc& gp, std::unique_ptr<Goroutine> g);
  const model::Outcome& go_kernel_call(Proc& p, model::go::Gid gid, const model::Op& op,
                                       const Site& site);
  void go_submit_kernel(Proc& p);
  void go_enter_kernel(Proc& p, model::go::Gid g);
  Goroutine& goroutine(Proc& p, model::go::Gid gid);
  void suspend(Proc& p, Goroutine& g);
  void resume_goroutine(Proc& p, Goroutine& g);
  void goroutine_main(Proc& p, Goroutine& g);
  void go_step(Pid pid, model::go::Actor a);
  void add_go_program(Pid pid);
  void go_options();
  void go_after_kernel_step(Proc& p, const model::Outcome& out, std::uint16_t task);
  void go_run_wanting(Proc& p);
  void end_go_process(Proc& p, const model::Outcome& out);
  void go_poll();
  std::optional<Duration> go_next_timer() const;
  void go_advance_to(Duration t);
  std::string go_blocked_report(const Proc& p) const;
  void go_unwind(Proc& p);
  // The effect of option `o`'s step, in a run with a Go program (sim/go_footprint.cpp): for the
  // exploring strategies (Strategy::step_effect).
  void go_effect(const Option& o, Effect& e);
  void go_actor_footprint(Proc& p, const model::go::Actor& a, Effect& e);
  // What a goroutine's own code may change between two runtime operations, outside them (new
  // runtime objects and netpoll descriptors, sleep timers, signal_notify's arming): taken before
  // a Go step, compared after it by go_effect_after, which completes the step's effect.
  struct GoTables {
    std::size_t objects = 0;
    std::size_t timers = 0;
    std::size_t pds = 0;
    bool armed = false;
    friend bool operator==(const GoTables&, const GoTables&) = default;
  };
  GoTables go_tables(const Proc& p) const;
  void go_effect_after(const Option& o, Effect& e);
  GoTables go_tables_{};         // go_effect's, before the step
  std::vector<Pid> go_started_;  // Go programs that took a runtime step (go_effect_after)
  void go_watched_edges(Effect& e);
  // For a stateful strategy (RunView; sim/go_state_key.cpp): the Go programs' state, and what a
  // goroutine's code can read when it is resumed (told to the strategy: Strategy::go_resumed).
  bool any_go() const override { return any_go_; }
  void hash_go_state(model::StateHasher& h, bool run_queues, bool received) const override;
  void note_go_resume(const Proc& p, const Goroutine& g);
  Options opts_;
  std::unique_ptr<Strategy> strategy_;
  ReplayStrategy* replay_;  // strategy_, when it replays
  traces::Trace trace_;
  Chooser chooser_;
  model::Kernel kernel_;
  std::vector<std::unique_ptr<Proc>> procs_;  // index = pid; null for pid 0
  std::vector<Pid> live_;                     // processes whose fiber runs, in pid order
  // The pid of each option, for the strategy's hooks; without a Go program, the options.
  std::vector<Pid> ready_;
  std::vector<Option> options_;  // a Go run's step: options_[first_option_ ..] (go_options)
  std::size_t first_option_ = 0;
  Option last_ran_{};        // the option that took the previous step: option 0 when it can go on
  bool any_go_ = false;      // some process became a Go program (else skip the Go bookkeeping)
  bool observes_ = false;    // strategy_->observes(), asked once per run
  bool go_resumes_ = false;  // the strategy keys states: it is told each goroutine resumption
  // The processes that became Go programs, in pid order (go_options).
  std::vector<Pid> go_pids_;
  // go_poll has something to look at: a kernel step since the last poll (only a kernel step
  // changes what would_block and the caught flags say), or a signal wait armed since.
  bool poll_due_ = true;
  // ... and among those kernel steps one that may have changed a stream (a socket, a listener, a
  // pipe: may_change_streams), the only kind that can end a watched call's EAGAIN.
  bool watch_due_ = true;
  std::uint64_t go_steps_ = 0;              // steps of Go runtimes (not yet in the trace's steps)
  std::optional<std::string> go_fatal_;     // a Go program's fatal error or panic
  std::optional<std::string> go_deadlock_;  // a Go program's checkdead verdict
  std::vector<std::string> goroutine_leaks_;
  std::uint64_t steps_ = 0;
  std::size_t next_kill_ = 0;                        // into opts_.kills
  int kills_left_ = 0;                               // Options::explore_kills not yet taken
  std::uint64_t kill_asked_at_ = ~std::uint64_t{0};  // the step count a kill was last offered at
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::optional<std::string> crash_;
  bool ran_ = false;
  Effect effect_;   // go_effect's, reused
  Effect watched_;  // go_watched_edges' scratch
};

}  // namespace papaya::sim

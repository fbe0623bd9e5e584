#include "sim/executor.hpp"

#include <algorithm>
#include <boost/context/fiber.hpp>
#include <exception>

#include "model/check.hpp"
#include "sim/borrowed_strategy.hpp"
#include "sim/executor_internal.hpp"
#include "sim/fiber_switch.hpp"
#include "sim/prefix_strategy.hpp"
#include "sim/random_strategy.hpp"
#include "sim/replay_strategy.hpp"
#include "sim/sim_os.hpp"
#include "sim/state_cache.hpp"

namespace papaya::sim {

namespace {
std::unique_ptr<Strategy> make_strategy(const Options& o) {
  if (o.strategy == StrategyKind::replay) return std::make_unique<ReplayStrategy>(o.replay);
  if (o.strategy == StrategyKind::prefix) return std::make_unique<PrefixStrategy>(o.replay);
  if (o.strategy == StrategyKind::external) {
    PAPAYA_ASSERT(o.external != nullptr, "an external strategy without a strategy");
    return std::make_unique<BorrowedStrategy>(*o.external);
  }
  return std::make_unique<RandomStrategy>(o.seed);
}
}  // namespace

Executor::Executor(const Options& opts)
    : opts_(opts),
      strategy_(make_strategy(opts)),
      replay_(dynamic_cast<ReplayStrategy*>(strategy_.get())),
      chooser_(*strategy_, trace_.decisions),
      kernel_(chooser_, model::KernelConfig{opts.faults, opts.disk_full, opts.path_pids}) {
  trace_.header = opts.header;
#ifdef PAPAYA_SIM_VERSION
  if (trace_.header.papaya_version.empty()) trace_.header.papaya_version = PAPAYA_SIM_VERSION;
#endif
  trace_.header.seed = opts.seed;
  trace_.header.strategy = std::string(strategy_->name());
  trace_.header.max_steps = opts.max_steps;
  trace_.header.faults = opts.faults;
  trace_.header.kills = opts.kills;
  PAPAYA_ASSERT(opts.explore_kills == 0 || opts.kills.empty(),
                "exploration's kills and recorded kills in one run");
  kills_left_ = opts.explore_kills;
  trace_.header.disk_full = opts.disk_full;
  trace_.header.gomaxprocs = opts.gomaxprocs;
  trace_.header.go_preempt = opts.go_preempt;
  procs_.emplace_back();
}

Executor::~Executor() { unwind_all(); }

Executor::Proc& Executor::proc(Pid pid) {
  PAPAYA_ASSERT(pid > 0 && static_cast<std::size_t>(pid) < procs_.size() && procs_[pid],
                "no such simulated process");
  return *procs_[static_cast<std::size_t>(pid)];
}

// ---- the process side -------------------------------------------------------------------------

const model::Outcome& Executor::call(Pid pid, model::go::Gid gid, const model::Op& op,
                                     const Site& site) {
  Proc& p = proc(pid);
  if (p.dying) {
    static const model::Outcome gone = model::Outcome::error(Errno::esrch);
    return gone;
  }
  if (p.go) return go_kernel_call(p, gid, op, site);
  kernel_.submit(pid, op);
  p.file = site.file_name();
  p.line = site.line();
  p.sched = leave(std::move(p.sched));  // to the scheduler; back when the call is complete
  if (p.outcome.status == model::StepStatus::exited) {
    p.dying = true;
    end_process_stack();
  }
  if (p.execing) {
    p.execing = false;
    p.dying = true;  // while the old image unwinds, its calls (destructors) do nothing
    throw ProcessExec{};
  }
  return p.outcome;
}

void Executor::hand_over_fork_body(Pid pid, std::function<void(Os&)> body) {
  proc(pid).fork_body = std::move(body);
}

void Executor::hand_over_exec_image(Pid pid, std::function<void(Os&)> image) {
  proc(pid).exec_image = std::move(image);
}

void Executor::fiber_main(Proc& p) {
  for (;;) {
    try {
      run_image(p);
      return;
    } catch (const ProcessExec&) {
      p.body = std::move(p.exec_image);  // the old image's stack is unwound: run the new one
      p.exec_image = nullptr;
      p.dying = false;
    }
  }
}

// A process's program: a fork's body, init's, or an exec'd image. (Its `exit(0)` line below is in
// every trace of a process whose body returns: keep the lines above it where they are.)
void Executor::run_image(Proc& p) {
  try {
    p.body(p.os);
    exit_after_body(p, Site::current());  // fork(2)'s body returning is _exit(0)
  } catch (const ProcessExit&) {
  } catch (const ProcessExec&) {
    throw;
  } catch (const boost::context::detail::forced_unwind&) {
    throw;
  } catch (const std::exception& e) {
    if (!crash_)
      crash_ = "pid " + std::to_string(p.pid) + ": uncaught exception: " + e.what() +
               " (last call at " + site_of(p.pid) + ")";
  } catch (...) {
    if (take_process_stack_end()) return;  // end_process_stack's unwind: the process ended
    if (!crash_)
      crash_ = "pid " + std::to_string(p.pid) +
               ": uncaught exception of unknown type (last call at " + site_of(p.pid) + ")";
  }
}

// SimOs::exit's call: as call(), but it returns once the process has ended (at once for a dying
// one), and SimOs::exit unwinds the stack itself, from its own frame (end_process_stack is
// inline): every frame costs the unwinder its FDE lookup and CFA program, and this one is not
// walked. A Go program's exit goes through the goroutine's syscall, which unwinds in there.
void Executor::call_to_exit(Pid pid, model::go::Gid gid, const model::Op& op, const Site& site) {
  Proc& p = proc(pid);
  if (p.dying) return;
  if (p.go) {
    go_kernel_call(p, gid, op, site);
    return;
  }
  kernel_.submit(pid, op);
  p.file = site.file_name();
  p.line = site.line();
  p.sched = leave(std::move(p.sched));  // to the scheduler; back when the process has ended
  PAPAYA_ASSERT(p.outcome.status == model::StepStatus::exited, "a process lived on after _exit");
  p.dying = true;
}

// The body returned: _exit(0). Nothing of the body is left on the stack, so the fiber ends by
// returning from run_image instead of unwinding (7,200 instructions in a chat run,
// docs/performance.md, "Wave 9"). A Go program exits as from SimOs::exit: its syscall unwinds
// every goroutine's stack.
void Executor::exit_after_body(Proc& p, const Site& site) {
  if (p.go) p.os.exit(0, site);
  call_to_exit(p.pid, 0, model::op::Exit{0}, site);
}

// ---- the scheduler side -----------------------------------------------------------------------

void Executor::start(Pid pid, std::function<void(Os&)> body) {
  if (procs_.size() <= static_cast<std::size_t>(pid))
    procs_.resize(static_cast<std::size_t>(pid) + 1);
  procs_[static_cast<std::size_t>(pid)] = std::make_unique<Proc>(*this, pid);
  Proc& p = *procs_[static_cast<std::size_t>(pid)];
  p.body = std::move(body);
  p.running = true;
  p.kp = &kernel_.process(pid);
  p.fiber = make_fiber(p.stack, [this, &p](boost::context::fiber&& sched) {
    p.sched = std::move(sched);
    fiber_main(p);
    return std::move(p.sched);
  });
  live_.insert(std::upper_bound(live_.begin(), live_.end(), pid), pid);
  resume(p);
}

// Runs the process until its next Os call (or until its fiber returns).
void Executor::resume(Proc& p) {
  p.fiber = enter(std::move(p.fiber), p.stack);
  if (p.fiber) {
    PAPAYA_ASSERT(p.dying || kernel_.has_pending(p.pid) || p.go,
                  "a process came back to the scheduler without a call");
    return;
  }
  p.running = false;
  live_.erase(std::find(live_.begin(), live_.end(), p.pid));
}

std::string Executor::site_of(Pid pid) const {
  const Proc& p = *procs_[static_cast<std::size_t>(pid)];
  return std::string(p.file) + ":" + std::to_string(p.line);
}

void Executor::record(Pid pid, model::OpKind kind, const model::OpArgs& args,
                      const model::Outcome& out, std::size_t first_decision,
                      bool killed_from_outside, std::uint16_t task) {
  const Proc& p = *procs_[static_cast<std::size_t>(pid)];
  const char* file = p.file;
  std::uint32_t line = p.line;
  traces::Step& s = trace_.steps.emplace_back();
  s.time_ns = kernel_.now().count();
  s.pid = pid;
  // A Go program's kernel step is a goroutine's system call: on another thread (M) the one it
  // runs there, on the first the one at the front of its queue.
  if (p.go && task != 0) {
    s.g = p.go->on_tasks.at(task);
    s.m = task;
    PAPAYA_ASSERT(s.g < p.go->gs.size() && p.go->gs[s.g], "a thread's call of no goroutine");
    file = p.go->gs[s.g]->file;
    line = p.go->gs[s.g]->line;
  } else if (p.go && !p.go->kq.empty()) {
    s.g = p.go->kq.front();
  }
  s.op = kind;
  s.status = out.status;
  s.err = out.err;
  s.ret = out.ret;
  s.ret2 = static_cast<std::int32_t>(out.ret2);
  if (kind == model::OpKind::waitpid && out.err == Errno::ok)
    s.ret2 = out.wait.signaled ? -static_cast<std::int32_t>(out.wait.term_sig) : out.wait.exit_code;
  if (out.status == model::StepStatus::exited) {
    s.ret = out.wait.exited ? out.wait.exit_code : 0;
    s.ret2 = out.wait.signaled ? static_cast<std::int32_t>(out.wait.term_sig) : 0;
  }
  s.args = args.v;
  s.inode = out.inode;
  s.pos = out.pos;
  s.moved = out.moved;
  if (!args.text.empty() || model::op_text_name(kind) != "") {
    s.text = static_cast<std::uint32_t>(trace_.texts.size());
    trace_.texts.emplace_back(args.text);
  }
  s.first_decision = static_cast<std::uint32_t>(first_decision);
  PAPAYA_ASSERT(trace_.decisions.size() - first_decision < 0xffff,
                "too many decisions in one step");
  s.decision_count = static_cast<std::uint16_t>(trace_.decisions.size() - first_decision);
  s.file = file;
  s.line = line;
  s.killed_from_outside = killed_from_outside;
}

void Executor::after_step(Pid pid, const model::Outcome& out, bool forked, std::uint16_t task) {
  Proc& p = proc(pid);
  if (p.go) {
    go_after_kernel_step(p, out, task);
    return;
  }
  switch (out.status) {
    case model::StepStatus::done:
      p.outcome = out;
      if (forked) {
        std::function<void(Os&)> body = std::move(p.fork_body);
        p.fork_body = nullptr;
        if (out.err == Errno::ok) start(static_cast<Pid>(out.ret), std::move(body));
      }
      resume(p);
      break;
    case model::StepStatus::exited:
      p.outcome = out;
      resume(p);  // unwinds the fiber
      break;
    case model::StepStatus::blocked:
    case model::StepStatus::progress: break;
  }
}

std::string Executor::blocked_report() const {
  std::string out;
  for (Pid pid : live_) {
    const Proc& p = *procs_[static_cast<std::size_t>(pid)];
    if (p.go) {
      if (!out.empty()) out += "; ";
      out += go_blocked_report(p);
      continue;
    }
    const model::Process& kp = kernel_.process(pid);
    if (!kp.pending) continue;
    if (!out.empty()) out += "; ";
    out += "pid " + std::to_string(pid) + " blocked in " +
           std::string(model::op_name(model::kind_of(*kp.pending))) + " at " + site_of(pid);
  }
  return out;
}

// (Defined down here: a line added above run_image would move the site its `exit(0)` records in
// every trace.)
namespace {
constexpr std::size_t decisions_reserved = 2048;

// The random strategy's generator, which the Chooser then asks directly; null for the others.
Prng* random_prng(Strategy& s) {
  auto* r = dynamic_cast<RandomStrategy*>(&s);
  return r != nullptr ? &r->prng() : nullptr;
}

// Moves *last to *first and the elements of [first, last) one place on (std::rotate by one), by
// carrying each element in a register: gcc turns the plain loop (`*it = *(it - 1)` from `last`
// down) into a memmove call, which cost more than the moves of the few options there are
// (docs/performance.md, "Wave 10"), as std::rotate's did.
template <class It>
void to_front(It first, It last) {
  auto carry = std::move(*last);
  for (; first != last; ++first) std::swap(*first, carry);
  *last = std::move(carry);
}
}  // namespace

// Between collecting the options of a step and choosing among them: a kill due now, a run with
// nothing ready (virtual time moves to the next timer, or the run is deadlocked), the step bound,
// and an observing strategy's look at the ready list (ready_), which may abandon the run.
Executor::Gate Executor::gate(bool none_ready, RunReport& r) {
  // A kill due now comes first, even when nothing is ready (an operator's kill -9 of a hung
  // process): the run is deadlocked only if it is still stuck after it.
  if (!live_.empty() && steps_ < opts_.max_steps && next_kill_ < opts_.kills.size() &&
      opts_.kills[next_kill_].step <= steps_) {
    kill_from_outside(opts_.kills[next_kill_++]);
    return Gate::again;
  }
  // Exploration's kills, offered once per step count, where a recorded kill would fire on replay.
  if (kills_left_ > 0 && kill_asked_at_ != steps_ && steps_ < opts_.max_steps) {
    kill_asked_at_ = steps_;
    if (explore_kill()) return Gate::again;
  }
  if (none_ready) {
    if (live_.empty()) return Gate::stop;
    std::optional<Duration> t = kernel_.next_timer();
    if (std::optional<Duration> g = any_go_ ? go_next_timer() : std::nullopt; g && (!t || *g < *t))
      t = g;
    if (t) {
      kernel_.advance_to(std::max(*t, kernel_.now()));
      if (any_go_) go_advance_to(kernel_.now());
      if (observes_ && opts_.time_orders_steps) strategy_->time_moved();
      return Gate::again;
    }
    r.verdict = Verdict::deadlock;
    r.detail = blocked_report();
    return Gate::stop;
  }
  if (steps_ + go_steps_ >= opts_.max_steps) {
    r.verdict = Verdict::step_bound_exceeded;
    r.detail = std::to_string(steps_ + go_steps_) + " steps without the run ending";
    return Gate::stop;
  }
  if (observes_) {
    strategy_->ready(kernel_, ready_);
    if (strategy_->abandon()) {
      r.abandoned = true;
      r.detail = "abandoned by the " + std::string(strategy_->name()) + " strategy";
      return Gate::stop;
    }
  }
  return Gate::step;
}

// One turn of the scheduling loop in a run without a Go program: the options are the ready
// processes, kept as pids in ready_ (which is also the list an observing strategy sees: a
// process's id is its pid). The same options in the same order as the general loop's: the kernel
// visits only the processes something happened to since they were last found not ready, in pid
// order, and the process that ran last goes first if it is ready (option 0: no preemption). (A
// process the kernel finds ready has a pending call, so its fiber runs: it waits in
// Executor::call.) False when the run ends.
bool Executor::plain_step(RunReport& r) {
  ready_.clear();
  kernel_.for_each_ready([this](Pid pid) { ready_.push_back(pid); });
  // Without a Go program every option, and so the last one to run, is a process's own call. It
  // goes to the front, the others keep their order (a rotation by one, see to_front).
  if (!last_ran_.go && last_ran_.task == 0)
    if (auto it = std::find(ready_.begin(), ready_.end(), last_ran_.pid);
        it != ready_.end() && it != ready_.begin())
      to_front(ready_.begin(), it);
  if (!gate_passes(ready_.empty()))
    if (const Gate g = gate(ready_.empty(), r); g != Gate::step) return g == Gate::again;
  chooser_.at_step(steps_);
  const std::size_t first_decision = trace_.decisions.size();
  const Pid pid = ready_.size() == 1
                      ? ready_[0]
                      : ready_[chooser_.choose(static_cast<std::uint32_t>(ready_.size()),
                                               model::DecisionKind::schedule)];
  // (Asked of the chosen process only: a ready process has a pending call, so its fiber waits in
  // Executor::call.)
  PAPAYA_ASSERT(procs_[static_cast<std::size_t>(pid)]->running, "a ready process without a fiber");
  last_ran_ = Option{pid};
  if (observes_) strategy_->stepping(kernel_, pid);
  take_step(pid, first_decision, false);
  if (any_go_ && poll_due_) {  // the step may have made the process a Go program
    poll_due_ = false;
    go_poll();
  }
  return true;
}

RunReport Executor::run(std::function<void(Os&)> init) {
  PAPAYA_ASSERT(!ran_, "a Simulation runs once");
  ran_ = true;
  model::set_failure_context("seed " + std::to_string(opts_.seed) + " (" +
                             std::string(strategy_->name()) + ")");
  strategy_->begin_execution();
  observes_ = strategy_->observes();
  go_resumes_ = observes_ && strategy_->attach(this);
  // A run takes about one decision per step: room for a short run's (a chat run 3x5 takes 1,196
  // at seed 1), so the Chooser's record does not grow by reallocation, copy after copy, at every
  // run.
  trace_.decisions.reserve(decisions_reserved);
  chooser_.ask_directly(random_prng(*strategy_));
  trace_.header.path_pids = opts_.path_pids;  // (set here: the call sites above keep their lines)
  RunReport r;
  start(kernel_.create_init(), std::move(init));
  for (;;) {
    if (crash_) {
      r.verdict = Verdict::uncaught_exception;
      r.detail = *crash_;
      break;
    }
    if (replay_ && replay_->diverged()) {
      r.verdict = Verdict::replay_divergence;
      r.detail = replay_->divergence();
      break;
    }
    if (go_fatal_) {
      r.verdict = Verdict::go_fatal;
      r.detail = *go_fatal_;
      break;
    }
    if (go_deadlock_) {
      r.verdict = Verdict::deadlock;
      r.detail = *go_deadlock_;
      break;
    }
    if (!any_go_) {
      // No Go program: only processes' kernel calls (the common, cheap case), each option a pid.
      if (!plain_step(r)) break;
      continue;
    }
    go_options();  // option 0 is the one that ran last, if it can go on (see go_options)
    const Option* const options = options_.data() + first_option_;
    const std::size_t n = options_.size() - first_option_;
    const bool observed = observes_;
    if (observed) {  // only an observing strategy sees the ready list
      ready_.clear();
      for (const Option& o : std::span(options, n))
        ready_.push_back(
            o.go     ? go_actor_id(o.pid, static_cast<std::uint32_t>(o.actor.kind), o.actor.id)
            : o.task ? go_actor_id(o.pid, task_actor_kind, o.task)
                     : o.pid);
    }
    if (!gate_passes(n == 0))
      if (const Gate g = gate(n == 0, r); g != Gate::step) {
        if (g == Gate::stop) break;
        continue;
      }
    chooser_.at_step(steps_);
    std::size_t first_decision = trace_.decisions.size();
    const Option o = n == 1 ? options[0]
                            : options[chooser_.choose_inline(static_cast<std::uint32_t>(n),
                                                             model::DecisionKind::schedule)];
    last_ran_ = o;
    if (o.go) {
      const Pid id = go_actor_id(o.pid, static_cast<std::uint32_t>(o.actor.kind), o.actor.id);
      if (observed) {
        strategy_->stepping(kernel_, id);
        go_effect(o, effect_);
      }
      go_step(o.pid, o.actor);
      if (observed) {
        go_effect_after(o, effect_);
        strategy_->step_effect(effect_);
        strategy_->stepped(id, model::StepStatus::done);
      }
    } else {
      if (observed) {
        strategy_->stepping(kernel_, o.task ? go_actor_id(o.pid, task_actor_kind, o.task) : o.pid);
        if (any_go_) {
          go_effect(o, effect_);
          strategy_->step_effect(effect_);
        }
      }
      take_step(o.pid, first_decision, false, o.task);
    }
    if (any_go_ && poll_due_) {
      poll_due_ = false;
      go_poll();
    }
  }
  return finish(r);
}

// Steps `pid`'s pending operation and records the step.
void Executor::take_step(Pid pid, std::size_t first_decision, bool killed_from_outside,
                         std::uint16_t task) {
  const model::Op& op = *kernel_.pending(pid, task);
  model::OpKind kind = model::kind_of(op);
  model::OpArgs args = model::op_args(op);
  const std::span<const char> received = receive_buffer(op);  // before the step ends the op
  model::Outcome out = kernel_.step(pid, task);
  PAPAYA_ASSERT(!killed_from_outside || out.status == model::StepStatus::exited,
                "a process survived SIGKILL");
  record(pid, kind, args, out, first_decision, killed_from_outside, task);
  poll_due_ = true;  // the kernel changed: a watched descriptor may have become ready
  if (any_go_ && !watch_due_) watch_due_ = may_change_streams(kind, out.status);
  if (out.status == model::StepStatus::done && out.err == Errno::ok && out.ret > 0) {
    if (kind == model::OpKind::send) bytes_sent_ += static_cast<std::uint64_t>(out.ret);
    if (kind == model::OpKind::recv) bytes_received_ += static_cast<std::uint64_t>(out.ret);
  }
  if (kernel_.has_warnings())
    for (std::string& w : kernel_.take_warnings())
      trace_.warnings.push_back({steps_, std::move(w)});
  ++steps_;
  if (opts_.check_invariants) kernel_.check_invariants();
  if (kind == model::OpKind::exec && out.status == model::StepStatus::done && out.err == Errno::ok)
    proc(pid).execing = true;
  if (!killed_from_outside && observes_ && task == 0)
    strategy_->observed(pid, kind, args, out, received);
  if (!killed_from_outside && observes_)
    strategy_->stepped(task ? go_actor_id(pid, task_actor_kind, task) : pid, out.status);
  after_step(pid, out, kind == model::OpKind::fork, task);
}

// A KillFault: SIGKILL to its process, or the pick-th live process outside init's group, which
// then takes this step: its death (Kernel::step delivers the signal first, also between two pages
// of a write).
// The processes a kill from outside may hit: `only`, or (0) every live one outside init's group
// (the server's), in live_'s order.
std::vector<Pid> Executor::kill_victims(Pid only) const {
  std::vector<Pid> victims;
  const Pid init_group = kernel_.process(1).pgid;
  for (Pid pid : live_) {
    const model::Process& kp = kernel_.process(pid);
    const bool go_idle = procs_[static_cast<std::size_t>(pid)]->go && !kp.pending;
    if (kp.state != model::ProcState::live || (!kp.pending && !go_idle) || pid == 1) continue;
    if (only != 0 ? pid == only : kp.pgid != init_group) victims.push_back(pid);
  }
  return victims;
}

// Options::explore_kills: the strategy decides whether one of the victims dies now. Taken, the
// kill goes into the trace as a KillFault of that process at this step, where a replay fires it.
bool Executor::explore_kill() {
  const std::vector<Pid> victims = kill_victims(0);
  if (victims.empty()) return false;
  chooser_.at_step(steps_);
  const std::uint32_t c = chooser_.choose_unrecorded(static_cast<std::uint32_t>(victims.size() + 1),
                                                     model::DecisionKind::kill);
  if (c == 0) return false;
  --kills_left_;
  traces::KillFault k;
  k.step = steps_;
  k.pid = victims[c - 1];
  trace_.header.kills.push_back(k);
  kill_from_outside(k);
  return true;
}

void Executor::kill_from_outside(const traces::KillFault& k) {
  const std::vector<Pid> victims = kill_victims(k.pid);
  if (victims.empty()) return;
  const Pid pid = victims[k.pick % victims.size()];
  // A Go program none of whose goroutines is in the kernel dies at a step of its own (its threads
  // run user code): recorded as a getpid, the kill's step.
  if (!kernel_.process(pid).pending) kernel_.submit(pid, model::op::Getpid{});
  kernel_.kill_from_outside(pid);
  chooser_.at_step(steps_);
  take_step(pid, trace_.decisions.size(), true);
}

RunReport Executor::finish(RunReport r) {
  if (observes_) strategy_->run_ending(kernel_);
  unwind_all();
  if (r.verdict == Verdict::ok && crash_) {
    r.verdict = Verdict::uncaught_exception;
    r.detail = *crash_;
  }
  if (r.verdict == Verdict::ok) {
    if (replay_ && replay_->unused() > 0) {
      r.verdict = Verdict::replay_divergence;
      r.detail = "the run ended at step " + std::to_string(steps_) + " with " +
                 std::to_string(replay_->unused()) + " recorded decisions unused";
    }
  }
  r.steps = steps_;
  r.go_steps = go_steps_;
  r.decisions = trace_.decisions.size();
  r.virtual_time = kernel_.now();
  r.processes = kernel_.processes_created();
  r.bytes_sent = bytes_sent_;
  r.bytes_received = bytes_received_;
  r.goroutine_leaks = goroutine_leaks_;
  for (const traces::Warning& w : trace_.warnings)
    r.warnings.push_back("step " + std::to_string(w.step) + ": " + w.text);
  trace_.verdict = r.verdict;
  trace_.detail = r.detail;
  trace_.virtual_time_ns = r.virtual_time.count();
  model::set_failure_context("");
  return r;
}

// Every fiber still suspended is resumed as if its process had ended, so its stack unwinds
// (destructors run, the stack goes back to the pool).
void Executor::unwind_all() {
  for (std::size_t i = 1; i < procs_.size(); ++i) {
    Proc* p = procs_[i].get();
    if (p && p->go) go_unwind(*p);
    if (!p || !p->running) continue;
    p->outcome.status = model::StepStatus::exited;
    p->dying = true;
    p->fiber = enter(std::move(p->fiber), p->stack);
    PAPAYA_ASSERT(!p->fiber, "a fiber survived its unwinding");
    p->running = false;
  }
  live_.clear();
}

}  // namespace papaya::sim

// Runtime: Go 1.19's scheduler and sync primitives as a state machine over plain values (G, P,
// run queues, semaphores, channels, netpoll descriptors). It has no fibers and no clock: the
// driver (a test's script, later sim/) submits each running goroutine's next operation, asks
// which actors can step, steps one, and passes virtual time in (advance_to, sysmon). Every choice
// the runtime leaves open -- which M/P steps next (the driver's), steal victims, select's poll
// order, where an asynchronous preemption lands -- goes to the one Choices given at construction.
//
// One rule, one function: each private member below implements one runtime rule and quotes its
// Go 1.19 source (file and function; Go 1.19.8 as Debian 12 ships it) in the .cpp files;
// docs/goroutines.md lists them. Not modelled: Ms as separate objects (an M is the thread behind
// a running P or a syscall), timers, GC, spinning in Mutex.lockSlow, LockOSThread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/check.hpp"
#include "model/decision.hpp"
#include "model/go/events.hpp"
#include "model/go/op.hpp"
#include "model/go/types.hpp"

namespace papaya::model {
class StateHasher;
}

namespace papaya::model::go {

// Which open choice the runtime is asking about; each reaches Choices as a DecisionKind of its own
// (decision_kind), so traces name it; the driver's choice of actor is the schedule decision.
enum class GoChoice : std::uint8_t {
  actor,
  steal_order,
  select_order,
  preempt_lands,
  race_randomize
};
std::string_view go_choice_name(GoChoice c);
DecisionKind decision_kind(GoChoice c);

struct GoConfig {
  int gomaxprocs = 1;
  // Offer, at each step of a goroutine that sysmon asked to stop, whether the asynchronous
  // preemption signal lands before its next operation (a choice) instead of always at once.
  bool async_preempt_choice = false;
  // Go built with -race randomizes runnext (proc.go "const randomizeScheduler = raceenabled").
  bool race_randomize = false;
};

// Something that can take a step: the M on a P (running its G's operation, or spinning in
// findRunnable), an M returning from a syscall, or the M blocked in netpoll when epoll has news.
struct Actor {
  enum class Kind : std::uint8_t { p, syscall_exit, poller } kind = Kind::p;
  std::uint32_t id = 0;  // P id, or the goroutine leaving its syscall
  friend bool operator==(const Actor&, const Actor&) = default;
};

enum class GoStatus : std::uint8_t { done, parked, progress, exited, ended, scheduled };
std::string_view go_status_name(GoStatus s);  // "done", "parked", ... (events.cpp)
std::optional<GoStatus> parse_go_status(std::string_view s);
std::optional<std::size_t> parse_go_op_name(std::string_view s);  // GoOp's index
struct GoOutcome {
  GoStatus status = GoStatus::done;
  std::int64_t value = 0;  // received value; TryLock's 1/0
  bool ok = false;         // a receive that got a sent value (false: closed channel)
  int chosen = -1;         // the select case taken (-1: default)
};

struct Decision {
  GoChoice choice;
  std::uint32_t n;
  std::uint32_t answer;
};

class Runtime {
 public:
  Runtime(Choices& choices, GoConfig config);

  // ---- the driver's interface
  // runtime.main: the main goroutine (1) running on P0; every other P idle.
  Gid start();
  ObjId new_mutex();
  ObjId new_rwmutex();
  ObjId new_cond(ObjId mutex);
  ObjId new_chan(std::size_t cap);
  ObjId new_fd();
  // The goroutine's next operation. REQUIRES: running (or in a syscall it returned from), nothing
  // pending.
  void submit(Gid g, const GoOp& op);
  // Running goroutines with nothing pending: the driver submits their next operation.
  std::vector<Gid> want_op() const;
  std::vector<Actor> actors() const;
  // The same into `out` (cleared first): for a driver that asks at every step, no allocation.
  void want_op(std::vector<Gid>& out) const;
  void actors(std::vector<Actor>& out) const;
  // Calls f(gid) for each goroutine of want_op(), P by P, without a list. f may submit that
  // goroutine's operation (which changes its G only, so the Ps after it answer as they would have).
  template <class F>
  void for_each_wanting(F&& f) const {
    if (ending_ != Ending::running) return;
    for (const P& pp : ps_)
      if (pp.status == PStatus::running && pp.curg != 0 && !gs_[pp.curg]->pending) f(pp.curg);
  }
  // Calls f(actor) for each of actors(), in its order, without a list: the executor asks at
  // every step and copies them into its options. f must not change the runtime.
  template <class F>
  void for_each_actor(F&& f) const {
    if (ending_ != Ending::running) return;
    for (const P& pp : ps_)
      if (pp.status == PStatus::running && (pp.curg == 0 || gs_[pp.curg]->pending))
        f(Actor{Actor::Kind::p, static_cast<std::uint32_t>(pp.id)});
    for (Gid id : in_syscall_)
      if (gs_[id]->syscall_done) f(Actor{Actor::Kind::syscall_exit, id});
    if (poller_blocked_ && fd_events_ > 0) f(Actor{Actor::Kind::poller, 0});
  }
  bool has_actors() const;
  GoOutcome step(Actor a);
  Gid last_started() const { return last_started_; }

  // ---- the world outside the runtime
  void netpoll_event(ObjId fd);  // epoll reported an edge (new data) on fd
  void syscall_returned(Gid g);  // the kernel finished the goroutine's blocking call
  void advance_to(Duration t);   // REQUIRES: t >= now()
  void sysmon();                 // one sysmon iteration at now()
  // sysmon's preemptone on P `p` without the clock: "its goroutine ran 10 ms" as an event the
  // driver may offer anywhere (a loaded machine makes it happen in programs that never run long).
  void preempt(int p);
  Duration now() const { return now_; }

  // ---- verdicts
  // runtime/proc.go checkdead, called when no actor can step: sets the ending to deadlock when
  // every goroutine is blocked and none waits on the network or a syscall. Returns the ending.
  Ending check_dead();
  Ending ending() const { return ending_; }
  const std::string& message() const { return message_; }  // "fatal error: all goroutines ..."
  int exit_code() const;
  // Goroutines not dead when main returned (goleak's verdict), or, after a deadlock or while
  // running, every goroutine still alive (main included, as Go's goroutine dump lists them).
  std::vector<Gid> leaked() const;

  // ---- inspection
  // Inline: the executor asks for a goroutine several times a step.
  const G& g(Gid id) const {
    PAPAYA_ASSERT(id > 0 && id < gs_.size(), "no such goroutine");
    return *gs_[id];
  }
  const P& p(int id) const {
    PAPAYA_ASSERT(id >= 0 && id < static_cast<int>(ps_.size()), "no such P");
    return ps_[static_cast<std::size_t>(id)];
  }
  int gomaxprocs() const { return config_.gomaxprocs; }
  const Queue<Gid>& global_runq() const { return global_; }
  const Mutex& mutex(ObjId m) const { return mutexes_.at(m); }
  const RWMutex& rwmutex(ObjId rw) const { return rwmutexes_.at(rw); }
  const Chan& chan(ObjId c) const { return chans_.at(c); }
  const Cond& cond(ObjId c) const { return conds_.at(c); }
  // How many of each object exist, id 0 included (ids run 1 .. count - 1).
  std::size_t mutexes() const { return mutexes_.size(); }
  std::size_t rwmutexes() const { return rwmutexes_.size(); }
  std::size_t conds() const { return conds_.size(); }
  std::size_t chans() const { return chans_.size(); }
  const std::vector<Decision>& decisions() const { return decisions_; }
  std::size_t goroutines() const { return gs_.size() - 1; }
  void check_invariants() const;
  // Every field of the runtime's state into `h`, for the stateful exploration
  // (model/go/state_hash.cpp, sim/state_cache.hpp).
  // `run_queues` false leaves the run queues out (each P's queue and runnext, the global queue):
  // a wrong key, only for the test that shows it is needed.
  void hash_state(StateHasher& h, bool run_queues = true) const;

  // ---- G and P state changes (events.hpp), recorded only when asked; the driver takes them
  // after each step (and after sysmon) and clears the list.
  void record_events(bool on) { record_events_ = on; }
  std::vector<GoEvent>& events() { return events_; }
  // Or straight into the driver's own list (the trace's: no copy at every step), which must
  // outlive the runtime. new_events() counts the ones appended there since the driver last took
  // them (took_new_events); events() stays empty.
  void record_events_into(std::vector<GoEvent>& sink) {
    record_events_ = true;
    sink_ = &sink;
  }
  std::uint32_t new_events() const { return new_events_; }
  void took_new_events() { new_events_ = 0; }

 private:
  G& gr(Gid id) {
    PAPAYA_ASSERT(id > 0 && id < gs_.size(), "no such goroutine");
    return *gs_[id];
  }
  P& pr(int id) {
    PAPAYA_ASSERT(id >= 0 && id < static_cast<int>(ps_.size()), "no such P");
    return ps_[static_cast<std::size_t>(id)];
  }
  std::uint32_t ask(std::uint32_t n, GoChoice c);
  void end(Ending e, std::string message);
  GoOutcome dispatch(G& gp, P& pp);
  void set_g(G& gp, GStatus to, GoWhy why);  // events.cpp
  void set_p(P& pp, PStatus to, GoWhy why);

  // scheduler (sched_rules.cpp)
  Gid newproc(P& pp, Gid parent);
  void runqput(P& pp, Gid gp, bool next);
  void runqputslow(P& pp, Gid gp);
  std::optional<std::pair<Gid, bool>> runqget(P& pp);
  Gid globrunqget(P& pp, std::size_t max);
  Gid runqsteal(P& pp, P& victim, bool steal_runnext);
  std::pair<Gid, bool> find_runnable(P& pp);
  Gid steal_work(P& pp);
  void schedule(P& pp);
  void execute(P& pp, Gid gp, bool inherit_time);
  void ready(Gid gp, P* pp, bool next);
  void park(G& gp, P& pp, WaitReason why);
  void wakep();
  void pidleput(P& pp);
  P* pidleget();
  void injectglist(std::vector<Gid> list, P* pp);
  void gosched(G& gp, P& pp, GoWhy why = GoWhy::gosched);
  void goyield(G& gp, P& pp);
  void goexit(G& gp, P& pp);

  // syscalls, sysmon, preemption (syscall_rules.cpp)
  GoOutcome entersyscall(G& gp, P& pp);
  GoOutcome exitsyscall(G& gp);
  void handoffp(P& pp);
  void retake();
  bool preempt_lands(G& gp);

  // netpoller (netpoll_rules.cpp)
  GoOutcome wait_read(G& gp, P& pp, ObjId fd);
  std::vector<Gid> netpoll();
  GoOutcome poller_step();

  // sync.Mutex, sync.RWMutex, runtime semaphores (mutex_rules.cpp)
  bool semacquire(Sema& s, G& gp, P& pp, bool lifo);
  void semrelease(Sema& s, P& pp, bool handoff, G* releaser);
  GoOutcome lock(G& gp, P& pp, ObjId m);
  GoOutcome lock_slow_woken(G& gp, P& pp, Mutex& mu);
  GoOutcome lock_slow(G& gp, P& pp, Mutex& mu);
  GoOutcome unlock(G& gp, P& pp, ObjId m);
  GoOutcome trylock(ObjId m);
  GoOutcome rlock(G& gp, P& pp, ObjId rw);
  GoOutcome runlock(G& gp, P& pp, ObjId rw);
  GoOutcome wlock(G& gp, P& pp, ObjId rw);
  GoOutcome wunlock(G& gp, P& pp, ObjId rw);

  // sync.Cond (cond_rules.cpp)
  GoOutcome cond_wait(G& gp, P& pp, ObjId c);
  GoOutcome cond_signal(P& pp, ObjId c);
  GoOutcome cond_broadcast(P& pp, ObjId c);

  // channels and select (chan_rules.cpp)
  GoOutcome chansend(G& gp, P& pp, ObjId c, std::int64_t v);
  GoOutcome chanrecv(G& gp, P& pp, ObjId c);
  GoOutcome closechan(P& pp, ObjId c);
  GoOutcome selectgo(G& gp, P& pp, const gop::Select& s);
  void select_poll_order(std::span<int> order);  // a permutation of 0 .. order.size() - 1
  std::optional<Waiter> dequeue(Queue<Waiter>& q);
  void wake_waiter(const Waiter& w, P* pp, std::int64_t value, bool ok);
  void drop_select_waiters(Gid g);
  GoOutcome resume_chan(G& gp);

  Choices& choices_;
  GoConfig config_;
  Duration now_{0};
  // index = Gid; [0] unused. Each G on the heap: references stay valid as goroutines are made,
  // and an index is two loads (a deque's took about 20 instructions, at several lookups a step).
  std::vector<std::unique_ptr<G>> gs_;
  std::vector<P> ps_;
  Queue<Gid> global_;       // sched.runq
  std::vector<int> pidle_;  // sched.pidle, a LIFO stack as in pidleput/pidleget
  int nmspinning_ = 0;
  std::vector<Mutex> mutexes_{1};
  std::vector<RWMutex> rwmutexes_{1};
  std::vector<Cond> conds_{1};
  std::vector<Chan> chans_{1};  // [0]: the nil channel's slot, never used
  std::vector<PollDesc> fds_{1};
  int netpoll_waiters_ = 0;
  // How many descriptors have `event` set: actors() and netpoll() ask at every step whether epoll
  // holds news, and the answer was a scan of every descriptor. Derived state (check_invariants
  // pairs it with the descriptors), not hashed.
  std::uint32_t fd_events_ = 0;
  bool poller_blocked_ = false;  // an M sits in netpoll(-1) (sched.lastpoll == 0)
  Duration lastpoll_{0};
  std::vector<Gid> in_syscall_;
  Ending ending_ = Ending::running;
  std::string message_;
  Gid last_started_ = 0;
  std::vector<Decision> decisions_;
  bool record_events_ = false;
  std::vector<GoEvent> events_;
  std::vector<GoEvent>* sink_ = nullptr;  // record_events_into's list
  std::uint32_t new_events_ = 0;          // appended to *sink_ since took_new_events
  void record(const GoEvent& e) {
    if (sink_ == nullptr) {
      events_.push_back(e);
      return;
    }
    sink_->push_back(e);
    ++new_events_;
  }
};

}  // namespace papaya::model::go

// The twins on SimOs (sim_twins.hpp). Each body follows its programs/<name>.go line by line; a
// Println is an append to `out`, which like the model's Print (scenarios.cpp) is no scheduling
// point.
#include "conformance/go/sim_twins.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <stdexcept>

#include "os/os.hpp"
#include "sim/pct_strategy.hpp"
#include "sim/prng.hpp"
#include "sim/simulation.hpp"
#include "sim/strategy.hpp"

namespace papaya::conformance::go {
namespace {

using Out = std::vector<std::string>;
using Twin = std::function<void(Os&, Out&)>;

std::string received(GoReceived r) { return std::to_string(r.value) + (r.ok ? " true" : " false"); }

void runnext_pingpong(Os& os, Out& out) {
  const GoChan a = os.new_chan(0), b = os.new_chan(0);
  os.go([&out, a, b](Os& g) {
    out.push_back("ping 1");
    (void)g.chan_recv(a);
    g.chan_send(b, 0);
  });
  os.go([&out](Os&) { out.push_back("other"); });
  os.go([&out](Os&) { out.push_back("third"); });
  os.chan_send(a, 0);
  (void)os.chan_recv(b);
  out.push_back("main done");
}

void gosched_global_queue(Os& os, Out& out) {
  os.go([&out](Os&) { out.push_back("a"); });
  os.go([&out](Os&) { out.push_back("b"); });
  os.gosched();
  out.push_back("main");
}

void unbuffered_handoff_order(Os& os, Out& out) {
  const GoChan c = os.new_chan(0);
  for (std::int64_t v = 1; v <= 3; ++v) os.go([c, v](Os& g) { g.chan_send(c, v); });
  os.gosched();
  for (int i = 0; i < 3; ++i) out.push_back("got " + std::to_string(os.chan_recv(c).value));
}

// The waiter of both Cond programs: Lock, say it holds it, Wait, print, Unlock, say it is done.
void cond_waiter(Os& g, Out& out, const std::string& name, GoMutex mu, GoCond c, GoChan ready,
                 GoChan done) {
  g.lock(mu);
  g.chan_send(ready, 0);
  g.wait(c);
  out.push_back(name);
  g.unlock(mu);
  g.chan_send(done, 0);
}

void cond_signal_fifo(Os& os, Out& out) {
  const GoMutex mu = os.new_mutex();
  const GoCond c = os.new_cond(mu);
  const GoChan ready = os.new_chan(0), done = os.new_chan(0);
  for (const char* name : {"w1", "w2", "w3"}) {
    os.go(
        [&out, name, mu, c, ready, done](Os& g) { cond_waiter(g, out, name, mu, c, ready, done); });
    (void)os.chan_recv(ready);
    os.lock(mu);
    os.unlock(mu);
  }
  for (int i = 0; i < 3; ++i) {
    os.lock(mu);
    os.signal(c);
    os.unlock(mu);
    (void)os.chan_recv(done);
  }
}

void cond_broadcast_order(Os& os, Out& out) {
  const GoMutex mu = os.new_mutex();
  const GoCond c = os.new_cond(mu);
  const GoChan ready = os.new_chan(3), done = os.new_chan(3);
  for (const char* name : {"w1", "w2", "w3"})
    os.go(
        [&out, name, mu, c, ready, done](Os& g) { cond_waiter(g, out, name, mu, c, ready, done); });
  for (int i = 0; i < 3; ++i) (void)os.chan_recv(ready);
  os.lock(mu);
  os.broadcast(c);
  os.unlock(mu);
  for (int i = 0; i < 3; ++i) (void)os.chan_recv(done);
}

void rwmutex_writer_preference(Os& os, Out& out) {
  const GoRWMutex rw = os.new_rwmutex();
  const GoChan done = os.new_chan(2);
  os.rlock(rw);
  os.go([&out, rw, done](Os& g) {
    g.lock(rw);
    out.push_back("writer");
    g.unlock(rw);
    g.chan_send(done, 0);
  });
  os.gosched();
  os.go([&out, rw, done](Os& g) {
    g.rlock(rw);
    out.push_back("reader");
    g.runlock(rw);
    g.chan_send(done, 0);
  });
  os.gosched();
  out.push_back("main: the new reader waits behind the writer");
  os.runlock(rw);
  (void)os.chan_recv(done);
  (void)os.chan_recv(done);
}

void recursive_rlock_deadlock(Os& os, Out& out) {
  const GoRWMutex rw = os.new_rwmutex();
  os.rlock(rw);
  os.go([rw](Os& g) {
    g.lock(rw);
    g.unlock(rw);
  });
  os.gosched();
  out.push_back("second RLock");
  os.rlock(rw);
  out.push_back("unreachable");
}

void send_on_closed_panics(Os& os, Out& out) {
  const GoChan c = os.new_chan(1);
  os.chan_send(c, 7);
  os.chan_close(c);
  out.push_back(received(os.chan_recv(c)));
  out.push_back(received(os.chan_recv(c)));
  os.chan_send(c, 1);
}

void unlock_of_unlocked_mutex(Os& os, Out& out) {
  const GoMutex mu = os.new_mutex();
  os.lock(mu);
  os.unlock(mu);
  out.push_back("unlocked once");
  os.unlock(mu);
}

const std::map<std::string, Twin>& twins() {
  static const std::map<std::string, Twin> all = {
      {"runnext_pingpong", runnext_pingpong},
      {"gosched_global_queue", gosched_global_queue},
      {"unbuffered_handoff_order", unbuffered_handoff_order},
      {"cond_signal_fifo", cond_signal_fifo},
      {"cond_broadcast_order", cond_broadcast_order},
      {"rwmutex_writer_preference", rwmutex_writer_preference},
      {"recursive_rlock_deadlock", recursive_rlock_deadlock},
      {"send_on_closed_panics", send_on_closed_panics},
      {"unlock_of_unlocked_mutex", unlock_of_unlocked_mutex},
  };
  return all;
}

// The sim names the process ("pid 1: panic: ..."); Go does not.
std::string without_pid(const std::string& line) {
  const auto colon = line.find(": ");
  if (line.rfind("pid ", 0) == 0 && colon != std::string::npos) return line.substr(colon + 2);
  return line;
}

// A deadlock's detail lists "goroutine N [reason]" for each goroutine, as Go's dump does.
std::vector<std::string> wait_reasons(const std::string& detail) {
  static const std::regex goroutine(R"(goroutine \d+ \[([^\]]+)\])");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(detail.begin(), detail.end(), goroutine);
       it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  std::sort(out.begin(), out.end());
  return out;
}

// Pick::sparse: every decision uniform, except that a preemption lands one time in 16.
class SparsePreemption final : public sim::Strategy {
 public:
  explicit SparsePreemption(std::uint64_t seed) : prng_(seed) {}
  std::string_view name() const override { return "sparse-preemption"; }
  bool begin_execution() override { return true; }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) override {
    if (kind == model::DecisionKind::go_preempt) return prng_.uniform(16) == 0 ? 1 : 0;
    return prng_.uniform(n);
  }

 private:
  sim::Prng prng_;
};

sim::RunReport run_on_sim(const std::function<void(Os&)>& body, std::uint64_t seed, int procs,
                          bool preempt, Pick pick = Pick::random) {
  sim::Options o;
  o.seed = seed;
  // PCT's change points are drawn among the first 64 steps: each twin runs 20 to 100 steps.
  sim::PctStrategy pct(seed, 3, 64);
  SparsePreemption sparse(seed);
  if (pick != Pick::random) {
    o.strategy = sim::StrategyKind::external;
    o.external = pick == Pick::pct ? static_cast<sim::Strategy*>(&pct) : &sparse;
  }
  o.gomaxprocs = procs;
  o.go_preempt = preempt;
  o.max_steps = 1'000'000;
  sim::Simulation simulation(o);
  return simulation.run(body);
}

}  // namespace

std::vector<std::string> sim_twin_names() {
  std::vector<std::string> out;
  for (const auto& [name, twin] : twins()) out.push_back(name);
  return out;
}

SimOutcome run_sim_twin(const std::string& name, std::uint64_t seed, int procs, bool preempt,
                        Pick pick) {
  const auto it = twins().find(name);
  if (it == twins().end()) throw std::invalid_argument("no SimOs twin of " + name);
  SimOutcome o;
  const Twin& twin = it->second;
  const sim::RunReport r =
      run_on_sim([&](Os& os) { twin(os, o.lines); }, seed, procs, preempt, pick);
  // A deadlock's detail goes on "; goroutine N [reason] at site" for each goroutine.
  const std::string first_line = without_pid(r.detail.substr(0, r.detail.find("; goroutine ")));
  switch (r.verdict) {
    case Verdict::ok: break;
    case Verdict::go_fatal:
      o.exit_code = 2;
      o.message = first_line;
      break;
    case Verdict::deadlock:
      o.exit_code = 2;
      o.message = first_line;
      o.reasons = wait_reasons(r.detail);
      break;
    default: o.exit_code = -1; o.harness = std::string(verdict_name(r.verdict)) + ": " + r.detail;
  }
  return o;
}

int sim_select_first_wins(int trials, std::uint64_t seed, int procs) {
  int first = 0;
  const sim::RunReport r = run_on_sim(
      [&](Os& os) {
        const GoChan a = os.new_chan(1), b = os.new_chan(1);
        const GoCase both[] = {GoCase::recv(a), GoCase::recv(b)};
        for (int i = 0; i < trials; ++i) {
          os.chan_send(a, 1);
          os.chan_send(b, 1);
          if (os.select(both, /*with_default=*/false).index == 0) {
            ++first;
            (void)os.chan_recv(b);
          } else {
            (void)os.chan_recv(a);
          }
        }
      },
      seed, procs, false);
  if (r.verdict != Verdict::ok)
    throw std::runtime_error("select_fairness twin: " + std::string(verdict_name(r.verdict)));
  return first;
}

}  // namespace papaya::conformance::go

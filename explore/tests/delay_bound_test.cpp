// Delay bounding (sim/dfs_strategy.hpp, docs/explore.md "Delay bounding"): dfs with a delay bound
// K must run exactly the schedules unbounded dfs runs whose delays, counted by the round-robin
// rule written out again here, are at most K, each once; bound 0 is one execution; every schedule
// it runs has at most K preemptions; and on the chat it finds the bugs a few delays show.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "chat/variant.hpp"
#include "explore/programs.hpp"
#include "explore/tests/exploration_chat.hpp"
#include "sim/borrowed_strategy.hpp"
#include "sim/simulation.hpp"

namespace papaya::explore {
namespace {

// One step of a run as a schedule: who stepped, and the ready processes when there was a choice
// (empty: one was ready).
struct DelayStep {
  std::vector<Pid> ready;
  Pid pid = 0;
  bool operator<(const DelayStep& o) const { return pid != o.pid ? pid < o.pid : ready < o.ready; }
  bool operator==(const DelayStep& o) const = default;
};
using DelaySchedule = std::vector<DelayStep>;

// Forwards to the strategy under test and writes down each run's schedule.
class ScheduleRecorder final : public sim::Strategy {
 public:
  explicit ScheduleRecorder(sim::DfsStrategy& s) : s_(s) {}
  std::string_view name() const override { return s_.name(); }
  bool begin_execution() override {
    run_.clear();
    return s_.begin_execution();
  }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override {
    return s_.choose(n, kind, step);
  }
  bool observes() const override { return true; }
  void ready(const model::Kernel& k, std::span<const Pid> r) override {
    pending_.assign(r.begin(), r.end());
    if (pending_.size() < 2) pending_.clear();
    s_.ready(k, r);
  }
  void stepping(const model::Kernel& k, Pid pid) override {
    run_.push_back(DelayStep{pending_, pid});
    pending_.clear();
    s_.stepping(k, pid);
  }
  void observed(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
                std::span<const char> received) override {
    s_.observed(pid, kind, args, out, received);
  }
  void step_effect(const sim::Effect& e) override { s_.step_effect(e); }
  void stepped(Pid pid, model::StepStatus st) override { s_.stepped(pid, st); }
  void time_moved() override { s_.time_moved(); }
  void run_ending(const model::Kernel& k) override { s_.run_ending(k); }
  const DelaySchedule& run() const { return run_; }

 private:
  sim::DfsStrategy& s_;
  std::vector<Pid> pending_;
  DelaySchedule run_;
};

// Every schedule dfs runs with this bound (-1: none) and kind.
std::vector<DelaySchedule> delay_schedules(const std::function<void(Os&)>& init, int bound,
                                           sim::BoundKind kind, int gomaxprocs = 1) {
  // One option per non-scheduling decision (the CLI's default): a schedule is then a run.
  sim::DfsStrategy dfs(bound, 1, kind);
  ScheduleRecorder rec(dfs);
  std::vector<DelaySchedule> out;
  while (dfs.next_execution()) {
    sim::Options o;
    o.strategy = sim::StrategyKind::external;
    o.external = &rec;
    o.path_pids = true;
    o.gomaxprocs = gomaxprocs;
    sim::Simulation sim(o);
    const sim::RunReport r = sim.run(init);
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    out.push_back(rec.run());
    EXPECT_LE(out.size(), 200'000u) << "runaway";
    if (out.size() > 200'000u) break;
  }
  return out;
}

// The round-robin scheduler's delays, counted from its definition (Emmi, Qadeer and Rakamaric,
// POPL 2011): it runs the process that ran last while that one is ready, else the first ready
// one after it in cyclic order of ids; each ready process it passes over to reach the one that
// stepped is one delay.
int delays_of(const DelaySchedule& s) {
  int delays = 0;
  Pid last = 0;
  for (const DelayStep& st : s) {
    if (!st.ready.empty()) {
      for (Pid q : st.ready) {
        // q is passed over when it comes before the chosen one in the cycle that starts at last.
        const bool q_first = q >= last;
        const bool chosen_first = st.pid >= last;
        if (q != st.pid && (q_first == chosen_first ? q < st.pid : q_first)) ++delays;
      }
    }
    last = st.pid;
  }
  return delays;
}

// Preemptions: a switch away from the process that ran last while it was still ready.
int preemptions_of(const DelaySchedule& s) {
  int n = 0;
  Pid last = 0;
  for (const DelayStep& st : s) {
    if (!st.ready.empty() && st.pid != last &&
        std::find(st.ready.begin(), st.ready.end(), last) != st.ready.end())
      ++n;
    last = st.pid;
  }
  return n;
}

struct DelayCase {
  const char* name;
  std::function<void(Os&)> init;
  int gomaxprocs = 1;
};

std::vector<DelayCase> delay_cases() {
  // Unbounded dfs runs 88, 6,772, 224 and 22,526 schedules of these (readers(3): 983,206). The
  // Go program's options are its runtime's actors (Ms on Ps, the poller), ids above every pid.
  return {{"readers(1)", readers_program(1)},
          {"readers(2)", readers_program(2)},
          {"lastzero(1)", lastzero_program(1)},
          {"go-readers(1) on two Ps", go_readers_program(1), 2}};
}

TEST(DelayBound, RunsExactlyTheSchedulesWithAtMostKDelaysEachOnce) {
  for (const DelayCase& c : delay_cases()) {
    const std::vector<DelaySchedule> all =
        delay_schedules(c.init, -1, sim::BoundKind::preemption, c.gomaxprocs);
    for (int k = 0; k <= 3; ++k) {
      std::vector<DelaySchedule> want;
      for (const DelaySchedule& s : all)
        if (delays_of(s) <= k) want.push_back(s);
      std::vector<DelaySchedule> got =
          delay_schedules(c.init, k, sim::BoundKind::delay, c.gomaxprocs);
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      EXPECT_TRUE(std::adjacent_find(got.begin(), got.end()) == got.end())
          << c.name << " K=" << k << ": a schedule ran twice";
      EXPECT_EQ(got.size(), want.size()) << c.name << " K=" << k;
      EXPECT_TRUE(got == want) << c.name << " K=" << k << ": not the schedules with <= K delays";
      if (k == 0) {
        EXPECT_EQ(got.size(), 1u) << c.name << ": delay bound 0 is the round robin's one run";
      }
      for (const DelaySchedule& s : got)
        EXPECT_LE(preemptions_of(s), k) << c.name << ": more preemptions than delays";
    }
    EXPECT_GT(all.size(), 50u) << c.name << ": too small to tell the bounds apart";
  }
}

// The explorer's iterative passes count, in pass k, the runs with exactly k delays.
TEST(DelayBound, EachPassCountsTheSchedulesWithExactlyKDelays) {
  const DelayCase c = delay_cases()[1];  // readers(2)
  const std::vector<DelaySchedule> all = delay_schedules(c.init, -1, sim::BoundKind::preemption);
  std::map<int, std::uint64_t> with;
  for (const DelaySchedule& s : all) ++with[delays_of(s)];
  Program p;
  p.init = c.init;
  p.header.path_pids = true;
  Config cfg;
  cfg.strategy = StrategyName::dfs;
  cfg.bound = 3;
  cfg.bound_kind = sim::BoundKind::delay;
  const Result r = explore(p, cfg);
  EXPECT_TRUE(r.exhausted);
  EXPECT_TRUE(r.preemption_bounded) << "the bound cut nothing: the test shows nothing";
  ASSERT_EQ(r.per_bound.size(), 4u);
  for (int k = 0; k <= 3; ++k) EXPECT_EQ(r.per_bound[static_cast<std::size_t>(k)], with[k]) << k;
}

// The rule written out here is not the strategy's by accident: counting option positions (the
// executor lists the process that ran last first, then the others by id) instead of the cycle
// of ids gives other counts on these programs.
TEST(DelayBound, PositionsInTheOptionListAreNotTheRoundRobin) {
  const std::vector<DelaySchedule> all =
      delay_schedules(readers_program(2), -1, sim::BoundKind::preemption);
  int differ = 0;
  for (const DelaySchedule& s : all) {
    int by_position = 0;
    Pid last = 0;
    for (const DelayStep& st : s) {
      if (!st.ready.empty()) {
        std::vector<Pid> options = st.ready;  // as listed: last first, then by id
        auto it = std::find(options.begin(), options.end(), last);
        if (it != options.end()) std::rotate(options.begin(), it, it + 1);
        by_position +=
            static_cast<int>(std::find(options.begin(), options.end(), st.pid) - options.begin());
      }
      last = st.pid;
    }
    differ += by_position != delays_of(s);
  }
  EXPECT_GT(differ, 0);
}

// On the chat (exploration scenario): a bug that a few delays show is found within delay bound
// 2, with the counterexample saved like any other; the correct design is verified within it.
TEST(DelayBound, FindsTheChatBugsTwoDelaysShow) {
  auto run = [](chat::Variant v, int clients) {
    return explore(exploration_chat(v, clients, 1), delay_dfs(2, 20'000));
  };
  for (chat::Variant v : {chat::Variant::paper, chat::Variant::shared_ofd,
                          chat::Variant::lost_wakeup, chat::Variant::exclusive_read}) {
    const Result r = run(v, 2);
    ASSERT_TRUE(r.violation) << chat::variant_name(v);
    EXPECT_FALSE(r.violation->trace.decisions.empty() && v != chat::Variant::paper)
        << chat::variant_name(v) << ": found without a decision";
  }
  // A line that arrives in two segments, which RECV then appends as two pieces: a non-scheduling
  // decision, explored with two options per decision (the default, everything arrived, hides it).
  {
    const Program p = exploration_chat(chat::Variant::torn_message, 1, 1);
    Config c = delay_dfs(2, 5'000);
    const Result whole = explore(p, c);
    EXPECT_FALSE(whole.violation) << "torn-message without segments";
    EXPECT_TRUE(whole.exhausted);
    c.data_options = 2;
    EXPECT_TRUE(explore(p, c).violation) << "torn-message with segments";
  }
  const Result ok = run(chat::Variant::correct, 1);
  EXPECT_FALSE(ok.violation) << ok.violation->detail;
  EXPECT_TRUE(ok.exhausted);
  EXPECT_EQ(ok.per_bound.size(), 3u);
  EXPECT_EQ(ok.per_bound[0], 1u);
}

}  // namespace
}  // namespace papaya::explore

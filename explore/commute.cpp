#include "explore/commute.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "model/kernel.hpp"
#include "model/state_hash.hpp"
#include "sim/prng.hpp"
#include "sim/race_census.hpp"
#include "sim/simulation.hpp"
#include "sim/state_cache.hpp"
#include "sim/strategy.hpp"

namespace papaya::explore {

namespace {

using sim::Effect;

// An effect as a set: each object once, written if any access writes it; a signal access as one
// access per signal of its set (a step's signals may come in one access or several).
std::vector<sim::Access> normal(const Effect& e) {
  std::vector<sim::Access> v;
  for (const sim::Access& a : e.access) {
    if (a.obj != sim::Obj::signal) {
      v.push_back(a);
      continue;
    }
    for (Sig s : all_signals)
      if (a.sigs & sim::sig_bit(s)) v.push_back({a.obj, a.write, a.id, sim::sig_bit(s)});
  }
  std::sort(v.begin(), v.end(), [](const sim::Access& a, const sim::Access& b) {
    return a.obj != b.obj     ? a.obj < b.obj
           : a.id != b.id     ? a.id < b.id
           : a.sigs != b.sigs ? a.sigs < b.sigs
                              : a.write > b.write;
  });
  std::vector<sim::Access> out;
  for (const sim::Access& a : v)
    if (out.empty() || out.back().obj != a.obj || out.back().id != a.id ||
        out.back().sigs != a.sigs)
      out.push_back(a);
  return out;
}

// An access's object id as the report names it: a signal as pid * 32 + its number.
std::uint64_t shown_id(const sim::Access& a) {
  if (a.obj != sim::Obj::signal) return a.id;
  for (Sig s : all_signals)
    if (a.sigs == sim::sig_bit(s)) return std::uint64_t{a.id} * 32 + static_cast<std::uint64_t>(s);
  return a.id;
}

bool same_effect(const Effect& a, const Effect& b) {
  return a.global == b.global && normal(a) == normal(b);
}

std::string effect_text(const Effect& e) {
  std::string s = e.global ? "global" : "";
  for (const sim::Access& a : normal(e)) {
    if (a.obj == sim::Obj::process) continue;  // every step writes its own
    if (!s.empty()) s += ' ';
    s += std::string(a.write ? "w:" : "r:") + std::string(sim::obj_name(a.obj)) + "/" +
         std::to_string(shown_id(a));
  }
  return s.empty() ? "(own state only)" : s;
}

// Operations that hand out kernel ids from a global sequence (descriptions, inodes, pipes,
// listeners, sockets): two of them in either order swap ids.
bool allocates_fresh_ids(model::OpKind k) {
  using K = model::OpKind;
  return k == K::open || k == K::pipe || k == K::listen || k == K::connect || k == K::accept;
}

// One probing strategy for the four kinds of run: `base` picks uniformly at random and records
// the schedule and the states with two or more ready processes; `survey` replays a prefix and
// records the effects of the ready processes' steps at its end; `pair` replays the prefix, runs
// `first`'s step then `second`'s, and records statuses, effects and the state after them;
// `enable` replays the prefix, runs `first`'s step and records which blocked processes it woke.
class Probe final : public sim::Strategy {
 public:
  enum class Mode { base, survey, pair, enable };
  Probe(Mode m, std::uint64_t seed) : mode_(m), rng_(seed) { keys_.keep_order(false); }

  // base's results, pair's input
  std::vector<Pid> schedule;         // the pid that took each step
  std::vector<std::size_t> choices;  // steps where two or more processes were ready
  // survey's results
  std::vector<Pid> ready_at;
  std::vector<Effect> effects_at;
  std::vector<model::OpKind> kinds_at;
  std::vector<Pid> pids_at;  // the processes that existed there, in pid order
  Duration now_at{0};
  // enable's results: the processes `first`'s step woke (blocked before it, ready after it), each
  // with its effect then
  std::vector<Pid> woken;
  std::vector<Effect> woken_effects;
  std::vector<model::OpKind> woken_kinds;
  // pair's input and results
  std::size_t at = 0;
  Pid first = 0, second = 0;
  Effect first_effect, second_effect;  // each where it ran
  std::optional<model::StepStatus> first_status, second_status;
  bool second_disabled = false;
  bool done = false;
  model::StateDigest key{}, kernel_digest{};  // right after the pair
  // A caught signal the relation lets commute with its target's step (observes_caught_signals)
  // is delivered at that step in one order and at the target's next step in the other: the two
  // states differ until then. So the runs go on with the next step of each of the two, the lower
  // pid first (each if it can run), and the state after them is compared too.
  std::vector<Pid> ext_pids;
  model::StateDigest ext_key{}, ext_kernel{};
  bool ext_done = false;

  std::string_view name() const override { return "commute-probe"; }
  bool begin_execution() override { return true; }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) override {
    if (kind != model::DecisionKind::schedule) return 0;  // the kernel's default option
    auto it = std::find(list_.begin(), list_.end(), want_);
    return it == list_.end()
               ? 0
               : std::min<std::uint32_t>(n - 1, static_cast<std::uint32_t>(it - list_.begin()));
  }
  bool observes() const override { return true; }
  void ready(const model::Kernel& k, std::span<const Pid> ready) override {
    kernel_ = &k;
    list_.assign(ready.begin(), ready.end());
    const std::size_t t = step_;
    if (mode_ == Mode::base) {
      std::size_t procs = 0;
      for (Pid p : list_) procs += sim::is_go_actor(p) ? 0 : 1;
      if (procs >= 2) choices.push_back(t);
      want_ = list_[rng_.uniform(static_cast<std::uint32_t>(list_.size()))];
      schedule.push_back(want_);
      return;
    }
    if (t < at) {
      want_ = schedule[t];
      return;
    }
    if (mode_ == Mode::survey) {
      pids_at.clear();
      k.for_each_process([&](const model::Process& q) { pids_at.push_back(q.pid); });
      now_at = k.now();
      for (Pid p : list_) {
        if (sim::is_go_actor(p)) continue;
        ready_at.push_back(p);
        effects_at.push_back(sim::effect_of(k, p));
        kinds_at.push_back(model::kind_of(*k.process(p).pending));
      }
      stop();
      return;
    }
    if (t == at) {
      want_ = first;
      first_effect = sim::effect_of(k, first);
    } else if (mode_ == Mode::enable) {
      // Woken by the step: not ready before it, not made by it, and no timer fired since.
      if (first_status != model::StepStatus::blocked && k.now() == now_at)
        for (Pid p : list_) {
          if (sim::is_go_actor(p) || p == first ||
              !std::binary_search(pids_at.begin(), pids_at.end(), p) ||
              std::find(ready_at.begin(), ready_at.end(), p) != ready_at.end())
            continue;
          woken.push_back(p);
          woken_effects.push_back(sim::effect_of(k, p));
          woken_kinds.push_back(model::kind_of(*k.process(p).pending));
        }
      stop();
    } else if (t == at + 1) {
      if (first_status == model::StepStatus::blocked ||
          std::find(list_.begin(), list_.end(), second) == list_.end()) {
        second_disabled = first_status != model::StepStatus::blocked;
        stop();
        return;
      }
      want_ = second;
      second_effect = sim::effect_of(k, second);
    } else {
      if (t == at + 2) {
        finish();
        ext_.assign({std::min(first, second), std::max(first, second)});  // the same in both runs
      }
      while (!ext_.empty() && std::find(list_.begin(), list_.end(), ext_.front()) == list_.end())
        ext_.erase(ext_.begin());
      if (ext_.empty()) {
        finish_ext();
        stop();
        return;
      }
      want_ = ext_.front();
      ext_.erase(ext_.begin());
      ext_pids.push_back(want_);
    }
  }
  void stepping(const model::Kernel& k, Pid pid) override {
    kernel_ = &k;
    if (!sim::is_go_actor(pid)) keys_.stepping(k, pid, sim::effect_of(k, pid));
  }
  void observed(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
                std::span<const char> received) override {
    keys_.outcome(pid, kind, args, out, received);
  }
  void stepped(Pid, model::StepStatus st) override {
    if (mode_ != Mode::base && step_ == at) first_status = st;
    if (mode_ == Mode::pair && step_ == at + 1) second_status = st;
    ++step_;
  }
  bool abandon() const override { return abandon_; }
  // A run that ended right after the pair, or during the extension: its state, taken while the
  // processes' pending operations still point at live memory (their stacks are unwound next).
  void run_ending(const model::Kernel&) override {
    finish();
    finish_ext();
  }
  // The state after the pair, when the run ended before another step was asked for.
  void finish() {
    if (mode_ != Mode::pair || done || kernel_ == nullptr) return;
    done = true;
    key = keys_.key(*kernel_);
    model::StateHasher h;
    kernel_->hash_state(h);
    kernel_digest = h.digest();
  }
  void finish_ext() {
    if (mode_ != Mode::pair || ext_done || kernel_ == nullptr) return;
    finish();
    ext_done = true;
    ext_key = keys_.key(*kernel_);
    model::StateHasher h;
    kernel_->hash_state(h);
    ext_kernel = h.digest();
  }

 private:
  void stop() { abandon_ = true; }
  Mode mode_;
  sim::Prng rng_;
  sim::StateKeys keys_;
  const model::Kernel* kernel_ = nullptr;
  std::vector<Pid> list_;
  std::vector<Pid> ext_;  // the extension's steps still to take
  Pid want_ = 0;
  std::size_t step_ = 0;
  bool abandon_ = false;
};

// Runs `program` under `probe` (the Simulation, and with it the kernel the probe reads, lives until
// the probe has taken the state after its pair).
void run(const Program& p, const CommuteConfig& c, Probe& probe, CommuteReport& rep) {
  sim::Options o;
  o.strategy = sim::StrategyKind::external;
  o.external = &probe;
  o.max_steps = c.max_steps;
  o.header = p.header;
  o.gomaxprocs = p.header.gomaxprocs;
  o.path_pids = p.header.path_pids;
  auto s = std::make_unique<sim::Simulation>(o);
  (void)s->run(p.init);  // the probe took the state after its pair (at the latest in run_ending)
  ++rep.executions;
}

std::string pair_text(std::size_t at, const Probe& survey, std::size_t i, std::size_t j) {
  auto one = [&](std::size_t x) {
    return "pid " + std::to_string(survey.ready_at[x]) + " " +
           std::string(model::op_name(survey.kinds_at[x])) + " {" +
           effect_text(survey.effects_at[x]) + "}";
  };
  return "after " + std::to_string(at) + " steps, " + one(i) + " and " + one(j) + ": ";
}

// The pair (i, j) of the survey's ready processes, run both ways.
struct PairRuns {
  Probe ab{Probe::Mode::pair, 0}, ba{Probe::Mode::pair, 0};
  bool blocked() const {
    return ab.first_status == model::StepStatus::blocked ||
           ba.first_status == model::StepStatus::blocked;
  }
  // Why the two orders differ ("" when they commute); `fresh`: the kernel digests are not
  // compared (both steps hand out fresh ids); `effects`: the effects are compared too.
  std::string difference(bool fresh, bool effects) const {
    if (ab.second_disabled || ba.second_disabled) return "one step disables the other";
    if (!ab.second_status || !ba.second_status) return "the run ended before the second step";
    if (ab.first_status != ba.second_status || ab.second_status != ba.first_status)
      return "a step ends differently in the two orders";
    if (effects && (!same_effect(ab.first_effect, ba.second_effect) ||
                    !same_effect(ba.first_effect, ab.second_effect)))
      return "a step's effect changes with the other step before it ({" +
             effect_text(ab.first_effect) + "} then {" + effect_text(ba.second_effect) + "}; {" +
             effect_text(ba.first_effect) + "} then {" + effect_text(ab.second_effect) + "})";
    if (fresh || (ab.kernel_digest == ba.kernel_digest && ab.key == ba.key)) return "";
    // Equal once the target's next step has taken an in-flight caught signal (above).
    if (ab.ext_pids == ba.ext_pids && ab.ext_kernel == ba.ext_kernel && ab.ext_key == ba.ext_key)
      return "";
    if (ab.kernel_digest != ba.kernel_digest) return "the two orders reach different kernel states";
    return "the two orders leave a process with different observations";
  }
  bool settled_later() const { return ab.kernel_digest != ba.kernel_digest || ab.key != ba.key; }
};

PairRuns run_pair(const Program& p, const CommuteConfig& c, const Probe& base, const Probe& survey,
                  std::size_t i, std::size_t j, CommuteReport& rep) {
  PairRuns r;
  for (Probe* x : {&r.ab, &r.ba}) {
    x->schedule = base.schedule;
    x->at = survey.at;
  }
  r.ab.first = r.ba.second = survey.ready_at[i];
  r.ab.second = r.ba.first = survey.ready_at[j];
  run(p, c, r.ab, rep);
  run(p, c, r.ba, rep);
  return r;
}

// A pair the relation calls independent must commute.
void check_independent(const Program& p, const CommuteConfig& c, const Probe& base,
                       const Probe& survey, std::size_t i, std::size_t j, CommuteReport& rep) {
  const PairRuns r = run_pair(p, c, base, survey, i, j, rep);
  if (r.blocked()) {
    ++rep.skipped_blocked;
    return;
  }
  ++rep.independent;
  const bool fresh =
      allocates_fresh_ids(survey.kinds_at[i]) && allocates_fresh_ids(survey.kinds_at[j]);
  if (fresh) ++rep.fresh_ids;
  if (std::string why = r.difference(fresh, true); !why.empty())
    rep.failures.push_back(pair_text(survey.at, survey, i, j) + why);
  else if (!fresh && r.settled_later())
    ++rep.settled_later;
}

// A step that wakes a blocked process must be dependent on that process's next step: the wakeup
// is an order (the woken step cannot come first), and DPOR learns orders only from dependencies.
// `independent`: the relation under test (CommuteConfig::independent, or sim::dependent's).
void check_wakeups(const Program& p, const CommuteConfig& c, const Probe& base, const Probe& survey,
                   std::size_t i,
                   const std::function<bool(const Effect&, const Effect&)>& independent,
                   CommuteReport& rep) {
  Probe e(Probe::Mode::enable, 0);
  e.schedule = base.schedule;
  e.at = survey.at;
  e.first = survey.ready_at[i];
  e.ready_at = survey.ready_at;
  e.pids_at = survey.pids_at;
  e.now_at = survey.now_at;
  run(p, c, e, rep);
  for (std::size_t w = 0; w < e.woken.size(); ++w) {
    ++rep.wakeups;
    if (!independent(e.first_effect, e.woken_effects[w])) continue;
    rep.failures.push_back(
        "after " + std::to_string(survey.at) + " steps, pid " + std::to_string(e.first) + " " +
        std::string(model::op_name(survey.kinds_at[i])) + " {" + effect_text(e.first_effect) +
        "} wakes pid " + std::to_string(e.woken[w]) + " " +
        std::string(model::op_name(e.woken_kinds[w])) + " {" + effect_text(e.woken_effects[w]) +
        "} but is independent of its step");
  }
}

// A pair the relation calls dependent: tallied by kind, commuted or not.
void probe_dependent(const Program& p, const CommuteConfig& c, const Probe& base,
                     const Probe& survey, std::size_t i, std::size_t j, CommuteReport& rep) {
  const PairRuns r = run_pair(p, c, base, survey, i, j, rep);
  if (r.blocked()) return;
  std::string a(model::op_name(survey.kinds_at[i])), b(model::op_name(survey.kinds_at[j]));
  if (b < a) std::swap(a, b);
  const sim::Effect& x = survey.effects_at[i];
  const sim::Effect& y = survey.effects_at[j];
  const bool fresh =
      allocates_fresh_ids(survey.kinds_at[i]) && allocates_fresh_ids(survey.kinds_at[j]);
  DependentTally& t =
      rep.dependent_kinds[a + " x " + b + " on " +
                          sim::objects_text(sim::conflicting_objects(x, y), x.global || y.global)];
  if (r.difference(fresh, false).empty())
    ++t.commuted;
  else
    ++t.differed;
}

}  // namespace

CommuteReport check_commutation(const Program& p, const CommuteConfig& c) {
  CommuteReport rep;
  std::function<bool(const Effect&, const Effect&)> independent = c.independent;
  if (!independent)
    independent = [](const Effect& a, const Effect& b) { return !sim::dependent(a, b); };
  sim::Prng pick(c.seed ^ 0x636f6d6d757465ull);
  for (int r = 0; r < c.runs; ++r) {
    Probe base(Probe::Mode::base, c.seed + static_cast<std::uint64_t>(r));
    run(p, c, base, rep);
    if (base.choices.empty()) continue;
    for (int s = 0; s < c.states_per_run; ++s) {
      Probe survey(Probe::Mode::survey, 0);
      survey.schedule = base.schedule;
      survey.at = base.choices[pick.uniform(static_cast<std::uint32_t>(base.choices.size()))];
      run(p, c, survey, rep);
      ++rep.states;
      // The pairs in a random order, so that the cap does not always favour the low pids.
      std::vector<std::pair<std::size_t, std::size_t>> pairs;
      for (std::size_t i = 0; i < survey.ready_at.size(); ++i)
        for (std::size_t j = i + 1; j < survey.ready_at.size(); ++j) pairs.push_back({i, j});
      for (std::size_t k = pairs.size(); k > 1; --k)
        std::swap(pairs[k - 1], pairs[pick.uniform(static_cast<std::uint32_t>(k))]);
      for (std::size_t i = 0; i < survey.ready_at.size(); ++i)
        check_wakeups(p, c, base, survey, i, independent, rep);
      int checked = 0;
      for (auto [i, j] : pairs) {
        const bool indep = independent(survey.effects_at[i], survey.effects_at[j]);
        if (!indep) ++rep.dependent;
        if (!indep && !c.probe_dependent) continue;
        if (checked++ >= c.pairs_per_state) continue;
        if (indep)
          check_independent(p, c, base, survey, i, j, rep);
        else
          probe_dependent(p, c, base, survey, i, j, rep);
      }
    }
  }
  return rep;
}

}  // namespace papaya::explore

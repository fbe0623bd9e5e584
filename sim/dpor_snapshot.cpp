// The snapshot and restore of OptimalDporStrategy, DporStrategy and DfsStrategy
// (sim/dpor_snapshot.hpp).
#include <unordered_map>

#include "model/check.hpp"
#include "sim/dfs_strategy.hpp"
#include "sim/dpor_strategy.hpp"
#include "sim/optimal_dpor_strategy.hpp"

namespace papaya::sim {

namespace {

// Each pool effect gets the index of its first sight (the nodes are walked in path order, so the
// table's order is the search's, not the pointers'; the map is looked up only).
struct EffectIndex {
  std::vector<Effect>& table;
  std::unordered_map<const Effect*, std::uint32_t> seen;
  std::uint32_t operator()(const Effect* e) {
    if (e == nullptr) return DporSnapshot::no_effect;
    auto [it, fresh] = seen.try_emplace(e, static_cast<std::uint32_t>(table.size()));
    if (fresh) table.push_back(*e);
    return it->second;
  }
};

std::vector<DporSnapshot::Wakeup> save_tree(const std::vector<Wakeup>& tree, EffectIndex& index) {
  std::vector<DporSnapshot::Wakeup> out;
  out.reserve(tree.size());
  for (const Wakeup& w : tree)
    out.push_back({w.pid, index(w.effect), w.unknown, save_tree(w.kids, index)});
  return out;
}

std::vector<DporSnapshot::Slept> save_slept(const std::vector<DporSlept>& v, EffectIndex& index) {
  std::vector<DporSnapshot::Slept> out;
  out.reserve(v.size());
  for (const DporSlept& s : v) out.push_back({s.pid, index(s.effect)});
  return out;
}

// The decision nodes' shared fields (DporNode), each strategy adding its own (`extra`).
template <class Nodes, class Extra>
void save_nodes(const Nodes& nodes, DporSnapshot& s, Extra&& extra) {
  EffectIndex index{s.effects, {}};
  for (const auto& n : nodes) {
    DporSnapshot::Node& o = s.nodes.emplace_back();
    o.schedule = n.schedule;
    o.first_event = n.first_event;
    o.first_answer = n.first_answer;
    o.ready = n.ready;
    o.disabled = n.disabled;
    o.done = save_slept(n.done, index);
    o.sleep = save_slept(n.sleep, index);
    o.chosen = n.chosen;
    if (n.chosen_effect.pid != 0) {  // a copy in the node: a table entry of its own
      o.chosen_effect = static_cast<std::uint32_t>(s.effects.size());
      s.effects.push_back(n.chosen_effect);
    }
    o.n = n.n;
    o.choice = n.choice;
    extra(n, o, index);
  }
}

// Into the pool only what the sleep sets and wakeup trees name (a node's chosen effect is a copy
// of its own), so the pool holds what the search keeps, as it would have.
template <class Stack, class Extra>
void restore_nodes(Stack& nodes, const DporSnapshot& s, EffectPool& pool, Extra&& extra) {
  std::vector<const Effect*> effects(s.effects.size(), nullptr);
  auto effect = [&](std::uint32_t i) -> const Effect* {
    if (i == DporSnapshot::no_effect) return nullptr;
    PAPAYA_ASSERT(i < effects.size(), "dpor: a snapshot names an effect it lacks");
    if (effects[i] == nullptr) effects[i] = pool.intern(s.effects[i]);
    return effects[i];
  };
  auto slept = [&](const std::vector<DporSnapshot::Slept>& from) {
    std::vector<DporSlept> out;
    out.reserve(from.size());
    for (const DporSnapshot::Slept& x : from) out.push_back({x.pid, effect(x.effect)});
    return out;
  };
  for (const DporSnapshot::Node& o : s.nodes) {
    auto& n = nodes.push();
    n.schedule = o.schedule;
    n.first_event = o.first_event;
    n.first_answer = static_cast<std::size_t>(o.first_answer);
    n.ready = o.ready;
    n.disabled = o.disabled;
    n.done = slept(o.done);
    n.sleep = slept(o.sleep);
    n.chosen = o.chosen;
    if (o.chosen_effect != DporSnapshot::no_effect) {
      PAPAYA_ASSERT(o.chosen_effect < s.effects.size(), "dpor: a snapshot lacks an effect");
      n.chosen_effect = s.effects[o.chosen_effect];
    }
    n.n = o.n;
    n.choice = o.choice;
    extra(n, o, effect);
  }
}

}  // namespace

DporSnapshot OptimalDporStrategy::snapshot() const {
  PAPAYA_ASSERT(!first_, "optimal dpor: a snapshot before the first execution chose its branch");
  DporSnapshot s;
  save_nodes(nodes_, s, [](const Node& n, DporSnapshot::Node& o, EffectIndex& index) {
    o.wut = save_tree(n.wut, index);
    o.chosen_kids = save_tree(n.chosen_kids, index);
  });
  save_replay(s);
  s.divergences = divergences_;
  s.asleep = asleep_;
  s.insertions = insertions_;
  return s;
}

void OptimalDporStrategy::restore(const DporSnapshot& s) {
  PAPAYA_ASSERT(first_ && nodes_.empty(), "optimal dpor: restore into a strategy that has run");
  PAPAYA_ASSERT(s.data_options == data_, "optimal dpor: a snapshot of other data options");
  restore_nodes(nodes_, s, pool_, [](Node& n, const DporSnapshot::Node& o, auto&& effect) {
    auto tree = [&](auto&& self,
                    const std::vector<DporSnapshot::Wakeup>& from) -> std::vector<Wakeup> {
      std::vector<Wakeup> out;
      out.reserve(from.size());
      for (const DporSnapshot::Wakeup& w : from)
        out.push_back({w.pid, effect(w.effect), self(self, w.kids), w.unknown});
      return out;
    };
    n.wut = tree(tree, o.wut);
    n.chosen_kids = tree(tree, o.chosen_kids);
  });
  restore_replay(s);
  divergences_ = s.divergences;
  asleep_ = s.asleep;
  insertions_ = s.insertions;
  // next_execution's first call returns at once (first_ stays set): its branch is chosen.
}

// Source-DPOR: the shared fields, and each node's backtrack set and freshness instead of wakeup
// trees.
DporSnapshot DporStrategy::snapshot() const {
  PAPAYA_ASSERT(!first_ && bound_ < 0,
                "dpor: a snapshot only of an unbounded search, between runs");
  DporSnapshot s;
  save_nodes(nodes_, s, [](const Node& n, DporSnapshot::Node& o, EffectIndex&) {
    o.backtrack = n.backtrack;
    o.fresh = n.fresh;
  });
  save_replay(s);
  return s;
}

void DporStrategy::restore(const DporSnapshot& s) {
  PAPAYA_ASSERT(first_ && nodes_.empty() && bound_ < 0,
                "dpor: restore into a strategy that has run");
  PAPAYA_ASSERT(s.data_options == data_, "dpor: a snapshot of other data options");
  restore_nodes(nodes_, s, pool_, [](Node& n, const DporSnapshot::Node& o, auto&&) {
    n.backtrack = o.backtrack;
    n.fresh = o.fresh;
  });
  restore_replay(s);
}

DfsSnapshot DfsStrategy::snapshot() const {
  PAPAYA_ASSERT(!first_ && !visited_ && !walk_, "dfs: a snapshot only between two searched runs");
  DfsSnapshot s;
  s.bound = bound_;
  s.bounded = bounded_;
  for (const Node& n : stack_) s.stack.push_back({n.n, n.limit, n.chosen});
  return s;
}

void DfsStrategy::restore(const DfsSnapshot& s) {
  PAPAYA_ASSERT(first_ && stack_.empty() && !visited_ && !walk_,
                "dfs: restore into a strategy that has run");
  bound_ = s.bound;
  bounded_ = s.bounded;
  for (const DfsSnapshot::Node& n : s.stack) {
    PAPAYA_ASSERT(n.chosen < n.limit && n.limit <= n.n, "dfs: a snapshot's node out of shape");
    stack_.push_back({n.n, n.limit, n.chosen});
  }
  // next_execution's first call returns at once (first_ stays set): the snapshot's branch is
  // already taken.
}

}  // namespace papaya::sim

#include "sim/race_census.hpp"

#include <algorithm>
#include <string>

#include "sim/strategy.hpp"

namespace papaya::sim {

void RaceCensus::begin(const EventLog& log) {
  path_.assign(2, "");
  path_[1] = "1";  // init
  std::vector<int> kids(2, 0);
  for (std::size_t i = 0; i < log.size(); ++i) {
    const Event& e = log.event(i);
    if (e.forked <= 0 || is_go_actor(e.effect.pid)) continue;
    const auto parent = static_cast<std::size_t>(e.effect.pid);
    const auto child = static_cast<std::size_t>(e.forked);
    if (path_.size() <= std::max(parent, child)) {
      path_.resize(std::max(parent, child) + 1);
      kids.resize(path_.size(), 0);
    }
    path_[child] = (path_[parent].empty() ? std::string("?") : path_[parent]) + "." +
                   std::to_string(++kids[parent]);
  }
}

namespace {

// A Go object's short name in a step's description: "g5", "mutex3", "sched", ...
std::string go_object_text(const Access& a) {
  const std::uint32_t id = a.id & 0xfffffu;  // go_obj_id's runtime id
  const char* name = nullptr;
  bool numbered = true;
  switch (a.obj) {
    case Obj::go_sched: name = "sched", numbered = false; break;
    case Obj::go_g: name = "g"; break;
    case Obj::go_mutex: name = "mutex"; break;
    case Obj::go_rw: name = "rw"; break;
    case Obj::go_cond: name = "cond"; break;
    case Obj::go_chan: name = "chan"; break;
    case Obj::go_kq: name = "kq", numbered = false; break;
    case Obj::go_task: name = "task"; break;
    case Obj::go_p: name = "p"; break;
    default: return "";
  }
  std::string s = name;
  if (numbered) s += std::to_string(id);
  if (!a.write) s += "(r)";
  return s;
}

}  // namespace

std::string RaceCensus::path_of(Pid pid) const {
  const auto p = static_cast<std::size_t>(pid);
  return p < path_.size() && !path_[p].empty() ? path_[p] : "pid" + std::to_string(pid);
}

// A Go actor (sim/strategy.hpp go_actor_id) by its program's fork path, its kind and id, and the
// runtime objects its step touched (its goroutine's go_g, the operation's object, the scheduler):
// "1.1 P0{g5 chan2 sched}" is P0's M running goroutine 5's operation on channel 2, which may park
// it or ready another; "1.1 P1{sched}" a P with no goroutine (findRunnable); "1.1 exit7{sched g7}"
// goroutine 7's exitsyscall; "1.1 task2{...}" kernel thread 2's call (its kernel objects are the
// race's "on" part). The step's operation itself is the executor's, not in the log.
std::string RaceCensus::actor_text(const Event& e) const {
  const Pid id = e.effect.pid;
  if (!is_go_actor(id)) return path_of(id);
  const auto pid = static_cast<Pid>((static_cast<std::uint32_t>(id) >> 20) & 0x3ffu);
  const std::uint32_t kind = (static_cast<std::uint32_t>(id) >> 18) & 3u;
  const std::uint32_t n = static_cast<std::uint32_t>(id) & 0x3ffffu;
  static constexpr const char* kinds[] = {"P", "exit", "poller", "task"};
  std::string s = path_of(pid);
  s += ' ';
  s += kinds[kind];
  if (kind != 2) s += std::to_string(n);
  s += '{';
  bool first = true;
  for (const Access& a : e.effect.access) {
    const std::string o = go_object_text(a);
    if (o.empty() || (a.obj == Obj::go_task && kind == task_actor_kind)) continue;
    if (!first) s += ' ';
    s += o;
    first = false;
  }
  return s + "}";
}

void RaceCensus::add(const EventLog& log, std::size_t i, std::size_t j, bool reversed) {
  const Event& a = log.event(i);
  const Event& b = log.event(j);
  RaceKind k{.first_op = a.op,
             .second_op = b.op,
             .first_proc = actor_text(a),
             .second_proc = actor_text(b),
             .first_go = is_go_actor(a.effect.pid),
             .second_go = is_go_actor(b.effect.pid),
             .objects = 0,
             .global = a.effect.global || b.effect.global};
  k.objects = conflicting_objects(a.effect, b.effect);
  RaceCount& c = kinds_[k];
  ++c.found;
  if (reversed) ++c.reversed;
}

std::uint32_t conflicting_objects(const Effect& a, const Effect& b) {
  std::uint32_t m = 0;
  for (const Access& x : a.access)
    for (const Access& y : b.access)
      if (conflict(x, y)) m |= 1u << static_cast<unsigned>(x.obj);
  return m;
}

std::string objects_text(std::uint32_t objects, bool global) {
  std::string s = global ? "global" : "";
  for (unsigned o = 0; o < 32; ++o)
    if (objects & (1u << o)) {
      if (!s.empty()) s += "+";
      s += obj_name(static_cast<Obj>(o));
    }
  return s.empty() ? "?" : s;
}

std::string RaceKind::first_text() const {
  return first_go ? first_proc : first_proc + " " + std::string(model::op_name(first_op));
}

std::string RaceKind::second_text() const {
  return second_go ? second_proc : second_proc + " " + std::string(model::op_name(second_op));
}

std::vector<std::pair<RaceKind, RaceCount>> RaceCensus::ranked() const {
  std::vector<std::pair<RaceKind, RaceCount>> v(kinds_.begin(), kinds_.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) {
    return x.second.reversed != y.second.reversed ? x.second.reversed > y.second.reversed
                                                  : x.second.found > y.second.found;
  });
  return v;
}

}  // namespace papaya::sim

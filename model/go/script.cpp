#include "model/go/script.hpp"

#include <map>

namespace papaya::model::go {

std::uint32_t SeededChoices::choose(std::uint32_t n, DecisionKind) {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<std::uint32_t>(z % n);
}

std::uint32_t ListChoices::choose(std::uint32_t n, DecisionKind) {
  ++asked_;
  std::uint32_t a = next_ < answers_.size() ? answers_[next_++] : 0;
  return a < n ? a : n - 1;
}

namespace {

struct Cursor {
  std::size_t body = 0;
  std::size_t pc = 0;
  GoOutcome last{};
  bool started_go = false;
};

std::string result_text(const PrintResult& r, const GoOutcome& o) {
  switch (r.field) {
    case PrintResult::Field::value: return r.prefix + std::to_string(o.value);
    case PrintResult::Field::ok: return r.prefix + (o.ok ? "true" : "false");
    case PrintResult::Field::chosen: return r.prefix + std::to_string(o.chosen);
    case PrintResult::Field::value_ok:
      return r.prefix + std::to_string(o.value) + (o.ok ? " true" : " false");
  }
  return r.prefix;
}

}  // namespace

ScriptResult run_script(const Program& prog, Choices& choices, GoConfig config,
                        ScriptLimits limits) {
  PAPAYA_ASSERT(!prog.bodies.empty(), "a program without main");
  Runtime rt(choices, config);
  for (int i = 0; i < prog.mutexes; ++i) rt.new_mutex();
  for (int i = 0; i < prog.rwmutexes; ++i) rt.new_rwmutex();
  for (ObjId m : prog.conds) rt.new_cond(m);
  for (std::size_t cap : prog.chans) rt.new_chan(cap);
  for (int i = 0; i < prog.fds; ++i) rt.new_fd();
  ScriptResult out;
  std::map<Gid, Cursor> cur;
  cur[rt.start()] = Cursor{};
  Duration next_sysmon = limits.sysmon_every;

  auto feed = [&](Gid g) {
    Cursor& c = cur.at(g);
    const auto& body = prog.bodies.at(c.body);
    for (; c.pc < body.size(); ++c.pc) {
      const Instr& in = body[c.pc];
      if (const auto* p = std::get_if<Print>(&in)) {
        out.lines.push_back(p->text);
      } else if (const auto* r = std::get_if<PrintResult>(&in)) {
        out.lines.push_back(result_text(*r, c.last));
      } else if (const auto* e = std::get_if<NetEvent>(&in)) {
        rt.netpoll_event(e->fd);
      } else {
        const GoOp& op = std::get<GoOp>(in);
        c.started_go = std::holds_alternative<gop::Go>(op);
        ++c.pc;
        rt.submit(g, op);
        return;
      }
    }
    c.started_go = false;
    rt.submit(g, gop::Exit{});
  };

  while (rt.ending() == Ending::running) {
    for (Gid g : rt.want_op()) feed(g);
    std::vector<Actor> actors = rt.actors();
    if (actors.empty()) {
      rt.check_dead();
      break;
    }
    if (out.steps >= limits.max_steps) {
      out.ending = Ending::step_bound;
      break;
    }
    auto n = static_cast<std::uint32_t>(actors.size());
    const Actor a = actors[n == 1 ? 0 : choices.choose(n, DecisionKind::schedule)];
    const Gid g = a.kind == Actor::Kind::p ? rt.p(static_cast<int>(a.id)).curg : a.id;
    if (limits.offer_preemption && a.kind == Actor::Kind::p && g != 0 &&
        choices.choose(2, DecisionKind::go_preempt) == 1)
      rt.preempt(static_cast<int>(a.id));
    const GoOutcome o = rt.step(a);
    ++out.steps;
    if (g != 0 && o.status == GoStatus::done) {
      Cursor& c = cur.at(g);
      c.last = o;
      if (c.started_go) {
        const auto& body = prog.bodies.at(c.body);
        const auto& go = std::get<gop::Go>(std::get<GoOp>(body.at(c.pc - 1)));
        cur[static_cast<Gid>(o.value)] = Cursor{.body = go.body};
        c.started_go = false;
      }
    }
    if (g != 0 && o.status == GoStatus::parked && rt.g(g).status == GStatus::syscall)
      rt.syscall_returned(g);  // the script's syscalls return at once; when is the chooser's
    rt.check_invariants();
    if (limits.step_time.count() > 0) {
      rt.advance_to(rt.now() + limits.step_time);
      if (limits.sysmon_every.count() > 0 && rt.now() >= next_sysmon) {
        rt.sysmon();
        next_sysmon = rt.now() + limits.sysmon_every;
      }
    }
  }
  if (out.ending != Ending::step_bound) out.ending = rt.ending();
  out.message = rt.message();
  out.exit_code = out.ending == Ending::step_bound ? -1 : rt.exit_code();
  for (Gid g : rt.leaked()) {
    const G& gp = rt.g(g);
    std::string state = gp.status == GStatus::waiting ? std::string(wait_reason_name(gp.wait))
                                                      : std::string(gstatus_name(gp.status));
    out.leaked.push_back("goroutine " + std::to_string(g) + " [" + state + "]");
  }
  return out;
}

}  // namespace papaya::model::go

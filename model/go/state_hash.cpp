// Runtime::hash_state: every field of the Go runtime model's state into one digest, for the
// stateful exploration (sim/state_cache.hpp, docs/explore.md "Stateful dfs for goroutine
// programs"). Every container is an ordered one (deques and vectors, in their order: a run queue's
// order is the order goroutines will run in), so the digest is a function of the state alone.
// Ids are hashed as they are (no renaming): two states that differ only in which goroutine got
// which id are two states, which costs merges, never soundness. The scheduler's tick counters
// (schedtick, syscalltick and sysmon's copies of them) are hashed exactly, although only
// schedtick % 61 and their equality with sysmon's copies are ever read: exact is separating more,
// never less.
//
// What is left out, and why: the Choices (the explorer's), the configuration (the same in every
// execution of one exploration), `decisions_` (a record of the choices made so far, which no rule
// reads), `record_events_` and `events_` (the trace's G/P changes, drained by the driver after
// every step).
#include "model/state_hash.hpp"

#include <variant>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

namespace {

void hash_duration(StateHasher& h, Duration d) { h.add_signed(d.count()); }

void hash_gids(StateHasher& h, const auto& gids) {
  h.add(gids.size());
  for (auto g : gids) h.add(static_cast<std::uint64_t>(g));
}

// The operation's kind and every field it has (an object id, a value, a select's cases).
void hash_op(StateHasher& h, const GoOp& op) {
  h.add(op.index());
  std::visit(
      [&h](const auto& o) {
        if constexpr (requires { o.body; }) h.add(o.body);
        if constexpr (requires { o.m; }) h.add(o.m);
        if constexpr (requires { o.rw; }) h.add(o.rw);
        if constexpr (requires { o.cond; }) h.add(o.cond);
        if constexpr (requires { o.ch; }) h.add(o.ch);
        if constexpr (requires { o.v; }) h.add_signed(o.v);
        if constexpr (requires { o.fd; }) h.add(o.fd);
        if constexpr (requires { o.cases; }) {
          h.add(o.cases.size());
          for (const gop::SelectCase& c : o.cases) {
            h.add_bool(c.send);
            h.add(c.ch);
            h.add_signed(c.v);
          }
          h.add_bool(o.has_default);
        }
      },
      op);
}

void hash_g(StateHasher& h, const G& g) {
  h.add(g.id);
  h.add(static_cast<std::uint64_t>(g.status));
  h.add(static_cast<std::uint64_t>(g.wait));
  h.add_signed(g.p);
  h.add_bool(g.pending.has_value());
  if (g.pending) hash_op(h, *g.pending);
  h.add_signed(g.phase);
  h.add_bool(g.woken);
  h.add_signed(g.lock_phase);
  h.add_bool(g.wait_start.has_value());
  if (g.wait_start) hash_duration(h, *g.wait_start);
  h.add_bool(g.starving);
  h.add_bool(g.awoke);
  h.add(g.ticket);
  h.add_signed(g.value);
  h.add_bool(g.ok);
  h.add_signed(g.chosen);
  h.add_bool(g.closed_send);
  h.add_bool(g.preempt);
  h.add_bool(g.syscall_done);
  h.add(g.parent);
}

void hash_p(StateHasher& h, const P& p, bool run_queues) {
  h.add_signed(p.id);
  h.add(static_cast<std::uint64_t>(p.status));
  h.add(p.curg);
  h.add_bool(p.spinning);
  if (run_queues) {
    hash_gids(h, p.runq);
    h.add(p.runnext);
  }
  h.add(p.schedtick);
  h.add(p.syscalltick);
  h.add(p.sysmontick.schedtick);
  hash_duration(h, p.sysmontick.schedwhen);
  h.add(p.sysmontick.syscalltick);
  hash_duration(h, p.sysmontick.syscallwhen);
}

void hash_sema(StateHasher& h, const Sema& s) {
  h.add(s.count);
  hash_gids(h, s.waiters);
}

void hash_waiters(StateHasher& h, const Queue<Waiter>& q) {
  h.add(q.size());
  for (const Waiter& w : q) {
    h.add(w.g);
    h.add_signed(w.case_index);
    h.add_signed(w.value);
  }
}

}  // namespace

void Runtime::hash_state(StateHasher& h, bool run_queues) const {
  hash_duration(h, now_);
  h.add(gs_.size());
  for (const auto& g : gs_) hash_g(h, *g);
  h.add(ps_.size());
  for (const P& p : ps_) hash_p(h, p, run_queues);
  if (run_queues) hash_gids(h, global_);
  h.add(pidle_.size());
  for (int p : pidle_) h.add_signed(p);
  h.add_signed(nmspinning_);
  h.add(mutexes_.size());
  for (const Mutex& m : mutexes_) {
    h.add_bool(m.locked);
    h.add_bool(m.woken);
    h.add_bool(m.starving);
    h.add_signed(m.waiters);
    hash_sema(h, m.sema);
  }
  h.add(rwmutexes_.size());
  for (const RWMutex& rw : rwmutexes_) {
    h.add(rw.w);
    hash_sema(h, rw.writer_sem);
    hash_sema(h, rw.reader_sem);
    h.add_signed(rw.reader_count);
    h.add_signed(rw.reader_wait);
  }
  h.add(conds_.size());
  for (const Cond& c : conds_) {
    h.add(c.mutex);
    h.add(c.wait);
    h.add(c.notify);
    h.add(c.list.size());
    for (const auto& [g, ticket] : c.list) {
      h.add(g);
      h.add(ticket);
    }
  }
  h.add(chans_.size());
  for (const Chan& c : chans_) {
    h.add(c.cap);
    h.add(c.buf.size());
    for (std::int64_t v : c.buf) h.add_signed(v);
    h.add_bool(c.closed);
    hash_waiters(h, c.recvq);
    hash_waiters(h, c.sendq);
  }
  h.add(fds_.size());
  for (const PollDesc& d : fds_) {
    h.add(static_cast<std::uint64_t>(d.rg));
    h.add(d.g);
    h.add_bool(d.event);
  }
  h.add_signed(netpoll_waiters_);
  h.add_bool(poller_blocked_);
  hash_duration(h, lastpoll_);
  hash_gids(h, in_syscall_);
  h.add(static_cast<std::uint64_t>(ending_));
  h.add_bytes(message_);
  h.add(last_started_);
}

}  // namespace papaya::model::go

// The Go side of the stateful exploration's state key (sim/state_cache.hpp; docs/explore.md
// "Stateful dfs for goroutine programs"): what the executor holds of each Go program beyond the
// kernel, hashed in a fixed order (ordered containers only), and what a goroutine's code can read
// when it is resumed.
//
// Left out of hash_go_state, and why: each goroutine's call site (file, line), its bodies and its
// fiber (functions of the program's memory and resume points, which part 2 of the key stands for:
// Strategy::go_resumed); poll_due_ and watch_due_ (false at every schedule decision: go_poll runs
// after every step that sets them); go_started_, go_tables_, effect_ (footprint scratch); the
// trace (part 3 keeps what the checkers read of it).
#include <algorithm>

#include "model/state_hash.hpp"
#include "sim/executor.hpp"
#include "sim/executor_internal.hpp"
#include "sim/state_cache.hpp"

namespace papaya::sim {

namespace {

void hash_kernel_op(model::StateHasher& h, const model::Op& op) {
  h.add(op.index());
  const model::OpArgs a = model::op_args(op);
  for (std::int64_t v : a.v) h.add_signed(v);
  h.add_bytes(a.text);
}

void hash_go_outcome(model::StateHasher& h, const model::go::GoOutcome& o) {
  h.add(static_cast<std::uint64_t>(o.status));
  h.add_signed(o.value);
  h.add_bool(o.ok);
  h.add_signed(o.chosen);
}

// The bytes a goroutine's finished kernel call received into its buffer (read, pread, recv),
// before the goroutine resumes. They are the program's memory, written by the kernel, not by
// goroutine code: part 2 (the resumptions) sees them only when the goroutine resumes, and a call
// on the process's first thread is in the process's observations (StateKeys::outcome), but one
// on another kernel thread (a task) is nowhere else. Without them two orders of a load and a
// store of one file, on two threads, leave equal keys and different futures (docs/explore.md,
// "Two Ps under a preemption bound").
//
// Finished: the call is in flight (kop), neither queued for nor on a kernel thread (kq,
// on_tasks), and past entersyscall (a Syscall pending in phase 0 has not been submitted yet: its
// kout is the previous call's). Then kout is this call's outcome.
void hash_received(model::StateHasher& h, const auto& gp, const auto& g) {
  if (g.kop == nullptr) return;
  const std::span<const char> buf = receive_buffer(*g.kop);
  if (buf.empty() || g.kout.status != model::StepStatus::done || g.kout.err != Errno::ok ||
      g.kout.ret <= 0)
    return;
  if (std::find(gp.kq.begin(), gp.kq.end(), g.gid) != gp.kq.end()) return;
  for (const auto& [task, on] : gp.on_tasks)
    if (on == g.gid) return;
  const model::go::G& rg = gp.rt.g(g.gid);
  if (rg.pending && std::holds_alternative<model::go::gop::Syscall>(*rg.pending) && rg.phase == 0)
    return;
  const std::size_t n = std::min(buf.size(), static_cast<std::size_t>(g.kout.ret));
  h.add(0x2ecull);  // received
  h.add_bytes(std::string_view(buf.data(), n));
}

}  // namespace

void Executor::hash_go_state(model::StateHasher& h, bool run_queues, bool received) const {
  if (!any_go_) return;
  for (std::size_t pid = 1; pid < procs_.size(); ++pid) {
    const Proc* p = procs_[pid].get();
    if (p == nullptr || !p->go) continue;
    const GoProc& gp = *p->go;
    h.add(0x60u);  // a Go program
    h.add(pid);
    h.add_bool(gp.ended);
    gp.rt.hash_state(h, run_queues);
    h.add(gp.gs.size());
    for (const auto& g : gp.gs) {
      h.add_bool(g != nullptr);
      if (!g) continue;
      h.add(g->gid);
      h.add_bool(g->running);
      h.add_bool(static_cast<bool>(g->body));
      h.add_bool(static_cast<bool>(g->go_body));
      hash_go_outcome(h, g->gout);
      hash_outcome(h, g->kout);
      h.add_bool(g->kop != nullptr);
      // (Once the program ended its goroutines' stacks are unwound: a call in flight is gone.)
      if (g->kop != nullptr && !gp.ended) {
        hash_kernel_op(h, *g->kop);
        if (received) hash_received(h, gp, *g);
      }
      h.add(g->io_pd);
      h.add(g->timer_pd);
    }
    h.add(gp.kq.size());
    for (model::go::Gid g : gp.kq) h.add(g);
    h.add(gp.on_tasks.size());
    for (const auto& [task, g] : gp.on_tasks) {
      h.add(task);
      h.add(g);
    }
    h.add(gp.watches.size());
    for (const auto& [g, op] : gp.watches) {
      h.add(g);
      hash_kernel_op(h, op);
    }
    h.add(gp.timers.size());
    for (const auto& [at, g] : gp.timers) {  // a multimap: by deadline, then in insertion order
      h.add_signed(at.count());
      h.add(g);
    }
    h.add(gp.signal_pd);
    h.add(gp.signal_waits.bits());
    h.add_bool(gp.signal_armed);
    h.add_bool(gp.handler_step);
  }
  h.add(goroutine_leaks_.size());
  for (const std::string& l : goroutine_leaks_) h.add_bytes(l);
  h.add_bool(go_fatal_.has_value());
  h.add_bool(go_deadlock_.has_value());
}

// What goroutine `g` can read when its code goes on: the outcome of its runtime operation and of
// its last system call, the bytes that call received into its buffer, whether it starts its body,
// and the clock (Os::now on a goroutine takes no step). Conservative: whichever of these its
// suspended call does not return is hashed too.
void Executor::note_go_resume(const Proc& p, const Goroutine& g) {
  model::StateHasher h;
  h.add(0x9e5u);  // a resume
  h.add(g.gid);
  h.add_bool(g.running);
  hash_go_outcome(h, g.gout);
  hash_outcome(h, g.kout);
  if (g.kop != nullptr) {
    hash_kernel_op(h, *g.kop);
    const std::span<const char> buf = receive_buffer(*g.kop);
    if (g.kout.status == model::StepStatus::done && g.kout.err == Errno::ok && g.kout.ret > 0 &&
        !buf.empty()) {
      const std::size_t n = std::min(buf.size(), static_cast<std::size_t>(g.kout.ret));
      h.add_bytes(std::string_view(buf.data(), n));
    }
  }
  h.add_signed(kernel_.now().count());
  strategy_->go_resumed(p.pid, h.digest());
}

}  // namespace papaya::sim

#include "sim/state_cache.hpp"

#include <algorithm>
#include <iterator>
#include <variant>

#include "model/go/op.hpp"
#include "model/kernel.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

void hash_outcome(model::StateHasher& h, const model::Outcome& o) {
  h.add(static_cast<std::uint64_t>(o.status));
  h.add(static_cast<std::uint64_t>(o.err));
  h.add_signed(o.ret);
  h.add_signed(o.ret2);
  h.add_signed(o.wait.pid);
  h.add_bool(o.wait.exited);
  h.add_signed(o.wait.exit_code);
  h.add_bool(o.wait.signaled);
  h.add_signed(static_cast<int>(o.wait.term_sig));
  h.add(o.inode);
  h.add_signed(o.pos);
  h.add_signed(o.moved);
}

namespace {

// Whether a step's order relative to other processes' steps is visible to the checkers (the
// header's part 3): it touches a regular file, or it is a close, dup, fork, exec or exit of a
// process that holds one open.
bool touches_a_regular_file(const Effect& e) {
  return std::any_of(e.access.begin(), e.access.end(), [](const Access& a) {
    return a.obj == Obj::bytes || a.obj == Obj::locks || a.obj == Obj::offset || a.obj == Obj::name;
  });
}

bool holds_a_regular_file(const model::Kernel& k, const model::Process& p) {
  return std::any_of(p.fds.begin(), p.fds.end(), [&](model::OfdId id) {
    return id != 0 && k.open_file(id).kind == model::FileKind::regular;
  });
}

bool drops_or_copies_descriptors(model::OpKind kind) {
  using K = model::OpKind;
  return kind == K::close || kind == K::dup || kind == K::fork || kind == K::exec ||
         kind == K::exit;
}

void hash_step(model::StateHasher& h, model::OpKind kind, const model::OpArgs& args,
               const model::Outcome& out, std::int64_t now_ns, std::span<const char> received) {
  h.add(static_cast<std::uint64_t>(kind));
  for (std::int64_t v : args.v) h.add_signed(v);
  h.add_bytes(args.text);
  hash_outcome(h, out);
  h.add_signed(now_ns);
  // What landed in the caller's buffer: the bytes the call returned.
  if (out.status == model::StepStatus::done && out.err == Errno::ok && out.ret > 0 &&
      !received.empty()) {
    const std::size_t n = std::min(received.size(), static_cast<std::size_t>(out.ret));
    h.add_bytes(std::string_view(received.data(), n));
  }
}

// Whether a go record is a goroutine's RWMutex operation (the log guard's: check/log_events.cpp).
bool rwmutex_op(std::uint8_t op) {
  namespace gop = model::go::gop;
  static const std::size_t ops[] = {
      model::go::GoOp(gop::RLock{}).index(), model::go::GoOp(gop::RUnlock{}).index(),
      model::go::GoOp(gop::WLock{}).index(), model::go::GoOp(gop::WUnlock{}).index()};
  return std::find(std::begin(ops), std::end(ops), op) != std::end(ops);
}

// A Go actor's pid (sim/strategy.hpp go_actor_id), and whether it is a kernel thread other than
// the first (a goroutine's file call) rather than one of the runtime's actors.
Pid actor_pid(Pid id) { return static_cast<Pid>((id >> 20) & 0x3ff); }
bool is_task(Pid id) { return ((static_cast<std::uint32_t>(id) >> 18) & 3u) == task_actor_kind; }

model::StateDigest extend(const model::StateDigest& chain, auto&& feed) {
  model::StateHasher h;
  h.add(chain);
  feed(h);
  return h.digest();
}

}  // namespace

std::span<const char> receive_buffer(const model::Op& op) {
  if (const auto* r = std::get_if<model::op::Read>(&op)) return r->buf;
  if (const auto* r = std::get_if<model::op::Pread>(&op)) return r->buf;
  if (const auto* r = std::get_if<model::op::Recv>(&op)) return r->buf;
  return {};
}

model::StateDigest with_running(const model::StateDigest& key, Pid running) {
  return extend(key, [&](model::StateHasher& h) {
    h.add(0x5c4edull);  // a decision's table key, not a state's
    h.add_signed(running);
  });
}

void StateKeys::clear() {
  chains_.clear();
  order_ = {};
  ordered_ = false;
  now_ns_ = 0;
  steps_ = 0;
  kernel_ = nullptr;
  stepping_ = 0;
  go_order_ = false;
  go_records_ = 0;
  go_locks_ = 0;
  time_due_ = false;
}

model::StateDigest& StateKeys::chain(Pid pid) {
  const auto i = static_cast<std::size_t>(pid);
  if (chains_.size() <= i) chains_.resize(i + 1);
  return chains_[i];
}

void StateKeys::stepping(const model::Kernel& k, Pid pid, const Effect& effect) {
  now_ns_ = k.now().count();
  kernel_ = &k;
  stepping_ = pid;
  go_order_ = keep_order_ && view_ != nullptr && view_->any_go();
  if (is_go_actor(pid)) {  // the executor's effect (step_effect) decides a thread's file call
    ordered_ = false;
    return;
  }
  const model::Process& p = k.process(pid);
  ordered_ =
      keep_order_ && (touches_a_regular_file(effect) ||
                      (p.pending && drops_or_copies_descriptors(model::kind_of(*p.pending)) &&
                       holds_a_regular_file(k, p)));
}

void StateKeys::step_effect(const Effect& effect) {
  if (!keep_order_ || kernel_ == nullptr) return;
  if (is_go_actor(stepping_) && !is_task(stepping_)) {
    ordered_ = false;  // a runtime step: its RWMutex operations are taken from the trace
    return;
  }
  const Pid pid = is_go_actor(stepping_) ? actor_pid(stepping_) : stepping_;
  const model::Process& p = kernel_->process(pid);
  ordered_ =
      touches_a_regular_file(effect) || (!is_go_actor(stepping_) && p.pending &&
                                         drops_or_copies_descriptors(model::kind_of(*p.pending)) &&
                                         holds_a_regular_file(*kernel_, p));
}

void StateKeys::outcome(Pid pid, model::OpKind kind, const model::OpArgs& args,
                        const model::Outcome& out, std::span<const char> received) {
  if (ordered_ && !go_order_) {
    order_ = extend(order_, [&](model::StateHasher& h) {
      h.add_signed(pid);
      hash_step(h, kind, args, out, now_ns_, received);
    });
  }
  // A step that only blocked is not observed by its process (it observes the call's end).
  if (out.status == model::StepStatus::blocked) return;
  if (kind == model::OpKind::fork && out.status == model::StepStatus::done &&
      out.err == Errno::ok && out.ret > 0) {
    const model::StateDigest parent = chain(pid);
    chain(static_cast<Pid>(out.ret)) =
        extend(parent, [](model::StateHasher& h) { h.add(0xf02cull); });  // the child's start
  }
  model::StateDigest& mine = chain(pid);
  mine = extend(mine,
                [&](model::StateHasher& h) { hash_step(h, kind, args, out, now_ns_, received); });
}

void StateKeys::go_resumed(Pid pid, const model::StateDigest& observed) {
  if (no_resumes_) return;
  model::StateDigest& mine = chain(pid);
  mine = extend(mine, [&](model::StateHasher& h) {
    h.add(0x9e5ull);
    h.add(observed);
  });
}

void StateKeys::stepped(Pid, model::StepStatus) {
  ++steps_;
  if (go_order_) go_ordered(view_->trace());
}

// Part 3 once a Go program runs: the step just taken, if it is a kernel step (the trace's last
// step), and every RWMutex operation the runtime recorded since the last look (trace.go,
// trace.go_locks), in the order the checkers will read them.
void StateKeys::go_ordered(const traces::Trace& t) {
  const bool kernel_step = !is_go_actor(stepping_) || is_task(stepping_);
  if (kernel_step && !t.steps.empty()) {
    const traces::Step& s = t.steps.back();
    const bool ordered = ordered_ || s.status == model::StepStatus::exited;
    // The first kernel step after go events: they take its time (check/log_events.cpp), and its
    // step number, so they tie with it exactly when it is ordered.
    if (time_due_) {
      order_ = extend(order_, [&](model::StateHasher& h) {
        h.add(0x71eull);
        h.add_signed(s.time_ns);
        h.add_bool(ordered);
      });
      time_due_ = false;
    }
    if (ordered) {
      order_ = extend(order_, [&](model::StateHasher& h) {
        h.add_signed(s.pid);
        h.add(s.g);
        h.add(s.m);
        h.add(static_cast<std::uint64_t>(s.op));
        h.add(static_cast<std::uint64_t>(s.status));
        h.add(static_cast<std::uint64_t>(s.err));
        h.add_signed(s.ret);
        h.add_signed(s.ret2);
        for (std::int64_t v : s.args) h.add_signed(v);
        h.add(s.inode);
        h.add_signed(s.pos);
        h.add_signed(s.moved);
        h.add_signed(s.time_ns);
        h.add_bool(s.text != traces::no_text);
        if (s.text != traces::no_text) h.add_bytes(t.texts[s.text]);
      });
    }
  }
  for (; go_records_ < t.go.size(); ++go_records_) {
    const traces::GoRecord& r = t.go[go_records_];
    if (r.g == 0 || r.op == traces::no_go_op || !rwmutex_op(r.op)) continue;
    order_ = extend(order_, [&](model::StateHasher& h) {
      h.add(0x6e0ull);
      h.add_signed(r.pid);
      h.add(r.g);
      h.add(r.op);
      h.add(static_cast<std::uint64_t>(r.status));
      h.add(r.obj);
    });
    time_due_ = true;
  }
  for (; go_locks_ < t.go_locks.size(); ++go_locks_) {
    const traces::GoLockEvent& e = t.go_locks[go_locks_];
    order_ = extend(order_, [&](model::StateHasher& h) {
      h.add(0x10cull);
      h.add_signed(e.pid);
      h.add(e.g);
      h.add(e.rw);
      h.add(static_cast<std::uint64_t>(e.kind));
    });
  }
}

model::StateDigest StateKeys::key(const model::Kernel& k) const {
  model::StateHasher h;
  k.hash_state(h);
  if (view_ != nullptr)
    view_->hash_go_state(h, !no_run_queues_, !no_received_);  // nothing until Go runs
  h.add(chains_.size());
  for (const model::StateDigest& c : chains_) h.add(c);
  h.add(order_);  // (time_due_ is a function of it: set by a go element, cleared by a time one)
  return h.digest();
}

}  // namespace papaya::sim

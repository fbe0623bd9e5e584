#include "sim/state_cache.hpp"

#include <algorithm>
#include <variant>

#include "model/kernel.hpp"

namespace papaya::sim {

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
  h.add(static_cast<std::uint64_t>(out.status));
  h.add(static_cast<std::uint64_t>(out.err));
  h.add_signed(out.ret);
  h.add_signed(out.ret2);
  h.add_signed(out.wait.pid);
  h.add_bool(out.wait.exited);
  h.add_signed(out.wait.exit_code);
  h.add_bool(out.wait.signaled);
  h.add_signed(static_cast<int>(out.wait.term_sig));
  h.add(out.inode);
  h.add_signed(out.pos);
  h.add_signed(out.moved);
  h.add_signed(now_ns);
  // What landed in the caller's buffer: the bytes the call returned.
  if (out.status == model::StepStatus::done && out.err == Errno::ok && out.ret > 0 &&
      !received.empty()) {
    const std::size_t n = std::min(received.size(), static_cast<std::size_t>(out.ret));
    h.add_bytes(std::string_view(received.data(), n));
  }
}

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
}

model::StateDigest& StateKeys::chain(Pid pid) {
  const auto i = static_cast<std::size_t>(pid);
  if (chains_.size() <= i) chains_.resize(i + 1);
  return chains_[i];
}

void StateKeys::stepping(const model::Kernel& k, Pid pid, const Effect& effect) {
  now_ns_ = k.now().count();
  const model::Process& p = k.process(pid);
  ordered_ =
      keep_order_ && (touches_a_regular_file(effect) ||
                      (p.pending && drops_or_copies_descriptors(model::kind_of(*p.pending)) &&
                       holds_a_regular_file(k, p)));
}

void StateKeys::outcome(Pid pid, model::OpKind kind, const model::OpArgs& args,
                        const model::Outcome& out, std::span<const char> received) {
  ++steps_;
  if (ordered_) {
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

model::StateDigest StateKeys::key(const model::Kernel& k) const {
  model::StateHasher h;
  k.hash_state(h);
  h.add(chains_.size());
  for (const model::StateDigest& c : chains_) h.add(c);
  h.add(order_);
  return h.digest();
}

}  // namespace papaya::sim

// Kernel::hash_state: every field of every kernel object into one digest, for the stateful
// exploration (sim/state_cache.hpp, docs/explore.md "Stateful dfs"). Ids are hashed as they are
// (no renaming up to isomorphism): two states that differ only by which description got which id
// are two states, which costs merges, never soundness. Objects that are gone (a freed description,
// a closed pipe) stay in their tables and are hashed too, for the same reason.
//
// What is left out, and why: the Choices (the explorer's), the configuration (the same in every
// execution of one exploration), `table_` itself (pointers to `procs_`: the processes are hashed
// through it, in pid order, so that with pids by fork path two states that differ only in the
// order their processes were created hash alike), `sleepers_` and their
// buckets (derived from the processes' `blocked` and `chan`), `marked_` (which processes ready() is
// asked about again: a superset of the ready ones, so two states that differ only there answer
// ready() alike), `warnings_` (drained by the executor after every step; the checkers never read
// them).
#include "model/state_hash.hpp"

#include "model/kernel.hpp"

namespace papaya::model {

namespace {

void hash_duration(StateHasher& h, Duration d) { h.add_signed(d.count()); }

template <class T>
void hash_optional(StateHasher& h, const std::optional<T>& v, auto&& each) {
  h.add_bool(v.has_value());
  if (v) each(*v);
}

void hash_op(StateHasher& h, const Op& op) {
  h.add(static_cast<std::uint64_t>(op.index()));
  const OpArgs a = op_args(op);
  for (std::int64_t v : a.v) h.add_signed(v);
  h.add_bytes(a.text);
}

void hash_chan(StateHasher& h, const Chan& c) {
  h.add(static_cast<std::uint64_t>(c.kind));
  h.add(c.id);
}

void hash_progress(StateHasher& h, const Progress& p) {
  h.add_bool(p.active);
  h.add(p.done);
  h.add_signed(p.pos);
  h.add(p.inode);
  h.add(p.pos_ofd);
}

void hash_wait(StateHasher& h, const WaitStatus& w) {
  h.add_signed(w.pid);
  h.add_bool(w.exited);
  h.add_signed(w.exit_code);
  h.add_bool(w.signaled);
  h.add_signed(static_cast<int>(w.term_sig));
}

void hash_pids(StateHasher& h, const auto& pids) {
  h.add(pids.size());
  for (auto p : pids) h.add_signed(p);
}

void hash_process(StateHasher& h, const Process& p) {
  h.add_signed(p.pid);
  h.add_signed(p.ppid);
  h.add_signed(p.pgid);
  h.add_signed(p.sid);
  hash_optional(h, p.parent_death_signal, [&](Sig s) { h.add_signed(static_cast<int>(s)); });
  h.add(static_cast<std::uint64_t>(p.state));
  hash_wait(h, p.status);
  hash_pids(h, p.fds);
  hash_pids(h, p.cloexec);
  hash_pids(h, p.children);
  h.add(p.forks);
  for (const SigAction& a : p.actions) {
    h.add(static_cast<std::uint64_t>(a.kind));
    h.add_bool(a.restart);
  }
  h.add(p.mask.bits());
  h.add(p.pending_signals.bits());
  h.add(p.caught.bits());
  hash_optional(h, p.saved_mask, [&](SigSet s) { h.add(s.bits()); });
  hash_optional(h, p.alarm_at, [&](Duration d) { hash_duration(h, d); });
  hash_optional(h, p.sleep_until, [&](Duration d) { hash_duration(h, d); });
  hash_optional(h, p.pending, [&](const Op& op) { hash_op(h, op); });
  h.add_bool(p.blocked);
  hash_chan(h, p.chan);
  h.add_bool(p.recheck);
  h.add_bool(p.woken);
  hash_progress(h, p.progress);
  const FlockWait& f = p.flock_wait;
  h.add_bool(f.active);
  h.add_bool(f.queued);
  h.add_bool(f.on_request);
  h.add(f.blocker);
  h.add(f.ofd);
  h.add(static_cast<std::uint64_t>(f.mode));
  hash_pids(h, f.blocked);
  h.add(p.tasks.size());
  for (const Task& t : p.tasks) {
    hash_optional(h, t.pending, [&](const Op& op) { hash_op(h, op); });
    h.add_bool(t.blocked);
    hash_chan(h, t.chan);
    h.add_bool(t.recheck);
    h.add_bool(t.woken);
    hash_progress(h, t.progress);
  }
  h.add(p.task);
  h.add_bool(p.nonblocking_sockets);
}

void hash_file(StateHasher& h, const OpenFile& f) {
  h.add(static_cast<std::uint64_t>(f.kind));
  h.add(static_cast<std::uint64_t>(f.flags));
  h.add_signed(f.offset);
  h.add_signed(f.refs);
  h.add(f.object);
  h.add(static_cast<std::uint64_t>(f.lock));
  h.add_signed(f.pos_holder);
  hash_pids(h, f.flock_blocked);
}

void hash_inode(StateHasher& h, const Inode& i) {
  h.add_bytes(i.bytes);
  h.add(i.mode);
  h.add_bool(i.linked);
  h.add_signed(i.open_descriptions);
  hash_pids(h, i.flocks);
  h.add_signed(i.writer);
  h.add(i.holes.size());
  for (const auto& [from, to] : i.holes) {
    h.add_signed(from);
    h.add_signed(to);
  }
}

void hash_pipe(StateHasher& h, const PipeObj& p) {
  h.add_bytes(p.bytes);
  h.add_bool(p.read_open);
  h.add_bool(p.write_open);
}

void hash_listener(StateHasher& h, const Listener& l) {
  h.add(l.port);
  h.add_signed(l.backlog);
  hash_pids(h, l.queue);
  h.add_bool(l.open);
}

// The segments one by one: where a send was cut is visible to a later recv (arrivals).
void hash_sock(StateHasher& h, const SockEnd& s) {
  h.add(s.peer);
  h.add(s.local_port);
  h.add(s.rx.count());
  s.rx.each([&](std::string_view seg) { h.add_bytes(seg); });
  h.add(s.rx.bytes());
  h.add_bool(s.rx_fin);
  h.add_bool(s.shut_rd);
  h.add_bool(s.shut_wr);
  h.add_bool(s.open);
  h.add_bool(s.peer_closed);
  h.add_bool(s.reset);
  h.add(static_cast<std::uint64_t>(s.error));
}

template <class T, class F>
void hash_table(StateHasher& h, const Table<T>& table, F&& each) {
  h.add(table.size());
  for (const T& x : table) each(h, x);
}

}  // namespace

void Kernel::hash_state(StateHasher& h) const {
  hash_duration(h, now_);
  h.add(procs_.size());
  for (const Process* p : table_)
    if (p != nullptr) hash_process(h, *p);
  hash_table(h, files_, hash_file);
  hash_table(h, inodes_, hash_inode);
  hash_table(h, pipes_, hash_pipe);
  hash_table(h, socks_, hash_sock);
  hash_table(h, listeners_, hash_listener);
  h.add(names_.size());
  for (const auto& [name, ino] : names_) {
    h.add_bytes(name);
    h.add(ino);
  }
  h.add(ports_.size());
  for (const auto& [port, listener] : ports_) {
    h.add(port);
    h.add(listener);
  }
  h.add(next_ephemeral_);
  hash_optional(h, fs_limit_, [&](std::uint64_t v) { h.add(v); });
}

}  // namespace papaya::model

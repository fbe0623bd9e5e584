// The channel edges' questions (sim/event_log.hpp Event::eof, Event::fills, Event::fed): whether
// a pending read would sleep on its channel until the other end's last drop or a write, and which
// channel a read takes from or a write fills. What the event log joins instead of racing.
#include <variant>

#include "model/kernel.hpp"
#include "sim/independence.hpp"

namespace papaya::sim {

namespace {

using model::FileKind;
using model::OpenFile;
using model::Process;

}  // namespace

namespace {

std::size_t bytes_asked(const model::op::Read& o) { return o.buf.size(); }
std::size_t bytes_asked(const model::op::Recv& o) { return o.buf.size(); }
std::size_t bytes_asked(const model::op::Write& o) { return o.bytes.size(); }
std::size_t bytes_asked(const model::op::Send& o) { return o.bytes.size(); }

// The description a pending call of one of the kinds `Ops` moves at least one byte through;
// null for any other call (or a bad descriptor).
template <class... Ops>
const OpenFile* pending_transfer_of(const model::Kernel& k, const Process& p) {
  if (!p.pending) return nullptr;
  Fd fd = -1;
  std::size_t len = 0;
  auto take = [&](const auto* op) {
    if (op == nullptr) return;
    fd = op->fd;
    len = bytes_asked(*op);
  };
  (take(std::get_if<Ops>(&*p.pending)), ...);
  if (len == 0 || fd < 0 || static_cast<std::size_t>(fd) >= p.fds.size()) return nullptr;
  const model::OfdId id = p.fds[static_cast<std::size_t>(fd)];
  return id == 0 ? nullptr : &k.open_file(id);
}

const OpenFile* pending_read_of(const model::Kernel& k, const Process& p) {
  return pending_transfer_of<model::op::Read, model::op::Recv>(k, p);
}

}  // namespace

bool waits_for_end_of_file(const model::Kernel& k, Pid pid) {
  const Process& p = k.process(pid);
  const OpenFile* f = pending_read_of(k, p);
  if (f == nullptr) return false;
  if (f->kind == FileKind::pipe_read) return true;
  // send(2)/recv(2): a nonblocking socket fails with EAGAIN instead of sleeping.
  return f->kind == FileKind::stream && !p.nonblocking_sockets;
}

bool waits_for_reset(const model::Kernel& k, Pid pid) {
  if (!waits_for_end_of_file(k, pid)) return false;
  const OpenFile* f = pending_read_of(k, k.process(pid));
  if (f->kind != FileKind::stream) return false;
  const model::SockEnd& s = k.sock(f->object);
  return s.rx.bytes() == 0 && s.error == Errno::econnreset && !s.rx_fin && !s.shut_rd;
}

bool may_end_a_channel(model::OpKind kind) {
  using K = model::OpKind;
  return kind == K::close || kind == K::exit || kind == K::exec || kind == K::shutdown;
}

namespace {

std::uint64_t channel_key(Obj o, std::uint32_t id) {
  return (static_cast<std::uint64_t>(o) + 1) << 32 | id;
}

const OpenFile* pending_write_of(const model::Kernel& k, const Process& p) {
  return pending_transfer_of<model::op::Write, model::op::Send>(k, p);
}

}  // namespace

std::uint64_t channel_read_by(const model::Kernel& k, Pid pid) {
  if (!waits_for_end_of_file(k, pid)) return 0;
  const OpenFile* f = pending_read_of(k, k.process(pid));
  return channel_key(f->kind == FileKind::pipe_read ? Obj::pipe : Obj::socket, f->object);
}

std::uint64_t empty_channel_written_by(const model::Kernel& k, Pid pid) {
  const OpenFile* f = pending_write_of(k, k.process(pid));
  if (f == nullptr) return 0;
  if (f->kind == FileKind::pipe_write)
    return k.pipe(f->object).bytes.empty() ? channel_key(Obj::pipe, f->object) : 0;
  if (f->kind != FileKind::stream) return 0;
  const model::SockId peer = k.peer_of(f->object);
  const model::SockEnd& b = k.sock(peer);
  // recv(2) on the peer sleeps only with nothing queued, no end-of-file, no SHUT_RD, no error.
  if (b.rx.bytes() > 0 || b.rx_fin || b.shut_rd || b.error != Errno::ok) return 0;
  return channel_key(Obj::socket, peer);
}

}  // namespace papaya::sim

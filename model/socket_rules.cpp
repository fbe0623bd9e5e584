// TCP rules over a flat port space (the host is not modelled: every host is this one). A listening
// socket queues established connections up to its backlog; a connection is two byte streams; a
// send may arrive cut into segments and a recv takes whatever has arrived, both as the chooser
// decides; FIN gives EOF, closing with unread data resets the connection; EPIPE and ECONNRESET
// after the peer is gone.
#include <algorithm>

#include "model/check.hpp"
#include "model/kernel.hpp"
#include "model/limits.hpp"

namespace papaya::model {

std::optional<std::uint16_t> Kernel::ephemeral_port() {
  constexpr int range = limits::ephemeral_last - limits::ephemeral_first + 1;
  for (int i = 0; i < range; ++i) {
    std::uint16_t port = next_ephemeral_;
    next_ephemeral_ = port == limits::ephemeral_last ? limits::ephemeral_first
                                                     : static_cast<std::uint16_t>(port + 1);
    if (!ports_.contains(port)) return port;
  }
  return std::nullopt;
}

// listen(2): "The backlog argument defines the maximum length to which the queue of pending
// connections for sockfd may grow." "If the backlog argument is greater than the value in
// /proc/sys/net/core/somaxconn, then it is silently capped to that value." bind(2)'s EADDRINUSE
// ("The given address is already in use") for a port another listener holds; port 0 picks an
// ephemeral port.
Outcome Kernel::sys(Process& p, const op::Listen& o) {
  if (!lowest_free_fd(p)) return Outcome::error(Errno::emfile);
  std::uint16_t port = o.port;
  if (port == 0) {
    std::optional<std::uint16_t> e = ephemeral_port();
    if (!e) return Outcome::error(Errno::eaddrinuse);
    port = *e;
  }
  if (ports_.contains(port)) return Outcome::error(Errno::eaddrinuse);
  Listener& l = listeners_.emplace_back();
  l.port = port;
  l.backlog = std::clamp(o.backlog, 0, limits::backlog_max);
  auto lid = static_cast<std::uint32_t>(listeners_.size() - 1);
  Result<OfdId> id = new_open_file(FileKind::listener, OpenFlags::rdwr, lid);
  if (!id) return Outcome::error(id.error());
  ports_[port] = lid;
  return install_fd(p, *id, true);  // SOCK_CLOEXEC, as RealOs opens every socket
}

Outcome Kernel::sys(Process& p, const op::LocalPort& o) {
  const OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::listener) return Outcome::value(listeners_[f->object].port);
  if (f->kind == FileKind::stream) return Outcome::value(socks_[f->object].local_port);
  return Outcome::error(Errno::enotsock);
}

// accept(2): "It extracts the first connection request on the queue of pending connections for
// the listening socket, sockfd, creates a new connected socket, and returns a new file descriptor
// referring to that socket." "If no pending connections are present on the queue, and the socket
// is not marked as nonblocking, accept() blocks the caller until a connection is present." "EINVAL
// Socket is not listening for connections".
Outcome Kernel::sys(Process& p, const op::Accept& o) {
  const OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::stream) return Outcome::error(Errno::einval);
  if (f->kind != FileKind::listener) return Outcome::error(Errno::enotsock);
  std::uint32_t lid = f->object;
  Listener& l = listeners_[lid];
  if (l.queue.empty()) {
    if (!l.open) return Outcome::error(Errno::einval);
    return block(p, Chan{ChanKind::listener, lid});
  }
  if (!lowest_free_fd(p)) return Outcome::error(Errno::emfile);
  SockId s = l.queue.front();
  Result<OfdId> id = new_open_file(FileKind::stream, OpenFlags::rdwr, s);
  if (!id) return Outcome::error(id.error());
  l.queue.pop_front();
  wake(Chan{ChanKind::listener, lid});  // room in the queue for a blocked connect
  return install_fd(p, *id, true);      // SOCK_CLOEXEC, as RealOs opens every socket
}

// listen(2): "If a connection request arrives when the queue is full, the client may receive an
// error with an indication of ECONNREFUSED or, if the underlying protocol supports retransmission,
// the request may be ignored so that a later reattempt at connection succeeds." TCP retransmits:
// connect waits while the queue holds more than `backlog` connections (Linux admits backlog + 1).
bool Kernel::connect_can_proceed(std::uint16_t port) const {
  auto it = ports_.find(port);
  if (it == ports_.end()) return true;
  const Listener& l = listeners_[it->second];
  return l.queue.size() <= static_cast<std::size_t>(l.backlog);
}

// connect(2): "ECONNREFUSED A connect() on a stream socket found no one listening on the remote
// address." The kernel completes the handshake: the connection lands in the listener's queue and
// connect returns before anyone accepts it.
Outcome Kernel::sys(Process& p, const op::Connect& o) {
  if (!lowest_free_fd(p)) return Outcome::error(Errno::emfile);
  auto it = ports_.find(o.port);
  if (it == ports_.end()) return Outcome::error(Errno::econnrefused);
  std::uint32_t lid = it->second;
  if (!connect_can_proceed(o.port)) return block(p, Chan{ChanKind::listener, lid});
  if (socks_.size() + 2 > limits::sockets) return Outcome::error(Errno::emfile);
  std::optional<std::uint16_t> local = ephemeral_port();
  if (!local) return Outcome::error(Errno::eaddrnotavail);
  auto c = static_cast<SockId>(socks_.size());
  SockId s = c + 1;
  socks_.emplace_back().peer = s;
  socks_.emplace_back().peer = c;
  socks_[c].local_port = *local;
  socks_[s].local_port = o.port;
  Result<OfdId> id = new_open_file(FileKind::stream, OpenFlags::rdwr, c);
  if (!id) return Outcome::error(id.error());
  listeners_[lid].queue.push_back(s);
  wake(Chan{ChanKind::listener, lid});
  return install_fd(p, *id, true);  // SOCK_CLOEXEC, as RealOs opens every socket
}

bool Kernel::recv_can_proceed(const SockEnd& s) const {
  return s.rx.bytes() > 0 || s.error != Errno::ok || s.rx_fin || s.shut_rd || s.reset;
}

// How many bytes of the queued segments have "arrived" when recv looks: segments arrive in order,
// and how many of them are there yet is the chooser's decision (at least the first).
std::size_t Kernel::arrived_bytes(const SockEnd& s, std::size_t want) {
  PAPAYA_ASSERT(!s.rx.empty(), "arrived_bytes of an empty stream");
  std::uint32_t options = 0;
  std::size_t cum = 0;
  for (std::size_t i = 0; i < s.rx.count(); ++i) {
    ++options;
    cum += s.rx.length(i);
    if (cum >= want) break;
  }
  std::uint32_t upto = 1 + choices_.choose(options, DecisionKind::arrival);
  std::size_t bytes = 0;
  for (std::uint32_t i = 0; i < upto; ++i) bytes += s.rx.length(i);
  return std::min(bytes, want);
}

// recv(2): "If no messages are available at the socket, the receive calls wait for a message to
// arrive" "The receive calls normally return any data available, up to the requested amount,
// rather than waiting for receipt of the full amount requested." "When a stream socket peer has
// performed an orderly shutdown, the return value will be 0 (the traditional "end-of-file"
// return)." A reset connection reports ECONNRESET once, after the data that had arrived.
Outcome Kernel::sock_recv(Process& p, SockId id, std::span<char> buf) {
  SockEnd& s = socks_[id];
  if (buf.empty()) return Outcome::value(0);
  if (s.rx.bytes() > 0) {
    std::size_t n = arrived_bytes(s, buf.size());
    s.rx.take(buf.first(n));
    wake(Chan{ChanKind::socket, id});  // room for a sender blocked on this end's buffer
    return Outcome::value(static_cast<std::int64_t>(n));
  }
  if (s.error != Errno::ok) {
    Errno e = s.error;
    s.error = Errno::ok;
    return Outcome::error(e);
  }
  if (s.rx_fin || s.shut_rd || s.reset) return Outcome::value(0);
  return block(p, Chan{ChanKind::socket, id});
}

Outcome Kernel::sys(Process& p, const op::Recv& o) {
  const OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::listener) return Outcome::error(Errno::enotconn);
  if (f->kind != FileKind::stream) return Outcome::error(Errno::enotsock);
  return sock_recv(p, f->object, o.buf);
}

bool Kernel::send_can_proceed(const SockEnd& s, std::size_t want) const {
  if (s.error != Errno::ok || s.shut_wr || s.reset || s.peer_closed) return true;
  const SockEnd& to = socks_[s.peer];
  std::size_t need = std::min(want, limits::socket_buffer);
  return limits::socket_buffer - to.rx.bytes() >= need;
}

// tcp(7): "It provides a reliable, stream-oriented, full-duplex connection between two sockets"
// "TCP guarantees that the data arrives in order" "TCP does not preserve record boundaries." A
// send arrives as one segment, or cut in more (up to limits::segments_per_send): each cut, and
// where it falls, is the chooser's decision.
void Kernel::enqueue_segments(SockEnd& to, std::string_view bytes) {
  int segments = 1;
  while (bytes.size() > 1 && segments < limits::segments_per_send &&
         choices_.choose(2, DecisionKind::segment) == 1) {
    std::size_t cut =
        1 + choices_.choose(static_cast<std::uint32_t>(bytes.size() - 1), DecisionKind::segment);
    to.rx.push(bytes.substr(0, cut));
    bytes.remove_prefix(cut);
    ++segments;
  }
  to.rx.push(bytes);
}

// send(2): "When the message does not fit into the send buffer of the socket, send() normally
// blocks" "EPIPE The local end has been shut down on a connection oriented socket. In this case,
// the process will also receive a SIGPIPE unless MSG_NOSIGNAL is set." "ECONNRESET Connection
// reset by peer." After the peer closed cleanly, the first send is accepted (the peer answers it
// with an RST) and later ones fail with EPIPE. write(2) on a socket is send without MSG_NOSIGNAL.
// write(2): "a successful write() may transfer fewer than count bytes": with faults offered, a
// short send is a decision.
Outcome Kernel::sock_send(Process& p, SockId id, std::string_view bytes, bool nosignal) {
  SockEnd& s = socks_[id];
  Progress& g = p.progress;
  if (s.error != Errno::ok) {
    Errno e = s.error;
    s.error = Errno::ok;
    return send_result(p, Outcome::error(e));
  }
  if (s.shut_wr || s.reset) {
    if (!nosignal && g.done == 0) generate(p, Sig::pipe);
    return send_result(p, Outcome::error(Errno::epipe));
  }
  if (bytes.empty()) return Outcome::value(0);
  if (s.peer_closed) {
    s.reset = true;
    g = Progress{};
    return Outcome::value(static_cast<std::int64_t>(bytes.size()));
  }
  if (!send_can_proceed(s, bytes.size() - g.done)) return block(p, Chan{ChanKind::socket, s.peer});
  SockEnd& to = socks_[s.peer];
  std::size_t n = std::min(bytes.size() - g.done, limits::socket_buffer - to.rx.bytes());
  bool short_fault = false;
  if (config_.offer_faults && g.done == 0 && n > 1 &&
      choices_.choose(2, DecisionKind::fault) == 1) {
    n = 1 + choices_.choose(static_cast<std::uint32_t>(n - 1), DecisionKind::fault);
    short_fault = true;
  }
  enqueue_segments(to, bytes.substr(g.done, n));
  g.done += n;
  wake(Chan{ChanKind::socket, s.peer});
  if (g.done < bytes.size() && !short_fault) {
    g.active = true;  // copied what fits; sleeps for room for the rest (sk_stream_wait_memory)
    return block(p, Chan{ChanKind::socket, s.peer});
  }
  Outcome out = Outcome::value(static_cast<std::int64_t>(g.done));
  g = Progress{};
  return out;
}

// send(2): "When the message does not fit into the send buffer of the socket, send() normally
// blocks, unless the socket has been placed in nonblocking I/O mode." signal(7): "If an I/O call
// on a slow device has already transferred some data by the time it is interrupted by a signal
// handler, then the call will return a success status (normally, the number of bytes
// transferred)." Linux's tcp_sendmsg likewise returns what it copied when an error ends the call
// ("if (copied) goto out"), and raises SIGPIPE only when it returns EPIPE. `out` is the answer
// when nothing was copied.
Outcome Kernel::send_result(Process& p, Outcome out) {
  Progress& g = p.progress;
  if (g.done > 0) out = Outcome::value(static_cast<std::int64_t>(g.done));
  g = Progress{};
  return out;
}

Outcome Kernel::sys(Process& p, const op::Send& o) {
  const OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::listener) return Outcome::error(Errno::enotconn);
  if (f->kind != FileKind::stream) return Outcome::error(Errno::enotsock);
  return sock_send(p, f->object, o.bytes, true);
}

// shutdown(2): "If how is SHUT_RD, further receptions will be disallowed. If how is SHUT_WR,
// further transmissions will be disallowed. If how is SHUT_RDWR, further receptions and
// transmissions will be disallowed." SHUT_WR sends FIN: the peer reads EOF after the data.
Outcome Kernel::sys(Process& p, const op::Shutdown& o) {
  const OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::listener) return Outcome::error(Errno::enotconn);
  if (f->kind != FileKind::stream) return Outcome::error(Errno::enotsock);
  SockId id = f->object;
  SockEnd& s = socks_[id];
  if (o.how != ShutHow::wr) {
    s.shut_rd = true;
    wake(Chan{ChanKind::socket, id});
  }
  if (o.how != ShutHow::rd && !s.shut_wr) {
    s.shut_wr = true;
    socks_[s.peer].rx_fin = true;
    wake(Chan{ChanKind::socket, s.peer});
  }
  return Outcome::value(0);
}

// Closing a socket sends FIN: the peer reads EOF after the data, and nobody will read what it
// sends. RFC 1122, 4.2.2.13: "If such a host issues a CLOSE call while received data is still
// pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to
// show that data was lost." (Linux does: the peer's recv then fails with ECONNRESET.)
void Kernel::close_socket_end(SockId id) {
  SockEnd& s = socks_[id];
  PAPAYA_ASSERT(s.open, "close of a closed socket end");
  s.open = false;
  SockEnd& peer = socks_[s.peer];
  if (s.rx.bytes() > 0) {
    peer.error = Errno::econnreset;
    peer.reset = true;
  } else {
    peer.rx_fin = true;
  }
  peer.peer_closed = true;
  s.rx.clear();
  wake(Chan{ChanKind::socket, s.peer});
  wake(Chan{ChanKind::socket, id});
}

// Closing a listening socket resets the connections nobody accepted yet.
void Kernel::close_listener(std::uint32_t lid) {
  Listener& l = listeners_[lid];
  l.open = false;
  ports_.erase(l.port);
  for (SockId s : l.queue) {
    SockEnd& server = socks_[s];
    server.open = false;
    SockEnd& client = socks_[server.peer];
    client.error = Errno::econnreset;
    client.reset = true;
    client.peer_closed = true;
    server.rx.clear();
    wake(Chan{ChanKind::socket, server.peer});
  }
  l.queue.clear();
  wake(Chan{ChanKind::listener, lid});
}

}  // namespace papaya::model

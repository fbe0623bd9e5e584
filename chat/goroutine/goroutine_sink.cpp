#include "chat/goroutine/goroutine_sink.hpp"

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "chat/accept_retry.hpp"

namespace papaya::chat {

namespace {

// What the sink's goroutines share (one process): the live count and the stop, under `mu`.
struct SinkShared {
  SinkConfig cfg;
  Fd output = -1;
  GoMutex mu;
  int live = 0;
  bool stopping = false;
};

// handleConnection: read up to read_bytes, write exactly what was read to the output, until end
// of stream or an error; then close the client. A failed write ends this client only (the
// process design's client process exits 1).
void sink_client(Os& os, const std::shared_ptr<SinkShared>& s, Fd client) {
  std::vector<char> buf(s->cfg.read_bytes);
  for (bool open = true; open;) {
    Result<size_t> n = os.recv(client, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) break;
    std::string_view got(buf.data(), *n);
    while (open && !got.empty()) {  // /dev/null takes all; a file may take less
      Result<size_t> w = os.write(s->output, got);
      if (!w && w.error() == Errno::eintr) continue;
      if (w) got.remove_prefix(*w);
      open = w.ok();
    }
  }
  (void)os.close(client);
  os.lock(s->mu);
  --s->live;
  os.unlock(s->mu);
}

// signal.Notify(stop, SIGTERM, SIGINT); <-stop; ln.Close(): the accept loop's accept then fails.
void sink_wait_for_stop(Os& os, const std::shared_ptr<SinkShared>& s, GoChan stop, Fd listener) {
  const GoReceived got = os.chan_recv(stop);
  os.lock(s->mu);
  s->stopping = true;
  os.unlock(s->mu);
  os.log(LogLevel::info,
         fmt::format("sink server: shutting down on {}", sig_name(static_cast<Sig>(got.value))));
  (void)os.close(listener);
}

// Counts a new client; false (not counted) when max_clients are live.
bool sink_admit(Os& os, SinkShared& s) {
  os.lock(s.mu);
  const bool room = s.live < s.cfg.max_clients;
  if (room) ++s.live;
  os.unlock(s.mu);
  return room;
}

}  // namespace

int run_goroutine_sink_server(Os& os, const SinkConfig& cfg, Fd listener) {
  Result<Fd> output = os.open(cfg.output_path, OpenFlags::wronly | OpenFlags::cloexec);
  if (!output) {
    os.log(LogLevel::error,
           fmt::format("cannot open {}: {}", cfg.output_path, errno_name(output.error())));
    return 1;
  }
  auto s = std::make_shared<SinkShared>(SinkShared{
      .cfg = cfg, .output = *output, .mu = os.new_mutex(), .live = 0, .stopping = false});
  const GoChan stop = os.signal_notify(SigSet{Sig::term, Sig::int_});
  os.go([s, stop, listener](Os& g) { sink_wait_for_stop(g, s, stop, listener); });
  os.log(LogLevel::info, fmt::format("sink server (goroutines): {}-byte reads to {}",
                                     cfg.read_bytes, cfg.output_path));
  for (;;) {
    Result<Fd> client = os.accept(listener);
    if (!client) {
      os.lock(s->mu);
      const bool stopping = s->stopping;
      os.unlock(s->mu);
      if (stopping) break;
      if (accept_failed_transiently(os, client.error())) continue;
      return 1;
    }
    if (!sink_admit(os, *s)) {
      (void)os.close(*client);
      continue;
    }
    os.go([s, c = *client](Os& g) { sink_client(g, s, c); });
  }
  os.log(LogLevel::info, "sink server: stopped");
  return 0;
}

}  // namespace papaya::chat

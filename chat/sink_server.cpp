// The sink workload's server: the process design reduced to the paper's experiment.
#include "chat/sink_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace papaya::chat {

namespace {

constexpr SigSet stop_signals{Sig::term, Sig::int_};

// Writes all of `bytes` to the output (/dev/null takes all; a file may take less); exits 1 on an
// error, as the C server's stdio would lose the data.
void write_all(Os& os, Fd output, std::string_view bytes) {
  while (!bytes.empty()) {
    Result<size_t> w = os.write(output, bytes);
    if (!w && w.error() == Errno::eintr) continue;
    if (!w) os.exit(1);
    bytes.remove_prefix(*w);
  }
}

// One client: read(2) up to read_bytes into a buffer of output_buffer_bytes, written out whenever
// it is full and once more at EOF (stdio's full buffering: write(2)s of exactly the buffer's size
// while the client sends), until EOF or an error. The child starts with SIGTERM blocked
// (inherited); default dispositions restored.
void run_sink_client(Os& os, const SinkConfig& cfg, Fd client, Fd output) {
  (void)os.sigaction(Sig::term, SigAction::dfl());
  (void)os.sigaction(Sig::int_, SigAction::dfl());
  (void)os.sigprocmask(SigHow::unblock, stop_signals);
  std::vector<char> buf(cfg.read_bytes);
  std::string pending;
  const size_t block = std::max<size_t>(1, cfg.output_buffer_bytes);
  pending.reserve(block);
  for (;;) {
    Result<size_t> n = os.read(client, buf);
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) break;
    std::string_view got(buf.data(), *n);
    while (!got.empty()) {
      size_t take = std::min(got.size(), block - pending.size());
      pending.append(got.substr(0, take));
      got.remove_prefix(take);
      if (pending.size() == block) {
        write_all(os, output, pending);
        pending.clear();
      }
    }
  }
  write_all(os, output, pending);  // fflush at exit
  os.exit(0);
}

void reap(Os& os, int& live, bool block) {
  for (;;) {
    Result<WaitStatus> w = os.waitpid(-1, /*nohang=*/!block);
    if (!w && w.error() == Errno::eintr) continue;
    if (!w || w->pid == 0) return;
    --live;
  }
}

}  // namespace

int run_sink_server(Os& os, const SinkConfig& cfg, Fd listener) {
  Result<Pid> pgid = os.getpgid(0);
  if (!pgid || *pgid != os.getpid()) {
    os.log(LogLevel::error, "sink server: the caller must lead its own process group");
    return 2;
  }
  Result<Fd> output = os.open(cfg.output_path, OpenFlags::wronly | OpenFlags::cloexec);
  if (!output) {
    os.log(LogLevel::error,
           fmt::format("cannot open {}: {}", cfg.output_path, errno_name(output.error())));
    return 1;
  }
  for (Sig s : {Sig::term, Sig::int_, Sig::alrm, Sig::chld}) {
    (void)os.sigaction(s, SigAction::catch_flag(/*restart=*/false));
  }
  os.log(LogLevel::info,
         fmt::format("sink server: {}-byte reads to {}", cfg.read_bytes, cfg.output_path));
  int live = 0;
  int code = 0;
  for (;;) {
    if (os.take_caught(Sig::term) || os.take_caught(Sig::int_)) break;
    (void)os.alarm(std::chrono::seconds(1));  // bounds a signal missed just before accept
    Result<Fd> client = os.accept(listener);
    (void)os.alarm(Duration::zero());
    // Reap only after a SIGCHLD: waitpid walks every child in the kernel (kernel/exit.c,
    // do_wait), so reaping at every 1 s tick cost O(clients) a second while they sat idle. The
    // flag is taken before the reaping loop, so an exit after it sets it again for the next turn.
    if (os.take_caught(Sig::chld)) reap(os, live, /*block=*/false);
    if (!client) {
      Errno e = client.error();
      if (e == Errno::eintr || e == Errno::eagain || e == Errno::econnreset) continue;
      os.log(LogLevel::error, fmt::format("accept: {}; stopping", errno_name(e)));
      code = 1;
      break;
    }
    if (live >= cfg.max_clients) {
      (void)os.close(*client);
      continue;
    }
    (void)os.sigprocmask(SigHow::block, stop_signals);  // the child unblocks after resetting
    Result<Pid> pid = os.fork([&cfg, c = *client, out = *output, listener](Os& child) {
      (void)child.close(listener);
      run_sink_client(child, cfg, c, out);
    });
    (void)os.sigprocmask(SigHow::unblock, stop_signals);
    (void)os.close(*client);
    if (pid) ++live;
  }
  (void)os.sigaction(Sig::term, SigAction::ign());
  (void)os.kill(-*pgid, Sig::term);
  reap(os, live, /*block=*/true);
  (void)os.close(*output);
  return code;
}

}  // namespace papaya::chat

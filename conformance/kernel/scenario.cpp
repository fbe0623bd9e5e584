#include "conformance/kernel/scenario.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "os/io.hpp"

namespace papaya::conformance {

std::string Ctx::path(std::string_view name) const {
  std::string p = dir_;
  p += '/';
  p += name;
  return p;
}

void Ctx::observe(Os& os, std::string_view line) const {
  std::string text(line);
  text += '\n';
  Result<Fd> fd =
      os.open(observations_path(), OpenFlags::wronly | OpenFlags::creat | OpenFlags::append, 0644);
  if (!fd) os.exit(98);  // nowhere to record anything: the missing lines will show the failure
  Status w = write_all(os, *fd, text);
  Status c = os.close(*fd);
  if (!w || !c) os.exit(98);
}

Fd Ctx::open(Os& os, std::string_view name, OpenFlags flags) const {
  return need(os, os.open(path(name), flags, 0644), "open " + std::string(name));
}

void Ctx::fail(Os& os, std::string_view what) const {
  observe(os, "FAILED: " + std::string(what));
  os.exit(99);
  std::abort();  // Os::exit does not return; g++ does not see [[noreturn]] through the vtable
}

void Ctx::fail_with(Os& os, std::string_view what, Errno e) const {
  fail(os, std::string(what) + ": " + std::string(errno_name(e)));
}

Channel channel(Os& os, const Ctx& c) {
  auto [r, w] = c.need(os, os.pipe(), "pipe for a channel");
  return Channel{r, w};
}

Pid spawn(Os& os, const Ctx& c, std::function<void(Os&)> body) {
  return c.need(os, os.fork(std::move(body)), "fork");
}

void post(Os& os, const Ctx& c, const Channel& ch) {
  c.need(os, write_all(os, ch.w, "."), "post on a channel");
}

void await(Os& os, const Ctx& c, const Channel& ch) {
  char byte = 0;
  for (;;) {
    Result<size_t> n = os.read(ch.r, std::span<char>(&byte, 1));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n) c.fail(os, "await on a channel: " + std::string(errno_name(n.error())));
    if (*n == 0) c.fail(os, "await on a channel: end of file (every writer closed)");
    return;
  }
}

std::string show(Status s) { return s ? "ok" : std::string(errno_name(s.error())); }

std::string show(const Result<size_t>& r) {
  return r ? std::to_string(*r) : std::string(errno_name(r.error()));
}

std::string show(const Result<Offset>& r) {
  return r ? std::to_string(*r) : std::string(errno_name(r.error()));
}

std::string show(const WaitStatus& w) {
  if (w.pid == 0) return "no child has changed state";
  if (w.exited) return "exited " + std::to_string(w.exit_code);
  if (w.signaled) return "killed by " + std::string(sig_name(w.term_sig));
  return "changed state (neither exited nor killed)";
}

std::string show(const Result<WaitStatus>& r) {
  return r ? show(*r) : std::string(errno_name(r.error()));
}

std::string show(const Result<Duration>& r) {
  if (!r) return std::string(errno_name(r.error()));
  return std::to_string(r->count()) + " ns";
}

std::string show(SigAction a) {
  switch (a.kind) {
    case SigAction::Kind::dfl: return "SIG_DFL";
    case SigAction::Kind::ign: return "SIG_IGN";
    case SigAction::Kind::catch_flag: return a.restart ? "caught (SA_RESTART)" : "caught";
  }
  return "?";
}

std::string show(SigSet s) {
  std::string out = "{";
  for (Sig sig : all_signals) {
    if (!s.has(sig)) continue;
    if (out.size() > 1) out += ',';
    out += sig_name(sig);
  }
  return out + "}";
}

std::string show(const Result<SigAction>& r) {
  return r ? show(*r) : std::string(errno_name(r.error()));
}

std::string show(const Result<SigSet>& r) {
  return r ? show(*r) : std::string(errno_name(r.error()));
}

std::string show(const Result<std::string>& r) {
  return r ? "\"" + *r + "\"" : std::string(errno_name(r.error()));
}

Result<std::string> read_some(Os& os, Fd fd, size_t max) {
  std::string buf(max, '\0');
  Result<size_t> n = os.read(fd, std::span<char>(buf.data(), buf.size()));
  if (!n) return n.error();
  buf.resize(*n);
  return buf;
}

Result<std::string> recv_some(Os& os, Fd fd, size_t max) {
  std::string buf(max, '\0');
  Result<size_t> n = os.recv(fd, std::span<char>(buf.data(), buf.size()));
  if (!n) return n.error();
  buf.resize(*n);
  return buf;
}

Result<std::string> pread_some(Os& os, Fd fd, size_t max, Offset off) {
  std::string buf(max, '\0');
  Result<size_t> n = os.pread(fd, std::span<char>(buf.data(), buf.size()), off);
  if (!n) return n.error();
  buf.resize(*n);
  return buf;
}

std::string file_text(Os& os, const Ctx& c, std::string_view name) {
  Fd fd = c.open(os, name, OpenFlags::rdonly);
  Result<std::string> text = pread_to_eof(os, fd, 0);
  c.need(os, os.close(fd), "close after reading " + std::string(name));
  return show(text);
}

std::string pattern(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + i % 23);
  return out;
}

namespace {
// Bounded: a scenario's streams carry at most a few hundred kilobytes.
constexpr int kMaxReads = 100'000;
constexpr size_t kChunk = 4096;

template <class Op>
std::string drain(Op op, size_t limit) {
  std::string out;
  for (int i = 0; i < kMaxReads && out.size() < limit; ++i) {
    Result<std::string> r = op(limit - out.size());
    if (!r && r.error() == Errno::eintr) continue;
    if (!r) return out + "<" + std::string(errno_name(r.error())) + ">";
    if (r->empty()) return out;
    out += *r;
  }
  return out;
}
}  // namespace

std::string read_to_eof(Os& os, Fd fd) {
  return drain([&](size_t) { return read_some(os, fd, kChunk); }, 1 << 24);
}

std::string recv_to_eof(Os& os, Fd fd) {
  return drain([&](size_t) { return recv_some(os, fd, kChunk); }, 1 << 24);
}

std::string recv_n(Os& os, Fd fd, size_t n) {
  return drain([&](size_t left) { return recv_some(os, fd, std::min(left, kChunk)); }, n);
}

}  // namespace papaya::conformance

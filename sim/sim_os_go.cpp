// SimOs's goroutine calls: each is one operation of the process's Go runtime model
// (model/go/op.hpp), submitted by the calling goroutine (docs/design.md "Goroutines on the seam").
// Handles are checked here, so a bad one is an uncaught exception in the program, not an abort
// of the simulator.
#include <stdexcept>

#include "sim/executor.hpp"
#include "sim/sim_os.hpp"

namespace papaya::sim {

namespace gop = model::go::gop;

namespace {
template <class Check>
std::uint32_t checked(std::uint32_t id, const char* what, Check&& exists) {
  if (id == 0 || !exists(id)) throw std::invalid_argument(std::string("no such ") + what);
  return id;
}
}  // namespace

void SimOs::go(std::function<void(Os&)> body, Site site) {
  exec_.hand_over_go_body(pid_, gid_, std::move(body));
  exec_.go_call(pid_, gid_, gop::Go{}, site);
}

void SimOs::gosched(Site site) { exec_.go_call(pid_, gid_, gop::Gosched{}, site); }

GoMutex SimOs::new_mutex(Site) { return GoMutex{exec_.go_runtime(pid_).new_mutex()}; }
GoRWMutex SimOs::new_rwmutex(Site) { return GoRWMutex{exec_.go_runtime(pid_).new_rwmutex()}; }
GoChan SimOs::new_chan(std::size_t capacity, Site) {
  return GoChan{exec_.go_runtime(pid_).new_chan(capacity)};
}
GoCond SimOs::new_cond(GoMutex m, Site) {
  model::go::Runtime& rt = exec_.go_runtime(pid_);
  checked(m.id, "sync.Mutex", [&](auto id) { return id < rt.mutexes(); });
  return GoCond{rt.new_cond(m.id)};
}

#define PAPAYA_CHECK(id, what, count) \
  checked(id, what, [&](std::uint32_t i) { return i < exec_.go_runtime(pid_).count(); })

void SimOs::lock(GoMutex m, Site site) {
  exec_.go_call(pid_, gid_, gop::Lock{PAPAYA_CHECK(m.id, "sync.Mutex", mutexes)}, site);
}
void SimOs::unlock(GoMutex m, Site site) {
  exec_.go_call(pid_, gid_, gop::Unlock{PAPAYA_CHECK(m.id, "sync.Mutex", mutexes)}, site);
}
bool SimOs::try_lock(GoMutex m, Site site) {
  return exec_.go_call(pid_, gid_, gop::TryLock{PAPAYA_CHECK(m.id, "sync.Mutex", mutexes)}, site)
             .value != 0;
}
void SimOs::rlock(GoRWMutex rw, Site site) {
  exec_.go_call(pid_, gid_, gop::RLock{PAPAYA_CHECK(rw.id, "sync.RWMutex", rwmutexes)}, site);
}
void SimOs::runlock(GoRWMutex rw, Site site) {
  exec_.go_call(pid_, gid_, gop::RUnlock{PAPAYA_CHECK(rw.id, "sync.RWMutex", rwmutexes)}, site);
}
void SimOs::lock(GoRWMutex rw, Site site) {
  exec_.go_call(pid_, gid_, gop::WLock{PAPAYA_CHECK(rw.id, "sync.RWMutex", rwmutexes)}, site);
}
void SimOs::unlock(GoRWMutex rw, Site site) {
  exec_.go_call(pid_, gid_, gop::WUnlock{PAPAYA_CHECK(rw.id, "sync.RWMutex", rwmutexes)}, site);
}
void SimOs::wait(GoCond c, Site site) {
  exec_.go_call(pid_, gid_, gop::Wait{PAPAYA_CHECK(c.id, "sync.Cond", conds)}, site);
}
void SimOs::signal(GoCond c, Site site) {
  exec_.go_call(pid_, gid_, gop::Signal{PAPAYA_CHECK(c.id, "sync.Cond", conds)}, site);
}
void SimOs::broadcast(GoCond c, Site site) {
  exec_.go_call(pid_, gid_, gop::Broadcast{PAPAYA_CHECK(c.id, "sync.Cond", conds)}, site);
}

// Channel id 0 is Go's nil channel (blocks forever); other ids must exist.
#define PAPAYA_CHAN(ch) ((ch).id == 0 ? 0u : PAPAYA_CHECK((ch).id, "channel", chans))

void SimOs::chan_send(GoChan ch, std::int64_t v, Site site) {
  exec_.go_call(pid_, gid_, gop::Send{PAPAYA_CHAN(ch), v}, site);
}
GoReceived SimOs::chan_recv(GoChan ch, Site site) {
  model::go::GoOutcome o = exec_.go_call(pid_, gid_, gop::Recv{PAPAYA_CHAN(ch)}, site);
  return GoReceived{o.value, o.ok};
}
void SimOs::chan_close(GoChan ch, Site site) {
  exec_.go_call(pid_, gid_, gop::Close{PAPAYA_CHAN(ch)}, site);
}

GoSelected SimOs::select(std::span<const GoCase> cases, bool with_default, Site site) {
  if (cases.size() > 2) throw std::invalid_argument("select over more than two cases");
  gop::Select s;
  s.has_default = with_default;
  for (const GoCase& c : cases)
    s.cases.push_back({c.dir == GoCase::Dir::send, PAPAYA_CHAN(c.ch), c.value});
  model::go::GoOutcome o = exec_.go_call(pid_, gid_, s, site);
  GoSelected out;
  out.index = o.chosen;
  if (o.chosen >= 0 && cases[static_cast<std::size_t>(o.chosen)].dir == GoCase::Dir::recv)
    out.received = GoReceived{o.value, o.ok};
  return out;
}

#undef PAPAYA_CHAN
#undef PAPAYA_CHECK

// os/signal.Notify. Go's runtime catches the signals (runtime/signal_unix.go sighandler: "if
// sig < uint32(len(sigtable)) ... if c.sigFromUser() || flags&_SigNotify != 0 { if sigsend(sig)
// { return } }") and queues them for the signal_recv goroutine, which os/signal's loop relays to
// every registered channel without blocking (signal.go process: "select { case c <- sig:
// default: }"). Here the "handler" is the caught flag; the relay goroutine parks until the
// executor sees one of the flags set (Executor::go_wait_signals), takes them, and sends.
GoChan SimOs::signal_notify(SigSet sigs, Site site) {
  const GoChan ch = new_chan(1, site);
  for (Sig s : all_signals)
    if (sigs.has(s)) (void)sigaction(s, SigAction::catch_flag(/*restart=*/true), site);
  go([sigs, ch](Os& g) { static_cast<SimOs&>(g).relay_signals(sigs, ch); }, site);
  return ch;
}

void SimOs::relay_signals(SigSet sigs, GoChan ch) {
  for (;;) {
    exec_.go_wait_signals(pid_, gid_, sigs, Site::current());
    for (Sig s : all_signals) {
      if (!sigs.has(s) || !take_caught(s)) continue;
      const GoCase post[] = {GoCase::send(ch, static_cast<std::int64_t>(s))};
      (void)select(post, /*with_default=*/true);  // full: a signal already waits; this one goes
    }
  }
}

}  // namespace papaya::sim

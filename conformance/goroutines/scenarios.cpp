// The goroutine conformance scenarios (scenarios.hpp). Every body uses Os only.
#include "conformance/goroutines/scenarios.hpp"

#include <array>
#include <chrono>

namespace papaya::conformance::goroutines {

using namespace std::chrono_literals;

void Observations::add(Os& os, const std::string& line) {
  os.lock(m_);
  text_ += line;
  text_ += '\n';
  os.unlock(m_);
}

std::string Observations::text(Os& os) {
  os.lock(m_);
  std::string t = text_;
  os.unlock(m_);
  return t;
}

namespace {

constexpr auto kMargin = 100ms;  // long enough for a started goroutine to park

std::string recv_text(GoReceived r) {
  return std::to_string(r.value) + (r.ok ? " true" : " false");
}

// Mutual exclusion: four goroutines each add 1 to a counter 200 times, yielding between the read
// and the write while holding the lock. Without the mutex the yields lose updates.
std::string mutual_exclusion(Os& os) {
  GoMutex m = os.new_mutex();
  GoChan done = os.new_chan(4);
  std::int64_t counter = 0;
  for (int g = 0; g < 4; ++g) {
    os.go([&, m, done](Os& gos) {
      for (int i = 0; i < 200; ++i) {
        gos.lock(m);
        std::int64_t seen = counter;
        gos.gosched();
        counter = seen + 1;
        gos.unlock(m);
      }
      gos.chan_send(done, 1);
    });
  }
  for (int g = 0; g < 4; ++g) os.chan_recv(done);
  std::string out = "counter " + std::to_string(counter) + "\n";
  out += std::string("try_lock while free: ") + (os.try_lock(m) ? "true" : "false") + "\n";
  out += std::string("try_lock while held: ") + (os.try_lock(m) ? "true" : "false") + "\n";
  os.unlock(m);
  return out;
}

// RWMutex writer preference: main holds RLock; a writer blocks in Lock; a reader that arrives
// after it must wait for the writer, so the writer runs before the late reader.
std::string rwmutex_writer_preference(Os& os) {
  Observations obs(os);
  GoRWMutex rw = os.new_rwmutex();
  GoChan done = os.new_chan(2);
  os.rlock(rw);
  obs.add(os, "main rlocked");
  os.go([&, rw, done](Os& g) {
    g.lock(rw);
    obs.add(g, "writer locked");
    g.unlock(rw);
    g.chan_send(done, 1);
  });
  (void)os.sleep(kMargin);  // the writer is parked in Lock
  os.go([&, rw, done](Os& g) {
    g.rlock(rw);
    obs.add(g, "late reader rlocked");
    g.runlock(rw);
    g.chan_send(done, 1);
  });
  (void)os.sleep(kMargin);  // the late reader is parked in RLock (behind the pending writer)
  obs.add(os, "main runlocks");
  os.runlock(rw);
  os.chan_recv(done);
  os.chan_recv(done);
  return obs.text(os);
}

// Cond.Signal wakes the longest waiter: three goroutines wait in order 1, 2, 3; three Signals
// wake them in that order.
std::string cond_signal_fifo(Os& os) {
  Observations obs(os);
  GoMutex m = os.new_mutex();
  GoCond c = os.new_cond(m);
  GoChan entered = os.new_chan(3);
  GoChan woke = os.new_chan(3);
  int tokens = 0;
  for (int i = 1; i <= 3; ++i) {
    os.go([&, i, m, c, entered, woke](Os& g) {
      g.lock(m);
      g.chan_send(entered, i);  // buffered: does not block while m is held
      while (tokens == 0) g.wait(c);
      --tokens;
      g.unlock(m);
      g.chan_send(woke, i);
    });
    os.chan_recv(entered);
    os.lock(m);  // free again only once waiter i is inside Wait, holding its ticket
    os.unlock(m);
  }
  for (int i = 0; i < 3; ++i) {
    os.lock(m);
    ++tokens;
    os.signal(c);
    os.unlock(m);
    obs.add(os, "woke " + std::to_string(os.chan_recv(woke).value));
  }
  return obs.text(os);
}

// An unbuffered send completes only when a receiver takes the value (a synchronous handoff).
std::string unbuffered_handoff(Os& os) {
  Observations obs(os);
  GoChan ch = os.new_chan(0);
  GoChan done = os.new_chan(0);
  os.go([&, ch, done](Os& g) {
    g.chan_send(ch, 42);
    obs.add(g, "send returned");
    g.chan_send(done, 1);
  });
  (void)os.sleep(kMargin);  // the sender is parked in its send
  obs.add(os, "receiving");
  GoReceived r = os.chan_recv(ch);
  os.chan_recv(done);
  obs.add(os, "got " + recv_text(r));
  return obs.text(os);
}

// close wakes every parked receiver with the zero value and ok=false; a buffered channel is
// drained first.
std::string close_wakes_receivers(Os& os) {
  Observations obs(os);
  GoChan ch = os.new_chan(0);
  GoChan results = os.new_chan(2);
  for (int i = 0; i < 2; ++i) {
    os.go([ch, results](Os& g) {
      GoReceived r = g.chan_recv(ch);
      g.chan_send(results, r.ok ? 1000 + r.value : r.value);
    });
  }
  (void)os.sleep(kMargin);  // both receivers parked
  os.chan_close(ch);
  for (int i = 0; i < 2; ++i) {
    std::int64_t v = os.chan_recv(results).value;
    obs.add(os, "parked receiver got " + std::string(v >= 1000 ? "a value" : "0 false"));
  }
  GoChan buffered = os.new_chan(2);
  os.chan_send(buffered, 7);
  os.chan_close(buffered);
  obs.add(os, "buffered after close: " + recv_text(os.chan_recv(buffered)));
  obs.add(os, "then: " + recv_text(os.chan_recv(buffered)));
  return obs.text(os);
}

// select with a default: no case ready -> default; a ready receive or send case is taken.
std::string select_with_default(Os& os) {
  Observations obs(os);
  GoChan ch = os.new_chan(1);
  auto show = [&](const char* what, GoSelected s) {
    obs.add(os, std::string(what) + ": " +
                    (s.index == GoSelected::kDefault ? std::string("default")
                                                     : "case " + std::to_string(s.index)));
  };
  std::array<GoCase, 1> recv{GoCase::recv(ch)};
  show("recv from empty", os.select(recv, true));
  std::array<GoCase, 1> send{GoCase::send(ch, 5)};
  show("send to empty buffer", os.select(send, true));
  show("send to full buffer", os.select(send, true));
  GoSelected got = os.select(recv, true);
  show("recv from full", got);
  obs.add(os, "received " + recv_text(got.received));
  std::array<GoCase, 2> nil_or_recv{GoCase::recv(GoChan{}), GoCase::recv(ch)};
  show("nil channel or empty", os.select(nil_or_recv, true));
  return obs.text(os);
}

// A goroutine parked on a socket read does not hold up the others; bytes arriving wake it.
std::string socket_parks_goroutine(Os& os) {
  Observations obs(os);
  Result<Fd> listener = os.listen("127.0.0.1", 0, 8);
  if (!listener) return "listen failed\n";
  Result<std::uint16_t> port = os.local_port(*listener);
  GoChan accepted = os.new_chan(1);
  Fd server = -1;
  os.go([&, accepted](Os& g) {  // parks in accept until main connects
    Result<Fd> s = g.accept(*listener);
    server = s ? *s : -1;
    g.chan_send(accepted, s ? 1 : 0);
  });
  Result<Fd> client = os.connect("127.0.0.1", *port);
  if (!client || os.chan_recv(accepted).value != 1) return "connect/accept failed\n";
  obs.add(os, "accepted");
  GoChan read_done = os.new_chan(1);
  os.go([&, read_done](Os& g) {  // a stream may deliver "hello" in pieces: read all five
    std::string got;
    std::array<char, 16> buf{};
    while (got.size() < 5) {
      Result<size_t> n = g.recv(server, std::span<char>(buf.data(), 5 - got.size()));
      if (!n || *n == 0) break;
      got.append(buf.data(), *n);
    }
    obs.add(g, "reader got " + got);
    g.chan_send(read_done, 1);
  });
  GoChan counted = os.new_chan(1);
  os.go([&, counted](Os& g) {  // keeps running while the reader is parked
    int n = 0;
    for (int i = 0; i < 1000; ++i, ++n) g.gosched();
    g.chan_send(counted, n);
  });
  std::int64_t n = os.chan_recv(counted).value;
  (void)os.sleep(kMargin);
  std::array<GoCase, 1> poll_reader{GoCase::recv(read_done)};
  const bool reader_done = os.select(poll_reader, true).index != GoSelected::kDefault;
  obs.add(os, "counter ran " + std::to_string(n) +
                  " steps; reader done: " + (reader_done ? "yes" : "no"));
  (void)os.send(*client, "hello");
  if (!reader_done) os.chan_recv(read_done);
  (void)os.close(*client);
  (void)os.close(server);
  (void)os.close(*listener);
  return obs.text(os);
}

// Closing a socket that a goroutine is parked on wakes it with an error (Go's Close of a
// net.Conn: "Any blocked Read or Write operations will be unblocked and return errors").
std::string close_wakes_parked_reader(Os& os) {
  Observations obs(os);
  Result<Fd> listener = os.listen("127.0.0.1", 0, 8);
  if (!listener) return "listen failed\n";
  Result<std::uint16_t> port = os.local_port(*listener);
  Result<Fd> client = os.connect("127.0.0.1", *port);
  Result<Fd> server = os.accept(*listener);
  if (!client || !server) return "connect/accept failed\n";
  GoChan done = os.new_chan(1);
  os.go([&, done](Os& g) {
    std::array<char, 16> buf{};
    Result<size_t> n = g.recv(*server, buf);
    obs.add(g, n ? "reader got " + std::to_string(*n) + " bytes" : "reader got an error");
    g.chan_send(done, 1);
  });
  (void)os.sleep(kMargin);  // the reader is parked in recv
  obs.add(os, "closing");
  (void)os.close(*server);
  os.chan_recv(done);
  (void)os.close(*client);
  (void)os.close(*listener);
  return obs.text(os);
}

// Closing a closed channel is Go's panic, which ends the process with Go's message.
std::string close_of_closed_channel(Os& os) {
  GoChan ch = os.new_chan(0);
  os.chan_close(ch);
  os.chan_close(ch);
  return "still running\n";
}

// Unlocking an unlocked mutex is Go's fatal error.
std::string unlock_of_unlocked_mutex(Os& os) {
  GoMutex m = os.new_mutex();
  os.unlock(m);
  return "still running\n";
}

}  // namespace

const std::vector<GoScenario>& scenarios() {
  static const std::vector<GoScenario> all = {
      {"MutexGivesMutualExclusion",
       "sync/mutex.go: \"A Mutex is a mutual exclusion lock\"; TryLock \"tries to lock m and "
       "reports whether it succeeded\"",
       mutual_exclusion,
       "counter 800\ntry_lock while free: true\ntry_lock while held: false\nmain: returned\n"},
      {"RWMutexPendingWriterKeepsNewReadersOut",
       "sync/rwmutex.go: \"If a goroutine holds a RWMutex for reading and another goroutine "
       "might call Lock, no goroutine should expect to be able to acquire a read lock until the "
       "initial read lock is released\"",
       rwmutex_writer_preference,
       "main rlocked\nmain runlocks\nwriter locked\nlate reader rlocked\nmain: returned\n", true},
      {"CondSignalWakesTheLongestWaiter",
       "runtime/sema.go notifyListNotifyOne: \"Find the goroutine with the next ticket\"; "
       "sync/cond.go Signal \"wakes one goroutine waiting on c\"",
       cond_signal_fifo, "woke 1\nwoke 2\nwoke 3\nmain: returned\n"},
      {"UnbufferedSendWaitsForTheReceiver",
       "Go spec, Channel types: \"If the capacity is zero or absent, the channel is unbuffered "
       "and communication succeeds only when both a sender and receiver are ready\"",
       unbuffered_handoff, "receiving\nsend returned\ngot 42 true\nmain: returned\n", true},
      {"CloseWakesReceiversWithOkFalse",
       "runtime/chan.go closechan: \"release all readers\"; Go spec: \"a receive operation on "
       "a closed channel can always proceed immediately, yielding the element type's zero value "
       "after any previously sent values have been received\"",
       close_wakes_receivers,
       "parked receiver got 0 false\nparked receiver got 0 false\nbuffered after close: 7 "
       "true\nthen: 0 false\nmain: returned\n",
       true},
      {"SelectTakesDefaultOnlyWhenNoCaseIsReady",
       "Go spec, Select statements: \"If one or more of the communications can proceed, a "
       "single one that can proceed is chosen ... Otherwise, if there is a default case, that "
       "case is chosen\"",
       select_with_default,
       "recv from empty: default\nsend to empty buffer: case 0\nsend to full buffer: "
       "default\nrecv from full: case 0\nreceived 5 true\nnil channel or empty: "
       "default\nmain: returned\n"},
      {"GoroutineParkedOnASocketWakesWhenBytesArrive",
       "runtime/netpoll.go: \"A particular implementation (epoll/kqueue/port/AIX/Windows) must "
       "define ... netpoll(delay int64) gList\": a goroutine blocked on a descriptor is parked, "
       "others run, and readiness makes it runnable",
       socket_parks_goroutine,
       "accepted\ncounter ran 1000 steps; reader done: no\nreader got hello\nmain: returned\n",
       true},
      {"ClosingASocketWakesTheGoroutineParkedOnIt",
       "net/net.go (*conn).Close: \"Any blocked Read or Write operations will be unblocked and "
       "return errors\"; internal/poll/fd_unix.go Close: fd.pd.evict()",
       close_wakes_parked_reader, "closing\nreader got an error\nmain: returned\n", true},
      {"CloseOfClosedChannelPanics",
       "runtime/chan.go closechan: panic(\"close of closed channel\")", close_of_closed_channel,
       "main: aborted: panic: close of closed channel\n"},
      {"UnlockOfUnlockedMutexIsFatal",
       "sync/mutex.go unlockSlow: fatal(\"sync: unlock of unlocked mutex\")",
       unlock_of_unlocked_mutex, "main: aborted: fatal error: sync: unlock of unlocked mutex\n"},
  };
  return all;
}

}  // namespace papaya::conformance::goroutines

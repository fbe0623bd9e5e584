// Runtime::hash_state (model/go/state_hash.cpp), the Go runtime's part of the stateful
// exploration's key: every kind of runtime object it holds changes the digest, and the digest is
// a function of the state, not of the way there.
#include "model/state_hash.hpp"

#include <set>

#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

StateDigest rsh_digest(const Runtime& rt, bool run_queues = true) {
  StateHasher h;
  rt.hash_state(h, run_queues);
  return h.digest();
}

TEST(GoRuntimeStateHash, EveryKindOfRuntimeObjectChangesTheDigest) {
  Hand h;
  std::set<StateDigest> seen{rsh_digest(h.rt)};
  auto changed = [&](const char* what) {
    EXPECT_TRUE(seen.insert(rsh_digest(h.rt)).second) << what << " left the digest as it was";
  };
  const ObjId m = h.rt.new_mutex();
  changed("a new Mutex");
  h.run(0, gop::Lock{m});
  changed("a Mutex locked");
  const ObjId rw = h.rt.new_rwmutex();
  changed("a new RWMutex");
  h.run(0, gop::RLock{rw});
  changed("an RWMutex read-locked");
  const ObjId c = h.rt.new_chan(2);
  changed("a new channel");
  h.run(0, gop::Send{c, 7});
  changed("a value in a channel's buffer");
  h.run(0, gop::Send{c, 8});
  changed("a second value in the buffer");
  const ObjId cond = h.rt.new_cond(m);
  changed("a new Cond");
  const ObjId fd = h.rt.new_fd();
  changed("a new poll descriptor");
  h.rt.netpoll_event(fd);
  changed("an event on it");
  const Gid g = h.spawn();
  changed("a goroutine made (runnext)");
  h.spawn();
  changed("another (the first to the run queue)");
  h.run(0, gop::Gosched{});
  changed("main to the global queue, the next one running");
  EXPECT_NE(h.on(0), h.main);
  (void)h.run(0, gop::Wait{cond});  // its first step: notifyListAdd
  changed("a goroutine waiting on a Cond");
  h.rt.advance_to(Duration{1'000});
  changed("the clock");
  (void)g;
}

TEST(GoRuntimeStateHash, IsAFunctionOfTheStateNotOfTheWayThere) {
  Hand a;
  Hand b;
  EXPECT_EQ(rsh_digest(a.rt), rsh_digest(b.rt));
  const ObjId ca = a.rt.new_chan(1);
  const ObjId cb = b.rt.new_chan(1);
  a.run(0, gop::Send{ca, 1});
  b.run(0, gop::Send{cb, 2});
  EXPECT_NE(rsh_digest(a.rt), rsh_digest(b.rt)) << "two buffers' contents hashed alike";
  EXPECT_EQ(a.run(0, gop::Recv{ca}).value, 1);
  EXPECT_EQ(b.run(0, gop::Recv{cb}).value, 2);
  // Both buffers empty again: equal runtimes. What main received is not the runtime's (it went
  // to main's code: the key holds it among the goroutines' resumptions, sim/state_cache.hpp).
  EXPECT_EQ(rsh_digest(a.rt), rsh_digest(b.rt));
}

}  // namespace
}  // namespace papaya::model::go::testing

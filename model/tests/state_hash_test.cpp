// Kernel::hash_state (model/state_hash.cpp), the kernel's part of stateful dfs's state key: a
// change to any kind of kernel object changes the digest, and the digest is a function of the state
// alone (a state reached again, or by another order, has the same one).
#include "model/state_hash.hpp"

#include <gtest/gtest.h>

#include <string>

#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;

StateDigest digest_of(const Kernel& k) {
  StateHasher h;
  k.hash_state(h);
  return h.digest();
}

// Runs `change` on a fresh harness after `setup` and expects the digest to move.
void expect_changes(const char* what, auto&& setup, auto&& change) {
  Harness h;
  setup(h);
  const StateDigest before = digest_of(h.k);
  change(h);
  EXPECT_NE(digest_of(h.k), before) << what;
}

TEST(KernelStateHash, EveryKindOfKernelObjectChangesTheDigest) {
  auto nothing = [](Harness&) {};
  Fd file = -1;
  auto with_file = [&](Harness& h) { file = h.open(h.init, "f"); };
  expect_changes("a new name and inode", nothing, [](Harness& h) { h.open(h.init, "f"); });
  expect_changes("an inode's bytes", with_file, [&](Harness& h) {
    h.ok(h.init, op::Pwrite{file, "x", 0});
  });
  expect_changes("a description's offset", with_file, [&](Harness& h) {
    h.ok(h.init, op::Lseek{file, 3, Whence::set});
  });
  expect_changes("a flock lock", with_file, [&](Harness& h) {
    h.ok(h.init, op::Flock{file, {LockOp::sh, false}});
  });
  expect_changes("the fd table", with_file, [&](Harness& h) { h.ok(h.init, op::Dup{file}); });
  expect_changes("an unlink", with_file, [](Harness& h) { h.ok(h.init, op::Unlink{"f"}); });
  expect_changes("a process", nothing, [](Harness& h) { h.fork(h.init); });
  expect_changes("a signal mask", nothing, [](Harness& h) {
    h.ok(h.init, op::Sigprocmask{SigHow::block, SigSet{Sig::usr1}});
  });
  expect_changes("a disposition", nothing, [](Harness& h) {
    h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag()});
  });
  expect_changes(
      "a pending signal",
      [](Harness& h) {
        h.ok(h.init, op::Sigprocmask{SigHow::block, SigSet{Sig::usr1}});
      },
      [](Harness& h) {
        h.ok(h.init, op::Kill{h.init, Sig::usr1});
      });
  expect_changes("an alarm", nothing,
                 [](Harness& h) { h.ok(h.init, op::Alarm{std::chrono::seconds(1)}); });
  expect_changes("the clock", nothing,
                 [](Harness& h) { h.k.advance_to(std::chrono::milliseconds(5)); });
  expect_changes("a pipe", nothing, [](Harness& h) { h.ok(h.init, op::Pipe{}); });
  Fd pipe_w = -1;
  expect_changes(
      "a pipe's bytes",
      [&](Harness& h) { pipe_w = static_cast<Fd>(h.done(h.init, op::Pipe{}).ret2); },
      [&](Harness& h) {
        h.ok(h.init, op::Write{pipe_w, "abc"});
      });
  expect_changes("a listener", nothing, [](Harness& h) {
    h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8});
  });
  Fd listener = -1;
  Fd client = -1;
  auto connected = [&](Harness& h) {
    listener = static_cast<Fd>(h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8}));
    client = static_cast<Fd>(h.ok(h.init, op::Connect{"127.0.0.1", 7000}));
  };
  expect_changes("a listener's queue and the stream ends", connected,
                 [&](Harness& h) { h.ok(h.init, op::Accept{listener}); });
  expect_changes("a stream's bytes", connected, [&](Harness& h) {
    h.ok(h.init, op::Send{client, "hi"});
  });
  expect_changes("a shutdown", connected, [&](Harness& h) {
    h.ok(h.init, op::Shutdown{client, ShutHow::wr});
  });
  Pid child = 0;
  expect_changes(
      "a blocked process",
      [&](Harness& h) {
        connected(h);
        child = h.fork(h.init);
        h.ok(child, op::Accept{listener});
      },
      [&](Harness& h) {
        EXPECT_EQ(h.call(child, op::Accept{listener}).status, StepStatus::blocked);
      });
}

TEST(KernelStateHash, IsAFunctionOfTheStateNotOfTheWayThere) {
  Harness a;
  Harness b;
  const Fd fa = a.open(a.init, "f");
  (void)b.open(b.init, "f");
  a.ok(a.init, op::Lseek{fa, 7, Whence::set});
  a.ok(a.init, op::Lseek{fa, 0, Whence::set});
  EXPECT_EQ(digest_of(a.k), digest_of(b.k)) << "an offset moved and moved back";
  // Two processes close their copies of one description in either order.
  Harness c;
  Harness d;
  const Fd fc = c.open(c.init, "g");
  const Fd fd = d.open(d.init, "g");
  const Pid cc = c.fork(c.init);
  const Pid dc = d.fork(d.init);
  c.ok(c.init, op::Close{fc});
  c.ok(cc, op::Close{fc});
  d.ok(dc, op::Close{fd});
  d.ok(d.init, op::Close{fd});
  EXPECT_EQ(digest_of(c.k), digest_of(d.k)) << "the closes' order";
  a.ok(a.init, op::Pwrite{fa, "x", 0});
  EXPECT_NE(digest_of(a.k), digest_of(b.k));
}

}  // namespace
}  // namespace papaya::model

// execve(2) rules and the blocking send, one test each.
#include "model/limits.hpp"
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;

TEST(Exec, CaughtSignalsResetToTheDefaultAndIgnoredOnesStayIgnored) {
  Harness h;
  h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag(true)});
  h.ok(h.init, op::Sigaction{Sig::usr2, SigAction::ign()});
  h.ok(h.init, op::Kill{h.init, Sig::usr1});  // sets the caught flag
  h.ok(h.init, op::Exec{"prog", true});
  const Process& p = h.k.process(h.init);
  EXPECT_EQ(p.actions[static_cast<std::size_t>(Sig::usr1)], SigAction::dfl());
  EXPECT_EQ(p.actions[static_cast<std::size_t>(Sig::usr2)], SigAction::ign());
  EXPECT_FALSE(p.caught.has(Sig::usr1));  // process memory: the new image starts clean
}

TEST(Exec, MaskPendingSignalsAndTheAlarmSurvive) {
  Harness h;
  h.ok(h.init, op::Sigprocmask{SigHow::block, SigSet{Sig::int_}});
  h.ok(h.init, op::Kill{h.init, Sig::int_});
  h.ok(h.init, op::Alarm{std::chrono::seconds(5)});
  h.ok(h.init, op::Exec{"prog", true});
  const Process& p = h.k.process(h.init);
  EXPECT_TRUE(p.mask.has(Sig::int_));
  EXPECT_TRUE(p.pending_signals.has(Sig::int_));
  EXPECT_TRUE(p.alarm_at.has_value());
}

TEST(Exec, CloseOnExecDescriptorsCloseAndTheirLastCloseReleasesTheLock) {
  Harness h;
  Fd kept = h.open(h.init, "/kept");
  Fd gone = h.open(h.init, "/gone", OpenFlags::rdwr | OpenFlags::creat | OpenFlags::cloexec);
  Fd dup = static_cast<Fd>(h.ok(h.init, op::Dup{gone}));  // dup(2) clears FD_CLOEXEC
  h.ok(h.init, op::Flock{kept, {LockOp::ex, false}});
  h.ok(h.init, op::Exec{"prog", true});
  EXPECT_EQ(h.done(h.init, op::FileSize{kept}).err, Errno::ok);
  EXPECT_EQ(h.done(h.init, op::FileSize{gone}).err, Errno::ebadf);
  EXPECT_EQ(h.done(h.init, op::FileSize{dup}).err, Errno::ok);
  Fd other = h.open(h.init, "/kept");
  EXPECT_EQ(h.done(h.init, op::Flock{other, {LockOp::ex, true}}).err, Errno::eagain);
}

TEST(Exec, AMissingProgramIsEnoentAndChangesNothing) {
  Harness h;
  h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag()});
  EXPECT_EQ(h.done(h.init, op::Exec{"nothing", false}).err, Errno::enoent);
  EXPECT_EQ(h.k.process(h.init).actions[static_cast<std::size_t>(Sig::usr1)],
            SigAction::catch_flag());
}

TEST(Sockets, ABlockingSendInterruptedAfterCopyingPartReturnsThePartEvenWithSaRestart) {
  Harness h;
  Pid killer = h.fork(h.init);
  Fd l = static_cast<Fd>(h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8}));
  Fd c = static_cast<Fd>(h.ok(h.init, op::Connect{"127.0.0.1", 7000}));
  h.ok(h.init, op::Accept{l});
  h.ok(h.init, op::Sigaction{Sig::alrm, SigAction::catch_flag(true)});
  std::string big(limits::socket_buffer + 1000, 'x');
  // Copies what fits, then sleeps for room for the rest.
  EXPECT_EQ(h.call(h.init, op::Send{c, big}).status, StepStatus::blocked);
  h.ok(killer, op::Kill{h.init, Sig::alrm});
  Outcome o = h.again(h.init);
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, static_cast<std::int64_t>(limits::socket_buffer));
}

}  // namespace
}  // namespace papaya::model

// Rules the first suite missed: write(2) (not send) on a socket whose peer is gone raises
// SIGPIPE; a blocking send interrupted after copying part of its data returns the part; O_APPEND
// writes larger than 64 KiB, through separate or shared descriptions, never interleave; one
// standard signal sent by several processes is delivered once.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

using std::chrono::milliseconds;

struct Conn {
  Fd client;
  Fd server;
};

// A connected pair in one process: connect is queued by the kernel before accept.
Conn connect_pair(Os& os, const Ctx& c) {
  Fd l = c.need(os, os.listen(kLocalhost, 0, 8), "listen");
  std::uint16_t port = c.need(os, os.local_port(l), "local_port");
  Fd client = c.need(os, os.connect(kLocalhost, port), "connect");
  Fd server = c.need(os, os.accept(l), "accept");
  c.need(os, os.close(l), "close the listener");
  return {client, server};
}

Scenario write_to_gone_peer_raises_sigpipe() {
  return {
      .name = "WriteToASocketWhosePeerIsGoneRaisesSigpipe",
      .rule =
          "write(2): \"EPIPE fd is connected to a pipe or socket whose reading end is closed. "
          "When this happens the writing process will also receive a SIGPIPE signal.\" (send(2) "
          "with MSG_NOSIGNAL, as Os::send, does not raise it)",
      .body =
          [](Os& os, const Ctx& c) {
            Conn k = connect_pair(os, c);
            c.need(os, os.sigaction(Sig::pipe, SigAction::catch_flag()), "catch SIGPIPE");
            c.observe(os, "the peer closes: " + show(os.close(k.server)));
            c.observe(os, "first write after the peer closed: " + show(os.write(k.client, "x")));
            Result<size_t> r = os.write(k.client, "x");
            for (int i = 0; i < 100 && r; ++i) {  // the reset may take a moment to arrive
              c.need(os, os.sleep(milliseconds(10)), "sleep");
              r = os.write(k.client, "x");
            }
            c.observe(os, "a later write: " + show(r));
            c.observe(os, "SIGPIPE caught: " + yes_no(os.take_caught(Sig::pipe)));
            c.observe(os, "send: " + show(os.send(k.client, "x")));
            c.observe(os, "SIGPIPE caught: " + yes_no(os.take_caught(Sig::pipe)));
          },
      .expected =
          "the peer closes: ok\n"
          "first write after the peer closed: 1\n"
          "a later write: EPIPE\n"
          "SIGPIPE caught: yes\n"
          "send: EPIPE\n"
          "SIGPIPE caught: no\n",
  };
}

Scenario interrupted_send_returns_the_part() {
  constexpr std::size_t kBig = std::size_t{32} << 20;  // more than loopback buffers hold
  return {
      .name = "ABlockingSendInterruptedAfterCopyingPartReturnsThePart",
      .rule =
          "signal(7): \"If an I/O call on a slow device has already transferred some data by "
          "the time it is interrupted by a signal handler, then the call will return a success "
          "status (normally, the number of bytes transferred).\" send(2): \"When the message "
          "does not fit into the send buffer of the socket, send() normally blocks\".",
      // Timing: the alarm (100 ms) must find send blocked on a full buffer, which it reaches
      // within microseconds; nobody reads the other end.
      .body =
          [](Os& os, const Ctx& c) {
            Conn k = connect_pair(os, c);
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            std::string data = pattern(kBig);  // built first: the alarm is for send alone
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            Result<size_t> r = os.send(k.client, data);
            c.observe(os, "send returned: " + std::string(r ? "a count" : errno_name(r.error())));
            c.observe(os, "some but not all: " + yes_no(r && *r > 0 && *r < kBig));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "send returned: a count\n"
          "some but not all: yes\n"
          "SIGALRM caught: yes\n",
      .timed = true,
  };
}

// Two processes append `n` bytes each with one O_APPEND write, at the same moment.
Scenario big_appends_do_not_interleave(bool shared_description) {
  constexpr std::size_t kN = 256 * 1024;
  return {
      .name = shared_description ? "AppendsLargerThan64KiBThroughASharedDescriptionNeverInterleave"
                                 : "AppendsLargerThan64KiBThroughSeparateOpensNeverInterleave",
      .rule =
          "write(2): \"If the file was open(2)ed with O_APPEND, the file offset is first set to "
          "the end of the file before writing. The adjustment of the file offset and the write "
          "operation are performed as an atomic step.\" (Linux holds the inode lock for the "
          "whole buffered write, however long)",
      .body =
          [shared_description](Os& os, const Ctx& c) {
            constexpr OpenFlags kAppend = OpenFlags::wronly | OpenFlags::creat | OpenFlags::append;
            Fd shared = shared_description ? c.open(os, "log", kAppend) : -1;
            Channel go = channel(os, c);
            auto writer = [=](char byte) {
              return [=](Os& os) {
                Fd fd = shared_description ? shared : c.open(os, "log", kAppend);
                await(os, c, go);
                Result<size_t> r = os.write(fd, std::string(kN, byte));
                c.need(os, r, "write");
                if (*r != kN) c.fail(os, "short write");
              };
            };
            Pid a = spawn(os, c, writer('a'));
            Pid b = spawn(os, c, writer('b'));
            post(os, c, go);
            post(os, c, go);
            c.need(os, os.waitpid(a, false), "waitpid");
            c.need(os, os.waitpid(b, false), "waitpid");
            Fd in = c.open(os, "log", OpenFlags::rdonly);
            std::string all = read_to_eof(os, in);
            bool whole = all == std::string(kN, 'a') + std::string(kN, 'b') ||
                         all == std::string(kN, 'b') + std::string(kN, 'a');
            c.observe(os, "size: " + std::to_string(all.size()));
            c.observe(os, "two whole runs, one after the other: " + yes_no(whole));
          },
      .expected =
          "size: 524288\n"
          "two whole runs, one after the other: yes\n",
  };
}

Scenario one_signal_from_several_senders() {
  return {
      .name = "OneSignalSentBySeveralProcessesWhileBlockedIsDeliveredOnce",
      .rule =
          "signal(7): \"Standard signals do not queue. If multiple instances of a standard "
          "signal are generated while that signal is blocked, then only one instance of the "
          "signal is marked as pending (and the signal will be delivered just once when it is "
          "unblocked).\"",
      // Timing: a second, queued SIGUSR1 would interrupt pause() at once; without one, the
      // 100 ms alarm does.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            c.need(os, os.sigprocmask(SigHow::block, SigSet{Sig::usr1}), "block SIGUSR1");
            Pid me = os.getpid();
            Pid kids[3];
            for (Pid& kid : kids)
              kid = spawn(os, c, [=](Os& os) { c.need(os, os.kill(me, Sig::usr1), "kill"); });
            for (Pid kid : kids) c.need(os, os.waitpid(kid, false), "waitpid");
            c.need(os, os.sigprocmask(SigHow::unblock, SigSet{Sig::usr1}), "unblock SIGUSR1");
            c.observe(os, "SIGUSR1 caught after unblocking: " + yes_no(os.take_caught(Sig::usr1)));
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            c.observe(os, "pause: " + show(os.pause()));
            c.observe(os, "interrupted by SIGUSR1 again: " + yes_no(os.take_caught(Sig::usr1)));
            c.observe(os, "interrupted by SIGALRM: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "SIGUSR1 caught after unblocking: yes\n"
          "pause: EINTR\n"
          "interrupted by SIGUSR1 again: no\n"
          "interrupted by SIGALRM: yes\n",
      .timed = true,
  };
}

}  // namespace

std::vector<Scenario> more_rule_scenarios() {
  return {write_to_gone_peer_raises_sigpipe(), interrupted_send_returns_the_part(),
          big_appends_do_not_interleave(false), big_appends_do_not_interleave(true),
          one_signal_from_several_senders()};
}

}  // namespace papaya::conformance

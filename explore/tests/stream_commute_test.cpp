// A stream's two directions, tested rather than argued (explore/commute.hpp): on random states of
// a program where one process sends through the server end while another receives from it and
// the client talks and hangs up (and on one whose connection nobody accepts), every pair the
// relation calls independent commutes; and the relation without the queues (`socket`) or without
// the holders' references (`sock_holder`) is caught. (Without the ends' flags, `sock_state`, no
// program can tell today: every step that writes them but not a queue, a listener's close of a
// connection nobody accepted, sets a pending error whose recv or send then writes everything.)
#include <gtest/gtest.h>

#include <utility>

#include "explore/commute.hpp"
#include "explore/tests/relation_ignoring.hpp"

namespace papaya::explore {
namespace {

// A listener on an ephemeral loopback port, and the port (the process exits 2 without one).
std::pair<Fd, std::uint16_t> listening(Os& os) {
  papaya::Result<Fd> l = os.listen("127.0.0.1", 0, 4);
  if (!l) os.exit(2);
  papaya::Result<std::uint16_t> port = os.local_port(*l);
  if (!port) os.exit(2);
  return {*l, *port};
}

// The client connects, sends "q" and "r", reads once and closes. The server accepts and closes its
// listener; child S sends "a" and "b" through the accepted socket, child R reads it to the end;
// the parent drops its copy and waits for all three.
Program duplex_program() {
  Program p;
  p.check_reads_order = false;
  p.init = [](Os& os) {
    const auto [lf, pt] = listening(os);
    (void)os.fork([pt](Os& o) {
      papaya::Result<Fd> c = o.connect("127.0.0.1", pt);
      if (!c) o.exit(3);
      (void)o.send(*c, "q");
      (void)o.send(*c, "r");
      char b[2];
      (void)o.recv(*c, b);
      (void)o.close(*c);
      o.exit(0);
    });
    papaya::Result<Fd> s = os.accept(lf);
    (void)os.close(lf);
    if (!s) os.exit(4);
    const Fd sf = *s;
    (void)os.fork([sf](Os& o) {
      (void)o.send(sf, "a");
      (void)o.send(sf, "b");
      o.exit(0);
    });
    (void)os.fork([sf](Os& o) {
      char b[2];
      for (;;) {
        papaya::Result<size_t> r = o.recv(sf, b);
        if (!r || *r == 0) break;
      }
      o.exit(0);
    });
    (void)os.close(sf);
    for (int i = 0; i < 3; ++i) (void)os.waitpid(-1, false);
    os.exit(0);
  };
  return p;
}

// A connection nobody accepts: the client connects and waits for a byte; the server closes its
// listener, which resets the connection (the client's recv fails with ECONNRESET), or refuses it
// when the close comes first. A bystander child logs meanwhile.
Program unaccepted_program() {
  Program p;
  p.check_reads_order = false;
  p.init = [](Os& os) {
    const auto [lf, pt] = listening(os);
    // The children drop their copies of the listener: the server's close is its last one.
    (void)os.fork([pt, lf](Os& o) {
      (void)o.close(lf);
      papaya::Result<Fd> c = o.connect("127.0.0.1", pt);
      if (!c) o.exit(3);
      char b[2];
      (void)o.recv(*c, b);
      (void)o.close(*c);
      o.exit(0);
    });
    // A bystander, so that states with the client asleep still have two processes ready (the
    // check samples only those).
    (void)os.fork([lf](Os& o) {
      (void)o.close(lf);
      for (int i = 0; i < 4; ++i) o.log(LogLevel::info, "bystander");
      o.exit(0);
    });
    (void)os.close(lf);
    (void)os.waitpid(-1, false);
    (void)os.waitpid(-1, false);
    os.exit(0);
  };
  return p;
}

CommuteConfig duplex_commute_config() {
  CommuteConfig c;
  c.runs = 80;
  c.states_per_run = 6;
  c.seed = 5;
  return c;
}

TEST(StreamCommutation, IndependentStreamStepsCommute) {
  CommuteReport r = check_commutation(duplex_program(), duplex_commute_config());
  std::string why;
  for (const std::string& f : r.failures) why += f + "\n";
  EXPECT_TRUE(r.failures.empty()) << why;
  EXPECT_GE(r.independent, 200u) << "too few pairs checked to mean anything";
  EXPECT_GE(r.wakeups, 20u);
  CommuteReport u = check_commutation(unaccepted_program(), duplex_commute_config());
  why.clear();
  for (const std::string& f : u.failures) why += f + "\n";
  EXPECT_TRUE(u.failures.empty()) << why;
  EXPECT_GE(u.wakeups, 5u);
}

TEST(StreamCommutation, CatchesTheRelationWithoutTheQueues) {
  CommuteConfig c = duplex_commute_config();
  c.independent = relation_ignoring({sim::Obj::socket});
  EXPECT_FALSE(check_commutation(duplex_program(), c).failures.empty())
      << "the check passed a relation that ignores what a send queues for a recv";
}

TEST(StreamCommutation, CatchesTheRelationWithoutTheHoldersReferences) {
  CommuteConfig c = duplex_commute_config();
  c.independent = relation_ignoring({sim::Obj::sock_holder});
  EXPECT_FALSE(check_commutation(duplex_program(), c).failures.empty())
      << "the check passed a relation that ignores who still holds the other end";
}

}  // namespace
}  // namespace papaya::explore

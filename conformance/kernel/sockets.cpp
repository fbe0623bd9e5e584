// Sockets (TCP over 127.0.0.1, ephemeral ports): the accept queue, connection refused, recv
// returning what has arrived, end of stream after shutdown or close, EPIPE once the peer is
// gone, a socket shared across fork. Bytes are compared, never the sizes of single recv calls:
// TCP may split a stream anywhere.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

using std::chrono::milliseconds;

struct Listener {
  Fd fd;
  std::uint16_t port;
};

Listener listen_any(Os& os, const Ctx& c) {
  Fd fd = c.need(os, os.listen(kLocalhost, 0, 8), "listen");
  return {fd, c.need(os, os.local_port(fd), "local_port")};
}

Scenario connection_queued_until_accept() {
  return {
      .name = "ConnectionIsQueuedUntilAccepted",
      .rule =
          "listen(2): \"The backlog argument defines the maximum length to which the queue "
          "of pending connections for sockfd may grow.\"; accept(2): \"It extracts the "
          "first connection request on the queue of pending connections for the listening "
          "socket\"",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel sent = channel(os, c), done = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              c.observe(os, "client: connected before any accept");
              c.observe(os, "client: send hello: " + show(send_all(os, s, "hello")));
              post(os, c, sent);
              await(os, c, done);
            });
            await(os, c, sent);
            Result<Fd> a = os.accept(l.fd);
            c.observe(os, "server: accept: " + ok_or_errno(a));
            c.observe(os, "server: received: \"" + recv_n(os, c.need(os, a, "accept"), 5) + "\"");
            post(os, c, done);
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "client: connected before any accept\n"
          "client: send hello: ok\n"
          "server: accept: ok\n"
          "server: received: \"hello\"\n"
          "client exited 0\n",
  };
}

Scenario recv_returns_what_arrived() {
  return {
      .name = "RecvReturnsWhatHasArrivedWithoutWaitingToFillTheBuffer",
      .rule =
          "recv(2): \"The receive calls normally return any data available, up to the "
          "requested amount, rather than waiting for receipt of the full amount "
          "requested.\"",
      // The client keeps the connection open: a recv waiting for 100 bytes would never return.
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel sent = channel(os, c), done = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              c.need(os, send_all(os, s, "abc"), "send");
              post(os, c, sent);
              await(os, c, done);
            });
            await(os, c, sent);
            Fd a = c.need(os, os.accept(l.fd), "accept");
            Result<std::string> first = recv_some(os, a, 100);
            bool some = first && !first->empty() && first->size() <= 3;
            c.observe(os, "server: recv(100) returned 1 to 3 bytes: " + yes_no(some));
            std::string rest = some ? recv_n(os, a, 3 - first->size()) : "";
            c.observe(os, "server: received: \"" + (some ? *first : "") + rest + "\"");
            post(os, c, done);
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "server: recv(100) returned 1 to 3 bytes: yes\n"
          "server: received: \"abc\"\n"
          "client exited 0\n",
  };
}

Scenario connect_refused() {
  return {
      .name = "ConnectToAPortNobodyListensOnIsRefused",
      .rule =
          "connect(2): \"ECONNREFUSED A connect() on a stream socket found no one listening "
          "on the remote address.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            c.need(os, os.close(l.fd), "close the listener");
            c.observe(os, "connect: " + ok_or_errno(os.connect(kLocalhost, l.port)));
          },
      .expected = "connect: ECONNREFUSED\n",
  };
}

Scenario half_close() {
  return {
      .name = "ShutdownWriteEndsThePeersStreamButNotTheReverseDirection",
      .rule =
          "shutdown(2): \"If how is SHUT_WR, further transmissions will be disallowed.\"; "
          "recv(2): \"When a stream socket peer has performed an orderly shutdown, the "
          "return value will be 0 (the traditional \"end-of-file\" return).\"; send(2): "
          "\"EPIPE The local end has been shut down on a connection oriented socket.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel shut = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              c.need(os, send_all(os, s, "bye"), "send");
              c.observe(os, "client: shutdown(SHUT_WR): " + show(os.shutdown(s, ShutHow::wr)));
              c.observe(os, "client: send after it: " + show(os.send(s, "more")));
              post(os, c, shut);
              c.observe(os, "client: received until end of stream: \"" + recv_to_eof(os, s) + "\"");
            });
            Fd a = c.need(os, os.accept(l.fd), "accept");
            await(os, c, shut);
            c.observe(os, "server: received until end of stream: \"" + recv_to_eof(os, a) + "\"");
            c.observe(os, "server: send ack: " + show(send_all(os, a, "ack")));
            c.need(os, os.close(a), "close");
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "client: shutdown(SHUT_WR): ok\n"
          "client: send after it: EPIPE\n"
          "server: received until end of stream: \"bye\"\n"
          "server: send ack: ok\n"
          "client: received until end of stream: \"ack\"\n"
          "client exited 0\n",
  };
}

Scenario send_after_peer_gone() {
  return {
      .name = "SendAfterThePeerClosedSucceedsOnceThenFailsEpipe",
      .rule =
          "tcp(7): \"EPIPE The other end closed the socket unexpectedly or a read is "
          "executed on a shut down socket.\"; send(2): \"the process will also receive a "
          "SIGPIPE unless MSG_NOSIGNAL is set\" (Os::send sets it). The first send after "
          "the peer's close is accepted: the peer's kernel answers it with a reset.",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel closed = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              await(os, c, closed);
              c.observe(os, "client: recv: " + show(recv_some(os, s, 16)));
              c.observe(os, "client: first send after the peer closed: " + show(os.send(s, "x")));
              Result<size_t> r = os.send(s, "x");
              for (int i = 0; i < 100 && r; ++i) {  // the reset may take a moment to arrive
                c.need(os, os.sleep(milliseconds(10)), "sleep");
                r = os.send(s, "x");
              }
              c.observe(os, "client: a later send: " + show(r));
              c.observe(os, "client: still running (no SIGPIPE)");
            });
            Fd a = c.need(os, os.accept(l.fd), "accept");
            c.observe(os, "server: close the connection: " + show(os.close(a)));
            post(os, c, closed);
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "server: close the connection: ok\n"
          "client: recv: \"\"\n"
          "client: first send after the peer closed: 1\n"
          "client: a later send: EPIPE\n"
          "client: still running (no SIGPIPE)\n"
          "client exited 0\n",
  };
}

Scenario accept_in_arrival_order() {
  return {
      .name = "AcceptTakesPendingConnectionsInArrivalOrder",
      .rule =
          "accept(2): \"It extracts the first connection request on the queue of pending "
          "connections for the listening socket, sockfd, creates a new connected socket, "
          "and returns a new file descriptor referring to that socket.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel done = channel(os, c);
            Pid kids[2];
            for (int i = 0; i < 2; ++i) {
              Channel sent = channel(os, c);
              std::string tag = std::to_string(i + 1);
              kids[i] = spawn(os, c, [=](Os& os) {
                Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
                c.need(os, send_all(os, s, tag), "send");
                post(os, c, sent);
                await(os, c, done);
              });
              await(os, c, sent);  // the second client connects after the first
            }
            for (const char* which : {"first", "second"}) {
              Fd a = c.need(os, os.accept(l.fd), "accept");
              c.observe(os, std::string(which) + " accepted connection carries \"" +
                                recv_n(os, a, 1) + "\"");
            }
            post(os, c, done);
            post(os, c, done);
            c.observe(os, "client 1 " + show(os.waitpid(kids[0], false)));
            c.observe(os, "client 2 " + show(os.waitpid(kids[1], false)));
          },
      .expected =
          "first accepted connection carries \"1\"\n"
          "second accepted connection carries \"2\"\n"
          "client 1 exited 0\n"
          "client 2 exited 0\n",
  };
}

Scenario listen_on_busy_port() {
  return {
      .name = "ListenOnAPortSomeoneListensOnFailsEaddrinuse",
      .rule = "listen(2): \"EADDRINUSE Another socket is already listening on the same port.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            c.observe(os,
                      "listen on the same port: " + ok_or_errno(os.listen(kLocalhost, l.port, 8)));
          },
      .expected = "listen on the same port: EADDRINUSE\n",
  };
}

Scenario socket_shared_across_fork() {
  return {
      .name = "AcceptedSocketSharedAcrossForkStaysOpenUntilItsLastClose",
      .rule =
          "fork(2): \"Each file descriptor in the child refers to the same open file "
          "description (see open(2)) as the corresponding file descriptor in the parent.\"; "
          "close(2): \"If fd is the last file descriptor referring to the underlying open "
          "file description (see open(2)), the resources associated with the open file "
          "description are freed\"",
      // The process-per-client server's shape: the parent closes its copy of the accepted
      // socket and the child it forked keeps serving the client.
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Pid client = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              c.observe(os, "client: received until end of stream: \"" + recv_to_eof(os, s) + "\"");
            });
            Fd a = c.need(os, os.accept(l.fd), "accept");
            Channel go = channel(os, c);
            Pid server = spawn(os, c, [=](Os& os) {
              await(os, c, go);
              c.need(os, send_all(os, a, "from the child"), "send");
            });
            c.observe(os, "server parent: close its copy: " + show(os.close(a)));
            post(os, c, go);
            c.observe(os, "client " + show(os.waitpid(client, false)));
            c.observe(os, "server child " + show(os.waitpid(server, false)));
          },
      .expected =
          "server parent: close its copy: ok\n"
          "client: received until end of stream: \"from the child\"\n"
          "client exited 0\n"
          "server child exited 0\n",
  };
}

Scenario shutdown_affects_socket_not_descriptor() {
  return {
      .name = "ShutdownActsOnTheSocketEvenWhileAnotherDescriptorKeepsItOpen",
      .rule =
          "shutdown(2): \"The shutdown() call causes all or part of a full-duplex connection "
          "on the socket associated with sockfd to be shut down.\" (unlike close(2), which "
          "only drops one descriptor)",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel client_turn = channel(os, c), holder_turn = channel(os, c);
            Pid client = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              std::string got = recv_to_eof(os, s);
              await(os, c, client_turn);
              c.observe(os, "client: received until end of stream: \"" + got + "\"");
            });
            Fd a = c.need(os, os.accept(l.fd), "accept");
            Pid holder = spawn(os, c, [=](Os& os) {
              await(os, c, holder_turn);
              c.observe(os, "holder: send through its own descriptor: " + show(os.send(a, "x")));
            });
            c.observe(os, "root: shutdown(SHUT_WR) while a child holds the socket too: " +
                              show(os.shutdown(a, ShutHow::wr)));
            post(os, c, client_turn);
            c.observe(os, "client " + show(os.waitpid(client, false)));
            post(os, c, holder_turn);
            c.observe(os, "holder " + show(os.waitpid(holder, false)));
          },
      .expected =
          "root: shutdown(SHUT_WR) while a child holds the socket too: ok\n"
          "client: received until end of stream: \"\"\n"
          "client exited 0\n"
          "holder: send through its own descriptor: EPIPE\n"
          "holder exited 0\n",
  };
}

Scenario long_stream_arrives_whole() {
  return {
      .name = "StreamDeliversEveryByteInOrderHoweverItIsSplit",
      .rule =
          "tcp(7): \"TCP guarantees that the data arrives in order and retransmits lost "
          "packets.\" \"TCP does not preserve record boundaries.\"",
      .body =
          [](Os& os, const Ctx& c) {
            constexpr size_t kBytes = 200'000;
            Listener l = listen_any(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              c.observe(os,
                        "client: send_all 200000 bytes: " + show(send_all(os, s, pattern(kBytes))));
            });
            Fd a = c.need(os, os.accept(l.fd), "accept");
            std::string got = recv_to_eof(os, a);
            c.observe(os, "server: received " + std::to_string(got.size()) +
                              " bytes, in order: " + yes_no(got == pattern(kBytes)));
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "client: send_all 200000 bytes: ok\n"
          "server: received 200000 bytes, in order: yes\n"
          "client exited 0\n",
  };
}

Scenario closing_listener_keeps_connections() {
  return {
      .name = "ClosingTheListenerLeavesAcceptedConnectionsOpen",
      .rule =
          "accept(2): \"The newly created socket is not in the listening state. The original "
          "socket sockfd is unaffected by this call.\"; connect(2): \"ECONNREFUSED A "
          "connect() on a stream socket found no one listening on the remote address.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel connected = channel(os, c), go = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              // Its inherited copy of the listener would keep the port listening: the root's
              // close below must be the last one.
              c.need(os, os.close(l.fd), "close the inherited listener");
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              post(os, c, connected);
              await(os, c, go);
              c.need(os, send_all(os, s, "still here"), "send");
            });
            await(os, c, connected);
            Fd a = c.need(os, os.accept(l.fd), "accept");
            c.observe(os, "close the listener: " + show(os.close(l.fd)));
            post(os, c, go);
            c.observe(os, "the accepted connection still carries: \"" + recv_to_eof(os, a) + "\"");
            c.observe(os, "a new connect: " + ok_or_errno(os.connect(kLocalhost, l.port)));
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "close the listener: ok\n"
          "the accepted connection still carries: \"still here\"\n"
          "a new connect: ECONNREFUSED\n"
          "client exited 0\n",
  };
}

Scenario alarm_interrupts_recv() {
  return {
      .name = "BlockedRecvIsInterruptedByACaughtSignalWithEintr",
      .rule =
          "signal(7): \"If a blocked call to one of the following interfaces is interrupted "
          "by a signal handler, then the call is automatically restarted after the signal "
          "handler returns if the SA_RESTART flag was used; otherwise the call fails with "
          "the error EINTR: ... Socket interfaces: accept(2), connect(2), recv(2)\"",
      // The daemon's authentication timeout: an alarm bounds a read of the key. Timing: the
      // alarm (100 ms) must find the server blocked in recv.
      .body =
          [](Os& os, const Ctx& c) {
            Listener l = listen_any(os, c);
            Channel done = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.connect(kLocalhost, l.port), "connect");
              await(os, c, done);  // connected, silent
            });
            Fd a = c.need(os, os.accept(l.fd), "accept");
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            c.need(os, os.alarm(std::chrono::milliseconds(100)), "alarm");
            c.observe(os, "recv from a silent client: " + show(recv_some(os, a, 128)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            post(os, c, done);
            c.observe(os, "client " + show(os.waitpid(kid, false)));
          },
      .expected =
          "recv from a silent client: EINTR\n"
          "SIGALRM caught: yes\n"
          "client exited 0\n",
      .timed = true,
  };
}

Scenario sa_restart_restarts_accept() {
  return {
      .name = "SaRestartRestartsABlockedAcceptWhenSigchldArrives",
      .rule =
          "signal(7): \"the call is automatically restarted after the signal handler returns "
          "if the SA_RESTART flag was used ... Socket interfaces: accept(2)\"",
      // The original server's shape: SIGCHLD caught with SA_RESTART while the daemon waits in
      // accept. Timing: a child exits after 100 ms, a client connects after 400 ms.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::chld, SigAction::catch_flag(true)), "catch SIGCHLD");
            Listener l = listen_any(os, c);
            Channel done = channel(os, c);
            Pid quitter = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(std::chrono::milliseconds(100)), "sleep");
            });
            Pid client = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(std::chrono::milliseconds(400)), "sleep");
              Fd s = c.need(os, os.connect(kLocalhost, l.port), "connect");
              c.need(os, send_all(os, s, "hi"), "send");
              await(os, c, done);
            });
            Result<Fd> a = os.accept(l.fd);
            c.observe(os, "accept: " + ok_or_errno(a));
            c.observe(os, "SIGCHLD caught while it waited: " + yes_no(os.take_caught(Sig::chld)));
            c.observe(os, "quitter " + show(os.waitpid(quitter, false)));
            if (a) c.observe(os, "received: \"" + recv_n(os, *a, 2) + "\"");
            post(os, c, done);
            c.observe(os, "client " + show(os.waitpid(client, false)));
          },
      .expected =
          "accept: ok\n"
          "SIGCHLD caught while it waited: yes\n"
          "quitter exited 0\n"
          "received: \"hi\"\n"
          "client exited 0\n",
      .timed = true,
  };
}

}  // namespace

std::vector<Scenario> socket_scenarios() {
  return {connection_queued_until_accept(),
          recv_returns_what_arrived(),
          connect_refused(),
          half_close(),
          send_after_peer_gone(),
          accept_in_arrival_order(),
          listen_on_busy_port(),
          socket_shared_across_fork(),
          shutdown_affects_socket_not_descriptor(),
          long_stream_arrives_whole(),
          closing_listener_keeps_connections(),
          alarm_interrupts_recv(),
          sa_restart_restarts_accept()};
}

}  // namespace papaya::conformance

// The hub of the goroutine design: what its goroutines share, behind one sync.Mutex `mu`.
//
//   line queue   readers -> writer. A ring of `capacity` whole lines, each with the id of the
//                client that sent it (a line the writer cannot append is that client's to be told
//                of: it is dropped, as the process design's Child RECV drops its own client).
//                A reader waits on `not_full`
//                while it is full, the writer waits on `not_empty` while it is empty and takes
//                every queued line at once, then Broadcasts `not_full` (every slot is free). Both
//                waits are `for` loops: a woken reader may find the ring full again, refilled by a
//                reader that took `mu` first (Go's Mutex lets a running goroutine barge in before
//                a woken one). The go-cond-no-loop flaw makes them `if`s: a second woken reader
//                then writes into a full ring, over the oldest line the writer has not taken.
//   notifiers    writer -> senders. One channel per client of capacity 1, filled with a
//                non-blocking send (select with default): a notification posted while the sender
//                is busy waits in the channel, more than one coalesce, and the writer never waits
//                for a sender, however stuck its client. The go-blocking-fanout flaw makes them
//                unbuffered and the sends blocking, under `mu`: one client that stops reading
//                stops its sender, then the writer, then every reader at the queue.
//   clients      the count of live connections (max_clients) and each client's registration.
//   quiet        a stop waits on it until no connection is live, no line is queued and the writer
//                is not appending (the writer is busy from drain until notify_all).
//
// Memory per client is bounded: at most `capacity` queued lines of at most max_line bytes for all
// readers together, one chunk in each sender, one token in each channel. A client that stops
// reading costs only its own sender, parked in send(2) on a full socket buffer; the log on disk is
// its backlog, read from its own offset when it drains (policy: nobody is dropped and nothing is
// skipped; a client that leaves ends its goroutines).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chat/goroutine/go_flaws.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// A line on its way to the log, and who sent it.
struct Queued {
  int client = 0;
  std::string line;
};

class Hub {
 public:
  Hub(Os& os, GoFlaws flaws, std::size_t capacity, int max_clients);

  // Reader: queues one whole line for the writer; waits while the queue is full.
  void enqueue(Os& os, int client, std::string line);
  // Writer: waits for lines, then takes all of them, in order; busy until notify_all.
  std::vector<Queued> drain(Os& os);
  // Writer, after appending: tells every registered sender that the log grew; not busy.
  void notify_all(Os& os);
  // A stop: waits until no connection is live, no line queued and the writer is not busy.
  void wait_quiet(Os& os);

  // Accept loop: counts a new connection; false (not counted) when max_clients are live.
  bool admit(Os& os);
  // The last goroutine of a connection leaves: one fewer live.
  void release(Os& os);
  // A sender's notification channel, registered under `id`. Closed by unregister.
  GoChan register_client(Os& os, int id);
  void unregister_client(Os& os, int id);

  GoMutex mu() const { return mu_; }

 private:
  GoFlaws flaws_;
  GoMutex mu_;
  GoCond not_full_;
  GoCond not_empty_;
  GoCond quiet_;
  // The ring, guarded by mu_.
  std::vector<Queued> ring_;
  bool busy_ = false;  // the writer took lines and has not finished appending them
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  // Registrations and the live count, guarded by mu_.
  std::map<int, GoChan> notifiers_;
  int live_ = 0;
  int max_clients_;
};

}  // namespace papaya::chat

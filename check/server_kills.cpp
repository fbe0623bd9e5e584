#include "check/server_kills.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "check/client_sends.hpp"

namespace papaya::properties {

namespace {

bool done_ok(const traces::Step& s) {
  return s.status == model::StepStatus::done && s.err == Errno::ok;
}

// The server side of the run, read off the trace.
struct Served {
  Pid server = 0;                         // init's first child: the server's main process
  std::vector<Pid> connected;             // client pids, in the order their connect completed
  std::vector<Pid> clusters;              // the cluster of the k-th accepted connection (0: none)
  std::map<Pid, Pid> inner_of;            // cluster (Child SEND, the leader) -> its Child RECV
  std::set<Pid> killed;                   // victims of kill -9 from outside
  std::map<Pid, std::int64_t> killed_at;  // victim -> the virtual time its kill -9 landed
  std::set<Pid> write_failed;  // processes whose write to a regular file (the log) fell short or
                               // failed (ENOSPC: the disk-full fault): the server drops the client
  // The goroutine design: one writer goroutine of the server process appends every client's
  // lines, so the process says nothing about whose line failed. Its queue carries the client, and
  // the writer drops that client itself: its next shutdown(2) after the failed append is of that
  // client's connection. Connections by accept order (an index into `clusters`).
  std::set<std::size_t> dropped;
};

// A server goroutine (pid, g): its last append to the log failed and it has not yet named whose.
using GoActor = std::pair<Pid, std::uint32_t>;

// A write to a regular file (the only one a server process writes is the log) that ended short
// of its count or with an error.
bool file_write_failed(const traces::Step& st) {
  if (st.op != model::OpKind::write && st.op != model::OpKind::pwrite) return false;
  if (st.status != model::StepStatus::done || st.inode == 0) return false;
  return st.err != Errno::ok || st.ret < st.args[1];
}

// The surviving half of a cluster hears of the other's death at once (SIGCHLD, or the parent-
// death signal) and closes the client's socket within a few steps: far less than this much
// virtual time. A client that leaves (its settle alarm) sooner than this after the kill was not
// left deaf or mute: it left first.
constexpr std::int64_t kHalfServedGraceNs = 100'000'000;

// The virtual time of the client's last step (it exits when it has settled); 0 if it never ran.
std::int64_t end_time_of(const traces::Trace& t, Pid pid) {
  std::int64_t last = 0;
  for (std::uint64_t i = 0; i < t.steps.size(); ++i)
    if (t.steps[i].pid == pid) last = t.steps[i].time_ns;
  return last;
}

// A write to a regular file that wrote all it was asked: an append that went through (write_all's
// last round after a short write is one).
bool file_write_whole(const traces::Step& st) {
  return (st.op == model::OpKind::write || st.op == model::OpKind::pwrite) && done_ok(st) &&
         st.inode != 0 && st.ret == st.args[1];
}

// The goroutine design's writer (a goroutine of the server process itself): a failed append, then
// the shutdown of the connection whose line it was (chat/goroutine/goroutine_server.cpp
// drop_client). `conn_of_fd` maps the server's descriptors to the connection they accepted.
void follow_server_writer(const traces::Step& st, Pid server,
                          const std::map<std::int64_t, std::size_t>& conn_of_fd,
                          std::set<GoActor>& failed_append, std::set<std::size_t>& dropped) {
  if (st.pid != server || server == 0) return;
  const GoActor who{st.pid, st.g};
  if (file_write_failed(st)) {
    failed_append.insert(who);
  } else if (file_write_whole(st)) {
    failed_append.erase(who);
  } else if (st.op == model::OpKind::shutdown && failed_append.count(who) > 0) {
    failed_append.erase(who);
    if (auto c = conn_of_fd.find(st.args[0]); c != conn_of_fd.end()) dropped.insert(c->second);
  }
}

Served read_served(const traces::Trace& t) {
  Served s;
  bool awaiting_cluster = false;                   // the server accepted and has not forked since
  std::map<std::int64_t, std::size_t> conn_of_fd;  // the server's accepted descriptors
  std::set<GoActor> failed_append;
  for (const traces::Step& st : t.steps) {
    if (st.killed_from_outside) {
      s.killed.insert(st.pid);
      s.killed_at.emplace(st.pid, st.time_ns);
    }
    if (file_write_failed(st)) s.write_failed.insert(st.pid);
    follow_server_writer(st, s.server, conn_of_fd, failed_append, s.dropped);
    if (!done_ok(st)) continue;
    const auto ret = static_cast<Pid>(st.ret);
    if (st.op == model::OpKind::fork) {
      if (st.pid == 1 && s.server == 0) {
        s.server = ret;
      } else if (st.pid == s.server && awaiting_cluster) {
        s.clusters.back() = ret;
        awaiting_cluster = false;
      } else if (std::find(s.clusters.begin(), s.clusters.end(), st.pid) != s.clusters.end() &&
                 !s.inner_of.count(st.pid)) {
        s.inner_of[st.pid] = ret;
      }
    } else if (st.op == model::OpKind::connect) {
      s.connected.push_back(st.pid);
    } else if (st.op == model::OpKind::accept && st.pid == s.server) {
      conn_of_fd[st.ret] = s.clusters.size();
      s.clusters.push_back(0);
      awaiting_cluster = true;
    }
  }
  return s;
}

}  // namespace

std::vector<KillEffect> kill_effects(const traces::Trace& trace,
                                     const std::vector<std::string>& transcript_paths) {
  std::vector<KillEffect> out(transcript_paths.size());
  const Served s = read_served(trace);
  if (s.killed.empty() && s.write_failed.empty() && s.dropped.empty()) return out;
  const bool server_killed = s.killed.count(s.server) > 0;
  for (std::size_t c = 0; c < transcript_paths.size(); ++c) {
    // The transcript is opened right after connecting (pid 0: it never connected).
    const Pid pid = transcript_opener(trace, transcript_paths[c]);
    auto at = std::find(s.connected.begin(), s.connected.end(), pid);
    const auto k = static_cast<std::size_t>(at - s.connected.begin());
    // No cluster: never connected, or never accepted, or accepted by a server killed before it
    // forked the cluster.
    const Pid cluster = pid != 0 && k < s.clusters.size() ? s.clusters[k] : 0;
    KillEffect& e = out[c];
    // A cluster lives and dies as one: a kill of either half ends both (the half-cluster flaw
    // leaves one half running; what the client missed is excused here, and no_half_served
    // catches the half left behind).
    auto inner = s.inner_of.find(cluster);
    const bool cluster_hit =
        s.killed.count(cluster) > 0 || (inner != s.inner_of.end() && s.killed.count(inner->second));
    e.lines_may_be_lost = cluster == 0 ? server_killed : cluster_hit;
    // Half served is about a client still there: a kill that lands when the client is about to
    // leave, or after, cannot leave it deaf or mute.
    const std::int64_t client_end = end_time_of(trace, pid);
    auto before_client_left = [&](Pid victim) {
      auto it = s.killed_at.find(victim);
      return it != s.killed_at.end() && it->second + kHalfServedGraceNs < client_end;
    };
    const bool cluster_hit_while_there =
        before_client_left(cluster) ||
        (inner != s.inner_of.end() && before_client_left(inner->second));
    e.cluster_killed = cluster != 0 && cluster_hit_while_there;
    // A full disk: the half that could not append its line ends the cluster (process_recv.cpp),
    // so the client's lines may be lost and it stops hearing from the server.
    // The goroutine design: the writer goroutine dropped this client's connection for a line the
    // log could not take (follow_server_writer).
    const bool append_failed =
        (cluster != 0 &&
         (s.write_failed.count(cluster) > 0 ||
          (inner != s.inner_of.end() && s.write_failed.count(inner->second) > 0))) ||
        (pid != 0 && k < s.clusters.size() && s.dropped.count(k) > 0);
    e.lines_may_be_lost = e.lines_may_be_lost || append_failed;
    e.cut_off = e.lines_may_be_lost;
  }
  return out;
}

}  // namespace papaya::properties

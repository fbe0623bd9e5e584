#include "sim/independence.hpp"

#include <algorithm>
#include <variant>

#include "model/kernel.hpp"

namespace papaya::sim {

namespace {

using model::FileKind;
using model::Kernel;
using model::OpenFile;
using model::Process;

std::uint32_t name_id(std::string_view path) {
  std::uint32_t h = 2166136261u;  // FNV-1a: a collision only adds a dependency
  for (char c : path) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

// sigprocmask(2): the signals whose blocked state the call changes ("It is not possible to block
// SIGKILL or SIGSTOP": never SIGKILL), computed as Kernel::sys(Sigprocmask) sets the mask.
SigSet mask_changed(const Process& p, const model::op::Sigprocmask& o) {
  const std::uint64_t old = p.mask.bits();
  std::uint64_t m = old;
  switch (o.how) {
    case SigHow::block: m |= o.set.bits(); break;
    case SigHow::unblock: m &= ~o.set.bits(); break;
    case SigHow::setmask: m = o.set.bits(); break;
  }
  return SigSet::from_bits(old ^ m).remove(Sig::kill);
}

// Which way a call moves a stream's bytes: into the calling end (read, recv), out of it (write,
// send), or neither (shutdown, lseek, ...: treated as touching both ways).
enum class StreamDir : std::uint8_t { none, in, out };

struct Builder {
  const Kernel& k;
  const Process& p;
  Effect& e;
  bool caught_unblocked = false;  // set by deliverable_signals: a caught signal is not blocked

  void add(Obj o, std::uint32_t id, bool write) { e.access.push_back({o, write, id}); }
  void proc(Pid pid) { add(Obj::process, static_cast<std::uint32_t>(pid), true); }
  // The signals `sigs` (sig_bit) of `pid`, in one access (none for an empty set).
  void signals(Pid pid, std::uint16_t sigs, bool write) {
    if (sigs != 0) e.access.push_back({Obj::signal, write, static_cast<std::uint32_t>(pid), sigs});
  }
  // signal(7): a signal is delivered at the process's next step unless it is blocked; an ignored
  // one (SIG_IGN, or a default action of ignore: SIGCHLD) is discarded at generation. A step of
  // `q` writes every signal that step would take delivery of.
  // A caught signal only sets its flag at delivery (model/signal_rules.cpp, Kernel::deliver), so
  // a step that cannot tell before from after (caught_signals_observed) does not take it.
  void deliverable_signals(const Process& q, SigSet observed_caught) {
    std::uint16_t sigs = 0;
    for (Sig s : all_signals) {
      if (s != Sig::kill && q.mask.has(s)) continue;
      const SigAction& a = q.actions[static_cast<std::size_t>(s)];
      if (s != Sig::kill && a.kind == SigAction::Kind::catch_flag) caught_unblocked = true;
      if (a.kind == SigAction::Kind::ign) continue;
      if (a.kind == SigAction::Kind::dfl && s == Sig::chld) continue;
      if (a.kind == SigAction::Kind::catch_flag && !observed_caught.has(s)) continue;
      sigs |= sig_bit(s);
    }
    signals(q.pid, sigs, true);
  }
  // Every signal of `q`: its mask or dispositions change.
  void all_signals_of(Pid q) {
    std::uint16_t sigs = 0;
    for (Sig s : all_signals) sigs |= sig_bit(s);
    signals(q, sigs, true);
  }

  // A description that is not a regular file is a channel between processes: any operation on
  // it, and the last close of it, writes the channel (a pipe, both directions and both ends'
  // flags of a stream, the network). send and recv say better (stream_io).
  void channel(const OpenFile& f) {
    switch (f.kind) {
      case FileKind::pipe_read:
      case FileKind::pipe_write: add(Obj::pipe, f.object, true); break;
      case FileKind::stream: {
        const model::SockId peer = k.peer_of(f.object);
        add(Obj::socket, f.object, true);
        add(Obj::socket, peer, true);
        add(Obj::sock_state, f.object, true);
        add(Obj::sock_state, peer, true);
        add(Obj::sock_reset, f.object, true);
        add(Obj::sock_reset, peer, true);
        every_holder_of_end(peer);
        break;
      }
      case FileKind::listener:
        add(Obj::net, 0, true);
        // Its last close resets the connections nobody accepted (Kernel::close_listener): their
        // clients' sends and recvs see it.
        for (model::SockId s : k.listener(f.object).queue) unaccepted_end_closed(s);
        break;
      case FileKind::regular:
      case FileKind::null: break;
    }
  }

  // A pipe end's references, one object per holding process (pipe_end_id): a drop writes only
  // its own process's, so drops of one end by different processes commute whichever is last;
  // what the last drop changes (the end is closed) is seen only by a read at end-of-file and by
  // a write (SIGPIPE, EPIPE), which read every process's references to the other end.
  // The holder's slot: its pid below 64, else one of 1..63 (a collision only adds a dependency;
  // pids by fork path reach past 63).
  static std::uint32_t holder_slot(Pid holder) {
    const auto h = static_cast<std::uint32_t>(holder);
    return h < 64u ? h : 1u + h % 63u;
  }
  static std::uint32_t pipe_end_id(std::uint32_t pipe, bool write_end, std::uint32_t slot) {
    return ((pipe * 2u + (write_end ? 1u : 0u)) << 6) | slot;
  }
  // Every holder's slot of the end: one family read (slot 0, is_family), which conflicts with
  // a drop of any of them.
  void every_holder_of(std::uint32_t pipe, bool write_end) {
    add(Obj::pipe_end, pipe_end_id(pipe, write_end, 0), false);
  }
  // A stream end's references, one object per holding process, as a pipe end's: a drop writes
  // its own process's, so drops of one end by different processes commute whichever is last
  // (the accepted socket's three holders: the daemon, Child SEND, Child RECV). What the last one
  // does (Kernel::close_socket_end: the queue into the end discarded, FIN or RST to the peer) is
  // seen only by the peer's sends (they queue into the end, or find the peer closed) and by its
  // recvs that find their queue empty (end-of-file, or they sleep), which read every process's
  // references to the end. So the last closes of the two ends commute too: each only writes
  // its own holders' objects (the flags it sets on the other end nobody reads once that is
  // closed).
  static std::uint32_t sock_holder_id(model::SockId end, std::uint32_t slot) {
    return (static_cast<std::uint32_t>(end) << 6) | slot;
  }
  void every_holder_of_end(model::SockId end) {
    add(Obj::sock_holder, sock_holder_id(end, 0), false);  // the family: every holder's slot
  }
  // pipe(7): "If all file descriptors referring to the write end of a pipe have been closed, then
  // an attempt to read(2) from the pipe will see end-of-file"; "If all file descriptors referring
  // to the read end of a pipe have been closed, then a write(2) will cause a SIGPIPE signal to be
  // generated". A read that returns bytes does not look at the write end (a close of it leaves
  // the bytes in the pipe); one that finds the pipe empty does (it sees end-of-file, or it waits:
  // what a Go program's netpoller watches), and every write looks at the read end.
  // A read that finds the pipe empty with every write end closed returns 0 ("end-of-file") and
  // changes nothing; nobody holds a write end any more, so nothing can change that: such reads
  // only read the pipe, and commute with each other (two readers at end-of-file).
  void pipe_io(const OpenFile& f) {
    const model::PipeObj& pipe = k.pipe(f.object);
    if (f.kind == FileKind::pipe_write) {
      add(Obj::pipe, f.object, true);
      return every_holder_of(f.object, false);
    }
    if (!pipe.bytes.empty()) return add(Obj::pipe, f.object, true);
    add(Obj::pipe, f.object, pipe.write_open);
    every_holder_of(f.object, true);
  }

  // A stream end closed by its listener's last close (Kernel::close_listener: a connection
  // nobody accepted): the bytes queued into it are discarded and its peer's flags set (reset).
  void unaccepted_end_closed(model::SockId a) {
    add(Obj::socket, a, true);
    add(Obj::sock_state, k.peer_of(a), true);
  }

  // tcp(7): "It provides a reliable, stream-oriented, full-duplex connection between two
  // sockets": a stream is two byte queues, one into each end (Kernel::sock_send, sock_recv), as
  // on Linux, where each direction has its own buffer. A send through end a appends to the queue
  // into its peer b and reads a's flags (shut down, a pending error) and whether b is closed
  // (every holder of b: sock_holder); a recv through a takes from the queue into a, and when
  // that is empty reads a's flags and whether b is closed (end-of-file, or it sleeps). So a send
  // and a recv through one end (one process writing to the client, another reading from it)
  // commute.
  // Once b is closed nothing more arrives in a's queue and a's end-of-file or reset is set for
  // good: a recv that finds the queue empty returns 0 whatever a's own sends do, and a send only
  // records the reset (the bytes are dropped: `sock_reset`, which no recv reads). A step that
  // consumes a pending error, or fails because of the reset or a shutdown, touches both ends
  // (channel: conservative).
  void stream_io(const OpenFile& f, StreamDir dir) {
    const model::SockEnd& s = k.sock(f.object);
    const model::SockId peer = k.peer_of(f.object);
    if (dir == StreamDir::in) {
      if (s.rx.bytes() > 0) return add(Obj::socket, f.object, true);  // takes bytes, no flag
      if (s.error != Errno::ok) return channel(f);
      add(Obj::socket, f.object, !s.peer_closed);
      add(Obj::sock_state, f.object, false);
      return every_holder_of_end(peer);
    }
    if (s.error != Errno::ok || s.shut_wr || s.reset) return channel(f);
    add(Obj::sock_state, f.object, false);
    every_holder_of_end(peer);
    if (s.peer_closed) return add(Obj::sock_reset, f.object, true);
    add(Obj::socket, peer, true);
  }

  // What an operation through descriptor `fd` touches. `data_write`: it changes the object's
  // contents (write, send, recv: a recv consumes); `moves_offset`: read/write/lseek. `dir`: which
  // way it moves a stream's bytes, for read, write, send and recv.
  void through_fd(Fd fd, bool data_write, bool moves_offset, StreamDir dir = StreamDir::none) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= p.fds.size()) return;
    model::OfdId id = p.fds[static_cast<std::size_t>(fd)];
    if (id == 0) return;
    const OpenFile& f = k.open_file(id);
    if (f.kind == FileKind::pipe_read || f.kind == FileKind::pipe_write) return pipe_io(f);
    if (f.kind == FileKind::stream && dir != StreamDir::none) return stream_io(f, dir);
    if (f.kind != FileKind::regular) return channel(f);
    if (moves_offset) add(Obj::offset, id, true);
    add(Obj::bytes, f.object, data_write);
  }

  // close(2) of one reference: "If fd is the last file descriptor referring to the underlying
  // open file description, the resources associated with the open file description are freed".
  // Dropping a reference commutes with taking one (fork, dup: the taker holds one, so the drop
  // is not the last either way); what the last close frees is written: a held flock lock, a pipe
  // end or stream end (per holder: pipe_end, sock_holder), a listener. For a listener every drop
  // writes the description's reference count, so drops of one by different processes are
  // ordered and the one that frees it is the same in every equivalent execution; only the last
  // writes the network (a drop that leaves another reference changes nothing anyone can see).
  // `dropped`: how many of the description's references this step drops (exit and exec drop
  // every descriptor of the process; it may hold one description twice, by dup).
  void drop(model::OfdId id, int dropped = 1) {
    if (id == 0) return;
    const OpenFile& f = k.open_file(id);
    if (f.kind == FileKind::null) return;  // /dev/null: nothing to free
    if (f.kind == FileKind::pipe_read || f.kind == FileKind::pipe_write) {
      add(Obj::pipe_end, pipe_end_id(f.object, f.kind == FileKind::pipe_write, holder_slot(p.pid)),
          true);
      return;
    }
    if (f.kind == FileKind::stream) {
      add(Obj::sock_holder, sock_holder_id(f.object, holder_slot(p.pid)), true);
      return;
    }
    if (f.kind != FileKind::regular) {
      add(Obj::refs, id, true);
      if (f.refs > dropped) return;
      return channel(f);
    }
    // A drop through a description that holds no lock reads its lock: a flock through the
    // description by another process (which writes it) changes what the drop releases.
    if (f.lock == model::LockMode::none) return add(Obj::flock_sh, flock_sh_id(id, f), false);
    flock_on(id, f, f.lock == model::LockMode::sh);
  }

  // One object per (inode, description), hashed: a collision only adds a dependency.
  static std::uint32_t flock_sh_id(model::OfdId id, const OpenFile& f) {
    return (static_cast<std::uint32_t>(f.object) << 12) | (static_cast<std::uint32_t>(id) & 0xfffu);
  }

  // flock(2) on the inode of description `id`, which holds `f.lock`. Linux (fs/locks.c,
  // flock_lock_inode) grants a LOCK_SH when no held lock conflicts with it (only a LOCK_EX does:
  // waiting requests never refuse one) and appends it to the inode's holder list; a request that
  // must wait blocks on the first held lock in that list it conflicts with. So the list's order
  // is visible to a later LOCK_EX (which holder's release wakes it), and two granted LOCK_SH of
  // different descriptions stay ordered (`flock_list`). A release of a LOCK_SH (LOCK_UN, or the
  // last close) removes one holder and wakes the requests blocked on it, which are LOCK_EX ones:
  // it commutes with another description's LOCK_SH (granted either way, the list ends the same)
  // and with another shared release, and conflicts with every exclusive request and holder
  // (`locks`, which those write and a shared request or release reads). `shared_only`: the step
  // requests or releases a shared lock and the description holds no exclusive one.
  void flock_on(model::OfdId id, const OpenFile& f, bool shared_only) {
    add(Obj::flock_sh, flock_sh_id(id, f), true);
    add(Obj::locks, f.object, !shared_only);
    if (!shared_only) add(Obj::flock_list, f.object, true);
  }

  // Every descriptor of the process at once (exit, exec).
  void drop_all() {
    for (std::size_t i = 0; i < p.fds.size(); ++i) {
      const model::OfdId id = p.fds[i];
      if (id == 0 || std::find(p.fds.begin(), p.fds.begin() + static_cast<std::ptrdiff_t>(i), id) !=
                         p.fds.begin() + static_cast<std::ptrdiff_t>(i))
        continue;  // counted at its first descriptor
      drop(id, static_cast<int>(std::count(p.fds.begin(), p.fds.end(), id)));
    }
  }

  void children_of_self() {
    for (Pid c : p.children) add(Obj::child, static_cast<std::uint32_t>(c), true);
  }

  // fork(2): "The child has its own unique process ID, and this PID does not match the ID of any
  // existing process group (setpgid(2)) or session"; which one is not said. With pids in order
  // (sequential, as a fresh system hands them out), which pid a fork
  // hands out depends on every fork before it: two forks write `pidtable`, so they are ordered and
  // a pid names the same process in equivalent executions. With pids by fork path
  // (KernelConfig::path_pids) the child's pid is a function of its parent and the parent's own
  // earlier forks (its own state): forks of different parents commute. Either way the fork writes
  // the child-to-be (kill(pid) of it fails before and succeeds after; getpgid and setpgid of it
  // read its group) and reads its group's membership (kill(-g) reaches the child after the fork,
  // not before; waitpid(0) and waitpid(-g) read each child's `pgrp`); the parent's children list
  // is its own state (waitpid(-1) is a step of the parent).
  void op(const model::op::Fork&) {
    if (!k.path_pids()) add(Obj::pidtable, 0, true);
    if (const Pid c = k.next_child_pid(p.pid); c != 0) {
      add(Obj::alive, static_cast<std::uint32_t>(c), true);
      add(Obj::pgrp, static_cast<std::uint32_t>(c), true);
      proc(c);
    }
    add(Obj::group, static_cast<std::uint32_t>(p.pgid), false);
  }
  void op(const model::op::Exit&) {
    add(Obj::child, static_cast<std::uint32_t>(p.pid), true);
    add(Obj::alive, static_cast<std::uint32_t>(p.pid), true);
    add(Obj::group, static_cast<std::uint32_t>(p.pgid), false);
    // SIGCHLD for the parent: a generation (kill's rule below), read whatever the parent's
    // disposition; whether it is discarded (SIG_DFL or SIG_IGN, unblocked) is decided by the
    // parent's sigaction(SIGCHLD) and sigprocmask, which write it.
    if (p.ppid > 0) generation(p.ppid, Sig::chld);
    for (Pid c : p.children) {  // reparented to init
      proc(c);
      add(Obj::child, static_cast<std::uint32_t>(c), true);
    }
    // wait(2): the children "are adopted by init(1)": appended to init's children list, which
    // init's forks append to and its waitpid(-1) scans oldest first; so the exit writes init's
    // own state (found by the commutation check on PathPids' two-parents program: init's fork
    // and an exit that reparents left init's children in two orders).
    if (!p.children.empty() && p.pid != 1 && k.live(1)) proc(1);
    drop_all();
  }
  // wait(2): "0 meaning wait for any child process whose process group ID is equal to that of
  // the calling process"; "< -1 meaning wait for any child process whose process group ID is
  // equal to the absolute value of pid": which children match is their groups'.
  void op(const model::op::Waitpid& o) {
    if (o.pid > 0) return add(Obj::child, static_cast<std::uint32_t>(o.pid), true);
    children_of_self();
    if (o.pid == -1) return;
    if (o.pid == 0) add(Obj::pgrp, static_cast<std::uint32_t>(p.pid), false);
    for (Pid c : p.children) add(Obj::pgrp, static_cast<std::uint32_t>(c), false);
  }
  // signal(7): "Standard signals do not queue. If multiple instances of a standard signal are
  // generated while that signal is blocked, then only one instance of the signal is marked as
  // pending". A generation (Kernel::generate) adds s to the target's pending set, a set, or
  // discards it (ignored and unblocked): what it does is decided by the target's mask and
  // disposition of s and by whether s is pending, which only the target's own steps change (its
  // delivery of s, sigprocmask, sigaction, sigsuspend, exec: they write `signal t,s`). Two
  // generations of one signal leave the same pending set in either order, so a generation reads
  // `signal t,s` and the steps that change it write it: generations by different processes
  // commute (docs/explore.md "Two generations of one signal"; a Go target's netpoller edges,
  // sim/go_footprint.cpp go_watched_edges, still order them).
  void generation(Pid target, Sig s) { signals(target, sig_bit(s), false); }
  // kill(2): generation sets the signal pending in the target (or every member of the group);
  // delivery is the target's business at its next step where the signal is unmasked.
  void op(const model::op::Kill& o) {
    if (o.pid > 0) {
      add(Obj::alive, static_cast<std::uint32_t>(o.pid), false);
      generation(o.pid, o.sig);
      return;
    }
    if (o.pid == -1) {
      e.global = true;
      return;
    }
    const Pid g = o.pid == 0 ? p.pgid : -o.pid;
    add(Obj::group, static_cast<std::uint32_t>(g), true);
    k.for_each_process([&](const Process& m) {
      if (m.state == model::ProcState::live && m.pgid == g) generation(m.pid, o.sig);
    });
  }
  // setsid/setpgid move a process between groups: both groups and the process's group
  // membership are written.
  void op(const model::op::Setsid&) {
    add(Obj::pgrp, static_cast<std::uint32_t>(p.pid), true);
    add(Obj::group, static_cast<std::uint32_t>(p.pgid), true);
    add(Obj::group, static_cast<std::uint32_t>(p.pid), true);
  }
  // setpgid(2): "setpgid() sets the PGID of the process specified by pid to pgid." Its outcome
  // reads the target's group and session (EPERM for a session leader or another session; ESRCH
  // for a process that has ended), which only setpgid, setsid and the target's end change; the
  // target's other steps do not, so they commute with it. A setpgid that sets the group the
  // target already has changes nothing: it only reads that (the fork race's second setpgid, the
  // child's own or its parent's, whichever comes last).
  void op(const model::op::Setpgid& o) {
    const Pid target = o.pid == 0 ? p.pid : o.pid;
    const Pid to = o.pgid == 0 ? target : o.pgid;
    add(Obj::alive, static_cast<std::uint32_t>(target), false);
    const bool known = k.exists(target);
    const bool no_change = known && k.process(target).pgid == to;
    add(Obj::pgrp, static_cast<std::uint32_t>(target), !no_change);
    if (no_change) return;
    if (known) add(Obj::group, static_cast<std::uint32_t>(k.process(target).pgid), true);
    add(Obj::group, static_cast<std::uint32_t>(to), true);
  }
  // sigaction(2) changes the action of one signal: "signum specifies the signal". Setting it to
  // be ignored discards it if pending (Kernel::sys(Sigaction)). The other signals' actions, the
  // mask and the pending set of the others stay as they were, so a generation of another signal
  // commutes with it (a caught one only sets its flag, which sigaction neither reads nor clears:
  // caught_signals_observed).
  void op(const model::op::Sigaction& o) { signals(p.pid, sig_bit(o.sig), true); }
  // Only the signals whose blocked state it changes: one that stays blocked stays pending either
  // way, one that stays unblocked is delivered by whichever step comes (deliverable_signals).
  void op(const model::op::Sigprocmask& o) {
    const SigSet changed = mask_changed(p, o);
    std::uint16_t sigs = 0;
    for (Sig s : all_signals)
      if (changed.has(s)) sigs |= sig_bit(s);
    signals(p.pid, sigs, true);
  }
  void op(const model::op::Sigsuspend&) { all_signals_of(p.pid); }
  // getpgid(p) of a process not yet made, or reaped, fails (ESRCH).
  void op(const model::op::Getpgid& o) {
    const Pid t = o.pid > 0 ? o.pid : p.pid;
    add(Obj::pgrp, static_cast<std::uint32_t>(t), false);
    if (o.pid > 0) add(Obj::child, static_cast<std::uint32_t>(t), false);
  }
  void op(const model::op::Alarm&) { add(Obj::clock, 0, false); }
  void op(const model::op::Now&) { add(Obj::clock, 0, false); }
  void op(const model::op::Sleep&) { add(Obj::clock, 0, false); }
  // open(2): "O_CREAT If pathname does not exist, create it as a regular file." Of a name that
  // exists, O_CREAT creates nothing: the open only looks the name up, as one without O_CREAT
  // does, so opens of an existing name commute (a creation or an unlink writes the name, so
  // whether it exists is the same in every order the relation allows). "O_TRUNC If the file
  // already exists and is a regular file and the access mode allows writing ... it will be
  // truncated to length 0": that writes the inode's bytes. Without it the open reads nothing of
  // the file: the new description's offset is 0 whatever the file holds, so it commutes with
  // writes of the file. A name not yet created is covered by the name object.
  void op(const model::op::Open& o) {
    bool exists = false;
    for (const model::Touch& t : k.footprint(p.pid).touches) {
      if (t.kind != model::ObjKind::inode) continue;
      exists = true;
      if (has_flag(o.flags, OpenFlags::trunc)) add(Obj::bytes, t.id, true);
    }
    add(Obj::name, name_id(o.path), !exists && has_flag(o.flags, OpenFlags::creat));
  }
  void op(const model::op::Unlink& o) { add(Obj::name, name_id(o.path), true); }
  void op(const model::op::Close& o) {
    if (o.fd >= 0 && static_cast<std::size_t>(o.fd) < p.fds.size())
      drop(p.fds[static_cast<std::size_t>(o.fd)]);
  }
  void op(const model::op::Read& o) { through_fd(o.fd, false, true, StreamDir::in); }
  void op(const model::op::Write& o) { through_fd(o.fd, true, true, StreamDir::out); }
  void op(const model::op::Pread& o) { through_fd(o.fd, false, false); }
  void op(const model::op::Pwrite& o) { through_fd(o.fd, true, false); }
  void op(const model::op::Lseek& o) { through_fd(o.fd, false, true); }
  void op(const model::op::FileSize& o) { through_fd(o.fd, false, false); }
  void op(const model::op::Flock& o) {
    if (o.fd < 0 || static_cast<std::size_t>(o.fd) >= p.fds.size()) return;
    model::OfdId id = p.fds[static_cast<std::size_t>(o.fd)];
    if (id == 0) return;
    const OpenFile& f = k.open_file(id);
    if (f.kind != FileKind::regular) return;
    const bool shared_only =
        o.args.op != LockOp::ex && f.lock != model::LockMode::ex;  // LOCK_SH or LOCK_UN
    flock_on(id, f, shared_only);
    // A LOCK_SH that takes a new lock is appended to the holder list (a release is not).
    if (o.args.op == LockOp::sh && f.lock == model::LockMode::none)
      add(Obj::flock_list, f.object, true);
  }
  void op(const model::op::Listen&) { add(Obj::net, 0, true); }
  void op(const model::op::Connect&) { add(Obj::net, 0, true); }
  void op(const model::op::Accept&) { add(Obj::net, 0, true); }
  void op(const model::op::LocalPort&) { add(Obj::net, 0, false); }
  void op(const model::op::Recv& o) { through_fd(o.fd, true, false, StreamDir::in); }
  void op(const model::op::Send& o) { through_fd(o.fd, true, false, StreamDir::out); }
  void op(const model::op::Shutdown& o) { through_fd(o.fd, true, false); }
  // execve(2): "By default, file descriptors remain open across an execve()" except those marked
  // close-on-exec; "Dispositions of any signals that are being caught are reset to the default".
  // Conservative: every descriptor may be dropped and every signal of the process changes.
  void op(const model::op::Exec&) {
    all_signals_of(p.pid);
    drop_all();
  }
  // The process's own state only: getpid, pause, take_caught, dup (a new reference commutes with
  // drops), pipe (fresh objects), log.
  void op(const model::op::Getpid&) {}
  void op(const model::op::Pause&) {}
  void op(const model::op::TakeCaught&) {}
  void op(const model::op::Dup&) {}
  void op(const model::op::Pipe&) {}
  void op(const model::op::Log&) {}
  // getppid and PR_SET_PDEATHSIG read or set the caller's own state; a parent's exit writes its
  // children's process state (reparenting, the death signal), so it conflicts with both already.
  void op(const model::op::Getppid&) {}
  void op(const model::op::SetPdeathsig&) {}
  // ftruncate(2) changes the file's contents (and size) without moving any offset.
  void op(const model::op::Ftruncate& o) { through_fd(o.fd, true, false); }
  // An operation this file does not know yet (a new Os call) depends on everything: unsure means
  // conservative, never silently independent.
  template <class T>
  void op(const T&) {
    e.global = true;
  }
};

}  // namespace

// A caught signal delivered at a step sets the process's caught flag and nothing else unless the
// step blocks (delivery before it: the flag is set and it sleeps; after: the signal interrupts
// it), reads or changes the signal state (take_caught, sigprocmask, sigaction, sigsuspend, pause,
// exec), or copies or ends the process (fork copies the flags, exit). These calls never block
// (none calls Kernel::block) and touch none of that, so delivering the signal at them or at the
// process's next step is the same; every other call, and any call added later, observes.
bool observes_caught_signals(model::OpKind kind) {
  using K = model::OpKind;
  switch (kind) {
    case K::getpid:
    case K::getppid:
    case K::getpgid:
    case K::log:
    case K::alarm:
    case K::now:
    case K::open:
    case K::close:
    case K::dup:
    case K::pipe:
    case K::pread:
    case K::file_size:
    case K::unlink:
    case K::listen:
    case K::local_port:
    case K::set_pdeathsig:
    case K::kill: return false;
    default: return true;
  }
}

// Which caught signals a step observes: none for the calls above; for take_caught(s) only s (it
// reads and clears s's flag and never blocks: another caught signal's flag set before or after it
// is the same); for sigprocmask only the signals whose blocked state it changes (it never blocks
// and reads no flag: a caught signal that stays unblocked is delivered at it or at the next step
// alike); for sigaction(s) only s (it changes s's action alone and never blocks); every signal for
// every other call.
SigSet caught_signals_observed(const Process& p) {
  if (!observes_caught_signals(model::kind_of(*p.pending))) return SigSet{};
  if (const auto* t = std::get_if<model::op::TakeCaught>(&*p.pending)) return SigSet{t->sig};
  if (const auto* a = std::get_if<model::op::Sigaction>(&*p.pending)) return SigSet{a->sig};
  if (const auto* m = std::get_if<model::op::Sigprocmask>(&*p.pending)) return mask_changed(p, *m);
  return SigSet::from_bits(~std::uint64_t{0});
}

void effect_of(const model::Kernel& k, Pid pid, Effect& out, bool& blocked_is_event) {
  out.pid = pid;
  out.global = false;
  out.access.clear();
  const Process& p = k.process(pid);
  Builder b{k, p, out};
  b.proc(pid);
  b.deliverable_signals(p, caught_signals_observed(p));
  std::visit([&](const auto& o) { b.op(o); }, *p.pending);
  // blocked_step_is_event's rule, from the same pass over the signals.
  blocked_is_event = b.caught_unblocked || model::kind_of(*p.pending) == model::OpKind::flock;
}

void effect_of(const model::Kernel& k, Pid pid, Effect& out) {
  bool blocked_is_event = false;
  effect_of(k, pid, out, blocked_is_event);
}

void op_effect(const model::Kernel& k, Pid pid, const model::Op& op, Effect& out) {
  Builder b{k, k.process(pid), out};
  std::visit([&](const auto& o) { b.op(o); }, op);
}

void go_actor_effect(Pid actor, Effect& out) {
  out.pid = actor;
  out.global = true;
  out.access.clear();
}

Effect effect_of(const model::Kernel& k, Pid pid) {
  Effect e;
  effect_of(k, pid, e);
  return e;
}

bool dependent(const Effect& a, const Effect& b) {
  if (a.pid == b.pid || a.global || b.global) return true;
  for (const Access& x : a.access)
    for (const Access& y : b.access)
      if (conflict(x, y)) return true;
  return false;
}

bool blocked_step_is_event(const model::Kernel& k, Pid pid) {
  const Process& p = k.process(pid);
  const bool caught_unblocked =
      std::any_of(std::begin(all_signals), std::end(all_signals), [&](Sig s) {
        return s != Sig::kill && !p.mask.has(s) &&
               p.actions[static_cast<std::size_t>(s)].kind == SigAction::Kind::catch_flag;
      });
  return caught_unblocked || model::kind_of(*p.pending) == model::OpKind::flock;
}

void blocked_effect_of(const model::Kernel& k, Pid pid, Effect& out) {
  if (blocked_step_is_event(k, pid)) return effect_of(k, pid, out);
  out.pid = pid;
  out.global = false;
  out.access.clear();
}

std::string_view obj_name(Obj o) {
  switch (o) {
    case Obj::process: return "process";
    case Obj::alive: return "alive";
    case Obj::signal: return "signal";
    case Obj::group: return "group";
    case Obj::child: return "child";
    case Obj::pidtable: return "pidtable";
    case Obj::bytes: return "bytes";
    case Obj::locks: return "locks";
    case Obj::offset: return "offset";
    case Obj::pipe: return "pipe";
    case Obj::socket: return "socket";
    case Obj::sock_state: return "sock_state";
    case Obj::sock_reset: return "sock_reset";
    case Obj::sock_holder: return "sock_holder";
    case Obj::net: return "net";
    case Obj::name: return "name";
    case Obj::clock: return "clock";
    case Obj::refs: return "refs";
    case Obj::pgrp: return "pgrp";
    case Obj::pipe_end: return "pipe_end";
    case Obj::flock_sh: return "flock_sh";
    case Obj::flock_list: return "flock_list";
    case Obj::go_sched: return "go_sched";
    case Obj::go_g: return "go_g";
    case Obj::go_mutex: return "go_mutex";
    case Obj::go_rw: return "go_rw";
    case Obj::go_cond: return "go_cond";
    case Obj::go_chan: return "go_chan";
    case Obj::go_kq: return "go_kq";
    case Obj::go_task: return "go_task";
    case Obj::go_p: return "go_p";
  }
  return "?";
}

}  // namespace papaya::sim

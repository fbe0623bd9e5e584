// The kernel's objects as plain values (xv6's object graph): a process's fd table points at open
// file descriptions; a description points at an inode, a pipe end, a listening socket or one end
// of a connection. Ids index the Kernel's tables; id 0 means "none". Ids are never reused in a run.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "model/segments.hpp"
#include "os/errno.hpp"
#include "os/types.hpp"

namespace papaya::model {

using OfdId = std::uint32_t;
using InodeId = std::uint32_t;
using PipeId = std::uint32_t;
using SockId = std::uint32_t;

enum class LockMode : std::uint8_t { none, sh, ex };

// A regular file. The name table (Kernel::names_) maps paths to inodes; an unlinked inode lives
// while a description refers to it.
struct Inode {
  std::string bytes;
  unsigned mode = 0;
  bool linked = true;
  int open_descriptions = 0;
  // flock(2) state: the descriptions holding a lock on this file, in the order the locks were
  // granted (fs/locks.c's ctx->flc_flock list: a new lock goes at the tail, and a request is
  // blocked on the first held lock it conflicts with).
  std::vector<OfdId> flocks;
  // i_rwsem: the process whose multi-page write is in progress (writers exclude one another;
  // readers do not wait for it, so they can see the write half done).
  Pid writer = 0;
  // Byte ranges [first, second) that no write ever filled (holes); reading them is flagged.
  std::vector<std::pair<Offset, Offset>> holes;
};

enum class FileKind : std::uint8_t { null, regular, pipe_read, pipe_write, listener, stream };

// An open file description (open(2)): what fork and dup share.
struct OpenFile {
  FileKind kind = FileKind::null;
  OpenFlags flags = OpenFlags::rdonly;
  Offset offset = 0;
  int refs = 0;                    // descriptors, in any process, that refer to it
  std::uint32_t object = 0;        // InodeId, PipeId or SockId according to `kind`
  LockMode lock = LockMode::none;  // this description's flock lock (mirrors the inode's holders)
  Pid pos_holder = 0;  // f_pos_lock: held across a multi-page write through this description
  // The flock requests blocked on this description's lock, oldest first (fs/locks.c's
  // fl_blocked_requests of the held lock): woken, all of them, when the lock goes.
  std::vector<Pid> flock_blocked;
};

// pipe(7): a bounded byte queue between a read end and a write end.
struct PipeObj {
  std::string bytes;  // unread bytes, oldest first
  bool read_open = true;
  bool write_open = true;
};

// A listening socket: connections the kernel completed, waiting for accept().
struct Listener {
  std::uint16_t port = 0;
  int backlog = 0;
  std::deque<SockId> queue;  // server ends of established, not yet accepted connections
  bool open = true;
};

// One end of a TCP connection. A connection is two byte streams: what the peer sent to this end
// arrives in `rx`, as segments (a send may be cut into several).
struct SockEnd {
  SockId peer = 0;
  std::uint16_t local_port = 0;
  Segments rx;               // bytes not yet received, oldest first, in their segments
  bool rx_fin = false;       // the peer shut down writing or closed: EOF after rx drains
  bool shut_rd = false;      // shutdown(SHUT_RD) here
  bool shut_wr = false;      // shutdown(SHUT_WR) here
  bool open = true;          // a descriptor still refers to this end
  bool peer_closed = false;  // the peer end is closed (nobody will read what we send)
  bool reset = false;        // an RST arrived: sends fail with EPIPE
  Errno error = Errno::ok;   // a pending socket error (ECONNRESET), reported once
};

}  // namespace papaya::model

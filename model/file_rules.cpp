// File rules: the flat name space, open file descriptions shared by dup and fork, offsets,
// O_APPEND, reads and page-by-page writes of regular files, close and last close.
#include <algorithm>
#include <cstring>

#include "model/check.hpp"
#include "model/kernel.hpp"
#include "model/limits.hpp"

namespace papaya::model {

namespace {
std::string lock_name(LockMode m) { return m == LockMode::ex ? "LOCK_EX" : "LOCK_SH"; }

// Removes [a, b) from the holes list: those bytes have now been written.
void fill_holes(std::vector<std::pair<Offset, Offset>>& holes, Offset a, Offset b) {
  std::vector<std::pair<Offset, Offset>> out;
  for (auto [h0, h1] : holes) {
    if (h1 <= a || h0 >= b) {
      out.emplace_back(h0, h1);
      continue;
    }
    if (h0 < a) out.emplace_back(h0, a);
    if (h1 > b) out.emplace_back(b, h1);
  }
  holes.swap(out);
}
}  // namespace

bool Kernel::readable(const OpenFile& f) { return !has_flag(f.flags, OpenFlags::wronly); }
bool Kernel::writable(const OpenFile& f) {
  return has_flag(f.flags, OpenFlags::wronly) || has_flag(f.flags, OpenFlags::rdwr);
}

// open(2): "The file descriptor returned by a successful call will be the lowest-numbered file
// descriptor not currently open for the process." "EMFILE The per-process limit on the number of
// open file descriptors has been reached".
std::optional<Fd> Kernel::lowest_free_fd(const Process& p) const {
  for (std::size_t fd = 0; fd < p.fds.size(); ++fd)
    if (p.fds[fd] == 0) return static_cast<Fd>(fd);
  if (p.fds.size() < static_cast<std::size_t>(limits::fds_per_process))
    return static_cast<Fd>(p.fds.size());
  return std::nullopt;
}

Result<OfdId> Kernel::new_open_file(FileKind kind, OpenFlags flags, std::uint32_t object) {
  if (files_.size() >= limits::open_files) return Errno::emfile;
  OpenFile& f = files_.emplace_back();
  f.kind = kind;
  f.flags = flags;
  f.object = object;
  return static_cast<OfdId>(files_.size() - 1);
}

Outcome Kernel::install_fd(Process& p, OfdId id, bool cloexec) {
  std::optional<Fd> fd = lowest_free_fd(p);
  PAPAYA_ASSERT(fd.has_value(), "install_fd without a free descriptor (check first)");
  auto slot = static_cast<std::size_t>(*fd);
  if (slot == p.fds.size()) p.fds.push_back(0);
  p.fds[slot] = id;
  if (p.cloexec.size() < p.fds.size()) p.cloexec.resize(p.fds.size(), 0);
  p.cloexec[slot] = cloexec ? 1 : 0;
  ++files_[id].refs;
  return Outcome::value(*fd);
}

// open(2): "If the specified file does not exist, it may optionally (if O_CREAT is specified in
// flags) be created by open()." "EEXIST pathname already exists and O_CREAT and O_EXCL were used."
// "O_TRUNC If the file already exists and is a regular file and the access mode allows writing
// (i.e., is O_RDWR or O_WRONLY) it will be truncated to length 0." Paths are one flat name space:
// any string names a file, no directories.
Outcome Kernel::sys(Process& p, const op::Open& o) {
  if (o.path.empty()) return Outcome::error(Errno::enoent);
  if (o.path.size() > limits::path_length) return Outcome::error(Errno::enametoolong);
  if (has_flag(o.flags, OpenFlags::wronly) && has_flag(o.flags, OpenFlags::rdwr))
    return Outcome::error(Errno::einval);
  if (!lowest_free_fd(p)) return Outcome::error(Errno::emfile);
  auto it = names_.find(o.path);
  InodeId ino_id = 0;
  if (it != names_.end()) {
    if (has_flag(o.flags, OpenFlags::creat) && has_flag(o.flags, OpenFlags::excl))
      return Outcome::error(Errno::eexist);
    ino_id = it->second;
  } else {
    if (!has_flag(o.flags, OpenFlags::creat)) return Outcome::error(Errno::enoent);
    if (inodes_.size() >= limits::inodes) return Outcome::error(Errno::enospc);
    Inode& ino = inodes_.emplace_back();
    ino.mode = o.mode;
    ino_id = static_cast<InodeId>(inodes_.size() - 1);
    names_.emplace(std::string(o.path), ino_id);
  }
  Result<OfdId> id = new_open_file(FileKind::regular, o.flags, ino_id);
  if (!id) return Outcome::error(id.error());
  Inode& ino = inodes_[ino_id];
  ++ino.open_descriptions;
  if (has_flag(o.flags, OpenFlags::trunc) && writable(files_[*id])) {
    ino.bytes.clear();
    ino.holes.clear();
  }
  // open(2): "O_CLOEXEC Enable the close-on-exec flag for the new file descriptor."
  return install_fd(p, *id, has_flag(o.flags, OpenFlags::cloexec)).on_file(ino_id);
}

// close(2): "close() closes a file descriptor, so that it no longer refers to any file and may be
// reused." "If fd is the last file descriptor referring to the underlying open file description
// (see open(2)), the resources associated with the open file description are freed; if the file
// descriptor was the last reference to a file which has been removed using unlink(2), the file is
// deleted."
Outcome Kernel::sys(Process& p, const op::Close& o) {
  if (!file_of(p, o.fd)) return Outcome::error(Errno::ebadf);
  close_fd(p, o.fd);
  return Outcome::value(0);
}

void Kernel::close_fd(Process& p, Fd fd) {
  auto slot = static_cast<std::size_t>(fd);
  OfdId id = p.fds[slot];
  PAPAYA_ASSERT(id != 0 && files_[id].refs > 0, "close of a descriptor that is not open");
  p.fds[slot] = 0;
  if (slot < p.cloexec.size()) p.cloexec[slot] = 0;
  if (--files_[id].refs == 0) release_description(id);
}

// The last reference to an open file description is gone: flock(2): "the lock is released either
// by an explicit LOCK_UN operation on any of these duplicate file descriptors, or when all such
// file descriptors have been closed." Pipe ends and socket ends close.
void Kernel::release_description(OfdId id) {
  OpenFile& f = files_[id];
  PAPAYA_ASSERT(f.refs == 0, "release of a description still referred to");
  PAPAYA_ASSERT(f.pos_holder == 0, "release of a description whose f_pos_lock is held");
  switch (f.kind) {
    case FileKind::regular: {
      Inode& ino = inodes_[f.object];
      if (f.lock != LockMode::none) flock_release(id);
      PAPAYA_ASSERT(ino.open_descriptions > 0, "inode open count underflow");
      if (--ino.open_descriptions == 0 && !ino.linked) {
        ino.bytes.clear();
        ino.bytes.shrink_to_fit();
      }
      break;
    }
    case FileKind::pipe_read:
      pipes_[f.object].read_open = false;
      wake(Chan{ChanKind::pipe, f.object});
      break;
    case FileKind::pipe_write:
      pipes_[f.object].write_open = false;
      wake(Chan{ChanKind::pipe, f.object});
      break;
    case FileKind::listener: close_listener(f.object); break;
    case FileKind::stream: close_socket_end(f.object); break;
    case FileKind::null: break;
  }
}

// dup(2): "The dup() system call allocates a new file descriptor that refers to the same open file
// description as the descriptor oldfd." "The new file descriptor number is guaranteed to be the
// lowest-numbered file descriptor that was unused in the calling process."
Outcome Kernel::sys(Process& p, const op::Dup& o) {
  if (!file_of(p, o.fd)) return Outcome::error(Errno::ebadf);
  if (!lowest_free_fd(p)) return Outcome::error(Errno::emfile);
  return install_fd(p, p.fds[static_cast<std::size_t>(o.fd)]);
}

// Since Linux 3.14 (read(2), write(2) BUGS), read/write/lseek on a shared description hold its
// f_pos_lock, so offset updates are atomic; a multi-page write holds it across its pages.
bool Kernel::pos_lock_free(const Process& p, const OpenFile& f) const {
  return f.pos_holder == 0 || f.pos_holder == owner(p);
}

// Writers of one inode exclude one another (i_rwsem) for the whole write; readers do not take it.
bool Kernel::writer_lock_free(const Process& p, const Inode& ino) const {
  return ino.writer == 0 || ino.writer == owner(p);
}

// read(2): "If the file offset is at or past the end of file, no bytes are read, and read()
// returns zero." A regular file's read is never short below end of file. Stricter than Linux:
// reading a hole (bytes nobody wrote) is flagged.
std::size_t Kernel::read_inode(OpenFile&, Inode& ino, std::span<char> buf, Offset off) {
  auto size = static_cast<Offset>(ino.bytes.size());
  if (off >= size) return 0;
  std::size_t n = std::min(buf.size(), static_cast<std::size_t>(size - off));
  if (n > 0) std::memcpy(buf.data(), ino.bytes.data() + off, n);
  Offset end = off + static_cast<Offset>(n);
  for (auto [h0, h1] : ino.holes)
    if (h0 < end && h1 > off) {
      warn("read of bytes nobody wrote (a hole at offset " + std::to_string(h0) + ")");
      break;
    }
  return n;
}

// read(2): "On files that support seeking, the read operation commences at the file offset, and
// the file offset is incremented by the number of bytes read." "EBADF fd is not a valid file
// descriptor or is not open for reading."
Outcome Kernel::sys(Process& p, const op::Read& o) {
  OpenFile* f = file_of(p, o.fd);
  if (!f || !readable(*f)) return Outcome::error(Errno::ebadf);
  switch (f->kind) {
    case FileKind::regular: {
      if (!pos_lock_free(p, *f))
        return block(p, Chan{ChanKind::ofd_pos, p.fds[static_cast<std::size_t>(o.fd)]});
      Offset at = f->offset;
      std::size_t n = read_inode(*f, inodes_[f->object], o.buf, at);
      f->offset += static_cast<Offset>(n);
      return Outcome::value(static_cast<std::int64_t>(n))
          .on_file(f->object, at, static_cast<std::int64_t>(n));
    }
    case FileKind::pipe_read: return pipe_read(p, pipes_[f->object], f->object, o.buf);
    case FileKind::stream: return sock_recv(p, f->object, o.buf);
    case FileKind::listener: return Outcome::error(Errno::enotconn);
    case FileKind::pipe_write: return Outcome::error(Errno::ebadf);
    case FileKind::null: return Outcome::value(0);
  }
  return Outcome::error(Errno::einval);
}

// write(2): "For a seekable file (i.e., one to which lseek(2) may be applied, for example, a
// regular file) writing takes place at the file offset, and the file offset is incremented by the
// number of bytes actually written. If the file was open(2)ed with O_APPEND, the file offset is
// first set to the end of the file before writing. The adjustment of the file offset and the write
// operation are performed as an atomic step." A write to a socket is send(2) without MSG_NOSIGNAL.
Outcome Kernel::sys(Process& p, const op::Write& o) {
  OpenFile* f = file_of(p, o.fd);
  if (!f || !writable(*f)) return Outcome::error(Errno::ebadf);
  OfdId id = p.fds[static_cast<std::size_t>(o.fd)];
  switch (f->kind) {
    case FileKind::regular: return write_regular(p, id, o.bytes, std::nullopt);
    case FileKind::pipe_write: return pipe_write(p, pipes_[f->object], f->object, o.bytes);
    case FileKind::stream: return sock_send(p, f->object, o.bytes, false);
    case FileKind::listener: return Outcome::error(Errno::enotconn);
    case FileKind::pipe_read: return Outcome::error(Errno::ebadf);
    case FileKind::null: return Outcome::value(static_cast<std::int64_t>(o.bytes.size()));
  }
  return Outcome::error(Errno::einval);
}

// A regular-file write, one page per step. The first step takes the inode's writer lock (writers
// exclude one another for the whole write: O_APPEND writes never interleave or tear) and, for
// write(2), the description's f_pos_lock, and fixes the position (O_APPEND: the end, in the same
// step). Each step copies up to the next page boundary and grows the file, so a concurrent reader
// (who takes neither lock) sees the write page by page. write(2): "partial writes can occur ...
// because there was insufficient space on the disk device": at limits::file_bytes the write stops
// short (EFBIG, reported as ENOSPC, when nothing was written).
Outcome Kernel::write_regular(Process& p, OfdId id, std::string_view bytes,
                              std::optional<Offset> at) {
  OpenFile& f = files_[id];
  Inode& ino = inodes_[f.object];
  Progress& g = p.progress;
  if (!g.active) {
    if (bytes.empty()) return Outcome::value(0);
    if (!writer_lock_free(p, ino)) return block(p, Chan{ChanKind::inode_write, f.object});
    if (!at && !pos_lock_free(p, f)) return block(p, Chan{ChanKind::ofd_pos, id});
    g = Progress{};
    g.active = true;
    g.inode = f.object;
    ino.writer = owner(p);
    wake(Chan{ChanKind::inode_write, f.object});
    if (!at) {
      g.pos_ofd = id;
      f.pos_holder = owner(p);
      wake(Chan{ChanKind::ofd_pos, id});
    }
    bool append = has_flag(f.flags, OpenFlags::append);
    g.pos = append ? static_cast<Offset>(ino.bytes.size()) : at ? *at : f.offset;
    offer_disk_full(f.object, bytes.size());
  }
  PAPAYA_ASSERT(ino.writer == owner(p) && g.inode == f.object,
                "a page of a write without the writer lock");
  std::size_t left = bytes.size() - g.done;
  std::size_t page_room = limits::page_size - static_cast<std::size_t>(g.pos) % limits::page_size;
  std::size_t n = std::min(left, page_room);
  auto limit = static_cast<Offset>(limits::file_bytes);
  if (g.pos >= limit)
    n = 0;
  else
    n = std::min(n, static_cast<std::size_t>(limit - g.pos));
  n = fs_room(f.object, g.pos, n);
  if (n == 0) {
    Outcome out = g.done > 0 ? Outcome::value(static_cast<std::int64_t>(g.done))
                             : Outcome::error(Errno::enospc);
    out.on_file(f.object, g.pos, 0);
    finish_write(p);
    return out;
  }
  auto size = static_cast<Offset>(ino.bytes.size());
  if (g.pos > size) ino.holes.emplace_back(size, g.pos);
  Offset end = g.pos + static_cast<Offset>(n);
  if (end > size) ino.bytes.resize(static_cast<std::size_t>(end), '\0');
  std::memcpy(ino.bytes.data() + g.pos, bytes.data() + g.done, n);
  if (!ino.holes.empty()) fill_holes(ino.holes, g.pos, end);
  const Offset page_at = g.pos;
  g.pos = end;
  g.done += n;
  if (g.done < bytes.size())
    return Outcome::progress().on_file(f.object, page_at, static_cast<std::int64_t>(n));
  Outcome out = Outcome::value(static_cast<std::int64_t>(g.done));
  out.on_file(f.object, page_at, static_cast<std::int64_t>(n));
  finish_write(p);
  return out;
}

// The disk-full fault (KernelConfig::disk_full_path): the log alone on a file system that can
// fill. write(2): "ENOSPC The device containing the file referred to by fd has no room for the
// data." and "The number of bytes written may be less than count if, for example, there is
// insufficient space on the underlying physical medium". At the first step of each write to the
// log one fault decision: while there is room, whether the file system fills now (then a second:
// how many of this write's bytes still fit, [0, count): 0 is ENOSPC, more is a short write); while
// it is full, whether space returns (an operator freed some). Space the log gives back (a writer
// cutting its torn tail with ftruncate) is room again under the same limit.
void Kernel::offer_disk_full(InodeId ino, std::size_t count) {
  if (config_.disk_full_path.empty() || count == 0) return;
  auto it = names_.find(config_.disk_full_path);
  if (it == names_.end() || it->second != ino) return;
  if (fs_limit_) {
    if (choices_.choose(2, DecisionKind::fault) == 1) fs_limit_.reset();
    return;
  }
  if (choices_.choose(2, DecisionKind::fault) == 0) return;
  const std::uint64_t fit = choices_.choose(
      static_cast<std::uint32_t>(std::min<std::size_t>(count, 1u << 20)), DecisionKind::fault);
  fs_limit_ = inodes_[ino].bytes.size() + fit;
}

std::size_t Kernel::fs_room(InodeId ino, Offset pos, std::size_t n) const {
  if (!fs_limit_) return n;
  auto it = names_.find(config_.disk_full_path);
  if (it == names_.end() || it->second != ino) return n;
  const auto size = static_cast<Offset>(inodes_[ino].bytes.size());
  const Offset end = std::max(size, static_cast<Offset>(*fs_limit_));  // the most the file holds
  if (pos >= end) return 0;
  return std::min(n, static_cast<std::size_t>(end - pos));
}

// Ends a multi-step write (completed, interrupted, or the writer died): the offset advances by what
// was written, the locks are released and their waiters woken.
void Kernel::finish_write(Process& p) {
  Progress& g = p.progress;
  if (!g.active) return;
  if (g.pos_ofd != 0) {
    OpenFile& f = files_[g.pos_ofd];
    PAPAYA_ASSERT(f.pos_holder == owner(p), "f_pos_lock released by a non-holder");
    if (f.kind == FileKind::regular) f.offset = g.pos;
    f.pos_holder = 0;
    wake(Chan{ChanKind::ofd_pos, g.pos_ofd});
  }
  if (g.inode != 0) {
    Inode& ino = inodes_[g.inode];
    PAPAYA_ASSERT(ino.writer == owner(p), "writer lock released by a non-holder");
    ino.writer = 0;
    wake(Chan{ChanKind::inode_write, g.inode});
  }
  g = Progress{};
}

// pread(2): "pread() reads up to count bytes from file descriptor fd at offset offset (from the
// start of the file) into the buffer starting at buf. The file offset is not changed." lseek(2):
// "ESPIPE fd is associated with a pipe, socket, or FIFO."
Outcome Kernel::sys(Process& p, const op::Pread& o) {
  OpenFile* f = file_of(p, o.fd);
  if (!f || !readable(*f)) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::null) return Outcome::value(0);
  if (f->kind != FileKind::regular) return Outcome::error(Errno::espipe);
  if (o.off < 0) return Outcome::error(Errno::einval);
  auto n = static_cast<std::int64_t>(read_inode(*f, inodes_[f->object], o.buf, o.off));
  return Outcome::value(n).on_file(f->object, o.off, n);
}

// pread(2): "pwrite() writes up to count bytes from the buffer starting at buf to the file
// descriptor fd at offset offset. The file offset is not changed." BUGS: "on Linux, if a file is
// opened with O_APPEND, pwrite() appends data to the end of the file, regardless of the value of
// offset."
Outcome Kernel::sys(Process& p, const op::Pwrite& o) {
  OpenFile* f = file_of(p, o.fd);
  if (!f || !writable(*f)) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::null) return Outcome::value(static_cast<std::int64_t>(o.bytes.size()));
  if (f->kind != FileKind::regular) return Outcome::error(Errno::espipe);
  if (o.off < 0) return Outcome::error(Errno::einval);
  return write_regular(p, p.fds[static_cast<std::size_t>(o.fd)], o.bytes, o.off);
}

// lseek(2): "SEEK_SET The file offset is set to offset bytes." "SEEK_CUR The file offset is set to
// its current location plus offset bytes." "SEEK_END The file offset is set to the size of the
// file plus offset bytes." "lseek() allows the file offset to be set beyond the end of the file
// (but this does not change the size of the file)." "EINVAL ... the resulting file offset would be
// negative". The offset belongs to the open file description: dup and fork share it.
Outcome Kernel::sys(Process& p, const op::Lseek& o) {
  OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind == FileKind::null) return Outcome::value(0);
  if (f->kind != FileKind::regular) return Outcome::error(Errno::espipe);
  if (!pos_lock_free(p, *f))
    return block(p, Chan{ChanKind::ofd_pos, p.fds[static_cast<std::size_t>(o.fd)]});
  Offset base = o.whence == Whence::set   ? 0
                : o.whence == Whence::cur ? f->offset
                                          : static_cast<Offset>(inodes_[f->object].bytes.size());
  Offset next = base + o.off;
  if (next < 0) return Outcome::error(Errno::einval);
  f->offset = next;
  return Outcome::value(next);
}

// inode(7): "stat.st_size; statx.stx_size This field gives the size of the file (if it is a regular
// file or a symbolic link) in bytes." For a pipe or a socket the model answers 0.
Outcome Kernel::sys(Process& p, const op::FileSize& o) {
  const OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind != FileKind::regular) return Outcome::value(0);
  return Outcome::value(static_cast<std::int64_t>(inodes_[f->object].bytes.size()))
      .on_file(f->object);
}

// unlink(2): "unlink() deletes a name from the filesystem. If that name was the last link to a
// file and no processes have the file open, the file is deleted and the space it was using is made
// available for reuse. If the name was the last link to a file but any processes still have the
// file open, the file will remain in existence until the last file descriptor referring to it is
// closed."
Outcome Kernel::sys(Process&, const op::Unlink& o) {
  auto it = names_.find(o.path);
  if (it == names_.end()) return Outcome::error(Errno::enoent);
  Inode& ino = inodes_[it->second];
  ino.linked = false;
  if (ino.open_descriptions == 0) {
    ino.bytes.clear();
    ino.bytes.shrink_to_fit();
  }
  names_.erase(it);
  return Outcome::value(0);
}

// truncate(2): "The truncate() and ftruncate() functions cause the regular file named by path or
// referenced by fd to be truncated to a size of precisely length bytes. If the file previously was
// larger than this size, the extra data is lost. If the file previously was shorter, it is
// extended, and the extended part reads as null bytes ('\0')." "With ftruncate(), the file must be
// open for writing." "EINVAL The argument length is negative or larger than the maximum file
// size." "EINVAL fd does not reference a regular file"; Linux's do_sys_ftruncate answers EINVAL
// for a descriptor not open for writing too. The truncation takes the inode lock, so it waits for
// a write in progress (it never cuts a write half way) and readers see it at once.
Outcome Kernel::sys(Process& p, const op::Ftruncate& o) {
  if (o.length < 0) return Outcome::error(Errno::einval);
  OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind != FileKind::regular || !writable(*f)) return Outcome::error(Errno::einval);
  if (o.length > static_cast<Offset>(limits::file_bytes)) return Outcome::error(Errno::einval);
  Inode& ino = inodes_[f->object];
  if (!writer_lock_free(p, ino)) return block(p, Chan{ChanKind::inode_write, f->object});
  const auto size = static_cast<Offset>(ino.bytes.size());
  if (o.length > size) ino.holes.emplace_back(size, o.length);
  std::vector<std::pair<Offset, Offset>> kept;
  for (auto [h0, h1] : ino.holes)
    if (h0 < o.length) kept.emplace_back(h0, std::min(h1, o.length));
  ino.holes = std::move(kept);
  ino.bytes.resize(static_cast<std::size_t>(o.length), '\0');
  return Outcome::value(0).on_file(f->object, o.length, 0);
}

// Stricter than Linux: a process that exits holding a flock lock (its last descriptor releases it)
// is flagged.
void Kernel::close_all_descriptors(Process& p) {
  for (std::size_t fd = 0; fd < p.fds.size(); ++fd) {
    OfdId id = p.fds[fd];
    if (id == 0) continue;
    const OpenFile& f = files_[id];
    if (f.refs == 1 && f.kind == FileKind::regular && f.lock != LockMode::none)
      warn("process " + std::to_string(p.pid) + " exited holding " + lock_name(f.lock) +
           " (released by its last close)");
    close_fd(p, static_cast<Fd>(fd));
  }
}

}  // namespace papaya::model

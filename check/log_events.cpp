#include "check/log_events.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace papaya::properties {

namespace {

using model::OpKind;
using model::StepStatus;

// Which descriptors of which process refer to the log, followed through open, dup, fork, close
// and exit, so a release by close or exit is seen and fd numbers reused for sockets are not.
class LogDescriptors {
 public:
  void opened(Pid pid, Fd fd, bool is_log) {
    if (is_log)
      fds_[pid].insert(fd);
    else
      fds_[pid].erase(fd);
  }
  void duplicated(Pid pid, Fd from, Fd to) { opened(pid, to, refers(pid, from)); }
  void forked(Pid parent, Pid child) { fds_[child] = fds_[parent]; }
  // True when `pid` has no descriptor of the log left after closing `fd`.
  bool closed_last(Pid pid, Fd fd) {
    bool was = refers(pid, fd);
    fds_[pid].erase(fd);
    return was && fds_[pid].empty();
  }
  void exited(Pid pid) { fds_.erase(pid); }

 private:
  bool refers(Pid pid, Fd fd) const {
    auto it = fds_.find(pid);
    return it != fds_.end() && it->second.count(fd) > 0;
  }
  std::map<Pid, std::set<Fd>> fds_;
};

class Extractor {
 public:
  Extractor(const traces::Trace& t, std::string_view log_path) : t_(t), log_path_(log_path) {}

  std::vector<LogEvent> run() {
    for (std::size_t i = 0; i < t_.steps.size(); ++i) step(i, t_.steps[i]);
    return std::move(out_);
  }

 private:
  void emit(const traces::Step& s, std::size_t index, LogEvent::Kind kind,
            LockMode mode = LockMode::sh, std::uint64_t offset = 0, std::uint64_t length = 0,
            std::uint64_t requested = 0) {
    out_.push_back({index, s.pid, kind, mode, offset, length, requested, size_});
    out_.back().time_ns = s.time_ns;
  }

  void release(const traces::Step& s, std::size_t index, bool by_exit = false) {
    if (holding_.erase(s.pid) == 0) return;
    emit(s, index, LogEvent::Kind::lock_released);
    out_.back().by_exit = by_exit;
  }

  bool on_log(const traces::Step& s) const {
    return s.inode != 0 && log_inodes_.count(s.inode) > 0;
  }
  bool ok(const traces::Step& s) const {
    return s.status == StepStatus::done && s.err == Errno::ok;
  }

  void step(std::size_t i, const traces::Step& s) {
    if (s.status == StepStatus::exited) {
      if (auto w = writing_.find(s.pid); w != writing_.end())
        emit(s, i, LogEvent::Kind::write_cut, LockMode::ex, w->second.offset, w->second.landed);
      release(s, i, /*by_exit=*/s.killed_from_outside);
      writing_.erase(s.pid);
      fds_.exited(s.pid);
      return;
    }
    switch (s.op) {
      case OpKind::open:
        if (ok(s)) {
          bool is_log = s.text != traces::no_text && t_.texts[s.text] == log_path_ && s.inode != 0;
          if (is_log) log_inodes_.insert(s.inode);
          fds_.opened(s.pid, static_cast<Fd>(s.ret), is_log);
        }
        break;
      case OpKind::dup:
        if (ok(s)) fds_.duplicated(s.pid, static_cast<Fd>(s.args[0]), static_cast<Fd>(s.ret));
        break;
      case OpKind::fork:
        if (ok(s)) fds_.forked(s.pid, static_cast<Pid>(s.ret));
        break;
      case OpKind::pipe:
        if (ok(s)) {
          fds_.opened(s.pid, static_cast<Fd>(s.ret), false);
          fds_.opened(s.pid, static_cast<Fd>(s.ret2), false);
        }
        break;
      case OpKind::listen:
      case OpKind::accept:
      case OpKind::connect:
        if (ok(s)) fds_.opened(s.pid, static_cast<Fd>(s.ret), false);
        break;
      case OpKind::close:
        if (s.status == StepStatus::done && fds_.closed_last(s.pid, static_cast<Fd>(s.args[0])))
          release(s, i);
        break;
      case OpKind::flock: flock(i, s); break;
      case OpKind::write:
      case OpKind::pwrite: write(i, s); break;
      case OpKind::read:
      case OpKind::pread: read(i, s); break;
      case OpKind::ftruncate:
        if (on_log(s) && ok(s)) {
          size_ = static_cast<std::uint64_t>(s.pos);
          emit(s, i, LogEvent::Kind::truncate, LockMode::ex, size_);
        }
        break;
      default: break;
    }
  }

  void flock(std::size_t i, const traces::Step& s) {
    if (!on_log(s)) return;
    const auto op = static_cast<LockOp>(s.args[1]);
    const LockMode mode = op == LockOp::ex ? LockMode::ex : LockMode::sh;
    if (s.status == StepStatus::blocked) {
      emit(s, i, LogEvent::Kind::lock_blocked, mode);
    } else if (ok(s) && op == LockOp::un) {
      release(s, i);
    } else if (ok(s)) {
      holding_.insert(s.pid);
      emit(s, i, LogEvent::Kind::lock_acquired, mode);
    }
  }

  void write(std::size_t i, const traces::Step& s) {
    if (!on_log(s) || s.status == StepStatus::blocked) return;
    size_ =
        std::max(size_, static_cast<std::uint64_t>(s.pos + s.moved));  // this step's page landed
    if (!writing_.count(s.pid)) {
      writing_[s.pid] = Writing{static_cast<std::uint64_t>(s.pos), 0};
      emit(s, i, LogEvent::Kind::write_begin, LockMode::ex, static_cast<std::uint64_t>(s.pos),
           static_cast<std::uint64_t>(s.args[1]));
    }
    writing_[s.pid].landed += static_cast<std::uint64_t>(s.moved);
    if (s.status == StepStatus::done) {
      emit(s, i, LogEvent::Kind::write_end, LockMode::ex, writing_[s.pid].offset,
           writing_[s.pid].landed);
      writing_.erase(s.pid);
    }
  }

  void read(std::size_t i, const traces::Step& s) {
    if (!on_log(s) || !ok(s)) return;
    emit(s, i, LogEvent::Kind::read, LockMode::sh, static_cast<std::uint64_t>(s.pos),
         static_cast<std::uint64_t>(s.moved), static_cast<std::uint64_t>(s.args[1]));
  }

  const traces::Trace& t_;
  std::string_view log_path_;
  std::set<std::uint32_t> log_inodes_;
  LogDescriptors fds_;
  std::set<Pid> holding_;  // processes whose own flock calls say they hold the log
  struct Writing {
    std::uint64_t offset = 0;  // where its first page landed
    std::uint64_t landed = 0;  // bytes of it in the log so far
  };
  std::map<Pid, Writing> writing_;  // processes with a write of the log in progress
  std::uint64_t size_ = 0;          // the log's size so far
  std::vector<LogEvent> out_;
};

}  // namespace

std::vector<LogEvent> log_events(const traces::Trace& trace, std::string_view log_path) {
  return Extractor(trace, log_path).run();
}

}  // namespace papaya::properties

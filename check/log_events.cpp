#include "check/log_events.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "model/go/op.hpp"

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
    for (std::size_t i = 0; i < t_.steps.size(); ++i) {
      go_before(i);
      step(i, t_.steps[i]);
    }
    go_before(std::numeric_limits<std::size_t>::max());
    return only_the_logs_guards();
  }

 private:
  void emit(const traces::Step& s, std::size_t index, LogEvent::Kind kind,
            LockMode mode = LockMode::sh, std::uint64_t offset = 0, std::uint64_t length = 0,
            std::uint64_t requested = 0) {
    out_.push_back({index, s.pid, kind, mode, offset, length, requested, size_});
    out_.back().time_ns = s.time_ns;
    out_.back().g = s.g;
  }
  static Actor actor(const traces::Step& s) { return {s.pid, s.g}; }

  // The lock goes from every actor of the process that holds it (a flock lock is the open file
  // description's: whichever goroutine's close or the process's exit drops it drops it for all).
  void release(const traces::Step& s, std::size_t index, bool by_exit = false) {
    for (auto it = holding_.lower_bound({s.pid, 0}); it != holding_.end() && it->pid == s.pid;) {
      emit(s, index, LogEvent::Kind::lock_released);
      out_.back().g = it->g;
      out_.back().by_exit = by_exit;
      it = holding_.erase(it);
    }
  }

  // The Go runtime's steps before trace step `i`, in the order they ran. A goroutine's RWMutex
  // call that returned is a go_lock line, written right after its runtime step (sim/
  // executor_go.cpp), so each is taken where its step is; an RLock or Lock whose step parked the
  // goroutine is a lock request that had to wait (lock_blocked). A go_lock line with no such step
  // (none is expected) is taken before trace step `i` as before.
  void go_before(std::size_t i) {
    static const std::size_t rlock_op = model::go::GoOp(model::go::gop::RLock{}).index();
    static const std::size_t wlock_op = model::go::GoOp(model::go::gop::WLock{}).index();
    static const std::size_t runlock_op = model::go::GoOp(model::go::gop::RUnlock{}).index();
    static const std::size_t wunlock_op = model::go::GoOp(model::go::gop::WUnlock{}).index();
    for (; next_go_ < t_.go.size() && t_.go[next_go_].at <= i; ++next_go_) {
      const traces::GoRecord& r = t_.go[next_go_];
      if (r.g == 0 || r.op == traces::no_go_op) continue;
      const bool rw_op =
          r.op == rlock_op || r.op == wlock_op || r.op == runlock_op || r.op == wunlock_op;
      if (!rw_op) continue;
      if (r.status == model::go::GoStatus::parked && (r.op == rlock_op || r.op == wlock_op)) {
        go_blocked(r, r.op == wlock_op ? LockMode::ex : LockMode::sh);
      } else if (r.status == model::go::GoStatus::done && next_lock_ < t_.go_locks.size()) {
        const traces::GoLockEvent& e = t_.go_locks[next_lock_];
        if (e.pid == r.pid && e.g == r.g && e.rw == r.obj) go_lock(t_.go_locks[next_lock_++]);
      }
    }
    for (; next_lock_ < t_.go_locks.size() && t_.go_locks[next_lock_].step <= i; ++next_lock_)
      go_lock(t_.go_locks[next_lock_]);
  }

  // An RLock (LOCK_SH) or Lock (LOCK_EX) of a goroutine's RWMutex that parked it: it waits.
  void go_blocked(const traces::GoRecord& r, LockMode mode) {
    LogEvent ev;
    ev.step = r.at;
    ev.pid = r.pid;
    ev.g = r.g;
    ev.kind = LogEvent::Kind::lock_blocked;
    ev.mode = mode;
    ev.go_rwmutex = true;
    ev.log_size = size_;
    ev.time_ns = r.at < t_.steps.size() ? t_.steps[r.at].time_ns : t_.virtual_time_ns;
    rw_events_.emplace_back(out_.size(), RwKey{r.pid, r.obj});
    out_.push_back(ev);
  }

  // A goroutine's RWMutex call: RLock/Lock acquire (LOCK_SH/LOCK_EX), RUnlock/Unlock release.
  // Kept only for an RWMutex that guards the log (only_the_logs_guards).
  void go_lock(const traces::GoLockEvent& e) {
    using K = traces::GoLockEvent::Kind;
    const Actor a{e.pid, e.g};
    const RwKey key{e.pid, e.rw};
    const bool acquires = e.kind == K::rlock || e.kind == K::lock;
    if (!acquires && !rw_held_.count({a, key})) return;  // (an unlock of nothing is Go's fatal)
    LogEvent ev;
    ev.step = e.step;
    ev.pid = e.pid;
    ev.g = e.g;
    ev.kind = acquires ? LogEvent::Kind::lock_acquired : LogEvent::Kind::lock_released;
    ev.mode = e.kind == K::lock ? LockMode::ex : LockMode::sh;
    ev.go_rwmutex = true;
    ev.log_size = size_;
    ev.time_ns = e.step < t_.steps.size() ? t_.steps[e.step].time_ns : t_.virtual_time_ns;
    if (acquires)
      rw_held_[{a, key}] = ev.mode;
    else
      rw_held_.erase({a, key});
    rw_events_.emplace_back(out_.size(), key);
    out_.push_back(ev);
  }

  // The RWMutexes its writer holds with Lock while it writes the log are the log's guards; the
  // other RWMutexes' events go (they guard something else).
  std::vector<LogEvent> only_the_logs_guards() {
    std::vector<bool> drop(out_.size(), false);
    for (const auto& [index, key] : rw_events_) drop[index] = !guards_.count(key);
    std::vector<LogEvent> kept;
    kept.reserve(out_.size());
    for (std::size_t i = 0; i < out_.size(); ++i)
      if (!drop[i]) kept.push_back(out_[i]);
    return kept;
  }

  // The process ended: its goroutines' RWMutex holds end with it.
  void rw_released_by_exit(const traces::Step& s, std::size_t index) {
    for (auto it = rw_held_.begin(); it != rw_held_.end();) {
      if (it->first.first.pid != s.pid) {
        ++it;
        continue;
      }
      emit(s, index, LogEvent::Kind::lock_released);
      out_.back().g = it->first.first.g;
      out_.back().by_exit = s.killed_from_outside;
      out_.back().go_rwmutex = true;
      rw_events_.emplace_back(out_.size() - 1, it->first.second);
      it = rw_held_.erase(it);
    }
  }

  bool on_log(const traces::Step& s) const {
    return s.inode != 0 && log_inodes_.count(s.inode) > 0;
  }
  bool ok(const traces::Step& s) const {
    return s.status == StepStatus::done && s.err == Errno::ok;
  }

  void step(std::size_t i, const traces::Step& s) {
    if (s.status == StepStatus::exited) {  // every write of the process in progress is cut
      for (auto w = writing_.lower_bound({s.pid, 0}); w != writing_.end() && w->first.pid == s.pid;
           w = writing_.erase(w)) {
        emit(s, i, LogEvent::Kind::write_cut, LockMode::ex, w->second.offset, w->second.landed);
        out_.back().g = w->first.g;
      }
      release(s, i, /*by_exit=*/s.killed_from_outside);
      rw_released_by_exit(s, i);
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
      holding_.insert(actor(s));
      emit(s, i, LogEvent::Kind::lock_acquired, mode);
    }
  }

  void write(std::size_t i, const traces::Step& s) {
    if (!on_log(s) || s.status == StepStatus::blocked) return;
    size_ =
        std::max(size_, static_cast<std::uint64_t>(s.pos + s.moved));  // this step's page landed
    const Actor a = actor(s);
    if (!writing_.count(a)) {
      for (const auto& [held, mode] : rw_held_)
        if (held.first == a && mode == LockMode::ex) guards_.insert(held.second);
      writing_[a] = Writing{static_cast<std::uint64_t>(s.pos), 0};
      emit(s, i, LogEvent::Kind::write_begin, LockMode::ex, static_cast<std::uint64_t>(s.pos),
           static_cast<std::uint64_t>(s.args[1]));
    }
    writing_[a].landed += static_cast<std::uint64_t>(s.moved);
    if (s.status == StepStatus::done) {
      emit(s, i, LogEvent::Kind::write_end, LockMode::ex, writing_[a].offset, writing_[a].landed);
      writing_.erase(a);
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
  std::set<Actor> holding_;  // actors whose own flock calls say they hold the log
  struct Writing {
    std::uint64_t offset = 0;  // where its first page landed
    std::uint64_t landed = 0;  // bytes of it in the log so far
  };
  std::map<Actor, Writing> writing_;  // actors with a write of the log in progress
  std::uint64_t size_ = 0;            // the log's size so far
  std::vector<LogEvent> out_;
  // Goroutines' RWMutexes (traces::GoLockEvent): one is (process, id in its runtime).
  using RwKey = std::pair<Pid, std::uint32_t>;
  std::map<std::pair<Actor, RwKey>, LockMode> rw_held_;   // by goroutine, now
  std::vector<std::pair<std::size_t, RwKey>> rw_events_;  // out_ index of each RWMutex event
  std::set<RwKey> guards_;                                // held with Lock around a log write
  std::size_t next_go_ = 0;    // the next Go runtime step (Trace::go) to take
  std::size_t next_lock_ = 0;  // the next go_lock line (Trace::go_locks) to take
};

}  // namespace

std::vector<LogEvent> log_events(const traces::Trace& trace, std::string_view log_path) {
  return Extractor(trace, log_path).run();
}

}  // namespace papaya::properties

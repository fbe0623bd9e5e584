// infer_locks: flock hold intervals, blocked intervals and unlock -> grant edges (infer.hpp).
#include <map>
#include <optional>
#include <utility>

#include "traces/render/infer.hpp"

namespace papaya::render {

namespace {

struct OpenHold {
  std::size_t first;
  IntervalKind kind;
};

struct Release {
  std::size_t step;
  Pid pid;
};

class LockPass {
 public:
  void step(const Event& e) {
    std::optional<std::size_t> blocked_at;
    if (auto b = blocked_since_.find(e.pid); b != blocked_since_.end()) {
      blocked_at = b->second;
      out_.intervals.push_back(blocked(e.pid, b->second, e.step, false, blocked_what_[e.pid]));
      blocked_since_.erase(b);
    }
    if (e.status == model::StepStatus::blocked) {
      blocked_since_[e.pid] = e.step;
      blocked_what_[e.pid] = std::string(model::op_name(e.op));
    }
    if (e.op == model::OpKind::flock && e.ok() && e.inode != 0) {
      std::string_view lock = e.str("lock");
      if (lock == "un")
        unlock(e);
      else
        grant(e, lock == "ex" ? IntervalKind::lock_ex : IntervalKind::lock_sh, blocked_at);
    }
    if (e.status == model::StepStatus::exited) exit(e);
    last_step_[e.pid] = e.step;
  }

  LockInference finish() {
    for (auto& [key, hold] : holds_)
      close(key.first, key.second, hold, last_step_[key.first], true);
    holds_.clear();
    for (auto& [pid, b] : blocked_since_)
      out_.intervals.push_back(blocked(pid, b, b, true, blocked_what_[pid]));
    blocked_since_.clear();
    return std::move(out_);
  }

 private:
  static Interval blocked(Pid pid, std::size_t first, std::size_t last, bool open,
                          const std::string& what) {
    return Interval{IntervalKind::blocked, pid, first, last, open, 0, what};
  }

  void close(Pid pid, std::uint32_t inode, const OpenHold& h, std::size_t last, bool open) {
    out_.intervals.push_back(Interval{h.kind, pid, h.first, last, open, inode, ""});
  }

  void grant(const Event& e, IntervalKind kind, std::optional<std::size_t> blocked_at) {
    if (blocked_at)
      if (auto r = last_release(e.inode, e.pid, *blocked_at, e.step))
        out_.edges.push_back(Edge{EdgeKind::unlock_grant, r->step, e.step,
                                  kind == IntervalKind::lock_ex ? "LOCK_EX" : "LOCK_SH"});
    auto key = std::make_pair(e.pid, e.inode);
    auto it = holds_.find(key);
    if (it != holds_.end() && it->second.kind == kind) return;  // already held so
    if (it != holds_.end()) {  // a conversion: the old mode ends where the new one begins
      close(e.pid, e.inode, it->second, last_step_[e.pid], false);
      holds_.erase(it);
    }
    holds_.emplace(key, OpenHold{e.step, kind});
  }

  void unlock(const Event& e) {
    releases_[e.inode].push_back(Release{e.step, e.pid});
    auto it = holds_.find(std::make_pair(e.pid, e.inode));
    if (it == holds_.end()) return;
    close(e.pid, e.inode, it->second, e.step, false);
    holds_.erase(it);
  }

  void exit(const Event& e) {
    for (auto it = holds_.begin(); it != holds_.end();) {
      if (it->first.first != e.pid) {
        ++it;
        continue;
      }
      releases_[it->first.second].push_back(Release{e.step, e.pid});
      close(e.pid, it->first.second, it->second, e.step, false);
      it = holds_.erase(it);
    }
  }

  // The last release of `inode` by another process than `pid` in (after, before).
  std::optional<Release> last_release(std::uint32_t inode, Pid pid, std::size_t after,
                                      std::size_t before) const {
    auto it = releases_.find(inode);
    if (it == releases_.end()) return std::nullopt;
    for (auto r = it->second.rbegin(); r != it->second.rend() && r->step > after; ++r)
      if (r->step < before && r->pid != pid) return *r;
    return std::nullopt;
  }

  LockInference out_;
  std::map<Pid, std::size_t> blocked_since_;
  std::map<Pid, std::string> blocked_what_;
  std::map<Pid, std::size_t> last_step_;
  std::map<std::pair<Pid, std::uint32_t>, OpenHold> holds_;
  std::map<std::uint32_t, std::vector<Release>> releases_;
};

}  // namespace

LockInference infer_locks(const std::vector<Event>& events) {
  LockPass pass;
  for (const Event& e : events) pass.step(e);
  return pass.finish();
}

}  // namespace papaya::render

// infer_process_edges: fork, reap and kill -> effect edges (infer.hpp).
#include <map>
#include <set>
#include <string>

#include "traces/render/infer.hpp"

namespace papaya::render {

namespace {

// signal(7): SIGCHLD's default action is to ignore it (SIGURG and SIGWINCH too).
bool ignored_by_default(std::string_view sig) {
  return sig == "SIGCHLD" || sig == "SIGURG" || sig == "SIGWINCH";
}

struct PendingKill {
  std::size_t step;
  std::string sig;
  bool caught;
};

// What the passes know about the processes at a point of the trace.
class ProcessTable {
 public:
  void see(Pid pid) {
    if (pgid_.count(pid) == 0) pgid_[pid] = pid;  // init, or forked before the trace began
    if (!exited_.count(pid)) alive_.insert(pid);
  }
  void fork(Pid parent, Pid child) {
    pgid_[child] = pgid_[parent];
    action_[child] = action_[parent];
    alive_.insert(child);
  }
  void setpgid(Pid pid, Pid pgid) { pgid_[pid] = pgid; }
  void sigaction(Pid pid, const std::string& sig, const std::string& act) {
    action_[pid][sig] = act;
  }
  void exit(Pid pid) {
    alive_.erase(pid);
    exited_.insert(pid);
  }
  bool ignores(Pid pid, const std::string& sig) const {
    std::string act = disposition(pid, sig);
    return act == "ign" || (act == "dfl" && ignored_by_default(sig));
  }
  bool catches(Pid pid, const std::string& sig) const { return disposition(pid, sig) == "catch"; }

  // kill(2): pid > 0 that process; 0 the caller's group; -1 every process but init and the caller;
  // < -1 the group -pid.
  std::vector<Pid> targets(Pid caller, std::int64_t pid) const {
    std::vector<Pid> out;
    for (Pid p : alive_) {
      bool hit = pid > 0     ? p == pid
                 : pid == 0  ? group(p) == group(caller)
                 : pid == -1 ? p != 1 && p != caller
                             : group(p) == -pid;
      if (hit) out.push_back(p);
    }
    return out;
  }

 private:
  Pid group(Pid p) const {
    auto it = pgid_.find(p);
    return it == pgid_.end() ? p : it->second;
  }
  std::string disposition(Pid pid, const std::string& sig) const {
    auto it = action_.find(pid);
    if (it == action_.end()) return "dfl";
    auto a = it->second.find(sig);
    return a == it->second.end() ? "dfl" : a->second;
  }
  std::map<Pid, Pid> pgid_;
  std::map<Pid, std::map<std::string, std::string>> action_;
  std::set<Pid> alive_;
  std::set<Pid> exited_;
};

// The kills pending at `e`'s process that `e` shows the effect of (and forgets them).
void resolve_kills(const Event& e, std::vector<PendingKill>& pending, std::vector<Edge>& out) {
  auto take = [&](auto matches) {
    for (auto it = pending.begin(); it != pending.end();) {
      if (matches(*it)) {
        out.push_back(Edge{EdgeKind::kill, it->step, e.step, it->sig});
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  };
  if (e.status == model::StepStatus::exited) {
    take([&](const PendingKill& k) { return k.sig == e.term_signal; });
    pending.clear();
  } else if (e.err == "EINTR") {
    take([](const PendingKill& k) { return k.caught; });
  } else if (e.op == model::OpKind::take_caught && e.ok() && *e.ret != 0) {
    take([&](const PendingKill& k) { return k.caught && k.sig == e.str("sig"); });
  }
}

}  // namespace

std::vector<Edge> infer_process_edges(const std::vector<Event>& events) {
  std::vector<Edge> out;
  ProcessTable procs;
  std::map<Pid, std::size_t> fork_step;  // child -> its parent's fork step
  std::map<Pid, std::size_t> exit_step;
  std::set<Pid> stepped;
  std::map<Pid, std::vector<PendingKill>> pending;
  for (const Event& e : events) {
    procs.see(e.pid);
    if (stepped.insert(e.pid).second)
      if (auto f = fork_step.find(e.pid); f != fork_step.end())
        out.push_back(Edge{EdgeKind::fork, f->second, e.step, "fork"});
    if (auto p = pending.find(e.pid); p != pending.end()) resolve_kills(e, p->second, out);
    if (e.status == model::StepStatus::exited) {
      procs.exit(e.pid);
      exit_step[e.pid] = e.step;
      continue;
    }
    if (!e.ok()) continue;
    switch (e.op) {
      case model::OpKind::fork:
        if (*e.ret > 0) {
          procs.fork(e.pid, static_cast<Pid>(*e.ret));
          fork_step[static_cast<Pid>(*e.ret)] = e.step;
        }
        break;
      case model::OpKind::setpgid: {
        Pid target = e.num("pid").value_or(0) == 0 ? e.pid : static_cast<Pid>(*e.num("pid"));
        Pid group = e.num("pgid").value_or(0) == 0 ? target : static_cast<Pid>(*e.num("pgid"));
        procs.setpgid(target, group);
        break;
      }
      case model::OpKind::setsid: procs.setpgid(e.pid, e.pid); break;
      case model::OpKind::sigaction:
        procs.sigaction(e.pid, std::string(e.str("sig")), std::string(e.str("action")));
        break;
      case model::OpKind::kill: {
        std::string sig(e.str("sig"));
        for (Pid q : procs.targets(e.pid, e.num("pid").value_or(0)))
          if (!procs.ignores(q, sig))
            pending[q].push_back(PendingKill{e.step, sig, procs.catches(q, sig)});
        break;
      }
      case model::OpKind::waitpid:
        if (*e.ret > 0)
          if (auto x = exit_step.find(static_cast<Pid>(*e.ret)); x != exit_step.end())
            out.push_back(Edge{EdgeKind::reap, x->second, e.step,
                               e.term_signal.empty()
                                   ? "exit " + std::to_string(e.exit_code.value_or(0))
                                   : e.term_signal});
        break;
      default: break;
    }
  }
  return out;
}

}  // namespace papaya::render

#include "cli/tests/proc_table.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace papaya::cli::testing {

namespace {

bool parse_stat(pid_t pid, ProcEntry& out) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;  // gone meanwhile
  // proc(5): "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so the
  // fields after it start after the *last* ')'.
  size_t open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  out.pid = pid;
  out.comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  rest >> out.state >> out.ppid >> out.pgid;
  return static_cast<bool>(rest);
}

}  // namespace

std::vector<ProcEntry> all_processes() {
  std::vector<ProcEntry> out;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    ProcEntry p;
    if (end != e->d_name && *end == '\0' && parse_stat(static_cast<pid_t>(pid), p))
      out.push_back(p);
  }
  ::closedir(d);
  return out;
}

std::vector<ProcEntry> processes_in_group(pid_t pgid) {
  std::vector<ProcEntry> out;
  for (const ProcEntry& p : all_processes()) {
    if (p.pgid == pgid) out.push_back(p);
  }
  return out;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const ProcEntry& p : all_processes()) {
    if (p.ppid == parent) out.push_back(p.pid);
  }
  return out;
}

std::vector<pid_t> descendants_of(pid_t root) {
  std::vector<ProcEntry> table = all_processes();
  std::vector<pid_t> out{root};
  for (size_t i = 0; i < out.size(); ++i) {
    for (const ProcEntry& p : table) {
      if (p.ppid == out[i] && p.state != 'Z') out.push_back(p.pid);
    }
  }
  out.erase(out.begin());
  return out;
}

void reap_exited_children() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

void kill_all_descendants(std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    reap_exited_children();
    std::vector<pid_t> left = descendants_of(::getpid());
    if (left.empty() || std::chrono::steady_clock::now() > until) return;
    for (pid_t pid : left) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

DescendantReaper::DescendantReaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }

DescendantReaper::~DescendantReaper() { kill_all_descendants(); }

}  // namespace papaya::cli::testing

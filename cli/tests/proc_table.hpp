// The process table as /proc shows it (proc(5): /proc/[pid]/stat), for tests that must prove
// no process was left behind, and for teardown that must leave none.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace papaya::cli::testing {

struct ProcEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  char state = '?';  // 'Z' zombie
  std::string comm;
};

std::vector<ProcEntry> all_processes();
// Every process (zombies included) whose process group is `pgid`.
std::vector<ProcEntry> processes_in_group(pid_t pgid);
// Every live descendant of `root` (by ppid chains), nearest first.
std::vector<pid_t> descendants_of(pid_t root);
// The children of `parent`.
std::vector<pid_t> children_of(pid_t parent);

// Teardown: SIGKILLs every descendant of this process and reaps them, until none is left or the
// deadline passes. Tests make themselves a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER), so
// daemons and orphans re-parent to the test and stay its descendants.
void kill_all_descendants(std::chrono::milliseconds deadline = std::chrono::seconds(5));
// Reaps every child that has exited, without waiting.
void reap_exited_children();

// RAII: becomes a child subreaper on construction; kills and reaps every descendant on
// destruction, so a failed assertion never leaves a server running.
class DescendantReaper {
 public:
  DescendantReaper();
  ~DescendantReaper();
  DescendantReaper(const DescendantReaper&) = delete;
  DescendantReaper& operator=(const DescendantReaper&) = delete;
};

}  // namespace papaya::cli::testing

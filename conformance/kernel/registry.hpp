// The conformance scenarios, grouped by area (one file each), in one list.
#pragma once

#include <vector>

#include "conformance/kernel/scenario.hpp"

namespace papaya::conformance {

std::vector<Scenario> file_scenarios();         // files.cpp: offsets, O_APPEND, pread/pwrite, lseek
std::vector<Scenario> process_scenarios();      // processes.cpp: fork, _exit, waitpid, setsid
std::vector<Scenario> flock_scenarios();        // flock.cpp
std::vector<Scenario> flock_queue_scenarios();  // flock_queue.cpp: Linux 6.x conversion, queue
std::vector<Scenario> signal_scenarios();       // signals.cpp: dispositions, mask, kill
std::vector<Scenario> waiting_scenarios();      // waiting.cpp: EINTR, SA_RESTART, pause, alarm
std::vector<Scenario> pipe_scenarios();         // pipes.cpp
std::vector<Scenario> socket_scenarios();       // sockets.cpp
std::vector<Scenario> more_rule_scenarios();  // more_rules.cpp: SIGPIPE on write, partial send, ...
std::vector<Scenario> exec_scenarios();       // exec.cpp: execve(2)
std::vector<Scenario> time_scenarios();       // time.cpp: sleep, alarm ordering
std::vector<Scenario> truncate_pdeath_scenarios();  // truncate_pdeath.cpp: ftruncate, PDEATHSIG
std::vector<Scenario> thread_scenarios();           // threads.cpp: two threads, one descriptor

// Every scenario, in area order; built once.
const std::vector<Scenario>& all_scenarios();
// The scenario named `name`, or nullptr.
const Scenario* find_scenario(std::string_view name);

}  // namespace papaya::conformance

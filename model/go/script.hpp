// Script: a tiny goroutine program as data, run on the Runtime under a Choices. It is the
// runtime model's test driver and the model side of the Go conformance suite (conformance/go/):
// each Go program there has a Script twin whose printed lines, ending and exit code are compared.
// Bodies are lists of instructions; body 0 is main. Print and the result printers are not
// scheduling points (they happen right after the previous operation, on the same P).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

struct Print {
  std::string text;
};
struct PrintResult {  // prefix + the last completed operation's value, ok flag or select case
  // value_ok prints "v ok" as Go's fmt.Println(v, ok) does ("0 false").
  enum class Field : std::uint8_t { value, ok, chosen, value_ok } field = Field::value;
  std::string prefix;
};
struct NetEvent {  // epoll reports an edge on fd (data arrived from outside)
  ObjId fd = 0;
};
using Instr = std::variant<GoOp, Print, PrintResult, NetEvent>;

struct Program {
  std::vector<std::vector<Instr>> bodies;  // [0] is main
  int mutexes = 0;                         // ids 1..mutexes
  int rwmutexes = 0;                       // ids 1..rwmutexes
  std::vector<ObjId> conds;                // each Cond's Mutex; ids 1..
  std::vector<std::size_t> chans;          // each channel's capacity; ids 1..
  int fds = 0;                             // ids 1..fds
};

struct ScriptLimits {
  std::size_t max_steps = 1'000'000;
  Duration step_time{0};     // virtual time each step takes
  Duration sysmon_every{0};  // 0: sysmon never runs
  // Before each step of a goroutine, offer sysmon's preemption of it as a choice (the chooser
  // answers 1 to preempt): what a loaded machine's 10 ms can do to any program.
  bool offer_preemption = false;
};

struct ScriptResult {
  std::vector<std::string> lines;
  Ending ending = Ending::running;  // running: stuck in netpoll or a syscall, not a deadlock
  std::string message;
  int exit_code = -1;
  std::size_t steps = 0;
  std::vector<std::string> leaked;  // "goroutine 3 [chan send]"
};

ScriptResult run_script(const Program& prog, Choices& choices, GoConfig config,
                        ScriptLimits limits = {});

// Answers every choice from a seeded generator (splitmix64): for statistics over many runs.
class SeededChoices : public Choices {
 public:
  explicit SeededChoices(std::uint64_t seed) : state_(seed) {}
  std::uint32_t choose(std::uint32_t n, DecisionKind) override;

 private:
  std::uint64_t state_;
};

// Answers from a list, then 0: a scripted schedule (the first runnable actor by default).
class ListChoices : public Choices {
 public:
  explicit ListChoices(std::vector<std::uint32_t> answers = {}) : answers_(std::move(answers)) {}
  std::uint32_t choose(std::uint32_t n, DecisionKind) override;
  std::size_t asked() const { return asked_; }

 private:
  std::vector<std::uint32_t> answers_;
  std::size_t next_ = 0;
  std::size_t asked_ = 0;
};

}  // namespace papaya::model::go

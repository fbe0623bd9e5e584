// The executor's private pieces, shared by sim/executor.cpp (processes) and sim/executor_go.cpp
// (goroutines): what a fiber throws when its process ends, and the per-process and per-goroutine
// records.
#pragma once

#include <boost/context/fiber.hpp>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "model/go/runtime.hpp"
#include "sim/executor.hpp"
#include "sim/fiber_switch.hpp"
#include "sim/process_exit.hpp"
#include "sim/sim_os.hpp"

namespace papaya::sim {

// A process's fiber unwinds its stack when the process has ended (its _exit, or a fatal signal):
// end_process_stack (sim/process_exit.hpp), a forced unwind that user code's catch of a type lets
// pass, or, while an exception is being handled, a thrown ProcessExit, which is not an
// std::exception either. (chat/ never catches `...` without rethrowing.)
// Thrown on a process's fiber when its exec succeeded: the old image's stack unwinds and the new
// one starts on the same fiber (Executor::fiber_main).
struct ProcessExec {};

// One goroutine of a Go program. The main goroutine (1) runs on its process's fiber; every other
// one has a fiber of its own, started when the runtime first runs it.
struct Executor::Goroutine {
  Goroutine(Executor& e, Pid pid, model::go::Gid g) : os(e, pid, g), gid(g) {}
  SimOs os;
  model::go::Gid gid;
  std::function<void(Os&)> body;     // what it runs (not the main goroutine's)
  std::function<void(Os&)> go_body;  // handed over by its pending `go`
  boost::context::fiber fiber;       // the goroutine, while suspended
  boost::context::fiber sched;       // the scheduler, while it runs
  FiberStack stack;                  // its fiber's (sim/fiber_switch.hpp)
  bool running = false;              // has a fiber that has not returned
  model::go::GoOutcome gout;         // of its last runtime operation
  model::Outcome kout;               // of its last kernel call
  const model::Op* kop = nullptr;    // its kernel call, while in a syscall
  const char* file = "";
  std::uint32_t line = 0;
  model::go::ObjId io_pd = 0;     // its netpoll descriptor (parking after EAGAIN)
  model::go::ObjId timer_pd = 0;  // its sleep's descriptor (time.Sleep's timer)
};

// A Go program: its runtime, goroutines, the syscalls waiting for the process's one kernel slot,
// and what the netpoller watches.
struct Executor::GoProc {
  GoProc(model::Choices& c, model::go::GoConfig cfg) : rt(c, cfg) {}
  model::go::Runtime rt;
  // Its goroutines by gid (the runtime's index, never reused): null where none lives.
  std::vector<std::unique_ptr<Goroutine>> gs;
  // Goroutines in a syscall, in the order they entered it. The simulated process has one kernel
  // thread: the front one's call is the process's pending kernel operation.
  std::deque<model::go::Gid> kq;
  // Goroutines whose file call runs on a kernel thread of its own (another M) because the first
  // one was busy, by thread (model::Task; Executor::go_enter_kernel).
  std::map<std::uint16_t, model::go::Gid> on_tasks;
  // Armed after EAGAIN: the goroutine's call, polled after every step until it would not block
  // (then netpoll_event on its io_pd: the edge).
  std::map<model::go::Gid, model::Op> watches;
  std::multimap<Duration, model::go::Gid> timers;  // sleeping goroutines by deadline
  // signal_notify's relay: its descriptor, and the signals it waits for while armed (polled
  // after every step like the watches: a caught flag among them is its netpoll event).
  model::go::ObjId signal_pd = 0;
  SigSet signal_waits;
  bool signal_armed = false;
  bool handler_step = false;  // the pending kernel step runs a signal handler: no goroutine's call
  bool ended = false;
};

struct Executor::Proc {
  Proc(Executor& e, Pid p) : os(e, p), pid(p) {}
  SimOs os;
  Pid pid;
  std::function<void(Os&)> body;
  std::function<void(Os&)> fork_body;   // handed over by a pending fork
  std::function<void(Os&)> exec_image;  // handed over by a pending exec
  bool execing = false;                 // its exec succeeded: unwind to the new image
  boost::context::fiber fiber;          // the process, while suspended
  boost::context::fiber sched;          // the scheduler, while the process runs
  FiberStack stack;                     // its fiber's (sim/fiber_switch.hpp)
  model::Outcome outcome;               // of the call just completed
  const char* file = "";
  std::uint32_t line = 0;
  bool dying = false;          // ended: unwinding; calls return at once
  bool running = false;        // has a fiber that has not returned
  std::unique_ptr<GoProc> go;  // once it made its first goroutine call
  // Its process in the kernel (which keeps its processes in place): read at every step of a run
  // with a Go program, where Kernel::process (out of line, asserting) cost a call each time.
  const model::Process* kp = nullptr;
};

// Whether a Go program's goroutine parks on the netpoller when this call answers EAGAIN
// (executor_go.cpp); the footprint of its step (go_footprint.cpp) follows the same list.
bool parks_on_eagain(model::OpKind k);
// Whether a kernel step of `k` that ended with `s` may have changed a socket, listener or pipe
// (executor_go.cpp): go_poll looks at the watched calls only after such a step.
bool may_change_streams(model::OpKind k, model::StepStatus s);

}  // namespace papaya::sim

// A goroutine's operations as data: the runtime and sync calls that are scheduling points.
// Like model/op.hpp for processes, the pending operation is known before it runs. Object ids
// come from Runtime::new_mutex/new_rwmutex/new_cond/new_chan/new_fd; channel id 0 is a nil
// channel.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

namespace papaya::model::go {

using Gid = std::uint32_t;    // goroutine id; 1 is main, 0 is none
using ObjId = std::uint32_t;  // index in the runtime's table of that kind of object

namespace gop {
struct Go {  // `go f()`: the new goroutine's body is the driver's business
  std::uint32_t body = 0;
};
struct Gosched {};
struct Exit {};  // the goroutine returns; main returning ends the program
struct Lock {
  ObjId m = 0;
};
struct Unlock {
  ObjId m = 0;
};
struct TryLock {
  ObjId m = 0;
};
struct RLock {
  ObjId rw = 0;
};
struct RUnlock {
  ObjId rw = 0;
};
struct WLock {  // RWMutex.Lock
  ObjId rw = 0;
};
struct WUnlock {  // RWMutex.Unlock
  ObjId rw = 0;
};
struct Wait {  // Cond.Wait (its Mutex must be held)
  ObjId cond = 0;
};
struct Signal {
  ObjId cond = 0;
};
struct Broadcast {
  ObjId cond = 0;
};
struct Send {
  ObjId ch = 0;
  std::int64_t v = 0;
};
struct Recv {
  ObjId ch = 0;
};
struct Close {
  ObjId ch = 0;
};
struct SelectCase {
  bool send = false;
  ObjId ch = 0;
  std::int64_t v = 0;
};
struct Select {
  std::vector<SelectCase> cases;  // at most 2 (the chat server's shapes)
  bool has_default = false;
};
struct WaitRead {  // pollDesc.waitRead: the read returned EAGAIN, park until the fd is ready
  ObjId fd = 0;
};
struct Syscall {};  // a blocking system call (entersyscall ... exitsyscall)
}  // namespace gop

using GoOp =
    std::variant<gop::Go, gop::Gosched, gop::Exit, gop::Lock, gop::Unlock, gop::TryLock, gop::RLock,
                 gop::RUnlock, gop::WLock, gop::WUnlock, gop::Wait, gop::Signal, gop::Broadcast,
                 gop::Send, gop::Recv, gop::Close, gop::Select, gop::WaitRead, gop::Syscall>;
std::string_view go_op_name(const GoOp& op);           // "go", "Mutex.Lock", "chan send", ...
std::string_view go_op_index_name(std::size_t index);  // by GoOp::index(); "" when out of range

}  // namespace papaya::model::go

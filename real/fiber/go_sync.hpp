// Go 1.19's sync.Mutex, sync.RWMutex, sync.Cond and channels over Boost.Fiber, for the goroutine
// part of RealOs (fiber_os.hpp). Each is a little code over boost::fibers::mutex and
// condition_variable where Boost's own types do not have Go's semantics:
//  - Mutex: Go's is not owned (any goroutine may Unlock it), Boost's fibers::mutex is (it throws
//    lock_error), so a Go mutex is a flag under a fibers::mutex, waited on with a condvar.
//  - RWMutex: writer preference as sync/rwmutex.go: Lock announces a pending writer
//    (readerCount -= rwmutexMaxReaders), after which RLock blocks; Unlock lets in every reader
//    that blocked meanwhile before the next writer (they are counted when it announces).
//  - Cond: sync/cond.go's notifyList: a ticket taken before L is unlocked, Signal wakes the
//    oldest ticket (FIFO), Broadcast all; no spurious wakeups.
//  - Channels: Boost's channels have no select, no nil channel and no unbuffered close-with-ok,
//    so channels follow runtime/chan.go (direct handoff to a parked receiver, buffer, sudog
//    queues) and runtime/select.go (cases polled in a random order, then parked on every case),
//    all under one process-wide fibers::mutex instead of per-channel locks with lock ordering.
// Go's fatal errors and panics print Go's message on stderr and abort (go_fatal).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "os/go_types.hpp"

namespace papaya::real::fiber {

// Prints Go's line ("fatal error: sync: unlock of unlocked mutex", "panic: close of closed
// channel") to stderr and aborts the process, as an unrecovered Go failure ends it.
[[noreturn]] void go_fatal(std::string_view line);

// The process's Go objects: handles are indices into tables that only grow.
GoMutex new_mutex();
void lock(GoMutex m);
void unlock(GoMutex m);
bool try_lock(GoMutex m);

GoRWMutex new_rwmutex();
void rlock(GoRWMutex rw);
void runlock(GoRWMutex rw);
void lock(GoRWMutex rw);
void unlock(GoRWMutex rw);

GoCond new_cond(GoMutex l);
void wait(GoCond c);
void signal(GoCond c);
void broadcast(GoCond c);

GoChan new_chan(std::size_t capacity);
void chan_send(GoChan ch, std::int64_t v);
GoReceived chan_recv(GoChan ch);
void chan_close(GoChan ch);
GoSelected select(std::span<const GoCase> cases, bool with_default);

}  // namespace papaya::real::fiber

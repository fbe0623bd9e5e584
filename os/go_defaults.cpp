// The goroutine calls of a world that has no goroutines (test doubles): a program that calls them
// there is wrong, so they throw instead of pretending.
#include <stdexcept>
#include <string>

#include "os/os.hpp"

namespace papaya {
namespace {

[[noreturn]] void no_goroutines(const char* call) {
  throw std::logic_error(std::string("Os::") + call +
                         ": this world has no goroutines (use SimOs or RealOs with --design "
                         "goroutine/fiber)");
}

}  // namespace

void Os::go(std::function<void(Os&)>, Site) { no_goroutines("go"); }
void Os::gosched(Site) { no_goroutines("gosched"); }
GoMutex Os::new_mutex(Site) { no_goroutines("new_mutex"); }
void Os::lock(GoMutex, Site) { no_goroutines("lock"); }
void Os::unlock(GoMutex, Site) { no_goroutines("unlock"); }
bool Os::try_lock(GoMutex, Site) { no_goroutines("try_lock"); }
GoRWMutex Os::new_rwmutex(Site) { no_goroutines("new_rwmutex"); }
void Os::rlock(GoRWMutex, Site) { no_goroutines("rlock"); }
void Os::runlock(GoRWMutex, Site) { no_goroutines("runlock"); }
void Os::lock(GoRWMutex, Site) { no_goroutines("lock"); }
void Os::unlock(GoRWMutex, Site) { no_goroutines("unlock"); }
GoCond Os::new_cond(GoMutex, Site) { no_goroutines("new_cond"); }
void Os::wait(GoCond, Site) { no_goroutines("wait"); }
void Os::signal(GoCond, Site) { no_goroutines("signal"); }
void Os::broadcast(GoCond, Site) { no_goroutines("broadcast"); }
GoChan Os::new_chan(std::size_t, Site) { no_goroutines("new_chan"); }
void Os::chan_send(GoChan, std::int64_t, Site) { no_goroutines("chan_send"); }
GoReceived Os::chan_recv(GoChan, Site) { no_goroutines("chan_recv"); }
void Os::chan_close(GoChan, Site) { no_goroutines("chan_close"); }
GoSelected Os::select(std::span<const GoCase>, bool, Site) { no_goroutines("select"); }
GoChan Os::signal_notify(SigSet, Site) { no_goroutines("signal_notify"); }

}  // namespace papaya

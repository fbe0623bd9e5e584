// Boost.Context's ucontext back end keeps the current activation record in a thread-local that the
// library defines only when it is itself built for ucontext. Debian's libboost_context is built for
// fcontext, so the sanitizer configuration (which selects BOOST_USE_UCONTEXT so that BOOST_USE_ASAN
// can announce every stack switch to ASan) gets the definitions here, as Boost's own
// libs/context/src/fiber.cpp writes them. In the default (fcontext) build this file is empty.
#if defined(BOOST_USE_UCONTEXT)
#include <boost/context/fiber.hpp>

namespace boost::context::detail {

namespace {
thread_local fiber_activation_record* current_record = nullptr;
thread_local std::size_t initializers = 0;
}  // namespace

fiber_activation_record_initializer::fiber_activation_record_initializer() noexcept {
  if (initializers++ == 0) current_record = new fiber_activation_record();
}

fiber_activation_record_initializer::~fiber_activation_record_initializer() {
  if (--initializers == 0) {
    delete current_record;
    current_record = nullptr;
  }
}

fiber_activation_record*& fiber_activation_record::current() noexcept {
  thread_local static fiber_activation_record_initializer initializer;
  return current_record;
}

}  // namespace boost::context::detail
#endif
